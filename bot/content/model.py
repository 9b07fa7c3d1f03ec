"""The content pack's types: the parsed report, its section tree and the curated YAML, as the bot reads them.

Loading and checking live elsewhere (``bot.content.pack.load_pack``, ``bot.content.checks``); this module
imports neither, so every check and every renderer can import the pack's types without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.digest_spec import DigestSpec
from bot.content.kinds import FigureRole, Kinds
from bot.content.lexicon import SearchLexicon
from bot.content.overlay import Overlay
from bot.content.schema import (
    FieldSpec,
    FigureSpec,
    FigureText,
    ItemSpec,
    ItemText,
    MenuEntrySpec,
    Meta,
    MetaText,
    NoteSpec,
    NoteText,
    SectionText,
)
from bot.content.source import Paragraph, SourceDocument

if TYPE_CHECKING:  # the features' own content, loaded with the pack by bot.content.pack (which imports them)
    from bot.content.briefings import Briefings
    from bot.study.content import StudyContent

Figure = FigureSpec
Item = ItemSpec
Note = NoteSpec
MenuEntry = MenuEntrySpec
Field = FieldSpec


class ContentError(Exception):
    """A pack that cannot be served; ``errors`` lists every problem found, each ``file:line: …``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Section:
    id: str
    parent: str | None
    label: str
    title: str
    line: int
    end_line: int  # exclusive
    level: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)
    children: list[str] = field(default_factory=list)

    @property
    def plain_text(self) -> str:
        return "\n".join(p.plain for p in self.paragraphs)

    @property
    def display_paragraphs(self) -> list[str]:
        return [p.display for p in self.paragraphs]


@dataclass
class Footnote:
    number: int
    text: str
    section: str


@dataclass
class Origin:
    """Where a YAML object was written, for error messages."""

    path: Path
    line: int

    def at(self, message: str) -> str:
        return f"{self.path}:{self.line}: {message}"


