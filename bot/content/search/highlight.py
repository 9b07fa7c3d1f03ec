"""Which words of a passage to show in bold: spans in the ORIGINAL text (offsets for the renderer).

Stopwords never reach here (the query analysis drops them); a word typed with diacritics marks only
that spelling, one typed without marks any; a phrase is marked only where its words stand together.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.content.folding import ORIGINAL_WORD_RE, canonical_number, exact_form, fold_chars, is_number, tokens
from bot.content.search.query import MAX_QUERY_CHARS, MAX_QUERY_TOKENS
from bot.content.search.vocab import LOOSE


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` in the ORIGINAL ``text`` of words matching the query's words.

    Diacritics-insensitive (``dang vien`` marks ``đảng viên``); a number matches however its
    thousands are grouped (``239163`` marks ``239.163``) or its decimal mark typed (``14.99``
    marks ``14,99``). For ``<b>`` highlighting by the renderer.
    """
    if not isinstance(text, str) or not isinstance(query, str):
        return []
    return spans(text, tokens(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS])


def spans(text: str, singles: Iterable[str], phrases: Iterable[tuple[str, ...]] = ()) -> list[tuple[int, int]]:
    """Spans of words matching ``singles``, and of runs of words spelling one of ``phrases``. A term
    with diacritics matches only that spelling; a loose term matches nothing in the report's text."""
    wanted = {_key(w) for w in singles if not w.startswith(LOOSE)}
    runs = [tuple(map(_key, p)) for p in phrases if not any(t.startswith(LOOSE) for t in p)]
    if not wanted and not runs:
        return []
    found = []
    for m in ORIGINAL_WORD_RE.finditer(text):
        word = m.group()
        folded = _key(fold_chars(word))
        found.append((m.start(), m.end(), folded, exact_form(word)))
    marked = [f in wanted or x in wanted for _, _, f, x in found]
    for run in runs:
        n = len(run)
        for i in range(len(found) - n + 1):
            if all(t == found[i + k][2] or t == found[i + k][3] for k, t in enumerate(run)):
                marked[i : i + n] = [True] * n
    return [(a, b) for (a, b, _, _), hit in zip(found, marked, strict=True) if hit]


def _key(word: str) -> str:
    return canonical_number(word) if is_number(word) else word
