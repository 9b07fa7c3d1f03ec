"""/meeting (/lichhop) in groups, the "Đã đọc" and handout buttons under a meeting's brief, and the
service's wiring: one job per post, named for it and re-derived from SQLite at every start.

Thin: read the command, ask bot.meetings (time parsing, the service), render with bot.render.meetings
and bot.render.briefing, send. Only a group's administrators (getChatMember; an anonymous administrator
writes as the group itself) schedule, cancel, read the readers or change the lead times.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, Message, Update
from telegram.constants import ChatType

from bot import context as ctx
from bot.background import wait_or_cancel
from bot.briefing import compose
from bot.briefing.compose import Brief
from bot.content import ContentPack
from bot.content.briefings import fold
from bot.context import BotContext
from bot.handlers.briefing import brief_handout, deliver
from bot.handlers.common import is_group_admin
from bot.i18n import Catalogues, Translator
from bot.meetings.pacing import ChatPacer
from bot.meetings.service import MAX_UPCOMING, MeetingError, MeetingService, RunReport
from bot.meetings.timeparse import WhenError, parse_when
from bot.render import briefing as brief_view
from bot.render import callbacks as cb
from bot.render import meetings as view
from bot.render.common import markup
from bot.render.info import stale_button
from bot.store.meetings_repo import Meeting, Post

log = logging.getLogger(__name__)

# bot_data keys: the service, and what tests and the console inject before the application starts.
MEETINGS = "meetings"
CLOCK = "meetings_clock"        # Callable[[], datetime]; default: the real clock in BOT_TIMEZONE
SLEEP = "meetings_sleep"        # async sleep for 429 waits, retries and pacing
PACER = "meetings_pacer"        # ChatPacer (20 requests a minute per group)
SCHEDULE = "meetings_schedule"  # False: no jobs (tests and the console call tick_now instead)
RUN_TASK = "meetings_run_task"

CATCHUP_JOB = "MEETING CATCHUP"
CATCHUP_DELAY = 3.0  # seconds after start: briefs whose moment passed during downtime (if not begun)
TICK_JOB = "MEETING TICK"
TICK_SECONDS = 60  # a safety net: a post whose own job was lost still goes out within a minute
# APScheduler skips a job that starts over 1 s late (a busy loop, a suspended VM): a post must not be
# lost so; the service itself refuses what is too late (never after the meeting has begun).
LATE_OK = {"misfire_grace_time": None}
STOP_WAIT = 30.0

LIST_WORDS = {"list", "ds", "danh", "danhsach", "lich"}
CANCEL_WORDS = {"cancel", "huy", "xoa", "delete"}
READERS_WORDS = {"readers", "read", "doc", "dadoc"}
REMIND_WORDS = {"remind", "nhac", "reminders", "times"}
ON_WORDS, OFF_WORDS = {"on", "bat", "co", "yes"}, {"off", "tat", "khong", "no", "0", "none"}
_LEAD_RE = re.compile(r"^(?:(\d{1,3})\s*(?:h|g|gio))?\s*(?:(\d{1,4})\s*(?:m|p|ph|phut|min)?)?$")


# ---------------------------------------------------------------------------------------------
# Wiring (called from bot/app.py)


class TelegramPoster:
    """The service's hands: render a meeting's brief in its language and send, pin, unpin."""

    def __init__(self, bot: Bot, bot_data: dict[str, Any], clock: Callable[[], datetime]) -> None:
        self.bot = bot
        self.bot_data = bot_data
        self.clock = clock

    def _tr(self, meeting: Meeting) -> Translator:
        catalogues: Catalogues = self.bot_data[ctx.CATALOGUES]
        return catalogues.get(meeting.lang)

    async def post(self, meeting: Meeting, kind: str, readers: bool) -> int:
        pack: ContentPack = self.bot_data[ctx.PACK]
        tr = self._tr(meeting)
        tz = self.bot_data[ctx.SETTINGS].timezone
        header = view.post_header(meeting, int(self.clock().timestamp()), tz, readers, tr)
        rows = view.post_rows(pack, meeting, readers, tr)
        brief = brief_of(pack, meeting, self.bot_data.get(ctx.SEARCH))
        if brief is None:
            text = "\n".join(header) + view.no_brief_now(meeting.topic, tr)
            message = await self.bot.send_message(meeting.chat_id, text, reply_markup=markup(rows[:1]))
        else:
            text, keyboard = brief_view.brief_page(pack, brief, tr, header=header, extra=rows, handout=False)
            message = await self.bot.send_message(meeting.chat_id, text, reply_markup=keyboard)
        return message.message_id

    async def pin(self, chat_id: int, message_id: int) -> None:
        await self.bot.pin_chat_message(chat_id, message_id, disable_notification=True)

    async def unpin(self, chat_id: int, message_id: int) -> None:
        await self.bot.unpin_chat_message(chat_id, message_id=message_id)

    async def cannot_pin(self, meeting: Meeting) -> None:
        await self.bot.send_message(meeting.chat_id, view.cannot_pin(self._tr(meeting)))


async def setup(app: Any) -> MeetingService:
    """post_init: the service over the store's database; one job per pending post, and a catch-up."""
    settings = app.bot_data[ctx.SETTINGS]
    clock = app.bot_data.get(CLOCK) or (lambda: datetime.now(settings.timezone))
    sleep = app.bot_data.get(SLEEP) or asyncio.sleep
    service = MeetingService(app.bot_data[ctx.STORE].db, settings.timezone,
                             TelegramPoster(app.bot, app.bot_data, clock), clock=clock, sleep=sleep,
                             pacer=app.bot_data.get(PACER) or ChatPacer(sleep=sleep),
                             window=app.bot_data.get(ctx.WINDOW))
    service.settle_uncertain()
    app.bot_data[MEETINGS] = service
    if app.bot_data.get(SCHEDULE, True) and app.job_queue is not None:
        for post in service.repo.pending():
            add_job(app, service, post)
        app.job_queue.run_once(_job, CATCHUP_DELAY, name=CATCHUP_JOB, job_kwargs=LATE_OK)
        app.job_queue.run_repeating(_job, interval=TICK_SECONDS, first=TICK_SECONDS, name=TICK_JOB)
    return service