@dataclass(eq=False)  # one pack is one object: hashed by identity, so lru_cache can key on it
class ContentPack:
    root: Path
    meta: Meta
    source: SourceDocument
    sections: dict[str, Section]
    footnotes: dict[int, Footnote]
    items: dict[str, Item]
    figures: dict[str, Figure]
    notes: list[Note]
    menu: list[MenuEntry]
    fields: dict[str, Field]
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    fingerprint: str = ""  # short hash of every pack file: tells stale buttons and changed packs apart
    # content/<lang>/ translations; the pack's own language is built from the specs (see ``base``).
    overlays: dict[str, Overlay] = field(default_factory=dict)
    briefings: Briefings | None = None  # content/briefings.yaml (optional): briefs, targets, handouts
    study: StudyContent | None = None  # content/study.yaml: quiz topics and questions, charts
    lexicon: SearchLexicon = field(default_factory=SearchLexicon)  # search.yaml: what cadres' words mean
    kinds: Kinds = field(default_factory=Kinds)  # kinds.yaml: what each kind of item and figure is
    digest: DigestSpec = field(default_factory=DigestSpec)  # digest.yaml: the daily digest's slots and time

    # -- the words a reader sees, in the reader's language ----------------------------------------
    # Each falls back to the pack's own language where an overlay lacks an entry (check-content
    # refuses that for the languages meta.yaml lists under `translations`).

    def _overlay(self, lang: str | None) -> Overlay | None:
        return self.overlays.get(lang) if lang else None

    @cached_property
    def base(self) -> Overlay:
        """The pack's own language as an overlay, so every reader's text is looked up the same way."""
        return base_overlay(self)

    def meta_text(self, lang: str | None = None) -> MetaText:
        overlay = self._overlay(lang)
        if overlay is not None and overlay.meta is not None:
            return overlay.meta
        meta = self.base.meta
        assert meta is not None
        return meta

    def figure_text(self, figure_id: str, lang: str | None = None) -> FigureText:
        overlay = self._overlay(lang)
        if overlay is not None and figure_id in overlay.figures:
            return overlay.figures[figure_id]
        return self.base.figures[figure_id]

    def item_text(self, item_id: str, lang: str | None = None) -> ItemText:
        overlay = self._overlay(lang)
        if overlay is not None and item_id in overlay.items:
            return overlay.items[item_id]
        return self.base.items[item_id]

    def note_text(self, note_id: str, lang: str | None = None) -> NoteText:
        overlay = self._overlay(lang)
        if overlay is not None and note_id in overlay.notes:
            return overlay.notes[note_id]
        return self.base.notes[note_id]

    def section_title(self, section_id: str, lang: str | None = None) -> str:
        overlay = self._overlay(lang)
        if overlay is not None and section_id in overlay.sections:
            return overlay.sections[section_id].title
        return self.sections[section_id].title

    def section_label(self, section_id: str, lang: str | None = None) -> str:
        """How the report numbers a section ("I.1.1"); words ("Phần I") come from the overlay."""
        overlay = self._overlay(lang)
        text = overlay.sections.get(section_id) if overlay is not None else None
        if text is not None and text.label:
            return text.label
        return self.sections[section_id].label

    # -- navigation helpers (pure; used by renderers, digests, search) --------------------------

    @property
    def version(self) -> str:
        return self.meta.version

    def part_of(self, section_id: str) -> Section:
        section = self.sections[section_id]
        while section.parent is not None:
            section = self.sections[section.parent]
        return section

    def reference(self, section_id: str, footnote: int | None = None, lang: str | None = None) -> str:
        """How a cadre would cite the place: ``Phần I, mục I.1.1, chú thích 2`` (words from the pack)."""
        words = self.meta_text(lang).citation
        section = self.sections[section_id]
        part = self.part_of(section_id)
        part_label = self.section_label(part.id, lang)
        label = self.section_label(section.id, lang)
        text = part_label if part.id == section.id else f"{part_label}, {words.section} {label}"
        if footnote is not None:
            text += f", {words.footnote} {footnote}"
        return text

    def figure_reference(self, figure: Figure, lang: str | None = None) -> str:
        """Where a figure's sentence stands: ``Phần I, mục I.1.1, chú thích 2``."""
        return self.reference(figure.source, figure.footnote, lang)

    def item_reference(self, item: Item, lang: str | None = None, *, sections: bool = True) -> str:
        """``Phần I, mục I.1.1, chú thích 2, 3``, then (unless ``sections`` is False) every other section
        the item draws on."""
        footnotes = list(item.footnotes)
        ref = self.reference(item.source, lang=lang)
        if footnotes:
            words = self.meta_text(lang).citation
            word = words.footnotes or words.footnote if len(footnotes) > 1 else words.footnote
            ref += f", {word} " + ", ".join(str(n) for n in footnotes)
        # A section the item's own place lies in is already said by that place ("mục II.2, chỉ tiêu (1)").
        named = {item.source, *self.ancestors(item.source)}
        extra = ([self.reference(s, lang=lang) for s in item.sections if s in self.sections and s not in named]
                 if sections else [])
        return "; ".join([ref, *extra])

    def ancestors(self, section_id: str) -> list[str]:
        """The sections a section lies in, nearest first."""
        out: list[str] = []
        parent = self.sections[section_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.sections[parent].parent
        return out

    def descendants(self, section_id: str) -> list[str]:
        out: list[str] = []
        for child in self.sections[section_id].children:
            out.append(child)
            out.extend(self.descendants(child))
        return out

    def section_text(self, section_id: str, with_children: bool = False) -> str:
        ids = [section_id] + (self.descendants(section_id) if with_children else [])
        return "\n".join(self.sections[i].plain_text for i in ids)

    def section_footnotes(self, section_id: str, with_children: bool = False) -> list[int]:
        ids = [section_id] + (self.descendants(section_id) if with_children else [])
        return [n for i in ids for n in self.sections[i].footnotes]

    def role(self, figure: Figure) -> FigureRole:
        """What a figure is to the bot (kinds.yaml gives each kind its role)."""
        return self.kinds.role(figure.kind)

    def forward(self, item: Item) -> bool:
        """The item speaks of the coming term: it carries the draft's status notice."""
        spec = self.kinds.items.get(item.kind)
        return spec is not None and spec.forward

    def items_of_kind(self, *kinds: str) -> list[Item]:
        return [item for item in self.items.values() if item.kind in kinds]

    def items_for_section(self, section_id: str) -> list[Item]:
        return [i for i in self.items.values() if i.source == section_id or section_id in i.sections]

    def figures_of(self, item: Item) -> list[Figure]:
        return [self.figures[f] for f in item.figures]

    def headline_figures(self) -> list[Figure]:
        return [f for f in self.figures.values() if f.headline]

    # -- indexes derived once (the pack is read-only once loaded) --------------------------------

    @cached_property
    def citing_items(self) -> dict[str, list[Item]]:
        """Figure id -> the items citing it, in pack order."""
        out: dict[str, list[Item]] = {}
        for item in self.items.values():
            for figure_id in item.figures:
                out.setdefault(figure_id, []).append(item)
        return out

    @cached_property
    def notes_by_figure(self) -> dict[str, list[Note]]:
        """Figure id -> the notes (the report's own inconsistencies) concerning it."""
        out: dict[str, list[Note]] = {}
        for note in self.notes:
            for figure_id in note.figures:
                out.setdefault(figure_id, []).append(note)
        return out

    @cached_property
    def figure_fields(self) -> dict[str, str | None]:
        """A figure's field: the field of the first item citing it (figures carry no field themselves)."""
        return {figure_id: items[0].field for figure_id, items in self.citing_items.items()}

    def top_sections(self) -> list[Section]:
        return [s for s in self.sections.values() if s.parent is None]


def base_overlay(pack: ContentPack) -> Overlay:
    """The pack's own language as an overlay, so every reader's text is looked up the same way."""
    meta = pack.meta
    base = Overlay(meta.language)
    base.meta = MetaText(title=meta.title, document_kind=meta.document_kind, committee=meta.committee,
                         congress=meta.congress, province=meta.province, summary=meta.summary,
                         context=meta.context, status_notice=meta.status_notice, citation=meta.citation)
    base.sections = {s.id: SectionText(label=s.label, title=s.title) for s in pack.sections.values()}
    base.figures = {f.id: FigureText(label=f.label, qualifier=f.qualifier, unit=f.unit, period=f.period,
                                     note=f.note) for f in pack.figures.values()}
    base.items = {i.id: ItemText(title=i.title, summary=i.summary, points=i.points) for i in pack.items.values()}
    base.notes = {n.id: NoteText(title=n.title, text=n.text) for n in pack.notes}
    return base
