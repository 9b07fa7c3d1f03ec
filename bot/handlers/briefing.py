"""/briefing (/tomtat), /targets (/chitieu) and their buttons: briefs, the targets, Word handouts.

Thin: find the brief (bot.briefing.compose), render (bot.render.briefing, bot.render.targets) or build
the handout (bot.briefing.handout), send. Works the same in private chats and in groups, where privacy
mode lets commands through as ``/briefing@BotName``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from datetime import date

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from bot.briefing import compose
from bot.briefing.compose import Brief
from bot.briefing.handout import brief_document, brief_filename, long_date, targets_document, targets_filename
from bot.briefing.words import text_of
from bot.content import ContentPack
from bot.content.briefings import fold
from bot.context import BotContext
from bot.i18n import Translator
from bot.render import briefing as view
from bot.render import callbacks as cb
from bot.render import targets as targets_view
from bot.render.figures import figure_card
from bot.render.info import stale_button
from bot.render.text import esc, shorten

log = logging.getLogger(__name__)

#: The last word that asks for the printable handout instead of the message.
HANDOUT_WORDS = frozenset({"docx", "doc", "word", "print", "in", "ban in"})
#: Topic words remembered for their handout button (a button cannot carry Vietnamese words).
TOPICS_KEY = "briefing_topics"
TOPICS_KEPT = 500

KINDS: tuple[type[cb.Callback], ...] = (
    view.BriefOpen, view.BriefHandout, view.TopicHandout,
    targets_view.TargetsPage, targets_view.TargetFigure, targets_view.TargetsHandout,
)


def is_briefing_data(data: object) -> bool:
    """CallbackQueryHandler pattern: one of this feature's kinds, whatever the pack fingerprint."""
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], KINDS)


def split_handout(words: list[str]) -> tuple[str, bool]:
    """``["kinh", "tế", "docx"]`` -> ("kinh tế", True)."""
    if words and fold(words[-1]) in HANDOUT_WORDS:
        return " ".join(words[:-1]), True
    if len(words) >= 2 and fold(" ".join(words[-2:])) in HANDOUT_WORDS:
        return " ".join(words[:-2]), True
    return " ".join(words), False


def remember_topic(context: BotContext, words: str) -> str:
    """Keep a topic's words under a short token for its handout button."""
    token = hashlib.sha1(fold(words).encode()).hexdigest()[:10]
    topics: OrderedDict[str, str] = context.bot_data.setdefault(TOPICS_KEY, OrderedDict())
    topics.pop(token, None)
    topics[token] = words
    while len(topics) > TOPICS_KEPT:
        topics.popitem(last=False)
    return token


def recall_topic(context: BotContext, token: str) -> str | None:
    topics: OrderedDict[str, str] = context.bot_data.get(TOPICS_KEY) or OrderedDict()
    return topics.get(token)


def brief_for(context: BotContext, words: str) -> Brief | None:
    return compose.resolve(context.pack, words, context.search)


def page_for(context: BotContext, brief: Brief, header: tuple[str, ...] = ()) -> view.Page:
    token = remember_topic(context, brief.topic) if brief.key is None and brief.topic else None
    return view.brief_page(context.pack, brief, context.tr, header=header, token=token)


def handout_caption(pack: ContentPack, title: str, tr: Translator) -> str:
    """``📄 Tài liệu tóm tắt: Kinh tế`` + the draft's status + the content date (under 1024 chars)."""
    lines = ["📄 <b>" + esc(shorten(title, 200)) + "</b>"]
    notice = pack.meta_text(tr.lang).status_notice
    if notice:
        lines.append("<i>⚠️ " + esc(notice) + "</i>")
    day = date.fromisoformat(pack.meta.date)
    lines.append(esc(tr.gettext("A4, for printing. Content as of {date}.").format(date=long_date(day, tr))))
    return "\n".join(lines)


Handout = tuple[bytes, str, str]  # the document, its file name, its caption


def brief_handout(context: BotContext, brief: Brief) -> Handout:
    pack, tr = context.pack, context.tr
    assert pack.briefings is not None
    title = text_of(pack.briefings.handout.brief_title, tr).format(title=brief.title(tr.lang))
    return brief_document(pack, brief, tr), brief_filename(brief, tr), handout_caption(pack, title, tr)


def targets_handout(context: BotContext) -> Handout:
    pack, tr = context.pack, context.tr
    assert pack.briefings is not None
    title = text_of(pack.briefings.handout.targets_title, tr)
    return targets_document(pack, tr), targets_filename(tr), handout_caption(pack, title, tr)


