"""How candidates are ordered, and when a figure really answers a question.

Every number that tunes the search lives in one frozen :class:`Ranking`, each with the reason it has
the value it has; ``tests/test_search_eval.py`` prints what each is worth (top-1 with it set to zero).

Order: BM25 with per-column weights (:mod:`.bm25`) selects candidates; each is scored by how much of the
query it covers, weighting concepts by how rare they are (IDF) and by the column they are found in,
plus a little BM25 and a nudge when the query's words stand side by side in it. Figures then get
bonuses for what a cadre's short query implies: a name that *is* the query, the year asked, a value
quoted, a target asked for. Scope: a figure answers only when every required concept of the query
is found in it (:func:`missing`), and its name is mostly what was asked (:func:`name_cover`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content.folding import canonical_number
from bot.content.search.docs import Doc
from bot.content.search.query import Group, Query

TARGET_KINDS = frozenset({"target", "previous_target"})  # figure roles (kinds.yaml)
RESULT_KINDS = frozenset({"result", "count", "rank"})  # what was achieved (not a gap, a rise, a baseline)
UNIT_STRENGTH = 1.0  # words asking for a unit are had by a figure in that unit as if its name said them:
# "tăng mỗi năm" is answered by a rate in "%/năm" as fully as by a label saying "hằng năm"
NAMED_STRENGTH = 0.8  # a named indicator (IIP, CPI) counts only in a figure's label, aliases or unit
_ZEROS = (0.0,) * 64  # default values for map(dict.get, words, _ZEROS)


def weight(value: float, why: str) -> Any:
    return field(default=value, metadata={"why": why})


def table(value: Mapping[str, Any], why: str) -> Any:
    return field(default_factory=lambda: MappingProxyType(dict(value)), metadata={"why": why})


@dataclass(frozen=True)
class Ranking:
    """The search's tuning, one place, a reason per weight. Zero a weight to switch it off."""

    # -- which documents are candidates, and their base score --------------------------------------
    bm25_columns: Mapping[str, tuple[float, ...]] = table(
        {"figure": (10.0, 8.0, 3.0, 1.5, 1.0), "item": (6.0, 0.0, 0.0, 2.0, 1.0), "passage": (0.0, 0.0, 0.0, 1.0, 0.3)},
        "BM25 weight of each column (title, aliases, meta, body, context; the exact columns alike): a "
        "figure is named by its label and aliases, a passage only by its text",
    )
    field_strength: Mapping[str, Mapping[str, float]] = table(
        {
            "figure": MappingProxyType({"title": 1.0, "aliases": 1.0, "meta": 0.8, "body": 0.6, "context": 0.45}),
            "item": MappingProxyType({"title": 0.95, "body": 0.7, "context": 0.45}),
            "passage": MappingProxyType({"body": 0.75, "context": 0.35}),
        },
        "how much a query word found in a column counts towards coverage; a passage can never beat a "
        "figure or item that covers the query as well, which is what a cadre asking for a number wants",
    )
    bm25_share: float = weight(0.15, "BM25 only breaks ties between candidates that cover the query alike")
    adjacency: float = weight(0.15, "the query's words side by side in the document, as typed: 'xay dung "
                                    "dang' is not 'dang xay dung'")
    floor: float = weight(0.45, "hits under this share of the best score are noise, not answers")
    year_weight: float = weight(1.0, "a year is common in the report, yet decides between a result and a target: "
                                     "its concept weighs at least this (IDF scale)")
    optional_weight: float = weight(0.5, "the home province and fillers ('tinh ta', 'hien nay') help pick a "
                                         "figure but must not outweigh what was asked")
    # -- figure bonuses (a cadre's short query usually names one figure) ---------------------------
    name: float = weight(0.35, "the query is one of the figure's names (label, alias), measured as F1: "
                               "'nha tam dot nat' prefers the total over the per-year figures")
    exact_name: float = weight(0.2, "the query is exactly an alias the curators wrote for this figure")
    period_year: float = weight(0.3, "the year asked is the figure's period: 'grdp 2025'")
    name_year: float = weight(0.2, "the year asked is in the figure's name but not its period")
    other_period: float = weight(-0.1, "a year was asked and the figure is for another period")
    one_year_label: float = weight(-0.05, "no year asked: the figure for the whole term before one year's")
    value: float = weight(0.25, "the query quotes the figure's value: '239.163', '4.900 usd'")
    target_match: float = weight(0.2, "target words asked ('muc tieu', '2030') and this is a target")
    target_mismatch: float = weight(-0.1, "a target, but nobody asked for one: results first")
    headline: float = weight(0.03, "between equals, the headline figure a cadre more likely means")
    unit_asked: float = weight(0.15, "the unit asked is the figure's: 'bao nhiêu phần trăm' a share in %, 'mỗi "
                                     "năm' a rate per year ('%/năm'); such words are had by a figure in that unit")
    counted: float = weight(0.15, "'bao nhiêu trường', 'mấy huyện': the noun asked is what the figure counts "
                                  "(its unit), so a count before the share of the same thing")
    now_target: float = weight(-0.2, "'hiện nay', 'bây giờ', 'now' without target words: the latest result, "
                                      "and a target is no answer at all (it is not achieved yet)")
    now_latest: float = weight(0.12, "'hiện nay', 'bây giờ' without target words: a result for the latest year "
                                     "the report gives results for (2025) before older ones and other kinds")
    name_share: float = weight(0.05, "how much of the figure's name the question covers (IDF-weighted): 'bao "
                                    "nhiêu phần trăm trường đạt chuẩn' is the rate, not the rate 'cao hơn cả nước'")
    past_target: float = weight(-0.15, "'đã', 'nhiệm kỳ qua', 'đã qua' without target words: the completed "
                                        "term's result before a target")
    other_sector: float = weight(-0.08, "the figure is one sector's ('dịch vụ', 'công nghiệp') and the question "
                                         "names none: 'tăng trưởng' alone is the economy's")
    placement: float = weight(0.8, "rank words asked ('xếp thứ mấy', 'top mấy') are found in a figure that places "
                                   "the province, a rank or a group ('nhóm 10 tỉnh'), as strongly as in its unit")
    # -- scope: does the best figure answer the question? -------------------------------------------
    name_cover: float = weight(0.5, "a figure answers only if the query covers at least this share of one of "
                                    "its names (IDF-weighted): 'dan so 2030' is not 'ty le dan so thanh thi "
                                    "2030', whose rarest words the query lacks")
    item_cover: float = weight(0.999, "an item named by its subject ('dot pha ve ha tang') must cover every word "
                                      "of the subject")

    def why(self, name: str) -> str:
        return next(f.metadata["why"] for f in dataclasses.fields(self) if f.name == name)

    def knobs(self) -> list[str]:
        """Names of the weights an ablation can switch off."""
        return [f.name for f in dataclasses.fields(self)]

    def without(self, name: str) -> Ranking:
        """This ranking with one weight switched off: a number set to 0, a table made uniform."""
        current = getattr(self, name)
        if isinstance(current, Mapping):
            flat: dict[str, Any] = {
                kind: (tuple(1.0 for _ in v) if isinstance(v, tuple) else MappingProxyType(dict.fromkeys(v, 1.0)))
                for kind, v in current.items()
            }
            changes: dict[str, Any] = {name: MappingProxyType(flat)}
        else:
            changes = {name: 0.0}
        return dataclasses.replace(self, **changes)


