"""The daily digest end to end: the real Application over FakeBotAPI, with a controllable clock.

The service's clock, sleep and delivery policy are injected through bot_data before the application
starts; ticks are awaited directly (tick_now) instead of waiting for the job queue.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.digest import runner
from bot.digest.compose import FigureChange, candidate_lists, compose
from bot.digest.service import DeliveryPolicy
from bot.fakeapi import FakeBotAPI, parse_html, utf16_len
from bot.render import callbacks as cb
from bot.render import digest as view
from bot.render.digest import render_digest
from bot.simulate import chat_json, feed, press, press_button, send, settle, user_json
from bot.store.digest_repo import LedgerRepository
from tests.conftest import FakeTime, make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
USER = 1001
GROUP = -100777


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, day: int, hour: int, minute: int = 0) -> None:
        self.at = hanoi(day, hour, minute)


def hanoi(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026 in Hanoi: the 26th is a Thursday, the 28th a Saturday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def clock() -> Clock:
    return Clock(hanoi(26, 6, 0))


@pytest.fixture
def sleeps(fake_time: FakeTime) -> list[float]:
    """What the digest service slept (pacing, retry_after, backoff), on fake time."""
    return fake_time.slept


@pytest.fixture
def harness(settings, content_pack, catalogues, search_index, clock, fake_time):
    """Builds applications over one data dir (so a test can restart the bot), each on its own fake API."""

    @asynccontextmanager
    async def start(fake: FakeBotAPI | None = None, *, pack: Any = None, settings_: Any = None,
                    policy: DeliveryPolicy | None = None, schedule: bool = False,
                    errors: list[BaseException] | None = None) -> AsyncIterator[Any]:
        errors = [] if errors is None else errors
        app = make_app(settings_ or settings, fake or FakeBotAPI(), pack or content_pack, catalogues, errors,
                       search_index, fake_time)
        app.bot_data[runner.CLOCK] = clock
        app.bot_data[runner.SCHEDULE] = schedule
        if policy is not None:
            app.bot_data[runner.POLICY] = policy
        from bot.simulate import running

        async with running(app):
            yield app
        assert not errors, errors

    return start


def sub_of(app: Any, chat_id: int = USER) -> Any:
    return app.bot_data[runner.DIGEST].subscriptions.get(chat_id)


def digests(fake: FakeBotAPI, chat_id: int | None = None) -> list[Any]:
    """Digest messages the fake delivered (answered), oldest first."""
    return [c for c in fake.calls("sendMessage", chat_id) if c.result is not None and _is_digest(c.text or "")]


def _is_digest(text: str) -> bool:
    return text.startswith(("📰 <b>Bản tin số", "📰 <b>Digest No."))


def button_data(call: Any, label: str) -> str:
    for b in call.buttons:
        if label.lower() in b["text"].lower():
            return b["callback_data"]
    raise AssertionError(f"no button {label!r} in {[b['text'] for b in call.buttons]}")


# ---------------------------------------------------------------------------------------------
# /subscribe and /unsubscribe


@pytest.mark.parametrize(
    ("typed", "minute", "shown"),
    [("7", 420, "07:00"), ("7h", 420, "07:00"), ("7:30", 450, "07:30"), ("07.30", 450, "07:30"),
     ("19h15", 1155, "19:15"), ("6:45", 405, "06:45"), ("0:00", 0, "00:00")],
)
async def test_subscribe_accepts_what_people_type(harness, clock, typed, minute, shown) -> None:
    async with harness() as app:
        calls = await send(app, f"/subscribe {typed}")
        assert sub_of(app).minute_of_day == minute
        reply = calls[-1].text
        assert shown in reply
        assert "thứ " in reply.lower() and "tháng" in reply  # the next digest's day, in Vietnamese


@pytest.mark.parametrize("typed", ["25:00", "abc", "7:75", "24h", "7:5:3", "<b>7</b>"])
async def test_subscribe_rejects_nonsense_with_an_example(harness, typed) -> None:
    async with harness() as app:
        calls = await send(app, f"/dangky {typed}")
        reply = calls[-1].text
        assert "/dangky 7:30" in reply  # the Vietnamese name of /subscribe, for a Vietnamese reader
        assert sub_of(app) is None
        parse_html(reply)  # the echo of the typed text is escaped


async def test_default_time_and_when_the_next_digest_comes_in_each_language(harness, clock) -> None:
    async with harness() as app:
        calls = await send(app, "/subscribe", lang="en")
        assert sub_of(app).minute_of_day == 7 * 60
        assert "Next digest: Thursday, November 26, 2026 at 07:00" in calls[-1].text
        clock.set(26, 8)  # after today's time: the next one is tomorrow
        calls = await send(app, "/dangky", user_id=2002, lang="vi")
        assert "07:00 thứ Sáu, ngày 27 tháng 11 năm 2026" in calls[-1].text
        clock.set(27, 7)
        await runner.tick_now(app)
        assert [c.chat_id for c in digests(handlers_fake(app))] == [USER, 2002]


def handlers_fake(app: Any) -> FakeBotAPI:
    return app.bot.request


async def test_unsubscribe_stops_the_digest(harness, clock) -> None:
    async with harness() as app:
        calls = await send(app, "/unsubscribe")
        assert "not subscribed" in calls[-1].text or "chưa đăng ký" in calls[-1].text.lower() \
            or calls[-1].text  # answered, never silent
        await send(app, "/subscribe 7:00")
        await send(app, "/huy")
        assert not sub_of(app).active
        clock.set(26, 7)
        report = await runner.tick_now(app)
        assert report.sent == 0
        assert digests(handlers_fake(app)) == []
        await send(app, "/subscribe")  # comes back at the default time
        assert sub_of(app).active and sub_of(app).minute_of_day == 420


# ---------------------------------------------------------------------------------------------
# Settings


async def test_settings_buttons_edit_in_place_and_change_the_subscription(harness, content_pack) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        await send(app, "/subscribe 7:00", lang="en")
        calls = await send(app, "/digest settings", lang="en")
        screen = calls[-1]
        message_id = screen.result["message_id"]
        assert "07:00" in screen.text and "every day" in screen.text

        calls = await press_button(app, "Weekdays only", lang="en")
        assert calls[0].method == "answerCallbackQuery"  # answered at once
        assert calls[-1].method == "editMessageText" and calls[-1].params["message_id"] == message_id
        assert sub_of(app).weekdays_only
        assert "Monday to Friday" in calls[-1].text

        economy = content_pack.fields["economy"]
        await press_button(app, economy.title.en, lang="en")
        assert "economy" not in sub_of(app).fields and len(sub_of(app).fields) == len(content_pack.fields) - 1
        await press_button(app, economy.title.en, lang="en")
        assert sub_of(app).fields == ()  # all fields again

        await press_button(app, "Pause", lang="en")
        assert sub_of(app).paused
        assert "when you resume" in fake.last("editMessageText").text
        await press_button(app, "Resume", lang="en")
        assert not sub_of(app).paused

        calls = await press_button(app, "Time:", lang="en")
        assert "/subscribe 6:45" in calls[-1].text
        labels = [b["text"] for b in calls[-1].buttons]
        for shown in ("06:00", "06:30", "✓ 07:00", "07:30", "08:00", "12:00", "18:00", "20:00", "21:00"):
            assert shown in labels
        await press_button(app, "20:00", lang="en")
        assert sub_of(app).minute_of_day == 20 * 60
        assert "20:00" in fake.last("editMessageText").text

        calls = await press_button(app, "Tiếng Việt", lang="en")
        assert "Trạng thái" in calls[-1].text or "Giờ" in calls[-1].text
        assert sub_of(app).lang == "vi"

        await press_button(app, "Hủy", lang="vi")
        assert not sub_of(app).active
        calls = await press_button(app, "07:00", lang="vi")  # the "subscribe at 07:00" offer
        assert sub_of(app).active and sub_of(app).minute_of_day == 420
        assert all(c.params.get("message_id") == message_id for c in fake.calls("editMessageText"))


async def test_settings_from_the_main_menu_and_subscribe_there(harness) -> None:
    async with harness() as app:
        calls = await send(app, "/menu", lang="en")
        calls = await press(app, button_data(calls[-1], "Daily digest"), lang="en")
        assert calls[0].method == "answerCallbackQuery"
        assert "not subscribed" in calls[-1].text
        calls = await press_button(app, "Subscribe at 07:00", lang="en")
        assert sub_of(app).minute_of_day == 420
        assert "Next digest" in calls[-1].text
        calls = await press_button(app, "Home", lang="en")  # back to the UI's main menu, same message
        assert calls[-1].method == "editMessageText" and "Daily digest" in str(calls[-1].buttons)


async def test_digest_kinds_stay_under_64_bytes() -> None:
    kinds = [k for k in cb.registered().values() if issubclass(k, view.DigestButton)]
    assert len(kinds) == 14
    assert all(cb.max_payload_bytes(k) <= 64 for k in kinds)
    assert cb.registered()["d"] is view.DigestHome


async def test_digest_commands_are_in_the_command_menu(harness) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        for lang, wanted in (("vi", {"dangky", "huy", "bantin"}), ("en", {"subscribe", "unsubscribe", "digest"})):
            names = [c["command"] for c in fake.commands("all_private_chats", lang)]
            assert wanted <= set(names)
            groups = [c["command"] for c in fake.commands("all_group_chats", lang)]
            assert wanted <= set(groups)


# ---------------------------------------------------------------------------------------------
# /digest now and the schedule


async def test_digest_now_does_not_disturb_the_schedule(harness, clock) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        service = app.bot_data[runner.DIGEST]
        await send(app, "/subscribe 7:00")
        clock.set(26, 6, 30)
        await send(app, "/bantin")
        preview = digests(fake)[-1]
        assert "Bản tin số 1" in preview.text
        assert service.ledger.rows_for(USER) == []
        assert sub_of(app).position == 0
        clock.set(26, 7)
        report = await runner.tick_now(app)
        assert report.sent == 1
        scheduled = digests(fake)[-1]
        assert scheduled.text == preview.text  # the same digest, delivered on time
        await send(app, "/digest")  # after today's went out: today's again, not tomorrow's
        assert digests(fake)[-1].text == preview.text
        assert sub_of(app).position == 1
        clock.set(27, 7)
        await runner.tick_now(app)
        assert "Bản tin số 2" in digests(fake)[-1].text


async def test_rotation_over_days_never_repeats_a_result(harness, clock, content_pack) -> None:
    results = candidate_lists(content_pack, ())["result"]
    days = min(len(results), 4)
    async with harness() as app:
        fake = handlers_fake(app)
        await send(app, "/subscribe 7:00")
        for offset in range(days):
            clock.at = hanoi(26, 7).replace(day=26 + offset)
            await runner.tick_now(app)
        sent = digests(fake)
        assert len(sent) == days
        shown = [next(b["callback_data"] for b in c.buttons if b["text"].startswith("✅")) for c in sent]
        assert len(set(shown)) == days


async def test_digest_buttons_open_cards_below_and_keep_the_digest(harness, clock) -> None:
    async with harness() as app:
        await send(app, "/subscribe 7:00")
        clock.set(26, 7)
        await runner.tick_now(app)
        fake = handlers_fake(app)
        message = digests(fake)[-1]
        pack = app.bot_data["pack"]
        actions = [cb.decode(b["callback_data"], pack.fingerprint) for b in message.buttons]
        assert all(isinstance(a, view.DigestButton) for a in actions)
        assert isinstance(actions[0], view.DigestFigure)
        assert all(isinstance(a, view.DigestItem) for a in actions[1:-1]) and len(actions) > 2
        assert isinstance(actions[-1], view.DigestOpen)
        calls = await press(app, message.buttons[1]["callback_data"], message=message.result["message_id"])
        assert calls[0].method == "answerCallbackQuery"
        assert [c.method for c in calls[1:]] == ["sendMessage"]  # a new message; the digest is not edited
        item = actions[1]
        assert isinstance(item, view.DigestItem)
        assert pack.items[item.item].title in parse_html(calls[-1].params["text"])
        calls = await press(app, message.buttons[0]["callback_data"], message=message.result["message_id"])
        figure = actions[0]
        assert isinstance(figure, view.DigestFigure)
        assert pack.figures[figure.figure].label in parse_html(calls[-1].params["text"])
        forged = cb.encode(view.DigestItem("no-such-item"), pack.fingerprint)
        calls = await press(app, forged, message=message.result["message_id"])
        assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_digest_status_is_for_bot_admins_only(harness, settings) -> None:
    async with harness(settings_=dataclasses.replace(settings, admins=frozenset({USER}))) as app:
        await send(app, "/subscribe 7:00", user_id=2002)
        calls = await send(app, "/digest status", user_id=2002)
        assert "Đang nhận bản tin" not in calls[-1].text and _is_digest(calls[-1].text)
        calls = await send(app, "/digest status")
        assert "Đang nhận bản tin: 1" in calls[-1].text and "Đã gửi: 0" in calls[-1].text


# ---------------------------------------------------------------------------------------------
# Groups


async def test_group_admin_subscribes_and_a_member_is_refused(harness) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        fake.set_member_status(GROUP, 11, "administrator")
        fake.set_member_status(GROUP, 12, "member")
        calls = await send(app, "/subscribe@briefing_test_bot 8:00", user_id=12, chat_id=GROUP,
                           chat_type="supergroup")
        assert sub_of(app, GROUP) is None
        assert "quản trị" in calls[-1].text  # a polite refusal, in Vietnamese
        assert any(c.method == "getChatMember" for c in calls)
        await send(app, "/subscribe 8:00", user_id=11, chat_id=GROUP, chat_type="supergroup")
        assert sub_of(app, GROUP).minute_of_day == 480 and sub_of(app, GROUP).chat_type == "supergroup"

        calls = await send(app, "/digest settings", user_id=12, chat_id=GROUP, chat_type="supergroup")
        data = button_data(calls[-1], "Tạm dừng")
        calls = await press(app, data, user_id=12, chat_id=GROUP)
        assert calls[-1].method == "answerCallbackQuery" and calls[-1].params.get("show_alert")
        assert not sub_of(app, GROUP).paused
        await send(app, "/huy", user_id=12, chat_id=GROUP, chat_type="supergroup")
        assert sub_of(app, GROUP).active
        await press(app, data, user_id=11, chat_id=GROUP)
        assert sub_of(app, GROUP).paused
        await send(app, "/unsubscribe", user_id=11, chat_id=GROUP, chat_type="supergroup")
        assert not sub_of(app, GROUP).active


async def test_anonymous_group_admin_writes_as_the_group(harness) -> None:
    async with harness() as app:
        group = chat_json(GROUP, "supergroup")
        await send(app, "/subscribe 6:30", user_id=1087968824, first_name="Group", chat_id=GROUP,
                   chat_type="supergroup", extra={"sender_chat": group})
        assert sub_of(app, GROUP).minute_of_day == 390


# ---------------------------------------------------------------------------------------------
# Telegram's errors


async def test_403_deactivates_and_start_reactivates(harness, clock) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        for user in (USER, 2002):
            await send(app, "/subscribe 7:00", user_id=user)
        fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=USER)
        clock.set(26, 7)
        report = await runner.tick_now(app)
        assert report.sent == 1 and report.deactivated == 1
        assert not sub_of(app).active
        clock.set(27, 7)
        fake.clear()
        await runner.tick_now(app)
        assert [c.chat_id for c in fake.calls("sendMessage")] == [2002]  # not tried again
        await send(app, "/start")
        assert sub_of(app).active
        clock.set(28, 7)
        fake.clear()
        await runner.tick_now(app)
        assert sorted(c.chat_id for c in digests(fake)) == [USER, 2002]


async def test_chat_not_found_deactivates_and_subscribe_reactivates(harness, clock) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        await send(app, "/subscribe 7:00")
        fake.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=USER)
        clock.set(26, 7)
        await runner.tick_now(app)
        assert not sub_of(app).active
        await send(app, "/subscribe")
        assert sub_of(app).active and sub_of(app).minute_of_day == 420


async def test_429_reaches_the_service_at_once_which_holds_the_run(harness, clock, sleeps) -> None:
    """The production 429 path: a digest's 429 is not retried (nor slept on) by the AIORateLimiter; the
    service sees it on the first 429, holds every delivery for retry_after, then retries that chat."""
    async with harness() as app:
        fake = handlers_fake(app)
        for user in (USER, 2002, 2003):
            await send(app, "/subscribe 7:00", user_id=user)
        fake.fail("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5, chat_id=USER, times=2)
        fake.clear()
        clock.set(26, 7)
        report = await runner.tick_now(app)
        assert report.rate_limited == 2 and report.sent == 3
        refused = [c for c in fake.calls("sendMessage", USER) if c.error]
        assert len(refused) == 2 and len(digests(fake, USER)) == 1  # each 429 came back to the service
        assert [round(s) for s in sleeps if s >= 1] == [5, 5]  # the service's hold, on fake time
        assert app.bot.rate_limiter is not None  # through the production limiter all the same


async def test_a_reply_429_is_retried_by_the_limiter(harness) -> None:
    """Replies to users keep PTB's retries: one 429 (retry_after=1), then the same reply gets through."""
    async with harness() as app:
        fake = handlers_fake(app)
        fake.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=USER)
        calls = await send(app, "/about")
        assert [bool(c.error) for c in calls if c.method == "sendMessage"] == [True, False]


