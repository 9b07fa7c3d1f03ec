"""/stats (/thongke) for administrators: users, subscribers, digests (today, 7 days), lookups, comments.

Anyone else gets the unknown-command answer, as for /comments. Lookup statistics hold texts and
counts only (bot/access/lookups.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType

from bot.context import BotContext
from bot.handlers import fallback
from bot.handlers.comments_admin import is_admin
from bot.handlers.gate import access_of
from bot.render import stats as view
from bot.store import Database
from bot.store.access_repo import AccessRepository
from bot.store.database import WRITER_BUSY_MS
from bot.store.stats_repo import Figures, StatsRepository

Admitted = Callable[[int, str, "int | None"], bool]
Lookups = list[tuple[str, int]]


def read_all(path: Path | str, today: date, admitted: Admitted) -> tuple[Figures, Lookups, Lookups]:
    """In a thread, on a connection of its own: 90,000 subscribers are counted without stalling the loop."""
    with Database(path, busy_ms=WRITER_BUSY_MS).open(migrate=False) as db:  # a thread may wait
        figures = StatsRepository(db).figures(today, admitted)
        repo = AccessRepository(db)
        return figures, repo.top_lookups(view.LOOKUPS_SHOWN), repo.top_lookups(view.LOOKUPS_SHOWN, missed=True)


async def stats_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not is_admin(update, context):
        await fallback.unknown_command(update, context)
        return
    access = access_of(context)

    def admitted(chat_id: int, chat_type: str, subscribed_by: int | None) -> bool:
        if chat_type == ChatType.PRIVATE:
            return access.admits(chat_id)
        return access.admits(chat_id) or access.admits(subscribed_by)

    today = datetime.now(context.settings.timezone).date()
    figures, found, missed = await asyncio.to_thread(read_all, context.store.db.path, today, admitted)
    await message.reply_text(view.stats_page(figures, found, missed, len(access), access.mode,
                                             context.pack.meta.version, context.tr))
