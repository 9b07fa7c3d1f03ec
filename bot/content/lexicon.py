"""What cadres' words mean to the search, read from the pack's ``search.yaml``.

Everything a search has to know about Vietnamese questions and about the report's world is data,
never Python: abbreviations and English words (``synonyms``), function words (``stopwords``),
question words and fillers, the words that name a place (the 63 provinces before the 2025 merger,
the 34 after it, the whole country, other countries), greetings and thanks, and the words that name
an item of the report ("đột phá thứ hai", "bài học thứ ba", "chỉ tiêu số 7").

Entries are written with their diacritics. A word a cadre types *with* diacritics must match them
("trồng" is not the stopword "trong"); a word typed without them matches by its folded form, and the
search decides from the report's own text whether that reading is likely (see
:mod:`bot.content.search.query`).

Pure module: no Telegram imports; ``load_lexicon`` reads one optional file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

from bot.content.folding import exact_tokens, is_accented, tokens
from bot.content.yamlfile import YamlError, line_of, read_yaml

Phrase = tuple[str, ...]  # folded tokens

#: The lists of search.yaml whose entries are plain words or phrases.
WORD_LISTS = (
    "stopwords",
    "question_words",
    "optional_words",
    "target_words",
    "rank_words",
    "person_words",
    "greetings",
    "thanks",
    "ordinal_markers",
    "now_words",
    "past_words",
    "count_words",
    "sector_words",
    "indicator_words",
)
PLACE_SCOPES = ("provinces", "country", "world")
HOME = "home"  # value of the optional word that is the pack's own province (see SearchLexicon.with_home)
TOP_KEYS = frozenset({"synonyms", *WORD_LISTS, "places", "items", "ordinals", "units"})


@dataclass(frozen=True)
class Entry:
    """One word or phrase of a list: folded tokens to look it up, exact tokens to honour diacritics."""

    folded: Phrase
    exact: Phrase
    value: Any = None  # what the entry stands for: a Place, an ItemWords, an ordinal number

    def accepts(self, typed: Sequence[str]) -> bool:
        """Do the exact tokens a cadre typed fit this entry? A token typed without diacritics fits
        any spelling; one typed with them must be the entry's own (``trồng`` is not ``trong``, and
        ``thất`` is not the English ``that``)."""
        return all(t == e or not is_accented(t) for t, e in zip(typed, self.exact, strict=True))


@dataclass(frozen=True)
class PhraseTable:
    """Entries of one list by their folded tokens (a folded phrase may stand for several spellings)."""

    entries: Mapping[Phrase, tuple[Entry, ...]] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> PhraseTable:
        table: dict[Phrase, list[Entry]] = {}
        for entry in entries:
            if entry.folded:
                table.setdefault(entry.folded, []).append(entry)
        return cls({k: tuple(v) for k, v in table.items()}, max((len(k) for k in table), default=0))

    def __contains__(self, phrase: object) -> bool:
        return phrase in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Phrase]:
        return iter(self.entries)

    def match(self, folded: Sequence[str], exact: Sequence[str]) -> Entry | None:
        """The entry spelled by these tokens (folded to look up, exact to check diacritics), if any."""
        for entry in self.entries.get(tuple(folded), ()):
            if entry.accepts(exact):
                return entry
        return None

    def merged(self, other: Iterable[Entry]) -> PhraseTable:
        return PhraseTable.of([e for es in self.entries.values() for e in es] + list(other))


@dataclass(frozen=True)
class Place:
    """A place the report has no figures for: another province, the whole country, another country."""

    name: str  # as the lexicon writes it first ("Hà Nội")
    scope: str  # one of PLACE_SCOPES


@dataclass(frozen=True)
class ItemWords:
    """Words that name a kind of item ("đột phá"): the item kinds they name, preferred first, and
    whether a subject without a number names one ("đột phá về hạ tầng")."""

    kinds: tuple[str, ...]
    by_subject: bool


@dataclass(frozen=True)
class SearchLexicon:
    """Everything in ``search.yaml``, folded and checked once at load time."""

    # folded phrase -> alternative phrases; works both ways (see from_data)
    synonyms: Mapping[Phrase, tuple[Phrase, ...]] = field(default_factory=dict)
    stopwords: PhraseTable = field(default_factory=PhraseTable)  # never matched alone, never in bold
    question_words: PhraseTable = field(default_factory=PhraseTable)  # dropped: say nothing about *which*
    optional_words: PhraseTable = field(default_factory=PhraseTable)  # help ranking, never required
    target_words: PhraseTable = field(default_factory=PhraseTable)  # ask for a target
    rank_words: PhraseTable = field(default_factory=PhraseTable)  # with "cả nước": the province's rank
    person_words: PhraseTable = field(default_factory=PhraseTable)  # ask who: the report names nobody
    greetings: PhraseTable = field(default_factory=PhraseTable)
    thanks: PhraseTable = field(default_factory=PhraseTable)
    ordinal_markers: PhraseTable = field(default_factory=PhraseTable)  # "thứ", "số" before a number
    places: PhraseTable = field(default_factory=PhraseTable)  # value: Place
    items: PhraseTable = field(default_factory=PhraseTable)  # value: ItemWords
    ordinals: PhraseTable = field(default_factory=PhraseTable)  # value: int
    now_words: PhraseTable = field(default_factory=PhraseTable)  # ask for the latest result, not a target
    past_words: PhraseTable = field(default_factory=PhraseTable)  # ask about the term behind: a result
    count_words: PhraseTable = field(default_factory=PhraseTable)  # "bao nhiêu" + noun: counted in that noun
    sector_words: PhraseTable = field(default_factory=PhraseTable)  # a figure naming one, unasked, is narrower
    indicator_words: PhraseTable = field(default_factory=PhraseTable)  # answered only by a figure named so
    units: PhraseTable = field(default_factory=PhraseTable)  # value: the unit marker the words ask for

    @cached_property
    def phrase_lists(self) -> dict[Phrase, frozenset[str]]:
        """Folded phrase -> the lists it is in (list names, "synonyms"): one look-up per span of a query."""
        out: dict[Phrase, set[str]] = {}
        for name in (*WORD_LISTS, "places", "items", "ordinals", "units"):
            for phrase in getattr(self, name):
                out.setdefault(phrase, set()).add(name)
        for phrase in self.synonyms:
            out.setdefault(phrase, set()).add("synonyms")
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def phrase_starts(self) -> dict[str, int]:
        """First word -> the longest phrase of any list that starts with it (0: none)."""
        out: dict[str, int] = {}
        for phrase in self.phrase_lists:
            out[phrase[0]] = max(out.get(phrase[0], 0), len(phrase))
        return out

    @cached_property
    def synonym_bounds(self) -> tuple[dict[str, int], dict[str, int]]:
        """First word -> the longest synonym phrase starting with it, and last word -> the longest
        ending with it: most words begin and end none, so most spans need no look-up."""
        starts: dict[str, int] = {}
        ends: dict[str, int] = {}
        for phrase in self.synonyms:
            starts[phrase[0]] = max(starts.get(phrase[0], 0), len(phrase))
            ends[phrase[-1]] = max(ends.get(phrase[-1], 0), len(phrase))
        return starts, ends

    def with_home(self, province: str) -> SearchLexicon:
        """The pack's own province never counts against a match: its name becomes an optional word."""
        entry = _entry(province, HOME)
        if not entry.folded:
            return self
        return _replace(self, optional_words=self.optional_words.merged([entry]),
                        places=PhraseTable.of(e for es in self.places.entries.values() for e in es
                                              if e.folded != entry.folded))

    @classmethod
    def from_data(cls, data: Any, path: Path | None = None) -> SearchLexicon:
        """Build from parsed YAML; raise ``ValueError`` (``YamlError`` with a line when ``path`` is
        given) naming the offending entry."""
        return _Reader(path).read(data)