async def deliver(query: CallbackQuery, context: BotContext, handout: Handout) -> None:
    """A handout asked for with a button. In a private chat it comes as a reply; in a group it goes to
    the member privately, so a room pressing the button does not fill the group with documents."""
    tr = context.tr
    message, user = query.message, query.from_user
    data, filename, caption = handout
    if isinstance(message, Message) and message.chat.type == ChatType.PRIVATE:
        await query.answer(tr.gettext("Preparing the document…"))
        await message.reply_document(data, filename=filename, caption=caption)
        return
    try:
        await context.bot.send_document(user.id, data, filename=filename, caption=caption)
    except (Forbidden, BadRequest) as exc:  # the member never opened a private chat with the bot
        log.info("handout to user %s privately failed: %s", user.id, exc)
        await query.answer(tr.gettext("To get the document, open a private chat with me (@{bot}), press "
                                      "Start, then press this button again.").format(bot=context.bot.username),
                           show_alert=True)
        return
    await query.answer(tr.gettext("Sent to you in a private chat with me."))


# ---------------------------------------------------------------------------------------------
# Commands


async def briefing_command(update: Update, context: BotContext) -> None:
    """/briefing [field or topic] [docx]: the keyboard of fields, a brief, or its handout."""
    message = update.effective_message
    if message is None:
        return
    pack, tr = context.pack, context.tr
    if pack.briefings is None:
        await message.reply_text(view.no_briefings(tr))
        return
    words, handout = split_handout(list(context.args or []))
    briefs = compose.briefs(pack)
    if not words:
        text, markup = view.fields_page(pack, briefs, tr)
        await message.reply_text(text, reply_markup=markup)
        return
    if len(words) > compose.MAX_TOPIC_CHARS:
        await message.reply_text(view.too_long(compose.MAX_TOPIC_CHARS, tr))
        return
    brief = brief_for(context, words)
    if brief is None:
        text, markup = view.no_brief(pack, words, briefs, tr)
        await message.reply_text(text, reply_markup=markup)
        return
    if handout:
        data, filename, caption = brief_handout(context, brief)
        await message.reply_document(data, filename=filename, caption=caption)
        return
    text, markup = page_for(context, brief)
    await message.reply_text(text, reply_markup=markup)


async def targets_command(update: Update, context: BotContext) -> None:
    """/targets [docx]: the 2030 targets in one message, the last term's in a second; or the handout."""
    message = update.effective_message
    if message is None:
        return
    pack, tr = context.pack, context.tr
    if pack.briefings is None or not pack.briefings.targets:
        await message.reply_text(targets_view.no_targets(tr))
        return
    words, handout = split_handout(list(context.args or []))
    if words:
        await message.reply_text(esc(tr.gettext(
            "Send /targets for the targets at a glance, or /targets docx for a page to print.")))
        return
    if handout:
        data, filename, caption = targets_handout(context)
        await message.reply_document(data, filename=filename, caption=caption)
        return
    text, markup = targets_view.targets_page(pack, tr)
    await message.reply_text(text, reply_markup=markup)
    if pack.briefings.previous_term is not None:
        text, markup = targets_view.previous_page(pack, tr)
        await message.reply_text(text, reply_markup=markup)


# ---------------------------------------------------------------------------------------------
# Buttons


async def button(update: Update, context: BotContext) -> None:
    """A brief or targets button: answer at once, then send or edit what it asks for."""
    query = update.callback_query
    if query is None:
        return
    pack, tr = context.pack, context.tr
    data = cb.decode(query.data, pack.fingerprint)
    message = query.message
    if data is None or not isinstance(message, Message) or pack.briefings is None:
        await query.answer(stale_button(tr))
        return
    if isinstance(data, view.BriefOpen):
        brief = compose.by_key(pack, data.brief)
        if brief is None:
            await query.answer(stale_button(tr))
            return
        await query.answer()
        text, markup = page_for(context, brief)
        await message.reply_text(text, reply_markup=markup)
    elif isinstance(data, view.BriefHandout | view.TopicHandout):
        brief = (compose.by_key(pack, data.brief) if isinstance(data, view.BriefHandout)
                 else _topic_brief(context, data.token))
        if brief is None:
            await query.answer(tr.gettext("This button is out of date: send /briefing with the topic and "
                                          "“docx” again."), show_alert=True)
            return
        await deliver(query, context, brief_handout(context, brief))
    elif isinstance(data, targets_view.TargetsHandout):
        await deliver(query, context, targets_handout(context))
    elif isinstance(data, targets_view.TargetsPage):
        page = targets_view.keyboard_page(pack, tr, data.which, data.page)
        await query.answer()
        if page is not None:
            try:
                await query.edit_message_reply_markup(reply_markup=page[1])
            except BadRequest as exc:  # the same page pressed twice
                if "not modified" not in str(exc).lower():
                    raise
    elif isinstance(data, targets_view.TargetFigure):
        card = figure_card(pack, tr, data.figure)
        if card is None:
            await query.answer(stale_button(tr))
            return
        await query.answer()
        await message.reply_text(card[0], reply_markup=card[1])
    else:  # a kind of this feature not handled above cannot be pressed; answer anyway
        await query.answer(stale_button(tr))


def _topic_brief(context: BotContext, token: str) -> Brief | None:
    words = recall_topic(context, token)
    return brief_for(context, words) if words else None
