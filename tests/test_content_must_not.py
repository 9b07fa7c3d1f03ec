"""Queries that must not bring a figure of another indicator (tests/search_must_not.yaml).

An alias or a loose reading once routed "thu nhập bình quân đầu người" (income) to GRDP per head;
these queries run through the real search index, by its public lookup, so none comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content import ContentPack
from bot.content.pack import load_pack
from bot.content.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
QUERIES = yaml.safe_load((Path(__file__).parent / "search_must_not.yaml").read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_pack(ROOT / "content")


@pytest.fixture(scope="module")
def index(pack: ContentPack) -> SearchIndex:
    return SearchIndex.build(pack)


@pytest.mark.parametrize("entry", QUERIES, ids=[f"{e['q']} -/-> {e['not']}" for e in QUERIES])
def test_query_does_not_bring_another_indicator(pack: ContentPack, index: SearchIndex, entry: dict) -> None:
    assert entry["not"] in pack.figures, f"{entry['not']} is no figure of the pack; update the list"
    hits = [h.id for h in index.figures(str(entry["q"]), int(entry["within"]))]
    assert entry["not"] not in hits, f"{entry['q']!r} brings {entry['not']} ({entry['why']})"
