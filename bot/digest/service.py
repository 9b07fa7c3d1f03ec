"""The daily digest's service: a chat's subscription and its changes, and the daily fan-out.

The fan-out streams due subscribers from SQLite, claims, sends, records; it is driven by the database.
Nothing here depends on in-memory jobs surviving: every minute (and once at start, which is the
catch-up after downtime) ``run_due`` asks the database who is due today and has no ledger row
today. Yesterday is never looked at, so a digest is never sent late into the next day.

The subscription's state machine (subscribe, time, weekdays, fields, pause, language, unsubscribe)
is here too, so the handlers only read a button or a command and render what the service says.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.content import ContentPack
from bot.digest.compose import Digest, FigureChange, changed_figures, compose, figure_values
from bot.digest.pacing import BULK, DEFAULT_BUDGET, TrafficWindow, WindowPacer
from bot.digest.schedule import local_today, next_due
from bot.i18n import normalize_language
from bot.store.database import Database
from bot.store.digest_repo import LedgerRepository, SnapshotRepository, Subscription, SubscriptionRepository
from bot.store.repo import move_chat
from bot.store.writer import Writer

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
    revoked: int = 0  # not sent: the chat is no longer admitted (BOT_ACCESS)
    migrated: int = 0  # the group had become a supergroup: moved, then sent there
    retries: int = 0
    rate_limited: int = 0
    database_errors: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class DeliveryPolicy:
    #: Requests in flight at once, sized to Telegram's 30 a second: at a round trip of about 0.13 s
    #: that takes 4. A chat is claimed ('sending') only when its request is about to go out, so this
    #: is also the most a crash (SIGKILL, power loss) can leave uncertain.
    concurrency: int = 4
    #: Digests fill what the rest of the bot leaves of this many requests per rolling second.
    window_budget: int = DEFAULT_BUDGET
    max_attempts: int = 4          # timeouts and 5xx: bounded backoff, then a recorded failure
    backoff_base: float = 1.0
    max_retry_after: float = 120.0  # a 429 asking for longer is recorded as a failure for today
    max_429: int = 5


MINUTES_IN_A_DAY = 24 * 60


class Notice(Enum):
    """What a change has to tell the chat (the handlers translate it)."""

    NOT_SUBSCRIBED = "not subscribed"
    UNSUBSCRIBED = "unsubscribed"
    KEEP_ONE_FIELD = "keep one field"


@dataclass(frozen=True)
class DigestSettings:
    """A chat's digest as its settings screen shows it."""

    subscribed: bool
    minute: int
    timezone: str
    lang: str
    group: bool = False
    weekdays_only: bool = False
    fields: tuple[str, ...] = ()  # empty: all fields
    paused: bool = False
    next_due: datetime | None = None


@dataclass(frozen=True)
class _Unrecorded:
    """Telegram took the digest but the database refused 'sent' (locked, full): retried next run."""

    chat_id: int
    day: date
    message_id: int | None
    attempts: int
    fingerprint: str


