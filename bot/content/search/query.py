"""What a cadre's words ask for: concepts to match, places, courtesies, items, quoted phrases.

A query becomes a :class:`Query`: a list of :class:`Group` (one concept each: a word, a phrase, a
synonym set, a quoted phrase), with everything else the words say set aside as flags: question words
and stopwords dropped, the home province and fillers kept as optional concepts, other places,
greetings, "who" questions, and a reference to an item ("đột phá thứ hai"). Every list comes from
the pack's lexicon (``search.yaml``).

Terms of a group are index terms of three kinds, so diacritics a cadre typed are honoured first:
a folded word (``trong``) matches any spelling; an exact word (``trồng``, with diacritics) matches
only that spelling; a loose word (``~trong``) matches the folded word in text the curators wrote
without diacritics (figure aliases). A word typed with diacritics the report never uses that way
falls back to its folded form (a slip of the finger, not a different word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from bot.content.folding import is_accented, is_number, word_pairs
from bot.content.lexicon import HOME, Entry, ItemWords, PhraseTable, Place, SearchLexicon
from bot.content.numbers import ENGLISH_THOUSANDS_RE, YEAR_RE, canonical_number
from bot.content.search.vocab import LOOSE, Term, Vocabulary, fold_term

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 16
QUOTE_RE = re.compile(r"[\"“”«»„]")
MAX_ORDINAL = 99

Phrase = tuple[Term, ...]


@dataclass(frozen=True)
class Token:
    folded: str
    exact: str
    written: str
    quote: int = 0  # 0 outside quotation marks, n inside the n-th quoted phrase


@dataclass
class Group:
    """One concept of the query: alternatives (phrases of terms) any of which satisfies it."""

    alts: tuple[Phrase, ...]
    item_words: bool = False  # the words that name a kind of item ("đột phá"), not its subject
    home: bool = False  # the pack's own province: never part of what was asked
    rank: bool = False  # rank words ("xếp thứ", "top"): a figure placing the province has them (Doc.placement)
    optional: bool = False  # helps ranking, never required (home province, "tỉnh", "hiện nay")
    named: bool = False  # an indicator of the lexicon ("chỉ số sản xuất công nghiệp"): a figure must be named so
    unit: str | None = None  # words that ask for a unit ("mỗi năm": "/năm"): had by a figure in that unit
    number: str | None = None  # the query token, when the concept is a number
    year: str | None = None
    written: str = ""  # the words as the cadre typed them
    unknown: str = ""  # a word the index does not know at all (folded, as typed): maybe a typo
    typed: int = 0  # how many of the first alternatives are the words as typed (the rest: synonyms)
    # How strongly each document has it (rank.group_strength), by id(doc): ranking, scope and the
    # answer checks ask the same documents again. Documents live as long as their index, and so does
    # a query (analysed per index), so an id cannot stand for another document here.
    strengths: dict[int, float] = field(default_factory=dict, init=False, compare=False, repr=False)

    @cached_property
    def singles(self) -> frozenset[Term]:
        return frozenset(a[0] for a in self.alts if len(a) == 1)

    @cached_property
    def phrases(self) -> tuple[Phrase, ...]:
        return tuple(a for a in self.alts if len(a) > 1)

    @cached_property
    def phrase_pairs(self) -> tuple[tuple[Phrase, tuple[str, ...]], ...]:
        """Each phrase with its words two by two ("a b"), as documents hold them (Doc.field_bigrams)."""
        return tuple((p, tuple(f"{a} {b}" for a, b in pairwise(p))) for p in self.phrases)

    @cached_property
    def first_words(self) -> frozenset[Term]:
        """The first word of each alternative: a document with none of them cannot have the concept."""
        return frozenset(a[0] for a in self.alts)

    @cached_property
    def folded_singles(self) -> frozenset[str]:
        return frozenset(fold_term(t) for t in self.singles)

    @cached_property
    def folded_phrases(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(map(fold_term, p)) for p in self.phrases)

    @cached_property
    def folded_alts(self) -> dict[tuple[str, ...], bool]:
        """Each alternative folded -> whether it is the words as typed (not a synonym)."""
        out: dict[tuple[str, ...], bool] = {}
        for n, alt in enumerate(self.alts):
            out.setdefault(tuple(map(fold_term, alt)), n < self.typed)
        return out


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    terms: Phrase  # its words in the query (folded), to see whether the report itself names it
    written: str


@dataclass(frozen=True)
class ItemRef:
    """A question that names an item: its kind words and the number or subject that follow."""

    words: ItemWords
    ordinal: int | None
    first: bool = True  # the kind words open the question (nothing but question words before them)


@dataclass
class Query:
    groups: list[Group]
    target: bool = False  # asks for a target (mục tiêu, 2030)
    rank: bool = False  # asks for a rank (xếp thứ, top)
    places: list[PlaceMention] = field(default_factory=list)
    courtesy: str | None = None  # "greeting" or "thanks" when the query has such words
    person: bool = False  # asks who
    item: ItemRef | None = None
    stop_only: bool = False  # words were typed, but only stopwords and question words
    dropped: frozenset[str] = frozenset()  # folded words dropped as stopwords or question words
    bigrams: tuple[str, ...] = ()  # content words side by side: "xay dung dang" is not "dang xay dung"
    placing: tuple[Phrase, ...] = ()  # asks a rank: the lexicon's rank words, which a placing name may hold
    now: bool = False  # asks for the present ("hiện nay", "now"): the latest result, not a target
    past: bool = False  # asks about the term behind ("đã", "nhiệm kỳ qua"): a result, not a target
    units: frozenset[str] = frozenset()  # unit markers asked for ("phần trăm": "%", "mỗi năm": "/năm")
    counted: frozenset[str] = frozenset()  # the noun after "bao nhiêu"/"mấy": what is counted ("trường")
    sector: bool = False  # names a sector of the economy ("công nghiệp", "dịch vụ")
    # rank.name_cover by (id(doc), placing), asked by the ranking and again by the scope (see
    # Group.strengths); not copied by dataclasses.replace, whose groups differ.
    covers: dict[tuple[int, bool], float] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        return not self.groups

    @cached_property
    def required(self) -> list[Group]:
        return [g for g in self.groups if not g.optional]

    @cached_property
    def words(self) -> frozenset[Term]:
        return frozenset(w for g in self.groups for alt in g.alts for w in alt)

    @cached_property
    def folded_words(self) -> frozenset[str]:
        """Every term folded (exact and loose terms alike): for comparing with figure names."""
        return frozenset(map(fold_term, self.words))

    @cached_property
    def cover_words(self) -> frozenset[str]:
        """What a figure's name may be covered by: every term folded, and the words dropped ("bao
        nhieu" in the alias "fdi chiem bao nhieu")."""
        return self.folded_words | self.dropped

    @cached_property
    def name_shapes(self) -> tuple[dict[str, tuple[int, ...]], tuple[tuple[int, frozenset[str]], ...], int]:
        """For matching figure names fast: folded single word -> the concepts it satisfies, the
        concepts' phrases as word sets, and how many concepts count (the required, else all)."""
        groups = self.required or self.groups
        singles: dict[str, list[int]] = {}
        phrases = []
        for n, g in enumerate(groups):
            for w in g.folded_singles:
                singles.setdefault(w, []).append(n)
            phrases += [(n, frozenset(p)) for p in g.folded_phrases]
        return {w: tuple(ns) for w, ns in singles.items()}, tuple(phrases), len(groups)

    @cached_property
    def years(self) -> frozenset[str]:
        return frozenset(g.year for g in self.groups if g.year)

    @cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(g.number for g in self.groups if g.number and not g.year)

    @property
    def about(self) -> str:
        """What was asked, as typed, for "the report has no figure on …": every concept but the home
        province, question words and stopwords."""
        return " ".join(g.written for g in self.groups if g.written and not g.home)


