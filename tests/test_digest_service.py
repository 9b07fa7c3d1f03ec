"""The digest fan-out against the database with a controllable clock and a scripted sender.

These exercise the delivery guarantees directly (exactly once per local date, catch-up, crash
and restart, Telegram errors); tests/test_digest_bot.py covers the same through the Application.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.content.pack import load_pack
from bot.digest.compose import Digest, candidate_lists, compose
from bot.digest.pacing import TrafficWindow
from bot.digest.schedule import next_due
from bot.digest.service import DeliveryPolicy, DigestService, Notice
from bot.digest.timeparse import TimeFormatError, parse_time
from bot.store.database import Database
from tests.conftest import FakeTime

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
MINIPACK = Path(__file__).parent / "fixtures" / "minipack"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", time(7)), ("7h", time(7)), ("7:30", time(7, 30)), ("07.30", time(7, 30)), ("19h15", time(19, 15)),
     ("7h30", time(7, 30)), ("7 giờ", time(7)), ("0:00", time(0)), ("23:59", time(23, 59)), ("7pm", time(19))],
)
def test_accepted_time_forms(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "abc", "7:75", "", "24", "7:5:3", "-1", "13pm", "<b>7</b>", "7" * 500])
def test_rejected_time_forms(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_time(text)


def test_next_due_across_midnight_and_weekdays() -> None:
    # Thursday 2026-11-26 23:30 Hanoi: a 07:00 digest is due tomorrow (Friday) 07:00
    now = datetime(2026, 11, 26, 23, 30, tzinfo=HANOI)
    assert next_due(now, 420, False, HANOI) == datetime(2026, 11, 27, 7, 0, tzinfo=HANOI)
    # Friday 08:00, weekdays only: next is Monday
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=HANOI)
    assert next_due(friday, 420, True, HANOI) == datetime(2026, 11, 30, 7, 0, tzinfo=HANOI)
    # Saturday 06:00 every day: today
    saturday = datetime(2026, 11, 28, 6, 0, tzinfo=HANOI)
    assert next_due(saturday, 420, False, HANOI) == datetime(2026, 11, 28, 7, 0, tzinfo=HANOI)
    # delivered today already: tomorrow
    assert next_due(saturday, 420, False, HANOI, delivered_today=True).date() == date(2026, 11, 29)
    # a server clock in UTC: 00:30 UTC is 07:30 in Hanoi, so the 07:00 digest is tomorrow's
    utc_now = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    assert next_due(utc_now, 420, False, HANOI) == datetime(2026, 11, 27, 7, 0, tzinfo=HANOI)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Recorder:
    """A sender that records deliveries and can be scripted to fail per chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []  # (chat_id, issue_no)
        self.script: dict[int, list[BaseException]] = {}
        self.calls = 0

    async def __call__(self, sub, digest) -> int:
        self.calls += 1
        errors = self.script.get(sub.chat_id)
        if errors:
            raise errors.pop(0)
        self.sent.append((sub.chat_id, digest.issue_no))
        return len(self.sent)


@pytest.fixture
def pack():
    return load_pack(MINIPACK)


def make_service(db_path: Path, pack, clock: Clock, sender, **policy) -> tuple[DigestService, FakeTime]:
    """The service over a fresh database, paced on fake time (returned: what it slept is in .slept)."""
    time = FakeTime()
    db = Database(db_path).open()
    service = DigestService(
        db, HANOI, sender, lambda: pack,
        policy=DeliveryPolicy(**policy), clock=clock, sleep=time.sleep, window=TrafficWindow(time),
    )
    return service, time


def waits(time: FakeTime) -> list[float]:
    """The service's sleeps longer than the pacer's spacing (retry_after, backoff), to 10 ms
    (the loop's clock runs on in real time, a few microseconds between a 429 and the wait)."""
    return [round(s, 2) for s in time.slept if s >= 0.5]


def at_hanoi(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=HANOI)


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


async def test_exactly_one_digest_per_local_date(tmp_path: Path, pack) -> None:
    clock = Clock(at_hanoi(26, 6, 0))
    sender = Recorder()
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(at_hanoi(25, 12)))
    assert (await service.run_due()).sent == 0  # 06:00: not due yet
    clock.at = at_hanoi(26, 7, 0)
    assert (await service.run_due()).sent == 1
    for minute in range(1, 5):
        clock.at = at_hanoi(26, 7, minute)
        assert (await service.run_due()).sent == 0
    assert sender.sent == [(1, 1)]
    clock.at = at_hanoi(27, 7, 0)
    await service.run_due()
    assert sender.sent == [(1, 1), (1, 2)]  # next day: issue 2


