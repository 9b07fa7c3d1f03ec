"""Translation overlays: ``content/<lang>/`` gives, per id, the words a reader of that language sees.

The pack itself is written in the report's language. An overlay folder mirrors it with mappings
keyed by id (figures, items, sections, notes, and the document's own description), so a translator
never touches the curated Vietnamese files and a check can say exactly what is missing. The report's
exact quotes are never translated: a quote is what the report says.

    content/en/meta.yaml              title, committee, … status_notice, citation words
    content/en/sections.yaml          sections: {p1: {label: Part I, title: ...}, ...}
    content/en/figures/*.yaml         figures: {grdp-quy-mo-2025: {label, qualifier, unit, period, note}}
    content/en/items/*.yaml           items: {kt-tong-quan-2020-2025: {title, summary, points}}
    content/en/notes.yaml             notes: {vhtt-97-vs-91: {title, text}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.schema import FigureText, ItemText, MetaText, NoteText, SectionText
from bot.content.yamlfile import YamlError, line_of, read_yaml

Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Overlay:
    """One language's texts, keyed by id, with where each was written (for file:line errors)."""

    lang: str
    meta: MetaText | None = None
    sections: dict[str, SectionText] = field(default_factory=dict)
    figures: dict[str, FigureText] = field(default_factory=dict)
    items: dict[str, ItemText] = field(default_factory=dict)
    notes: dict[str, NoteText] = field(default_factory=dict)
    origins: dict[tuple[str, str], tuple[Path, int]] = field(default_factory=dict)

    def at(self, kind: str, key: str, message: str) -> str:
        path, line = self.origins.get((kind, key), (Path(self.lang), 1))
        return f"{path}:{line}: {message}"


def _read(path: Path, errors: list[str]) -> Any:
    try:
        return read_yaml(path)
    except YamlError as exc:
        errors.append(str(exc))
        return None


def _validate(model: type[Model], data: Any, path: Path, line: int, what: str,
              errors: list[str]) -> Model | None:
    try:
        return model.model_validate(dict(data) if isinstance(data, dict) else data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ())) or "(whole entry)"
            msg = err.get("msg", "invalid")
            if err.get("type") == "extra_forbidden":
                msg = "unknown field; check its spelling against content/README.md"
            key = str(err["loc"][0]) if err.get("loc") else None
            errors.append(f"{path}:{line_of(data, key) if key else line}: {what}: field '{where}': {msg}")
        return None


def _read_mapping(path: Path, key: str, model: type[Model], kind: str, overlay: Overlay,
                  store: dict[str, Model], errors: list[str]) -> None:
    data = _read(path, errors)
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        errors.append(f"{path}:1: expected a top-level '{key}:' mapping of id -> texts")
        return
    entries = data[key]
    for entry_id, entry in entries.items():
        line = line_of(entries, str(entry_id))
        if entry_id in store:
            first_path, first_line = overlay.origins[(kind, entry_id)]
            errors.append(f"{path}:{line}: {kind} '{entry_id}' is already translated at {first_path}:{first_line}")
            continue
        text = _validate(model, entry, path, line, f"{overlay.lang} {kind} '{entry_id}'", errors)
        if text is not None:
            store[str(entry_id)] = text
            overlay.origins[(kind, str(entry_id))] = (path, line)


def load_overlay(folder: Path, lang: str, errors: list[str]) -> Overlay:
    """Read ``content/<lang>/``; every problem is appended to ``errors`` as ``file:line: …``."""
    overlay = Overlay(lang)
    meta_path = folder / "meta.yaml"
    if meta_path.exists():
        data = _read(meta_path, errors)
        if data is not None:
            overlay.meta = _validate(MetaText, data, meta_path, 1, f"{lang} meta", errors)
            overlay.origins[("meta", "")] = (meta_path, 1)
    # One call per kind of text (not a loop over a tuple), so each model's type is checked with its store.
    if (folder / "sections.yaml").exists():
        _read_mapping(folder / "sections.yaml", "sections", SectionText, "section", overlay, overlay.sections,
                      errors)
    if (folder / "notes.yaml").exists():
        _read_mapping(folder / "notes.yaml", "notes", NoteText, "note", overlay, overlay.notes, errors)
    for path in _yaml_files(folder / "figures"):
        _read_mapping(path, "figures", FigureText, "figure", overlay, overlay.figures, errors)
    for path in _yaml_files(folder / "items"):
        _read_mapping(path, "items", ItemText, "item", overlay, overlay.items, errors)
    return overlay


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []
