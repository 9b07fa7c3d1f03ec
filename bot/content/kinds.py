"""``kinds.yaml``: the kinds of items and figures a report has, and what the bot does with each.

A report of another year or province names its kinds as it likes ("target_2030", "target_2025"); the
bot never spells a kind. It reads the rules given here instead: which items sort into fields, which
speak of the coming term (and so carry the draft's status notice), which must list their figures,
and for each kind of figure its *role*, the one fixed vocabulary the code knows (a target of the
coming term, one of the previous congress, a result, a baseline, a rank, a count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from bot.content.schema import KIND_PATTERN, Strict
from bot.content.yamlfile import YamlError, line_at, read_yaml, validated

FILE = "kinds.yaml"

#: What a figure is to the bot, whatever its kind is called.
FigureRole = Literal["baseline", "result", "previous_target", "target", "rank", "count", "other"]


class ItemKindSpec(Strict):
    id: str = Field(pattern=KIND_PATTERN)
    # Each such item names its `field` (menu.yaml): menus group them by it, digests narrow by it.
    field: bool = False
    # Speaks of the coming term: its card and lists carry the draft's status notice.
    forward: bool = False
    # Each such item lists the figures it rests on (a target lists the figures it sets).
    figures: bool = False


class FigureKindSpec(Strict):
    id: str = Field(pattern=KIND_PATTERN)
    role: FigureRole


class KindsFile(Strict):
    items: list[ItemKindSpec] = Field(min_length=1)
    figures: list[FigureKindSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Kinds:
    """The pack's kinds, looked up by id (an unknown id was refused when the pack was checked)."""

    items: dict[str, ItemKindSpec] = field(default_factory=dict)
    figures: dict[str, FigureKindSpec] = field(default_factory=dict)

    def role(self, kind: str) -> FigureRole:
        spec = self.figures.get(kind)
        return spec.role if spec is not None else "other"

    def figure_kinds(self, *roles: FigureRole) -> frozenset[str]:
        return frozenset(k for k, spec in self.figures.items() if spec.role in roles)

    def item_kinds(self, *, field: bool | None = None, forward: bool | None = None,
                   figures: bool | None = None) -> frozenset[str]:
        """The item kinds with the given rules (None: either way)."""
        return frozenset(k for k, spec in self.items.items()
                         if (field is None or spec.field == field) and (forward is None or spec.forward == forward)
                         and (figures is None or spec.figures == figures))


def load_kinds(root: Path, errors: list[str]) -> Kinds:
    """The pack's kinds.yaml (required); problems are appended to ``errors`` as file:line."""
    path = root / FILE
    if not path.is_file():
        errors.append(f"{path}:1: {FILE} is missing; list the kinds of items and figures (see content/README.md)")
        return Kinds()
    try:
        data = read_yaml(path)
    except YamlError as exc:
        errors.append(str(exc))
        return Kinds()
    spec = validated(KindsFile, data, path, errors, "kinds")
    if spec is None:
        return Kinds()
    lists: dict[str, Sequence[ItemKindSpec | FigureKindSpec]] = {"items": spec.items, "figures": spec.figures}
    for key, entries in lists.items():
        seen: set[str] = set()
        for n, entry in enumerate(entries):
            if entry.id in seen:
                errors.append(f"{path}:{line_at(data, (key, n))}: kinds: {key} kind '{entry.id}' is listed twice")
            seen.add(entry.id)
    return Kinds({k.id: k for k in spec.items}, {k.id: k for k in spec.figures})
