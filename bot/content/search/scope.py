"""Scope honesty: does the report answer this question, and if not, what can the bot honestly say?

A figure is the answer only when every required concept of the question is found in it (label,
aliases, unit, context or its sentence) and the question covers enough of the figure's name; one
common word in common is not an answer. Otherwise the bot says the report has no figure on it and
offers the nearest figures. Another province, the whole country or another country: the report
only has the province's figures. Greetings and thanks: a greeting. A question that names an item
("đột phá thứ hai", "chỉ tiêu số 7", "bài học về xây dựng Đảng") gets that item. Every word list
involved is in the pack's lexicon (see :mod:`bot.content.lexicon`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from bot.content.folding import canonical_number
from bot.content.search.docs import Doc, Hit
from bot.content.search.query import Group, PlaceMention, Query
from bot.content.search.rank import TARGET_KINDS, group_strength, missing, name_cover, name_match

if TYPE_CHECKING:
    from bot.content.lexicon import SearchLexicon
    from bot.content.search.index import SearchIndex

# Outcomes
FIGURE = "figure"  # hits[0] answers; hits[1:] also answer (other matches)
ITEM = "item"  # hits[0] is the item the question names
NOT_FOUND = "not_found"  # the report has no figure on it; near: the closest figures
OTHER_PLACE = "other_place"  # about another province, the country or another country
GREETING = "greeting"
THANKS = "thanks"
EMPTY = "empty"  # nothing to look up (punctuation only)
PASSAGES = "passages"  # text search: passages holding every word asked
PARTIAL = "partial"  # text search: every word is in the report, but no passage holds them all

#: Figures offered when the report has no answer ("Có thể đồng chí cần"), and other matches.
NEAR = 4
#: Leaders examined for one that answers the question (the ranking's best may not).
ANSWER_DEPTH = 10


@dataclass(frozen=True)
class Lookup:
    """The answer to a figure question (private chat, /figure, inline)."""

    outcome: str
    hits: tuple[Hit, ...] = ()
    near: tuple[Hit, ...] = ()
    about: str = ""  # the question's meaningful words as typed
    place: str | None = None  # OTHER_PLACE: the place as the lexicon writes it
    person: bool = False  # the question asks who: the report names nobody

    @property
    def answer(self) -> Hit | None:
        return self.hits[0] if self.hits and self.outcome in (FIGURE, ITEM) else None


@dataclass(frozen=True)
class TextSearch:
    """The answer to /search: passages, or why there are none."""

    outcome: str
    hits: tuple[Hit, ...] = ()  # PASSAGES, PARTIAL: passages; ITEM: the item
    near: tuple[Hit, ...] = ()  # NOT_FOUND, OTHER_PLACE: figures close to the question
    missing: tuple[str, ...] = ()  # NOT_FOUND: the words (as typed) the report never uses
    place: str | None = None


def lookup(index: SearchIndex, text: str) -> Lookup:
    q = index.analyze(text)
    if q.empty and not q.places:
        if q.courtesy and not q.person:
            return Lookup(THANKS if q.courtesy == "thanks" else GREETING)
        if q.stop_only or q.person:
            return Lookup(NOT_FOUND, about=" ".join(text.split()), person=q.person)
        return Lookup(EMPTY)
    item = resolve_item(index, q)
    ranked = index.rank("figure", q) if not q.empty else []
    if item is not None and not (q.item and q.item.ordinal is None and ranked
                                 and name_match(ranked[0][1], q) > 0.999):
        return Lookup(ITEM, (item,))  # unless the question is exactly a figure's name
    near = tuple(index.hit(d, s) for s, d in ranked[:NEAR]) or tuple(index.fuzzy_figures(q, text, NEAR))
    if q.item is not None and q.item.ordinal is not None:  # "chỉ tiêu số 20": no such item, said with its number
        return Lookup(NOT_FOUND, near=near, about=" ".join(text.split()))
    if q.person:
        return Lookup(NOT_FOUND, near=near, about=q.about, person=True)
    country = [p for p in q.places if p.place.scope == "country"]
    if country and not q.rank:
        return Lookup(OTHER_PLACE, near=near, about=q.about, place=country[0].place.name)
    places = [p for p in q.places if p.place.scope != "country"]
    answers: list[tuple[float, Doc]] = []
    first = None
    named = _named(index, q, ranked[:ANSWER_DEPTH])
    strengths, placement = index.ranking.field_strength["figure"], index.ranking.placement
    context = strengths["context"] if strengths["context"] < strengths["title"] else 0.0  # 0: columns made alike
    for n, (s, d) in enumerate(ranked[:ANSWER_DEPTH]):
        if named and any(group_strength(d, g, placement) <= context for g in named):
            continue  # a concept another figure is named by is, in this one, only a word of its context
        if first is not None and n > first + NEAR:
            break  # other answers are offered among the next few only
        if answers_question(index, d, q, places):
            first = n if first is None else first
            answers.append((s, d))
    if answers:
        hits = tuple(index.hit(d, s) for s, d in answers[: 1 + NEAR])
        shown = {h.id for h in hits}
        return Lookup(FIGURE, hits, near=tuple(h for h in near if h.id not in shown), about=q.about)
    unnamed = [p for p in places if not any(names_place(d, p) for _, d in ranked[:ANSWER_DEPTH])]
    if unnamed and not _in_text(index, q):
        return Lookup(OTHER_PLACE, near=near, about=q.about, place=unnamed[0].place.name)
    return Lookup(NOT_FOUND, near=near, about=q.about or text)


def _named(index: SearchIndex, q: Query, ranked: list[tuple[float, Doc]]) -> list[Group]:
    """Required concepts that some leading figure has in its label or an alias: "đô thị hóa" names the
    2030 target; a figure merely cited by that target's item (its context) is not about it."""
    names = index.ranking.field_strength["figure"]["title"]
    whole = [d for _, d in ranked if all(g.year for g in missing(d, q, index.ranking.placement))]  # a year aside
    return [g for g in q.required if any(group_strength(d, g) >= names for d in whole)]


