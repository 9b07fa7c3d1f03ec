"""What goes into digest number N: pure selection from the content pack.

Each slot (a headline figure, a result, a limitation or task, a 2030 target) has its own list of
candidates in document order; digest N shows candidate ``N mod len(list)`` of each list. So a slot
never repeats until all its candidates have been shown, and a new subscriber (N = 0) starts at the
beginning of every cycle. The chosen fields narrow each list; a slot whose narrowed list is empty
falls back to the whole list rather than vanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.content import ContentPack, Figure, Item

RESULT_KINDS = ("achievement", "breakthrough_result")
TARGET_KINDS = ("target",)


@dataclass(frozen=True)
class FigureChange:
    figure: Figure
    old_value: str | None
    old_status: str | None


@dataclass(frozen=True, eq=False)
class Digest:
    issue_no: int  # 1-based: "Bản tin số N"
    day: date
    figure: Figure | None
    result: Item | None
    limitation_or_task: Item | None
    target: Item | None
    changes: list[FigureChange] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [i for i in (self.result, self.limitation_or_task, self.target) if i is not None]

    @property
    def key(self) -> tuple[object, ...]:
        """What the message shows: two digests with the same key read the same (renders are cached by it)."""
        return (self.issue_no, self.day,
                *(x.id if x is not None else None for x in (self.figure, self.result, self.limitation_or_task,
                                                             self.target)),
                tuple((c.figure.id, c.old_value, c.old_status) for c in self.changes))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Digest) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def figure_fields(pack: ContentPack) -> dict[str, str | None]:
    """A figure's field is the field of the first item citing it (figures carry no field themselves)."""
    out: dict[str, str | None] = {}
    for item in pack.items.values():
        for figure_id in item.figures:
            out.setdefault(figure_id, item.field)
    return out


def _narrow(candidates: list, fields: tuple[str, ...], field_of) -> list:
    if not fields:
        return candidates
    narrowed = [c for c in candidates if field_of(c) in fields]
    return narrowed or candidates


def _interleave(first: list[Item], second: list[Item]) -> list[Item]:
    out: list[Item] = []
    for index in range(max(len(first), len(second))):
        out.extend(x[index] for x in (first, second) if index < len(x))
    return out


_CANDIDATES: dict[tuple[int, str, tuple[str, ...]], dict[str, list]] = {}


def candidate_lists(pack: ContentPack, fields: tuple[str, ...]) -> dict[str, list]:
    """The four slots' candidates, cached per pack and fields: a fan-out composes 100,000 digests."""
    key = (id(pack), pack.fingerprint, tuple(sorted(fields)))
    cached = _CANDIDATES.get(key)
    if cached is None:
        if len(_CANDIDATES) > 256:
            _CANDIDATES.clear()
        cached = _CANDIDATES[key] = _candidate_lists(pack, fields)
    return cached


def _candidate_lists(pack: ContentPack, fields: tuple[str, ...]) -> dict[str, list]:
    fig_field = figure_fields(pack)
    figures = [f for f in pack.figures.values() if f.status != "pending" and (f.headline or f.compare)]
    figures.sort(key=lambda f: not f.headline)  # stable: headline figures first, then document order
    by_field = lambda item: item.field  # noqa: E731
    return {
        "figure": _narrow(figures, fields, lambda f: fig_field.get(f.id)),
        "result": _narrow(pack.items_of_kind(*RESULT_KINDS), fields, by_field),
        "limitation_or_task": _narrow(
            _interleave(pack.items_of_kind("limitation"), pack.items_of_kind("task")), fields, by_field
        ),
        "target": _narrow(pack.items_of_kind(*TARGET_KINDS), fields, by_field),
    }


def _pick(candidates: list, position: int):
    return candidates[position % len(candidates)] if candidates else None


def compose(pack: ContentPack, position: int, fields: tuple[str, ...], day: date,
            changes: list[FigureChange] | None = None) -> Digest:
    lists = candidate_lists(pack, fields)
    return Digest(
        issue_no=position + 1,
        day=day,
        figure=_pick(lists["figure"], position),
        result=_pick(lists["result"], position),
        limitation_or_task=_pick(lists["limitation_or_task"], position),
        target=_pick(lists["target"], position),
        changes=changes or [],
    )


def figure_values(pack: ContentPack) -> dict[str, tuple[str | None, str | None]]:
    return {f.id: (f.value, f.status) for f in pack.figures.values()}


def changed_figures(pack: ContentPack, old: dict[str, tuple[str | None, str | None]]) -> list[FigureChange]:
    """Figures present before and now whose value or status differs (new figures are not "changes")."""
    out = []
    for figure in pack.figures.values():
        if figure.id in old and old[figure.id] != (figure.value, figure.status):
            out.append(FigureChange(figure, *old[figure.id]))
    return out