def load_lexicon(root: Path | None) -> tuple[SearchLexicon, list[str]]:
    """The lexicon of the pack at ``root`` (``search.yaml`` is optional: an empty lexicon without it),
    and every problem found as ``file:line: what is wrong``."""
    if root is None:
        return SearchLexicon(), []
    path = Path(root) / "search.yaml"
    if not path.is_file():
        return SearchLexicon(), []
    try:
        return SearchLexicon.from_data(read_yaml(path), path), []
    except YamlError as exc:
        return SearchLexicon(), [str(exc)]


# --------------------------------------------------------------------------------------------------


def _entry(text: str, value: Any = None) -> Entry:
    return Entry(tuple(tokens(text)), tuple(exact_tokens(text)), value)


def _replace(lexicon: SearchLexicon, **changes: Any) -> SearchLexicon:
    from dataclasses import replace

    return replace(lexicon, **changes)


class _Reader:
    """Reads one search.yaml, with file:line in every error."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def fail(self, data: Any, key: str | None, message: str) -> NoReturn:
        if self.path is None:
            raise ValueError(message)
        raise YamlError(self.path, line_of(data, key), message)

    def read(self, data: Any) -> SearchLexicon:
        data = data if data is not None else {}
        if not isinstance(data, Mapping):
            self.fail(data, None, "search.yaml must be a mapping with 'synonyms:', 'stopwords:' and the other lists "
                                  "described in content/README.md")
        unknown = sorted(str(k) for k in data if k not in TOP_KEYS)
        if unknown:
            self.fail(data, unknown[0], f"unknown key {unknown[0]!r}; use one of {', '.join(sorted(TOP_KEYS))}")
        lists = {name: PhraseTable.of(_entry(w) for w in self.words(data, name)) for name in WORD_LISTS}
        return SearchLexicon(
            synonyms=self.synonyms(data),
            places=self.places(data),
            items=self.items(data),
            ordinals=self.ordinals(data),
            units=self.units(data),
            **lists,
        )

    def words(self, data: Mapping[str, Any], name: str) -> list[str]:
        values = data.get(name) or []
        if not isinstance(values, list) or not all(isinstance(v, str | int | float) for v in values):
            self.fail(data, name, f"{name!r} must be a list of words or phrases")
        return [part for v in values for part in str(v).split("|")]

    def synonyms(self, data: Mapping[str, Any]) -> dict[Phrase, tuple[Phrase, ...]]:
        raw = data.get("synonyms") or {}
        if not isinstance(raw, Mapping):
            self.fail(data, "synonyms", "'synonyms' must be a mapping of word -> list of alternatives")
        groups: dict[Phrase, set[Phrase]] = {}
        for key, alts in raw.items():
            if isinstance(alts, str):
                alts = [alts]
            if not isinstance(alts, list) or not all(isinstance(a, str | int | float) for a in alts):
                self.fail(raw, str(key), f"synonym {key!r}: alternatives must be a list of words, e.g. [tong san pham]")
            phrases = {tuple(tokens(str(key)))}
            phrases |= {tuple(tokens(part)) for alt in alts for part in str(alt).split("|")}
            phrases.discard(())
            for phrase in phrases:
                groups.setdefault(phrase, set()).update(phrases - {phrase})
        return {k: tuple(sorted(v)) for k, v in groups.items()}

    def places(self, data: Mapping[str, Any]) -> PhraseTable:
        raw = data.get("places") or {}
        if not isinstance(raw, Mapping):
            self.fail(data, "places", f"'places' must be a mapping with {', '.join(PLACE_SCOPES)}")
        entries = []
        for scope, names in raw.items():
            if scope not in PLACE_SCOPES:
                self.fail(raw, str(scope), f"unknown place list {scope!r}; use {', '.join(PLACE_SCOPES)}")
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                self.fail(raw, str(scope), f"places.{scope} must be a list of names, variants separated by |")
            for name in names:
                variants = [v.strip() for v in name.split("|") if v.strip()]
                place = Place(variants[0], scope) if variants else None
                entries += [_entry(v, place) for v in variants]
        return PhraseTable.of(entries)

    def items(self, data: Mapping[str, Any]) -> PhraseTable:
        raw = data.get("items") or []
        if not isinstance(raw, list):
            self.fail(data, "items", "'items' must be a list of {words: [...], kinds: [...], by_subject: true}")
        entries = []
        for spec in raw:
            words, kinds = (spec.get("words"), spec.get("kinds")) if isinstance(spec, Mapping) else (None, None)
            if (not isinstance(words, list) or not isinstance(kinds, list) or not words or not kinds
                    or set(spec) - {"words", "kinds", "by_subject"}):
                self.fail(spec if isinstance(spec, Mapping) else data, None if isinstance(spec, Mapping) else "items",
                          "each entry of 'items' needs words: [...] and kinds: [...] (item kinds), and may say "
                          "by_subject: true")
            value = ItemWords(tuple(str(k) for k in kinds), bool(spec.get("by_subject", False)))
            entries += [_entry(str(w), value) for w in words]
        return PhraseTable.of(entries)

    def units(self, data: Mapping[str, Any]) -> PhraseTable:
        raw = data.get("units") or {}
        if not isinstance(raw, Mapping) or not all(isinstance(w, list) for w in raw.values()):
            self.fail(data, "units", "'units' must map a unit marker to the words that ask for it, e.g. "
                                     "'/năm': [mỗi năm, hằng năm]")
        entries = []
        for marker, words in raw.items():
            entries += [_entry(str(w), str(marker)) for w in words]
        return PhraseTable.of(entries)

    def ordinals(self, data: Mapping[str, Any]) -> PhraseTable:
        raw = data.get("ordinals") or {}
        if not isinstance(raw, Mapping):
            self.fail(data, "ordinals", "'ordinals' must map a number to its words, e.g. 2: [hai, thứ hai, II]")
        entries = []
        for number, words in raw.items():
            if not isinstance(number, int) or not isinstance(words, list):
                self.fail(raw, str(number), "'ordinals' must map a number to its words, e.g. 2: [hai, thứ hai, II]")
            entries += [_entry(str(w), number) for w in words]
        return PhraseTable.of(entries)
