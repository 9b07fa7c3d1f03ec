"""Meetings end to end: the real Application over FakeBotAPI, in groups, under a controllable clock.

The service's clock and sleep are injected through bot_data before the application starts; runs are
awaited with tick_now after the clock moves (what the named jobs do in production). A restart is a new
Application over the same data directory.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.fakeapi import FakeBotAPI, parse_html
from bot.handlers import meetings as handlers
from bot.render import callbacks as cb
from bot.render import meetings as view
from bot.simulate import chat_json, press, running, send
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
GROUP = -100777
ADMIN, MEMBER = 1001, 2002
ANONYMOUS_ADMIN_BOT = 1087968824  # Telegram's GroupAnonymousBot


def hanoi(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """November 2026 in Hanoi: the 26th is a Thursday, the 28th a Saturday."""
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(hanoi(26, 6, 0))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def harness(settings, content_pack, catalogues, search_index, clock, sleeps):
    """Starts the bot over one data dir (so a test can restart it), each time on the given fake API."""

    @asynccontextmanager
    async def start(fake: FakeBotAPI, *, schedule: bool = False) -> AsyncIterator[Any]:
        errors: list[BaseException] = []
        app = make_app(settings, fake, content_pack, catalogues, errors, search_index)
        app.bot_data[handlers.CLOCK] = clock
        app.bot_data[handlers.SCHEDULE] = schedule

        async def fake_sleep(seconds: float) -> None:
            sleeps.append(seconds)

        app.bot_data[handlers.SLEEP] = fake_sleep
        async with running(app):
            yield app
        assert not errors, errors

    return start


def group_fake(*, pin: bool = True) -> FakeBotAPI:
    fake = FakeBotAPI()
    fake.register_chat(chat_json(GROUP, "supergroup"))
    fake.set_member_status(GROUP, ADMIN, "administrator")
    if pin:
        fake.grant_pin(GROUP)
    return fake


async def as_admin(app: Any, text: str, user_id: int = ADMIN) -> str:
    calls = await send(app, text, user_id=user_id, chat_id=GROUP, chat_type="supergroup")
    replies = [c for c in calls if c.method == "sendMessage"]
    assert replies, calls
    return parse_html(replies[-1].text or "")


def briefs_sent(fake: FakeBotAPI) -> list[Any]:
    return [c for c in fake.calls("sendMessage", GROUP) if c.ok and (c.text or "").startswith("📅 <b>Cuộc họp lúc")]


async def tick(app: Any, clock: Clock, at: datetime) -> Any:
    clock.at = at
    return await handlers.tick_now(app)


def service(app: Any) -> Any:
    return app.bot_data[handlers.MEETINGS]


# ---------------------------------------------------------------------------------------------
# Scheduling: who may, and what they may type


async def test_an_administrator_schedules_and_a_member_is_refused(harness) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        text = await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        assert "Đã đặt lịch họp" in text
        assert "08:00, thứ Bảy, ngày 28 tháng 11 năm 2026 — Kinh tế" in text
        assert "08:00, thứ Sáu, ngày 27 tháng 11 năm 2026; 07:30, thứ Bảy, ngày 28 tháng 11 năm 2026" in text
        assert fake.last("getChatMember").params["user_id"] == ADMIN
        refused = await as_admin(app, "/lichhop 29/11 08:00 kinh tế", user_id=MEMBER)
        assert "chỉ quản trị viên" in refused
        assert len(service(app).upcoming(GROUP)) == 1
        # everyone may read the list
        listed = await as_admin(app, "/meeting list", user_id=MEMBER)
        assert "1. 08:00, thứ Bảy, ngày 28 tháng 11 năm 2026 — Kinh tế" in listed


async def test_an_anonymous_administrator_writes_as_the_group(harness) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        group = chat_json(GROUP, "supergroup")
        calls = await send(app, "/meeting@briefing_test_bot mai 8h xây dựng Đảng", user_id=ANONYMOUS_ADMIN_BOT,
                           chat_id=GROUP, chat_type="supergroup", extra={"sender_chat": group})
        assert "Đã đặt lịch họp" in parse_html(calls[-1].text or "")
        assert not fake.calls("getChatMember"), "the group itself wrote: no need to ask"


async def test_in_a_private_chat_meetings_are_explained(harness) -> None:
    fake = FakeBotAPI()
    async with harness(fake) as app:
        calls = await send(app, "/meeting mai 8h kinh tế")
        assert "thêm bot vào nhóm" in parse_html(calls[-1].text or "")


@pytest.mark.parametrize(("typed", "expected"), [
    ("28/11 08:00 kinh tế", hanoi(28, 8)),
    ("28/12/2026 8h kinh tế", hanoi(28, 8, month=12)),
    ("mai 8h kinh tế", hanoi(27, 8)),
    ("tomorrow 8:00 kinh tế", hanoi(27, 8)),
    ("thứ 6 14h kinh tế", hanoi(27, 14)),
    ("8h30 thứ hai kinh tế", hanoi(30, 8, 30)),
    ("hôm nay 15h kinh tế", hanoi(26, 15)),
])
async def test_times_as_secretaries_type_them(harness, typed: str, expected: datetime) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        assert "Đã đặt lịch họp" in await as_admin(app, f"/meeting {typed}")
        meeting = service(app).upcoming(GROUP)[0]
        assert meeting.starts_at == int(expected.timestamp())
        assert meeting.brief == "economy"


@pytest.mark.parametrize(("typed", "says"), [
    ("25/11 08:00 kinh tế", "Thời gian đó đã qua."),
    ("hôm nay 5h kinh tế", "Thời gian đó đã qua."),
    ("abc def", "Chưa đọc được thời gian"),
    ("31/02 8h kinh tế", "Chưa đọc được thời gian"),
    ("28/11 kinh tế", "Đồng chí ghi thêm giờ họp."),
    ("28/11/2028 8h kinh tế", "quá một năm"),
    ("<b>&amp; 8h", "Chưa đọc được thời gian"),
])
async def test_a_past_or_unreadable_time_gets_an_example(harness, typed: str, says: str) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        text = await as_admin(app, f"/meeting {typed}")
        assert says in text
        assert "Ví dụ:\n/meeting 27/11 08:00 kinh tế" in text  # tomorrow at eight, on the pack's first brief
        assert not service(app).upcoming(GROUP)


async def test_missing_or_unknown_topic(harness) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        assert "ghi thêm lĩnh vực hoặc chủ đề" in await as_admin(app, "/meeting mai 8h")
        text = await as_admin(app, "/meeting mai 8h xyzzy plugh")
        assert "Không tìm thấy" in text and "Kinh tế" in text
        assert "Đã đặt lịch họp" in await as_admin(app, "/meeting mai 8h chuyển đổi số")  # a topic by search
        assert service(app).upcoming(GROUP)[0].brief is None


async def test_at_most_ten_meetings_ahead_per_group(harness) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        for day in range(1, 11):
            assert "Đã đặt lịch họp" in await as_admin(app, f"/meeting {day}/12 08:00 kinh tế")
        assert "đã có 10 cuộc họp" in await as_admin(app, "/meeting 11/12 08:00 kinh tế")
        assert "đã có lịch" not in await as_admin(app, "/meeting cancel 1")
        assert "Đã đặt lịch họp" in await as_admin(app, "/meeting 11/12 08:00 kinh tế")
        assert "đã có lịch" in await as_admin(app, "/meeting 11/12 08:00 kinh tế")  # the same one twice


# ---------------------------------------------------------------------------------------------
# The briefs at their moments, pins


async def test_briefs_24_hours_and_30_minutes_before_pinned_then_unpinned(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await tick(app, clock, hanoi(27, 7, 59))
        assert not briefs_sent(fake)
        await tick(app, clock, hanoi(27, 8, 0))
        first = briefs_sent(fake)
        assert len(first) == 1
        text = parse_html(first[0].text or "")
        assert "Còn 24 giờ" in text and "Tóm tắt: Kinh tế" in text
        assert [b["text"] for b in first[0].buttons] == ["✅ Đã đọc", "📄 Bản in (Word)"]
        pin = fake.last("pinChatMessage")
        assert pin.params["message_id"] == first[0].result["message_id"]
        assert pin.params["disable_notification"] is True
        assert fake.pinned(GROUP) == [first[0].result["message_id"]]

        await tick(app, clock, hanoi(28, 7, 29))
        assert len(briefs_sent(fake)) == 1
        await tick(app, clock, hanoi(28, 7, 30))
        second = briefs_sent(fake)[-1]
        assert "Còn 30 phút" in parse_html(second.text or "")
        assert fake.pinned(GROUP) == [second.result["message_id"]], "only the latest brief stays pinned"

        await tick(app, clock, hanoi(28, 11, 59))
        assert fake.pinned(GROUP)
        report = await tick(app, clock, hanoi(28, 12, 0))
        assert report.unpinned == 1 and fake.pinned(GROUP) == []
        assert service(app).repo.latest(GROUP).status == "done"
        await tick(app, clock, hanoi(29, 12, 0))
        assert len(briefs_sent(fake)) == 2


async def test_without_the_right_to_pin_it_says_so_once(harness, clock) -> None:
    fake = group_fake(pin=False)
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await tick(app, clock, hanoi(27, 8, 0))
        await tick(app, clock, hanoi(28, 7, 30))
        assert len(briefs_sent(fake)) == 2
        refused = [c for c in fake.calls("pinChatMessage") if not c.ok]
        assert len(refused) == 2
        notices = [c for c in fake.calls("sendMessage", GROUP) if "không có quyền ghim" in (c.text or "")]
        assert len(notices) == 1
        # given the right later, it pins again
        fake.grant_pin(GROUP)
        await as_admin(app, "/meeting 29/11 08:00 kinh tế")
        await tick(app, clock, hanoi(28, 8, 0))
        assert fake.pinned(GROUP) == [briefs_sent(fake)[-1].result["message_id"]]


async def test_a_near_meeting_gets_its_brief_at_once(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting hôm nay 06:20 kinh tế")
        await handlers.tick_now(app)
        sent = briefs_sent(fake)
        assert len(sent) == 1 and "Còn 20 phút" in parse_html(sent[0].text or "")


# ---------------------------------------------------------------------------------------------
# Restarts


async def test_a_restart_in_between_loses_nothing(harness, clock) -> None:
    async with harness(group_fake()) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
    # down from 26/11 06:00 to 27/11 09:00: the 24-hour brief's moment passed, the meeting has not begun
    clock.at = hanoi(27, 9, 0)
    fake = group_fake()
    async with harness(fake) as app:
        await handlers.tick_now(app)
        sent = briefs_sent(fake)
        assert len(sent) == 1 and "Còn 23 giờ" in parse_html(sent[0].text or "")
        await tick(app, clock, hanoi(28, 7, 30))
        assert len(briefs_sent(fake)) == 2


async def test_after_long_downtime_only_the_latest_brief_and_never_after_the_start(harness, clock) -> None:
    async with harness(group_fake()) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await as_admin(app, "/meeting 29/11 08:00 kinh tế")
    clock.at = hanoi(28, 7, 45)  # both briefs of the first meeting passed; it begins in 15 minutes
    fake = group_fake()
    async with harness(fake) as app:
        await handlers.tick_now(app)
        sent = briefs_sent(fake)
        assert len(sent) == 1, "one brief, not a burst of old ones"
        assert "Còn 15 phút" in parse_html(sent[0].text or "")
        assert len(service(app).upcoming(GROUP)) == 2  # the first begins at 08:00, the second tomorrow
    clock.at = hanoi(29, 9, 0)  # down again past the second meeting's start
    fake = group_fake()
    async with harness(fake) as app:
        await handlers.tick_now(app)
        assert not briefs_sent(fake), "a brief is never sent after the meeting began"
        posts = service(app).repo.posts(2)
        assert {p.kind: p.status for p in posts} == {"first": "skipped", "second": "skipped", "unpin": "due"}


async def test_jobs_are_rederived_from_the_database_at_start(harness, clock) -> None:
    async with harness(group_fake()) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
    async with harness(group_fake(), schedule=True) as app:
        names = {job.name for job in app.job_queue.jobs()}
        assert {"MEETING 1 first", "MEETING 1 second", "MEETING 1 unpin", handlers.CATCHUP_JOB,
                handlers.TICK_JOB} <= names
        # a post's job runs however late the loop gets to it (APScheduler's default drops it after 1 s);
        # the service refuses what is too late, and the minute tick catches a job that was lost
        for job in app.job_queue.jobs():
            if job.name and job.name.startswith("MEETING 1"):
                assert job.job.misfire_grace_time is None, job.name


async def test_a_post_interrupted_by_a_crash_is_not_sent_twice(harness, clock) -> None:
    async with harness(group_fake()) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        assert service(app).repo.claim(1, "first")  # as if the process died mid-send
    clock.at = hanoi(27, 9, 0)
    fake = group_fake()
    async with harness(fake) as app:
        await handlers.tick_now(app)
        assert not briefs_sent(fake)
        statuses = {p.kind: (p.status, p.note) for p in service(app).repo.posts(1)}
        assert statuses["first"] == ("failed", "uncertain: interrupted")


# ---------------------------------------------------------------------------------------------
# Cancel, readers, lead times


async def test_cancel_stops_the_briefs(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await as_admin(app, "/meeting 29/11 08:00 xây dựng Đảng")
        assert "chỉ quản trị viên" in await as_admin(app, "/meeting cancel 1", user_id=MEMBER)
        assert "từ 1 đến 2" in await as_admin(app, "/meeting cancel 7")
        assert "từ 1 đến 2" in await as_admin(app, "/meeting huy abc")
        text = await as_admin(app, "/meeting cancel 1")
        assert "Đã hủy cuộc họp: 08:00, thứ Bảy, ngày 28 tháng 11 năm 2026 — Kinh tế" in text
        await tick(app, clock, hanoi(28, 8, 0))  # the cancelled one's briefs never come, the other's do
        sent = briefs_sent(fake)
        assert len(sent) == 1 and "Xây dựng Đảng" in parse_html(sent[0].text or "")


async def test_cancelling_a_pinned_meeting_unpins_its_brief(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await tick(app, clock, hanoi(27, 8, 0))
        assert fake.pinned(GROUP)
        await as_admin(app, "/meeting cancel 1")
        assert fake.pinned(GROUP) == []


async def test_readers_confirm_without_flooding_the_group(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await tick(app, clock, hanoi(27, 8, 0))
        brief = briefs_sent(fake)[0]
        read = brief.buttons[0]["callback_data"]
        before = len(fake.calls("sendMessage", GROUP))
        calls = await press(app, read, message=brief.result["message_id"], user_id=MEMBER, chat_id=GROUP,
                            chat_type="supergroup")
        assert "Cảm ơn đồng chí" in calls[-1].params["text"]
        calls = await press(app, read, message=brief.result["message_id"], user_id=MEMBER, chat_id=GROUP,
                            chat_type="supergroup")
        assert "xác nhận đọc tóm tắt này rồi" in calls[-1].params["text"]
        assert len(fake.calls("sendMessage", GROUP)) == before, "confirmations write nothing into the group"
        assert "chỉ quản trị viên" in await as_admin(app, "/meeting readers", user_id=MEMBER)
        text = await as_admin(app, "/meeting readers")
        assert "1 đồng chí" in text and "1. An (" in text
        # the button can be turned off for the group's next briefs
        assert "Đã tắt" in await as_admin(app, "/meeting readers off")
        await tick(app, clock, hanoi(28, 7, 30))
        assert [b["text"] for b in briefs_sent(fake)[-1].buttons] == ["📄 Bản in (Word)"]
        # after the meeting began, readers still shows that meeting
        clock.at = hanoi(28, 9, 0)
        assert "1 đồng chí" in await as_admin(app, "/meeting readers")


async def test_a_forged_read_button_is_answered(harness) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        data = cb.encode(view.MeetingRead(999), "abcd")
        calls = await press(app, data, user_id=MEMBER, chat_id=GROUP, chat_type="supergroup")
        assert calls[-1].method == "answerCallbackQuery" and calls[-1].params.get("text")


async def test_lead_times_per_group(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        text = await as_admin(app, "/meeting remind 2h 15m")
        assert "trước mỗi cuộc họp 2 giờ và 15 phút" in text and "1 cuộc họp" in text
        for bad in ("/meeting remind 30", "/meeting remind 15m 2h", "/meeting remind x y z", "/meeting remind off off"):
            assert "mốc dài trước" in await as_admin(app, bad)
        await tick(app, clock, hanoi(27, 8, 0))
        assert not briefs_sent(fake)
        await tick(app, clock, hanoi(28, 6, 0))
        assert "Còn 2 giờ" in parse_html(briefs_sent(fake)[-1].text or "")
        await tick(app, clock, hanoi(28, 7, 45))
        assert "Còn 15 phút" in parse_html(briefs_sent(fake)[-1].text or "")
        assert "30 phút" in await as_admin(app, "/meeting remind off 30m")


# ---------------------------------------------------------------------------------------------
# Telegram refusing


async def test_a_group_that_removed_the_bot_cancels_its_meetings(harness, clock, caplog) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await as_admin(app, "/meeting 30/11 08:00 kinh tế")
        fake.fail("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat", chat_id=GROUP,
                  times=None)
        with caplog.at_level(logging.WARNING, logger="bot.meetings.service"):
            report = await tick(app, clock, hanoi(27, 8, 0))
        assert report.cancelled == [GROUP]
        assert "refused the bot" in caplog.text and str(GROUP) in caplog.text
        assert service(app).upcoming(GROUP) == []
        assert {service(app).repo.get(i).status for i in (1, 2)} == {"cancelled"}
        assert "403" in (service(app).repo.get(1).reason or "")


async def test_telegram_asking_to_wait_is_waited_out(harness, clock, sleeps) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        fake.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7, chat_id=GROUP)
        await tick(app, clock, hanoi(27, 8, 0))
        assert 7.0 in sleeps
        assert len(briefs_sent(fake)) == 1


async def test_the_handout_button_under_a_meeting_brief_goes_privately(harness, clock) -> None:
    fake = group_fake()
    async with harness(fake) as app:
        await as_admin(app, "/meeting 28/11 08:00 kinh tế")
        await tick(app, clock, hanoi(27, 8, 0))
        brief = briefs_sent(fake)[0]
        handout = brief.buttons[1]["callback_data"]
        calls = await press(app, handout, message=brief.result["message_id"], user_id=MEMBER, chat_id=GROUP,
                            chat_type="supergroup")
        document = next(c for c in calls if c.method == "sendDocument")
        assert document.chat_id == MEMBER and not fake.calls("sendDocument", GROUP)
        assert "trò chuyện riêng" in calls[-1].params["text"]
        fake.fail("sendDocument", 403, "Forbidden: bot can't initiate conversation with a user")
        calls = await press(app, handout, message=brief.result["message_id"], user_id=3003, chat_id=GROUP,
                            chat_type="supergroup")
        assert calls[-1].params.get("show_alert") is True
        assert "@briefing_test_bot" in calls[-1].params["text"]