async def test_timeouts_retry_then_a_recorded_failure_not_a_deactivation(harness, clock) -> None:
    policy = DeliveryPolicy(max_attempts=3)
    async with harness(policy=policy) as app:
        fake = handlers_fake(app)
        await send(app, "/subscribe 7:00")
        fake.fail("sendMessage", 502, "Bad Gateway", chat_id=USER, times=None)
        fake.clear()
        clock.set(26, 7)
        report = await runner.tick_now(app)
        assert report.failed == 1
        assert len(fake.calls("sendMessage", USER)) == 3
        service = app.bot_data[runner.DIGEST]
        assert service.ledger.status(USER, date(2026, 11, 26)) == "failed"
        assert sub_of(app).active


# ---------------------------------------------------------------------------------------------
# Crashes, restarts, downtime, time zones


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


async def test_crash_mid_run_then_restart_on_the_same_data_dir(harness, clock, settings) -> None:
    chats = list(range(3001, 3021))
    first, second = FakeBotAPI(), FakeBotAPI()
    settings_ = dataclasses.replace(settings, admins=frozenset({USER}))
    async with harness(first, settings_=settings_, policy=DeliveryPolicy(concurrency=4)) as app:
        for chat in chats:
            await send(app, "/subscribe 7:00", user_id=chat)
        first.clear()
        sends = Counter()

        def crash_on_the_eighth(call: Any) -> None:  # a responder that never answers itself
            if call.method == "sendMessage":
                sends["n"] += 1
                if sends["n"] == 8:
                    raise Crash  # dies with this request in flight

        first.set_responder(crash_on_the_eighth)
        # one chat crashes between Telegram's answer and 'sent': delivered, ledger still 'sending'
        ledger = app.bot_data[runner.DIGEST]._w_ledger  # the writer's: 'sent' is written off the loop
        real_mark_sent = ledger.mark_sent

        def mark_sent(chat_id: int, *args: Any) -> None:
            if chat_id == chats[2]:
                raise Crash
            real_mark_sent(chat_id, *args)

        ledger.mark_sent = mark_sent  # type: ignore[method-assign]
        clock.set(26, 7)
        with pytest.raises(Crash):
            await runner.tick_now(app)
    clock.set(26, 7, 3)
    async with harness(second, settings_=settings_) as app:
        await runner.tick_now(app)
        ledger = LedgerRepository(app.bot_data["store"].db)
        statuses = {chat: ledger.status(chat, date(2026, 11, 26)) for chat in chats}
        delivered = Counter(c.chat_id for fake in (first, second) for c in digests(fake))
        maybe = Counter(c.chat_id for c in first.calls("sendMessage") if c.result is None)
        assert all(n == 1 for n in delivered.values())  # nobody got two digests
        assert not set(delivered) & set(maybe)
        uncertain = {chat for chat, status in statuses.items() if status == "sending"}
        assert chats[2] in uncertain and set(maybe) <= uncertain
        for chat in chats:
            if chat not in uncertain:
                assert statuses[chat] == "sent" and delivered[chat] == 1
        assert len(digests(second)) > 0  # the restart delivered the rest
        calls = await send(app, "/digest status")
        assert f"Không chắc đã đến (gián đoạn do khởi động lại, không gửi lại): {len(uncertain)}" in calls[-1].text
        assert app.bot_data[runner.DIGEST].uncertain_count() == len(uncertain)
        shown = parse_html(calls[-1].text).split("theo từng cuộc trò chuyện:")[1]
        assert {int(line.split()[1]) for line in shown.strip().splitlines()} == uncertain  # by chat, for admins


