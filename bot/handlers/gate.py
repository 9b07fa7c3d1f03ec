"""Group -1: runs before every other handler. Records who wrote, ignores what we ignore on purpose,
and enforces BOT_ACCESS. Raising ApplicationHandlerStop here means no other group sees the update."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.render import info

log = logging.getLogger(__name__)


async def gate(update: Update, context: BotContext) -> None:
    # Edited messages are ignored on purpose: re-answering an edit would repeat or contradict the
    # answer already sent; the user can simply send the corrected text again.
    if update.edited_message or update.edited_channel_post or update.channel_post:
        raise ApplicationHandlerStop
    user, chat = update.effective_user, update.effective_chat
    store = context.bot_data.get("store")
    if store is not None:
        if user is not None and not user.is_bot:
            store.users.touch(user.id, user.language_code)
        if chat is not None:
            store.chats.touch(chat.id, chat.type, chat.title)
    if user is not None and not allowed(user.id, context):
        log.info("update %s from user %s refused (BOT_ACCESS=%s)", update.update_id, user.id,
                 context.settings.access)
        if update.callback_query:
            await update.callback_query.answer()
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
        elif update.message and chat is not None and chat.type == ChatType.PRIVATE:
            await update.message.reply_text(info.not_allowed(user.id, context.tr))
        raise ApplicationHandlerStop


def allowed(user_id: int, context: BotContext) -> bool:
    """open: everyone. allowlist/invite: administrators and BOT_ALLOWLIST only (invite codes: not yet)."""
    settings = context.settings
    if settings.access == "open":
        return True
    return user_id in settings.admins or user_id in settings.allowlist