async def test_07_00_subscriber_with_server_clock_in_utc(tmp_path: Path, pack) -> None:
    clock = Clock(datetime(2026, 11, 25, 23, 59, tzinfo=UTC))  # 06:59 in Hanoi
    sender = Recorder()
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(at_hanoi(20, 12)))
    await service.run_due()
    assert sender.sent == []
    clock.at = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 07:00 in Hanoi
    await service.run_due()
    assert sender.sent == [(1, 1)]
    assert service.ledger.status(1, date(2026, 11, 26)) == "sent"


async def test_catch_up_oldest_first_and_never_yesterday(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(26, 9, 0))  # the bot was down from before 06:00 until 09:00
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    long_ago = ts(at_hanoi(1, 0))
    service.subscriptions.subscribe(30, "private", 8 * 60, "vi", 30, at=long_ago)
    service.subscriptions.subscribe(10, "private", 6 * 60, "vi", 10, at=long_ago)
    service.subscriptions.subscribe(20, "private", 7 * 60, "vi", 20, at=long_ago)
    service.subscriptions.subscribe(40, "private", 23 * 60, "vi", 40, at=long_ago)  # due yesterday 23:00
    await service.run_due()
    assert [chat for chat, _ in sender.sent] == [10, 20, 30]
    assert service.ledger.rows_for(40) == []  # yesterday's 23:00 digest is not sent late


async def test_subscribing_after_todays_time_starts_tomorrow(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(26, 8, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(clock.at))
    await service.run_due()
    assert sender.sent == []
    clock.at = at_hanoi(27, 7, 0)
    await service.run_due()
    assert sender.sent == [(1, 1)]


async def test_weekdays_only_skips_weekend(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(28, 7, 0))  # Saturday
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(at_hanoi(20, 0)))
    service.subscriptions.set_weekdays_only(1, True)
    await service.run_due()
    clock.at = at_hanoi(29, 7, 0)  # Sunday
    await service.run_due()
    assert sender.sent == []
    clock.at = at_hanoi(30, 7, 0)  # Monday
    await service.run_due()
    assert sender.sent == [(1, 1)]


