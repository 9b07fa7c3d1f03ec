"""/quiz (/tracnghiem): quiz series from the pack's figures and ideas; poll answers; stop and settings.

Thin: the QuizService (bot/study/series.py) keeps every series in SQLite and decides what is due; this
module reads updates, checks who may do what, and is the service's Outbox to Telegram. A tick job
re-reads due series every few seconds, and once shortly after start (a restart resumes a series).
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from typing import Any, Literal, cast

from telegram import Bot, InputPollOption, Poll, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import context as ctx
from bot.content import ContentPack
from bot.content.folding import fold
from bot.context import BotContext
from bot.handlers.common import is_group_admin
from bot.i18n import Catalogues
from bot.render import callbacks as cb
from bot.render import quiz as view
from bot.render.info import stale_button
from bot.store.study_repo import STARTERS, PollRow, Series, Standing, StudyRepository
from bot.study.questions import Plan
from bot.study.series import (
    DEFAULT_QUESTIONS,
    MAX_QUESTIONS,
    STANDING_DAYS,
    Gone,
    QuizService,
    SentPoll,
)

log = logging.getLogger(__name__)

# bot_data keys: the service, and what tests inject before the application starts.
QUIZ = "quiz"
CLOCK = "quiz_clock"          # Callable[[], float]: Unix time; default time.time
SEED = "quiz_seed"            # Callable[[], int]: a new series' seed; default random
SCHEDULE = "quiz_schedule"    # False: no tick job (tests call tick_now)

TICK_JOB = "QUIZ_TICK"
TICK_SECONDS = 5      # how late a group's next question may be: a few seconds on a 30-second pause
FIRST_TICK = 3.0      # seconds after start: series interrupted by a restart carry on
#: Words after /quiz (compared folded, so "dừng" and "dung" both work).
TOP_WORDS = {"top", "bxh", "xephang", "bang xep hang", "standing"}
STOP_WORDS = {"stop", "dung", "ket thuc", "end"}
SETTINGS_WORDS = {"settings", "caidat", "cai dat", "setting"}
HELP_WORDS = {"help", "topics", "chude", "chu de", "huong dan", "?"}
MAX_ARGS_CHARS = 100
OptionIndex = Literal[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # what Bot.send_poll accepts as correct_option_id
_COUNT_RE = re.compile(r"^\d{1,6}$")


# ---------------------------------------------------------------------------------------------
# The service's outbox and wiring (called from bot/app.py)


class TelegramOutbox:
    """Sends what the QuizService decides, in the series' language."""

    def __init__(self, bot: Bot, pack: Callable[[], ContentPack], catalogues: Catalogues) -> None:
        self.bot = bot
        self.pack = pack
        self.catalogues = catalogues

    async def question(self, series: Series, position: int, plan: Plan) -> SentPoll:
        pack, tr = self.pack(), self.catalogues.get(series.lang)
        shown = view.poll(pack, plan, tr, position + 1, series.total)
        try:
            options = [InputPollOption(o, text_parse_mode=None) for o in shown.options]  # plain text
            message = await self.bot.send_poll(
                series.chat_id, shown.question, options, is_anonymous=False, type=Poll.QUIZ,
                correct_option_id=cast(OptionIndex, shown.correct), explanation=shown.explanation,
                explanation_parse_mode=None, question_parse_mode=None, open_period=series.pause or None,
            )
        except Forbidden as exc:
            raise Gone(str(exc)) from exc
        except BadRequest as exc:  # chat gone, or no right to send polls here: asking again will not help
            raise Gone(str(exc)) from exc
        if message.poll is None:
            raise Gone("Telegram returned no poll")
        plain = view.poll(pack, plan, tr)  # what the review shows: the question without "Question 2/5"
        return SentPoll(message.poll.id, message.message_id, plain.question, shown.options, shown.correct)

    async def _send(self, chat_id: int, text: str, markup: Any = None) -> None:
        try:
            await self.bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramError as exc:  # a lost scoreboard must not stop the series from closing
            log.warning("quiz message to chat %s not sent: %s", chat_id, exc)

    async def feedback(self, series: Series, poll: PollRow, option: int, right: int, answered: int) -> None:
        tr = self.catalogues.get(series.lang)
        await self._send(series.chat_id, view.feedback(self.pack(), poll, option, right, answered, series.total, tr))

    async def scoreboard(self, series: Series, standings: list[Standing]) -> None:
        await self._send(series.chat_id, view.scoreboard(self.pack(), series, standings,
                                                          self.catalogues.get(series.lang)))

    async def review(self, series: Series, polls: list[PollRow], chosen: dict[int, int]) -> None:
        for text, markup in view.review(self.pack(), series, polls, chosen, self.catalogues.get(series.lang)):
            await self._send(series.chat_id, text, markup)


