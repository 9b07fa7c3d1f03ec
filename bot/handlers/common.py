"""Small helpers shared by handlers: edits that tolerate "not modified", and typed queries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, TelegramError

from bot.render.info import Page, too_long

if TYPE_CHECKING:
    from bot.context import BotContext

log = logging.getLogger(__name__)

#: Who manages a group's meetings, digest and quiz settings.
MANAGERS = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})

#: Longest query a lookup or search accepts; longer text gets a polite "too long" answer.
MAX_QUERY_CHARS = 300


async def edit_or_ignore(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the menu message in place; pressing the same button twice is harmless, not an error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def answer_query(update: Update, context: BotContext, query: str,
                       answer: Callable[[BotContext, str], Page]) -> None:
    """Reply to a typed query with ``answer(context, query)``, or say it is too long to be a query."""
    message = update.effective_message
    if message is None:
        return
    if len(query) > MAX_QUERY_CHARS:
        await message.reply_text(too_long(MAX_QUERY_CHARS, context.tr))
        return
    text, markup = answer(context, query)
    await message.reply_text(text, reply_markup=markup)


async def is_group_admin(update: Update, context: BotContext) -> bool:
    """An administrator or the owner of the chat (asked with getChatMember), or an anonymous
    administrator, whose message Telegram sends on behalf of the group itself. Telegram not answering
    counts as no: a setting is never changed on a guess."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
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