def _in_text(index: SearchIndex, q: Query) -> bool:
    """Does some passage hold every word of the question, places included? Then the place is a word
    of the report ("cao tốc Hà Nội - Bắc Giang"), not another province's figure asked for."""
    full = _with_places(q)
    return any(not missing(d, full) for _, d in index.rank("passage", full))


def _with_places(q: Query) -> Query:
    """The question with its places as ordinary words (in the report's text, a place is a word)."""
    return replace(q, groups=[*q.groups, *(Group((p.terms,), written=p.written) for p in q.places)])


def answers_question(index: SearchIndex, doc: Doc, q: Query, places: list[PlaceMention]) -> bool:
    """Every required concept is in the figure, the question covers enough of one of its names and no
    narrower concept is meant, and any place it names is one the figure itself names ("ung ho TP Hồ
    Chí Minh"). Cheap tests first."""
    if q.empty or missing(doc, q, index.ranking.placement):
        return False
    strengths = index.ranking.field_strength["figure"]
    body = strengths["body"] if strengths["body"] < strengths["title"] else 0.0  # 0: columns made alike
    if any(g.named and group_strength(doc, g) <= body for g in q.required):
        return False  # an indicator its sentence only mentions: the IIP ranks first, the 20,1% is growth
    if q.now and not q.target and index.ranking.now_target and doc.figure_kind in TARGET_KINDS:
        return False  # "hiện nay": a target is not achieved yet, so it does not answer
    if not all(names_place(doc, p) for p in places):
        return False
    if any(n in doc.value_tokens or canonical_number(n) in doc.value_tokens for n in q.numbers):
        return True  # the value itself was quoted: "239.163", "4.900 usd"
    if name_cover(doc, q, placing=index.ranking.placement > 0) < index.ranking.name_cover:
        return False
    return not any(narrower(doc, g, q, index.lexicon) for g in q.required)


def narrower(doc: Doc, group: Group, q: Query, lexicon: SearchLexicon) -> bool:
    """Does the figure name this concept only inside a longer phrase the lexicon knows as another
    concept? "dân số" is in "Tỷ lệ dân số thành thị" only as part of "dân số thành thị" (urban
    population): a question about the population is not answered by it.

    The words as typed decide. A single typed word counts only where no longer phrase of the lexicon
    holds it ("đảng" in "đảng viên" counts when "viên" was asked too; "tăng" in "tăng trưởng" does not,
    but is no reason to refuse either). Only when the typed words are in no name do the synonyms
    decide ("hospital" is in "hospital beds" only: "số bệnh viện" is not answered by it)."""
    own = group.folded_alts
    phrases = lexicon.synonyms
    starting, ending = lexicon.synonym_bounds

    def extended(name: tuple[str, ...], k: int, n: int, before: bool) -> bool:
        ends = []
        if starting.get(name[k], 0) > n:  # some synonym phrase longer than this starts here
            ends = [(k, k + n + extra) for extra in range(1, min(4, len(name) - k - n) + 1)]
        if before and ending.get(name[k + n - 1], 0) > n:
            ends += [(k - extra, k + n) for extra in range(1, min(4, k) + 1)]
        return any(name[a:b] in phrases and name[a:b] not in own and not set(name[a:b]) <= q.folded_words
                   for a, b in ends)

    for as_typed in (True, False):
        found = wider = 0
        for alt, typed in own.items():
            if typed != as_typed or not (as_typed or len(alt) > 1 or alt in phrases):
                continue
            n = len(alt)
            for m, k in doc.name_positions.get(alt[0], ()):
                name = doc.name_tokens[m]
                if name[k : k + n] == alt:
                    if as_typed and n == 1:
                        found += not extended(name, k, n, before=True)
                    else:
                        found += 1
                        wider += extended(name, k, n, before=False)
        if found:
            return wider == found
    return False