def _service(bot_data: dict[str, Any]) -> QuizService:
    return bot_data[QUIZ]


async def setup(app: Any) -> QuizService:
    """post_init: the service over the store's database; the tick job (unless tests drive it)."""
    store = app.bot_data[ctx.STORE]
    outbox = TelegramOutbox(app.bot, lambda: app.bot_data[ctx.PACK], app.bot_data[ctx.CATALOGUES])
    service = QuizService(StudyRepository(store.db), lambda: app.bot_data[ctx.PACK], outbox,
                          app.bot_data.get(CLOCK) or time.time)
    app.bot_data[QUIZ] = service
    if app.bot_data.get(SCHEDULE, True) and app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(TICK_JOB):
            job.schedule_removal()
        app.job_queue.run_repeating(tick, interval=TICK_SECONDS, first=FIRST_TICK, name=TICK_JOB)
    return service


async def tick(context: BotContext) -> None:
    await tick_now(context.application)


async def tick_now(app: Any) -> int:
    """Take every due step now (tests call this instead of waiting for the job)."""
    return await _service(app.bot_data).tick()


# ---------------------------------------------------------------------------------------------
# /quiz


async def is_admin(update: Update, context: BotContext) -> bool:
    """Private chats: the user. Groups: administrators (anonymous admins write as the group itself)."""
    chat = update.effective_chat
    if chat is None or update.effective_user is None:
        return False
    return chat.type == ChatType.PRIVATE or await is_group_admin(update, context)


def parse_args(args: list[str]) -> tuple[str, int | None, str]:
    """(action, count, topic words): ``top``, ``stop``, ``settings``, ``help`` or ``start``."""
    words = " ".join(args).strip()
    folded = fold(words)
    for action, known in (("top", TOP_WORDS), ("stop", STOP_WORDS), ("settings", SETTINGS_WORDS),
                          ("help", HELP_WORDS)):
        if folded in known or words in known:
            return action, None, ""
    count, rest = None, []
    for arg in args:
        if count is None and _COUNT_RE.match(arg):
            count = int(arg)
        else:
            rest.append(arg)
    return "start", count, " ".join(rest)


async def quiz_command(update: Update, context: BotContext) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    pack, tr = context.pack, context.tr
    words = " ".join(context.args or [])
    if len(words) > MAX_ARGS_CHARS:
        await message.reply_text(view.usage(pack, tr, tr.gettext("That is too long for /quiz.")))
        return
    action, count, topic_words = parse_args(context.args or [])
    if pack.study is None or not pack.study.question_ids():
        await message.reply_text(view.say("no_quiz", tr))
        return
    service = _service(context.bot_data)
    if action == "help":
        await message.reply_text(view.usage(pack, tr))
    elif action == "top":
        await _top(update, context, service)
    elif action == "stop":
        await _stop(update, context, service)
    elif action == "settings":
        await _settings(update, context, service)
    else:
        await _start(update, context, service, count, topic_words)


