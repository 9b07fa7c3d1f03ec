"""Wrong options for a figure question: plausible, and never right.

A distractor has the answer's unit, kind, shape (single value, range, fraction with the same total)
and magnitude, and is written the way the report writes numbers (same decimals, zero padding and
thousand separators, so no option stands out by its form). It is never:

- another true value of the figure: any number of the figure's own sentence, and the values of the
  figures linked to it (compared with it, in a note with it, the same indicator in another year,
  quoted from the same sentence), or a value within ``SAME_VALUE`` of one of those;
- a value that would also be right: an approximate answer ("khoảng 85%") keeps a wider gap, an
  answer that is a bound ("trên 90%" is at least 90%) gets distractors only beyond it, a share never
  goes over 100%;
- a pending figure (those have no value).

Candidates come from other figures of the same unit and kind (real numbers of the report, the most
plausible) and from the answer scaled by a few factors; the seed shuffles both, so a seed always
gives the same options. Numbers here tune plausibility, none is a figure of any report.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from bot.content.numbers import FRACTION_RE, RANGE_RE, SINGLE_RE, read_number

#: Factors the answer is scaled by for synthetic candidates, nearest first: a distractor close to the
#: answer is more plausible (74,7 years of life gives 82,2, not 149,4). The seed picks within a ring.
RINGS = ((0.85, 0.9, 1.1, 1.15, 1.2), (0.75, 0.8, 1.25, 1.3), (0.6, 0.7, 1.4, 1.5))
#: Whole numbers up to SMALL_INT (ranks, counts like "04 nhà máy") also get neighbours at these offsets.
SMALL_OFFSETS = (-3, -2, -1, 1, 2, 3, 4)
SMALL_INT = 12
#: Least relative gap between an exact answer and a distractor, and between two distractors.
EXACT_GAP = 0.08
#: Least gap for an approximate or bounded answer ("khoảng", "gần", "trên"): nearer would be right too.
APPROX_GAP = 0.15
#: A distractor stays within this factor of the answer (same magnitude) ...
MAGNITUDE = 1.6
#: ... or, for small whole numbers, within this many units of it.
SMALL_SPREAD = 4
#: A candidate this close (relative) to a true value of the figure counts as that value.
SAME_VALUE = 0.02
#: At most this many distractors are other figures' values (real numbers of the report, written
#: with the answer's decimals), before synthetic ones.
FROM_TABLE = 1

Bound = Literal["exact", "approx", "lower", "upper"]
Shape = Literal["single", "range", "fraction"]


@dataclass(frozen=True)
class Style:
    """How the report writes a number: decimals after ``,``, zero padding (``04``), ``.`` groups."""

    decimals: int
    pad: int
    grouped: bool


def read_token(token: str) -> tuple[Decimal, Style]:
    """``"239.163"`` -> 239163, ``"14,99"`` -> 14.99, ``"04"`` -> 4 (padded to 2)."""
    number = read_number(token)
    return number.value, Style(number.decimals, number.pad, number.grouped)


def write(number: Decimal, style: Style) -> str:
    """A number written in the report's way, in ``style``."""
    quantum = Decimal(1).scaleb(-style.decimals)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    integer, _, decimals = f"{rounded:f}".partition(".")
    if style.grouped:
        integer = f"{int(integer):,}".replace(",", ".")
    elif style.pad:
        integer = integer.zfill(style.pad)
    return f"{integer},{decimals}" if style.decimals else integer


def rounded(number: Decimal, style: Style) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-style.decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Value:
    """A figure's value as written: ``low`` (the value, a range's start, a fraction's numerator),
    ``high`` (a range's end) and ``total`` (a fraction's denominator, kept as written)."""

    shape: Shape
    low: Decimal
    style: Style
    high: Decimal | None = None
    total: str | None = None

    @property
    def width(self) -> Decimal:
        return (self.high - self.low) if self.high is not None else Decimal(0)

    def text(self) -> str:
        if self.shape == "range":
            assert self.high is not None
            return f"{write(self.low, self.style)}-{write(self.high, self.style)}"
        if self.shape == "fraction":
            return f"{write(self.low, self.style)}/{self.total}"
        return write(self.low, self.style)

    def numbers(self) -> tuple[Decimal, ...]:
        return (self.low,) if self.high is None else (self.low, self.high)


