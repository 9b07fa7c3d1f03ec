"""The index's terms as a query's reader sees them: the three kinds of term, and what the index knows
of its words (how often each occurs, how the report spells them and their neighbours), so that a
word the index does not know can be corrected: completed, its typo fixed, or split in two.

Terms are folded (``trong``: any spelling), exact (``trồng``: that spelling only) or loose
(``~trong``: the folded word where curators wrote no diacritics); see bot/content/search/query.py.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content.folding import fold, is_accented, is_number
from bot.content.lexicon import Entry

if TYPE_CHECKING:
    from bot.content.search.query import Token

LOOSE = "~"  # prefix of a loose term: the folded word, matched only where curators wrote no diacritics

Term = str


@lru_cache(maxsize=1 << 16)  # a few words per query, asked again by each figure's name match
def fold_term(term: Term) -> str:
    """The folded word behind any term (exact ``trồng``, loose ``~trong``, folded ``trong``)."""
    if term.startswith(LOOSE):
        return term[1:]
    return fold(term) if is_accented(term) else term


class Vocabulary:
    """What the index knows, for reading queries: its terms and how often they occur, and how the
    report spells the word pairs that involve a lexicon word (to tell "ty trong" from "trong co cau")."""

    def __init__(self) -> None:
        self.df: Counter[Term] = Counter()
        self.readings: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
        self.spellings: dict[str, Counter[str]] = {}  # folded lexicon word -> how the report spells it
        self.bigrams: set[str] = set()  # "a b": words side by side in the report (folded, and exact)
        self.fuzzy: list[str] = []
        self.prefix: list[str] = []
        self.extra: frozenset[str] = frozenset()

    def finish(self, extra_words: set[str]) -> None:
        self.extra = frozenset(extra_words)
        words = {w for w in self.df if w.isascii() and not w.startswith(LOOSE)} | self.extra
        words = {w for w in words if not is_number(w) and len(w) >= 2}
        # Most frequent first, so a tie in edit distance picks the word cadres more likely meant.
        self.fuzzy = sorted(words, key=lambda w: (-self.df.get(w, 0), w))
        self.prefix = sorted(words)

    def known(self, word: str) -> bool:
        return word in self.df or word in self.extra

    def correct(self, word: str, last: bool, before: str = "", after: str = "") -> list[str]:
        """Alternatives for a folded word the index does not know: completions, a typo fix, a split."""
        if is_number(word) or self.known(word) or len(word) < 2:
            return [word]
        if last:
            start = bisect.bisect_left(self.prefix, word)
            completions = []
            for w in self.prefix[start : start + 50]:
                if not w.startswith(word):
                    break
                completions.append(w)
            if completions:
                completions.sort(key=lambda w: -self.df.get(w, 0))
                return completions[:4]
        if len(word) >= 4:  # three letters with one edit is a different word too often
            max_edits = 1 if len(word) <= 5 else 2
            matches = process.extract(word, self.fuzzy, scorer=OSA.distance, score_cutoff=max_edits, limit=8)
            if matches:
                # Of the closest, the one the report uses beside the neighbouring word ("du lixh": lich)
                best = min(m[1] for m in matches)
                close = [m[0] for m in matches if m[1] == best]
                beside = [w for w in close if f"{before} {w}" in self.bigrams or f"{w} {after}" in self.bigrams]
                return [(beside or close)[0]]
        for cut in range(1, len(word)):  # run together ("hongheo", "yte"): two words the report pairs
            head, tail = word[:cut], word[cut:]
            if f"{head} {tail}" in self.bigrams:
                return [f"{head} {tail}"]
        return [word]

    def other_reading(self, tokens: Sequence[Token], i: int, entry: Entry, by_word: bool,
                      bound: Collection[int] = ()) -> bool:
        """Is token ``i``, typed without diacritics, more likely another word than ``entry``?

        Told by how the report spells the same pair of words ("ty trong" is tỷ trọng, so not the
        stopword "trong"; "cua tinh" is của tỉnh, so "tinh" is the province); where no pair tells and
        ``by_word`` is set, by how the report spells the word alone ("dang" is mostly đảng, not đang).
        A neighbour ``bound`` in a phrase of its own tells nothing: "qua" of "5 năm qua" is not the
        "quả" of "hiệu quả đơn thư", so "5 nam qua don" is đón.
        """
        spelling = entry.exact[0]
        told = False
        same_total = other_total = 0  # both neighbours weigh in: "cao trong" (4) outweighs "trọng nông" (2)
        for j, first in ((i - 1, False), (i + 1, True)):
            if not 0 <= j < len(tokens) or tokens[j].quote or j in bound:
                continue
            pair = (tokens[i].folded, tokens[j].folded) if first else (tokens[j].folded, tokens[i].folded)
            same = other = 0
            for reading, count in self.readings.get(pair, {}).items():
                mine, theirs = (reading[0], reading[1]) if first else (reading[1], reading[0])
                if is_accented(tokens[j].exact) and theirs != tokens[j].exact:
                    continue
                if mine == spelling:
                    same += count
                else:
                    other += count
            same_total += same
            other_total += other
            told = told or same > 0
        if other_total > same_total:
            return True
        if by_word and not told:
            counts = self.spellings.get(tokens[i].folded, Counter())
            return sum(counts.values()) > 3 * counts.get(spelling, 0)
        return False
