"""Parse the report as exported from a word processor into clean paragraphs and footnotes.

The export has three artefacts we must undo before anything can be matched against it:
footnote bodies inline on the paragraph line (``[N:  text ]``, sometimes closing on the next
line), ``[bookmark: _Hlk…]`` tags, and mixed NFC/NFD text. Everything else (wording, typos,
placeholders) is kept as written: fidelity means quoting the report, not correcting it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]")
FOOTNOTE_REF_RE = re.compile(r"\[footnoteRef:(\d+)\]")
FOOTNOTE_BODY_START_RE = re.compile(r"\[(\d+):\s")
SPACES_RE = re.compile(r"[ \t\u00a0]+")


def normalize_text(text: str) -> str:
    """NFC and single spaces: the only changes we allow ourselves on the report's wording."""
    return SPACES_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass
class Paragraph:
    """One line of the source. ``text`` keeps footnote markers as ``[footnoteRef:N]``."""

    line: int
    text: str
    footnotes: list[int] = field(default_factory=list)

    @property
    def plain(self) -> str:
        """The paragraph as read aloud: markers removed (what quotes are matched against)."""
        return normalize_text(FOOTNOTE_REF_RE.sub("", self.text))

    @property
    def display(self) -> str:
        """The paragraph with markers shown as ``[N]`` (what "original text" shows)."""
        return normalize_text(FOOTNOTE_REF_RE.sub(lambda m: f"[{m.group(1)}]", self.text))


@dataclass
class SourceFootnote:
    number: int
    text: str
    line: int  # the line holding the marker


@dataclass
class SourceDocument:
    paragraphs: dict[int, Paragraph]  # by 1-based line number; empty lines omitted
    footnotes: dict[int, SourceFootnote]
    line_count: int


class SourceError(ValueError):
    pass


def _split_footnote_bodies(raw_lines: list[str]) -> tuple[list[str], dict[int, tuple[str, int]]]:
    """Cut ``[N: …]`` bodies out of the lines; a body may run over to following lines."""
    out: list[str] = []
    bodies: dict[int, tuple[str, int]] = {}
    open_number: int | None = None
    open_parts: list[str] = []
    open_line = 0
    for index, line in enumerate(raw_lines, start=1):
        kept: list[str] = []
        pos = 0
        while pos <= len(line):
            if open_number is not None:
                close = line.find("]", pos)
                if close < 0:
                    open_parts.append(line[pos:])
                    break
                open_parts.append(line[pos:close])
                bodies[open_number] = (" ".join(open_parts), open_line)
                open_number = None
                open_parts = []
                pos = close + 1
                continue
            match = FOOTNOTE_BODY_START_RE.search(line, pos)
            if not match:
                kept.append(line[pos:])
                break
            kept.append(line[pos : match.start()])
            open_number = int(match.group(1))
            open_line = index
            if open_number in bodies:
                raise SourceError(f"line {index}: footnote [{open_number}: …] appears twice")
            pos = match.end()
        out.append("".join(kept))
    if open_number is not None:
        raise SourceError(f"line {open_line}: footnote [{open_number}: …] is never closed with ']'")
    return out, bodies


def parse_source(text: str) -> SourceDocument:
    raw_lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").split("\n")
    lines, bodies = _split_footnote_bodies(raw_lines)
    paragraphs: dict[int, Paragraph] = {}
    marker_lines: dict[int, int] = {}
    for number, line in enumerate(lines, start=1):
        cleaned = BOOKMARK_RE.sub("", line)
        cleaned = SPACES_RE.sub(" ", cleaned).strip()
        if not cleaned:
            continue
        refs = [int(n) for n in FOOTNOTE_REF_RE.findall(cleaned)]
        for ref in refs:
            if ref in marker_lines:
                raise SourceError(f"line {number}: footnote marker {ref} appears twice")
            marker_lines[ref] = number
        paragraphs[number] = Paragraph(line=number, text=cleaned, footnotes=refs)
    footnotes: dict[int, SourceFootnote] = {}
    for number, (body, body_line) in sorted(bodies.items()):
        if number not in marker_lines:
            raise SourceError(f"line {body_line}: footnote {number} has no [footnoteRef:{number}] marker")
        footnotes[number] = SourceFootnote(number, normalize_text(body), marker_lines[number])
    missing = sorted(set(marker_lines) - set(footnotes))
    if missing:
        raise SourceError(f"footnote markers without a footnote text: {missing}")
    return SourceDocument(paragraphs=paragraphs, footnotes=footnotes, line_count=len(raw_lines))
