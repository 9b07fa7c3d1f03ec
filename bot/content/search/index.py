"""One search index over the pack: figures, items and source passages, built in memory at start-up.

An inverted index scored with BM25 as SQLite FTS5 scores it (:mod:`.bm25`) selects candidates over
the folded text and, in parallel tables, over the exact text with its diacritics (see
:mod:`bot.content.folding`), so ``grdp binh quan dau nguoi`` finds ``GRDP bình quân đầu người`` and
``trồng`` does not find ``trong``. rapidfuzz corrects typos against the index vocabulary first, and
matches figure labels when BM25 finds nothing (such hits are ``fuzzy``: offered, never the answer).
Candidates are ordered by :mod:`bot.content.search.rank`; whether the best one answers the
question at all is decided by :mod:`bot.content.search.scope`.

Pure module: no Telegram imports, nothing happens at import time.
"""

from __future__ import annotations

import copy
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rapidfuzz import fuzz, process

from bot.content.folding import aligned_tokens, fold, index_tokens, is_accented, tokens
from bot.content.lexicon import SearchLexicon
from bot.content.passages import has_words
from bot.content.search import bm25, docs, rank, scope
from bot.content.search.docs import COLUMNS, EXACT_COLUMNS, LOOSE_COLUMNS, Doc, Hit, make_field
from bot.content.search.highlight import spans
from bot.content.search.query import (
    MAX_QUERY_CHARS,
    YEAR_RE,
    Query,
    analyze,
    item_number,
)
from bot.content.search.rank import RANKING, Ranking
from bot.content.search.vocab import LOOSE, Vocabulary, fold_term

if TYPE_CHECKING:
    from bot.content.model import ContentPack

T = TypeVar("T")  # what SearchIndex.cached computes

KINDS = ("figure", "item", "passage")
CACHE_SIZE = 512
#: BM25 candidates re-ranked per kind: enough that BM25's order cannot hide the intended figure
#: (the evaluation scores the same with 20 figures as with 50; 15 loses 0.004 of top-1, 10 more), few
#: enough to keep a query fast.
CANDIDATES = {"figure": 20, "item": 20, "passage": 20}
#: Figure bonuses move figures by a few tenths at most: only this many leaders can change places
#: (the evaluation scores the same with 10 as with 20; 6 loses 0.004).
RERANK = 10
#: The rarest concepts of a query select the BM25 candidates; every concept still counts in ranking.
FTS_GROUPS = 4
#: A word in more than this share of a kind's documents does not select candidates (``nam``, ``ty le``).
COMMON_SHARE = 0.3
#: rapidfuzz QRatio for the label-likeness fallback when BM25 finds nothing, and for "did you mean".
FUZZY_CUTOFF = 75
SUGGEST_CUTOFF = 55
SMALL_KIND = 100  # a pack this small gains nothing from choosing rare concepts: every word selects candidates


ALIASES = COLUMNS.index("aliases")


def _phrase(alt: tuple[str, ...]) -> bm25.Phrase:
    """One alternative as a BM25 phrase: a loose term is searched in the alias column only."""
    if any(t.startswith(LOOSE) for t in alt):
        return tuple(t.removeprefix(LOOSE) for t in alt), ALIASES
    return alt, None