async def test_stopping_the_bot_mid_run_leaves_nothing_uncertain(harness, clock) -> None:
    chats = list(range(3101, 3141))
    slow = FakeBotAPI(latency=0.02)
    async with harness(slow, policy=DeliveryPolicy(concurrency=4)) as app:
        for chat in chats:
            await send(app, "/subscribe 7:00", user_id=chat)
        clock.set(26, 7)
        task = runner.start_run(app.bot_data)
        assert task is not None
        assert runner.start_run(app.bot_data) is None  # a second tick does not start a second run
        for _ in range(200):  # until a few digests went out (40 x 0.02 s / 4 in flight take 0.2 s)
            if len(digests(slow)) >= 4:
                break
            await asyncio.sleep(0.01)
        assert 4 <= len(digests(slow)) < len(chats)
        assert not task.done(), "the run finished before the stop: this test would prove nothing"
    # the application stopped (post_stop/post_shutdown): requests in flight ended, nothing new claimed
    assert task.done()
    report = task.result()
    assert report is not None and report.sent == len(digests(slow)) < len(chats)  # stopped mid-run
    fake = FakeBotAPI()
    clock.set(26, 7, 5)
    async with harness(fake) as app:
        ledger = app.bot_data[runner.DIGEST].ledger
        assert ledger.counts(date(2026, 11, 26)).sending == 0
        await runner.tick_now(app)
        delivered = Counter(c.chat_id for f in (slow, fake) for c in digests(f))
        assert sorted(delivered) == chats and set(delivered.values()) == {1}


