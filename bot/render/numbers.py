"""Figures' values in the user's locale.

Vietnamese readers see the value exactly as the report writes it (``239.163``, ``14-15``, ``161/182``);
other locales get each number re-formatted by Babel (``239,163``, ``14–15``), keeping the number of
decimals the report gave. Nothing here knows any figure of the report.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from bot.content.numbers import FRACTION_RE, RANGE_RE, SINGLE_RE
from bot.i18n import Translator


def _token_decimal(token: str) -> tuple[Decimal, int]:
    """``"239.163"`` -> (239163, 0); ``"14,99"`` -> (14.99, 2): the report's separators, read exactly."""
    integer, _, decimals = token.strip().partition(",")
    groups = integer.split(".")
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        integer = "".join(groups)
    elif len(groups) == 2 and not decimals:
        integer, decimals = groups
    elif len(groups) > 1:
        raise ValueError(token)
    text = f"{integer}.{decimals}" if decimals else integer
    try:
        return Decimal(text), len(decimals)
    except InvalidOperation:
        raise ValueError(token) from None


def format_token(token: str, tr: Translator) -> str:
    """One number as written in the report, in the translator's locale."""
    if tr.lang == "vi":
        return token
    try:
        value, decimals = _token_decimal(token)
    except ValueError:
        return token
    return tr.number(value, decimals=decimals)


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


def figure_value(fig: Any, tr: Translator) -> str | None:
    """Value and unit of a figure for the locale (plain text, not escaped), or None when pending."""
    value = format_value(fig.value, tr)
    if value is None:
        return None
    # The report's own hedge ("gần 92.000", "trên 68,4%") stays with the number in every locale.
    qualifier = getattr(fig, "qualifier", None)
    return with_unit(f"{qualifier} {value}" if qualifier else value, fig.unit)