RANKING = Ranking()


def group_strength(doc: Doc, group: Group, placement: float = 0.0) -> float:
    """How strongly ``doc`` has a concept: its best alternative (a phrase: as strong as the strongest
    column holding its words side by side), 0 when it has none. Rank words are had by a figure that
    places the province with ``placement`` (``Ranking.placement``): "xếp thứ mấy" asks for its place,
    and "nhóm 10 tỉnh dẫn đầu" is the report's answer even without the words "xếp thứ"."""
    best = group.strengths.get(id(doc))
    if best is None:
        best = group.strengths[id(doc)] = _strength(doc, group)
    if best < 0.0:
        return 0.0  # a named indicator its sentence only mentions: the figure is not about it
    if placement > best and group.rank and doc.placement:
        return placement
    return best


def _strength(doc: Doc, group: Group) -> float:
    """group_strength without placement; -1 for a named indicator the figure does not name."""
    if not (group.unit and group.unit in doc.units) and doc.strength.keys().isdisjoint(group.first_words):
        return -1.0 if group.named else 0.0  # most candidates lack most concepts: say so at C speed
    get = doc.strength.get
    best = max(map(get, group.singles, _ZEROS)) if group.singles else 0.0
    if group.unit and group.unit in doc.units and best < UNIT_STRENGTH:
        best = UNIT_STRENGTH
    if group.named and best < NAMED_STRENGTH:
        return -1.0
    for phrase, pairs in group.phrase_pairs:
        if min(map(get, phrase, _ZEROS)) > best:  # a phrase is never stronger than its weakest word
            best = max(best, doc.phrase_strength(phrase, pairs))
    return best


def coverage(doc: Doc, prepared: list[tuple[Group, float]], placement: float = 0.0) -> float:
    """Weighted share of the query's concepts ``doc`` has (0 when it has none)."""
    total = 0.0
    key = id(doc)
    for group, w in prepared:
        s = group.strengths.get(key)  # group_strength, without a call when already known
        if s is None:
            s = group.strengths[key] = _strength(doc, group)
        if placement and group.rank:
            s = group_strength(doc, group, placement)
        if s > 0.0:
            total += w * s
    return total


