"""Meeting briefs: plan them, post them when due, pin the latest, unpin after; driven by the database.

``run_due`` looks at every post whose moment has come. Of a meeting's briefs only the latest due one
is posted (after downtime the 30-minute brief, not both), and only while the meeting has not begun;
anything later is skipped. A 403 (the bot was removed, or may no longer write) cancels the group's
meetings and logs it. Every request into a group goes through ``ChatPacer`` (20 a minute) and a 429
is waited out here, the one owner of meeting delivery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import Protocol, TypeVar

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.digest.pacing import BULK, TrafficWindow
from bot.meetings.pacing import ChatPacer
from bot.store.database import Database
from bot.store.meetings_repo import BRIEF_POSTS, UNPIN, ChatSettings, Meeting, MeetingRepository, Post

log = logging.getLogger(__name__)

T = TypeVar("T")

#: At most this many meetings ahead per group: enough for a month of cell meetings, not a flood.
MAX_UPCOMING = 10
#: The pinned brief is unpinned this long after the meeting starts (its length is not known).
UNPIN_AFTER = timedelta(hours=4)
#: Longest lead time a group may choose for a brief (a week), in minutes.
MAX_LEAD_MINUTES = 7 * 24 * 60
#: 400 answers that mean the bot cannot write to the chat any more, like a 403.
GONE_PHRASES = ("chat not found", "chat_write_forbidden", "have no rights to send", "not enough rights to send",
                "bot was kicked", "peer_id_invalid", "group chat was deactivated")
#: 429s waited out per request before it counts as failed; network errors retried per request.
MAX_RETRY_AFTER = 3
MAX_NETWORK_ATTEMPTS = 3
BACKOFF = 1.0


class Poster(Protocol):
    """What the service asks of Telegram (bot/handlers/meetings.py renders and sends)."""

    async def post(self, meeting: Meeting, kind: str, readers: bool) -> int: ...
    async def pin(self, chat_id: int, message_id: int) -> None: ...
    async def unpin(self, chat_id: int, message_id: int) -> None: ...
    async def cannot_pin(self, meeting: Meeting) -> None: ...


class MeetingError(ValueError):
    """A meeting that cannot be scheduled; ``reason`` is too_many, duplicate or bad_settings."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class RunReport:
    posted: int = 0
    skipped: int = 0
    pinned: int = 0
    unpinned: int = 0
    failed: int = 0
    cancelled: list[int] = field(default_factory=list)  # chats whose meetings a 403 cancelled


def plan(starts_at: int, settings: ChatSettings, now: int) -> list[tuple[str, int]]:
    """(kind, due) of a meeting's posts. The first brief only when its moment is still ahead; the
    second at its moment, or at once when the meeting is nearer than that; the unpin after the meeting."""
    posts: list[tuple[str, int]] = []
    if settings.first_minutes > 0:
        due = starts_at - settings.first_minutes * 60
        if due > now:
            posts.append(("first", due))
    if settings.second_minutes > 0:
        posts.append(("second", max(starts_at - settings.second_minutes * 60, now)))
    posts.append((UNPIN, starts_at + int(UNPIN_AFTER.total_seconds())))
    return posts


def check_settings(first: int, second: int) -> None:
    if not (0 <= second < first <= MAX_LEAD_MINUTES or (first == 0 and 0 < second <= MAX_LEAD_MINUTES)):
        raise MeetingError("bad_settings")


