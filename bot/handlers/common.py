"""Small helpers shared by handlers: edits that tolerate "not modified", and typed queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.render.info import Page, too_long

if TYPE_CHECKING:
    from bot.context import BotContext

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
