"""/subscribe, /unsubscribe, /digest and the digest buttons; plus the service's wiring and its tick job.

Handlers stay thin: they read the update, ask the DigestService's repositories, render with
bot.render.digest and send. The schedule lives in SQLite only: the DIGEST_TICK job re-derives who is
due from the database every minute, and its first run a few seconds after start is the catch-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import context as ctx
from bot.content.folding import fold_chars
from bot.context import BotContext
from bot.digest.compose import Digest
from bot.digest.schedule import local_today, minute_of_day, next_due
from bot.digest.service import DeliveryPolicy, DigestService, RunReport, Sender
from bot.digest.timeparse import TimeFormatError, parse_time
from bot.handlers import gate
from bot.handlers.common import edit_or_ignore
from bot.i18n import LANGUAGES, Catalogues, Translator, normalize_language, resolve_language
from bot.render import callbacks as cb
from bot.render import digest as view
from bot.render import nav
from bot.render.info import stale_button
from bot.store.digest_repo import Subscription

log = logging.getLogger(__name__)

# bot_data keys: the service, and what tests may inject before the application starts.
DIGEST = "digest"
CLOCK = "digest_clock"        # Callable[[], datetime]; default: the real clock in BOT_TIMEZONE
SLEEP = "digest_sleep"        # async sleep used for pacing, backoff and retry_after
POLICY = "digest_policy"      # DeliveryPolicy
SCHEDULE = "digest_schedule"  # False: no jobs (tests call tick_now instead)
RUN_TASK = "digest_run_task"
WINDOW = "digest_window"      # TrafficWindow shared with the rate limiter (bot/app.py builds it)

TICK_JOB = "DIGEST_TICK"
CATCHUP_JOB = "DIGEST_CATCHUP"
CATCHUP_DELAY = 2.0   # seconds after start: digests due earlier today go out (oldest first)
DEFAULT_MINUTE = 7 * 60
RENDER_CACHE = 2048   # rendered digests kept by the sender (distinct issue/fields/language combinations)
STOP_WAIT = 30.0      # seconds shutdown waits for requests in flight before cancelling them

MANAGERS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
#: Button actions that change the subscription: in groups only administrators may press them.
CHANGES = {"t", "wd", "fl", "pause", "resume", "unsub", "sub", "lang"}
#: Of those, the ones pressed on the settings screen itself: when nothing changed, nothing is edited.
TOGGLES = CHANGES - {"t", "sub"}


# ---------------------------------------------------------------------------------------------
# Wiring (called from bot/app.py)


def digest_language(store: Any, sub: Subscription) -> str:
    """A private chat reads the digest in the user's chosen language; a group in the one it chose."""
    user_lang = None
    if sub.chat_type == ChatType.PRIVATE and store is not None:
        user_lang = store.users.get_language(sub.chat_id)
    return resolve_language(user_lang, sub.lang)


def make_sender(bot: Bot, pack: Callable[[], Any], catalogues: Catalogues,
                language_of: Callable[[Subscription], str]) -> Sender:
    """The service's sender: render in the subscriber's language and send one message."""

    rendered: dict[tuple[Any, ...], Any] = {}

    async def send(sub: Subscription, digest: Digest) -> int:
        current, lang = pack(), language_of(sub)
        # Subscribers who joined the same day, with the same fields and language, get the same message:
        # render it once per run instead of once per chat.
        key = (id(current), current.fingerprint, lang, digest.issue_no, digest.day,
               *(x.id if x is not None else None
                 for x in (digest.figure, digest.result, digest.limitation_or_task, digest.target)),
               tuple((c.figure.id, c.old_value, c.old_status) for c in digest.changes))
        page = rendered.get(key)
        if page is None:
            if len(rendered) >= RENDER_CACHE:
                rendered.clear()
            page = rendered[key] = view.render_digest(current, digest, catalogues.get(lang))
        text, markup = page
        message = await bot.send_message(sub.chat_id, text, reply_markup=markup)
        return message.message_id

    return send