def missing(doc: Doc, q: Query, placement: float = 0.0) -> list[Group]:
    """Required concepts of the query the document does not have at all (a word the index does not
    know counts as found when it is a slip for one of the document's words: "vic" for "viec"; rank
    words count as found in a figure that places the province when ``placement`` is set)."""
    key = id(doc)
    out = []
    for g in q.required:
        s = g.strengths.get(key)
        if s is not None and s > 0.0:
            continue  # had already (placement only adds)
        if not group_strength(doc, g, placement) and not (g.unknown and slip_of(g.unknown, doc)):
            out.append(g)
    return out


def slip_of(word: str, doc: Doc) -> bool:
    """Is ``word`` one typing slip away from a word of ``doc`` (its plain words: OSA distance, in
    rapidfuzz's C)? A short word only by a letter left out."""
    if len(word) <= 3:
        near = process.extract(word, doc.plain_words, scorer=OSA.distance, score_cutoff=1, limit=None)
        return any(len(w) == len(word) + 1 for w, _distance, _n in near)
    limit = 1 if len(word) <= 5 else 2
    return process.extractOne(word, doc.plain_words, scorer=OSA.distance, score_cutoff=limit) is not None


def figure_bonus(doc: Doc, q: Query, r: Ranking) -> float:
    name = name_match(doc, q)
    bonus = r.name * name + (r.exact_name if name > 0.999 else 0.0)
    for year in q.years:
        if year in doc.period_years:
            bonus += r.period_year
        elif year in doc.name_years:
            bonus += r.name_year
        elif doc.period_years:
            bonus += r.other_period
    if not q.years and doc.label_years == 1:
        bonus += r.one_year_label
    for number in q.numbers:
        if number in doc.value_tokens or canonical_number(number) in doc.value_tokens:
            bonus += r.value
    if doc.figure_kind in TARGET_KINDS:
        bonus += r.target_match if q.target else r.target_mismatch
        if not q.target:
            bonus += (r.now_target if q.now else 0.0) + (r.past_target if q.past else 0.0)
    for unit in q.units:
        if unit in doc.units:
            bonus += r.unit_asked
    if q.counted and q.counted & doc.unit_words:
        bonus += r.counted
    if doc.sector and not q.sector:
        bonus += r.other_sector
    if q.now and not q.target and doc.latest:
        bonus += r.now_latest
    if r.name_share:
        bonus += r.name_share * name_cover(doc, q)
    if doc.headline:
        bonus += r.headline
    return bonus


def name_match(doc: Doc, q: Query) -> float:
    """How well the query *is* one of the figure's names (label or alias): best F1 over names.

    Coverage says the query's words occur; this says the figure is about nothing much else, so
    ``nha tam dot nat`` prefers the total over the per-year figures, and an exact alias scores 1.
    Compared folded: diacritics already decided which documents are candidates.
    """
    best = 0.0
    query_words = q.folded_words
    singles, phrases, n_groups = q.name_shapes
    for words in doc.name_words:
        shared = words & query_words
        if not shared:
            continue
        hit: set[int] = set()
        for w in shared:
            hit.update(singles.get(w, ()))
        for n, phrase in phrases:
            if n not in hit and phrase <= shared:
                hit.add(n)
        if not hit:
            continue
        recall = len(hit) / n_groups
        precision = len(shared) / len(words)
        f1 = 2 * recall * precision / (recall + precision)
        if f1 > best:
            best = f1
    return best


def name_cover(doc: Doc, q: Query, placing: bool = False) -> float:
    """The largest share of one of the figure's names that the query covers, each word weighted by
    its rarity among figure names (``doc.name_weights``): a name whose rarest words the query lacks
    is about something else. Words the query dropped count as covered ("bao nhieu" in the alias
    "fdi chiem bao nhieu"); with ``placing``, a question about a rank covers the rank words that
    stand in the name of a figure placing the province ("xếp hạng GRDP 2030" covers "nhóm" and
    "dẫn đầu" of "quy mô GRDP trong nhóm 11 tỉnh, thành phố dẫn đầu cả nước năm 2030")."""
    placed = placing and doc.placement and bool(q.placing)
    key = (id(doc), placed)
    found = q.covers.get(key)
    if found is None:
        found = q.covers[key] = _name_cover(doc, q, placed)
    return found


def _name_cover(doc: Doc, q: Query, placed: bool) -> float:
    best = 0.0
    for n, (weights, total) in enumerate(doc.name_weights):
        covered = q.cover_words | _phrase_words(doc.name_tokens[n], q.placing) if placed else q.cover_words
        shared = weights.keys() & covered
        if shared and total > 0:  # fsum: the same share whatever order the set gives the words in
            best = max(best, math.fsum(map(weights.__getitem__, shared)) / total)
    return best


def _phrase_words(name: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """The words of ``name`` that stand in one of ``phrases`` (whole phrases, side by side)."""
    out: set[str] = set()
    for phrase in phrases:
        n = len(phrase)
        for k in range(len(name) - n + 1):
            if name[k : k + n] == phrase:
                out.update(phrase)
    return frozenset(out)
