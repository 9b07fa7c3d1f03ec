"""Catch-alls, registered last in group 0 (bot/app.py): they answer only what no feature handler took.

Unknown commands, stickers and photos, stale or forged buttons. (Private text is always a lookup and
every inline query has its handler, so neither needs a catch-all.) Plain messages in groups that are
not addressed to the bot never reach these: privacy mode hides most of them, and the filters in
bot/app.py ignore the rest on purpose.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.render import info
from bot.render.menu import main_menu


async def unknown_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    bot_username = (context.bot.username or "").lower()
    if "@" in command:
        command, _, addressed_to = command.partition("@")
        if addressed_to.lower() != bot_username:
            return  # a command for another bot in the same group
    elif message.chat.type != ChatType.PRIVATE:
        return  # "/foo" in a group may be meant for another bot: stay quiet
    await message.reply_text(info.unknown_command(command, context.tr))


async def not_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(info.not_text(context.tr))


async def stale_button(update: Update, context: BotContext) -> None:
    """Buttons nobody recognises (old menus, forged data): say so, and give a fresh menu."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(info.stale_button(context.tr))
    if query.message is not None and query.message.chat.type == ChatType.PRIVATE:
        text_, markup = main_menu(context.pack, context.tr)
        await context.bot.send_message(query.message.chat.id, text_, reply_markup=markup)
