"""When a subscriber's digest is due, in the bot's time zone, whatever the server's zone is."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


def time_of_minute(minute: int) -> time:
    return time(minute // 60, minute % 60)


def sends_on(day: date, weekdays_only: bool) -> bool:
    return not weekdays_only or day.weekday() < 5


def next_due(now: datetime, minute: int, weekdays_only: bool, tz: tzinfo, delivered_today: bool = False) -> datetime:
    """The next local datetime at which this subscriber's digest goes out (aware, in ``tz``).

    Today counts only if its time has not passed (or it is due now) and nothing went out today.
    """
    local = now.astimezone(tz)
    day = local.date()
    for offset in range(8):
        candidate_day = day + timedelta(days=offset)
        if not sends_on(candidate_day, weekdays_only):
            continue
        due = datetime.combine(candidate_day, time_of_minute(minute), tzinfo=tz)
        if offset == 0 and (delivered_today or due < local.replace(second=0, microsecond=0)):
            continue
        return due
    raise AssertionError("a week always has a sending day")  # pragma: no cover


def local_today(now: datetime, tz: tzinfo) -> tuple[date, int]:
    """(local date, minute of day) of ``now`` in ``tz``."""
    local = now.astimezone(tz)
    return local.date(), local.hour * 60 + local.minute
