"""Figures' values in the user's locale: the one way each language shows a number of the report.

- Vietnamese: the value exactly as the report writes it (``239.163``, ``14,99``, ``14-15``, ``161/182``).
- English (and any other locale): each number re-formatted by Babel in that locale, keeping the number
  of decimals the report gave (``239,163``, ``14.99``, ``14–15``, ``161/182``).
- Ranks (``kind: rank``): ``thứ 12 cả nước`` (``thứ {value} {unit}``) and ``12th nationwide``
  (``{ordinal} {unit}``); ``4/63`` is ``thứ 4/63`` and ``4th of 63``.
- The hedge (``qualifier``: "ước đạt", "gần", "trên") stands before the number, the unit after it,
  both in the reader's language (the pack's translation overlay).

Nothing here knows any figure of the report.
"""

from __future__ import annotations

from bot.content import Figure
from bot.content.numbers import FRACTION_RE, RANGE_RE, SINGLE_RE, read_number
from bot.content.schema import FigureText
from bot.i18n import Translator


def format_token(token: str, tr: Translator) -> str:
    """One number as written in the report, in the translator's locale."""
    if tr.lang == "vi":
        return token
    try:
        number = read_number(token)
    except ValueError:
        return token
    return tr.number(number.value, decimals=number.decimals)


def format_value(value: str | None, tr: Translator) -> str | None:
    """A figure's ``value`` (single, range or fraction) for the locale; None stays None."""
    if value is None:
        return None
    if tr.lang == "vi":
        return value
    if m := SINGLE_RE.match(value):
        return format_token(m.group(1), tr)
    if m := RANGE_RE.match(value):
        return f"{format_token(m.group(1), tr)}–{format_token(m.group(2), tr)}"
    if m := FRACTION_RE.match(value):
        return f"{format_token(m.group(1), tr)}/{format_token(m.group(2), tr)}"
    return value


def with_unit(value: str, unit: str | None) -> str:
    """``57,1`` + ``%`` -> ``57,1%``; ``239.163`` + ``nghìn tỷ đồng`` -> ``239.163 nghìn tỷ đồng``."""
    if not unit:
        return value
    if unit[0] in "%‰/":
        return value + unit
    return f"{value} {unit}"


def _ordinal(token: str, tr: Translator) -> str:
    try:
        return tr.ordinal(int(token))
    except ValueError:
        return format_token(token, tr)


def _rank_word(tr: Translator) -> str:
    """The word a rank is written with ("thứ", "no."), from the same message format_rank uses."""
    return tr.gettext("no. {n}").replace("{n}", "").strip()


def format_rank(value: str, tr: Translator) -> str:
    """A rank as written (``12``, ``4/63``, ``2-3``): ``thứ 12`` / ``12th``, ``4th of 63``, ``2nd–3rd``."""
    if tr.lang == "vi":
        return tr.gettext("no. {n}").format(n=value)
    if m := SINGLE_RE.match(value):
        return _ordinal(m.group(1), tr)
    if m := RANGE_RE.match(value):
        return f"{_ordinal(m.group(1), tr)}–{_ordinal(m.group(2), tr)}"
    if m := FRACTION_RE.match(value):
        return tr.gettext("{rank} of {total}").format(rank=_ordinal(m.group(1), tr),
                                                      total=format_token(m.group(2), tr))
    return value


def figure_value(fig: Figure, tr: Translator, words: FigureText | Figure, rank: bool) -> str | None:
    """Hedge, value and unit of a figure for the reader (plain text, not escaped), or None when pending.

    ``words`` are the figure's words in the reader's language (``pack.figure_text(id, lang)``, or the
    figure itself for its own language). ``rank`` shows the value as a place in a ranking (the caller
    knows: bot/render/figures.ranks, or the figure's role)."""
    if fig.value is None:
        return None
    qualifier, unit = words.qualifier, words.unit
    # A target written "đứng thứ 15" carries the rank word as its hedge: it is a place, said once.
    rank_word = qualifier is not None and qualifier.casefold() == _rank_word(tr).casefold()
    if rank_word:
        qualifier = None
    if rank_word or rank:
        value = format_rank(fig.value, tr)
        text = f"{qualifier} {value}" if qualifier else value
        return f"{text} {unit}" if unit else text
    value = format_value(fig.value, tr) or fig.value
    # The report's own hedge ("gần 92.000", "trên 68,4%") stays with the number in every locale.
    return with_unit(f"{qualifier} {value}" if qualifier else value, unit)
