"""When a meeting is, as a group secretary types it: ``28/12 08:00``, ``28/12/2026 8h``, ``mai 8h``,
``tomorrow 8:00``, ``thứ 6 14h``, ``8h30 thứ hai``, ``hôm nay 15h``; the words after it are the topic.

Times are read in the bot's time zone (BOT_TIMEZONE). A date without a year is this year's, or next
year's when this year's has passed and next year's is near (``5/1`` typed on 28 December). A time
alone is today. Anything else is refused with a reason the handler turns into an example.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.digest.timeparse import TimeFormatError, parse_time

#: A date typed without its year means next year's only when that is at most this far ahead.
NEXT_YEAR_WITHIN = timedelta(days=183)
#: Meetings further ahead are refused (a typo in the year, most likely).
MAX_AHEAD = timedelta(days=366)
#: Longest text read (a command line, not a page).
MAX_CHARS = 300

_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}|\d{2}))?$")
_FILLERS = frozenset({"luc", "vao", "at", "on", "ngay", "hop"})
# Folded (no diacritics) words for days relative to today.
_RELATIVE: dict[tuple[str, ...], int] = {
    ("mai",): 1, ("ngay", "mai"): 1, ("tomorrow",): 1,
    ("nay",): 0, ("hom", "nay"): 0, ("today",): 0,
    ("mot",): 2, ("ngay", "mot"): 2, ("ngay", "kia"): 2,
}
# Folded weekday words -> Monday=0 … Sunday=6.
_WEEKDAYS: dict[tuple[str, ...], int] = {
    **{("thu", str(n)): n - 2 for n in range(2, 8)},
    **{(f"t{n}",): n - 2 for n in range(2, 8)},
    **{(f"thu{n}",): n - 2 for n in range(2, 8)},
    ("thu", "hai"): 0, ("thu", "ba"): 1, ("thu", "tu"): 2, ("thu", "nam"): 3, ("thu", "sau"): 4,
    ("thu", "bay"): 5, ("chu", "nhat"): 6, ("cn",): 6, ("chunhat",): 6,
    **{(name,): n for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                           "saturday", "sunday"))},
    **{(name,): n for n, name in enumerate(("mon", "tue", "wed", "", "fri", "sat", "sun")) if name},
}


class WhenError(ValueError):
    """The text holds no usable time; ``reason`` is unreadable, past, far or no_time."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class When:
    starts: datetime  # aware, in the bot's time zone
    topic: str        # the words after the time, as typed


def _fold(token: str) -> str:
    decomposed = unicodedata.normalize("NFD", token.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _match_words(folded: list[str], i: int, table: dict[tuple[str, ...], int]) -> tuple[int, int] | None:
    """(value, tokens used) of the longest table entry starting at token i."""
    for size in (2, 1):
        key = tuple(folded[i:i + size])
        if len(key) == size and key in table:
            return table[key], size
    return None


def _match_date(tokens: list[str], folded: list[str], i: int, today: date) -> tuple[date | int, int] | None:
    """A calendar date (year resolved later: returned as a date with year 1 when none was typed),
    a relative day, or a weekday (returned as an int 100 + weekday)."""
    m = _DATE_RE.match(tokens[i])
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        full_year = (2000 + int(year) if len(year) == 2 else int(year)) if year else 1
        try:
            return date(full_year, month, day), 1
        except ValueError:  # 8.30 is a time, not the 30th month; 31/02 is nothing
            return None
    relative = _match_words(folded, i, _RELATIVE)
    if relative is not None:
        return today + timedelta(days=relative[0]), relative[1]
    weekday = _match_words(folded, i, _WEEKDAYS)
    if weekday is not None:
        return 100 + weekday[0], weekday[1]
    return None


def _match_time(tokens: list[str], i: int) -> tuple[time, int] | None:
    for size in (3, 2, 1):
        if i + size > len(tokens):
            continue
        try:
            return parse_time(" ".join(tokens[i:i + size])), size
        except TimeFormatError:
            continue
    return None


def _resolve(day: date | int | None, at: time, now: datetime, tz: tzinfo) -> datetime:
    today = now.date()
    if day is None:
        return datetime.combine(today, at, tzinfo=tz)
    if isinstance(day, int):  # a weekday: its next occurrence, today if the time is still ahead
        ahead = (day - 100 - today.weekday()) % 7
        moment = datetime.combine(today + timedelta(days=ahead), at, tzinfo=tz)
        return moment if moment > now else moment + timedelta(days=7)
    if day.year == 1:  # no year typed
        moment = datetime.combine(day.replace(year=_year(day, today.year)), at, tzinfo=tz)
        if moment <= now:
            later = datetime.combine(day.replace(year=_year(day, today.year + 1)), at, tzinfo=tz)
            if later - now <= NEXT_YEAR_WITHIN:
                return later
        return moment
    return datetime.combine(day, at, tzinfo=tz)


def _year(day: date, year: int) -> int:
    """29 February in a year without one is refused as unreadable."""
    try:
        day.replace(year=year)
    except ValueError:
        raise WhenError("unreadable") from None
    return year


def parse_when(text: str, now: datetime, tz: tzinfo) -> When:
    """Read the meeting's time at the start of ``text``; raise WhenError with the reason otherwise."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text or len(text) > MAX_CHARS:
        raise WhenError("unreadable")
    now = now.astimezone(tz)
    raw = text.split()
    tokens = [t.strip(",;") or t for t in raw]
    folded = [_fold(t) for t in tokens]
    day: date | int | None = None
    at: time | None = None
    i = 0
    while i < len(tokens) and (day is None or at is None):
        if folded[i] in _FILLERS and i + 1 < len(tokens):
            i += 1
            continue
        if day is None and (found_day := _match_date(tokens, folded, i, now.date())) is not None:
            day, i = found_day[0], i + found_day[1]
            continue
        if at is None and (found_time := _match_time(tokens, i)) is not None:
            at, i = found_time[0], i + found_time[1]
            continue
        break
    if at is None:
        raise WhenError("no_time" if day is not None else "unreadable")
    starts = _resolve(day, at, now, tz)
    if starts <= now:
        raise WhenError("past")
    if starts - now > MAX_AHEAD:
        raise WhenError("far")
    return When(starts, " ".join(raw[i:]))
