"""Where a figure's or an item's words stand in the report: passages, sentences, clauses.

The meaning-level checks (bot/content/fidelity.py) read a number in its sentence, not in its whole
section: a hedge ("ước", "dự kiến") or a status ("dự kiến không hoàn thành") belongs to the
sentence it is written in.
"""

from __future__ import annotations

import re

from bot.content.folding import fold
from bot.content.model import ContentPack, Figure
from bot.content.numbers import value_spans
from bot.content.source import FOOTNOTE_REF_RE, normalize_text

# A sentence ends at . ; ! ? followed by a space, or at a paragraph break. "2.128" and "I.2.5"
# carry no space after the dot, so numbers and section labels never end one; neither do the
# draft's placeholders and ellipses ("....... tỷ USD", "tài nguyên… diễn ra").
SENTENCE_END_RE = re.compile(r"(?<!\.)\.(?=\s)|[;!?](?=\s)|\n")


def reference_words(pack: ContentPack) -> tuple[str, ...]:
    """Words after which a number is a label, not a quantity: the pack's wording and its citation
    words ("chú thích 24", "mục 2")."""
    citation = pack.meta.citation
    return (*pack.meta.wording.references, citation.section, citation.footnote)


def passage(pack: ContentPack, section_id: str, footnote: int | None) -> str:
    """The text a quote is checked against: the footnote's text, or the section's own paragraphs."""
    if footnote is not None:
        return pack.footnotes[footnote].text
    return pack.section_text(section_id)


def known_place(pack: ContentPack, section_id: str, footnote: int | None) -> bool:
    return section_id in pack.sections and (footnote is None or footnote in pack.footnotes)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` holding ``text[start:end]`` (it may run over several sentences)."""
    first = 0
    for match in SENTENCE_END_RE.finditer(text, 0, start):
        first = match.end()
    last = len(text)
    after = SENTENCE_END_RE.search(text, max(end, start))
    if after:
        last = after.start()
    return first, last


def marker_sentence(pack: ContentPack, number: int) -> str:
    """The sentence of the report's text that carries footnote ``number``'s marker."""
    note = pack.footnotes.get(number)
    if note is None or note.section not in pack.sections:
        return ""
    for paragraph in pack.sections[note.section].paragraphs:
        if number in paragraph.footnotes:
            text = normalize_text(paragraph.text)
            at = text.find(f"[footnoteRef:{number}]")
            first, last = sentence_bounds(text, at, at)
            return normalize_text(FOOTNOTE_REF_RE.sub("", text[first:last]))
    return ""


def quote_sentences(pack: ContentPack, section_id: str, footnote: int | None, quote: str) -> str:
    """The whole sentence(s) of the passage that hold ``quote`` (empty when it is not there)."""
    text = passage(pack, section_id, footnote)
    at = text.find(normalize_text(quote))
    if at < 0:
        return ""
    first, last = sentence_bounds(text, at, at + len(normalize_text(quote)))
    return text[first:last]


def value_position(figure: Figure, quote: str) -> tuple[int, int] | None:
    """Where the figure's value stands in its quote: after its qualifier when it has one."""
    if figure.value is None:
        return None
    spans = value_spans(figure.value, quote, figure.unit)
    if figure.qualifier:
        for start, end in spans:
            if quote[:start].rstrip().lower().endswith(figure.qualifier.lower()):
                return start, end
    return spans[0] if spans else None


def value_scope(pack: ContentPack, figure: Figure) -> str:
    """What governs a figure's value: its sentence up to the value, and the clause right after it
    (to the next comma or semicolon, brackets included: "336km (ước đến hết năm 2025)")."""
    quote = normalize_text(figure.quote)
    text = passage(pack, figure.source, figure.footnote)
    at = text.find(quote)
    where = value_position(figure, quote)
    if at < 0 or where is None:
        return ""
    start, end = at + where[0], at + where[1]
    first, last = sentence_bounds(text, start, end)
    return prefix_scope(text[first:start]) + " " + clause_after(text[end:last])


def prefix_scope(before: str) -> str:
    """What governs a value from before it in its sentence: the sentence up to it, without the
    complete bracketed asides (an aside qualifies what stands before it, not what follows). An aside
    the value stands in is kept with what precedes it: "ước đạt 888 (gấp 2,9 lần)"."""
    return without_brackets(before)


def clause_after(text: str) -> str:
    """``text`` up to the first comma or semicolon outside brackets."""
    depth = 0
    for n, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0 and text[n + 1 : n + 2] in (" ", ""):
            return text[:n]
    return text


def value_clause(figure: Figure) -> str:
    """The part of the quote that is about the value: its ;-separated segment, with bracketed
    asides that do not hold the value left out (or only the brackets that hold it)."""
    quote = normalize_text(figure.quote)
    where = value_position(figure, quote)
    if where is None:
        return quote
    start, end = where
    seg_start = max(quote.rfind(";", 0, start), quote.rfind(":", 0, start)) + 1
    seg_end = min(n for n in (quote.find(";", end), len(quote)) if n >= 0)
    segment, offset = quote[seg_start:seg_end], seg_start
    kept: list[str] = []
    depth, chunk_start, inside = 0, 0, ""
    for n, ch in enumerate(segment):
        if ch == "(":
            if depth == 0:
                kept.append(segment[chunk_start:n])
                chunk_start = n
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                group = segment[chunk_start : n + 1]
                if chunk_start + offset <= start < n + 1 + offset:
                    inside = group.strip("()")
                chunk_start = n + 1
    kept.append(segment[chunk_start:])
    return inside or " ".join(kept)


def without_brackets(text: str) -> str:
    """``text`` with its complete bracketed asides left out: an aside qualifies what stands right
    before it ("336km (ước đến hết năm 2025)"), not what follows."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\([^()]*\)", " ", text)
    return text


def has_phrase(text: str, phrases: list[str]) -> bool:
    """Whether any phrase stands in ``text`` as whole words, compared without diacritics."""
    words = f" {fold(text)} "
    return any(f" {fold(p)} " in words for p in phrases if fold(p))


def has_words(text: str, phrases: list[str]) -> bool:
    """Whether any phrase stands in ``text`` as whole words, with diacritics ("trừ" is not "trụ")."""
    words = " " + " ".join(re.findall(r"\w+", text.lower())) + " "
    return any(" " + " ".join(re.findall(r"\w+", p.lower())) + " " in words for p in phrases)


def hedge_before(text: str, start: int, hedges: list[str]) -> str:
    """The run of hedges standing right before ``text[start]`` ("ước đạt khoảng"), or ""."""
    units = sorted((h.lower() for h in hedges), key=len, reverse=True)
    before = text[:start].rstrip()
    found: list[str] = []
    while True:
        low = before.lower()
        for unit in units:
            if low.endswith(unit) and (len(low) == len(unit) or not low[-len(unit) - 1].isalnum()):
                found.insert(0, before[len(before) - len(unit):])
                before = before[: len(before) - len(unit)].rstrip()
                break
        else:
            return " ".join(found)
