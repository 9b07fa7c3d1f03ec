"""Nguyên văn: a section of the report exactly as written, split into messages under 4096 characters.

A section's own paragraphs (footnote markers shown as ``[N]``) are followed by its footnotes in
italics. Parts break at paragraph boundaries, then at sentence boundaries inside a giant paragraph;
each part is escaped on its own, so each is valid HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel import Locale

from bot.content import ContentPack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render import nav
from bot.render.comments import comment_row
from bot.render.common import Page, Row, back_home_row, button, markup, page_slice, pager_row
from bot.render.reader import ReaderLink, reader_row
from bot.render.text import PART_LIMIT, Block, esc, join_blocks, shorten, split_blocks

#: Subsections shown as buttons under a section's text; more go to a paged list of their own.
CHILD_BUTTONS = 8


def section_blocks(pack: ContentPack, section_id: str) -> list[Block]:
    """The section's paragraphs, then its footnotes; keys say where each came from."""
    section = pack.sections[section_id]
    blocks = [Block(p.display, "", ("line", p.line)) for p in section.paragraphs]
    for number in section.footnotes:
        note = pack.footnotes.get(number)
        if note is not None:
            blocks.append(Block(f"[{number}] {note.text}", "i", ("fn", number)))
    return blocks


@lru_cache(maxsize=1024)  # a report has some 120 sections: every one of a few packs
def original_parts(pack: ContentPack, section_id: str) -> list[list[Block]]:
    """The parts of a section's original text (computed once per pack and section)."""
    return split_blocks(section_blocks(pack, section_id), PART_LIMIT)


def part_of(pack: ContentPack, section_id: str, line: int | None = None, footnote: int | None = None,
            text: str | None = None) -> int:
    """Which part holds a source line, a footnote, or a piece of text (0 when unknown)."""
    parts = original_parts(pack, section_id)
    for index, part in enumerate(parts):
        for block in part:
            if footnote is not None and block.key == ("fn", footnote):
                return index
            if footnote is None and line is not None and block.key == ("line", line):
                return index
            if footnote is None and line is None and text and text in block.text:
                return index
    return 0


def section_title(section: Any, pack: ContentPack | None = None, lang: str | None = None) -> str:
    """``I.1. Kinh tế``: the report's numbering and the section's name (in the reader's language)."""
    label = pack.section_label(section.id, lang) if pack is not None else section.label
    title = pack.section_title(section.id, lang) if pack is not None else section.title
    return f"{label}. {title}" if label != title else title


def original_mark(pack: ContentPack, tr: Translator) -> str | None:
    """``Original (Vietnamese):`` when the reader's language is not the report's, else None."""
    if tr.lang == pack.meta.language:
        return None
    language = Locale.parse(pack.meta.language).get_display_name(tr.lang) or pack.meta.language
    return tr.gettext("Original ({language}):").format(language=language)


_NUMBERING_RE = re.compile(r"^[IVXLC\d.]+$")


def _child_label(pack: ContentPack, section_id: str, lang: str) -> str:
    """A subsection's button: ``1.2. Công nghiệp`` where the report numbers it, else its name alone
    (``Chỉ tiêu 9: …`` rather than ``II.2, chỉ tiêu (9). Chỉ tiêu 9: …``)."""
    section = pack.sections[section_id]
    if _NUMBERING_RE.match(pack.section_label(section_id, lang)):
        return section_title(section, pack, lang)
    return pack.section_title(section_id, lang)


def _child_buttons(pack: ContentPack, tr: Translator, children: list[str], back: str) -> list[Row]:
    return [[button("📜 " + shorten(_child_label(pack, c, tr.lang), 44), cb.Original(c, 0, back), pack)]
            for c in children]


def original_page(pack: ContentPack, tr: Translator, section_id: str, part: int = 0, back: str = "-",
                  reader: ReaderLink | None = None) -> Page | None:
    """One part of a section's original text, with part navigation and the way up and down the tree;
    ``reader``: how this chat opens the reader (bot/render/reader.py), for the 📖 button."""
    section = pack.sections.get(section_id)
    if section is None:
        return None
    lang = tr.lang
    parts = original_parts(pack, section_id)
    count = len(parts)
    part = min(max(part, 0), max(count - 1, 0))
    here = cb.Original(section_id, part, back)
    onward = nav.push(pack, here, back)
    header = ["📜 <b>" + esc(tr.gettext("Original text")) + "</b> — " + esc(pack.reference(section_id, lang=lang)),
              f"<b>{esc(section_title(section, pack, lang))}</b>"]
    if count > 1:
        header.append("<i>" + esc(tr.gettext("part {k}/{n}").format(k=part + 1, n=count)) + "</i>")
    if (mark := original_mark(pack, tr)) is not None:
        header.append("<i>" + esc(mark) + "</i>")
    empty = "<i>" + esc(tr.gettext("(This heading has no text of its own.)")) + "</i>"
    body = join_blocks(parts[part]) if parts else empty
    text = "\n".join(header) + "\n\n" + body
    rows: list[Row] = [pager_row(pack, part, count, lambda p: cb.Original(section_id, p, back))]
    rows.append(reader_row(tr, reader, section_id))  # 📖 the whole section in the reader
    if len(section.children) <= CHILD_BUTTONS:
        rows += _child_buttons(pack, tr, section.children, onward)
    else:
        rows.append([button(tr.gettext("📑 Its {n} subsections").format(n=tr.number(len(section.children))),
                            cb.Subsections(section_id, 0, back), pack)])
    items = sorted(pack.items_for_section(section_id), key=lambda i: i.source != section_id)
    if items:
        rows.append([button("📄 " + shorten(pack.item_text(items[0].id, lang).title, 44),
                            cb.ItemCard(items[0].id, onward), pack)])
    rows.append(comment_row(pack, tr, section_id))  # COMMENTS: "✍️ Góp ý mục này" (bot/render/comments.py)
    natural = cb.Original(section.parent) if section.parent else None
    rows.append(back_home_row(pack, tr, nav.back_target(pack, back, natural)))
    return text, markup(rows)


def subsections_page(pack: ContentPack, tr: Translator, section_id: str, page: int = 0, back: str = "-") -> Page | None:
    """The subsections of a section, paged, each opening its original text."""
    section = pack.sections.get(section_id)
    if section is None or not section.children:
        return None
    lang = tr.lang
    shown, page, pages = page_slice(section.children, page, CHILD_BUTTONS)
    here = cb.Subsections(section_id, page, back)
    lines = ["📜 <b>" + esc(tr.gettext("Original text")) + "</b> — " + esc(pack.reference(section_id, lang=lang)),
             f"<b>{esc(section_title(section, pack, lang))}</b>",
             esc(tr.gettext("Its {n} subsections:").format(n=tr.number(len(section.children))))]
    rows: list[Row] = _child_buttons(pack, tr, shown, nav.push(pack, here, back))
    rows.append(pager_row(pack, page, pages, lambda p: cb.Subsections(section_id, p, back)))
    rows.append(back_home_row(pack, tr, cb.Original(section_id, 0, back)))
    return "\n".join(lines), markup(rows)
