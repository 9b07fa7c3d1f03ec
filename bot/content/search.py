"""One search index over the pack: figures, items and source passages, built in memory at start-up.

Why this shape: SQLite FTS5 (standard library) does the retrieval and BM25 with per-column
weights over *folded* text (see :mod:`bot.content.folding`), so ``grdp binh quan dau nguoi``
finds ``GRDP bình quân đầu người``. rapidfuzz corrects typos against the index vocabulary before
FTS sees the query, and matches figure labels when FTS finds nothing. A cadre's query is short
and usually names one figure, so candidates are re-ranked by how much of the query they cover
(label and aliases count most), with nudges for a year the query names (``grdp 2025``), a value
it quotes, and target words (``muc tieu``, ``2030``) preferring target figures.

Pure module: no Telegram imports, nothing happens at import time.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.content.folding import (
    ORIGINAL_WORD_RE,
    SearchLexicon,
    canonical_number,
    find_phrases,
    fold,
    fold_chars,
    index_tokens,
    is_number,
    token_forms,
    tokens,
)

if TYPE_CHECKING:
    from bot.content.pack import ContentPack

KINDS = ("figure", "item", "passage")
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 16
CACHE_SIZE = 512
# FTS candidates re-ranked per kind: enough that BM25's order cannot hide the intended figure,
# few enough to keep a query well under 2 ms (items and passages are not re-ranked by bonuses).
CANDIDATES = {"figure": 50, "item": 20, "passage": 20}
RERANK = 30
ADJACENCY = 0.15  # bonus when the query's words stand side by side in the document as typed
_ZEROS = (0.0,) * (MAX_QUERY_TOKENS * 2)  # default values for map(dict.get, words, _ZEROS)
FTS_GROUPS = 4  # the rarest concepts of a query select the FTS candidates
COMMON_SHARE = 0.3  # a word in more than this share of a kind's documents does not select candidates
FUZZY_CUTOFF = 75  # rapidfuzz QRatio for the fallback when FTS finds nothing
SUGGEST_CUTOFF = 55  # looser: "did you mean" may offer a label that merely looks alike
YEAR_RE = re.compile(r"^(19|20)\d\d$")
ENGLISH_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$")
TARGET_KINDS = {"target_2030", "target_prev"}

# Columns of every FTS table; a kind leaves the ones it does not use empty.
COLUMNS = ("title", "aliases", "meta", "body", "context")
# bm25 column weights per kind (label and aliases decide which figure is meant).
BM25_WEIGHTS = {
    "figure": (10.0, 8.0, 3.0, 1.5, 1.0),
    "item": (6.0, 0.0, 0.0, 2.0, 1.0),
    "passage": (0.0, 0.0, 0.0, 1.0, 0.3),
}
# How much a query word found in a column counts towards coverage. A passage can never beat a
# figure or item that covers the query as well, which is what a cadre asking for a number wants.
FIELD_STRENGTH = {
    "figure": {"title": 1.0, "aliases": 1.0, "meta": 0.8, "body": 0.6, "context": 0.45},
    "item": {"title": 0.95, "body": 0.7, "context": 0.45},
    "passage": {"body": 0.75, "context": 0.35},
}


@dataclass(frozen=True)
class Hit:
    """One search result. ``id`` is a figure id, an item id or (for passages) a section id.

    ``score``: higher is better, comparable across kinds within one query. Hits whose words were
    found score above 0.5 when they cover the query well; the fuzzy fallback (label likeness only,
    when nothing matched word for word) scores at most 0.5. ``line`` is the source line of a
    passage (for a footnote: the line holding its marker); ``footnote`` its number.
    """

    kind: str
    id: str
    score: float
    line: int | None
    footnote: int | None
    text: str


@dataclass
class _Field:
    words: frozenset[str]
    fts: str  # what FTS5 indexes: tokens in order plus each number's digits-only form
    bigrams: frozenset[str]  # "a b" for each two words side by side


@dataclass
class _Doc:
    kind: str
    id: str
    text: str
    line: int | None = None
    footnote: int | None = None
    fields: dict[str, _Field] = field(default_factory=dict)
    # figures only
    figure_kind: str | None = None
    headline: bool = False
    period_years: frozenset[str] = frozenset()
    label_years: int = 0  # how many years the label names
    value_tokens: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()  # folded label and aliases
    name_words: tuple[frozenset[str], ...] = ()
    name_years: frozenset[str] = frozenset()
    strength: dict[str, float] = field(default_factory=dict)  # word -> best column it is in
    bigrams: frozenset[str] = frozenset()


@dataclass
class _Group:
    """One concept of the query: alternatives (phrases) any of which satisfies it."""

    alts: tuple[tuple[str, ...], ...]

    @cached_property
    def singles(self) -> frozenset[str]:
        return frozenset(a[0] for a in self.alts if len(a) == 1)

    @cached_property
    def phrases(self) -> tuple[tuple[str, ...], ...]:
        return tuple(a for a in self.alts if len(a) > 1)

    number: str | None = None  # the query token, when the concept is a number
    year: str | None = None


@dataclass
class _Query:
    groups: list[_Group]
    text: str  # folded content words, for alias equality
    target: bool
    years: frozenset[str]
    numbers: frozenset[str]
    bigrams: tuple[str, ...] = ()  # query words side by side: "xay dung dang" is not "dang xay dung"

    @property
    def empty(self) -> bool:
        return not self.groups

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(w for g in self.groups for alt in g.alts for w in alt)


def _field(text: str) -> _Field:
    toks, extra = token_forms(text)
    indexed = toks + extra
    return _Field(frozenset(indexed), " ".join(indexed), frozenset(map(" ".join, pairwise(toks))))


def _fts_phrase(phrase: tuple[str, ...]) -> str:
    # Tokens hold only letters, digits, '.' and ',' (see folding.TOKEN_RE): no quote can appear.
    return '"' + " ".join(phrase) + '"'


class SearchIndex:
    """In-memory index; build once with :meth:`build`, then query from any thread."""

    def __init__(self, lexicon: SearchLexicon | None = None, cache_size: int = CACHE_SIZE) -> None:
        self.lexicon = lexicon or SearchLexicon()
        # The index never changes once built, so answers can be remembered: inline mode and
        # result pages ask the same query again and again.
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, int, tuple[str, ...]], tuple[Hit, ...]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._docs: dict[str, list[_Doc]] = {k: [] for k in KINDS}
        self._df: Counter[str] = Counter()
        self._kind_df: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        self._vocab: frozenset[str] = frozenset()
        self._fuzzy_vocab: list[str] = []
        self._prefix_vocab: list[str] = []
        self._names: list[tuple[str, str]] = []  # (folded label or alias, figure id)
        self._name_strings: list[str] = []
        self._labels: dict[str, str] = {}

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls, pack: ContentPack, lexicon: SearchLexicon | None = None, cache_size: int = CACHE_SIZE
    ) -> SearchIndex:
        """Index every figure, item, source paragraph and footnote of ``pack``.

        The lexicon defaults to ``search.yaml`` at the pack root (optional file). ``cache_size``
        answers are remembered (0: none).
        """
        if lexicon is None:
            lexicon = SearchLexicon.load(getattr(pack, "root", None))
        index = cls(lexicon, cache_size)
        index._add_pack(pack)
        index._finish()
        return index

    def _add_pack(self, pack: ContentPack) -> None:
        section_title = {sid: s.title for sid, s in pack.sections.items()}
        cited_by: dict[str, list[str]] = {}
        for item in pack.items.values():
            for fid in item.figures:
                cited_by.setdefault(fid, []).append(item.title)
        for fig in pack.figures.values():
            names = (fig.label, *fig.aliases)
            meta = " ".join(x for x in (fig.unit, fig.period, fig.value) if x)
            context = " ".join([section_title.get(fig.source, ""), *cited_by.get(fig.id, [])])
            doc = _Doc(
                "figure",
                fig.id,
                fig.label,
                figure_kind=fig.kind,
                headline=bool(fig.headline),
                period_years=frozenset(t for t in tokens(fig.period or "") if YEAR_RE.match(t)),
                label_years=sum(1 for t in tokens(fig.label) if YEAR_RE.match(t)),
                value_tokens=frozenset(index_tokens(fig.value or "")),
                names=tuple(fold(n) for n in names),
                name_words=tuple(frozenset(index_tokens(n)) for n in names),
            )
            self._add(
                doc,
                title=fig.label,
                aliases=" ; ".join(fig.aliases),
                meta=meta,
                body=" ".join(x for x in (fig.quote, fig.note) if x),
                context=context,
            )
            self._labels[fig.id] = fig.label
            self._names.extend((name, fig.id) for name in doc.names if name)
        for item in pack.items.values():
            field_title = ""
            if item.field and item.field in pack.fields:
                field_title = pack.fields[item.field].title.vi
            self._add(
                _Doc("item", item.id, item.title),
                title=item.title,
                body=" ".join([item.summary, *item.points]),
                context=" ".join([section_title.get(item.source, ""), field_title]),
            )
        for section in pack.sections.values():
            for paragraph in section.paragraphs:
                text = paragraph.plain
                self._add(
                    _Doc("passage", section.id, text, line=paragraph.line), body=text, context=section.title
                )
        for number, note in pack.footnotes.items():
            line = pack.source.footnotes[number].line if number in pack.source.footnotes else None
            self._add(
                _Doc("passage", note.section, note.text, line=line, footnote=number),
                body=note.text,
                context=section_title.get(note.section, ""),
            )

    def _add(self, doc: _Doc, **columns: str) -> None:
        doc.fields = {name: _field(text) for name, text in columns.items() if text}
        strengths = FIELD_STRENGTH[doc.kind]
        for name, f in sorted(doc.fields.items(), key=lambda x: strengths.get(x[0], 0.0)):
            doc.strength.update(dict.fromkeys(f.words, strengths.get(name, 0.0)))
        doc.bigrams = frozenset().union(*(f.bigrams for name, f in doc.fields.items() if name != "context"))
        doc.name_years = frozenset(w for words in doc.name_words for w in words if YEAR_RE.match(w))
        self._docs[doc.kind].append(doc)
        words: set[str] = set()
        for f in doc.fields.values():
            words |= f.words
        self._df.update(words)
        self._kind_df[doc.kind].update(words)

    def _finish(self) -> None:
        db = self._db
        for kind in KINDS:
            db.execute(
                f"CREATE VIRTUAL TABLE fts_{kind} USING fts5("
                + ", ".join(COLUMNS)
                + ", tokenize = \"unicode61 remove_diacritics 0 tokenchars '.,'\")"
            )
            rows = [
                (rowid, *(doc.fields[c].fts if c in doc.fields else "" for c in COLUMNS))
                for rowid, doc in enumerate(self._docs[kind])
            ]
            db.executemany(
                f"INSERT INTO fts_{kind}(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", rows
            )
        db.commit()
        self._vocab = frozenset(self._df)
        self._name_strings = [name for name, _ in self._names]
        lexicon_words = {w for phrase in self.lexicon.synonyms for w in phrase}
        lexicon_words |= {w for phrases in self.lexicon.synonyms.values() for p in phrases for w in p}
        lexicon_words |= {w for p in self.lexicon.stopwords for w in p}
        self._lexicon_words = frozenset(lexicon_words)
        # Most frequent first, so a tie in edit distance picks the word cadres more likely meant.
        words = [w for w in self._vocab | self._lexicon_words if not is_number(w) and len(w) >= 2]
        words.sort(key=lambda w: (-self._df.get(w, 0), w))
        self._fuzzy_vocab = words
        self._prefix_vocab = sorted(words)

    # -- query analysis ---------------------------------------------------------------------

    def _idf(self, word: str, kind: str) -> float:
        df = self._kind_df[kind].get(word, 0)
        return math.log(1 + (len(self._docs[kind]) + 1) / (df + 0.5))

    def _known(self, word: str) -> bool:
        return word in self._vocab or word in self._lexicon_words

    def _correct(self, word: str, last: bool) -> list[str]:
        """Alternatives for a word the index does not know: completions, a typo fix, or a split."""
        if is_number(word) or self._known(word) or len(word) < 2:
            return [word]
        if last and len(word) >= 2:
            completions = _completions(self._prefix_vocab, word)
            if completions:
                completions.sort(key=lambda w: -self._df.get(w, 0))
                return completions[:4]
        if len(word) >= 4:  # three letters with one edit is a different word too often
            max_edits = 1 if len(word) <= 5 else 2
            match = process.extractOne(word, self._fuzzy_vocab, scorer=OSA.distance, score_cutoff=max_edits)
            if match is not None:
                return [match[0]]
            for cut in range(2, len(word) - 1):
                head, tail = word[:cut], word[cut:]
                if head in self._vocab and tail in self._vocab:
                    return [f"{head} {tail}"]
        return [word]

    def _analyze(self, query: str) -> _Query:
        words = tokens(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS]
        lex = self.lexicon
        target = any(True for _ in find_phrases(words, lex.target_words, lex.max_phrase))
        stop_spans = find_phrases(words, lex.stopwords, lex.max_phrase)
        if stop_spans:
            drop = {i for a, b in stop_spans for i in range(a, b)}
            kept = [w for i, w in enumerate(words) if i not in drop]
            words = kept or words
        corrected: list[list[str]] = [self._correct(w, i == len(words) - 1) for i, w in enumerate(words)]
        # Words with a single correction (possibly split into two) take part in phrase detection.
        flat: list[str] = []
        options: dict[int, list[str]] = {}
        for alts in corrected:
            if len(alts) == 1:
                flat.extend(alts[0].split())
            else:
                options[len(flat)] = alts
                flat.append(alts[0])
        groups: list[_Group] = []
        spans = dict(find_phrases(flat, lex.synonyms, lex.max_phrase))
        i = 0
        while i < len(flat):
            if i in spans and i not in options:
                end = spans[i]
                phrase = tuple(flat[i:end])
                groups.append(_Group((phrase, *lex.synonyms[phrase])))
                i = end
                continue
            word = flat[i]
            if i in options:
                groups.append(_Group(tuple((w,) for w in options[i])))
            elif is_number(word):
                spellings = [word, canonical_number(word)]
                if ENGLISH_THOUSANDS_RE.match(word):  # 10,000 typed the English way
                    spellings.append(word.replace(",", ""))
                alts = tuple((w,) for w in dict.fromkeys(spellings))
                groups.append(_Group(alts, number=word, year=word if YEAR_RE.match(word) else None))
            else:
                groups.append(_Group(((word,),)))
            i += 1
        unique: dict[tuple[tuple[str, ...], ...], _Group] = {}
        for g in groups:  # "to truong to dan pho": a repeated word is one concept, counted once
            unique.setdefault(g.alts, g)
        groups = list(unique.values())
        return _Query(
            groups=groups,
            text=" ".join(flat),
            bigrams=tuple(dict.fromkeys(map(" ".join, pairwise(flat)))),
            target=target,
            years=frozenset(g.year for g in groups if g.year),
            numbers=frozenset(g.number for g in groups if g.number and not g.year),
        )

    def _group_weights(self, q: _Query, kind: str) -> list[float]:
        """IDF of each query concept among documents of ``kind``; 0 for one that none of them has.

        A word no figure contains (``toi`` in ``... nhiem ky toi``) cannot tell figures apart, so
        it must not lower the coverage of every figure alike.
        """
        df = self._kind_df[kind]
        weights = []
        for g in q.groups:
            known = [max(self._idf(w, kind) for w in alt) for alt in g.alts if all(w in df for w in alt)]
            weight = min(known) if known else 0.0
            if g.year and known:
                weight = max(weight, 1.0)  # years are common, yet decide between result and target
            weights.append(weight)
        return weights if any(weights) else [1.0] * len(weights)

    # -- retrieval and ranking --------------------------------------------------------------

    def _fts_alts(self, kind: str, q: _Query) -> list[tuple[str, ...]]:
        """The phrases worth sending to FTS to select candidates.

        Not those no document of ``kind`` has; and in a pack of some size, only the alternatives
        of the query's rarest concepts, and not words in most documents (``nam``, ``ty le``) unless
        nothing else is left. Every concept still counts in the re-ranking; common words only make
        BM25 score the whole table for nothing (a sentence-long query matched 361 of 416 figures).
        """
        df = self._kind_df[kind]
        groups = [[alt for alt in g.alts if all(w in df for w in alt)] for g in q.groups]
        groups = [alts for alts in groups if alts]
        if len(self._docs[kind]) >= 100:  # a small pack: nothing to save, and every word matters
            common = COMMON_SHARE * len(self._docs[kind])
            rarity = [(min(min(df[w] for w in alt) for alt in alts), i) for i, alts in enumerate(groups)]
            chosen = sorted(rarity)[:FTS_GROUPS]
            rare = [groups[i] for n, i in sorted(chosen, key=lambda x: x[1]) if n <= common]
            groups = rare or groups
        return list(dict.fromkeys(alt for alts in groups for alt in alts))

    def _fts(self, kind: str, q: _Query) -> list[tuple[int, float]]:
        match = " OR ".join(_fts_phrase(alt) for alt in self._fts_alts(kind, q))
        if not match:
            return []
        weights = ", ".join(str(w) for w in BM25_WEIGHTS[kind])
        sql = (
            f"SELECT rowid, -bm25(fts_{kind}, {weights}) AS s FROM fts_{kind} "
            f"WHERE fts_{kind} MATCH ? ORDER BY s DESC LIMIT {CANDIDATES[kind]}"
        )
        with self._lock:
            try:
                return self._db.execute(sql, (match,)).fetchall()
            except sqlite3.Error:
                return []  # never let an odd query break a handler

    def _rank(self, kind: str, q: _Query) -> list[tuple[float, _Doc]]:
        """FTS candidates re-ranked: coverage of the query + BM25, then figure bonuses on the best."""
        rows = self._fts(kind, q)
        if not rows:
            return []
        best_bm25 = max(s for _, s in rows) or 1.0
        weights = self._group_weights(q, kind)
        total = sum(weights)
        docs = self._docs[kind]
        # A phrase counts as strong as its weakest word (adjacency was FTS's job when selecting).
        prepared = [(tuple(g.singles), g.phrases, w / total) for g, w in zip(q.groups, weights, strict=True)]
        out: list[tuple[float, _Doc]] = []
        bigrams = q.bigrams
        adjacency = ADJACENCY / len(bigrams) if bigrams else 0.0
        for rowid, bm in rows:
            get = docs[rowid].strength.get
            coverage = 0.0
            matched = False
            for singles, phrases, weight in prepared:
                best = max(map(get, singles, _ZEROS)) if singles else 0.0
                for phrase in phrases:
                    s = min(map(get, phrase, _ZEROS))
                    if s > best:
                        best = s
                if best:
                    matched = True
                    coverage += weight * best
            if matched:
                score = coverage + 0.15 * (bm / best_bm25)
                if adjacency:
                    doc_bigrams = docs[rowid].bigrams
                    score += adjacency * sum(1 for b in bigrams if b in doc_bigrams)
                out.append((score, docs[rowid]))
        if not out:
            return []
        out.sort(key=lambda x: -x[0])
        if kind == "figure":
            # Bonuses move figures by at most a few tenths: only the leaders can change places.
            head = [(score + self._figure_bonus(doc, q), doc) for score, doc in out[:RERANK]]
            head.sort(key=lambda x: -x[0])
            out = head + out[RERANK:]
        floor = out[0][0] * 0.45
        return [x for x in out if x[0] >= floor]

    def _figure_bonus(self, doc: _Doc, q: _Query) -> float:
        name = _name_match(doc, q)
        bonus = 0.35 * name + (0.2 if name > 0.999 else 0.0)  # the query is one of its names
        for year in q.years:
            if year in doc.period_years:
                bonus += 0.3
            elif year in doc.name_years:
                bonus += 0.2
            elif doc.period_years:
                bonus -= 0.1
        if not q.years and doc.label_years == 1:
            bonus -= 0.05  # no year asked: the figure for the whole term before one year's figure
        for number in q.numbers:
            if number in doc.value_tokens or canonical_number(number) in doc.value_tokens:
                bonus += 0.25
        if doc.figure_kind in TARGET_KINDS:
            bonus += 0.2 if q.target else -0.1
        if doc.headline:
            bonus += 0.03
        return bonus

    def _fuzzy_names(self, query: str, limit: int, cutoff: float) -> list[tuple[str, float]]:
        """Figures whose label or an alias is close to the whole query as typed (rapidfuzz)."""
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded or not self._name_strings:
            return []
        q = self._analyze(query)
        text = q.text if q.text else folded
        matches = process.extract(
            text, self._name_strings, scorer=fuzz.QRatio, limit=limit * 6, score_cutoff=cutoff
        )
        out: dict[str, float] = {}
        for _name, score, pos in matches:
            out.setdefault(self._names[pos][1], score)
        return list(out.items())[:limit]

    def _fuzzy_figures(self, query: str, limit: int) -> list[Hit]:
        return [
            Hit("figure", fid, round(score / 200, 4), None, None, self._labels[fid])
            for fid, score in self._fuzzy_names(query, limit, FUZZY_CUTOFF)
        ]

    # -- public API -------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10, kinds: tuple[str, ...] = KINDS) -> list[Hit]:
        """Best hits across ``kinds``, best first; never raises on odd input."""
        if not isinstance(query, str) or limit <= 0:
            return []
        query = query[:MAX_QUERY_CHARS]
        key = (query, limit, tuple(kinds))
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return list(cached)
        hits = self._search(query, limit, kinds)
        if self.cache_size > 0:
            with self._cache_lock:
                self._cache[key] = tuple(hits)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return hits

    def _search(self, query: str, limit: int, kinds: tuple[str, ...]) -> list[Hit]:
        q = self._analyze(query)
        if q.empty:
            return []
        ranked: list[tuple[float, _Doc]] = []
        for kind in KINDS:
            if kind in kinds:
                ranked.extend(self._rank(kind, q))
        ranked.sort(key=lambda x: -x[0])
        hits = [Hit(d.kind, d.id, round(s, 4), d.line, d.footnote, d.text) for s, d in ranked[:limit]]
        if not hits and "figure" in kinds:
            hits = self._fuzzy_figures(query, limit)
        return hits

    def figures(self, query: str, limit: int = 5) -> list[Hit]:
        """Figures only, best first."""
        return self.search(query, limit, ("figure",))

    def passages(self, query: str, limit: int = 10) -> list[Hit]:
        """Source paragraphs and footnotes, best first."""
        return self.search(query, limit, ("passage",))

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Figure labels close to the query, for a "no match" answer ("did you mean …").

        What the search finds comes first; labels or aliases that merely look alike fill the rest.
        """
        if not isinstance(query, str) or limit <= 0:
            return []
        out = [h.text for h in self.figures(query, limit)]
        for fid, _score in self._fuzzy_names(query, limit, SUGGEST_CUTOFF):
            label = self._labels[fid]
            if label not in out:
                out.append(label)
        return out[:limit]

    def highlight(self, text: str, query: str) -> list[tuple[int, int]]:
        """Like :func:`highlight_spans`, but with the query's stopwords dropped, typos fixed and
        synonyms applied (a synonym phrase is marked only where its words stand together)."""
        q = self._analyze(query) if isinstance(query, str) else None
        if q is None or q.empty:
            return []
        singles = {alt[0] for g in q.groups for alt in g.alts if len(alt) == 1}
        phrases = [alt for g in q.groups for alt in g.alts if len(alt) > 1]
        return _spans(text, singles, phrases)

    def __len__(self) -> int:
        return sum(len(v) for v in self._docs.values())


