"""BOT_DIGEST_CHANNEL: the day's common digest (what a default subscriber gets) as one channel post a day.

A channel post reaches any number of readers at once, where personal digests go out at ~30 a second
(5.6 million members would take 52 hours). The post goes out at the pack's default digest time, or
later that day after downtime; a row per channel and local date is claimed before the request, so it
goes out at most once a day through restarts (a crash mid-request leaves it uncertain, never resent).
It carries the draft's status line; it has no buttons (a channel's readers cannot open a bot's
settings from there), only a line pointing to the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from telegram.error import TelegramError

from bot import context as ctx
from bot.config import Settings
from bot.content import ContentPack
from bot.digest import runner as digest_runner
from bot.digest.compose import compose
from bot.digest.schedule import local_today
from bot.i18n import Catalogues, Translator
from bot.render.digest import DIGEST_LIMIT, digest_text
from bot.render.text import esc
from bot.store import Store
from bot.store.database import Database, now

log = logging.getLogger(__name__)

TICK_JOB = "CHANNEL_TICK"
FIRST_TICK = 3.0  # seconds after start: a post missed while the bot was down goes out now


class ChannelLedger:
    def __init__(self, db: Database) -> None:
        self.db = db

    def posted(self, channel: str) -> int:
        row = self.db.conn.execute("SELECT COUNT(*) FROM channel_posts WHERE channel = ? AND status = 'sent'",
                                   (channel,)).fetchone()
        return int(row[0])

    def status(self, channel: str, day: date) -> str | None:
        row = self.db.conn.execute("SELECT status FROM channel_posts WHERE channel = ? AND local_date = ?",
                                   (channel, day.isoformat())).fetchone()
        return str(row[0]) if row else None

    def claim(self, channel: str, day: date, issue_no: int) -> bool:
        cur = self.db.conn.execute(
            "INSERT OR IGNORE INTO channel_posts(channel, local_date, status, issue_no, started_at)"
            " VALUES (?, ?, 'sending', ?, ?)", (channel, day.isoformat(), issue_no, now()))
        return cur.rowcount == 1

    def finish(self, channel: str, day: date, status: str, message_id: int | None, error: str | None) -> None:
        self.db.conn.execute(
            "UPDATE channel_posts SET status = ?, message_id = ?, error = ?, finished_at = ?"
            " WHERE channel = ? AND local_date = ?", (status, message_id, error, now(), channel, day.isoformat()))


def channel_text(pack: ContentPack, position: int, day: date, tr: Translator, bot_username: str) -> str:
    """The default subscriber's digest of ``day``, its settings line replaced by a pointer to the bot."""
    digest = compose(pack, position, (), day)
    footer = "<i>" + esc(tr.gettext("Your own digest, at your time, and the whole report: @{bot}")
                         .format(bot=bot_username)) + "</i>"
    limit: int | None = None
    while True:
        lines = digest_text(pack, digest, tr, summary_limit=limit).split("\n")
        text = "\n".join([*lines[:-1], footer])
        if len(text) <= DIGEST_LIMIT or (limit is not None and limit < 60):
            return text
        limit = 600 if limit is None else limit - 100


@dataclass(frozen=True)
class Posted:
    day: date
    issue_no: int
    message_id: int | None


async def tick_now(app: Any) -> Posted | None:
    """Post today's digest to the channel if it is time and it was not posted (or tried) today."""
    settings: Settings = app.bot_data[ctx.SETTINGS]
    channel = settings.digest_channel
    store: Store | None = app.bot_data.get(ctx.STORE)
    if channel is None or store is None:
        return None
    pack: ContentPack = app.bot_data[ctx.PACK]
    clock: Callable[[], datetime] = app.bot_data.get(digest_runner.CLOCK) or (lambda: datetime.now(settings.timezone))
    tz: tzinfo = settings.timezone
    day, minute = local_today(clock(), tz)
    if minute < pack.digest.minute:
        return None
    reader, writer = ChannelLedger(store.db), ChannelLedger(store.writer.db)
    if reader.status(channel, day) is not None:
        return None
    position = reader.posted(channel)
    if not await store.writer.run(writer.claim, channel, day, position + 1):
        return None
    catalogues: Catalogues = app.bot_data[ctx.CATALOGUES]
    text = channel_text(pack, position, day, catalogues.get(None), app.bot.username or "")
    try:
        message = await app.bot.send_message(channel, text)
    except TelegramError as exc:
        log.warning("digest channel %s: today's post failed (%s: %s); next try tomorrow", channel,
                    type(exc).__name__, exc)
        await store.writer.run(writer.finish, channel, day, "failed", None, f"{type(exc).__name__}: {exc}"[:300])
        return None
    await store.writer.run(writer.finish, channel, day, "sent", message.message_id, None)
    log.info("digest channel %s: digest no. %d posted", channel, position + 1)
    return Posted(day, position + 1, message.message_id)


async def _tick(context: Any) -> None:
    try:
        await tick_now(context.application)
    except Exception:  # noqa: BLE001 - the next minute tries again; the ledger prevents a second post
        log.exception("digest channel tick failed")


def setup(app: Any) -> None:
    """post_init: a tick every minute (and one shortly after start) when BOT_DIGEST_CHANNEL is set."""
    if app.bot_data[ctx.SETTINGS].digest_channel is None or app.job_queue is None:
        return
    if not app.bot_data.get(digest_runner.SCHEDULE, True):
        return
    for job in app.job_queue.get_jobs_by_name(TICK_JOB):
        job.schedule_removal()
    app.job_queue.run_repeating(_tick, interval=60, first=FIRST_TICK, name=TICK_JOB)
