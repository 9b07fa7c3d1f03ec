"""Text helpers for renderers: escaping, splitting under Telegram's 4096 limit, highlighting, labels.

Splitting works on *plain* text blocks and escapes each chunk afterwards, so a part can never end
inside a tag or an entity and every part is valid HTML on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

#: Budget for the body of one message; Telegram's limit is 4096 characters after entity parsing,
#: we measure escaped HTML (longer than what Telegram counts) and keep room for headers and buttons.
PART_LIMIT = 3500
BUTTON_LABEL = 48

_SENTENCE_END_RE = re.compile(r"(?<=[.!?;:…])\s+")


def esc(text: object) -> str:
    """HTML-escape any content or user string: ``<``, ``>`` and ``&``, all Telegram's HTML needs. Quotes
    stay as they are (the report's „quotes“ read better unescaped): never put the result in an attribute."""
    return escape(str(text), quote=False)


#: Words a cut label must not end on: they lead into what was cut ("Kinh tế và…", "Tăng trưởng năm…").
_DANGLING = frozenset([
    "và", "của", "vào", "trong", "với", "cho", "các", "những", "được", "là", "theo", "tại", "đến", "từ", "về",
    "để", "hoặc", "có", "bị", "do", "khi", "mà", "năm", "số", "một", "ở", "trên", "dưới", "gần", "khoảng", "đạt",
    "and", "of", "in", "to", "for", "with", "a", "an", "the", "on", "by", "at", "from", "or", "per",
])
#: Where a phrase ends inside a label (not a colon: "Chỉ tiêu 9: …" says what follows it).
_PHRASE_END_RE = re.compile(r"[,;]\s|\s[-–]\s|\s\(")


def shorten(text: str, limit: int = BUTTON_LABEL) -> str:
    """Cut a label to ``limit`` characters with an ellipsis: at the end of a phrase when one ends late
    enough, else between words; never inside a word (unless the text is one endless word), never on a
    word that leads into what was cut ("và", "của", "of"), never leaving a bracket open."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[: limit]  # one more than fits: a space right after the cut counts as a boundary
    phrases = [m.start() for m in _PHRASE_END_RE.finditer(window) if m.start() <= limit - 1]
    if phrases and phrases[-1] >= limit * 7 // 10:
        cut = text[: phrases[-1]]
    else:
        space = window.rfind(" ")
        cut = text[:space] if space > 0 else text[: limit - 1]
    words = cut.split(" ")
    while len(words) > 2 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    cut = " ".join(words)
    opened = cut.rfind("(")
    if opened > cut.rfind(")") and opened > 0:
        cut = cut[:opened]
    return cut.rstrip(" ,;:-–(/") + "…"


@dataclass(frozen=True)
class Block:
    """A piece of plain text and how to show it: ``wrap`` is a tag name ("i", "b") or ""."""

    text: str
    wrap: str = ""
    key: object = None  # where it came from (a source line, a footnote), to find the part later

    def html(self) -> str:
        body = esc(self.text)
        return f"<{self.wrap}>{body}</{self.wrap}>" if self.wrap else body


def _hard_split(text: str, limit: int) -> list[str]:
    """Split text longer than ``limit`` (escaped) at sentence ends, then at spaces, then anywhere."""
    if len(esc(text)) <= limit:
        return [text]
    pieces = _SENTENCE_END_RE.split(text)
    if len(pieces) == 1:
        pieces = text.split(" ")
        if len(pieces) == 1:  # one endless word: cut it where the escaped length reaches the limit
            chunks, current, size = [], "", 0
            for ch in text:
                width = len(esc(ch))
                if current and size + width > limit:
                    chunks.append(current)
                    current, size = "", 0
                current += ch
                size += width
            return [*chunks, current] if current else chunks
    out: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if len(esc(candidate)) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        if len(esc(piece)) > limit:
            out.extend(_hard_split(piece, limit))
            current = ""
        else:
            current = piece
    if current:
        out.append(current)
    return out


def split_blocks(blocks: Sequence[Block], limit: int = PART_LIMIT, sep: str = "\n\n") -> list[list[Block]]:
    """Group blocks into parts whose HTML stays under ``limit``; giant blocks are cut into sentences."""
    pieces: list[Block] = []
    for block in blocks:
        overhead = len(block.html()) - len(esc(block.text))
        for chunk in _hard_split(block.text, limit - overhead):
            pieces.append(Block(chunk, block.wrap, block.key))
    parts: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for piece in pieces:
        length = len(piece.html())
        if current and size + len(sep) + length > limit:
            parts.append(current)
            current, size = [], 0
        size += (len(sep) if current else 0) + length
        current.append(piece)
    if current:
        parts.append(current)
    return parts


def join_blocks(blocks: Iterable[Block], sep: str = "\n\n") -> str:
    return sep.join(block.html() for block in blocks)


def highlight(text: str, spans: Iterable[tuple[int, int]], tag: str = "b") -> str:
    """Escape ``text`` and wrap the character ranges ``spans`` (offsets into the *plain* text) in a tag.

    Offsets refer to the unescaped text, so we escape piece by piece rather than escape-then-insert.
    Overlapping, adjacent (only spaces between) or out-of-range spans are merged and clipped.
    """
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= start:
            continue
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1][1] = max(merged[-1][1], end)  # "<b>tăng trưởng</b>", not "<b>tăng</b> <b>trưởng</b>"
        else:
            merged.append([start, end])
    out: list[str] = []
    pos = 0
    for start, end in merged:
        out.append(esc(text[pos:start]))
        out.append(f"<{tag}>{esc(text[start:end])}</{tag}>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def excerpt(text: str, spans: Sequence[tuple[int, int]], width: int = 300) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first span, with the spans shifted into it."""
    if len(text) <= width:
        return text, list(spans)
    first = min((s for s, _ in spans), default=0)
    start = max(0, first - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    snippet = text[start:end]
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shifted = [(s - start + len(prefix), e - start + len(prefix)) for s, e in spans if s >= start and e <= end]
    return prefix + snippet + suffix, shifted
