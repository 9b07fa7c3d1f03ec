"""The digest's wiring, called from bot/app.py: the service over the store, its sender, the jobs and the run.

The schedule lives in SQLite only: the DIGEST_TICK job re-derives who is due from the database every
minute, and its first run a few seconds after start is the catch-up. A run can take an hour at
Telegram's pace, so it goes on in the background (one at a time); shutdown lets its requests in
flight finish before the store closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from telegram import Bot
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext

from bot import context as ctx
from bot.access.policy import ACCESS, Access
from bot.background import wait_or_cancel
from bot.config import Settings
from bot.content import ContentPack
from bot.digest.compose import Digest
from bot.digest.service import DeliveryPolicy, DigestService, RunReport, Sender
from bot.i18n import Catalogues, resolve_language
from bot.render import digest as view
from bot.render.common import Page
from bot.store import Store
from bot.store.digest_repo import Subscription

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]

# bot_data keys: the service, and what tests may inject before the application starts.
DIGEST = "digest"
CLOCK = "digest_clock"        # Callable[[], datetime]; default: the real clock in BOT_TIMEZONE
SLEEP = "digest_sleep"        # async sleep used for pacing, backoff and retry_after
POLICY = "digest_policy"      # DeliveryPolicy
SCHEDULE = "digest_schedule"  # False: no jobs (tests call tick_now instead)
RUN_TASK = "digest_run_task"

TICK_JOB = "DIGEST_TICK"
CATCHUP_JOB = "DIGEST_CATCHUP"
CATCHUP_DELAY = 2.0   # seconds after start: digests due earlier today go out (oldest first)
RENDER_CACHE = 2048   # rendered digests kept by the sender (distinct issue/fields/language combinations)
STOP_WAIT = 30.0      # seconds shutdown waits for requests in flight before cancelling them


def digest_language(store: Store | None, sub: Subscription) -> str:
    """A private chat reads the digest in the user's chosen language; a group in the one it chose."""
    user_lang = None
    if sub.chat_type == ChatType.PRIVATE and store is not None:
        user_lang = store.users.get_language(sub.chat_id)
    return resolve_language(user_lang, sub.lang)


def admitted(access: Access, sub: Subscription) -> bool:
    """At send time: a private chat's digest goes to an admitted user; a group's, if the group is
    admitted or the one who subscribed it still is (as the gate judges a group). After a restart with a
    shorter BOT_ALLOWLIST, or /remove, revoked chats get nothing (their subscription stays, and resumes
    if they are admitted again)."""
    if sub.chat_type == ChatType.PRIVATE:
        return access.admits(sub.chat_id)
    return access.admits(sub.chat_id) or access.admits(sub.subscribed_by)


def make_sender(bot: Bot, pack: Callable[[], ContentPack], catalogues: Catalogues,
                language_of: Callable[[Subscription], str]) -> Sender:
    """The service's sender: render in the subscriber's language and send one message."""

    # Subscribers who joined the same day, with the same fields and language, get the same message:
    # it is rendered once per run, not once per chat.
    @lru_cache(maxsize=RENDER_CACHE)
    def render(current: ContentPack, lang: str, digest: Digest) -> Page:
        return view.render_digest(current, digest, catalogues.get(lang))

    async def send(sub: Subscription, digest: Digest) -> int:
        text, markup = render(pack(), language_of(sub), digest)
        message = await bot.send_message(sub.chat_id, text, reply_markup=markup)
        return message.message_id

    return send


async def setup(app: AnyApp) -> DigestService:
    """post_init: the service over the store's database, the pack remembered, the jobs scheduled."""
    settings: Settings = app.bot_data[ctx.SETTINGS]
    store: Store = app.bot_data[ctx.STORE]
    access: Access = app.bot_data.setdefault(ACCESS, Access(settings))
    sender = make_sender(app.bot, lambda: app.bot_data[ctx.PACK], app.bot_data[ctx.CATALOGUES],
                         lambda sub: digest_language(store, sub))
    service = DigestService(
        store.db, settings.timezone, sender, lambda: app.bot_data[ctx.PACK],
        policy=app.bot_data.get(POLICY) or DeliveryPolicy(),
        clock=app.bot_data.get(CLOCK), sleep=app.bot_data.get(SLEEP) or asyncio.sleep,
        window=app.bot_data[ctx.WINDOW], writer=store.writer,  # see bot/digest/pacing.py, bot/store/writer.py
        admitted=lambda sub: admitted(access, sub),  # access is checked at send time, from memory
    )
    service.remember_pack()
    app.bot_data[DIGEST] = service
    if app.bot_data.get(SCHEDULE, True) and app.job_queue is not None:
        schedule(app)
    return service


def schedule(app: AnyApp) -> None:
    """One catch-up run shortly after start, then a tick at second 1 of every minute (never duplicated)."""
    jobs = app.job_queue
    if jobs is None:
        return
    for name in (TICK_JOB, CATCHUP_JOB):
        for job in jobs.get_jobs_by_name(name):
            job.schedule_removal()
    now = datetime.now(app.bot_data[ctx.SETTINGS].timezone)
    to_next_minute = 60 - now.second - now.microsecond / 1e6 + 1
    jobs.run_once(tick, CATCHUP_DELAY, name=CATCHUP_JOB)
    jobs.run_repeating(tick, interval=60, first=to_next_minute, name=TICK_JOB)


async def tick(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """The job: start a run unless one is going (a run can take an hour at Telegram's pace)."""
    start_run(context.bot_data)


def start_run(bot_data: dict[str, Any]) -> asyncio.Task[RunReport | None] | None:
    """A run in the background, unless one is going; shutdown() waits for it."""
    service: DigestService | None = bot_data.get(DIGEST)
    if service is None or service.busy:
        return None
    task = bot_data.get(RUN_TASK)
    if task is not None and not task.done():
        return None
    started = asyncio.create_task(_run(service), name="digest run")
    bot_data[RUN_TASK] = started
    return started


async def _run(service: DigestService) -> RunReport | None:
    try:
        return await service.run_due()
    except Exception:  # noqa: BLE001 - the next tick tries again; nothing is sent twice
        log.exception("digest run failed")
        return None


async def tick_now(app: AnyApp) -> RunReport:
    """What a tick does, awaited: for tests and the console."""
    service: DigestService = app.bot_data[DIGEST]
    return await service.run_due()


async def shutdown(app: AnyApp) -> None:
    """post_stop and post_shutdown, before the store closes: claim nothing more, let requests in flight
    finish (at most STOP_WAIT seconds)."""
    service: DigestService | None = app.bot_data.get(DIGEST)
    if service is not None:
        service.request_stop()
    task: asyncio.Task[Any] | None = app.bot_data.pop(RUN_TASK, None)
    await wait_or_cancel(task, STOP_WAIT)
