"""The daily fan-out: stream due subscribers from SQLite, claim, send, record. Driven by the database.

Nothing here depends on in-memory jobs surviving: every minute (and once at start, which is the
catch-up after downtime) ``run_due`` asks the database who is due today and has no ledger row
today. Yesterday is never looked at, so a digest is never sent late into the next day.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.content import ContentPack
from bot.digest.compose import Digest, FigureChange, changed_figures, compose, figure_values
from bot.digest.pacing import BULK, DEFAULT_BUDGET, TrafficWindow, WindowPacer
from bot.digest.schedule import local_today
from bot.store.database import Database
from bot.store.digest_repo import LedgerRepository, SnapshotRepository, Subscription, SubscriptionRepository

log = logging.getLogger(__name__)

Sender = Callable[[Subscription, Digest], Awaitable[int | None]]

#: Ledger rows kept for admins' questions ("did chat X get Monday's digest?"); older ones are pruned.
LEDGER_KEEP_DAYS = 30

# 400 answers that mean the chat is gone for good, like a 403.
GONE_PHRASES = ("chat not found", "user not found", "chat_write_forbidden", "have no rights to send",
                "group chat was upgraded", "peer_id_invalid", "bot was kicked", "not enough rights")


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    deactivated: int = 0
    skipped: int = 0  # claimed by someone else in the meantime
    retries: int = 0
    rate_limited: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class DeliveryPolicy:
    concurrency: int = 32          # requests in flight; bounds the loss on a crash too
    rate_per_second: float | None = 25.0  # below Telegram's 30/s so replies to users get through
    # With a TrafficWindow (bot/app.py wires one through MeteredRateLimiter) digests instead fill what
    # the rest of the bot leaves of this many requests per rolling second; rate_per_second is unused.
    window_budget: int = DEFAULT_BUDGET
    max_attempts: int = 4          # timeouts and 5xx: bounded backoff, then a recorded failure
    backoff_base: float = 1.0
    max_retry_after: float = 120.0  # a 429 asking for longer is recorded as a failure for today
    max_429: int = 5


class DigestService:
    def __init__(self, db: Database, tz: tzinfo, sender: Sender,
                 pack: Callable[[], ContentPack], policy: DeliveryPolicy | None = None,
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 window: TrafficWindow | None = None) -> None:
        self.db = db
        self.tz = tz
        self.sender = sender
        self.pack = pack
        self.policy = policy or DeliveryPolicy()
        self.clock = clock or (lambda: datetime.now(tz))
        self.sleep = sleep
        self.window = window
        self.subscriptions = SubscriptionRepository(db)
        self.ledger = LedgerRepository(db)
        self.snapshots = SnapshotRepository(db)
        self.started_at = int(self.clock().timestamp())
        self._lock = asyncio.Lock()
        self._pruned_on: date | None = None
        self._stopping = False
        self._changes: dict[tuple[str, str], list[FigureChange]] = {}

    @property
    def busy(self) -> bool:
        """A run is going: a new tick has nothing to add and is skipped."""
        return self._lock.locked()

    def request_stop(self) -> None:
        """Shutting down: claim no further chats; requests already in flight finish and are recorded."""
        self._stopping = True

    # -- content ---------------------------------------------------------------------------------

    def remember_pack(self) -> None:
        """Store this pack's figure values so later packs can say what changed."""
        pack = self.pack()
        self.snapshots.save(pack.fingerprint, figure_values(pack))

    def digest_for(self, sub: Subscription, day: date) -> Digest:
        pack = self.pack()
        changes: list[FigureChange] = []
        if sub.last_fingerprint and sub.last_fingerprint != pack.fingerprint:
            key = (sub.last_fingerprint, pack.fingerprint)
            if key not in self._changes:  # once per pack pair, not once per subscriber
                old = self.snapshots.load(sub.last_fingerprint)
                self._changes[key] = changed_figures(pack, old) if old else []
            changes = self._changes[key]
        return compose(pack, sub.position, sub.fields, day, changes)

    def preview(self, sub: Subscription | None, fields: tuple[str, ...] = ()) -> Digest:
        """Today's digest for /digest: the same selection, without touching the ledger or position."""
        day, _ = local_today(self.clock(), self.tz)
        if sub is None:
            return compose(self.pack(), 0, fields, day)
        issue = self.ledger.issue_for(sub.chat_id, day)
        if issue is not None:  # today's went out already (its position moved on): show that one again
            return compose(self.pack(), issue - 1, sub.fields, day)
        return self.digest_for(sub, day)

    # -- the run ---------------------------------------------------------------------------------

    async def run_due(self) -> RunReport:
        """One pass over everyone due by now today. Overlapping calls wait; nothing is sent twice."""
        async with self._lock:
            return await self._run()

    async def _run(self) -> RunReport:
        report = RunReport()
        now = self.clock()
        day, minute = local_today(now, self.tz)
        midnight = int(datetime.combine(day, datetime.min.time(), tzinfo=self.tz).timestamp())
        if self._pruned_on != day:  # once a day: 100,000 rows a day would otherwise pile up for ever
            self.ledger.prune(day - timedelta(days=LEDGER_KEEP_DAYS))
            self._pruned_on = day
        limiter: _Pacer | WindowPacer = (
            WindowPacer(self.window, self.policy.window_budget, self.sleep) if self.window is not None
            else _Pacer(self.policy.rate_per_second, self.sleep))
        slots = asyncio.Semaphore(self.policy.concurrency)
        tasks: set[asyncio.Task[None]] = set()
        fatal: list[BaseException] = []

        def finished(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            slots.release()
            # _deliver_one handles every Exception; what escapes (SystemExit, KeyboardInterrupt)
            # must stop the run as it would stop the process, leaving its 'sending' row uncertain.
            if not task.cancelled() and task.exception() is not None:
                fatal.append(task.exception())  # type: ignore[arg-type]

        try:
            for sub in self.subscriptions.iter_due(day, minute, midnight):
                await slots.acquire()
                if fatal:
                    raise fatal[0]
                if self._stopping:
                    slots.release()
                    break
                task = asyncio.create_task(self._deliver_one(sub, day, report, limiter))
                tasks.add(task)
                task.add_done_callback(finished)
            if tasks:
                await asyncio.gather(*tasks)
            if fatal:
                raise fatal[0]
        finally:
            for task in tasks:
                task.cancel()
        if report.sent or report.failed:
            log.info("digest run %s: %s", day, report)
        return report

    async def _deliver_one(self, sub: Subscription, day: date, report: RunReport,
                           limiter: _Pacer | WindowPacer) -> None:
        BULK.set(True)  # this task's requests are paced here, not counted again by the limiter
        digest = self.digest_for(sub, day)
        if not self.ledger.claim(sub.chat_id, day, digest.issue_no, at=int(self.clock().timestamp())):
            report.skipped += 1
            return
        attempts = 0
        rate_limited = 0
        while True:
            attempts += 1
            await limiter.wait()
            try:
                message_id = await self.sender(sub, digest)
            except RetryAfter as exc:
                rate_limited += 1
                report.rate_limited += 1
                wait = _seconds(exc.retry_after)
                if wait > self.policy.max_retry_after or rate_limited > self.policy.max_429:
                    self._fail(sub, day, f"429 retry_after={wait}", attempts, report)
                    return
                await self.sleep(wait)
                attempts -= 1  # a 429 is Telegram pacing us, not a failed attempt
                continue
            except Forbidden as exc:
                self.subscriptions.deactivate(sub.chat_id, f"403: {exc.message}")
                self._fail(sub, day, f"403: {exc.message}", attempts, report)
                report.deactivated += 1
                return
            except ChatMigrated as exc:
                self.subscriptions.deactivate(sub.chat_id, f"migrated to {exc.new_chat_id}")
                self._fail(sub, day, "chat migrated", attempts, report)
                report.deactivated += 1
                return
            except BadRequest as exc:
                if any(p in exc.message.lower() for p in GONE_PHRASES):
                    self.subscriptions.deactivate(sub.chat_id, f"400: {exc.message}")
                    report.deactivated += 1
                self._fail(sub, day, f"400: {exc.message}", attempts, report)
                return
            except (TimedOut, NetworkError) as exc:
                if attempts >= self.policy.max_attempts:
                    self._fail(sub, day, f"network: {exc.message}", attempts, report)
                    return
                report.retries += 1
                await self.sleep(self.policy.backoff_base * 2 ** (attempts - 1))
                continue
            except Exception as exc:  # noqa: BLE001 - one chat's failure must not stop the run
                log.exception("digest to chat %s failed", sub.chat_id)
                self._fail(sub, day, f"error: {type(exc).__name__}", attempts, report)
                return
            with self.db.transaction():  # one commit: 'sent' and the rotation advance together
                self.ledger.mark_sent(sub.chat_id, day, message_id, attempts)
                self.subscriptions.record_delivery(sub.chat_id, self.pack().fingerprint)
            report.sent += 1
            return

    def _fail(self, sub: Subscription, day: date, error: str, attempts: int, report: RunReport) -> None:
        self.ledger.mark_failed(sub.chat_id, day, error, attempts)
        report.failed += 1
        if len(report.errors) < 20:
            report.errors.append(f"{sub.chat_id}: {error}")

    def uncertain_count(self) -> int:
        """Digests a crash interrupted between 'sending' and 'sent': maybe delivered, never resent."""
        return self.ledger.uncertain(self.started_at)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


class _Pacer:
    """Spaces sends evenly at ``rate`` per second (None: as fast as the transport allows)."""

    def __init__(self, rate: float | None, sleep: Callable[[float], Awaitable[None]]) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.sleep = sleep
        self.next_at = 0.0
        self._loop_time = asyncio.get_running_loop().time

    async def wait(self) -> None:
        if not self.interval:
            return
        now = self._loop_time()
        at = max(now, self.next_at)
        self.next_at = at + self.interval
        if at > now:
            await self.sleep(at - now)