class SearchIndex:
    """In-memory index; build once with :meth:`build`, then query from any thread."""

    def __init__(self, lexicon: SearchLexicon | None = None, cache_size: int = CACHE_SIZE,
                 ranking: Ranking = RANKING) -> None:
        self.lexicon = lexicon or SearchLexicon()
        self.ranking = ranking
        # The index never changes once built, so answers are remembered: inline mode asks them again and again.
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        # Per kind: the folded text (what most queries, typed without diacritics, need) and the exact
        # text (only for words typed with them), so that BM25 scores no more columns than asked.
        self._tables = {k: (bm25.Table(COLUMNS), bm25.Table(EXACT_COLUMNS)) for k in KINDS}
        self._docs: dict[str, list[Doc]] = {k: [] for k in KINDS}
        self._kind_df: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        self._name_df: Counter[str] = Counter()
        self.vocab = Vocabulary()
        self._names: list[tuple[str, str]] = []  # (folded label or alias, figure id)
        self._name_strings: list[str] = []
        self._labels: dict[str, str] = {}

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls, pack: ContentPack, cache_size: int = CACHE_SIZE, ranking: Ranking = RANKING) -> SearchIndex:
        """Index every figure, item, source paragraph and footnote of ``pack``, with the pack's
        lexicon (``search.yaml``, loaded with the pack). ``cache_size`` answers are remembered."""
        index = cls(pack.lexicon.with_home(pack.meta.province), cache_size, ranking)
        index._add_pack(pack)
        index._finish()
        return index

    def with_ranking(self, ranking: Ranking) -> SearchIndex:
        """The same index ranked by other weights (for the evaluation's ablation); shares the data."""
        other = copy.copy(self)
        other.ranking = ranking
        other._cache = OrderedDict()
        other._cache_lock = threading.Lock()
        return other

    def _add_pack(self, pack: ContentPack) -> None:
        section_title = {sid: s.title for sid, s in pack.sections.items()}
        # An item is about its part of the report too ("Phần thứ nhất ... 2020-2025"): "đột phá thứ hai
        # nhiệm kỳ 2020-2025" is the breakthrough of the past term.
        part_title = {sid: pack.part_of(sid).title for sid in pack.sections}
        # A figure places the province when it is a rank, or its qualifier says a group or a place
        # ("nhóm" 10 tỉnh, "1 trong" 7 tỉnh, a target "thứ" 15): the answer to "xếp thứ mấy".
        wording = pack.meta.wording
        placing = [*wording.groups, *wording.rank_words]
        cited_by: dict[str, list[str]] = {}
        for item in pack.items.values():
            for fid in item.figures:
                cited_by.setdefault(fid, []).append(item.title)
        for fig in pack.figures.values():
            names = (fig.label, *fig.aliases)
            name_tokens = tuple(tuple(tokens(n)) for n in names)
            doc = Doc(
                "figure",
                fig.id,
                fig.label,
                figure_kind=pack.role(fig),  # a role of kinds.yaml: the pack names its kinds
                placement=pack.role(fig) == "rank" or has_words(fig.qualifier or "", placing),
                headline=bool(fig.headline),
                period_years=frozenset(t for t in tokens(fig.period or "") if YEAR_RE.match(t)),
                label_years=sum(1 for t in tokens(fig.label) if YEAR_RE.match(t)),
                value_tokens=frozenset(index_tokens(fig.value or "")),
                name_words=tuple(frozenset(index_tokens(n)) for n in names),
                name_tokens=name_tokens,
                name_positions=docs.name_positions(name_tokens),
                **docs.unit_traits(fig.unit or "", fig.label, self.lexicon),
            )
            self._add(
                doc,
                title=fig.label,
                aliases=" ; ".join(fig.aliases),
                meta=" ".join(x for x in (fig.unit, fig.period, fig.value) if x),
                body=" ".join(x for x in (fig.quote, fig.note) if x),
                context=" ".join([section_title.get(fig.source, ""), *cited_by.get(fig.id, [])]),
            )
            self._labels[fig.id] = fig.label
            self._names.extend((fold(name), fig.id) for name in names if fold(name))
            for words in doc.name_words:
                self._name_df.update(words)
        for item in pack.items.values():
            field_title = pack.fields[item.field].title.vi if item.field and item.field in pack.fields else ""
            self._add(
                Doc("item", item.id, item.title, item_kind=item.kind, number=item_number(item.title, self.lexicon)),
                title=item.title,
                body=" ".join([item.summary, *item.points]),
                context=" ".join([section_title.get(item.source, ""), field_title,
                                  part_title.get(item.source, "")]),
            )
        for section in pack.sections.values():
            for paragraph in section.paragraphs:
                text = paragraph.plain
                self._add(Doc("passage", section.id, text, line=paragraph.line), body=text, context=section.title)
        for number, note in pack.footnotes.items():
            line = pack.source.footnotes[number].line if number in pack.source.footnotes else None
            self._add(
                Doc("passage", note.section, note.text, line=line, footnote=number),
                body=note.text,
                context=section_title.get(note.section, ""),
            )

    def _add(self, doc: Doc, **columns: str) -> None:
        for name, text in columns.items():
            if not text:
                continue
            aligned = aligned_tokens(text)
            doc.fields[name] = make_field(text, name in LOOSE_COLUMNS, aligned)
            if name not in LOOSE_COLUMNS and not text.isascii():  # aliases are typed without diacritics
                self._note_readings(*aligned)
        strengths = self.ranking.field_strength[doc.kind]
        for name, f in sorted(doc.fields.items(), key=lambda x: strengths.get(x[0], 0.0)):
            doc.strength.update(dict.fromkeys(f.words, strengths.get(name, 0.0)))
        doc.plain_words = tuple(w for w in doc.strength if w.isascii() and not w.startswith(LOOSE))
        doc.bigrams = frozenset().union(*(f.bigrams for name, f in doc.fields.items() if name != "context"))
        doc.field_bigrams = tuple(sorted(((strengths.get(name, 0.0), f.bigrams) for name, f in doc.fields.items()),
                                         key=lambda x: -x[0]))
        doc.name_years = frozenset(w for words in doc.name_words for w in words if YEAR_RE.match(w))
        self._docs[doc.kind].append(doc)
        words: set[str] = set()
        for name, f in doc.fields.items():
            words |= f.words
            self.vocab.bigrams.update(f.bigrams if name not in LOOSE_COLUMNS else
                                      (b for b in f.bigrams if LOOSE not in b))
        self.vocab.df.update(words)
        self._kind_df[doc.kind].update(words)

    def _note_readings(self, folded: list[str], exact: list[str]) -> None:
        """How the report spells each word pair that holds a lexicon word, and each such word alone
        (see Vocabulary.other_reading)."""
        watched = self._watched
        readings = self.vocab.readings
        spellings = self.vocab.spellings
        last = len(folded) - 1
        for i in [i for i, f in enumerate(folded) if f in watched]:
            fa = folded[i]
            counts = spellings.get(fa)
            if counts is None:
                counts = spellings[fa] = Counter()
            counts[exact[i]] += 1
            for a, b in ((i - 1, i), (i, i + 1)):
                if a < 0 or b > last:
                    continue
                key = (folded[a], folded[b])
                pair = readings.get(key)
                if pair is None:
                    pair = readings[key] = Counter()
                pair[(exact[a], exact[b])] += 1

    @property
    def _watched(self) -> frozenset[str]:
        watched = self.__dict__.get("_watched_words")
        if watched is None:
            lex = self.lexicon
            tables = (lex.stopwords, lex.question_words, lex.optional_words, lex.person_words, lex.greetings,
                      lex.thanks, lex.places, lex.items, lex.ordinals, lex.ordinal_markers)
            watched = frozenset(p[0] for t in tables for p in t if len(p) == 1)
            self.__dict__["_watched_words"] = watched
        return watched

    def _finish(self) -> None:
        for kind in KINDS:
            folded, exact = self._tables[kind]
            for doc in self._docs[kind]:  # row number = position in self._docs[kind]
                folded.add([doc.fields[c].fts if c in doc.fields else "" for c in COLUMNS])
                exact.add([doc.fields[c].fts_exact if c in doc.fields else "" for c in EXACT_COLUMNS])
            folded.finish()
            exact.finish()
        self._name_strings = [name for name, _ in self._names]
        docs.mark_latest([d for d in self._docs["figure"] if d.figure_kind in rank.RESULT_KINDS])
        for doc in self._docs["figure"]:
            weights = [{w: self.name_idf(w) for w in words} for words in doc.name_words]
            doc.name_weights = tuple((w, math.fsum(w.values())) for w in weights)
        lex = self.lexicon
        lexicon_words = {w for phrase in lex.synonyms for w in phrase}
        lexicon_words |= {w for phrases in lex.synonyms.values() for p in phrases for w in p}
        for t in (lex.stopwords, lex.question_words, lex.optional_words, lex.rank_words, lex.greetings, lex.thanks,
                  lex.places):
            lexicon_words |= {w for p in t for w in p}
        self.vocab.finish(lexicon_words)

    # -- query analysis ---------------------------------------------------------------------------

    def analyze(self, query: str) -> Query:
        """The query read once (inline mode and /search pages read the same words again)."""
        return self.cached(("analyze", query), lambda: analyze(query, self.lexicon, self.vocab))

    def _idf(self, word: str, kind: str) -> float:
        df = self._kind_df[kind].get(word, 0)
        return math.log(1 + (len(self._docs[kind]) + 1) / (df + 0.5))

    def name_idf(self, word: str) -> float:
        """Rarity of a word among figure names (labels and aliases); 0 for a filler that never tells
        figures apart ("so", "toan tinh", "hien nay" in a name)."""
        if word in self._dropped:
            return 0.0
        return math.log(1 + (len(self._names) + 1) / (self._name_df.get(word, 0) + 0.5))

    @property
    def _dropped(self) -> frozenset[str]:
        dropped = self.__dict__.get("_dropped_words")
        if dropped is None:
            lex = self.lexicon
            dropped = frozenset(w for p in lex.optional_words for w in p)
            self.__dict__["_dropped_words"] = dropped
        return dropped

    def _group_weights(self, q: Query, kind: str) -> list[float]:
        """IDF of each query concept among documents of ``kind``; 0 for one that none of them has.

        A word no figure contains (``toi`` in ``... nhiem ky toi``) cannot tell figures apart, so
        it must not lower the coverage of every figure alike.
        """
        df = self._kind_df[kind]
        r = self.ranking
        weights = []
        for g in q.groups:
            known = [max(self._idf(w, kind) for w in alt) for alt in g.alts if all(w in df for w in alt)]
            w = min(known) if known else 0.0
            if g.year and known:
                w = max(w, r.year_weight)
            if g.optional:
                w *= r.optional_weight
            weights.append(w)
        return weights if any(weights) else [1.0] * len(weights)

    # -- retrieval and ranking --------------------------------------------------------------------

    def _fts_alts(self, kind: str, q: Query) -> list[tuple[str, ...]]:
        """The phrases worth sending to BM25 to select candidates.

        Not those no document of ``kind`` has; and in a pack of some size, only the alternatives of
        the query's rarest concepts, and not words in most documents (``nam``, ``ty le``) unless
        nothing else is left. Every concept still counts in the re-ranking; common words only make
        BM25 score the whole table for nothing (a sentence-long query matched 361 of 416 figures).
        """
        df = self._kind_df[kind]
        asked = q.groups
        if kind == "figure" and self.ranking.placement and any(not g.rank for g in asked):
            # A figure that places the province has the rank words without their text ("nhóm 10 tỉnh
            # dẫn đầu" answers "xếp hạng giáo dục"): what the rank is of selects the candidates.
            asked = [g for g in asked if not g.rank]
        groups = [[alt for alt in g.alts if all(w in df for w in alt)] for g in asked]
        groups = [alts for alts in groups if alts]
        if len(self._docs[kind]) >= SMALL_KIND:
            common = COMMON_SHARE * len(self._docs[kind])
            rarity = [(min(min(df[w] for w in alt) for alt in alts), i) for i, alts in enumerate(groups)]
            chosen = sorted(rarity)[:FTS_GROUPS]
            rare = [groups[i] for n, i in sorted(chosen, key=lambda x: x[1]) if n <= common]
            groups = rare or groups
        return list(dict.fromkeys(alt for alts in groups for alt in alts))

    def _fts(self, kind: str, q: Query) -> list[tuple[int, float]]:
        """Candidates with their BM25 score scaled to 0..1: alternatives typed with diacritics are
        searched in the exact text, the others in the folded text (a loose term, only in the aliases,
        which have no exact text)."""
        alts = self._fts_alts(kind, q)
        exact = [a for a in alts if any(is_accented(t) for t in a) and not any(t.startswith(LOOSE) for t in a)]
        folded = [a for a in alts if a not in exact]
        weights = self.ranking.bm25_columns[kind]
        exact_weights = [weights[COLUMNS.index(c)] for c in EXACT_COLUMNS]
        scored: dict[int, float] = {}
        for table, chosen, column_weights in zip(self._tables[kind], (folded, exact), (weights, exact_weights),
                                                 strict=True):
            if not chosen:
                continue
            rows = table.search([_phrase(alt) for alt in chosen], column_weights, CANDIDATES[kind])
            best = max((s for _, s in rows), default=0.0) or 1.0
            for rowid, s in rows:
                scored[rowid] = max(scored.get(rowid, 0.0), s / best)
        return sorted(scored.items(), key=lambda x: -x[1])[: CANDIDATES[kind]]

    def rank(self, kind: str, q: Query) -> list[tuple[float, Doc]]:
        """BM25 candidates re-ranked: coverage of the query + BM25, then figure bonuses on the best."""
        rows = self._fts(kind, q)
        if not rows:
            return []
        r = self.ranking
        best_bm25 = max(s for _, s in rows) or 1.0
        weights = self._group_weights(q, kind)
        total = sum(weights) or 1.0
        prepared = [(g, w / total) for g, w in zip(q.groups, weights, strict=True)]
        docs = self._docs[kind]
        bigrams = q.bigrams
        adjacency = r.adjacency / len(bigrams) if bigrams else 0.0
        out: list[tuple[float, Doc]] = []
        for rowid, bm in rows:
            doc = docs[rowid]
            covered = rank.coverage(doc, prepared, r.placement)
            if covered:
                score = covered + r.bm25_share * (bm / best_bm25)
                if adjacency:
                    score += adjacency * sum(1 for b in bigrams if b in doc.bigrams)
                out.append((score, doc))
        if not out:
            return []
        out.sort(key=lambda x: -x[0])
        if kind == "figure":
            head = [(score + rank.figure_bonus(doc, q, r), doc) for score, doc in out[:RERANK]]
            head.sort(key=lambda x: -x[0])
            out = head + out[RERANK:]
        floor = out[0][0] * r.floor
        return [x for x in out if x[0] >= floor]

    def _fuzzy_names(self, q: Query, query: str, limit: int, cutoff: float) -> list[tuple[str, float]]:
        """Figures whose label or an alias is close to the whole query as typed (rapidfuzz)."""
        folded = fold(query[:MAX_QUERY_CHARS])
        if not folded or not self._name_strings:
            return []
        text = " ".join(fold_term(t) for g in q.groups for t in g.alts[0]) or folded
        matches = process.extract(text, self._name_strings, scorer=fuzz.QRatio, limit=limit * 6,
                                  score_cutoff=cutoff)
        out: dict[str, float] = {}
        for _name, score, pos in matches:
            out.setdefault(self._names[pos][1], score)
        return list(out.items())[:limit]

    def fuzzy_figures(self, q: Query, query: str, limit: int) -> list[Hit]:
        """Figures found by label likeness alone: ``fuzzy`` hits, offered, never the answer."""
        return [
            Hit("figure", fid, round(score / 200, 4), None, None, self._labels[fid], fuzzy=True)
            for fid, score in self._fuzzy_names(q, query, limit, FUZZY_CUTOFF)
        ]

    @staticmethod
    def hit(doc: Doc, score: float) -> Hit:
        return Hit(doc.kind, doc.id, round(score, 4), doc.line, doc.footnote, doc.text)

    # -- public API -------------------------------------------------------------------------------

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once per key (answers are immutable; callers get copies of lists)."""
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        value = compute()
        if self.cache_size > 0:
            with self._cache_lock:
                self._cache[key] = value
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return value

    def search(self, query: str, limit: int = 10, kinds: tuple[str, ...] = KINDS) -> list[Hit]:
        """Best hits across ``kinds``, best first, whether or not they answer the question (see
        :meth:`lookup` for that); never raises on odd input."""
        if not isinstance(query, str) or limit <= 0:
            return []
        query = query[:MAX_QUERY_CHARS]
        key = ("search", query, limit, tuple(kinds))
        return list(self.cached(key, lambda: tuple(self._search(query, limit, kinds))))

    def _search(self, query: str, limit: int, kinds: tuple[str, ...]) -> list[Hit]:
        q = self.analyze(query)
        if q.empty:
            return []
        ranked: list[tuple[float, Doc]] = []
        for kind in KINDS:
            if kind in kinds:
                ranked.extend(self.rank(kind, q))
        ranked.sort(key=lambda x: -x[0])
        hits = [self.hit(d, s) for s, d in ranked[:limit]]
        if not hits and "figure" in kinds:
            hits = self.fuzzy_figures(q, query, limit)
        return hits

    def figures(self, query: str, limit: int = 5) -> list[Hit]:
        """Figures only, best first."""
        return self.search(query, limit, ("figure",))

    def passages(self, query: str, limit: int = 10) -> list[Hit]:
        """Source paragraphs and footnotes, best first."""
        return self.search(query, limit, ("passage",))

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Ids of figures close to the query, for "did you mean …": what the search finds first, then
        figures whose label or an alias merely looks alike."""
        if not isinstance(query, str) or limit <= 0:
            return []
        out = [h.id for h in self.figures(query, limit)]
        q = self.analyze(query)
        for fid, _score in self._fuzzy_names(q, query, limit, SUGGEST_CUTOFF):
            if fid not in out:
                out.append(fid)
        return out[:limit]

    def lookup(self, query: str) -> scope.Lookup:
        """What a cadre's question gets: a figure, an item, or an honest "not in the report"."""
        query = query[:MAX_QUERY_CHARS] if isinstance(query, str) else ""
        return self.cached(("lookup", query), lambda: scope.lookup(self, query))

    def text_search(self, query: str, limit: int = 30) -> scope.TextSearch:
        """Passages for /search, with the same honesty."""
        query = query[:MAX_QUERY_CHARS] if isinstance(query, str) else ""
        return self.cached(("text", query, limit), lambda: scope.text_search(self, query, limit))

    def docs(self, kind: str) -> list[Doc]:
        return self._docs[kind]

    def doc_frequency(self, term: str, kind: str) -> int:
        return self._kind_df[kind].get(term, 0)

    def highlight(self, text: str, query: str) -> list[tuple[int, int]]:
        """Spans of ``text`` matching the query's concepts: stopwords and question words dropped,
        typos fixed, synonyms applied (a phrase only where its words stand together), diacritics
        honoured where typed."""
        q = self.analyze(query) if isinstance(query, str) else None
        if q is None or q.empty:
            return []
        singles = {alt[0] for g in q.groups for alt in g.alts if len(alt) == 1}
        phrases = [alt for g in q.groups for alt in g.alts if len(alt) > 1]
        return spans(text, singles, phrases)

    def __len__(self) -> int:
        return sum(len(v) for v in self._docs.values())
