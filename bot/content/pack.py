"""Loading a content pack: read every file, parse the report, check everything (bot.content.checks).

``load_pack`` reads and checks everything once; a pack with any error is refused as a whole, so
the bot never serves half a report. Errors are ``file:line: what is wrong; how to fix it``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import ValidationError

from bot.content.briefings import load_briefings
from bot.content.checks import check_pack
from bot.content.digest_spec import load_digest
from bot.content.kinds import load_kinds
from bot.content.lexicon import load_lexicon
from bot.content.model import ContentError, ContentPack, Figure, Footnote, Item, Note, Origin, Section
from bot.content.numbers import parse_value
from bot.content.overlay import Overlay, load_overlay
from bot.content.schema import FigureSpec, ItemSpec, MenuFile, Meta, NoteSpec, OverlayLanguage, SectionSpec
from bot.content.source import SourceDocument, SourceError, normalize_text, parse_source
from bot.content.yamlfile import M, YamlError, line_at, line_of, read_yaml, schema_errors
from bot.study.content import load_study

# ---------------------------------------------------------------------------------------------
# Loading


def _parse_list(
    path: Path, data: Any, key: str, model: type[M], errors: list[str], what: str
) -> list[tuple[M, Origin]]:
    if not isinstance(data, dict) or key not in data:
        errors.append(f"{path}:1: expected a top-level '{key}:' list")
        return []
    entries = data[key]
    if not isinstance(entries, list):
        errors.append(f"{path}:{line_of(data, key)}: '{key}' must be a list of entries ('- id: ...')")
        return []
    out: list[tuple[M, Origin]] = []
    for entry in entries:
        origin = Origin(path, line_of(entry))
        if not isinstance(entry, dict):
            errors.append(origin.at(f"each {what} must be a mapping with 'id:' and other fields"))
            continue
        label = f"{what} '{entry.get('id', '?')}'"
        try:
            out.append((model.model_validate(dict(entry)), origin))
        except ValidationError as exc:
            errors.extend(schema_errors(exc, path, entry, label))
    return out


def _read(path: Path, errors: list[str]) -> Any:
    try:
        return read_yaml(path)
    except YamlError as exc:
        errors.append(str(exc))
        return None


def _build_sections(
    specs: list[tuple[SectionSpec, Origin]], doc: SourceDocument, raw_lines: list[str], errors: list[str]
) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    previous_line = 0
    for spec, origin in specs:
        if spec.id in sections:
            errors.append(origin.at(f"section id '{spec.id}' is used twice; ids must be unique"))
            continue
        if spec.parent is not None and spec.parent not in sections:
            errors.append(origin.at(f"section '{spec.id}': parent '{spec.parent}' must be listed before it"))
            continue
        if spec.line <= previous_line:
            errors.append(origin.at(f"section '{spec.id}': line {spec.line} must come after line {previous_line}"))
            continue
        if spec.line > len(raw_lines):
            errors.append(origin.at(f"section '{spec.id}': line {spec.line} is past the end of the source"))
            continue
        actual = doc.paragraphs.get(spec.line)
        if actual is None or not actual.plain.startswith(normalize_text(spec.starts)):
            shown = actual.plain[:50] if actual else "(empty line)"
            errors.append(
                origin.at(
                    f"section '{spec.id}': source line {spec.line} does not start with {spec.starts!r} "
                    f"(it reads {shown!r}); fix `line` or `starts`"
                )
            )
            continue
        level = 0 if spec.parent is None else sections[spec.parent].level + 1
        sections[spec.id] = Section(spec.id, spec.parent, spec.label, spec.title, spec.line, 0, level)
        if spec.parent is not None:
            sections[spec.parent].children.append(spec.id)
        previous_line = spec.line
    ordered = list(sections.values())
    for index, section in enumerate(ordered):
        section.end_line = ordered[index + 1].line if index + 1 < len(ordered) else len(raw_lines) + 1
        section.paragraphs = [p for n, p in doc.paragraphs.items() if section.line <= n < section.end_line]
        section.footnotes = [f for p in section.paragraphs for f in p.footnotes]
    if ordered:
        uncovered = [n for n in doc.paragraphs if n < ordered[0].line]
        if uncovered:
            errors.append(f"sections.yaml:1: source lines {uncovered[:5]} come before the first section")
    return sections


def load_pack(root: Path) -> ContentPack:
    """Read, parse and check a content pack; raise ContentError listing every problem."""
    root = Path(root)
    errors: list[str] = []
    if not root.is_dir():
        raise ContentError([f"{root}: content directory not found; set BOT_CONTENT_DIR to a content pack"])

    meta_data = _read(root / "meta.yaml", errors)
    meta: Meta | None = None
    if meta_data is not None:
        try:
            meta = Meta.model_validate(dict(meta_data) if isinstance(meta_data, dict) else meta_data)
        except ValidationError as exc:
            errors.extend(schema_errors(exc, root / "meta.yaml", meta_data, "meta"))
    if meta is None:
        raise ContentError(errors or [f"{root / 'meta.yaml'}:1: meta.yaml is missing or empty"])

    source_path = root / meta.source_file
    try:
        raw = source_path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([f"{source_path}:1: cannot read the source document ({exc})"]) from None
    if meta.source_sha256 and hashlib.sha256(raw).hexdigest() != meta.source_sha256:
        errors.append(
            f"{root / 'meta.yaml'}:{line_of(meta_data, 'source_sha256')}: {meta.source_file} changed since "
            "the pack was curated (sha256 differs); re-check every anchor, then update source_sha256"
        )
    try:
        doc = parse_source(text)
    except SourceError as exc:
        raise ContentError([f"{source_path}:{exc}"]) from None
    raw_lines = text.split("\n")

    section_data = _read(root / "sections.yaml", errors)
    section_specs = _parse_list(root / "sections.yaml", section_data, "sections", SectionSpec, errors, "section")
    sections = _build_sections(section_specs, doc, raw_lines, errors)
    line_to_section = {p: s.id for s in sections.values() for p in range(s.line, s.end_line)}
    footnotes = {
        n: Footnote(n, f.text, line_to_section.get(f.line, "")) for n, f in sorted(doc.footnotes.items())
    }

    menu_path = root / "menu.yaml"
    menu_data = _read(menu_path, errors)
    menu_file: MenuFile | None = None
    if menu_data is not None:
        try:
            menu_file = MenuFile.model_validate(menu_data)
        except ValidationError as exc:
            errors.extend(schema_errors(exc, menu_path, menu_data, "menu"))

    items: dict[str, Item] = {}
    figures: dict[str, Figure] = {}
    origins: dict[tuple[str, str], Origin] = {}
    for n, entry in enumerate(menu_file.menu if menu_file else []):
        origins.setdefault(("menu", entry.id), Origin(menu_path, line_at(menu_data, ("menu", n))))
    _read_specs(root, "item", "items", ItemSpec, items, origins, errors)
    _read_specs(root, "figure", "figures", FigureSpec, figures, origins, errors)

    notes: list[Note] = []
    notes_path = root / "notes.yaml"
    if notes_path.exists():
        notes_data = _read(notes_path, errors)
        if notes_data is not None:
            for spec, origin in _parse_list(notes_path, notes_data, "notes", NoteSpec, errors, "note"):
                if ("note", spec.id) in origins:
                    errors.append(origin.at(f"note id '{spec.id}' is used twice"))
                    continue
                notes.append(spec)
                origins[("note", spec.id)] = origin

    overlays: dict[str, Overlay] = {}
    for lang in get_args(OverlayLanguage):
        if (root / lang).is_dir() or lang in meta.translations:
            overlays[lang] = load_overlay(root / lang, lang, errors)

    lexicon, lexicon_errors = load_lexicon(root)  # optional; a broken one fails check-content too
    errors.extend(lexicon_errors)
    kinds = load_kinds(root, errors)
    digest = load_digest(root, kinds, errors)
    pack = ContentPack(
        root=root,
        meta=meta,
        source=doc,
        sections=sections,
        footnotes=footnotes,
        items=items,
        figures=figures,
        notes=notes,
        menu=list(menu_file.menu) if menu_file else [],
        fields={f.id: f for f in menu_file.fields} if menu_file else {},
        origins=origins,
        fingerprint=_fingerprint(root),
        overlays=overlays,
        lexicon=lexicon,
        kinds=kinds,
        digest=digest,
    )
    if not errors:
        errors.extend(check_pack(pack))
        pack.briefings, briefing_errors = load_briefings(root, pack)
        errors.extend(briefing_errors)
    if not errors:  # quizzes and charts name figures, sections and notes: checked once those are sound
        pack.study = load_study(pack, errors)
    if errors:
        raise ContentError(errors)
    return pack


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".yaml", ".txt"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


_Spec = TypeVar("_Spec", ItemSpec, FigureSpec)  # checked once as each


def _read_specs(root: Path, kind: str, folder: str, model: type[_Spec], store: dict[str, _Spec],
                origins: dict[tuple[str, str], Origin], errors: list[str]) -> None:
    """The items (or figures) of every ``<folder>/*.yaml``, into ``store`` and ``origins``."""
    files = sorted((root / folder).glob("*.yaml")) if (root / folder).is_dir() else []
    if not files:
        errors.append(f"{root / folder}:1: no {folder}/*.yaml files found")
    for path in files:
        data = _read(path, errors)
        if data is None:
            continue
        for spec, origin in _parse_list(path, data, folder, model, errors, kind):
            if spec.id in store:
                first = origins[(kind, spec.id)]
                errors.append(origin.at(f"{kind} id '{spec.id}' is already used at {first.path}:{first.line}"))
                continue
            if isinstance(spec, FigureSpec):
                spec = _with_parsed_number(spec, origin, errors)
            store[spec.id] = spec
            origins[(kind, spec.id)] = origin


def _with_parsed_number(spec: FigureSpec, origin: Origin, errors: list[str]) -> FigureSpec:
    """Derive number/number_max/total from the value as written, and check any the curator gave."""
    if spec.value is None:
        return spec
    try:
        number, number_max, total = parse_value(spec.value)
    except ValueError as exc:
        errors.append(origin.at(f"figure '{spec.id}': {exc}"))
        return spec
    for name, parsed in (("number", number), ("number_max", number_max), ("total", total)):
        given = getattr(spec, name)
        if given is not None and (parsed is None or abs(given - parsed) > 1e-9):
            errors.append(
                origin.at(f"figure '{spec.id}': {name} {given} does not match value {spec.value!r}; remove it")
            )
    return spec.model_copy(update={"number": number, "number_max": number_max, "total": total})

