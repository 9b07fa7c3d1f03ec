"""``content/briefings.yaml``: read, check against the pack, and look briefs up by what a cadre types.

The file is optional (a pack without it has no briefs); when present, every reference must resolve:
figures exist, results are results, tasks are tasks, a target's values are 2030 targets of its item.
Every problem is reported as ``file:line: what is wrong; how to fix it``, like the rest of the pack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.content.briefings_schema import (
    BriefingsFile,
    BriefSpec,
    HandoutText,
    PreviousTerm,
    TargetSpec,
    Text,
)
from bot.content.folding import fold
from bot.content.model import ContentPack
from bot.content.yamlfile import YamlError, line_at, read_yaml, schema_errors

FILE_NAME = "briefings.yaml"

RESULT_KINDS = ("achievement", "breakthrough_result", "overview")
TARGET_ROLES = ("target", "previous_target")



@dataclass
class Briefings:
    """The checked file: briefs by id (in file order), the targets, the last term, handout texts."""

    briefs: dict[str, BriefSpec]
    targets: list[TargetSpec]
    targets_title: Text | None
    previous_term: PreviousTerm | None
    handout: HandoutText
    names: dict[str, str] = field(default_factory=dict)  # folded alias/title -> brief id

    def find(self, words: str) -> BriefSpec | None:
        """The brief a cadre named (id, alias or title, typed with or without diacritics), or None."""
        key = fold(words)
        brief_id = self.names.get(key)
        return self.briefs.get(brief_id) if brief_id is not None else None


def load_briefings(root: Path, pack: ContentPack) -> tuple[Briefings | None, list[str]]:
    """Read ``root/briefings.yaml`` if it exists; (None, []) when it does not."""
    path = Path(root) / FILE_NAME
    if not path.exists():
        return None, []
    try:
        data = read_yaml(path)
    except YamlError as exc:
        return None, [str(exc)]
    try:
        spec = BriefingsFile.model_validate(data)
    except ValidationError as exc:
        return None, schema_errors(exc, path, data, "briefings")
    errors: list[str] = []
    briefings = Briefings(
        briefs={}, targets=list(spec.targets), targets_title=spec.targets_title,
        previous_term=spec.previous_term, handout=spec.handout,
    )
    _check_briefs(path, data, spec, pack, briefings, errors)
    _check_targets(path, data, spec, pack, errors)
    _check_previous(path, data, spec, pack, errors)
    return (None if errors else briefings), errors


# ---------------------------------------------------------------------------------------------
# Line numbers


# ---------------------------------------------------------------------------------------------
# Cross-references


def _check_briefs(path: Path, data: Any, spec: BriefingsFile, pack: ContentPack, out: Briefings,
                  errors: list[str]) -> None:
    def at(index: int, key: str | None, message: str) -> str:
        loc: tuple[Any, ...] = ("briefings", index) + ((key,) if key else ())
        return f"{path}:{line_at(data, loc)}: brief '{spec.briefings[index].id}': {message}"

    for n, brief in enumerate(spec.briefings):
        if brief.id in out.briefs:
            errors.append(at(n, "id", "this id is used twice; brief ids must be unique"))
            continue
        if brief.field is not None and brief.field not in pack.fields:
            errors.append(at(n, "field", f"field '{brief.field}' is not in menu.yaml's fields"))
        if brief.field is None and brief.title is None:
            errors.append(at(n, None, "a brief without a field needs a title: {vi: ..., en: ...}"))
        if not brief.figures and not brief.results:
            errors.append(at(n, None, "a brief needs at least one figure or result"))
        for fid in brief.figures:
            if fid not in pack.figures:
                errors.append(at(n, "figures", f"figure '{fid}' does not exist; use an id from figures/*.yaml"))
        for key, kinds in (("results", RESULT_KINDS), ("limitations", ("limitation",)), ("tasks", ("task",))):
            for item_id in getattr(brief, key):
                item = pack.items.get(item_id)
                if item is None:
                    errors.append(at(n, key, f"item '{item_id}' does not exist; use an id from items/*.yaml"))
                elif item.kind not in kinds:
                    errors.append(at(n, key, f"item '{item_id}' is a {item.kind}; {key} takes "
                                             f"{' or '.join(kinds)} items"))
        if brief.breakthrough is not None:
            item = pack.items.get(brief.breakthrough)
            if item is None or item.kind != "breakthrough":
                errors.append(at(n, "breakthrough", f"'{brief.breakthrough}' is not a breakthrough item"))
        out.briefs[brief.id] = brief
        names = [brief.id, *brief.aliases]
        if brief.field is not None and brief.field in pack.fields:
            names += [pack.fields[brief.field].title.vi, pack.fields[brief.field].title.en, brief.field]
        if brief.title is not None:
            names += [brief.title.vi, brief.title.en]
        for name in names:
            key = fold(name)
            owner = out.names.setdefault(key, brief.id) if key else brief.id
            if owner != brief.id:
                errors.append(at(n, "aliases", f"'{name}' also names brief '{owner}'; each name must be unique"))


def _check_targets(path: Path, data: Any, spec: BriefingsFile, pack: ContentPack, errors: list[str]) -> None:
    numbers = [t.number for t in spec.targets]
    for n, target in enumerate(spec.targets):
        def at(key: str | None, message: str, n: int = n, target: TargetSpec = target) -> str:
            loc: tuple[Any, ...] = ("targets", n) + ((key,) if key else ())
            return f"{path}:{line_at(data, loc)}: target ({target.number}): {message}"

        if target.number != n + 1:
            errors.append(at("number", f"targets are numbered 1, 2, 3… in order; expected {n + 1} "
                                       f"(numbers given: {numbers[:20]})"))
        item = pack.items.get(target.item) if target.item else None
        if target.item is not None and (item is None or item.kind != "target"):
            errors.append(at("item", f"'{target.item}' is not a target item"))
        for value in target.values:
            fig = pack.figures.get(value.figure)
            if fig is None:
                errors.append(at("values", f"figure '{value.figure}' does not exist"))
                continue
            if pack.role(fig) != "target":
                errors.append(at("values", f"figure '{value.figure}' is a {fig.kind}, not a target of the coming "
                                           "term (kinds.yaml: role target)"))
            if item is not None and value.figure not in item.figures:
                errors.append(at("values", f"figure '{value.figure}' is not among item '{item.id}''s figures; "
                                           "add it there or choose one of them"))
            if value.baseline is not None:
                base = pack.figures.get(value.baseline)
                if base is None:
                    errors.append(at("values", f"baseline '{value.baseline}' does not exist"))
                elif pack.role(base) in TARGET_ROLES:
                    errors.append(at("values", f"baseline '{value.baseline}' is a target; "
                                               "a baseline is what the report says was reached"))
                elif fold(base.basis or "") != fold(fig.basis or ""):
                    errors.append(at("values", f"baseline '{value.baseline}' counts on another basis than "
                                               f"'{value.figure}' ({base.basis or 'none given'} / "
                                               f"{fig.basis or 'none given'}); choose the figure of the same basis"))


def _check_previous(path: Path, data: Any, spec: BriefingsFile, pack: ContentPack, errors: list[str]) -> None:
    term = spec.previous_term
    if term is None:
        return

    def at(key: str, index: int | None, message: str) -> str:
        loc: tuple[Any, ...] = ("previous_term", key) + ((index,) if index is not None else ())
        return f"{path}:{line_at(data, loc)}: previous_term: {message}"

    for fid in term.summary:
        if fid not in pack.figures:
            errors.append(at("summary", None, f"figure '{fid}' does not exist"))
    for n, entry in enumerate(term.targets):
        result = pack.figures.get(entry.result)
        if result is None:
            errors.append(at("targets", n, f"result figure '{entry.result}' does not exist"))
        elif pack.role(result) in TARGET_ROLES:
            errors.append(at("targets", n, f"'{entry.result}' is a target; result takes what was reached"))
        if entry.target is not None:
            target = pack.figures.get(entry.target)
            if target is None or pack.role(target) != "previous_target":
                errors.append(at("targets", n, f"'{entry.target}' is not a target of the previous congress "
                                               "(kinds.yaml: role previous_target)"))
