"""What a brief holds: a field's or topic's headline figures, results, limitations, tasks, breakthrough.

A brief named in ``content/briefings.yaml`` (by id, field title or alias, typed with or without
diacritics) is taken as the curator wrote it. Other words are a *topic*: the search index finds the
items and figures that speak of it, and the brief takes the best of each kind, in the same shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.content import ContentPack, Figure, Item
from bot.content.briefings import RESULT_KINDS, fold
from bot.content.briefings_schema import BriefSpec

#: How many of each a brief shows (a curator's brief may show fewer); the same as the schema's limits.
MAX_FIGURES, MAX_RESULTS, MAX_LIMITATIONS, MAX_TASKS = 4, 3, 2, 3
#: Hits asked of the search index for a topic: enough to fill every part after filtering by kind.
TOPIC_HITS = 40
#: Longest topic accepted (a few words, not a page).
MAX_TOPIC_CHARS = 120
#: Words shorter than this (single letters) do not count when checking that a hit speaks of the topic.
MIN_WORD = 2
#: Roles of figures a brief shows as headline figures (results and rankings, not targets).
SHOWN_ROLES = ("result", "rank", "count", "baseline", "other")


class Hit(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...


class Search(Protocol):
    """What a topic brief needs of bot.content.search.SearchIndex."""

    def search(self, query: str, limit: int = ..., kinds: tuple[str, ...] = ...) -> Sequence[Hit]: ...


@dataclass(frozen=True)
class Brief:
    """One brief. ``key`` is the brief's id in briefings.yaml, or None for a topic found by search."""

    key: str | None
    title_vi: str
    title_en: str
    figures: tuple[Figure, ...] = ()
    results: tuple[Item, ...] = ()
    limitations: tuple[Item, ...] = ()
    tasks: tuple[Item, ...] = ()
    breakthrough: Item | None = None
    topic: str | None = None  # the words typed, for a topic brief
    field: str | None = None
    sources: tuple[str, ...] = ()  # the sections it draws on, in document order

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_vi

    @property
    def items(self) -> tuple[Item, ...]:
        extra = (self.breakthrough,) if self.breakthrough is not None else ()
        return (*self.results, *self.limitations, *self.tasks, *extra)


def from_spec(pack: ContentPack, spec: BriefSpec) -> Brief:
    """The curator's brief, as written in briefings.yaml."""
    if spec.field is not None and spec.field in pack.fields:
        title = pack.fields[spec.field].title
        title_vi, title_en = title.vi, title.en
    else:
        assert spec.title is not None  # checked when the pack was loaded
        title_vi, title_en = spec.title.vi, spec.title.en
    return _finish(Brief(
        key=spec.id, title_vi=title_vi, title_en=title_en,
        figures=tuple(pack.figures[f] for f in spec.figures),
        results=tuple(pack.items[i] for i in spec.results),
        limitations=tuple(pack.items[i] for i in spec.limitations),
        tasks=tuple(pack.items[i] for i in spec.tasks),
        breakthrough=pack.items[spec.breakthrough] if spec.breakthrough else None,
        field=spec.field,
    ), pack)


def briefs(pack: ContentPack) -> list[Brief]:
    """Every brief the pack names, in file order (fields first as the curator lists them)."""
    if pack.briefings is None:
        return []
    return [from_spec(pack, spec) for spec in pack.briefings.briefs.values()]


def by_key(pack: ContentPack, key: str) -> Brief | None:
    if pack.briefings is None or key not in pack.briefings.briefs:
        return None
    return from_spec(pack, pack.briefings.briefs[key])


def resolve(pack: ContentPack, words: str, search: Search | None) -> Brief | None:
    """The brief a cadre asked for: one the pack names, else a topic found by search, else None."""
    words = " ".join(words.split())
    if not words or len(words) > MAX_TOPIC_CHARS:
        return None
    if pack.briefings is not None:
        spec = pack.briefings.find(words)
        if spec is not None:
            return from_spec(pack, spec)
    if search is None:
        return None
    return topic(pack, words, search)


def topic(pack: ContentPack, words: str, search: Search) -> Brief | None:
    """A brief on any topic: the items and figures the search index ranks first for it."""
    wanted = {w for w in fold(words).split() if len(w) >= MIN_WORD or w.isdigit()}
    if not wanted:
        return None
    item_ids = [h.id for h in search.search(words, limit=TOPIC_HITS, kinds=("item",)) if h.id in pack.items]
    items = [pack.items[i] for i in item_ids if _speaks_of(_item_words(pack.items[i]), wanted)]
    figure_ids = [h.id for h in search.search(words, limit=TOPIC_HITS, kinds=("figure",)) if h.id in pack.figures]
    figures = [pack.figures[f] for f in figure_ids
               if _shown(pack, pack.figures[f]) and _speaks_of(fold(pack.figures[f].label), wanted)]

    def of(kinds: Sequence[str], limit: int) -> tuple[Item, ...]:
        return tuple([i for i in items if i.kind in kinds][:limit])

    results, limitations, tasks = of(RESULT_KINDS, MAX_RESULTS), of(("limitation",), MAX_LIMITATIONS), of(
        ("task",), MAX_TASKS)
    if not results and not figures and not tasks:
        return None
    if not figures:  # the results' own figures, headline ones first
        cited = [f for item in results for f in pack.figures_of(item) if _shown(pack, f)]
        figures = sorted({f.id: f for f in cited}.values(), key=lambda f: not f.headline)
    fields = Counter(i.field for i in (*results, *tasks) if i.field)
    main_field = fields.most_common(1)[0][0] if fields else None
    breakthrough = next((i for i in items if i.kind == "breakthrough"), None)
    if breakthrough is None and main_field is not None:
        breakthrough = _field_breakthrough(pack, main_field)
    return _finish(Brief(
        key=None, title_vi=words, title_en=words, figures=tuple(figures[:MAX_FIGURES]), results=results,
        limitations=limitations, tasks=tasks, breakthrough=breakthrough, topic=words, field=main_field,
    ), pack)


def _finish(brief: Brief, pack: ContentPack) -> Brief:
    order = {sid: n for n, sid in enumerate(pack.sections)}
    sources = {f.source for f in brief.figures} | {i.source for i in brief.items}
    return replace(brief, sources=tuple(sorted(sources, key=lambda s: order.get(s, 0))))


def _shown(pack: ContentPack, fig: Figure) -> bool:
    return pack.role(fig) in SHOWN_ROLES and fig.value is not None


def _item_words(item: Item) -> str:
    return fold(" ".join([item.title, item.summary, *item.points]))


def _speaks_of(text: str, wanted: set[str]) -> bool:
    """Does the folded text hold every word of the topic? Search ranks loosely (typos, synonyms, some
    words only); a brief must not pass off another subject ("phòng chống tham nhũng" for Covid)."""
    return wanted <= set(text.split())


def _field_breakthrough(pack: ContentPack, field_id: str) -> Item | None:
    """The breakthrough the field's own brief names, else the first breakthrough item of the field."""
    if pack.briefings is not None:
        for spec in pack.briefings.briefs.values():
            if spec.field == field_id and spec.breakthrough:
                return pack.items[spec.breakthrough]
    return next((i for i in pack.items_of_kind("breakthrough") if i.field == field_id), None)
