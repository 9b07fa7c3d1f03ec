"""/stats end to end: users, subscribers, digests from the ledger, and what people look up (private
text, inline, /search), counted by text with no user id, in a bounded table."""

from __future__ import annotations

import dataclasses
import sqlite3

from bot.access.lookups import QUERY_CHARS, TYPING_MAX, TYPING_SECONDS, LookupRecorder, normalise
from bot.simulate import inline, send, settle
from bot.store import Store
from bot.store.access_repo import AccessRepository
from tests.access_helpers import ADMIN, started, text


async def test_stats_counts_lookups_found_and_missed_without_user_ids(settings, content_pack, catalogues,
                                                                     search_index) -> None:
    settings_ = dataclasses.replace(settings, admins=frozenset({ADMIN}))
    async with started(settings_, content_pack, catalogues, search_index) as (app, _):
        for user in (2001, 2002, 2003):
            await send(app, "GRDP", user_id=user)
        await send(app, "grdp  ", user_id=2004)
        await send(app, "sân bay vũ trụ", user_id=2001)
        for typed in ("sân", "sân bay", "sân bay vũ trụ"):  # inline queries arrive as people type
            await inline(app, typed, user_id=2002)
        await inline(app, "chỉ tiêu", user_id=2002)  # another query: the one before is counted, once
        await send(app, "/search sân bay vũ trụ", user_id=2003)
        await send(app, "xin chào", user_id=2003)  # a greeting is not a lookup
        await send(app, "/subscribe 7:00", user_id=2001)
        await send(app, "/help", user_id=ADMIN)  # noted before /stats reads: the count does not race
        recorder = app.bot_data["lookup_recorder"]
        await recorder.settle()
        await settle(app)
        calls = await send(app, "/stats", user_id=ADMIN)
        shown = text(calls[-1])
        assert "Thống kê" in shown and "Đăng ký bản tin: 1 cá nhân, 0 nhóm" in shown
        assert "4 × grdp" in shown
        missed = shown.split("báo cáo không có")[1]
        assert "3 × sân bay vũ trụ" in missed and "grdp" not in missed
        assert "× sân\n" not in shown and "sân bay\n" not in shown  # what was on the way is not counted
        assert "xin chào" not in shown
        assert "Hôm nay: 0 đã gửi, 0 lỗi, 0 chưa rõ" in shown
        assert content_pack.meta.version in shown
        assert "Người dùng: 5 đang dùng (tổng cộng 5)" in shown  # four users and the administrator
        with sqlite3.connect(settings_.database_path) as conn:
            columns = [r[1] for r in conn.execute("PRAGMA table_info(lookup_stats)")]
            assert columns == ["query", "found", "missed", "last_at"]  # no user, no chat


def test_lookup_texts_are_normalised_and_the_table_is_bounded(tmp_path) -> None:
    assert normalise("  GRDP?  ") == normalise("grdp") == "grdp"
    assert normalise("Tăng   trưởng!") == "tăng trưởng"
    assert len(normalise("x" * 5000)) == QUERY_CHARS
    store = Store.open(tmp_path / "bot.sqlite3")
    repo = AccessRepository(store.db)
    repo.count_lookups([(f"q{n}", n, 0) for n in range(50)], at=1, kept=10)
    repo.count_lookups([("new", 0, 1)], at=2, kept=10)
    assert repo.lookup_rows() == 10
    assert [q for q, _ in repo.top_lookups(3)] == ["q49", "q48", "q47"]  # the most used survive
    store.close()


async def test_inline_queries_are_counted_once_typed_and_no_one_is_kept() -> None:
    written: list[tuple[str, int, int]] = []

    async def flush(batch: list[tuple[str, int, int]]) -> None:
        written.extend(batch)

    now = [0.0]
    recorder = LookupRecorder(flush, clock=lambda: now[0])
    for typed in ("g", "gr", "grd", "grdp", "grd"):  # typing, and a backspace
        recorder.typing(1, typed, True)
    recorder.typing(2, "dân số", False)
    now[0] = TYPING_SECONDS + 1  # they stopped typing: counted on the next query from anyone
    recorder.typing(3, "x", True)
    await recorder.settle()
    assert sorted(written) == [("dân số", 0, 1), ("grd", 1, 0)]
    for who in range(TYPING_MAX + 5):  # bounded: the oldest are counted rather than remembered
        recorder.typing(100 + who, f"q{who}", True)
    assert len(recorder._typing) <= TYPING_MAX
    recorder.stop_typing()
    await recorder.settle()
    # every query counted, or (past PENDING_MAX distinct texts waiting for the writer) dropped and counted
    assert len(recorder._typing) == 0 and len(written) + recorder.dropped == 2 + TYPING_MAX + 5 + 1
