"""/subscribe, /unsubscribe, /digest and the digest buttons: read the update, ask the DigestService, render.

The service (bot/digest/service.py) owns the subscription and its changes; its wiring, jobs and runs
are in bot/digest/runner.py, called from bot/app.py.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.constants import ChatType

from bot.content.digest_spec import folded_word
from bot.context import BotContext
from bot.digest import runner
from bot.digest.schedule import local_today, minute_of_day
from bot.digest.service import MINUTES_IN_A_DAY, DigestService, Notice
from bot.digest.timeparse import TimeFormatError, parse_time
from bot.handlers.common import edit_or_ignore, is_group_admin
from bot.i18n import LANGUAGES, Translator
from bot.render import callbacks as cb
from bot.render import digest as view
from bot.render import nav
from bot.render.figures import figure_card
from bot.render.info import stale_button
from bot.render.menu import item_card

log = logging.getLogger(__name__)



def service_of(context: BotContext) -> DigestService:
    service: DigestService = context.bot_data[runner.DIGEST]
    return service


def is_digest_data(data: object) -> bool:
    """CallbackQueryHandler pattern: our kind, whatever the pack fingerprint (settings outlive packs)."""
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], view.DigestButton)


async def may_manage(update: Update, context: BotContext) -> bool:
    """Private chats: the user. Groups: administrators only (anonymous admins write as the group)."""
    chat = update.effective_chat
    if chat is None:
        return False
    return chat.type == ChatType.PRIVATE or await is_group_admin(update, context)


def _group(chat: Chat) -> bool:
    return chat.type != ChatType.PRIVATE


# ---------------------------------------------------------------------------------------------
# Commands


async def _managed_chat(update: Update, context: BotContext) -> tuple[Message, Chat] | None:
    """(message, chat) when this user may change the chat's digest; else refuse politely, None."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    if not await may_manage(update, context):
        await message.reply_text(view.admins_only(context.tr))
        return None
    return message, chat


def _user_id(user: User | None) -> int | None:
    return user.id if user is not None else None


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe [HH:MM] (/dangky): subscribe or change the time; says when the next digest comes."""
    if (target := await _managed_chat(update, context)) is None:
        return
    message, chat = target
    tr = context.tr
    service = service_of(context)
    text = " ".join(context.args or [])
    minute = None
    if text:
        try:
            minute = minute_of_day(parse_time(text))
        except TimeFormatError:
            await message.reply_text(view.bad_time(text, tr))
            return
    service.subscribe(chat.id, chat.type, context.lang, _user_id(update.effective_user), minute)
    text_, markup = view.subscribed_page(context.pack, service.settings(chat.id, _group(chat), context.lang), tr)
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
    done = service_of(context).unsubscribe(chat.id) is Notice.UNSUBSCRIBED
    await message.reply_text(view.unsubscribed(context.tr) if done else view.not_subscribed(context.tr))


async def digest_command(update: Update, context: BotContext) -> None:
    """/digest (/bantin): today's digest now; /digest settings; /digest status (bot admins); anything
    else: how to use it (never a default action on words it does not know)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None:
        return
    word = folded_word(" ".join(context.args or []))  # "cài đặt", "Cai dat" and "caidat" alike
    service = service_of(context)
    admin = user is not None and user.id in context.settings.admins
    words = context.pack.digest
    if word and word not in words.settings_words | words.status_words:
        await message.reply_text(view.digest_usage(" ".join(context.args or []), admin, context.tr))
        return
    if word in words.settings_words:
        text, markup = view.settings_page(context.pack, service.settings(chat.id, _group(chat), context.lang),
                                          context.tr)
        await message.reply_text(text, reply_markup=markup)
        return
    if word in words.status_words and admin:
        day, _ = local_today(service.clock(), service.tz)
        text = view.status_page(service.ledger.counts(day), service.uncertain_count(),
                                service.subscriptions.count(), day, context.tr, service.uncertain_chats())
        await message.reply_text(text)
        return
    await _send_preview(context, chat.id, context.tr)


async def _send_preview(context: BotContext, chat_id: int, tr: Translator) -> None:
    """Today's digest for this chat, without touching the ledger or the rotation."""
    service = service_of(context)
    digest = service.preview(service.active(chat_id))
    text, markup = view.render_digest(context.pack, digest, tr)
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def reactivate(update: Update, context: BotContext) -> None:
    """/start from a chat Telegram refused earlier (blocked, kicked): its digest resumes."""
    chat = update.effective_chat
    if chat is not None:
        service_of(context).subscriptions.reactivate_if_refused(chat.id)