async def setup(app: Any) -> DigestService:
    """post_init: the service over the store's database, the pack remembered, the jobs scheduled."""
    settings = app.bot_data[ctx.SETTINGS]
    store = app.bot_data[ctx.STORE]
    sender = make_sender(app.bot, lambda: app.bot_data[ctx.PACK], app.bot_data[ctx.CATALOGUES],
                         lambda sub: digest_language(store, sub))
    service = DigestService(
        store.db, settings.timezone, sender, lambda: app.bot_data[ctx.PACK],
        policy=app.bot_data.get(POLICY) or DeliveryPolicy(),
        clock=app.bot_data.get(CLOCK), sleep=app.bot_data.get(SLEEP) or asyncio.sleep,
        window=app.bot_data.get(WINDOW), writer=store.writer,  # see bot/digest/pacing.py, bot/store/writer.py
        admitted=lambda sub: gate.admits_subscription(settings, sub),  # access checked at send time
    )
    service.remember_pack()
    app.bot_data[DIGEST] = service
    if app.bot_data.get(SCHEDULE, True) and app.job_queue is not None:
        schedule(app)
    return service


def schedule(app: Any) -> None:
    """One catch-up run shortly after start, then a tick at second 1 of every minute (never duplicated)."""
    jobs = app.job_queue
    for name in (TICK_JOB, CATCHUP_JOB):
        for job in jobs.get_jobs_by_name(name):
            job.schedule_removal()
    now = datetime.now(app.bot_data[ctx.SETTINGS].timezone)
    to_next_minute = 60 - now.second - now.microsecond / 1e6 + 1
    jobs.run_once(tick, CATCHUP_DELAY, name=CATCHUP_JOB)
    jobs.run_repeating(tick, interval=60, first=to_next_minute, name=TICK_JOB)


async def tick(context: BotContext) -> None:
    """The job: start a run unless one is going (a run can take an hour at Telegram's pace)."""
    start_run(context.bot_data)


def start_run(bot_data: dict[str, Any]) -> asyncio.Task[Any] | None:
    """A run in the background, unless one is going; shutdown() waits for it."""
    service: DigestService | None = bot_data.get(DIGEST)
    if service is None or service.busy:
        return None
    task = bot_data.get(RUN_TASK)
    if task is not None and not task.done():
        return None
    bot_data[RUN_TASK] = asyncio.create_task(_run(service), name="digest run")
    return bot_data[RUN_TASK]


async def _run(service: DigestService) -> RunReport | None:
    try:
        return await service.run_due()
    except Exception:  # noqa: BLE001 - the next tick tries again; nothing is sent twice
        log.exception("digest run failed")
        return None


async def tick_now(app: Any) -> RunReport:
    """What a tick does, awaited: for tests and the console."""
    return await app.bot_data[DIGEST].run_due()


async def shutdown(app: Any) -> None:
    """post_shutdown, before the store closes: claim nothing more, let requests in flight finish."""
    service: DigestService | None = app.bot_data.get(DIGEST)
    if service is not None:
        service.request_stop()
    task: asyncio.Task[Any] | None = app.bot_data.pop(RUN_TASK, None)
    if task is not None and not task.done():
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_WAIT)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


# ---------------------------------------------------------------------------------------------
# Helpers


def service_of(context: BotContext) -> DigestService:
    return context.bot_data[DIGEST]


def is_digest_data(data: object) -> bool:
    """CallbackQueryHandler pattern: our kind, whatever the pack fingerprint (settings outlive packs)."""
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], view.DigestAction)