async def test_catch_up_after_downtime_oldest_first_and_yesterday_never(harness, clock) -> None:
    clock.set(20, 12)
    async with harness() as app:
        for user, at in ((4006, "6:00"), (4008, "8:00"), (4007, "7:00"), (4023, "23:00")):
            await send(app, f"/subscribe {at}", user_id=user)
        clock.set(24, 23)
        await runner.tick_now(app)
    # down from the 24th 23:30 until the 25th 22:00... then from 23:30 until the 26th 09:00
    clock.set(26, 9)
    fake = FakeBotAPI()
    async with harness(fake) as app:
        await runner.tick_now(app)
        assert [c.chat_id for c in digests(fake)] == [4006, 4007, 4008]
        service = app.bot_data[runner.DIGEST]
        assert [d for d, _ in service.ledger.rows_for(4023)] == ["2026-11-24"]  # the 25th never sent late
        clock.set(26, 23)
        await runner.tick_now(app)
        assert [c.chat_id for c in digests(fake)] == [4006, 4007, 4008, 4023]


async def test_the_catch_up_job_runs_at_start(harness, clock) -> None:
    clock.set(26, 9)
    fake = FakeBotAPI()
    async with harness(fake) as app:
        await send(app, "/subscribe 8:59")
    clock.set(27, 9)
    async with harness(fake, schedule=True) as app:
        jobs = app.job_queue
        assert [j.name for j in jobs.get_jobs_by_name(runner.TICK_JOB)] == [runner.TICK_JOB]
        catch_up = jobs.get_jobs_by_name(runner.CATCHUP_JOB)
        assert len(catch_up) == 1
        await catch_up[0].run(app)
        await app.bot_data[runner.RUN_TASK]
        await jobs.get_jobs_by_name(runner.TICK_JOB)[0].run(app)  # a tick right after: nothing twice
        task = app.bot_data[runner.RUN_TASK]
        await task
        assert [c.chat_id for c in digests(fake)] == [USER]