async def test_paused_and_unsubscribed_get_nothing(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(26, 7, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    for chat in (1, 2, 3):
        service.subscriptions.subscribe(chat, "private", 7 * 60, "vi", chat, at=ts(at_hanoi(20, 0)))
    service.subscriptions.set_paused(1, True)
    service.subscriptions.unsubscribe(2)
    await service.run_due()
    assert sender.sent == [(3, 1)]


async def test_403_deactivates_and_others_continue(tmp_path: Path, pack) -> None:
    sender = Recorder()
    sender.script[2] = [Forbidden("Forbidden: bot was blocked by the user")]
    sender.script[3] = [BadRequest("Bad Request: chat not found")]
    clock = Clock(at_hanoi(26, 7, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    for chat in (1, 2, 3, 4):
        service.subscriptions.subscribe(chat, "private", 7 * 60, "vi", chat, at=ts(at_hanoi(20, 0)))
    report = await service.run_due()
    assert sorted(c for c, _ in sender.sent) == [1, 4]
    assert report.deactivated == 2
    assert report.failed == 2
    assert not service.subscriptions.get(2).active
    assert not service.subscriptions.get(3).active
    clock.at = at_hanoi(27, 7, 0)
    sender.calls = 0
    await service.run_due()
    assert sender.calls == 2  # blocked chats are not tried again
    assert service.subscriptions.reactivate_if_refused(2)  # a later /start brings it back
    assert service.subscriptions.get(2).active


async def test_429_waits_retry_after_then_delivers(tmp_path: Path, pack) -> None:
    sender = Recorder()
    sender.script[1] = [RetryAfter(7), RetryAfter(3)]
    clock = Clock(at_hanoi(26, 7, 0))
    service, time = make_service(tmp_path / "d.db", pack, clock, sender)
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(at_hanoi(20, 0)))
    report = await service.run_due()
    assert sender.sent == [(1, 1)]
    assert waits(time) == [7.0, 3.0]
    assert report.rate_limited == 2


async def test_timeouts_retry_with_bounded_backoff_then_fail(tmp_path: Path, pack) -> None:
    sender = Recorder()
    sender.script[1] = [TimedOut(), TimedOut()]
    sender.script[2] = [TimedOut()] * 10
    clock = Clock(at_hanoi(26, 7, 0))
    service, time = make_service(tmp_path / "d.db", pack, clock, sender, max_attempts=3)
    for chat in (1, 2):
        service.subscriptions.subscribe(chat, "private", 7 * 60, "vi", chat, at=ts(at_hanoi(20, 0)))
    report = await service.run_due()
    assert sender.sent == [(1, 1)]
    assert service.ledger.status(2, date(2026, 11, 26)) == "failed"
    assert report.failed == 1
    assert max(waits(time)) <= 4.0
    assert service.subscriptions.get(2).active  # a network failure is not the chat's fault
    clock.at = at_hanoi(26, 7, 5)
    await service.run_due()
    assert [c for c, _ in sender.sent] == [1]  # a failed digest is not retried later the same day


async def test_crash_mid_run_then_restart_sends_nothing_twice(tmp_path: Path, pack) -> None:
    db_path = tmp_path / "d.db"
    clock = Clock(at_hanoi(26, 7, 0))
    delivered: list[int] = []

    class Crash(BaseException):
        """Stands for the process dying: nothing after it runs."""

    async def crashing_sender(sub, digest) -> int:
        if sub.chat_id == 6:
            raise Crash  # dies between 'sending' and 'sent' for chat 6
        delivered.append(sub.chat_id)
        return 1

    service, _ = make_service(db_path, pack, clock, crashing_sender, concurrency=1)
    service.started_at = ts(at_hanoi(26, 6))
    for chat in range(1, 11):
        service.subscriptions.subscribe(chat, "private", 7 * 60, "vi", chat, at=ts(at_hanoi(20, 0)))
    with pytest.raises(Crash):
        await service.run_due()
    service.db.close()
    assert delivered == [1, 2, 3, 4, 5]

    async def sender(sub, digest) -> int:
        delivered.append(sub.chat_id)
        return 1

    restarted, _ = make_service(db_path, pack, clock, sender)
    restarted.started_at = ts(at_hanoi(26, 7, 1))
    clock.at = at_hanoi(26, 7, 1)
    await restarted.run_due()
    assert sorted(delivered) == [1, 2, 3, 4, 5, 7, 8, 9, 10]  # each once; 6 is uncertain, never resent
    assert restarted.uncertain_count() == 1
    assert restarted.ledger.status(6, date(2026, 11, 26)) == "sending"


async def test_concurrent_runs_never_double_send(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(26, 7, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    for chat in range(1, 51):
        service.subscriptions.subscribe(chat, "private", 7 * 60, "vi", chat, at=ts(at_hanoi(20, 0)))
    await asyncio.gather(service.run_due(), service.run_due(), service.run_due())
    assert sorted(c for c, _ in sender.sent) == list(range(1, 51))


def piece_id(digest: Digest, slot: str) -> str:
    piece = digest.piece(slot)
    assert piece is not None, slot
    return piece.id


def test_rotation_never_repeats_within_a_cycle_and_new_subscribers_start_at_the_top(pack) -> None:
    lists = candidate_lists(pack, ())
    day = date(2026, 11, 26)
    for slot in ("figure", "result", "target"):
        size = len(lists[slot])
        assert size > 0
        shown = [piece_id(compose(pack, n, (), day), slot) for n in range(size)]
        assert len(set(shown)) == size
        assert piece_id(compose(pack, size, (), day), slot) == shown[0]
    assert compose(pack, 0, (), day).issue_no == 1


def test_field_filter_narrows_and_falls_back(pack) -> None:
    day = date(2026, 11, 26)
    result = compose(pack, 0, ("economy",), day).piece("result")
    assert result is not None and result.item is not None
    assert result.item.field == "economy"
    unknown = compose(pack, 0, ("party",), day)  # no party items in the fixture: falls back to all
    assert unknown.piece("result") is not None


async def test_what_changed_after_a_new_pack(tmp_path: Path, pack) -> None:
    sender_digests = []

    async def sender(sub, digest) -> int:
        sender_digests.append(digest)
        return 1

    clock = Clock(at_hanoi(26, 7, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    service.remember_pack()
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(at_hanoi(20, 0)))
    await service.run_due()
    assert sender_digests[-1].changes == ()
    changed_figure = pack.figures["tang-truong"].model_copy(update={"value": "7", "status": "achieved"})
    new_pack = dataclasses.replace(pack, figures={**pack.figures, "tang-truong": changed_figure},
                                   fingerprint="newprint")
    service.pack = lambda: new_pack
    service.remember_pack()
    clock.at = at_hanoi(27, 7, 0)
    await service.run_due()
    changes = sender_digests[-1].changes
    assert [c.figure.id for c in changes] == ["tang-truong"]
    assert changes[0].old_value == "7,5"
    assert changes[0].old_status == "exceeded"


async def test_due_query_streams_in_batches(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(26, 7, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    with service.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, created_at, updated_at)"
            " VALUES (?, 'private', ?, 0, 0)",
            [(chat, 360 + chat % 60) for chat in range(1, 1201)],
        )
    day = date(2026, 11, 26)
    midnight = ts(datetime.combine(day, time(0), tzinfo=HANOI))
    streamed = list(service.subscriptions.iter_due(day, 7 * 60, midnight, batch=100))
    assert len(streamed) == 1200
    keys = [(s.minute_of_day, s.chat_id) for s in streamed]
    assert keys == sorted(keys)
    await service.run_due()
    assert len(sender.sent) == 1200
    assert len({c for c, _ in sender.sent}) == 1200
    assert service.ledger.counts(day).sent == 1200


async def test_old_ledger_rows_are_pruned_once_a_day(tmp_path: Path, pack) -> None:
    sender = Recorder()
    clock = Clock(at_hanoi(26, 7, 0))
    service, _ = make_service(tmp_path / "d.db", pack, clock, sender)
    service.subscriptions.subscribe(1, "private", 7 * 60, "vi", 1, at=ts(at_hanoi(1, 0)))
    for day in (date(2026, 9, 1), date(2026, 10, 27), date(2026, 10, 28)):
        service.ledger.claim(1, day, 1)
    await service.run_due()
    kept = [d for d, _ in service.ledger.rows_for(1)]
    assert kept == ["2026-10-27", "2026-10-28", "2026-11-26"]  # 30 days back from the 26th


async def test_the_subscription_changes_live_in_the_service(tmp_path: Path, pack) -> None:
    """Subscribe, time, weekdays, fields (never none), pause, language, unsubscribe: the service's own."""
    service, _ = make_service(tmp_path / "d.db", pack, Clock(at_hanoi(26, 6, 0)), Recorder())
    assert service.toggle_weekdays(5) is Notice.NOT_SUBSCRIBED
    assert service.unsubscribe(5) is Notice.NOT_SUBSCRIBED
    assert not service.settings(5, group=False, lang="en").subscribed
    service.subscribe(5, "private", "vi", 5)
    assert service.settings(5, group=False, lang="vi").minute == service.default_minute
    service.set_time(5, "private", "vi", 5, 6 * 60 + 30)
    service.subscribe(5, "private", "vi", 5)  # /subscribe without a time keeps the chat's time
    settings = service.settings(5, group=False, lang="vi")
    assert settings.minute == 6 * 60 + 30 and settings.next_due == at_hanoi(26, 6, 30)
    assert service.toggle_weekdays(5) is None and service.settings(5, False, "vi").weekdays_only
    only = list(pack.fields)
    assert len(only) == 1  # the fixture pack has one field: it cannot be unchosen
    assert service.toggle_field(5, only[0]) is Notice.KEEP_ONE_FIELD
    assert service.toggle_field(5, "no-such-field") is None
    assert service.set_paused(5, True) is None
    settings = service.settings(5, group=True, lang="vi")
    assert settings.paused and settings.next_due is None and settings.group
    service.set_language(5, "en")
    assert service.settings(5, False, "vi").lang == "en"
    assert service.unsubscribe(5) is Notice.UNSUBSCRIBED
    assert service.active(5) is None
    with pytest.raises(ValueError):
        service.subscribe(6, "private", "vi", 6, 24 * 60)
