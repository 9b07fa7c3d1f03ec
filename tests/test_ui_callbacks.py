"""The callback-data codec: 64-byte limit for every registered kind, round trips, and refusal of junk."""

from __future__ import annotations

import os

import pytest

import bot.app  # noqa: F401  - registers every area's kinds (digest, ...) as the running bot does
from bot.render import callbacks as cb

FP = "a1b2c3d4"


def test_every_registered_kind_with_maximal_ids_fits_64_bytes():
    kinds = cb.registered()
    assert {"h", "m", "g", "i", "f", "q", "o", "s", "n", "nn"} <= set(kinds)
    for prefix, kind in kinds.items():
        size = cb.max_payload_bytes(kind)
        assert size <= cb.MAX_BYTES, f"{kind.__name__} ({prefix}) can reach {size} bytes"


def test_an_id_longer_than_its_field_allows_cannot_be_encoded():
    with pytest.raises(cb.CallbackError):
        cb.encode(cb.ItemCard("x" * 41), FP)
    with pytest.raises(cb.CallbackError):
        cb.encode(cb.GroupPage("e" * 17, "economy"), FP)
    with pytest.raises(cb.CallbackError):
        cb.encode(cb.ItemCard("có-dấu"), FP)  # ids are ASCII by schema
    with pytest.raises(cb.CallbackError):
        cb.encode(cb.MenuPage("results", -1), FP)


@pytest.mark.parametrize("obj", [
    cb.Home(), cb.MenuPage("results", 3), cb.GroupPage("results", "economy", 2), cb.ItemCard("kq-grdp"),
    cb.ItemFigures("kq-grdp", 1), cb.FigureGroups(4), cb.FigureSection("p1.I.1", 2), cb.FigureCard("grdp"),
    cb.FigureQuote("grdp"), cb.Original("p1.I.1.1", 2), cb.SearchPage("0a1b2c3d", 5), cb.NotesList(),
    cb.NoteCard("vhtt-97-vs-91"), cb.Settings(),
])
def test_round_trip_starts_with_the_fingerprint(obj):
    data = cb.encode(obj, FP)
    assert data.startswith(FP[:4])
    assert len(data.encode()) <= 64
    assert cb.decode(data, FP) == obj
    assert cb.decode(data, "ffff0000") is None, "another pack's buttons are stale"
    assert cb.parse(data) == (FP[:4], obj)


def test_distinct_kinds_never_collide():
    datas = {cb.encode(o, FP) for o in (cb.NotesList(0), cb.NoteCard("a0"), cb.FigureCard("a0"),
                                        cb.FigureQuote("a0"), cb.FigureGroups(0), cb.ItemCard("a0"))}
    assert len(datas) == 6


@pytest.mark.parametrize("data", [
    "", "a1b2", "a1b2zz", "a1b2i", "a1b2i:", "a1b2i:a:b:c", "a1b2m:results:01", "a1b2m:results:99999",
    "a1b2m:results:-1", "a1b2m:results:x", "A1B2h", "a1b2h:1", "xxxxh", "a1b2i:<b>", "a1b2i:a b",
    "a1b2i:" + "x" * 41, "a1b2g:results:economy", "a1b2o:p1.I.1", "lang:vi", "a1b2i:kq\u00e9",
    "\x00\x01\x02", "a1b2h" + ":" * 59, "a1b2" + "h" * 60, "9" * 64, "a1b2q:" + "ệ" * 20,
])
def test_malformed_or_forged_data_decodes_to_none(data):
    assert cb.decode(data, FP) is None


def test_random_bytes_never_raise():
    for _ in range(2000):
        raw = os.urandom(int.from_bytes(os.urandom(1), "big") % 80)
        data = raw.decode("latin-1")
        assert cb.decode(data, FP) is None
    assert cb.decode(None, FP) is None
    assert cb.decode(b"a1b2h", FP) is None


def test_other_modules_register_their_own_kinds_without_editing_the_codec():
    @cb.register("zt")
    class Probe(cb.Callback):
        """A kind from "another module"."""

        thing: str
        page: int = 0

    try:
        data = cb.encode(Probe("abc", 7), FP)
        assert data == "a1b2zt:abc:7"
        assert cb.decode(data, FP) == Probe("abc", 7)
        with pytest.raises(cb.CallbackError):
            @cb.register("zt")
            class Clash(cb.Callback):
                pass
        with pytest.raises(cb.CallbackError):
            cb.register("TOO-LONG")
    finally:
        cb._REGISTRY.pop("zt", None)
