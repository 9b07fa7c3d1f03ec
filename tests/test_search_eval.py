"""Search accuracy and scope honesty on the evaluation sets (tests/search_eval/).

Everything goes through ``SearchIndex.lookup``, what a cadre's question gets in a private chat:

- in scope (``*.yaml`` but ``out-of-scope.yaml``): the expected figure id, or ``item:<id>`` for a
  question that names an item, must be the answer (top-1);
- out of scope (``out-of-scope.yaml``): never a figure or item card (``place``, ``greeting`` and
  ``none`` say which honest answer is meant: counted separately);
- held out (``heldout/``): written before tuning, never tuned on, scored separately.

Floors in tests/search_eval/floors.yaml. Run with ``-s`` to see the numbers, the misses and the
per-weight ablation (what each weight of ``Ranking`` is worth).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
import yaml

from bot.content import ContentError, ContentPack
from bot.content.pack import load_pack
from bot.content.search import RANKING, SearchIndex
from bot.content.search import scope as sc

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(__file__).parent / "search_eval"
HELDOUT = EVAL_DIR / "heldout"
HELDOUT2 = EVAL_DIR / "heldout2"
OUT_OF_SCOPE = "out-of-scope.yaml"
MIN_INSCOPE = 400
MIN_OUT_OF_SCOPE = 80
HONEST = {"place": {sc.OTHER_PLACE}, "greeting": {sc.GREETING, sc.THANKS}, "none": {sc.NOT_FOUND, sc.EMPTY}}


def load_content(root: Path = ROOT / "content") -> ContentPack:
    """The shipped pack; while curators are still covering sections, with coverage checks bypassed."""
    try:
        return load_pack(root)
    except ContentError:
        with mock.patch("bot.content.checks.check_pack", return_value=[]):
            return load_pack(root)


def read(path: Path) -> list[tuple[str, str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(path.name, str(e["q"]), str(e["expect"])) for e in data.get("queries") or []]


def inscope_files(folder: Path = EVAL_DIR) -> list[Path]:
    return [p for p in sorted(folder.glob("*.yaml")) if p.name not in (OUT_OF_SCOPE, "floors.yaml")]


def known(pack: ContentPack, expect: str) -> bool:
    """Is the expected answer in this pack? (Curators may rename a figure; such entries are skipped.)"""
    return expect.removeprefix("item:") in (pack.items if expect.startswith("item:") else pack.figures)


def got(lookup: sc.Lookup) -> str:
    """What a lookup answered, in the eval files' notation."""
    if lookup.outcome == sc.FIGURE:
        return lookup.hits[0].id
    if lookup.outcome == sc.ITEM:
        return "item:" + lookup.hits[0].id
    return lookup.outcome + (f"({lookup.place})" if lookup.place else "")


@dataclass
class Score:
    right: int
    total: int
    misses: list[str]

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


def inscope_score(index: SearchIndex, queries: list[tuple[str, str, str]]) -> Score:
    misses = []
    right = 0
    for name, q, expect in queries:
        answer = got(index.lookup(q))
        if answer == expect:
            right += 1
        else:
            misses.append(f"  {name}: {q!r} -> {answer} (expected {expect})")
    return Score(right, len(queries), misses)


def oos_score(index: SearchIndex, queries: list[tuple[str, str, str]]) -> tuple[Score, int]:
    """(honest answers: no figure or item card; how many got the honest answer meant)."""
    misses = []
    honest = meant = 0
    for name, q, expect in queries:
        lookup = index.lookup(q)
        if lookup.outcome not in (sc.FIGURE, sc.ITEM):
            honest += 1
            meant += lookup.outcome in HONEST[expect]
            if lookup.outcome not in HONEST[expect]:
                misses.append(f"  {name}: {q!r} -> {got(lookup)} (honest, but {expect} was meant)")
        else:
            misses.append(f"  {name}: {q!r} -> {got(lookup)} (expected {expect})")
    return Score(honest, len(queries), misses), meant


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_content()


@pytest.fixture(scope="module")
def index(pack: ContentPack) -> SearchIndex:
    return SearchIndex.build(pack)


@pytest.fixture(scope="module")
def floors() -> dict[str, float]:
    return yaml.safe_load((EVAL_DIR / "floors.yaml").read_text(encoding="utf-8"))


def test_eval_accuracy_and_scope(pack: ContentPack, index: SearchIndex, floors: dict[str, float]) -> None:
    everything = [e for p in inscope_files() for e in read(p)]
    inscope = [e for e in everything if known(pack, e[2])]
    oos = read(EVAL_DIR / OUT_OF_SCOPE)
    assert len(inscope) >= MIN_INSCOPE, f"only {len(inscope)} in-scope queries name figures or items of the pack"
    assert len(oos) >= MIN_OUT_OF_SCOPE
    score = inscope_score(index, inscope)
    honest, meant = oos_score(index, oos)
    print(f"\nin scope: {score.total} queries ({len(everything) - len(inscope)} skipped), "
          f"top-1 {score.share:.3f} (floor {floors['inscope']})")
    print("\n".join(score.misses))
    print(f"out of scope: {honest.total} queries, answered honestly {honest.share:.3f} "
          f"(floor {floors['out_of_scope']}), with the honest answer meant {meant / honest.total:.3f}")
    print("\n".join(honest.misses))
    assert floors["inscope"] >= 0.90 and floors["out_of_scope"] >= 0.90
    assert score.share >= floors["inscope"], f"top-1 {score.share:.3f} fell below {floors['inscope']}"
    assert honest.share >= floors["out_of_scope"], f"out-of-scope {honest.share:.3f} fell below the floor"


