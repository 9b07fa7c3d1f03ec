"""Announcements to every active subscriber, through the digests' rate-limited, ledgered path.

The design is the digest's (bot/digest/service.py, bot/store/digest_repo.py): recipients are streamed
from SQLite (active, unpaused subscriptions without a ledger row for this broadcast), access is checked
at send time, each chat's row is claimed 'sending' just before its request and finished after, so a
restart resumes where the last run stopped and no chat is sent the same announcement twice (a row a
crash left 'sending' is uncertain, and never resent). Requests bypass the replies' limiter (BULK) and
share the bot's one-second window with everything else (WindowPacer): 29 a second, or up to 1,000 with
Telegram's paid broadcasts (BOT_PAID_BROADCAST=1, ``allow_paid_broadcast``).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.digest.pacing import BULK, DEFAULT_BUDGET, TrafficWindow, WindowPacer
from bot.digest.service import GONE_PHRASES
from bot.store.broadcast_repo import Broadcast, BroadcastRepository, Tally
from bot.store.digest_repo import Subscription, SubscriptionRepository
from bot.store.writer import Writer

log = logging.getLogger(__name__)

#: Sends one announcement to one chat, paid or not; returns the message id.
Sender = Callable[[int, str, bool], Awaitable[int | None]]
#: Shows the progress (tally, recipients, finished) to the administrator.
Progress = Callable[[Broadcast, Tally, bool], Awaitable[None]]

#: Telegram's paid broadcasts: up to 1,000 messages a second (a fee in Stars per message).
PAID_BUDGET = 1000


@dataclass(frozen=True)
class Pace:
    budget: int
    concurrency: int  # requests in flight: budget x round trip (~0.13 s), at least 4

    @classmethod
    def for_paid(cls, paid: bool) -> Pace:
        return cls(PAID_BUDGET, 160) if paid else cls(DEFAULT_BUDGET, 4)


PROGRESS_EVERY = 5.0     # seconds between progress edits at most...
PROGRESS_STEP = 0.10     # ...or every 10% of the recipients, whichever comes first
MAX_ATTEMPTS = 3         # timeouts and network errors
MAX_RETRY_AFTER = 120.0  # a 429 asking for longer fails that chat


class BroadcastService:
    def __init__(self, repo: BroadcastRepository, writer: Writer, sender: Sender, progress: Progress,
                 admitted: Callable[[Subscription], bool], window: TrafficWindow,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.repo = repo
        self.writer = writer
        self.sender = sender
        self.progress = progress
        self.admitted = admitted
        self.window = window
        self.sleep = sleep
        self._w_repo = BroadcastRepository(writer.db)
        self._w_subs = SubscriptionRepository(writer.db)
        self._stopping = False

    def request_stop(self) -> None:
        self._stopping = True

    async def run(self, broadcast_id: int) -> Tally:
        """Send broadcast ``broadcast_id`` to every pending recipient; finish it unless stopped."""
        broadcast = self.repo.get(broadcast_id)
        if broadcast is None or broadcast.status != "sending":
            return Tally()
        pace = Pace.for_paid(broadcast.paid)
        pacer = WindowPacer(self.window, pace.budget, self.sleep)
        slots = asyncio.Semaphore(pace.concurrency)
        tasks: set[asyncio.Task[None]] = set()
        start = self.repo.tally(broadcast_id)  # what earlier runs (before a restart) did
        counts = Counter({"sent": start.sent, "failed": start.failed, "blocked": start.blocked,
                          "skipped": start.skipped, "sending": start.uncertain})
        shown = _Shown(self.window.clock(), start.done)

        async def one(sub: Subscription) -> None:
            try:
                counts[await self._deliver(broadcast, sub, pacer)] += 1
            finally:
                slots.release()
            await self._maybe_show(broadcast, shown, counts)

        try:
            for sub in self.repo.iter_pending(broadcast_id):
                await slots.acquire()
                if self._stopping:
                    slots.release()
                    break
                task = asyncio.create_task(one(sub))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
        tally = self.repo.tally(broadcast_id)
        if not self._stopping:
            await self.writer.run(self._w_repo.finish, broadcast_id)
            log.info("broadcast %s done: %s sent, %s failed, %s blocked, %s skipped, %s uncertain", broadcast_id,
                     tally.sent, tally.failed, tally.blocked, tally.skipped, tally.uncertain)
            await self.progress(broadcast, tally, True)
        return tally

    async def _maybe_show(self, broadcast: Broadcast, shown: _Shown, counts: Counter[str]) -> None:
        """Counted in memory (a COUNT per chat would make the run quadratic)."""
        tally = Tally(counts["sent"], counts["failed"], counts["blocked"], counts["skipped"], counts["sending"])
        now = self.window.clock()
        step = max(1, int(broadcast.recipients * PROGRESS_STEP))
        if now - shown.at >= PROGRESS_EVERY or tally.done - shown.done >= step:
            shown.at, shown.done = now, tally.done
            await self.progress(broadcast, tally, False)

    async def _deliver(self, broadcast: Broadcast, sub: Subscription, pacer: WindowPacer) -> str:
        """Send to one chat; the ledger status it ended with ('none': another run had it, or stopping)."""
        BULK.set(True)  # paced here; the replies' limiter lets it pass (bot/digest/pacing.py)
        if not self.admitted(sub):
            await self.writer.run(self._w_repo.skip, broadcast.id, sub.chat_id, "not admitted")
            return "skipped"
        attempts = 0
        claimed = False
        while True:
            await pacer.wait()
            if not claimed:
                if self._stopping:
                    return "none"
                claimed = await self.writer.run(self._w_repo.claim, broadcast.id, sub.chat_id)
                if not claimed:
                    return "none"  # someone else has it: never twice
            attempts += 1
            try:
                message_id = await self.sender(sub.chat_id, broadcast.html, broadcast.paid)
            except RetryAfter as exc:
                wait = float(exc.retry_after if isinstance(exc.retry_after, int | float)
                             else exc.retry_after.total_seconds())
                if wait > MAX_RETRY_AFTER:
                    return await self._finish(broadcast, sub, "failed", error=f"429 retry_after={wait}")
                pacer.hold(wait)
                attempts -= 1
                continue
            except Forbidden as exc:
                return await self._finish(broadcast, sub, "blocked", error=f"403: {exc.message}", deactivate=True)
            except BadRequest as exc:
                gone = any(p in exc.message.lower() for p in GONE_PHRASES)
                status = "blocked" if gone else "failed"
                return await self._finish(broadcast, sub, status, error=f"400: {exc.message}", deactivate=gone)
            except (TimedOut, NetworkError) as exc:
                if attempts >= MAX_ATTEMPTS:
                    return await self._finish(broadcast, sub, "failed", error=f"network: {exc.message}")
                await self.sleep(2.0 ** attempts)
                continue
            except Exception as exc:  # noqa: BLE001 - one chat's failure must not stop the broadcast
                log.warning("broadcast %s to chat %s failed: %s", broadcast.id, sub.chat_id, type(exc).__name__)
                return await self._finish(broadcast, sub, "failed", error=type(exc).__name__)
            return await self._finish(broadcast, sub, "sent", message_id=message_id)

    async def _finish(self, broadcast: Broadcast, sub: Subscription, status: str, *, message_id: int | None = None,
                      error: str | None = None, deactivate: bool = False) -> str:
        def write() -> None:
            self._w_repo.finish_chat(broadcast.id, sub.chat_id, status, message_id, error)
            if deactivate:
                self._w_subs.deactivate(sub.chat_id, error or status)

        try:
            await self.writer.run(write)
        except sqlite3.Error as exc:  # the row stays 'sending': uncertain, never resent
            self.repo.db.report(exc, f"recording broadcast {broadcast.id} to chat {sub.chat_id}")
            return "sending"
        return status


@dataclass
class _Shown:
    at: float
    done: int