def add_job(app: Any, service: MeetingService, post: Post) -> None:
    """A job at the post's moment (by the service's clock), replacing any job of the same name."""
    if app.job_queue is None or not app.bot_data.get(SCHEDULE, True):
        return
    remove_job(app, post)
    delay = max(post.due_at - service.now(), 0)
    app.job_queue.run_once(_job, delay, name=post.job_name, job_kwargs=LATE_OK)


def remove_job(app: Any, post: Post) -> None:
    if app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(post.job_name):
        job.schedule_removal()


async def _job(context: BotContext) -> None:
    start_run(context.bot_data)


def start_run(bot_data: dict[str, Any]) -> asyncio.Task[Any] | None:
    """A run in the background unless one is going (shutdown waits for it)."""
    service: MeetingService | None = bot_data.get(MEETINGS)
    task = bot_data.get(RUN_TASK)
    if service is None or (task is not None and not task.done()):
        return None
    bot_data[RUN_TASK] = asyncio.create_task(_run(service), name="meeting run")
    return bot_data[RUN_TASK]


async def _run(service: MeetingService) -> RunReport | None:
    try:
        return await service.run_due()
    except Exception:  # noqa: BLE001 - the next job or start tries again; nothing is posted twice
        log.exception("meeting run failed")
        return None


async def tick_now(app: Any) -> RunReport:
    """What a job does, awaited: for tests and the console after they move the clock."""
    task = app.bot_data.get(RUN_TASK)
    if task is not None and not task.done():
        await task
    service: MeetingService = app.bot_data[MEETINGS]
    return await service.run_due()


async def shutdown(app: Any) -> None:
    task: asyncio.Task[Any] | None = app.bot_data.pop(RUN_TASK, None)
    await wait_or_cancel(task, STOP_WAIT)


# ---------------------------------------------------------------------------------------------
# Helpers


def service_of(context: BotContext) -> MeetingService:
    return context.bot_data[MEETINGS]