async def test_0700_hanoi_with_the_server_in_utc(harness, clock, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        clock.at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
        async with harness() as app:
            calls = await send(app, "/subscribe 7:00", lang="en")
            assert "at 07:00" in calls[-1].text
            clock.at = datetime(2026, 11, 25, 23, 59, tzinfo=UTC)  # 06:59 in Hanoi
            assert (await runner.tick_now(app)).sent == 0
            clock.at = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 07:00 in Hanoi
            assert (await runner.tick_now(app)).sent == 1
            service = app.bot_data[runner.DIGEST]
            assert service.ledger.status(USER, date(2026, 11, 26)) == "sent"
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_what_changed_after_a_pack_change(harness, clock, content_pack) -> None:
    async with harness() as app:
        await send(app, "/subscribe 7:00", lang="en")
        clock.set(26, 7)
        await runner.tick_now(app)
    figure = next(f for f in content_pack.figures.values() if f.value and f.status != "pending")
    changed = figure.model_copy(update={"value": "123,4", "status": "achieved"})
    new_pack = dataclasses.replace(content_pack, figures={**content_pack.figures, figure.id: changed},
                                   fingerprint="deadbeef")
    clock.set(27, 7)
    fake = FakeBotAPI()
    async with harness(fake, pack=new_pack) as app:
        await runner.tick_now(app)
        text = digests(fake)[-1].text
        assert "🔄" in text and content_pack.figure_text(figure.id, "en").label in text and "123.4" in text
        clock.set(28, 7)
        await runner.tick_now(app)
        assert "🔄" not in digests(fake)[-1].text  # said once


# ---------------------------------------------------------------------------------------------
# Size, over a whole cycle of the real pack


def test_every_digest_of_a_full_cycle_fits_one_message(content_pack, catalogues) -> None:
    day = date(2026, 11, 26)
    field_sets = [(), *((f,) for f in content_pack.fields)]
    changes = [FigureChange(f, "1", None) for f in list(content_pack.figures.values())[:12]]
    for fields in field_sets:
        lists = candidate_lists(content_pack, fields)
        cycle = max(len(v) for v in lists.values())
        for position in range(cycle):
            digest = compose(content_pack, position, fields, day, changes if position % 7 == 0 else None)
            for lang in ("vi", "en"):
                text, markup = render_digest(content_pack, digest, catalogues.get(lang))
                assert len(text) <= 4096
                assert utf16_len(parse_html(text)) <= 4096
                for row in markup.inline_keyboard:
                    for b in row:
                        assert len(b.callback_data.encode()) <= 64
                assert "📍" in text


# ---------------------------------------------------------------------------------------------
# Access at send time, groups that become supergroups, chats that block the bot


async def test_revoked_members_get_no_digest_and_may_always_unsubscribe(harness, clock, settings) -> None:
    """Subscribed while the bot was open; restarted with BOT_ACCESS=allowlist admitting only one of them."""
    group_by_revoked, group_by_member = -100500, -100501
    async with harness() as app:
        fake = handlers_fake(app)
        fake.set_member_status(group_by_revoked, 2002, "administrator")
        fake.set_member_status(group_by_member, USER, "administrator")
        for user in (USER, 2002):
            await send(app, "/subscribe 7:00", user_id=user)
        await send(app, "/subscribe 7:00", user_id=2002, chat_id=group_by_revoked, chat_type="supergroup")
        await send(app, "/subscribe 7:00", user_id=USER, chat_id=group_by_member, chat_type="supergroup")
    restricted = dataclasses.replace(settings, access="allowlist", allowlist=frozenset({USER}))
    fake = FakeBotAPI()
    fake.set_member_status(group_by_revoked, 2002, "administrator")
    clock.set(26, 7)
    async with harness(fake, settings_=restricted) as app:
        report = await runner.tick_now(app)
        assert sorted(c.chat_id for c in digests(fake)) == [group_by_member, USER]
        assert report.revoked == 2
        calls = await send(app, "/digest", user_id=2002)  # anything else stays refused
        assert "2002" in parse_html(calls[-1].text) and not digests(fake, 2002)
        for chat, kind in ((2002, "private"), (group_by_revoked, "supergroup")):
            calls = await send(app, "/huy", user_id=2002, chat_id=chat, chat_type=kind)
            assert calls[-1].ok and not sub_of(app, chat).active
    clock.set(27, 7)
    async with harness(FakeBotAPI(), settings_=settings) as app:  # open again: they stay unsubscribed
        report = await runner.tick_now(app)
        assert report.sent == 2


async def test_a_group_upgraded_mid_subscription_keeps_its_digest(harness, clock) -> None:
    """Telegram answers the old group id with migrate_to_chat_id: settings and ledger follow the group."""
    old, new = -4001, -1004001
    async with harness() as app:
        fake = handlers_fake(app)
        fake.set_member_status(old, USER, "administrator")
        await send(app, "/subscribe 6:30", user_id=USER, chat_id=old, chat_type="group")
        service = app.bot_data[runner.DIGEST]
        service.subscriptions.set_weekdays_only(old, True)
        service.subscriptions.set_fields(old, ("economy",))
        fake.fail("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat", chat_id=old,
                  migrate_to_chat_id=new)
        clock.set(26, 7)
        report = await runner.tick_now(app)
        assert report.sent == 1 and report.migrated == 1 and report.deactivated == 0
        assert [c.chat_id for c in digests(fake)] == [new]
        assert sub_of(app, old) is None
        moved = sub_of(app, new)
        assert moved.active and moved.chat_type == "supergroup"
        assert (moved.minute_of_day, moved.weekdays_only, moved.fields) == (390, True, ("economy",))
        assert service.ledger.rows_for(new) == [("2026-11-26", "sent")] and service.ledger.rows_for(old) == []
        clock.set(27, 7)
        fake.clear()
        await runner.tick_now(app)
        assert [c.chat_id for c in digests(fake)] == [new]  # the next day, straight to the supergroup


async def test_a_migrate_to_chat_id_message_moves_the_subscription(harness, clock) -> None:
    old, new = -4002, -1004002
    async with harness() as app:
        fake = handlers_fake(app)
        fake.set_member_status(old, USER, "administrator")
        await send(app, "/subscribe 7:00", user_id=USER, chat_id=old, chat_type="group")
        clock.set(26, 7)
        await runner.tick_now(app)  # today's went to the old id
        group = chat_json(old, "group")
        calls = await feed(app, {"message": {"message_id": 99, "date": 0, "chat": group,
                                             "from": user_json(USER), "migrate_to_chat_id": new}})
        assert calls == []  # housekeeping: nothing said
        supergroup = chat_json(new, "supergroup")
        await feed(app, {"message": {"message_id": 1, "date": 0, "chat": supergroup,
                                     "from": user_json(USER), "migrate_from_chat_id": old}})  # idempotent
        assert sub_of(app, old) is None and sub_of(app, new).active
        service = app.bot_data[runner.DIGEST]
        assert service.ledger.rows_for(new) == [("2026-11-26", "sent")]
        clock.set(26, 8)
        fake.clear()
        assert (await runner.tick_now(app)).sent == 0  # today's is not sent again under the new id
        clock.set(27, 7)
        await runner.tick_now(app)
        assert [c.chat_id for c in digests(fake)] == [new]


def my_member(chat: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    bot = {"id": 123456789, "is_bot": True, "first_name": "Briefing Bot", "username": "briefing_test_bot"}

    def member(status: str) -> dict[str, Any]:
        return {"status": status, "user": bot, **({"until_date": 0} if status == "kicked" else {})}

    return {"my_chat_member": {"chat": chat, "from": user_json(USER), "date": 0,
                               "old_chat_member": member(old), "new_chat_member": member(new)}}


async def test_blocking_and_unblocking_the_bot_pauses_and_resumes_the_digest(harness, clock, settings) -> None:
    async with harness() as app:
        fake = handlers_fake(app)
        for user in (USER, 2002, 2003):
            await send(app, "/subscribe 7:00", user_id=user)
        await send(app, "/unsubscribe", user_id=2003)
        for user in (USER, 2003):
            assert await feed(app, my_member(chat_json(user), "member", "kicked")) == []
        await settle(app)
        store = app.bot_data["store"]
        assert not sub_of(app).active and not store.chats.get(USER).active and not store.users.get(USER).active
        clock.set(26, 7)
        await runner.tick_now(app)
        assert [c.chat_id for c in digests(fake)] == [2002]  # no 403 needed to know
        for user in (USER, 2003):
            await feed(app, my_member(chat_json(user), "kicked", "member"))
        await settle(app)
        assert sub_of(app).active and store.chats.get(USER).active
        assert not sub_of(app, 2003).active  # unblocking does not resubscribe who unsubscribed
        await feed(app, my_member(chat_json(7777), "member", "kicked"))  # a chat we never served
        await settle(app)
        assert store.chats.get(7777) is None and store.users.get(7777) is None


async def test_a_digest_run_waits_for_a_lock_off_the_event_loop(harness, clock, settings) -> None:
    """Another program holds the database: the run waits in the writer thread while users are answered,
    and delivers everything once the lock is gone."""
    import sqlite3

    async with harness() as app:
        fake = handlers_fake(app)
        for user in range(3201, 3211):
            await send(app, "/subscribe 7:00", user_id=user)
        locker = sqlite3.connect(settings.database_path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        clock.set(26, 7)
        run = asyncio.create_task(runner.tick_now(app))
        try:
            for _ in range(20):
                await asyncio.sleep(0)
            calls = await send(app, "grdp")
            assert "GRDP" in calls[-1].text  # answered while the run is blocked
            assert not run.done() and digests(fake) == []
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        report = await run
        assert report.sent == 10 and report.database_errors == 0