def names_place(doc: Doc, place: PlaceMention) -> bool:
    return all(t in doc.strength for t in place.terms) and doc.has_phrase(place.terms)


def resolve_item(index: SearchIndex, q: Query) -> Hit | None:
    """The item a question names: by its number ("đột phá thứ hai"), or where the lexicon allows it, by
    its subject ("đột phá về hạ tầng": an item of that kind holding every word of the subject)."""
    ref = q.item
    if ref is None:
        return None
    kinds = ref.words.kinds
    candidates = [d for d in index.docs("item") if d.item_kind in kinds]
    subject = [g for g in q.groups if not g.item_words]
    if ref.ordinal is not None:
        numbered = [d for d in candidates if d.number == ref.ordinal]
        if not numbered:
            return None
        best = max(numbered, key=lambda d: (sum(1 for g in subject if group_strength(d, g)),
                                            -kinds.index(d.item_kind or ""), -numbered.index(d)))
        return index.hit(best, 1.0)
    required = [g for g in subject if not g.optional]
    if not ref.words.by_subject or not ref.first or not required:
        return None
    cover = index.ranking.item_cover
    about = replace(q, groups=subject)  # the subject alone decides which item of the kind
    # Words typed side by side that the report also writes side by side are one term ("thể chế"):
    # an item holding them only apart ("thể thao" … "thiết chế") is not about it.
    words = {w for g in required for alt in g.alts if len(alt) == 1 for w in alt}
    together = [b for b in q.bigrams if set(b.split()) <= words and b in index.vocab.bigrams]
    for score, doc in index.rank("item", about):  # best first: coverage, BM25, words side by side
        if (doc.item_kind in kinds and sum(1 for g in required if group_strength(doc, g)) / len(required) >= cover
                and all(b in doc.bigrams for b in together)):
            return index.hit(doc, score)
    return None


def text_search(index: SearchIndex, text: str, limit: int) -> TextSearch:
    q = index.analyze(text)
    if q.empty and not q.places:
        if q.courtesy and not q.person:
            return TextSearch(THANKS if q.courtesy == "thanks" else GREETING)
        return TextSearch(NOT_FOUND if q.stop_only else EMPTY, missing=(" ".join(text.split()),) if q.stop_only else ())
    item = resolve_item(index, q)
    if item is not None:
        return TextSearch(ITEM, (item,))
    full = _with_places(q)  # in the text, a place is a word like any other: where a road leads
    ranked = index.rank("passage", full)
    complete = [(s, d) for s, d in ranked if not missing(d, full)]
    if complete:
        return TextSearch(PASSAGES, tuple(index.hit(d, s) for s, d in complete[:limit]))
    absent = [p for p in q.places if not _in_passages(index, p.terms)]
    if absent:
        return TextSearch(OTHER_PLACE, near=_near(index, q), place=absent[0].place.name)
    nowhere = [g.written for g in full.required if not any(_in_passages(index, alt) for alt in g.alts)]
    if nowhere or not ranked:
        return TextSearch(NOT_FOUND, near=_near(index, q), missing=tuple(nowhere) or (q.about or text,))
    # Passages that hold some of the words: they are the answer, and the figures a lookup of the same
    # words would offer are not worth ranking for it (a third of a text search's time).
    return TextSearch(PARTIAL, tuple(index.hit(d, s) for s, d in ranked[:limit]))


def _near(index: SearchIndex, q: Query) -> tuple[Hit, ...]:
    """The figures closest to a question the text does not answer."""
    return tuple(index.hit(d, s) for s, d in index.rank("figure", q)[:NEAR]) if not q.empty else ()


def _in_passages(index: SearchIndex, terms: tuple[str, ...]) -> bool:
    """Are these words in the report's text, a phrase's words somewhere side by side?"""
    return all(index.doc_frequency(t, "passage") for t in terms) and all(
        f"{a} {b}" in index.vocab.bigrams for a, b in pairwise(terms))