def brief_of(pack: ContentPack, meeting: Meeting, search: compose.Search | None) -> Brief | None:
    """The meeting's brief as the pack has it now: its named brief, else the topic searched afresh."""
    if meeting.brief is not None:
        brief = compose.by_key(pack, meeting.brief)
        if brief is not None:
            return brief
    return compose.resolve(pack, meeting.topic, search)


def title_of(pack: ContentPack, meeting: Meeting, tr: Translator) -> str:
    brief = compose.by_key(pack, meeting.brief) if meeting.brief else None
    return brief.title(tr.lang) if brief is not None else meeting.topic


def is_meeting_data(data: object) -> bool:
    """Pattern: "Đã đọc" and handout buttons outlive a content update, so any fingerprint is ours."""
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], view.MeetingRead | view.MeetingHandout)


async def is_admin(update: Update, context: BotContext) -> bool:
    """Meetings are a group's: its administrators schedule them (bot/handlers/common.is_group_admin)."""
    return await is_group_admin(update, context)


def example(context: BotContext) -> str:
    """``/meeting 27/11 08:00 kinh tế``: tomorrow at eight, on the pack's first brief."""
    service = service_of(context)
    tomorrow = (service.clock().astimezone(service.tz) + timedelta(days=1)).replace(hour=8, minute=0)
    briefs = compose.briefs(context.pack)
    topic = briefs[0].title(context.tr.lang).lower() if briefs else context.tr.gettext("topic")
    return view.example_command(tomorrow, topic)


def lead_minutes(word: str) -> int | None:
    """``24h`` 1440, ``30m``/``30p`` 30, ``1h30`` 90, ``off`` 0; a bare number is refused (hours or minutes?)."""
    folded = fold(word).replace(" ", "")
    if folded in OFF_WORDS:
        return 0
    m = _LEAD_RE.match(folded)
    if not m or not folded or folded.isdigit():
        return None
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


# ---------------------------------------------------------------------------------------------
# /meeting


async def meeting_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    tr = context.tr
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(view.groups_only(tr) + "\n\n" + view.usage(example(context), tr))
        return
    args = list(context.args or [])
    if not args:
        await message.reply_text(view.usage(example(context), tr))
        return
    word = fold(args[0])
    if word in LIST_WORDS:
        await _list(message, context)
        return
    if not await is_admin(update, context):
        await message.reply_text(view.admins_only(tr))
        return
    if word in CANCEL_WORDS:
        await _cancel(message, context, args[1:], update)
    elif word in READERS_WORDS:
        await _readers(message, context, args[1:])
    elif word in REMIND_WORDS:
        await _remind(message, context, args[1:])
    else:
        await _schedule(message, context, " ".join(args), update)


async def _schedule(message: Message, context: BotContext, text: str, update: Update) -> None:
    service, pack, tr = service_of(context), context.pack, context.tr
    try:
        when = parse_when(text, service.clock(), service.tz)
    except WhenError as exc:
        await message.reply_text(view.bad_when(exc.reason, example(context), tr))
        return
    topic = " ".join(when.topic.split())
    if not topic:
        await message.reply_text(view.no_topic(example(context), tr))
        return
    brief = compose.resolve(pack, topic, context.search)
    if brief is None:
        titles = [b.title(tr.lang) for b in compose.briefs(pack)]
        await message.reply_text(view.unknown_topic(topic, titles, tr))
        return
    user = update.effective_user
    try:
        meeting, posts = service.schedule(message.chat.id, when.starts, topic, brief.key, context.lang,
                                          user.id if user else None)
    except MeetingError as exc:
        await message.reply_text(view.too_many(MAX_UPCOMING, tr) if exc.reason == "too_many"
                                 else view.duplicate(tr))
        return
    for post in posts:
        add_job(context.application, service, post)
    readers_on = service.repo.settings(message.chat.id).readers
    await message.reply_text(view.scheduled(meeting, brief.title(tr.lang), posts, service.tz, readers_on, tr))
    if context.bot_data.get(SCHEDULE, True) and any(p.due_at <= service.now() for p in posts):
        start_run(context.bot_data)  # the meeting is near: its brief goes out now


async def _list(message: Message, context: BotContext) -> None:
    service, tr = service_of(context), context.tr
    meetings = [(m, title_of(context.pack, m, tr)) for m in service.upcoming(message.chat.id)]
    await message.reply_text(view.meeting_list(meetings, service.tz, example(context), tr))