class DigestService:
    """The daily fan-out. Reads go through `db` (the loop's connection); every write through `writer`
    (its own connection and thread), so a database lock never stalls the event loop."""

    def __init__(self, db: Database, tz: tzinfo, sender: Sender,
                 pack: Callable[[], ContentPack], policy: DeliveryPolicy | None = None,
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 window: TrafficWindow | None = None, writer: Writer | None = None,
                 admitted: Callable[[Subscription], bool] | None = None) -> None:
        self.db = db
        self.tz = tz
        self.sender = sender
        self.pack = pack
        self.policy = policy or DeliveryPolicy()
        self.clock = clock or (lambda: datetime.now(tz))
        self.sleep = sleep
        self.window = window or TrafficWindow()
        self.writer = writer or Writer(db.path)
        self.admitted = admitted or (lambda sub: True)
        self.subscriptions = SubscriptionRepository(db)
        self.ledger = LedgerRepository(db)
        self.snapshots = SnapshotRepository(db)
        self._w_subscriptions = SubscriptionRepository(self.writer.db)
        self._w_ledger = LedgerRepository(self.writer.db)
        self.started_at = int(self.clock().timestamp())
        self._lock = asyncio.Lock()
        self._pruned_on: date | None = None
        self._stopping = False
        self._unrecorded: list[_Unrecorded] = []
        self._changes: dict[tuple[str, str], list[FigureChange]] = {}

    @property
    def busy(self) -> bool:
        """A run is going: a new tick has nothing to add and is skipped."""
        return self._lock.locked()

    def request_stop(self) -> None:
        """Shutting down: claim no further chats; requests already in flight finish and are recorded."""
        self._stopping = True

    # -- a chat's subscription ---------------------------------------------------------------------

    @property
    def default_minute(self) -> int:
        """A new subscriber's time: the pack's (digest.yaml ``time``), in the bot's time zone."""
        return self.pack().digest.minute

    def active(self, chat_id: int) -> Subscription | None:
        sub = self.subscriptions.get(chat_id)
        return sub if sub is not None and sub.active else None

    def settings(self, chat_id: int, group: bool, lang: str) -> DigestSettings:
        """What the chat's settings screen shows; ``lang`` is the reader's, for a chat not subscribed."""
        zone = str(self.tz)
        sub = self.active(chat_id)
        if sub is None:
            return DigestSettings(subscribed=False, minute=self.default_minute, timezone=zone, lang=lang,
                                  group=group)
        now = self.clock()
        day, _ = local_today(now, self.tz)
        delivered = self.ledger.issue_for(chat_id, day) is not None
        due = None if sub.paused else next_due(now, sub.minute_of_day, sub.weekdays_only, self.tz, delivered)
        return DigestSettings(subscribed=True, minute=sub.minute_of_day, timezone=zone,
                              lang=normalize_language(sub.lang) or lang, group=group,
                              weekdays_only=sub.weekdays_only, fields=sub.fields, paused=sub.paused, next_due=due)

    def subscribe(self, chat_id: int, chat_type: str, lang: str, by_user: int | None,
                  minute: int | None = None) -> Subscription:
        """Subscribe (or resubscribe) at ``minute``; without one the chat keeps its time (a new chat gets
        the default time)."""
        if minute is None:
            existing = self.subscriptions.get(chat_id)
            minute = existing.minute_of_day if existing is not None else self.default_minute
        return self.subscriptions.subscribe(chat_id, chat_type, _in_a_day(minute), lang, by_user,
                                            at=int(self.clock().timestamp()))

    def set_time(self, chat_id: int, chat_type: str, lang: str, by_user: int | None, minute: int) -> None:
        """A time chosen on the picker: the subscription's new time, or a subscription at that time."""
        if self.active(chat_id) is None:
            self.subscribe(chat_id, chat_type, lang, by_user, minute)
        else:
            self.subscriptions.set_time(chat_id, _in_a_day(minute), at=int(self.clock().timestamp()))

    def toggle_weekdays(self, chat_id: int) -> Notice | None:
        sub = self.active(chat_id)
        if sub is None:
            return Notice.NOT_SUBSCRIBED
        self.subscriptions.set_weekdays_only(chat_id, not sub.weekdays_only)
        return None

    def set_paused(self, chat_id: int, paused: bool) -> Notice | None:
        if self.active(chat_id) is None:
            return Notice.NOT_SUBSCRIBED
        self.subscriptions.set_paused(chat_id, paused)
        return None

    def toggle_field(self, chat_id: int, field_id: str) -> Notice | None:
        """Add or remove a field of the pack; the last one chosen stays (a digest of nothing is no digest)."""
        sub = self.active(chat_id)
        if sub is None:
            return Notice.NOT_SUBSCRIBED
        every = list(self.pack().fields)
        if field_id not in every:
            return None
        chosen = [f for f in every if f in sub.fields] if sub.fields else list(every)
        if field_id in chosen:
            if len(chosen) == 1:
                return Notice.KEEP_ONE_FIELD
            chosen.remove(field_id)
        else:
            chosen.append(field_id)
        self.subscriptions.set_fields(chat_id, () if set(chosen) == set(every) else
                                      tuple(f for f in every if f in chosen))
        return None

    def set_language(self, chat_id: int, lang: str) -> None:
        """The language the chat's digest is written in (a chat not subscribed keeps nothing)."""
        if self.active(chat_id) is not None:
            self.subscriptions.set_lang(chat_id, lang)

    def unsubscribe(self, chat_id: int) -> Notice:
        if self.active(chat_id) is None:
            return Notice.NOT_SUBSCRIBED
        self.subscriptions.unsubscribe(chat_id)
        return Notice.UNSUBSCRIBED

    # -- content ---------------------------------------------------------------------------------

    def remember_pack(self) -> None:
        """Store this pack's figure values so later packs can say what changed (one transaction)."""
        pack = self.pack()
        with self.db.transaction():
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
        """One pass over everyone due by now today. Overlapping calls wait; nothing is sent twice.

        A database that fails (locked beyond the writer's timeout, full, damaged) ends the pass with a
        rate-limited log line; the next tick tries again, and nothing is ever sent twice."""
        async with self._lock:
            report = RunReport()
            try:
                await self._run(report)
            except sqlite3.Error as exc:
                self._database_error(exc, "running the digest", report)
            if report.sent or report.failed or report.database_errors:
                log.info("digest run: %s", report)
            return report

    async def _run(self, report: RunReport) -> None:
        now = self.clock()
        day, minute = local_today(now, self.tz)
        midnight = int(datetime.combine(day, datetime.min.time(), tzinfo=self.tz).timestamp())
        await self._record_unrecorded()
        if self._pruned_on != day:  # once a day: 100,000 rows a day would otherwise pile up for ever
            await self.writer.run(self._w_ledger.prune, day - timedelta(days=LEDGER_KEEP_DAYS))
            self._pruned_on = day
        pacer = WindowPacer(self.window, self.policy.window_budget, self.sleep)
        slots = asyncio.Semaphore(self.policy.concurrency)
        tasks: set[asyncio.Task[None]] = set()
        fatal: list[BaseException] = []

        def finished(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            slots.release()
            # _deliver_one handles every Exception; what escapes (SystemExit, KeyboardInterrupt)
            # must stop the run as it would stop the process, leaving its 'sending' row uncertain.
            error = None if task.cancelled() else task.exception()
            if error is not None:
                fatal.append(error)

        try:
            for sub in self.subscriptions.iter_due(day, minute, midnight):
                if not self.admitted(sub):
                    report.revoked += 1
                    continue
                await slots.acquire()
                if fatal:
                    raise fatal[0]
                if self._stopping or report.database_errors:
                    slots.release()
                    break
                task = asyncio.create_task(self._deliver_one(sub, day, report, pacer))
                tasks.add(task)
                task.add_done_callback(finished)
            if tasks:
                await asyncio.gather(*tasks)
            if fatal:
                raise fatal[0]
        finally:
            for task in tasks:
                task.cancel()

    async def _deliver_one(self, sub: Subscription, day: date, report: RunReport, pacer: WindowPacer) -> None:
        BULK.set(True)  # this task's requests are paced here and bypass the limiter (bot/digest/pacing.py)
        digest = self.digest_for(sub, day)
        attempts = 0
        rate_limited = 0
        claimed = False
        while True:
            await pacer.wait()
            if not claimed:
                # Claimed only now, as the request is about to go out: a crash can leave at most the
                # requests in flight uncertain, never chats still waiting for their turn.
                if self._stopping or report.database_errors:
                    return
                try:
                    claimed = await self.writer.run(self._w_ledger.claim, sub.chat_id, day, digest.issue_no,
                                                    int(self.clock().timestamp()))
                except sqlite3.Error as exc:
                    self._database_error(exc, f"claiming chat {sub.chat_id}", report)
                    return
                if not claimed:
                    report.skipped += 1
                    return
            attempts += 1
            try:
                message_id = await self.sender(sub, digest)
            except RetryAfter as exc:
                rate_limited += 1
                report.rate_limited += 1
                wait = _seconds(exc.retry_after)
                if wait > self.policy.max_retry_after or rate_limited > self.policy.max_429:
                    await self._fail(sub, day, f"429 retry_after={wait}", attempts, report)
                    return
                pacer.hold(wait)  # the whole run waits: the next digest would meet the same 429
                attempts -= 1  # a 429 is Telegram pacing us, not a failed attempt
                continue
            except Forbidden as exc:
                await self._fail(sub, day, f"403: {exc.message}", attempts, report, deactivate=True)
                return
            except ChatMigrated as exc:
                moved = await self._migrate(sub, exc.new_chat_id, day, report)
                if moved is None:
                    return
                sub = moved
                attempts -= 1
                continue
            except BadRequest as exc:
                gone = any(p in exc.message.lower() for p in GONE_PHRASES)
                await self._fail(sub, day, f"400: {exc.message}", attempts, report, deactivate=gone)
                return
            except (TimedOut, NetworkError) as exc:
                if attempts >= self.policy.max_attempts:
                    await self._fail(sub, day, f"network: {exc.message}", attempts, report)
                    return
                report.retries += 1
                await self.sleep(self.policy.backoff_base * 2 ** (attempts - 1))
                continue
            except Exception as exc:  # noqa: BLE001 - one chat's failure must not stop the run
                log.exception("digest to chat %s failed", sub.chat_id)
                await self._fail(sub, day, f"error: {type(exc).__name__}", attempts, report)
                return
            await self._record_sent(_Unrecorded(sub.chat_id, day, message_id, attempts, self.pack().fingerprint),
                                    report)
            report.sent += 1
            return

    async def _migrate(self, sub: Subscription, new: int, day: date, report: RunReport) -> Subscription | None:
        """The group became a supergroup: move its subscription, settings and ledger row, then send there
        (unless the supergroup has today's digest already). None: do not send."""
        try:
            had_today = self.ledger.status(new, day) is not None
            await self.writer.run(move_chat, self.writer.db, sub.chat_id, new)
        except sqlite3.Error as exc:
            self._database_error(exc, f"moving chat {sub.chat_id} to {new}", report)
            return None
        log.info("digest: chat %s became supergroup %s; subscription and ledger moved", sub.chat_id, new)
        report.migrated += 1
        if had_today:
            report.skipped += 1
            return None
        return dataclasses.replace(sub, chat_id=new, chat_type="supergroup")

    async def _record_sent(self, sent: _Unrecorded, report: RunReport) -> None:
        """'sent' and the rotation advance in one commit; if the database refuses, keep it for later."""
        try:
            await self.writer.run(self._mark_sent, sent)
        except sqlite3.Error as exc:
            self._unrecorded.append(sent)
            self._database_error(exc, f"recording the digest sent to chat {sent.chat_id}", report)

    def _mark_sent(self, sent: _Unrecorded) -> None:
        self._w_ledger.mark_sent(sent.chat_id, sent.day, sent.message_id, sent.attempts)
        self._w_subscriptions.record_delivery(sent.chat_id, sent.fingerprint)

    async def _record_unrecorded(self) -> None:
        """Deliveries the database refused to record earlier: this process knows they went out."""
        while self._unrecorded:
            await self.writer.run(self._mark_sent, self._unrecorded[0])
            self._unrecorded.pop(0)

    async def _fail(self, sub: Subscription, day: date, error: str, attempts: int, report: RunReport,
                    *, deactivate: bool = False) -> None:
        report.failed += 1
        if deactivate:
            report.deactivated += 1
        if len(report.errors) < 20:
            report.errors.append(f"{sub.chat_id}: {error}")
        try:
            await self.writer.run(self._mark_failed, sub.chat_id, day, error, attempts, deactivate)
        except sqlite3.Error as exc:
            self._database_error(exc, f"recording the failed digest to chat {sub.chat_id}", report)

    def _mark_failed(self, chat_id: int, day: date, error: str, attempts: int, deactivate: bool) -> None:
        self._w_ledger.mark_failed(chat_id, day, error, attempts)
        if deactivate:
            self._w_subscriptions.deactivate(chat_id, error)

    def _database_error(self, exc: sqlite3.Error, doing: str, report: RunReport) -> None:
        report.database_errors += 1
        self.db.report(exc, doing)

    def uncertain_count(self) -> int:
        """Digests a crash interrupted between 'sending' and 'sent': maybe delivered, never resent."""
        return self.ledger.uncertain(self.started_at)

    def uncertain_chats(self, limit: int = 50) -> list[tuple[int, str]]:
        """(chat_id, local date) of those digests, for admins to check by hand."""
        return self.ledger.uncertain_chats(self.started_at, limit)


def _in_a_day(minute: int) -> int:
    if not 0 <= minute < MINUTES_IN_A_DAY:
        raise ValueError(f"minute of the day {minute} is not in 0..{MINUTES_IN_A_DAY - 1}")
    return minute


def _seconds(value: float | timedelta) -> float:
    """RetryAfter.retry_after in seconds (PTB gives an int, or a timedelta when so configured)."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
