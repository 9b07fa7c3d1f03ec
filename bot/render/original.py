"""Nguyên văn: a section of the report exactly as written, split into messages under 4096 characters.

A section's own paragraphs (footnote markers shown as ``[N]``) are followed by its footnotes in
italics. Parts break at paragraph boundaries, then at sentence boundaries inside a giant paragraph;
each part is escaped on its own, so each is valid HTML.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.cache import memo
from bot.render.common import Page, Row, back_home_row, button, markup, pager_row
from bot.render.text import PART_LIMIT, Block, esc, join_blocks, shorten, split_blocks

CHILD_BUTTONS = 10


def section_blocks(pack: Any, section_id: str) -> list[Block]:
    """The section's paragraphs, then its footnotes; keys say where each came from."""
    section = pack.sections[section_id]
    blocks = [Block(p.display, "", ("line", p.line)) for p in section.paragraphs]
    for number in section.footnotes:
        note = pack.footnotes.get(number)
        if note is not None:
            blocks.append(Block(f"[{number}] {note.text}", "i", ("fn", number)))
    return blocks


def original_parts(pack: Any, section_id: str) -> list[list[Block]]:
    """The parts of a section's original text (computed once per pack and section)."""
    return memo(pack, ("original", section_id),
                lambda: split_blocks(section_blocks(pack, section_id), PART_LIMIT))


def part_of(pack: Any, section_id: str, line: int | None = None, footnote: int | None = None,
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


def section_title(section: Any) -> str:
    return f"{section.label}. {section.title}" if section.label != section.title else section.title


def original_page(pack: Any, tr: Translator, section_id: str, part: int = 0) -> Page | None:
    """One part of a section's original text, with part navigation and the way up and down the tree."""
    section = pack.sections.get(section_id)
    if section is None:
        return None
    parts = original_parts(pack, section_id)
    count = len(parts)
    part = min(max(part, 0), max(count - 1, 0))
    header = ["📜 <b>" + esc(tr.gettext("Original text")) + "</b> — " + esc(pack.reference(section_id)),
              f"<b>{esc(section_title(section))}</b>"]
    if count > 1:
        header.append("<i>" + esc(tr.gettext("part {k}/{n}").format(k=part + 1, n=count)) + "</i>")
    empty = "<i>" + esc(tr.gettext("(This heading has no text of its own.)")) + "</i>"
    body = join_blocks(parts[part]) if parts else empty
    text = "\n".join(header) + "\n\n" + body
    rows: list[Row] = [pager_row(pack, part, count, lambda p: cb.Original(section_id, p))]
    for child_id in section.children[:CHILD_BUTTONS]:
        child = pack.sections[child_id]
        rows.append([button("📜 " + shorten(section_title(child), 44), cb.Original(child_id), pack)])
    items = sorted(pack.items_for_section(section_id), key=lambda i: i.source != section_id)
    if items:
        rows.append([button("📄 " + shorten(items[0].title, 44), cb.ItemCard(items[0].id), pack)])
    back = cb.Original(section.parent) if section.parent else None
    rows.append(back_home_row(pack, tr, back))
    return text, markup(rows)