def _number(args: Sequence[str], count: int) -> int | None:
    if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= count:
        return None
    return int(args[0])


async def _cancel(message: Message, context: BotContext, args: list[str], update: Update) -> None:
    service, tr = service_of(context), context.tr
    upcoming = service.upcoming(message.chat.id)
    number = _number(args, len(upcoming))
    if number is None:
        await message.reply_text(view.bad_number(len(upcoming), tr))
        return
    meeting = upcoming[number - 1]
    user = update.effective_user
    for post in await service.cancel(meeting, f"cancelled by {user.id if user else 'an administrator'}"):
        remove_job(context.application, post)
    log.info("meeting %s in chat %s cancelled by %s", meeting.id, meeting.chat_id, user.id if user else None)
    await message.reply_text(view.cancelled(meeting, title_of(context.pack, meeting, tr), service.tz, tr))


async def _readers(message: Message, context: BotContext, args: list[str]) -> None:
    service, tr = service_of(context), context.tr
    chat_id = message.chat.id
    word = fold(" ".join(args))
    if word in ON_WORDS | OFF_WORDS:
        service.set_readers(chat_id, word in ON_WORDS)
        await message.reply_text(view.readers_switched(word in ON_WORDS, tr))
        return
    upcoming = service.upcoming(chat_id)
    if args:
        number = _number(args, len(upcoming))
        if number is None:
            await message.reply_text(view.bad_number(len(upcoming), tr))
            return
        meeting: Meeting | None = upcoming[number - 1]
    else:  # the next meeting; once it has begun, the one that just took place
        meeting = upcoming[0] if upcoming else service.repo.latest(chat_id)
    people = service.repo.readers(meeting.id) if meeting is not None else []
    title = title_of(context.pack, meeting, tr) if meeting is not None else ""
    await message.reply_text(view.readers(meeting, title, people, service.tz, tr))


async def _remind(message: Message, context: BotContext, args: list[str]) -> None:
    service, tr = service_of(context), context.tr
    leads = [lead_minutes(a) for a in args]
    if not 1 <= len(leads) <= 2 or any(m is None for m in leads):
        await message.reply_text(view.bad_reminders(tr))
        return
    first, second = (leads[0], leads[1]) if len(leads) == 2 else (0, leads[0])
    try:
        changed = service.set_reminders(message.chat.id, first or 0, second or 0)
    except MeetingError:
        await message.reply_text(view.bad_reminders(tr))
        return
    for old, new in changed:
        for post in old:
            remove_job(context.application, post)
        for post in new:
            add_job(context.application, service, post)
    await message.reply_text(view.reminders(service.repo.settings(message.chat.id), len(changed), tr))
    if context.bot_data.get(SCHEDULE, True) and any(p.due_at <= service.now() for _, new in changed for p in new):
        start_run(context.bot_data)


# ---------------------------------------------------------------------------------------------
# Buttons under a meeting's brief


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    tr = context.tr
    parsed = cb.parse(query.data)
    data = parsed[1] if parsed is not None else None
    meeting = service_of(context).repo.get(data.meeting) if isinstance(
        data, view.MeetingRead | view.MeetingHandout) else None
    message = query.message
    if meeting is None or not isinstance(message, Message) or meeting.chat_id != message.chat.id:
        await query.answer(stale_button(tr))
        return
    if isinstance(data, view.MeetingHandout):
        brief = brief_of(context.pack, meeting, context.search)
        if brief is None:
            await query.answer(view.no_brief_now(meeting.topic, tr)[:200], show_alert=True)
            return
        await deliver(query, context, brief_handout(context, brief))
        return
    if meeting.status == "cancelled":
        await query.answer(view.read_closed(tr), show_alert=True)
        return
    user = query.from_user
    name = user.full_name + (f" (@{user.username})" if user.username else "")
    first = service_of(context).repo.add_reader(meeting.id, user.id, name, service_of(context).now())
    # A short notice to the member alone: nothing is written into the group.
    await query.answer(view.read_thanks(tr) if first else view.read_already(tr))