async def may_manage(update: Update, context: BotContext) -> bool:
    """Private chats: the user. Groups: administrators only (anonymous admins write as the group)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    message = update.message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.info("getChatMember %s/%s failed: %s", chat.id, user.id, exc)
        return False
    return member.status in MANAGERS


def settings_view(service: DigestService, chat_id: int, chat_type: str, lang: str) -> view.SettingsView:
    sub = service.subscriptions.get(chat_id)
    group = chat_type != ChatType.PRIVATE
    zone = str(service.tz)
    if sub is None or not sub.active:
        return view.SettingsView(subscribed=False, lang=lang, timezone=zone, group=group)
    now = service.clock()
    day, _ = local_today(now, service.tz)
    delivered = service.ledger.issue_for(chat_id, day) is not None
    due = None if sub.paused else next_due(now, sub.minute_of_day, sub.weekdays_only, service.tz, delivered)
    return view.SettingsView(
        subscribed=True, minute=sub.minute_of_day, weekdays_only=sub.weekdays_only, fields=sub.fields,
        paused=sub.paused, lang=normalize_language(sub.lang) or lang, next_due=due, timezone=zone,
        group=group,
    )


def _subscribe(service: DigestService, chat: Any, user: Any, minute: int, lang: str) -> Subscription:
    return service.subscriptions.subscribe(chat.id, chat.type, minute, lang, user.id if user else None,
                                           at=int(service.clock().timestamp()))


# ---------------------------------------------------------------------------------------------
# Commands


async def _managed_chat(update: Update, context: BotContext) -> tuple[Any, Any] | None:
    """(message, chat) when this user may change the chat's digest; else refuse politely, None."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    if not await may_manage(update, context):
        await message.reply_text(view.admins_only(context.tr))
        return None
    return message, chat


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe [HH:MM] (/dangky): subscribe or change the time; says when the next digest comes."""
    if (target := await _managed_chat(update, context)) is None:
        return
    message, chat = target
    tr = context.tr
    service = service_of(context)
    existing = service.subscriptions.get(chat.id)
    text = " ".join(context.args or [])
    if text:
        try:
            minute = minute_of_day(parse_time(text))
        except TimeFormatError:
            await message.reply_text(view.bad_time(text, tr))
            return
    else:
        minute = existing.minute_of_day if existing is not None else DEFAULT_MINUTE  # keep their time
    _subscribe(service, chat, update.effective_user, minute, context.lang)
    settings = settings_view(service, chat.id, chat.type, context.lang)
    text_, markup = view.subscribed_page(context.pack, settings, tr)
    await message.reply_text(text_, reply_markup=markup)


async def unsubscribe(update: Update, context: BotContext) -> None:
    """/unsubscribe (/huy); with words after it, the usage: stopping is never a default action."""
    if context.args:
        message = update.effective_message
        if message is not None:
            await message.reply_text(view.digest_usage(" ".join(context.args), False, context.tr,
                                                       command="unsubscribe"))
        return
    if (target := await _managed_chat(update, context)) is None:
        return
    message, chat = target
    tr = context.tr
    service = service_of(context)
    existing = service.subscriptions.get(chat.id)
    if existing is None or not existing.active:
        await message.reply_text(view.not_subscribed(tr))
        return
    service.subscriptions.unsubscribe(chat.id)
    await message.reply_text(view.unsubscribed(tr))


#: Words after /digest, folded (no case, diacritics or spaces: "cài đặt", "Cai dat" and "caidat" alike).
SETTINGS_WORDS = {"settings", "setting", "caidat"}
STATUS_WORDS = {"status", "trangthai"}


def subcommand(args: list[str] | None) -> str:
    """The words after a command, folded: ``/bantin Cài Đặt`` -> ``caidat``."""
    return "".join(fold_chars(" ".join(args or [])).split())


async def digest_command(update: Update, context: BotContext) -> None:
    """/digest (/bantin): today's digest now; /digest settings; /digest status (bot admins); anything
    else: how to use it (never a default action on words it does not know)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None:
        return
    word = subcommand(context.args)
    service = service_of(context)
    admin = user is not None and user.id in context.settings.admins
    if word and word not in SETTINGS_WORDS | STATUS_WORDS:
        await message.reply_text(view.digest_usage(" ".join(context.args or []), admin, context.tr))
        return
    if word in SETTINGS_WORDS:
        text, markup = view.settings_page(context.pack, settings_view(service, chat.id, chat.type, context.lang),
                                          context.tr)
        await message.reply_text(text, reply_markup=markup)
        return
    if word in STATUS_WORDS and admin:
        day, _ = local_today(service.clock(), service.tz)
        text = view.status_page(service.ledger.counts(day), service.uncertain_count(),
                                service.subscriptions.count(), day, context.tr, service.uncertain_chats())
        await message.reply_text(text)
        return
    await _send_preview(context, chat.id, context.tr)


async def _send_preview(context: BotContext, chat_id: int, tr: Translator) -> None:
    """Today's digest for this chat, without touching the ledger or the rotation."""
    service = service_of(context)
    sub = service.subscriptions.get(chat_id)
    digest = service.preview(sub if sub is not None and sub.active else None)
    text, markup = view.render_digest(context.pack, digest, tr)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _show_piece(query: Any, context: BotContext, arg: str) -> None:
    """A figure or item of a digest, as a new message under it: the digest stays readable in the chat."""
    from bot.handlers.menu import render as render_screen

    kind, _, ident = arg.partition(".")
    pack = context.pack
    data: cb.Callback | None = None
    # shown under the digest, not opened from a list: no breadcrumb and no Back (nav.TYPED)
    if kind == "f" and ident in pack.figures:
        data = cb.FigureCard(ident, nav.TYPED)
    elif kind == "i" and ident in pack.items:
        data = cb.ItemCard(ident, nav.TYPED)
    page = render_screen(pack, context.tr, data, context) if data is not None else None
    if page is None:
        await query.answer(stale_button(context.tr))
        return
    await query.answer()
    text, markup = page
    await query.message.reply_text(text, reply_markup=markup)


