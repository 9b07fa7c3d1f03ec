"""/comments (/tonghopgopy) for the drafting committee: the counts, and the workbook with a CSV.

Only BOT_ADMINS: anyone else gets exactly what an unknown command gets (bot/handlers/fallback.py), so
the command does not even show that it exists. In a private chat only: comments are not for a group.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.constants import ChatType

from bot.comments.export import Export
from bot.comments.stats import Summary, summarise
from bot.content.folding import fold_chars
from bot.context import BotContext
from bot.handlers import fallback
from bot.handlers.comments_steps import book, now
from bot.render import comments_admin as view

log = logging.getLogger(__name__)

EXPORT_WORDS = frozenset({"export", "xuat", "xuattep", "excel", "xlsx", "csv", "tai", "taive"})


def is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.settings.admins


async def comments_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not is_admin(update, context):
        await fallback.unknown_command(update, context)
        return
    tr = context.tr
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(view.private_only(tr))
        return
    word = "".join(fold_chars(" ".join(context.args or [])).split())
    if word in EXPORT_WORDS:
        await export(update, context)
        return
    if word:
        await message.reply_text(view.usage(tr))
        return
    comments = await book(context).everything()
    summary = await asyncio.to_thread(summarise, comments, context.pack, context.settings.timezone)
    text, markup = view.stats_page(context.pack, tr, summary, context.settings.timezone, now(context))
    await message.reply_text(text, reply_markup=markup)


async def export_button(update: Update, context: BotContext) -> None:
    """The button under the counts; from anyone else it is just an unknown button."""
    query = update.callback_query
    if query is None:
        return
    if not is_admin(update, context) or query.message is None or query.message.chat.type != ChatType.PRIVATE:
        await fallback.stale_button(update, context)  # what any button nobody knows gets
        return
    await query.answer(view.preparing(context.tr))
    await export(update, context)


async def export(update: Update, context: BotContext) -> None:
    """The workbook and the CSV, read and built off the event loop, sent as two documents."""
    chat = update.effective_chat
    if chat is None:
        return
    tr, pack, settings = context.tr, context.pack, context.settings
    comments = await book(context).everything()
    moment = now(context)

    def build() -> tuple[Summary, Export, bytes, bytes]:
        summary = summarise(comments, pack, settings.timezone)
        made = Export(comments, summary, pack, tr, settings.timezone, moment, named=settings.comments_named)
        return summary, made, made.xlsx(), made.csv()

    summary, made, xlsx, csv_bytes = await asyncio.to_thread(build)  # 20,000 comments: some seconds
    caption = view.export_caption(tr, summary, moment, settings.comments_named)
    await context.bot.send_document(chat.id, xlsx, filename=made.filename("xlsx"), caption=caption)
    await context.bot.send_document(chat.id, csv_bytes, filename=made.filename("csv"))
    log.info("comments exported by user %s: %d comments", update.effective_user.id if update.effective_user else 0,
             len(comments))
