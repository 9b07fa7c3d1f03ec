"""Candidate selection: an in-memory inverted index scored with BM25 exactly as SQLite FTS5's ``bm25()``.

The index used to live in SQLite FTS5 tables. For a pack of this size (a few thousand short rows) a
query spent most of its time getting in and out of SQLite, and FTS5 scans every row holding a
common word twice (once for the phrase's document frequency, once to score). Here every term's
postings are kept with their per-column counts, each weighted once per set of column weights, so a
query is a few dictionary passes. The formula is FTS5's (``ext/fts5/fts5_aux.c``): for each phrase
of the query, ``idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl))`` with ``f`` the phrase's
column-weighted count in the row, ``D`` the row's token count over all columns and
``idf = ln((N - n + 0.5) / (n + 0.5))`` (``1e-6`` when not positive); ``tests/test_search.py``
compares every score with FTS5's own on the evaluation queries.

Rows hold space-separated terms (see :class:`bot.content.search.docs.Field`). Pure module.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

K1 = 1.2
B = 0.75
MIN_IDF = 1e-6
#: Phrases whose scores a table remembers per set of column weights (some 100 bytes each, plus the
#: rows of those found): the pack's words and word pairs number a few tens of thousands.
REMEMBERED = 100_000

#: One phrase of a query: its terms, and the only column it may match in (None: any column).
Phrase = tuple[tuple[str, ...], int | None]


class Table:
    """Rows of columns of terms; build with :meth:`add` then :meth:`finish`, then only read."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._rows: list[tuple[tuple[str, ...], ...]] = []
        self._postings: dict[str, dict[int, list[int]]] = {}  # term -> row -> count in each column
        self._pairs: set[str] = set()  # every two terms side by side ("a b"), in any row and column
        self._norm: list[float] = []  # per row: k1 * (1 - b + b * D / avgdl)
        # per (column weights, column): phrase -> its BM25 term in each row holding it
        self._weighted: dict[tuple[tuple[float, ...], int | None], dict[str, tuple[tuple[int, float], ...]]] = {}

    def add(self, texts: Sequence[str]) -> int:
        """A row of one text per column (space-separated terms); its row number."""
        row = tuple(tuple(text.split()) for text in texts)
        rowid = len(self._rows)
        self._rows.append(row)
        width = len(self.columns)
        here: dict[str, list[int]] = {}  # term -> its count in each column of this row
        for col, terms in enumerate(row):
            self._pairs.update(map(" ".join, pairwise(terms)))
            for term, n in Counter(terms).items():
                counts = here.get(term)
                if counts is None:
                    counts = here[term] = [0] * width
                counts[col] = n
        postings = self._postings
        for term, counts in here.items():
            rows = postings.get(term)
            if rows is None:
                postings[term] = {rowid: counts}
            else:
                rows[rowid] = counts
        return rowid

    def finish(self) -> None:
        lengths = [sum(map(len, row)) for row in self._rows]
        avgdl = (sum(lengths) / len(lengths) if lengths else 0.0) or 1.0
        self._norm = [K1 * (1 - B + B * d / avgdl) for d in lengths]

    def __len__(self) -> int:
        return len(self._rows)

    def search(self, phrases: Sequence[Phrase], weights: Sequence[float], limit: int) -> list[tuple[int, float]]:
        """Rows holding any of ``phrases``, best ``limit`` by BM25 (higher is better; ties by row)."""
        weights = tuple(weights)
        scores: dict[int, float] = {}
        get = scores.get
        for terms, column in phrases:
            for rowid, score in self._scores(terms, column, weights):
                scores[rowid] = get(rowid, 0.0) + score
        best = heapq.nsmallest(limit, [(-score, rowid) for rowid, score in scores.items()])
        return [(rowid, -score) for score, rowid in best]

    def _scores(self, terms: tuple[str, ...], column: int | None, weights: tuple[float, ...]
                ) -> tuple[tuple[int, float], ...]:
        """(row, the phrase's BM25 term) for each row holding it. Within a table the term depends on the
        phrase and the row alone (the phrase's idf, its weighted count, the row's length), so it is
        worked out once per phrase and remembered, found or not, up to REMEMBERED phrases (a phrase
        found is made of the pack's own words side by side; one not found could be anything typed)."""
        table = self._weighted.get((weights, column))
        if table is None:
            table = self._weighted[(weights, column)] = {}
        key = " ".join(terms)
        found = table.get(key)
        if found is not None:
            return found
        hits = self._hits(terms, column, weights)
        found = ()
        if hits:
            idf = math.log((len(self._rows) - len(hits) + 0.5) / (len(hits) + 0.5))
            top = (idf if idf > 0.0 else MIN_IDF) * (K1 + 1)
            norm = self._norm
            found = tuple((rowid, top * f / (f + norm[rowid])) for rowid, f in hits)
        if len(table) < REMEMBERED:
            table[key] = found
        return found

    def _hits(self, terms: tuple[str, ...], column: int | None, weights: tuple[float, ...]
              ) -> list[tuple[int, float]]:
        """(row, column-weighted count of the phrase) for each row holding it."""
        if len(terms) == 1:
            counted: Iterable[tuple[int, Sequence[int]]] = self._postings.get(terms[0], {}).items()
        else:  # rows holding each of its words, then the whole phrase counted in them
            lists = [self._postings.get(t) for t in terms]
            if not all(lists) or not all(" ".join(p) in self._pairs for p in pairwise(terms)):
                return []
            rows = set.intersection(*(set(p) for p in lists if p))
            counted = ((rowid, [_count(terms, col) for col in self._rows[rowid]]) for rowid in sorted(rows))
        return [(rowid, _weigh(counts, weights, column)) for rowid, counts in counted
                if (counts[column] if column is not None else any(counts))]


def _weigh(counts: Sequence[int], weights: tuple[float, ...], column: int | None) -> float:
    if column is not None:
        return counts[column] * weights[column]
    return sum(c * w for c, w in zip(counts, weights, strict=True) if c)


def _count(phrase: tuple[str, ...], terms: tuple[str, ...]) -> int:
    """Occurrences of ``phrase`` in ``terms``, its words side by side."""
    n = len(phrase)
    first = phrase[0]
    return sum(1 for k in range(len(terms) - n + 1) if terms[k] == first and terms[k : k + n] == phrase)