async def _start(update: Update, context: BotContext, service: QuizService, count: int | None,
                 topic_words: str) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    pack, tr = context.pack, context.tr
    study = pack.study
    assert study is not None  # quiz_command answers a pack without quizzes before coming here
    if count is not None and not 1 <= count <= MAX_QUESTIONS:
        problem = tr.gettext("A quiz has 1 to {max} questions.").format(max=MAX_QUESTIONS)
        await message.reply_text(view.usage(pack, tr, problem))
        return
    topic = None
    if topic_words:
        topic = study.find_topic(topic_words)
        if topic is None:
            problem = tr.gettext("There is no quiz topic “{topic}”.").format(topic=topic_words[:60])
            await message.reply_text(view.usage(pack, tr, problem))
            return
    private = chat.type == ChatType.PRIVATE
    if not private:
        running = service.repo.running(chat.id)
        if running is not None:
            await message.reply_text(view.busy(running, tr))
            return
        if service.repo.starters(chat.id) == "admins" and not await is_admin(update, context):
            await message.reply_text(view.say("admins_start", tr))
            return
    seed_source: Callable[[], int] = context.bot_data.get(SEED) or (lambda: random.SystemRandom().randrange(2**31))

    async def announce(series: Series, replaced: bool) -> None:
        _, markup = view.stop_button(pack, series, tr)
        await message.reply_text(view.intro(pack, series, tr, replaced), reply_markup=markup)

    started = await service.start(chat_id=chat.id, chat_type=chat.type, user_id=user.id, lang=context.lang,
                                  count=count or DEFAULT_QUESTIONS, topic=topic.id if topic else None,
                                  seed=seed_source(), announce=announce)
    if started.running is not None:
        await message.reply_text(view.busy(started.running, tr))
    elif started.series is None:
        await message.reply_text(view.usage(pack, tr, tr.gettext("There is no question to ask on that topic.")))
    elif started.series.status == "abandoned":
        await message.reply_text(view.say("not_sent", tr))


async def _top(update: Update, context: BotContext, service: QuizService) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(view.own_total(service.player_total(user.id), context.tr, STANDING_DAYS))
    else:
        await message.reply_text(view.standing(context.pack, service.standing(chat.id), context.tr, STANDING_DAYS))


async def _stop(update: Update, context: BotContext, service: QuizService) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    running = service.repo.running(chat.id)
    if running is None:
        await message.reply_text(view.say("none_running", context.tr))
        return
    if not await _may_stop(update, context, running):
        await message.reply_text(view.say("who_stops", context.tr))
        return
    service.stop(chat.id)
    await message.reply_text(view.say("stopped", context.tr))


async def _may_stop(update: Update, context: BotContext, series: Series) -> bool:
    user = update.effective_user
    return user is not None and (user.id == series.started_by or await is_admin(update, context))


async def _settings(update: Update, context: BotContext, service: QuizService) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    tr = context.tr
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(view.say("settings_groups", tr))
        return
    if not await is_admin(update, context):
        await message.reply_text(view.say("admins_settings", tr))
        return
    text, markup = view.settings_page(context.pack, service.repo.starters(chat.id), tr)
    await message.reply_text(text, reply_markup=markup)


# ---------------------------------------------------------------------------------------------
# Poll answers and buttons


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """A vote on one of our quiz polls (non-anonymous polls only reach the bot this way)."""
    answer = update.poll_answer
    if answer is None or answer.user is None:  # a vote cast as a chat (anonymous admin): no player
        return
    user = answer.user
    name = user.full_name or (f"@{user.username}" if user.username else str(user.id))
    await _service(context.bot_data).answer(answer.poll_id, user.id, name, list(answer.option_ids))


def is_quiz_data(data: object) -> bool:
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], view.QuizSettings | view.QuizStop)


async def button(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    tr, pack = context.tr, context.pack
    data = cb.decode(query.data, pack.fingerprint)
    service = _service(context.bot_data)
    if isinstance(data, view.QuizStop):
        series = service.repo.get(int(data.series)) if data.series.isdigit() else None
        if series is None or series.chat_id != chat.id or series.status != "running":
            await query.answer(view.plain("ended", tr))
            return
        if not await _may_stop(update, context, series):
            await query.answer(view.plain("who_stops", tr),
                               show_alert=True)
            return
        service.stop(chat.id)
        await query.answer(view.plain("stopped", tr))
        await context.bot.send_message(chat.id, view.say("stopped", tr))
    elif isinstance(data, view.QuizSettings) and data.starters in STARTERS:
        if chat.type == ChatType.PRIVATE or not await is_admin(update, context):
            await query.answer(view.plain("admins_settings", tr), show_alert=True)
            return
        user = update.effective_user
        service.repo.set_starters(chat.id, data.starters, user.id if user else 0, service.now())
        await query.answer()
        text, markup = view.settings_page(pack, data.starters, tr)
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
    else:
        await query.answer(stale_button(tr))
