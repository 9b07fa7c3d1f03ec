"""What goes into digest number N: pure selection from the content pack, slot by slot (digest.yaml).

Each slot (in the shipped pack: a headline figure, a result, a limitation or task, a 2030 target) has
its own list of candidates in document order; digest N shows candidate ``N mod len(list)`` of each
list. So a slot never repeats until all its candidates have been shown, and a new subscriber (N = 0)
starts at the beginning of every cycle. The chosen fields narrow each list; a slot whose narrowed list
is empty falls back to the whole list rather than vanish.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TypeVar

from bot.content import ContentPack, Figure, Item
from bot.content.digest_spec import Slot

T = TypeVar("T", Figure, Item)


@dataclass(frozen=True)
class FigureChange:
    figure: Figure
    old_value: str | None
    old_status: str | None


@dataclass(frozen=True)
class Piece:
    """One slot's candidate in one digest: a figure or an item, under the slot's heading."""

    slot: Slot
    figure: Figure | None = None
    item: Item | None = None

    @property
    def id(self) -> str:
        return self.figure.id if self.figure is not None else self.item.id if self.item is not None else ""


@dataclass(frozen=True, eq=False)
class Digest:
    issue_no: int  # 1-based: "Bản tin số N"
    day: date
    pieces: tuple[Piece, ...]  # in the pack's slot order; a slot without candidates is left out
    changes: tuple[FigureChange, ...] = field(default_factory=tuple)

    def piece(self, slot_id: str) -> Piece | None:
        return next((p for p in self.pieces if p.slot.id == slot_id), None)

    @property
    def key(self) -> tuple[object, ...]:
        """What the message shows: two digests with the same key read the same (renders are cached by it)."""
        return (self.issue_no, self.day, tuple((p.slot.id, p.id) for p in self.pieces),
                tuple((c.figure.id, c.old_value, c.old_status) for c in self.changes))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Digest) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def _narrow(candidates: list[T], fields: tuple[str, ...], field_of: Callable[[T], str | None]) -> list[T]:
    if not fields:
        return candidates
    narrowed = [c for c in candidates if field_of(c) in fields]
    return narrowed or candidates


def _alternate(lists: Sequence[list[Item]]) -> list[Item]:
    """One of each list in turn: a limitation, a task, a limitation, ..."""
    out: list[Item] = []
    for index in range(max((len(x) for x in lists), default=0)):
        out.extend(x[index] for x in lists if index < len(x))
    return out


def candidate_lists(pack: ContentPack, fields: tuple[str, ...]) -> dict[str, list[Figure] | list[Item]]:
    """Each slot's candidates, by slot id; cached per pack and fields (a fan-out composes 100,000 digests)."""
    return _candidate_lists(pack, tuple(sorted(fields)))


@lru_cache(maxsize=256)
def _candidate_lists(pack: ContentPack, fields: tuple[str, ...]) -> dict[str, list[Figure] | list[Item]]:
    out: dict[str, list[Figure] | list[Item]] = {}
    for slot in pack.digest.slots:
        if slot.figures:
            figures = [f for f in pack.figures.values() if f.status != "pending" and (f.headline or f.compare)]
            figures.sort(key=lambda f: not f.headline)  # stable: headline figures first, then document order
            out[slot.id] = _narrow(figures, fields, lambda f: pack.figure_fields.get(f.id))
        elif slot.alternate:
            items = _alternate([pack.items_of_kind(kind) for kind in slot.kinds])
            out[slot.id] = _narrow(items, fields, lambda i: i.field)
        else:
            out[slot.id] = _narrow(pack.items_of_kind(*slot.kinds), fields, lambda i: i.field)
    return out


def compose(pack: ContentPack, position: int, fields: tuple[str, ...], day: date,
            changes: Sequence[FigureChange] | None = None) -> Digest:
    lists = candidate_lists(pack, fields)
    pieces: list[Piece] = []
    for slot in pack.digest.slots:
        candidates = lists[slot.id]
        if not candidates:
            continue
        chosen = candidates[position % len(candidates)]
        pieces.append(Piece(slot, figure=chosen) if isinstance(chosen, Figure) else Piece(slot, item=chosen))
    return Digest(position + 1, day, tuple(pieces), tuple(changes or ()))


def figure_values(pack: ContentPack) -> dict[str, tuple[str | None, str | None]]:
    return {f.id: (f.value, f.status) for f in pack.figures.values()}


def changed_figures(pack: ContentPack, old: dict[str, tuple[str | None, str | None]]) -> list[FigureChange]:
    """Figures present before and now whose value or status differs (new figures are not "changes")."""
    out = []
    for figure in pack.figures.values():
        if figure.id in old and old[figure.id] != (figure.value, figure.status):
            out.append(FigureChange(figure, *old[figure.id]))
    return out
