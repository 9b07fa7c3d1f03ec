"""The report's paragraphs as the reader shows them: runs of text, footnote markers and figures.

A paragraph of the source keeps its markers as ``[footnoteRef:N]``. The reader needs the text a
quote is matched against (markers removed, spaces collapsed: ``Paragraph.plain``), where each marker
stood in it, and where each figure's value stands, so that the value can be highlighted and open
the figure's card. A figure is found the way check-content proves it is there: its quote in its
section's paragraph (or its footnote), its value in the quote as a whole number
(:func:`bot.content.numbers.value_spans`), the unit too when the report writes it right after. A
pending figure (the draft's blank, ``......%``) marks the blank.

Pure module: no web framework, nothing at import time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from bot.content.numbers import PLACEHOLDER_RE, value_spans
from bot.content.source import FOOTNOTE_REF_RE, SPACES_RE, normalize_text

if TYPE_CHECKING:
    from bot.content.pack import ContentPack, Figure

#: One piece of a paragraph, as JSON: {"t": text}, {"t": text, "f": [figure ids]}, {"n": footnote}.
Run = dict[str, object]


@dataclass
class Marked:
    """A paragraph's plain text, its footnote markers (position in the plain text, number) and the
    spans of figures in it (start, end, figure ids)."""

    plain: str
    markers: list[tuple[int, int]] = field(default_factory=list)
    spans: list[tuple[int, int, list[str]]] = field(default_factory=list)


def split_markers(text: str) -> Marked:
    """``text`` with its ``[footnoteRef:N]`` markers taken out; equal to ``Paragraph.plain``."""
    raw: list[str] = []
    raw_markers: list[tuple[int, int]] = []
    length = 0
    pos = 0
    for m in FOOTNOTE_REF_RE.finditer(text):
        raw.append(text[pos : m.start()])
        length += m.start() - pos
        raw_markers.append((length, int(m.group(1))))
        pos = m.end()
    raw.append(text[pos:])
    joined = "".join(raw)
    # Collapse runs of spaces and strip, as normalize_text does, keeping where each raw index lands.
    plain: list[str] = []
    where: list[int] = []
    for ch in joined:
        where.append(len(plain))
        if SPACES_RE.fullmatch(ch):
            if not plain or plain[-1] == " ":
                continue
            plain.append(" ")
        else:
            plain.append(ch)
    where.append(len(plain))
    if plain and plain[-1] == " ":
        plain.pop()
    out = "".join(plain)
    markers = [(min(where[i], len(out)), n) for i, n in raw_markers]
    # A marker right after a space that the removal left behind sits before that space: "abc[1] def".
    markers = [(p - 1 if p > 0 and out[p - 1] == " " else p, n) for p, n in markers]
    return Marked(out, markers)


def figure_span(fig: Figure, text: str) -> tuple[int, int] | None:
    """Where the figure's value (with its unit when written right after) stands in ``text``."""
    quote = normalize_text(fig.quote)
    at = text.find(quote)
    if at < 0:
        return None
    if fig.value is None:  # pending: the draft's blank
        blank = PLACEHOLDER_RE.search(quote)
        return (at + blank.start(), at + blank.end()) if blank else None
    found = value_spans(fig.value, quote, fig.unit)
    if not found:
        return None
    start, end = found[0]
    rest = quote[end:].lower()
    unit = (fig.unit or "").lower()
    for written in ((unit, " " + unit) if unit and fig.kind != "rank" else ()):
        tail = rest[len(written) : len(written) + 1]
        if rest.startswith(written) and not tail.isalnum():  # "20,1%/năm", "888 nghìn tỷ đồng"
            return at + start, at + end + len(written)
    if rest.startswith("%"):
        end += 1
    return at + start, at + end


def place_figures(marked: Marked, figures: Iterable[Figure]) -> Marked:
    """Add each figure found in the text as a span; one that overlaps a span already placed joins it."""
    for fig in figures:
        span = figure_span(fig, marked.plain)
        if span is None:
            continue
        start, end = span
        for existing in marked.spans:
            if start < existing[1] and existing[0] < end:
                existing[2].append(fig.id)
                break
        else:
            marked.spans.append((start, end, [fig.id]))
    marked.spans.sort(key=lambda s: s[0])
    return marked


def runs(marked: Marked) -> list[Run]:
    """The paragraph as runs for the page: text, figures (their text and ids), footnote markers.
    A marker never splits a figure: it follows the figure's run."""
    cuts = sorted({0, len(marked.plain), *(p for p, _ in marked.markers),
                   *(s for s, _, _ in marked.spans), *(e for _, e, _ in marked.spans)})
    at_marker: dict[int, list[int]] = {}
    for pos, number in marked.markers:
        inside = next((e for s, e, _ in marked.spans if s < pos < e), None)
        at_marker.setdefault(inside if inside is not None else pos, []).append(number)
    out: list[Run] = []
    for a, b in pairwise(cuts):
        out += [{"n": n} for n in at_marker.pop(a, [])]
        if a == b:
            continue
        span = next((s for s in marked.spans if s[0] <= a and b <= s[1]), None)
        piece = marked.plain[a:b]
        if span is None:
            if out and set(out[-1]) == {"t"}:
                out[-1]["t"] = str(out[-1]["t"]) + piece
            else:
                out.append({"t": piece})
        elif out and out[-1].get("f") == span[2] and a > span[0]:
            out[-1]["t"] = str(out[-1]["t"]) + piece
        else:
            out.append({"t": piece, "f": list(span[2])})
    for pos in sorted(at_marker):
        out += [{"n": n} for n in at_marker[pos]]
    return out


def section_figures(pack: ContentPack, section_id: str) -> tuple[list[Figure], dict[int, list[Figure]]]:
    """The figures whose sentence stands in this section's own text, and those in each footnote."""
    own: list[Figure] = []
    notes: dict[int, list[Figure]] = {}
    for fig in pack.figures.values():
        if fig.source != section_id:
            continue
        if fig.footnote is None:
            own.append(fig)
        else:
            notes.setdefault(fig.footnote, []).append(fig)
    return own, notes


def paragraph_runs(text: str, figures: Sequence[Figure]) -> tuple[str, list[Run], list[str]]:
    """(plain text, runs, ids of the figures placed) of one paragraph or footnote."""
    marked = place_figures(split_markers(text), figures)
    placed = [fid for _, _, ids in marked.spans for fid in ids]
    return marked.plain, runs(marked), placed