def test_heldout(pack: ContentPack, index: SearchIndex, floors: dict[str, float]) -> None:
    """Scored, never tuned on (tests/search_eval/heldout/README.md)."""
    inscope = [e for e in read(HELDOUT / "inscope.yaml") if known(pack, e[2])]
    score = inscope_score(index, inscope)
    honest, meant = oos_score(index, read(HELDOUT / "oos.yaml"))
    print(f"\nheld out, in scope: {score.total} queries, top-1 {score.share:.3f}")
    print("\n".join(score.misses))
    print(f"held out, out of scope: {honest.total} queries, answered honestly {honest.share:.3f}, "
          f"with the honest answer meant {meant / honest.total:.3f}")
    print("\n".join(honest.misses))
    assert score.share >= floors["heldout_inscope"]
    assert honest.share >= floors["heldout_out_of_scope"]


def test_heldout2(pack: ContentPack, index: SearchIndex, floors: dict[str, float]) -> None:
    """The second held-out set, written after the searchfix mechanisms and scored once before its
    floor was set (tests/search_eval/heldout2/README.md); never tuned on."""
    inscope = [e for e in read(HELDOUT2 / "inscope.yaml") if known(pack, e[2])]
    score = inscope_score(index, inscope)
    honest, meant = oos_score(index, read(HELDOUT2 / "oos.yaml"))
    print(f"\nheld out 2, in scope: {score.total} queries, top-1 {score.share:.3f} (floor {floors['heldout2_inscope']})")
    print("\n".join(score.misses))
    print(f"held out 2, out of scope: {honest.total} queries, answered honestly {honest.share:.3f} "
          f"(floor {floors['heldout2_out_of_scope']}), with the honest answer meant {meant / honest.total:.3f}")
    print("\n".join(honest.misses))
    assert score.total >= 40 and honest.total >= 25
    assert score.share >= floors["heldout2_inscope"]
    assert honest.share >= floors["heldout2_out_of_scope"]


def test_eval_ablation(pack: ContentPack, index: SearchIndex) -> None:
    """What each weight of the Ranking is worth: the scores with it switched off (printed).

    Asserts only that the evaluation can tell: switching off the whole set of figure bonuses must
    cost top-1, or the bonuses are dead weight that nobody can tune."""
    inscope = [e for p in inscope_files() for e in read(p) if known(pack, e[2])]
    oos = read(EVAL_DIR / OUT_OF_SCOPE)
    base = inscope_score(index, inscope).share
    base_oos = oos_score(index, oos)[0].share
    started = time.perf_counter()
    print(f"\nablation on {len(inscope)} in-scope / {len(oos)} out-of-scope queries "
          f"(all weights: top-1 {base:.3f}, honest {base_oos:.3f}):")
    print(f"  {'weight':<16} {'value':>8}  {'top-1':>6} {'honest':>6}  why")
    for knob in RANKING.knobs():
        ranking = RANKING.without(knob)
        ablated = SearchIndex.build(pack, ranking=ranking) if knob == "field_strength" else index.with_ranking(ranking)
        top1 = inscope_score(ablated, inscope).share
        fair = oos_score(ablated, oos)[0].share
        value = getattr(RANKING, knob)
        shown = f"{value:.2f}" if isinstance(value, float) else "table"
        print(f"  {knob:<16} {shown:>8}  {top1 - base:+.3f} {fair - base_oos:+.3f}  {RANKING.why(knob)[:90]}")
    bonuses = ("name", "exact_name", "period_year", "name_year", "other_period", "one_year_label", "value",
               "target_match", "target_mismatch", "headline")
    bare = RANKING
    for knob in bonuses:
        bare = bare.without(knob)
    without_bonuses = inscope_score(index.with_ranking(bare), inscope).share
    print(f"  all figure bonuses off: top-1 {without_bonuses:.3f}; ablation took {time.perf_counter() - started:.1f} s")
    assert without_bonuses < base


def test_eval_files_are_well_formed() -> None:
    for path in [*inscope_files(), *inscope_files(HELDOUT), *inscope_files(HELDOUT2)]:
        for _name, q, expect in read(path):
            assert q.strip() and expect.strip(), f"{path}: {q!r}"
    for path in (EVAL_DIR / OUT_OF_SCOPE, HELDOUT / "oos.yaml", HELDOUT2 / "oos.yaml"):
        for _name, q, expect in read(path):
            assert expect in HONEST, f"{path}: {q!r}: expect must be one of {sorted(HONEST)}"
    tuning = {q for p in [*inscope_files(), EVAL_DIR / OUT_OF_SCOPE] for _n, q, _e in read(p)}
    heldout = {q for p in (HELDOUT / "inscope.yaml", HELDOUT / "oos.yaml", HELDOUT2 / "inscope.yaml",
                           HELDOUT2 / "oos.yaml") for _n, q, _e in read(p)}
    assert not tuning & heldout, f"held-out queries also in the tuning sets: {sorted(tuning & heldout)}"
