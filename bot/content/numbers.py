"""Numbers as the report writes them (Vietnamese: ``.`` groups thousands, ``,`` is the decimal mark)."""

from __future__ import annotations

import re

# A number token: digits with . or , separators (239.163 / 14,99 / 92.000 / 1,63).
NUMBER_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*")
RANGE_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)*)\s*(?:-|–|đến)\s*(\d+(?:[.,]\d+)*)\s*$")
FRACTION_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)*)\s*/\s*(\d+(?:[.,]\d+)*)\s*$")
SINGLE_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)*)\s*$")
PLACEHOLDER_RE = re.compile(r"\.{3,}|…")


def parse_vn_number(token: str) -> float:
    """Read ``239.163`` as 239163 and ``14,99`` as 14.99.

    A dot followed by exactly three digits groups thousands; a comma is the decimal mark.
    The report never writes a decimal with a dot, so ``1.5`` does not occur; if it did we
    would read it as a decimal rather than guess thousands.
    """
    token = token.strip()
    integer, _, decimals = token.partition(",")
    groups = integer.split(".")
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        integer = "".join(groups)
    elif len(groups) == 2 and not decimals:
        return float(f"{groups[0]}.{groups[1]}")
    elif len(groups) > 1:
        raise ValueError(f"cannot read number {token!r}")
    return float(f"{integer}.{decimals}") if decimals else float(integer)


def parse_value(value: str) -> tuple[float, float | None, float | None]:
    """``(number, number_max, total)`` from a value as written: ``14``, ``14-15``, ``161/182``."""
    if m := SINGLE_RE.match(value):
        return parse_vn_number(m.group(1)), None, None
    if m := RANGE_RE.match(value):
        return parse_vn_number(m.group(1)), parse_vn_number(m.group(2)), None
    if m := FRACTION_RE.match(value):
        return parse_vn_number(m.group(1)), None, parse_vn_number(m.group(2))
    raise ValueError(
        f"value {value!r} is not a number, a range (14-15) or a fraction (161/182); "
        "put the unit in `unit`, not in `value`"
    )


def number_tokens(text: str) -> set[str]:
    """Number tokens of a text, with leading zeros dropped (the report writes both 03 and 3)."""
    return {canonical_token(t) for t in NUMBER_TOKEN_RE.findall(text)}


def canonical_token(token: str) -> str:
    stripped = token.lstrip("0")
    return stripped if stripped and stripped[0] not in ".," else token


def parse_en_number(token: str) -> float:
    """Read English ``239,163`` as 239163 and ``14.99`` as 14.99 (a comma before three digits groups)."""
    token = token.strip()
    integer, _, decimals = token.partition(".")
    groups = integer.split(",")
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        integer = "".join(groups)
    elif len(groups) > 1:
        raise ValueError(f"cannot read number {token!r}")
    if "." in decimals:
        raise ValueError(f"cannot read number {token!r}")
    return float(f"{integer}.{decimals}") if decimals else float(integer)


def number_values(text: str, lang: str = "vi") -> set[float]:
    """The numbers a text states, as values, whatever the language's separators (for comparing a
    translation with what it translates). Tokens that read as nothing (``1.2.3``) are skipped."""
    parse = parse_vn_number if lang == "vi" else parse_en_number
    out: set[float] = set()
    for token in NUMBER_TOKEN_RE.findall(text):
        try:
            out.add(round(parse(token), 6))
        except ValueError:
            continue
    return out