# ------------------------------------------------------------------------------------------------


def read_tokens(text: str) -> list[Token]:
    """The words of a query, with the number of the quoted phrase each stands in (0: none)."""
    parts = QUOTE_RE.split(text[:MAX_QUERY_CHARS])
    if len(parts) % 2 == 0:  # an unmatched quotation mark is just a character
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    out: list[Token] = []
    for n, part in enumerate(parts):
        quote = (n + 1) // 2 if n % 2 else 0
        out += [Token(f, x, w, quote) for f, x, w in word_pairs(part)]
    return out[:MAX_QUERY_TOKENS]


class _Reader:
    """Reads one query: tokens -> groups and flags (see :func:`analyze`)."""

    # Tables that take words out of the concepts, in priority order when two match equally long.
    CONSUMING = ("greetings", "thanks", "person_words", "items", "places", "question_words", "stopwords",
                 "optional_words", "target_words", "past_words")

    def __init__(self, lexicon: SearchLexicon, vocab: Vocabulary, tokens: list[Token]) -> None:
        self.lex = lexicon
        self.vocab = vocab
        self.tokens = tokens
        self.folded = [t.folded for t in tokens]
        self.tables: list[tuple[str, PhraseTable]] = [(n, getattr(lexicon, n)) for n in self.CONSUMING]
        # Stopwords are dropped only where likely: "dang" typed alone is đảng far more often than đang.
        # (Question words are rare in the report and common in queries: only a word pair tells.)
        self.dropping = lexicon.stopwords
        self.bound: set[int] = set()  # tokens read as part of a phrase of several words

    def entry_at(self, table: PhraseTable, i: int, n: int, check: bool = True) -> Entry | None:
        """The entry of ``table`` spelt by tokens ``i..i+n``, if the words are likely meant so (``check``)."""
        span = self.tokens[i : i + n]
        if len(span) < n or any(t.quote for t in span):
            return None
        entry = table.match([t.folded for t in span], [t.exact for t in span])
        if entry is None:
            return None
        if (check and n == 1 and not is_accented(span[0].exact)
                and self.vocab.other_reading(self.tokens, i, entry, table is self.dropping, self.bound)):
            return None
        return entry

    def longest_match(self, i: int) -> tuple[str, int, Entry | None]:
        """The longest lexicon entry or synonym phrase starting at ``i``: (list name, length, entry)."""
        lists = self.lex.phrase_lists
        folded = self.folded
        for n in range(min(self.lex.phrase_starts.get(folded[i], 0), len(folded) - i), 0, -1):
            names = lists.get(tuple(folded[i : i + n]))
            if not names:
                continue
            for name, table in self.tables:
                if name in names:
                    entry = self.entry_at(table, i, n)
                    if entry is not None:
                        return name, n, entry
            if "synonyms" in names and not any(t.quote for t in self.tokens[i : i + n]):
                return "synonyms", n, None
        return "", 1, None

    @cached_property
    def spans(self) -> list[tuple[int, int, frozenset[str]]]:
        """Every span of the query that spells a phrase of some list: (start, length, the lists'
        names), longest first at each start. Found once: several lists are looked up in each query."""
        lists, folded, starts = self.lex.phrase_lists, self.folded, self.lex.phrase_starts
        out = []
        for i in range(len(folded)):
            for n in range(min(starts.get(folded[i], 0), len(folded) - i), 0, -1):
                names = lists.get(tuple(folded[i : i + n]))
                if names:
                    out.append((i, n, names))
        return out

    def flag(self, name: str) -> bool:
        """Does any span of the query spell an entry of list ``name`` (target words, rank words)?"""
        table = getattr(self.lex, name)
        return any(name in names and table.match(self.folded[i : i + n], [t.exact for t in self.tokens[i : i + n]])
                   is not None for i, n, names in self.spans)

    def flagged(self, name: str) -> list[tuple[int, int, Entry]]:
        """Every span of the query that spells an entry of list ``name``: (start, length, entry)."""
        table = getattr(self.lex, name)
        out = []
        done = -1
        for i, n, names in self.spans:
            if i == done or name not in names:
                continue
            entry = table.match(self.folded[i : i + n], [t.exact for t in self.tokens[i : i + n]])
            if entry is not None:
                out.append((i, n, entry))
                done = i  # the longest at each start
        return out

    def counted(self) -> frozenset[str]:
        """The words right after a count word ("bao nhiêu trường", "mấy huyện", "how many schools"):
        what the cadre wants counted, to be found in a figure's unit."""
        out: set[str] = set()
        for i, n, _entry in self.flagged("count_words"):
            j = i + n
            if j < len(self.tokens) and not self.tokens[j].quote:
                out.add(self.folded[j])
                for word in self.lex.synonyms.get((self.folded[j],), ()):
                    out.update(word)
        return frozenset(out)

    def ordinal_at(self, i: int) -> tuple[int | None, int]:
        """The ordinal at ``i`` ("thứ hai", "số 7", "II", "3") and how many tokens it takes."""
        tokens = self.tokens
        start = i
        for n in range(self.lex.ordinal_markers.longest, 0, -1):
            # A marker is taken only before a number: "thứ hai" is an ordinal word of its own.
            if (self.entry_at(self.lex.ordinal_markers, i, n, check=False) is not None and i + n < len(tokens)
                    and is_number(tokens[i + n].folded)):
                i += n
                break
        if i < len(tokens) and is_number(tokens[i].folded) and not YEAR_RE.match(tokens[i].folded):
            value = int(canonical_number(tokens[i].folded).split("d")[0] or 0)
            if 0 < value <= MAX_ORDINAL:
                return value, i + 1 - start
            return None, 0
        for n in range(min(self.lex.ordinals.longest, len(tokens) - start), 0, -1):
            entry = self.entry_at(self.lex.ordinals, start, n, check=False)
            after = start + n
            if entry is not None and not (after < len(tokens) and is_number(tokens[after].folded)):
                return int(entry.value), n  # "năm 2025" is a year, not the fifth
        return None, 0

    def word_group(self, i: int, last: bool) -> list[Group]:
        """A single word that no list claims: its exact or folded term, a typo fix, or a number."""
        tok = self.tokens[i]
        word = tok.folded
        if is_number(word):
            spellings = [word, canonical_number(word)]
            if ENGLISH_THOUSANDS_RE.match(word):  # 10,000 typed the English way
                spellings.append(word.replace(",", ""))
            alts = tuple((w,) for w in dict.fromkeys(spellings))
            year = word if YEAR_RE.match(word) else None
            # A year decides between figures; another number helps (a value quoted) but is never
            # required: "bac si tren 1 van dan" asks per 10,000 people, not for a "1".
            return [Group(alts, number=word, year=year, optional=year is None, written=tok.written, typed=len(alts))]
        if is_accented(tok.exact) and tok.exact in self.vocab.df:
            return [Group(((tok.exact,), (LOOSE + word,)), written=tok.written, typed=2)]
        before = self.tokens[i - 1].folded if i > 0 else ""
        after = self.tokens[i + 1].folded if i + 1 < len(self.tokens) else ""
        options = self.vocab.correct(word, last, before, after)
        if len(options) == 1 and " " in options[0]:  # run together: two concepts
            return [Group(((part,),), written=tok.written) for part in options[0].split()]
        unknown = "" if self.vocab.known(word) else word
        return [Group(tuple((w,) for w in options), written=tok.written, unknown=unknown, typed=len(options))]

    def phrase_group(self, span: list[Token], optional: bool = False, item_words: bool = False) -> Group:
        """A phrase of the lexicon (synonym key, optional words): as typed, and its synonyms."""
        folded = tuple(t.folded for t in span)
        alts: list[Phrase] = []
        if any(is_accented(t.exact) for t in span) and all(t.exact in self.vocab.df for t in span):
            alts += [tuple(t.exact for t in span), tuple(LOOSE + f for f in folded)]
        else:
            alts.append(folded)
        typed = len(alts)
        alts += self.lex.synonyms.get(folded, ())
        return Group(tuple(dict.fromkeys(alts)), optional=optional, item_words=item_words,
                     written=" ".join(t.written for t in span), typed=typed)

    def quoted_group(self, span: list[Token]) -> Group:
        """A "quoted phrase": its words together, each with its diacritics if typed with them."""
        terms = tuple(t.exact if is_accented(t.exact) and t.exact in self.vocab.df else t.folded for t in span)
        return Group((terms,), written=" ".join(t.written for t in span), typed=1)

    def compounds(self, groups: list[Group], singles: dict[int, int]) -> list[Group]:
        """Two plain words typed side by side that the report never writes side by side, neither of
        them bound to its other neighbour, are one compound the report does not have ("thời tiết" is
        not "thời gian" and "chi tiết"): one concept. Only words typed with diacritics, which say exactly
        which words are meant; without them, "thoi tiet" could be any of several pairs."""
        tokens, known = self.tokens, self.vocab.bigrams

        def pair(a: int, b: int) -> bool:
            if a < 0 or b >= len(tokens):
                return False
            if is_accented(tokens[a].exact + tokens[b].exact):
                return f"{tokens[a].exact} {tokens[b].exact}" in known
            return f"{tokens[a].folded} {tokens[b].folded}" in known

        out: list[Group] = []
        skip = False
        for n, g in enumerate(groups):
            if skip:
                skip = False
                continue
            i = singles.get(n)
            j = singles.get(n + 1)
            if (i is not None and j == i + 1 and is_accented(tokens[i].exact) and is_accented(tokens[j].exact)
                    and not pair(i, j) and not pair(i - 1, i) and not pair(j, j + 1)
                    and not g.optional and not groups[n + 1].optional):
                span = tokens[i : j + 1]
                # each word exact where the report writes that spelling, else folded
                terms = tuple(t.exact if is_accented(t.exact) and t.exact in self.vocab.df else t.folded for t in span)
                out.append(Group((terms,), written=" ".join(t.written for t in span), typed=1))
                skip = True
                continue
            out.append(g)
        return out

    def read(self) -> Query:
        tokens = self.tokens
        q = Query(groups=[], target=self.flag("target_words"), rank=self.flag("rank_words"))
        flat: list[str] = []  # folded content words in order, for bigrams
        dropped: list[str] = []
        singles: dict[int, int] = {}  # group index -> token index, for plain single words
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.quote:
                j = i
                while j < len(tokens) and tokens[j].quote == tok.quote:
                    j += 1
                q.groups.append(self.quoted_group(tokens[i:j]))
                flat += [t.folded for t in tokens[i:j]]
                i = j
                continue
            name, n, entry = self.longest_match(i)
            span = tokens[i : i + n]
            if name in ("greetings", "thanks"):
                q.courtesy = q.courtesy or ("thanks" if name == "thanks" else "greeting")
            elif name == "person_words":
                q.person = True
            elif name == "places" and entry is not None:
                q.places.append(PlaceMention(entry.value, tuple(t.folded for t in span),
                                             " ".join(t.written for t in span)))
            elif name == "items" and entry is not None:
                ordinal, used = self.ordinal_at(i + n)
                if q.item is None:
                    q.item = ItemRef(entry.value, ordinal, first=not q.groups and not q.places)
                q.groups.append(self.phrase_group(span, item_words=True))
                flat += [t.folded for t in span]
                n += used
            elif name in ("question_words", "stopwords"):
                dropped += [t.folded for t in span]
            elif name in ("optional_words", "target_words", "past_words") and (n > 1 or not is_number(span[0].folded)):
                # "phấn đấu", "kế hoạch", "5 năm tới": they tell what kind of figure is meant (see flags),
                # not which; a year alone ("2030") stays a year, which the figure's period must match
                group = self.phrase_group(span, optional=True)
                group.home = entry is not None and entry.value == HOME
                q.groups.append(group)
                flat += [t.folded for t in span]
            elif name == "synonyms":
                group = self.phrase_group(span)
                group.rank = self.entry_at(self.lex.rank_words, i, n) is not None
                unit = self.entry_at(self.lex.units, i, n, check=False)
                group.unit = unit.value if unit is not None else None
                group.named = self.entry_at(self.lex.indicator_words, i, n, check=False) is not None
                q.groups.append(group)
                flat += [t.folded for t in span]
            else:
                groups = self.word_group(i, i == len(tokens) - 1)
                if len(groups) == 1 and not groups[0].number:
                    groups[0].rank = self.entry_at(self.lex.rank_words, i, 1) is not None
                    unit = self.entry_at(self.lex.units, i, 1, check=False)
                    groups[0].unit = unit.value if unit is not None else None
                    if not groups[0].unknown:
                        singles[len(q.groups)] = i  # a plain word at token i: maybe half of a compound
                q.groups += groups
                flat += [w for g in groups for w in g.alts[0] if not w.startswith(LOOSE) and w.isascii()]
            if n > 1:
                self.bound.update(range(i, i + n))
            i += n
        q.groups = self.compounds(q.groups, singles)
        unique: dict[tuple[Phrase, ...], Group] = {}
        for g in q.groups:  # "to truong to dan pho": a repeated word is one concept, counted once
            unique.setdefault(g.alts, g)
        q.groups = list(unique.values())
        q.stop_only = not q.groups and bool(dropped) and not q.places and not q.courtesy and not q.person
        q.dropped = frozenset(dropped)
        q.bigrams = tuple(dict.fromkeys(map(" ".join, pairwise(flat))))
        q.placing = tuple(self.lex.rank_words) if q.rank else ()
        q.now = bool(self.flagged("now_words"))
        q.past = bool(self.flagged("past_words"))
        q.units = frozenset(str(e.value) for _i, _n, e in self.flagged("units"))
        q.counted = self.counted()
        q.sector = bool(self.flagged("sector_words"))
        return q


def analyze(text: str, lexicon: SearchLexicon, vocab: Vocabulary) -> Query:
    """Read a cadre's query (see the module docstring); never raises on odd input."""
    return _Reader(lexicon, vocab, read_tokens(text)).read()


def item_number(title: str, lexicon: SearchLexicon) -> int | None:
    """The number an item's title gives it after its kind words: "Đột phá 2: …" -> 2,
    "Bài học thứ ba: …" -> 3; None for a title that does not start with such words."""
    reader = _Reader(lexicon, Vocabulary(), read_tokens(title)[: lexicon.items.longest + 4])
    for n in range(min(lexicon.items.longest, len(reader.tokens)), 0, -1):
        if reader.entry_at(lexicon.items, 0, n, check=False) is not None:
            return reader.ordinal_at(n)[0]
    return None