class MeetingService:
    def __init__(self, db: Database, tz: tzinfo, poster: Poster, *,
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 pacer: ChatPacer | None = None, window: TrafficWindow | None = None) -> None:
        self.repo = MeetingRepository(db)
        self.window = window  # the bot's one-second traffic window (bot/digest/pacing.py), when shared
        self.tz = tz
        self.poster = poster
        self.clock = clock or (lambda: datetime.now(tz))
        self.sleep = sleep
        self.pacer = pacer or ChatPacer(sleep=sleep)
        self._lock = asyncio.Lock()

    def now(self) -> int:
        return int(self.clock().timestamp())

    # -- scheduling -----------------------------------------------------------------------------

    def schedule(self, chat_id: int, starts: datetime, topic: str, brief: str | None, lang: str | None,
                 user_id: int | None) -> tuple[Meeting, list[Post]]:
        now = self.now()
        starts_at = int(starts.timestamp())
        upcoming = self.repo.upcoming(chat_id, now)
        if any(m.starts_at == starts_at and m.topic.casefold() == topic.casefold() for m in upcoming):
            raise MeetingError("duplicate")
        if len(upcoming) >= MAX_UPCOMING:
            raise MeetingError("too_many")
        settings = self.repo.settings(chat_id)
        meeting = self.repo.add(chat_id, starts_at, topic, brief, lang, user_id, now,
                                plan(starts_at, settings, now))
        return meeting, self.repo.posts(meeting.id)

    def upcoming(self, chat_id: int) -> list[Meeting]:
        return self.repo.upcoming(chat_id, self.now())

    async def cancel(self, meeting: Meeting, reason: str) -> list[Post]:
        """Cancel one meeting; a brief already pinned for it is unpinned now."""
        posts = self.repo.cancel(meeting.id, reason)
        if meeting.pinned_id is not None:
            try:
                await self._call(meeting.chat_id, lambda: self.poster.unpin(meeting.chat_id, meeting.pinned_id or 0))
            except TelegramError as exc:
                log.info("meeting %s: unpin on cancel failed: %s", meeting.id, exc)
            self.repo.set_pinned(meeting.id, None)
        return posts

    def set_reminders(self, chat_id: int, first: int, second: int) -> list[tuple[list[Post], list[Post]]]:
        """New lead times for the group; briefs not yet posted are re-planned. (old, new) posts each."""
        check_settings(first, second)
        settings = replace(self.repo.settings(chat_id), first_minutes=first, second_minutes=second)
        now = self.now()
        self.repo.save_settings(settings, now)
        changed = []
        for meeting in self.repo.upcoming(chat_id, now):
            sent = {p.kind for p in self.repo.posts(meeting.id) if p.status != "due"}
            posts = [(k, d) for k, d in plan(meeting.starts_at, settings, now) if k != UNPIN and k not in sent]
            old = self.repo.replace_brief_posts(meeting.id, posts)
            changed.append((old, [p for p in self.repo.posts(meeting.id) if p.status == "due"]))
        return changed

    def set_readers(self, chat_id: int, on: bool) -> None:
        self.repo.save_settings(replace(self.repo.settings(chat_id), readers=on), self.now())

    def settle_uncertain(self) -> int:
        """At start: posts a crash interrupted mid-send may have gone out; never post them twice."""
        uncertain = self.repo.uncertain()
        for post in uncertain:
            self.repo.finish(post.meeting_id, post.kind, "failed", self.now(), note="uncertain: interrupted")
        if uncertain:
            log.warning("%d meeting post(s) were interrupted by a crash and are not sent again", len(uncertain))
        return len(uncertain)

    # -- delivery -------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    async def run_due(self) -> RunReport:
        """Everything due by now, once: overlapping calls wait for each other."""
        async with self._lock:
            report = RunReport()
            now = self.now()
            by_meeting: dict[int, list[Post]] = {}
            for post in self.repo.due(now):
                by_meeting.setdefault(post.meeting_id, []).append(post)
            for meeting_id, posts in by_meeting.items():
                await self._run_meeting(meeting_id, posts, now, report)
            if report.posted or report.failed or report.cancelled:
                log.info("meeting run: %s", report)
            return report

    async def _run_meeting(self, meeting_id: int, posts: list[Post], now: int, report: RunReport) -> None:
        meeting = self.repo.get(meeting_id)
        if meeting is None or meeting.status != "scheduled":
            return
        briefs = sorted((p for p in posts if p.kind in BRIEF_POSTS), key=lambda p: p.due_at)
        for older in briefs[:-1]:  # after downtime: only the latest brief, not a burst of old ones
            if self.repo.skip(meeting.id, older.kind, "superseded by a later brief", now):
                report.skipped += 1
        if briefs:
            latest = briefs[-1]
            if now >= meeting.starts_at:
                if self.repo.skip(meeting.id, latest.kind, "the meeting had begun", now):
                    report.skipped += 1
            else:
                await self._post(meeting, latest, report)
        if any(p.kind == UNPIN for p in posts):
            await self._after(meeting_id, report)

    async def _post(self, meeting: Meeting, post: Post, report: RunReport) -> None:
        if not self.repo.claim(meeting.id, post.kind):
            return
        settings = self.repo.settings(meeting.chat_id)
        try:
            try:
                message_id = await self._call(meeting.chat_id,
                                              lambda: self.poster.post(meeting, post.kind, settings.readers))
            except ChatMigrated as exc:
                self.repo.move_chat(meeting.chat_id, exc.new_chat_id)
                log.info("chat %s migrated to %s: its meetings follow", meeting.chat_id, exc.new_chat_id)
                meeting = replace(meeting, chat_id=exc.new_chat_id)
                message_id = await self._call(meeting.chat_id,
                                              lambda: self.poster.post(meeting, post.kind, settings.readers))
        except TelegramError as exc:
            self.repo.finish(meeting.id, post.kind, "failed", self.now(), note=_describe(exc))
            report.failed += 1
            if _gone(exc):
                self._chat_gone(meeting.chat_id, _describe(exc), report)
            else:
                log.warning("meeting %s: %s brief failed: %s", meeting.id, post.kind, exc)
            return
        self.repo.finish(meeting.id, post.kind, "sent", self.now(), message_id=message_id)
        report.posted += 1
        await self._pin(meeting, message_id, report)

    async def _pin(self, meeting: Meeting, message_id: int, report: RunReport) -> None:
        """Pin the latest brief (the earlier one comes off); without the right, say so once, go on."""
        chat_id = meeting.chat_id
        settings = self.repo.settings(chat_id)
        try:
            await self._call(chat_id, lambda: self.poster.pin(chat_id, message_id))
        except Forbidden as exc:
            self._chat_gone(chat_id, _describe(exc), report)
            return
        except TelegramError as exc:
            log.info("meeting %s: cannot pin in chat %s: %s", meeting.id, chat_id, exc)
            if not settings.pin_refused:
                self.repo.save_settings(replace(settings, pin_refused=True), self.now())
                try:
                    await self._call(chat_id, lambda: self.poster.cannot_pin(meeting))
                except TelegramError as notice_exc:
                    log.info("meeting %s: the cannot-pin notice failed: %s", meeting.id, notice_exc)
            return
        report.pinned += 1
        previous = self.repo.get(meeting.id)
        self.repo.set_pinned(meeting.id, message_id)
        if settings.pin_refused:  # the right came back: a later loss is reported again
            self.repo.save_settings(replace(settings, pin_refused=False), self.now())
        if previous is not None and previous.pinned_id and previous.pinned_id != message_id:
            try:
                await self._call(chat_id, lambda: self.poster.unpin(chat_id, previous.pinned_id or 0))
            except TelegramError as exc:
                log.info("meeting %s: unpinning the earlier brief failed: %s", meeting.id, exc)

    async def _after(self, meeting_id: int, report: RunReport) -> None:
        """After the meeting: unpin its brief; the meeting is done."""
        meeting = self.repo.get(meeting_id)
        if meeting is None or meeting.status != "scheduled" or not self.repo.claim(meeting.id, UNPIN):
            return
        note = None
        if meeting.pinned_id is not None:
            try:
                await self._call(meeting.chat_id, lambda: self.poster.unpin(meeting.chat_id, meeting.pinned_id or 0))
                report.unpinned += 1
            except TelegramError as exc:  # unpinned by hand, or the right is gone: nothing to undo
                note = _describe(exc)
                log.info("meeting %s: unpin failed: %s", meeting.id, exc)
            self.repo.set_pinned(meeting.id, None)
        self.repo.finish(meeting.id, UNPIN, "sent", self.now(), note=note)
        self.repo.set_status(meeting.id, "done")

    def _chat_gone(self, chat_id: int, reason: str, report: RunReport) -> None:
        """Telegram refuses the chat for good: its meetings are cancelled, and the log says why."""
        meetings = self.repo.scheduled_in(chat_id)
        for meeting in meetings:
            self.repo.cancel(meeting.id, reason)
        report.cancelled.append(chat_id)
        log.warning("chat %s refused the bot (%s): %d meeting(s) cancelled", chat_id, reason, len(meetings))

    async def _call(self, chat_id: int, request: Callable[[], Awaitable[T]]) -> T:
        """One request into a group: paced, 429s waited out, network errors retried a little."""
        waits = attempts = 0
        while True:
            await self.pacer.wait(chat_id)
            # Bulk traffic, like digests: past the reply limiter, so a 429 reaches this loop at once
            # instead of being retried inside the limiter while every reply waits.
            bulk = BULK.set(True)
            try:
                if self.window is not None:
                    self.window.note()
                return await request()
            except RetryAfter as exc:
                waits += 1
                if waits > MAX_RETRY_AFTER:
                    raise
                await self.sleep(_seconds(exc.retry_after))
            except (TimedOut, NetworkError) as exc:
                if isinstance(exc, BadRequest | Forbidden | ChatMigrated):
                    raise
                attempts += 1
                if attempts >= MAX_NETWORK_ATTEMPTS:
                    raise
                await self.sleep(BACKOFF * 2 ** (attempts - 1))
            finally:
                BULK.reset(bulk)


def _gone(exc: TelegramError) -> bool:
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and any(p in exc.message.lower() for p in GONE_PHRASES)


def _describe(exc: TelegramError) -> str:
    code = "403" if isinstance(exc, Forbidden) else "429" if isinstance(exc, RetryAfter) else (
        "400" if isinstance(exc, BadRequest) else type(exc).__name__)
    return f"{code}: {exc.message}"[:300]


def _seconds(value: float | timedelta) -> float:
    """RetryAfter.retry_after in seconds (PTB gives an int, or a timedelta when so configured)."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