def _name_match(doc: _Doc, q: _Query) -> float:
    """How well the query *is* one of the figure's names (label or alias): best F1 over names.

    Coverage says the query's words occur; this says the figure is about nothing much else, so
    ``nha tam dot nat`` prefers the total over the per-year figures, and an exact alias scores 1.
    """
    best = 0.0
    n_groups = len(q.groups)
    query_words = q.words
    shapes = [(g.singles, g.phrases) for g in q.groups]
    for words in doc.name_words:
        shared = words & query_words
        if not shared:
            continue
        matched = 0
        for singles, phrases in shapes:
            if not singles.isdisjoint(shared):
                matched += 1
            elif phrases:
                for phrase in phrases:
                    if shared.issuperset(phrase):
                        matched += 1
                        break
        if not matched:
            continue
        recall = matched / n_groups
        precision = len(shared) / len(words)
        f1 = 2 * recall * precision / (recall + precision)
        if f1 > best:
            best = f1
    return best


def _completions(sorted_words: list[str], prefix: str) -> list[str]:
    import bisect

    start = bisect.bisect_left(sorted_words, prefix)
    out = []
    for w in sorted_words[start:]:
        if not w.startswith(prefix):
            break
        out.append(w)
        if len(out) >= 50:
            break
    return out


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` in the ORIGINAL ``text`` of words matching the query's words.

    Diacritics-insensitive (``dang vien`` marks ``đảng viên``); a number matches however its
    thousands are grouped (``239163`` marks ``239.163``) or its decimal mark typed (``14.99``
    marks ``14,99``). For ``<b>`` highlighting by the renderer.
    """
    if not isinstance(text, str) or not isinstance(query, str):
        return []
    return _spans(text, tokens(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS])


def _spans(
    text: str, singles: Iterable[str], phrases: Iterable[tuple[str, ...]] = ()
) -> list[tuple[int, int]]:
    """Spans of words in ``singles``, and of runs of words spelling one of ``phrases``."""
    wanted = {_key(w) for w in singles}
    runs = [tuple(map(_key, p)) for p in phrases]
    if not wanted and not runs:
        return []
    found = [(m.start(), m.end(), _key(fold_chars(m.group()))) for m in ORIGINAL_WORD_RE.finditer(text)]
    keys = [k for _, _, k in found]
    marked = [k in wanted for k in keys]
    for run in runs:
        n = len(run)
        for i in range(len(keys) - n + 1):
            if keys[i] == run[0] and tuple(keys[i : i + n]) == run:
                marked[i : i + n] = [True] * n
    return [(a, b) for (a, b, _), hit in zip(found, marked, strict=True) if hit]


def _key(word: str) -> str:
    return canonical_number(word) if is_number(word) else word
