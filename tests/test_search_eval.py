"""Search accuracy on the curators' evaluation set (tests/search_eval/*.yaml).

Each query names the figure a cadre means; top-1 accuracy over ``index.figures(q, 3)`` must not
fall below the floor in tests/search_eval/floor.txt (raise it when ranking improves, never lower
it below 0.90). Run with ``-s`` to see the numbers and the misses.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
import yaml

from bot.content import ContentError, ContentPack, load_pack
from bot.content.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(__file__).parent / "search_eval"
MIN_QUERIES = 80


def load_content(root: Path = ROOT / "content") -> ContentPack:
    """The shipped pack; while curators are still covering sections, with coverage checks bypassed."""
    try:
        return load_pack(root)
    except ContentError:
        with mock.patch("bot.content.checks.check_pack", return_value=[]):
            return load_pack(root)


def eval_queries() -> list[tuple[str, str, str]]:
    """(file, query, expected figure id) for every entry of every eval file."""
    out = []
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("queries") or []:
            out.append((path.name, str(entry["q"]), str(entry["expect"])))
    return out


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_content()


def test_eval_accuracy(pack: ContentPack) -> None:
    index = SearchIndex.build(pack)
    pack_figures = set(pack.figures)
    queries = [(f, q, e) for f, q, e in eval_queries() if e in pack_figures]
    skipped = len(eval_queries()) - len(queries)
    assert len(queries) >= MIN_QUERIES, f"only {len(queries)} eval queries name figures of the pack"
    top1 = top3 = 0
    misses = []
    for name, q, expect in queries:
        ids = [h.id for h in index.figures(q, 3)]
        top1 += bool(ids) and ids[0] == expect
        top3 += expect in ids
        if not ids or ids[0] != expect:
            misses.append(f"  {name}: {q!r} -> {ids} (expected {expect})")
    n = len(queries)
    floor = float((EVAL_DIR / "floor.txt").read_text().strip())
    print(
        f"\nsearch eval: {n} queries ({skipped} skipped), top-1 {top1 / n:.3f}, top-3 {top3 / n:.3f}, "
        f"floor {floor:.2f}"
    )
    print("\n".join(misses))
    assert floor >= 0.90
    assert top1 / n >= floor, f"top-1 {top1 / n:.3f} fell below the floor {floor}"


def test_eval_files_are_well_formed() -> None:
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and isinstance(data.get("queries"), list), path
        for entry in data["queries"]:
            assert set(entry) >= {"q", "expect"}, f"{path}: {entry}"
