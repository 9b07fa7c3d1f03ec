"""The documents the index holds (figures, items, passages) and how their text is turned into terms."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from bot.content.folding import aligned_tokens, canonical_number, is_accented, is_number, token_forms, tokens
from bot.content.lexicon import SearchLexicon
from bot.content.search.vocab import LOOSE

#: Columns of every BM25 table: folded text, then the same text in exact form (diacritics kept). A kind
#: leaves the ones it does not use empty. Aliases are written without diacritics, so they have no
#: exact column; their words match a cadre's accented word loosely (query.LOOSE).
COLUMNS = ("title", "aliases", "meta", "body", "context")
EXACT_COLUMNS = ("title", "meta", "body", "context")
LOOSE_COLUMNS = frozenset({"aliases"})


@dataclass(frozen=True)
class Hit:
    """One search result. ``id`` is a figure id, an item id or (for passages) a section id.

    ``score``: higher is better, comparable across kinds within one query. ``fuzzy``: found only by
    label likeness (no word of the query matched): a suggestion, never an answer. ``line`` is the
    source line of a passage (for a footnote: the line holding its marker); ``footnote`` its number.
    """

    kind: str
    id: str
    score: float
    line: int | None
    footnote: int | None
    text: str
    fuzzy: bool = False


@dataclass
class Field:
    words: frozenset[str]  # every term: folded, exact, and loose where the text is unaccented
    fts: str  # what BM25 indexes: folded tokens in order plus each number's canonical form
    fts_exact: str  # exact tokens in order (empty when the text has no diacritics)
    bigrams: frozenset[str]  # "a b" for each two words side by side, in each form


def make_field(text: str, loose: bool = False, aligned: tuple[list[str], list[str]] | None = None) -> Field:
    """A column's terms; ``aligned``: its (folded, exact) tokens when already known."""
    toks, exact = aligned or aligned_tokens(text)
    numbers = list(filter(is_number, toks))
    extra = [c for c in map(canonical_number, numbers) if c not in numbers]
    if not is_accented(text):
        exact = []
    words = set(toks) | set(extra) | set(exact)
    bigrams = set(map(" ".join, pairwise(toks))) | set(map(" ".join, pairwise(exact)))
    if loose:
        # Only the unaccented parts (curators write aliases without diacritics); "a ; b" separates them.
        for part in text.split(";"):
            if part.isascii():
                folded = [LOOSE + t for t in token_forms(part)[0]]
                words |= set(folded)
                bigrams |= set(map(" ".join, pairwise(folded)))
    return Field(frozenset(words), " ".join(toks + extra), " ".join(exact), frozenset(bigrams))


@dataclass
class Doc:
    kind: str  # figure, item, passage
    id: str
    text: str
    line: int | None = None
    footnote: int | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    strength: dict[str, float] = field(default_factory=dict)  # term -> strongest column it is in
    plain_words: tuple[str, ...] = ()  # its terms without diacritics, not loose: what a typo may be a slip for
    bigrams: frozenset[str] = frozenset()
    field_bigrams: tuple[tuple[float, frozenset[str]], ...] = ()  # (column strength, its bigrams), strongest first
    # figures
    figure_kind: str | None = None
    placement: bool = False  # the province's place: a rank ("đứng thứ 12") or a group ("nhóm 10 tỉnh")
    headline: bool = False
    period_years: frozenset[str] = frozenset()
    label_years: int = 0  # how many years the label names
    value_tokens: frozenset[str] = frozenset()
    name_words: tuple[frozenset[str], ...] = ()  # label and each alias, as terms
    name_tokens: tuple[tuple[str, ...], ...] = ()  # label and each alias, folded words in order
    name_positions: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # word -> (name, place)
    name_weights: tuple[tuple[dict[str, float], float], ...] = ()  # per name: word -> rarity, and their sum
    name_years: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()  # unit markers of the lexicon its unit or label holds ("%", "/năm")
    unit_words: frozenset[str] = frozenset()  # its unit's words, folded ("truong"): what it counts
    latest: bool = False  # a result (not a target) for the latest year the report gives results for
    sector: bool = False  # its label names a sector of the economy (the lexicon's sector words)
    # items
    item_kind: str | None = None
    number: int | None = None  # an item's number as its title gives it ("Đột phá 2: ...")

    def has_phrase(self, phrase: tuple[str, ...]) -> bool:
        """Do the phrase's words stand side by side somewhere in the document?"""
        return all(f"{a} {b}" in self.bigrams for a, b in pairwise(phrase))

    def phrase_strength(self, phrase: tuple[str, ...], pairs: tuple[str, ...] | None = None) -> float:
        """The strongest column in which the phrase's words stand side by side (0: none); ``pairs``:
        its words two by two, when already known."""
        if pairs is None:
            pairs = tuple(f"{a} {b}" for a, b in pairwise(phrase))
        for strength, bigrams in self.field_bigrams:
            if all(p in bigrams for p in pairs):
                return strength
        return 0.0


def name_positions(names: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[int, int], ...]]:
    """Where each word stands in a figure's names: (which name, which word of it)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for m, name in enumerate(names):
        for k, word in enumerate(name):
            out.setdefault(word, []).append((m, k))
    return {w: tuple(v) for w, v in out.items()}


def unit_traits(unit: str, label: str, lexicon: SearchLexicon) -> dict[str, Any]:
    """A figure's unit markers ("%", "/năm" where its unit or label holds them), the words of its unit
    when it counts something (not for a share or a rate: "% số xã"), and whether its label names a sector."""
    text = f"{unit} {label}".lower()
    units = frozenset(str(e.value) for es in lexicon.units.entries.values() for e in es if str(e.value).lower() in text)
    words = tokens(label)
    sector = any(any(tuple(words[k : k + len(p)]) == p for k in range(len(words) - len(p) + 1))
                 for p in lexicon.sector_words)
    return {"units": units, "unit_words": frozenset() if units else frozenset(tokens(unit)), "sector": sector}


def mark_latest(results: list[Doc]) -> None:
    """Mark the results for the year most results are for (a few span the next term, "2021-2030")."""
    years = Counter(max(d.period_years) for d in results if d.period_years).most_common(1)
    for doc in results:
        doc.latest = bool(years) and years[0][0] in doc.period_years
