"""/broadcast (/thongbao): preview (escaped, exactly as sent, recipients, Stars when paid), Confirm and Cancel,
a second press, forged and stale buttons, empty and over-long text, non-administrators, a 403 from a chat that
blocked the bot, a chat no longer admitted, and a crash mid-broadcast (the restart resumes; nobody gets it twice)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.content.pack import load_pack
from bot.digest import runner as digest_runner
from bot.fakeapi import Call, FakeBotAPI
from bot.handlers import broadcast as handler
from bot.render import broadcast as view
from bot.render import callbacks as cb
from bot.render import info
from bot.simulate import chat_json, fake_api, press, press_button, running, send
from bot.store.broadcast_repo import BroadcastRepository
from tests.conftest import FakeTime, make_app

MINIPACK = Path(__file__).resolve().parent / "fixtures" / "minipack"
ADMIN, MEMBER = 1001, 2002
PRIVATE = [3001, 3002, 3003, 3004, 3005]
GROUP = -1009000


@pytest.fixture(scope="module")
def minipack() -> Any:
    return load_pack(MINIPACK)


@pytest.fixture
def admin_settings(settings: Any) -> Any:
    return dataclasses.replace(settings, admins=frozenset({ADMIN}), content_dir=MINIPACK)


def subscribe_everyone(app: Any) -> None:
    service = app.bot_data[digest_runner.DIGEST]
    for chat in PRIVATE:
        service.subscribe(chat, "private", "vi", chat)
    fake_api(app).register_chat(chat_json(GROUP, "supergroup"))
    service.subscribe(GROUP, "supergroup", "vi", MEMBER)


def deliveries(fake: FakeBotAPI) -> Counter[int]:
    """Announcements received per chat."""
    return Counter(int(c.params["chat_id"]) for c in fake.calls("sendMessage")
                   if int(c.params["chat_id"]) in [*PRIVATE, GROUP] and c.ok)


async def draft(app: Any, text: str) -> list[Call]:
    return await send(app, f"/thongbao {text}", user_id=ADMIN)


async def finish(app: Any) -> None:
    for task in list(app.bot_data.get(handler.TASKS, {}).values()):
        await task


async def test_preview_then_confirm_delivers_once_to_every_subscriber(admin_settings, minipack, catalogues,
                                                                      handler_errors):
    app = make_app(admin_settings, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        fake = fake_api(app)
        subscribe_everyone(app)
        calls = await draft(app, "Hội nghị <b>sáng</b> thứ Hai & 8:00\nĐề nghị các đồng chí dự đủ.")
        shown, preview = [c for c in calls if c.method == "sendMessage"]
        assert "&lt;b&gt;sáng&lt;/b&gt;" in shown.params["text"] and "&amp; 8:00\nĐề nghị" in shown.params["text"]
        assert shown.params["text"].startswith("📢 <b>")
        assert "6" in preview.params["text"] and "Stars" not in preview.params["text"]
        labels = [b["text"] for b in preview.params["reply_markup"]["inline_keyboard"][0]]
        assert len(labels) == 2
        assert deliveries(fake) == Counter()  # nothing goes out before the confirmation
        await press_button(app, 0, user_id=ADMIN)
        await finish(app)
        assert deliveries(fake) == Counter(dict.fromkeys([*PRIVATE, GROUP], 1))
        sent = next(c for c in fake.calls("sendMessage") if int(c.params["chat_id"]) == PRIVATE[0])
        assert sent.params["text"] == shown.params["text"] and "allow_paid_broadcast" not in sent.params
        final = fake.message(ADMIN, preview.result["message_id"])
        assert final is not None and "✅" in final["text"] and "6" in final["text"]
        # a second press on the same Confirm: answered, nothing sent again
        again = await press(app, preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
                            message=preview.result["message_id"], user_id=ADMIN)
        answer = next(c for c in again if c.method == "answerCallbackQuery")
        assert answer.params["text"] == view.answer_for(catalogues.get("vi"), "done")
        assert deliveries(fake) == Counter(dict.fromkeys([*PRIVATE, GROUP], 1))


async def test_cancel_sends_nothing_and_a_later_confirm_is_refused(admin_settings, minipack, catalogues,
                                                                   handler_errors):
    app = make_app(admin_settings, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        fake = fake_api(app)
        subscribe_everyone(app)
        calls = await draft(app, "Hủy thử")
        preview = calls[-1]
        confirm_data = preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await press_button(app, 1, user_id=ADMIN)
        assert "✖️" in fake.message(ADMIN, preview.result["message_id"])["text"]
        late = await press(app, confirm_data, message=preview.result["message_id"], user_id=ADMIN)
        answer = next(c for c in late if c.method == "answerCallbackQuery")
        assert answer.params["text"] == view.answer_for(catalogues.get("vi"), "cancelled")
        await finish(app)
        assert deliveries(fake) == Counter()


async def test_forged_stale_and_outsider_buttons_and_commands(admin_settings, minipack, catalogues, handler_errors):
    app = make_app(admin_settings, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        fake = fake_api(app)
        subscribe_everyone(app)
        vi = catalogues.get("vi")
        # an administrator's forged id, an id that never existed
        for data in ("0000bc:999:y", "ffffbc:12:n"):
            calls = await press(app, data, user_id=ADMIN)
            answer = next(c for c in calls if c.method == "answerCallbackQuery")
            assert answer.params["text"] == view.answer_for(vi, None)
        # an unknown action on a real draft
        preview = (await draft(app, "Thử"))[-1]
        bid = cb.parse(preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"])[1].bid
        calls = await press(app, cb.encode(view.BroadcastButton(bid, "z"), ""), user_id=ADMIN)
        assert next(c for c in calls if c.method == "answerCallbackQuery").params["text"] == info.stale_button(vi)
        # a member pressing the administrator's Confirm (a forwarded message): an unknown button, nothing sent
        calls = await press(app, cb.encode(view.BroadcastButton(bid, "y"), ""), user_id=MEMBER)
        assert next(c for c in calls if c.method == "answerCallbackQuery").params["text"] == info.stale_button(vi)
        # a member typing the command: the unknown-command answer
        for command in ("/broadcast xin chào", "/thongbao"):
            calls = await send(app, command, user_id=MEMBER)
            assert [c.params["text"] for c in calls] == [info.unknown_command(command.split()[0], vi)]
        await finish(app)
        assert deliveries(fake) == Counter()


async def test_empty_and_over_long_text_get_clear_answers(admin_settings, minipack, catalogues, handler_errors):
    app = make_app(admin_settings, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        vi = catalogues.get("vi")
        calls = await send(app, "/thongbao   ", user_id=ADMIN)
        assert calls[-1].params["text"] == view.usage(vi)
        header = view.utf16_len(view.header_plain(vi))
        calls = await draft(app, "a" * (4096 - header + 5))
        assert calls[-1].params["text"] == view.too_long(vi, 5)
        fits = await draft(app, "<" * (4096 - header))  # escaping does not count: Telegram counts the text
        assert "reply_markup" in fits[-1].params
        # in a group: prepared in private only
        calls = await send(app, "/thongbao@" + fake_api(app).bot_username + " x", user_id=ADMIN, chat_id=-5,
                           chat_type="group")
        assert calls[-1].params["text"] == view.private_only(vi)


async def test_a_blocked_chat_counts_as_blocked_and_a_revoked_one_is_skipped(settings, minipack, catalogues,
                                                                            handler_errors):
    allow = dataclasses.replace(settings, admins=frozenset({ADMIN}), access="allowlist",
                                allowlist=frozenset(PRIVATE[:-1]) | {MEMBER}, content_dir=MINIPACK)
    app = make_app(allow, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        fake = fake_api(app)
        subscribe_everyone(app)
        fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=PRIVATE[0])
        preview = (await draft(app, "Chặn thử"))[-1]
        await press_button(app, 0, user_id=ADMIN)
        await finish(app)
        got = deliveries(fake)
        assert PRIVATE[0] not in got and PRIVATE[-1] not in got  # blocked; no longer admitted
        assert got == Counter(dict.fromkeys([*PRIVATE[1:-1], GROUP], 1))
        bid = int(cb.parse(preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"])[1].bid)
        tally = BroadcastRepository(app.bot_data["store"].db).tally(bid)
        assert (tally.sent, tally.blocked, tally.skipped, tally.failed) == (4, 1, 1, 0)
        assert app.bot_data[digest_runner.DIGEST].active(PRIVATE[0]) is None  # as a digest's 403 does
        final = fake.message(ADMIN, preview.result["message_id"])["text"]
        assert "4" in final and "1" in final


async def test_paid_broadcast_preview_says_stars_and_sends_paid(admin_settings, minipack, catalogues,
                                                                handler_errors):
    paid = dataclasses.replace(admin_settings, paid_broadcast=True)
    app = make_app(paid, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        fake = fake_api(app)
        subscribe_everyone(app)
        preview = (await draft(app, "Trả phí"))[-1]
        assert "Star" in preview.params["text"] and "0,6" in preview.params["text"]
        await press_button(app, 0, user_id=ADMIN)
        await finish(app)
        sent = [c for c in fake.calls("sendMessage") if int(c.params["chat_id"]) in PRIVATE]
        assert len(sent) == len(PRIVATE) and all(c.params.get("allow_paid_broadcast") for c in sent)


async def test_a_crash_mid_broadcast_resumes_at_restart_and_nobody_gets_it_twice(admin_settings, minipack,
                                                                                   catalogues, handler_errors):
    first_fake = FakeBotAPI()
    app = make_app(admin_settings, first_fake, minipack, catalogues, handler_errors, time=FakeTime())
    sent_before: list[int] = []

    def crash_after_three(call: Call) -> Any:
        chat = call.params.get("chat_id")
        if call.method == "sendMessage" and chat is not None and int(chat) in [*PRIVATE, GROUP]:
            sent_before.append(int(chat))
            if len(sent_before) == 3:  # the third is delivered, then the process dies before recording it
                for task in app.bot_data[handler.TASKS].values():
                    task.cancel()
        return None

    async with running(app):
        subscribe_everyone(app)
        preview = (await draft(app, "Sự cố giữa chừng"))[-1]
        first_fake.set_responder(crash_after_three)
        await press_button(app, 0, user_id=ADMIN)
        for task in list(app.bot_data[handler.TASKS].values()):
            with pytest.raises(asyncio.CancelledError):
                await task
        app.bot_data[handler.TASKS] = {}
    assert 3 <= len(sent_before) < len(PRIVATE) + 1  # requests already in flight went out too
    second_fake = FakeBotAPI()
    restarted = make_app(admin_settings, second_fake, minipack, catalogues, handler_errors, time=FakeTime())
    second_fake.register_chat(chat_json(GROUP, "supergroup"))
    async with running(restarted):  # post_init resumes the broadcast
        await finish(restarted)
        after = deliveries(second_fake)
        bid = int(cb.parse(preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"])[1].bid)
        repo = BroadcastRepository(restarted.bot_data["store"].db)
        tally, rows = repo.tally(bid), dict(repo.deliveries(bid))
    everyone = Counter(sent_before) + after
    uncertain = {chat for chat, status in rows.items() if status == "sending"}
    assert max(everyone.values()) == 1, everyone  # nobody twice
    # the chats the crash caught mid-request are uncertain (maybe delivered), never resent; the rest got it
    assert not uncertain & set(after)
    assert set(everyone) | uncertain == {*PRIVATE, GROUP}
    assert tally.sent + tally.uncertain == len(PRIVATE) + 1
    assert set(after) and set(after).isdisjoint(sent_before)
    edits = [c for c in second_fake.calls("editMessageText") if int(c.params["chat_id"]) == ADMIN]
    assert edits and "✅" in edits[-1].params["text"]


async def test_progress_is_edited_as_it_goes_and_ends_with_the_count(admin_settings, minipack, catalogues,
                                                                     handler_errors):
    app = make_app(admin_settings, FakeBotAPI(), minipack, catalogues, handler_errors, time=FakeTime())
    async with running(app):
        fake = fake_api(app)
        service = app.bot_data[digest_runner.DIGEST]
        many = [5000 + n for n in range(60)]
        for chat in many:
            service.subscribe(chat, "private", "vi", chat)
        preview = (await draft(app, "Tiến độ"))[-1]
        await press_button(app, 0, user_id=ADMIN)
        await finish(app)
        edits = [c.params["text"] for c in fake.calls("editMessageText", chat_id=ADMIN)
                 if c.params.get("message_id") == preview.result["message_id"]]
        # the first edit on confirming, then every 10% (6 chats) or 5 seconds, then the final count
        assert 5 <= len(edits) <= 14, edits
        assert edits[0].startswith("📤") and "0/60" in edits[0]
        assert any("30/60" in e or "36/60" in e for e in edits[1:-1])
        assert edits[-1].startswith("✅") and "60" in edits[-1]
        assert sum(1 for c in fake.calls("sendMessage") if int(c.params["chat_id"]) in many) == 60