def parse(value: str | None) -> Value | None:
    """The value of a figure as written, or None (pending, or a shape distractors cannot mimic)."""
    if value is None:
        return None
    try:
        if m := SINGLE_RE.match(value):
            number, style = read_token(m.group(1))
            return Value("single", number, style)
        if m := RANGE_RE.match(value):
            low, style = read_token(m.group(1))
            high, _ = read_token(m.group(2))
            return Value("range", low, style, high=high) if high > low else None
        if m := FRACTION_RE.match(value):
            low, style = read_token(m.group(1))
            read_token(m.group(2))
            return Value("fraction", low, style, total=m.group(2).strip())
    except (ValueError, ArithmeticError):
        return None
    return None


@dataclass(frozen=True)
class Problem:
    """Everything distractors for one figure must respect (built once per pack)."""

    answer: Value
    bound: Bound
    cap: Decimal | None               # shares stay at or under 100%
    taken: tuple[Decimal, ...]        # true values of the figure: never offered as wrong
    table: tuple[Value, ...]          # values of other figures: same unit, kind and shape


def _gap(a: Decimal, b: Decimal) -> float:
    top = max(abs(a), abs(b))
    return float(abs(a - b) / top) if top else 0.0


def _small(value: Value) -> bool:
    return value.style.decimals == 0 and value.low <= SMALL_INT


class _Judge:
    """Says whether a candidate may be offered next to the answer and the distractors chosen so far."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.answer = problem.answer
        self.gap = EXACT_GAP if problem.bound == "exact" else APPROX_GAP
        self.chosen: list[Value] = []
        self.texts = {problem.answer.text()}

    def _magnitude_ok(self, c: Decimal) -> bool:
        v = self.answer.low
        if v <= 0:
            return c > 0
        if _small(self.answer) and abs(c - v) <= SMALL_SPREAD:
            return True
        return v / Decimal(MAGNITUDE) <= c <= v * Decimal(MAGNITUDE)

    def _direction_ok(self, c: Value) -> bool:
        a = self.answer
        if self.p.bound == "lower":
            return c.low > (a.high or a.low)
        if self.p.bound == "upper":
            return (c.high or c.low) < a.low
        return True

    def _apart(self, c: Value, other: Value, gap: float) -> bool:
        if c.shape == "range" or other.shape == "range":
            c_high, o_high = c.high or c.low, other.high or other.low
            if c.low <= o_high and other.low <= c_high:  # ranges that touch or overlap
                return False
            nearest = (c.low, o_high) if c.low > o_high else (c_high, other.low)
            return _gap(*nearest) >= gap
        return _gap(c.low, other.low) >= gap

    def accepts(self, c: Value) -> bool:
        if c.low <= 0 or c.text() in self.texts:
            return False
        if c.shape == "fraction" and c.low > _total(c):
            return False
        if c.shape == "fraction" and self.answer.low == _total(self.answer) and c.low >= _total(c):
            return False
        top = c.high if c.high is not None else c.low
        if self.p.cap is not None and top >= self.p.cap:  # no "100%" share as a wrong option
            return False
        if not self._magnitude_ok(c.low) or not self._direction_ok(c):
            return False
        if not self._apart(c, self.answer, self.gap):
            return False
        if any(not self._apart(c, other, EXACT_GAP) for other in self.chosen):
            return False
        for true in self.p.taken:
            if c.high is not None and c.low <= true <= c.high:
                return False
            if any(_gap(n, true) < SAME_VALUE for n in c.numbers()):
                return False
        return True

    def take(self, c: Value) -> None:
        self.chosen.append(c)
        self.texts.add(c.text())

    def drop(self) -> None:
        self.texts.discard(self.chosen.pop().text())


def _total(value: Value) -> Decimal:
    return read_token(value.total or "0")[0]


def _like_answer(answer: Value, low: Decimal) -> Value:
    """A candidate of the answer's shape and style starting at ``low``."""
    style = answer.style
    if answer.low < 1000 and not style.pad:  # the report groups thousands: 893,17 km -> 1.027,15 km
        style = Style(style.decimals, style.pad, True)
    low = rounded(low, style)
    high = rounded(low + answer.width, style) if answer.shape == "range" else None
    return Value(answer.shape, low, style, high=high, total=answer.total)


