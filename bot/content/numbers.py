"""Numbers as the report writes them (Vietnamese: ``.`` groups thousands, ``,`` is the decimal mark).

The one owner of reading them: the content checks, the search, the renderers (bot/render/numbers.py)
and the quiz (bot/study/distractors.py) all read a number of the report with :func:`read_number`, and
find one in text with :data:`NUMBER` (the pattern) or :data:`NUMBER_TOKEN_RE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

#: A number token: digits with . or , separators (239.163 / 14,99 / 92.000 / 1,63).
NUMBER = r"\d+(?:[.,]\d+)*"
NUMBER_TOKEN_RE = re.compile(NUMBER)
RANGE_RE = re.compile(rf"^\s*({NUMBER})\s*(?:-|–|đến)\s*({NUMBER})\s*$")
FRACTION_RE = re.compile(rf"^\s*({NUMBER})\s*/\s*({NUMBER})\s*$")
SINGLE_RE = re.compile(rf"^\s*({NUMBER})\s*$")
PLACEHOLDER_RE = re.compile(r"\.{3,}|…")
#: A year as a cadre types one (search reads "2025" as a year, not a quantity).
YEAR_RE = re.compile(r"^(19|20)\d\d$")
#: Thousands grouped with commas, the English way (``10,000``): a cadre may type it so.
ENGLISH_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$")
#: Thousands grouped with dots, the report's way (``239.163``, ``1.250,5``).
THOUSANDS_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,(\d+))?$")


@dataclass(frozen=True)
class Number:
    """A number token of the report, read exactly: its value and how it is written."""

    value: Decimal
    decimals: int  # digits after the decimal mark: "14,99" has 2
    pad: int       # zero padding: "04" is padded to 2 (0: none)
    grouped: bool  # thousands grouped with dots: "239.163"


def read_number(token: str) -> Number:
    """Read ``239.163`` as 239163 and ``14,99`` as 14.99 (``ValueError`` for anything else).

    A dot followed by exactly three digits groups thousands; a comma is the decimal mark.
    The report never writes a decimal with a dot, so ``1.5`` does not occur; if it did we
    would read it as a decimal rather than guess thousands.
    """
    token = token.strip()
    integer, _, decimals = token.partition(",")
    groups = integer.split(".")
    grouped = len(groups) > 1 and all(len(g) == 3 for g in groups[1:])
    if len(groups) == 2 and not grouped and not decimals:
        integer, decimals = groups
    elif len(groups) > 1 and not grouped:
        raise ValueError(f"cannot read number {token!r}")
    else:
        integer = "".join(groups)
    if not integer.isdigit() or (decimals and not decimals.isdigit()):
        raise ValueError(f"cannot read number {token!r}")
    pad = len(integer) if len(integer) > 1 and integer.startswith("0") else 0
    return Number(Decimal(f"{integer}.{decimals}" if decimals else integer), len(decimals), pad, grouped)


def parse_vn_number(token: str) -> float:
    """A number of the report as a float (see :func:`read_number`)."""
    return float(read_number(token).value)


def canonical_number(token: str) -> str:
    """One spelling per number, so a cadre's ``239163`` finds the report's ``239.163``.

    Thousands grouped with dots (the report's way) become bare digits: ``239.163`` -> ``239163``,
    ``1.250,5`` -> ``1250d5``. Any other separator is a decimal mark, typed either way:
    ``14,99`` and ``14.99`` -> ``14d99`` (so ``34`` never finds ``3,4`` or section ``3.4``).
    Leading zeros go: ``03`` -> ``3`` (the report writes both).
    """
    grouped = THOUSANDS_RE.match(token)
    if grouped:
        integer = token.split(",")[0].replace(".", "").lstrip("0") or "0"
        return integer + ("d" + grouped.group(1) if grouped.group(1) else "")
    parts = re.split(r"[.,]", token)
    head = parts[0].lstrip("0") or "0"
    return "d".join([head, *parts[1:]])


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


# ---------------------------------------------------------------------------------------------
# Numbers in running text: which ones are quantities, and where a figure's value stands.
#
# A *run* is a number as one token, joined by the separators the report writes inside a value:
# 14 / 14,99 / 239.163 / 14-15 / 161/182 / 04/63. ``value: "1"`` therefore never matches inside
# "14%" or "1,63", and ``"15"`` never inside "14-15%".
NUMBER_RUN_RE = re.compile(r"\d+(?:[.,/\-–]\d+)*")
YEAR_MIN, YEAR_MAX = 1900, 2100
DATE_RE = re.compile(r"^\d{1,2}/(?:\d{1,2}/)?\d{4}$")
# A document number: "173-NQ/TU", "1191/NQ-UBTVQH15", "25/QĐ-TTg" (a capital letter after - or /).
DOCUMENT_TAIL_RE = re.compile(r"\s?[-/–]\s?[^\W\d_]", re.UNICODE)


def normal_run(text: str) -> str:
    """A run or a value as one comparable string: spaces around - and / dropped, en dash as -."""
    return re.sub(r"\s*([-–/])\s*", lambda m: "-" if m.group(1) in "-–" else "/", text.strip())


def is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and YEAR_MIN <= int(token) <= YEAR_MAX


def is_year_run(run: str) -> bool:
    """A year (2025) or a span of years (2021-2025, 2022, 2023 is two runs)."""
    parts = re.split(r"[-–]", normal_run(run))
    return all(is_year(p) for p in parts)


def years_in(text: str) -> set[str]:
    """Every year a text names, including both ends of a span ("2021-2025" gives 2021 and 2025)."""
    return {t for t in re.findall(r"\d+", text) if is_year(t)}


def value_spans(value: str, text: str, unit: str | None = None) -> list[tuple[int, int]]:
    """Where ``value`` stands in ``text`` as a whole number run.

    A rate written against a base ("36,4/10.000 dân") matches its value when the unit carries the
    base ("giường/10.000 dân").
    """
    wanted = normal_run(value)
    spans = []
    for match in NUMBER_RUN_RE.finditer(text):
        run = normal_run(match.group())
        if run == wanted:
            spans.append((match.start(), match.end()))
        elif unit and run.startswith(wanted + "/") and run[len(wanted):] in normal_run(unit):
            spans.append((match.start(), match.start() + len(value)))
    return spans


def run_kind(text: str, start: int, end: int, reference_words: tuple[str, ...] = ()) -> str:
    """What a number run in running text is: ``quantity``, or ``year``, ``date``, ``document``,
    ``list`` (a list marker "(4)" or a label "KDL 3:"), ``name`` (QL37, QL.31, 4G, Covid-19, mục I.2.5)
    or ``reference`` (after a word such as "chú thích", "phiên bản")."""
    run = text[start:end]
    before, after = text[:start], text[end:]
    if is_year_run(run):
        return "year"
    if DATE_RE.match(normal_run(run)):
        return "date"
    if DOCUMENT_TAIL_RE.match(after):
        return "document"
    if before.endswith("(") and after.startswith(")"):
        return "list"
    if after.startswith(":"):
        return "list"
    if before[-1:].isalpha() or (before.endswith(".") and before[-2:-1].isalpha()):
        return "name"
    if before.endswith("-") and not before[-2:-1].isdigit():
        return "name"
    if after[:1].isalpha() and after[:1].isupper():
        return "name"
    words = before.split()
    if len(words) >= 2 and before[-1:].isspace() and all(w[:1].isupper() for w in words[-2:]):
        return "name"  # "cầu Hà Bắc 2", "SEA Games 31"
    tail = before.rstrip().lower()
    if len(run) <= 3:  # "phiên bản 1.0", "mức độ 2"; never "giai đoạn 641.000 tỷ đồng"
        for word in reference_words:
            if tail.endswith(word.lower()):
                return "reference"
    return "quantity"


def quantity_runs(text: str, reference_words: tuple[str, ...] = ()) -> list[str]:
    """The runs of a text that state quantities (years, dates, document and list numbers left out)."""
    return [m.group() for m in NUMBER_RUN_RE.finditer(text)
            if run_kind(text, m.start(), m.end(), reference_words) == "quantity"]


def run_parts(run: str) -> list[str]:
    """The numbers inside a run, one spelling each: "04/63" -> ["4", "63"], "2.128" -> ["2128"]."""
    return [canonical_number(p) for p in re.split(r"[-–/]", normal_run(run)) if p]