# ---------------------------------------------------------------------------------------------
# Buttons


async def _show_piece(query: CallbackQuery, message: Message, context: BotContext,
                      data: view.DigestFigure | view.DigestItem) -> None:
    """A figure or item of a digest, as a new message under it: the digest stays readable in the chat.
    Shown as typed (nav.TYPED): it was not opened from a list, so no breadcrumb and no Back."""
    pack, tr = context.pack, context.tr
    if isinstance(data, view.DigestFigure):
        page = figure_card(pack, tr, data.figure, back=nav.TYPED)
    else:
        page = item_card(pack, tr, data.item, nav.TYPED)
    if page is None:
        await query.answer(stale_button(tr))
        return
    await query.answer()
    text, markup = page
    await message.reply_text(text, reply_markup=markup)


def _change(service: DigestService, data: view.DigestButton, chat: Chat, user: User | None,
            context: BotContext) -> Notice | None:
    """Carry out what a button asks of the chat's subscription; the notice to answer with, if any."""
    by_user = _user_id(user)
    match data:
        case view.DigestSetTime(minute=minute):
            service.set_time(chat.id, chat.type, context.lang, by_user, minute)
        case view.DigestSubscribe(minute=minute):
            service.subscribe(chat.id, chat.type, context.lang, by_user, minute)
        case view.DigestWeekdays():
            return service.toggle_weekdays(chat.id)
        case view.DigestField(field=field_id):
            return service.toggle_field(chat.id, field_id)
        case view.DigestPause():
            return service.set_paused(chat.id, True)
        case view.DigestResume():
            return service.set_paused(chat.id, False)
        case view.DigestUnsubscribe():
            return service.unsubscribe(chat.id)
        case view.DigestLanguage(lang=lang):
            service.set_language(chat.id, lang)
            if chat.type == ChatType.PRIVATE and user is not None:  # the chat is the user's: so is its language
                context.store.users.set_language(user.id, lang)
                context.lang = lang
    return None


def _forged(data: view.DigestButton) -> bool:
    """Data no screen of ours produces: a time outside a day, an unknown language."""
    if isinstance(data, view.DigestSetTime | view.DigestSubscribe):
        return not 0 <= data.minute < MINUTES_IN_A_DAY
    return isinstance(data, view.DigestLanguage) and data.lang not in LANGUAGES


async def button(update: Update, context: BotContext) -> None:
    """A digest button: answer at once, change the subscription if allowed, edit the screen in place."""
    query = update.callback_query
    if query is None:
        return
    parsed = cb.parse(query.data)
    data = parsed[1] if parsed is not None else None
    message = query.message
    if not isinstance(data, view.DigestButton) or _forged(data) or not isinstance(message, Message):
        await query.answer(stale_button(context.tr))
        return
    chat = message.chat
    if isinstance(data, view.DigestFigure | view.DigestItem):
        await _show_piece(query, message, context, data)
        return
    if isinstance(data, view.CHANGES) and _group(chat) and not await may_manage(update, context):
        await query.answer(view.admins_only(context.tr), show_alert=True)
        return
    service = service_of(context)
    before = service.settings(chat.id, _group(chat), context.lang)
    notice = _change(service, data, chat, update.effective_user, context)
    await query.answer(view.notice(notice, context.tr) if notice is not None else None)
    settings = service.settings(chat.id, _group(chat), context.lang)
    if isinstance(data, view.TOGGLES) and settings == before:
        return  # pressed on the settings screen and nothing changed (the last field kept): no edit
    pack, tr = context.pack, context.tr
    if isinstance(data, view.DigestNow):
        await _send_preview(context, chat.id, tr)
        return
    if isinstance(data, view.DigestTimes):
        current = settings.minute if settings.subscribed else None
        text, markup = view.time_picker(pack, current, tr, zone=settings.timezone)
    else:
        text, markup = view.settings_page(pack, settings, tr)
    if isinstance(data, view.DigestOpen):
        await context.bot.send_message(chat.id, text, reply_markup=markup)
        return
    await edit_or_ignore(query, text, markup)