def synthetic(answer: Value) -> list[list[Value]]:
    """The answer scaled by each ring of factors, nearest ring first; small whole numbers also get
    their neighbours in the first ring."""
    rings = [[_like_answer(answer, answer.low * Decimal(str(m))) for m in ring] for ring in RINGS]
    if _small(answer):
        rings[0] += [_like_answer(answer, answer.low + offset) for offset in SMALL_OFFSETS]
    return rings


def from_table(answer: Value, table: Iterable[Value]) -> list[Value]:
    """Other figures' values written like the answer (same decimals; a fraction with the same total, a
    range of the same width), so none stands out by its form."""
    out = []
    for value in table:
        if value.shape != answer.shape or value.style.decimals != answer.style.decimals:
            continue
        if value.shape == "fraction" and value.total != answer.total:
            continue
        if value.shape == "range" and value.width != answer.width:
            continue
        out.append(_like_answer(answer, value.low))
    return out


def _search(problem: Problem, ordered: Sequence[tuple[Value, bool]], count: int, table_limit: int
            ) -> list[Value]:
    """The first ``count`` candidates in ``ordered`` that can all stand together (depth-first, so a
    choice that blocks the rest is undone), with at most ``table_limit`` from other figures."""
    judge = _Judge(problem)
    best: list[Value] = []  # the most found together, for a figure that allows fewer than ``count``

    def fill(start: int, from_table: int) -> bool:
        if len(judge.chosen) > len(best):
            best[:] = judge.chosen
        if len(judge.chosen) == count:
            return True
        for index in range(start, len(ordered)):
            candidate, is_table = ordered[index]
            if is_table and from_table >= table_limit:
                continue
            if judge.accepts(candidate):
                judge.take(candidate)
                if fill(index + 1, from_table + is_table):
                    return True
                judge.drop()
        return False

    fill(0, 0)
    return list(best)


def distractors(problem: Problem, rng: random.Random | None, count: int = 3) -> list[Value]:
    """``count`` distractors in the seed's order (``rng``; None: the pack's order), fewer only when the
    figure allows no more (check-content refuses such a quiz figure)."""
    table = from_table(problem.answer, problem.table)
    rings = synthetic(problem.answer)
    if rng is not None:
        rng.shuffle(table)
        for ring in rings:
            rng.shuffle(ring)
    ordered = [(v, True) for v in table] + [(v, False) for ring in rings for v in ring]
    chosen = _search(problem, ordered, count, FROM_TABLE)
    if len(chosen) < count:  # few synthetic candidates fit (a bound near a cap): more real values
        chosen = _search(problem, ordered, count, count)
    return chosen


def bound_of(qualifier: str | None, unit: str | None, lower: Sequence[str], upper: Sequence[str]) -> Bound:
    """``lower``/``upper`` when the hedge or unit holds one of the pack's bound words, ``approx`` for any
    other hedge ("khoảng", "ước đạt"), else ``exact``. Words are compared folded, as whole words."""
    from bot.content.folding import fold

    text = f" {fold(' '.join(filter(None, (qualifier, unit))))} "
    if any(f" {fold(w)} " in text for w in lower if fold(w)):
        return "lower"
    if any(f" {fold(w)} " in text for w in upper if fold(w)):
        return "upper"
    return "approx" if qualifier else "exact"
