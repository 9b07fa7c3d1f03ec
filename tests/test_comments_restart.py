"""Comments through a restart, a crash, the conversation's timeout and a content reload; and an outsider.

A restart is a new Application over the same data folder (and a new fake Telegram: the old messages are
not in it, as after a real restart nothing is in memory)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest

from bot.content.pack import load_pack
from bot.fakeapi import FakeBotAPI, parse_html
from bot.render import comments as view
from bot.simulate import last_buttons, press, press_button, send
from bot.store.comments_repo import CommentRepository
from bot.store.conversations import ConversationRepository
from tests.comments_helpers import (
    SECTION,
    Clock,
    answer,
    data,
    hanoi,
    harness,
    repo,
    shown,
    start_comment,
    write_comment,
)

MINIPACK = Path(__file__).resolve().parent / "fixtures" / "minipack"
INSIDER, OUTSIDER = 5, 6


@pytest.fixture
def clock() -> Clock:
    return Clock(hanoi(26, 9))


@pytest.fixture
def start(settings, content_pack, catalogues, search_index, clock):
    return harness(settings, content_pack, catalogues, search_index, clock)


def states(app: Any) -> dict[Any, object]:
    return ConversationRepository(app.bot_data["store"].db).load("comments")


async def test_a_restart_mid_conversation_continues_the_conversation_and_the_draft(start):
    async with start() as (app, _):
        await start_comment(app)  # the prompt for the text is out; the cadre stops to think
        assert states(app) == {(1001, 1001): "text"}
    async with start() as (app, _):
        after = await send(app, "Viết sau khi bot khởi động lại.")
        assert "Đồng chí góp ý với tư cách" in shown(after), "the text went to the comment, not to a lookup"
        assert repo(app).draft(1001, SECTION).body == "Viết sau khi bot khởi động lại."
        await press_button(app, "Đảng viên")
        await send(app, "Chi bộ 3")
    async with start() as (app, _):
        # the preview's Send, tapped after another restart (its message is from before)
        sent = await press(app, data(app, view.CommentAction("send", SECTION)))
        assert "Đã gửi góp ý của đồng chí về Phần I, mục I.1.1" in shown(sent)
        [comment] = repo(app).all()
        assert (comment.stance, comment.body, comment.unit) == ("disagree", "Viết sau khi bot khởi động lại.",
                                                                 "Chi bộ 3")


async def test_a_crash_mid_conversation_loses_neither_state_nor_draft(start):
    """PTB writes conversation states every minute and at shutdown; a crash comes before. Each step has
    written its state with the draft already."""
    async with start() as (app, _):
        async def crashed(*args: Any, **kwargs: Any) -> None:
            return None  # PTB's own writes never happen

        app.persistence.update_conversation = crashed
        await start_comment(app, stance="🔶 Đồng ý một phần")
    async with start() as (app, _):
        after = await send(app, "Sau sự cố.")
        assert "Đồng chí góp ý với tư cách" in shown(after)
        assert repo(app).draft(1001, SECTION).stance == "partly"


async def test_a_conversation_older_than_its_timeout_comes_back_ended(start, monkeypatch):
    async with start() as (app, _):
        await start_comment(app)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    async with start() as (app, _):
        monkeypatch.setattr(time, "time", real)
        looked = await send(app, "grdp")
        assert "GRDP" in shown(looked), "a stale conversation does not take the text"
        assert repo(app).draft(1001, SECTION) is not None, "the draft stays"


def timeout_job(app: Any) -> Any:
    [job] = [j for j in app.job_queue.jobs() if getattr(j.callback, "__name__", "") == "_trigger_timeout"]
    return job


async def test_the_timeout_ends_the_conversation_and_keeps_the_draft(app):
    await start_comment(app)
    fake = app.bot.request
    before = len(fake.calls())
    await timeout_job(app).run(app)
    [notice] = [c for c in fake.calls()[before:] if c.method == "sendMessage"]
    said = parse_html(notice.text)
    assert "Góp ý của đồng chí về Phần I, mục I.1.1 — Công nghiệp - xây dựng chưa được gửi." in said
    assert [b["text"] for b in notice.buttons] == ["▶️ Tiếp tục", "🗑 Bỏ bản nháp"]
    assert "GRDP" in shown(await send(app, "grdp")), "after the timeout a text is a lookup again"
    assert repo(app).draft(1001, SECTION) is not None
    prompt = await press(app, notice.buttons[0]["callback_data"], message=notice.result["message_id"])
    assert "Đồng chí gửi nội dung góp ý trong tin nhắn tiếp theo" in shown(prompt)
    await write_comment(app, "Tiếp tục sau khi tạm dừng.", begun=True)
    await press_button(app, "Gửi")
    assert repo(app).all()[0].body == "Tiếp tục sau khi tạm dừng."


def reply_to(app: Any, message_id: int, chat_id: int = 1001) -> dict[str, Any]:
    """A reply to a bot message, as Telegram sends it (the replied message with its keyboard)."""
    fake = app.bot.request
    shown_now = fake.message(chat_id, message_id) or {}
    return {"reply_to_message": {
        "message_id": message_id, "date": int(time.time()), "chat": fake.chat(chat_id),
        "from": {"id": fake.bot_id, "is_bot": True, "first_name": "Briefing Bot", "username": fake.bot_username},
        "text": parse_html(shown_now.get("text") or "…"), "reply_markup": shown_now.get("reply_markup")}}


async def test_a_reply_to_the_prompt_is_the_text_even_after_the_timeout(app):
    prompt = await start_comment(app)
    prompt_id = [c for c in prompt if c.method == "editMessageText"][-1].params["message_id"]
    await timeout_job(app).run(app)
    replied = await send(app, "Trả lời tin nhắn của bot.", extra=reply_to(app, prompt_id))
    assert "Đồng chí góp ý với tư cách" in shown(replied)
    assert repo(app).draft(1001, SECTION).body == "Trả lời tin nhắn của bot."
    # a reply to a message that is not a comment's is what it always was
    card = await send(app, "grdp")
    card_id = [c for c in card if c.method == "sendMessage"][-1].result["message_id"]
    looked = await send(app, "fdi", extra=reply_to(app, card_id))
    assert "FDI" in shown(looked)
    # a reply to a section's comment message before a stance is chosen: there is nothing to write into yet
    await send(app, "/start c_p1-I-1-2")
    stances = app.bot.request.last_keyboard_message(1001)[0]
    early = await send(app, "Chưa chọn ý kiến.", extra=reply_to(app, stances))
    assert shown(early) == "Đồng chí chọn ý kiến bằng các nút của tin nhắn đó trước."
    assert repo(app).draft(1001, "p1.I.1.2") is None
    assert "Đã hủy: chưa gửi góp ý nào." in shown(await press_button(app, "✖️ Hủy"))


async def test_a_comment_on_a_section_a_reload_removed_is_kept_with_its_old_anchor(start, settings):
    mini = load_pack(MINIPACK)
    admin = dataclasses.replace(settings, admins=frozenset({1001}))
    async with start(settings_=admin, pack=mini) as (app, _):
        await write_comment(app, "Về giảm nghèo.", section="p1.2")
        await press_button(app, "Gửi")
        await write_comment(app, "Bản nháp chưa gửi.", section="p1.1", audience=None)
    async with start(settings_=admin) as (app, _):  # the content pack changed: p1.2 is no longer there
        mine = shown(await send(app, "/gopy của tôi"))
        assert "Phần I, mục 2 — Giảm nghèo (không còn trong bản hiện hành)" in mine
        page = shown(await press_button(app, "1. 2 — Giảm nghèo"))
        assert "Về giảm nghèo." in page
        assert [b["text"] for b in last_buttons(app)] == ["🗑 Rút góp ý", "📋 Góp ý của tôi"], "no Edit"
        stats = shown(await send(app, "/tonghopgopy"))
        assert "Phần I, mục 2 — Giảm nghèo (không còn trong bản hiện hành) — 1: ✅ 0 · ❌ 1 · 🔶 0" in stats
        gone = await press(app, data(app, view.CommentAction("send", "p1.1")))
        assert answer(gone)["text"] == "Mục này không còn trong bản dự thảo hiện hành."
        assert repo(app).draft(1001, "p1.1") is None
        assert [(c.section_id, c.place.anchor) for c in repo(app).all()] == [("p1.2", "2")]


async def test_an_outsider_under_bot_access_is_refused_like_everything_else(start, settings):
    restricted = dataclasses.replace(settings, access="allowlist", allowlist=frozenset({INSIDER}))
    async with start(settings_=restricted, fake=FakeBotAPI()) as (app, _):
        fp = app.bot_data["pack"].fingerprint
        from bot.render import callbacks as cb

        for n, tap in enumerate((view.CommentOpen(SECTION), view.CommentStance(SECTION, "disagree"),
                                 view.CommentAction("send", SECTION))):
            calls = await press(app, cb.encode(tap, fp), user_id=OUTSIDER)
            assert [c.method for c in calls] == ["answerCallbackQuery"] and not calls[0].params.get("url")
            # Told once (issue 13): the first tap's alert has the refusal, with the id to pass on.
            assert (str(OUTSIDER) in (calls[0].params.get("text") or "")) == (n == 0)
        for typed in ("/gopy", "/start c_p1-I-1-1", "/comments", "Một góp ý"):
            assert await send(app, typed, user_id=OUTSIDER) == [], typed  # told already: silence
        db = app.bot_data["store"].db
        for table in ("comments", "comment_drafts", "commenters", "conversations", "comment_events"):
            assert db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
        await write_comment(app, "Người trong danh sách góp ý được.", user_id=INSIDER)
        await press_button(app, "Gửi", user_id=INSIDER)
        assert [c.user_id for c in CommentRepository(db).all()] == [INSIDER]


async def test_comments_and_drafts_are_in_the_backup(start, settings, tmp_path):
    from bot.store.backup import backup
    from bot.store.database import Database

    async with start() as (app, _):
        await write_comment(app, "Có trong bản sao lưu.")
        await press_button(app, "Gửi")
        await write_comment(app, "Bản nháp cũng vậy.", section="p1.I.1.2", audience=None)
        await app.bot_data["store"].settle()
        copy = backup(settings.database_path, tmp_path / "copy.sqlite3").path  # while the bot runs
    db = Database(copy).open(migrate=False)
    try:
        saved = CommentRepository(db)
        assert [c.body for c in saved.all()] == ["Có trong bản sao lưu."]
        assert [d.body for d in saved.drafts(1001)] == ["Bản nháp cũng vậy."]
        assert saved.commenter(1001).unit == "Chi bộ thôn Đông"
    finally:
        db.close()