async def reactivate(update: Update, context: BotContext) -> None:
    """/start from a chat Telegram refused earlier (blocked, kicked): its digest resumes."""
    chat = update.effective_chat
    service: DigestService | None = context.bot_data.get(DIGEST)
    if chat is not None and service is not None:
        service.subscriptions.reactivate_if_refused(chat.id)


# ---------------------------------------------------------------------------------------------
# Buttons


async def button(update: Update, context: BotContext) -> None:
    """A digest button: answer at once, change the subscription if allowed, edit the screen in place."""
    query = update.callback_query
    if query is None:
        return
    parsed = cb.parse(query.data)
    message = query.message
    if parsed is None or not isinstance(parsed[1], view.DigestAction) or message is None:
        await query.answer(stale_button(context.tr))
        return
    action = parsed[1]
    chat = message.chat
    if action.action == "show":
        await _show_piece(query, context, action.arg)
        return
    if action.action in CHANGES and chat.type != ChatType.PRIVATE and not await may_manage(update, context):
        await query.answer(view.admins_only(context.tr), show_alert=True)
        return
    service = service_of(context)
    before = settings_view(service, chat.id, chat.type, context.lang)
    notice = _apply(service, action, chat, update.effective_user, context)
    await query.answer(notice)
    if action.action in TOGGLES and settings_view(service, chat.id, chat.type, context.lang) == before:
        return  # pressed on the settings screen and nothing changed (the last field kept): no edit
    pack, tr = context.pack, context.tr
    if action.action == "now":
        await _send_preview(context, chat.id, tr)
        return
    if action.action == "times":
        sub = service.subscriptions.get(chat.id)
        current = sub.minute_of_day if sub is not None and sub.active else None
        text, markup = view.time_picker(pack, current, tr, zone=str(service.tz))
    else:
        text, markup = view.settings_page(pack, settings_view(service, chat.id, chat.type, context.lang), tr)
    if action.action == "open":
        await context.bot.send_message(chat.id, text, reply_markup=markup)
        return
    await edit_or_ignore(query, text, markup)


def _apply(service: DigestService, action: view.DigestAction, chat: Any, user: Any,
           context: BotContext) -> str | None:
    """Carry out a change; return a short notice for answerCallbackQuery (or None)."""
    subs = service.subscriptions
    sub = subs.get(chat.id)
    active = sub is not None and sub.active
    tr = context.tr
    kind, arg = action.action, action.arg
    if kind in {"t", "sub"}:
        minute = _minute(arg)
        if minute is None:
            minute = sub.minute_of_day if active and kind == "sub" and sub else DEFAULT_MINUTE
        if active and kind == "t":
            subs.set_time(chat.id, minute, at=int(service.clock().timestamp()))
        else:
            _subscribe(service, chat, user, minute, context.lang)
        return None
    if kind == "lang" and arg in LANGUAGES:
        if active:
            subs.set_lang(chat.id, arg)
        if chat.type == ChatType.PRIVATE and user is not None:
            context.store.users.set_language(user.id, arg)
            context.lang = arg
        return None
    if not active or sub is None:
        return None if kind in {"home", "open", "times", "now"} else tr.gettext(
            "This chat is not subscribed. Send /subscribe to get a daily digest.")
    if kind == "wd":
        subs.set_weekdays_only(chat.id, not sub.weekdays_only)
    elif kind == "pause":
        subs.set_paused(chat.id, True)
    elif kind == "resume":
        subs.set_paused(chat.id, False)
    elif kind == "unsub":
        subs.unsubscribe(chat.id)
        return tr.gettext("Unsubscribed.")
    elif kind == "fl":
        return _toggle_field(service, sub, arg, context)
    return None


def _toggle_field(service: DigestService, sub: Subscription, field: str, context: BotContext) -> str | None:
    every = list(context.pack.fields)
    if field not in every:
        return None
    chosen = [f for f in every if f in sub.fields] if sub.fields else list(every)
    if field in chosen:
        if len(chosen) == 1:
            return context.tr.gettext("Keep at least one field.")
        chosen.remove(field)
    else:
        chosen.append(field)
    service.subscriptions.set_fields(sub.chat_id, () if set(chosen) == set(every) else
                                     tuple(f for f in every if f in chosen))
    return None


def _minute(arg: str) -> int | None:
    if len(arg) == 4 and arg.isdigit() and int(arg[:2]) < 24 and int(arg[2:]) < 60:
        return int(arg[:2]) * 60 + int(arg[2:])
    return None
