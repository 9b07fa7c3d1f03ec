"""Chat housekeeping: Telegram says when the bot is blocked, removed or let back in (my_chat_member), and
when a group becomes a supergroup with a new id (a message with migrate_to_chat_id or
migrate_from_chat_id). Only rows that already exist change: nothing is recorded about other chats.
"""

from __future__ import annotations

import logging
import sqlite3

from telegram import ChatMemberRestricted, Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.context import BotContext

log = logging.getLogger(__name__)

INSIDE = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def my_chat_member(update: Update, context: BotContext) -> None:
    """The bot's own membership changed: blocked or kicked stops the chat's digest; let back in resumes it
    (unless the chat had unsubscribed)."""
    change = update.my_chat_member
    if change is None:
        return
    member = change.new_chat_member
    inside = member.status in INSIDE or (isinstance(member, ChatMemberRestricted) and member.is_member)
    chat = change.chat
    log.info("chat %s: the bot is now %s", chat.id, member.status)
    context.store.note_reachable(chat.id, inside, private=chat.type == ChatType.PRIVATE,
                                 reason=f"my_chat_member: {member.status}")


async def migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its subscription, settings and ledger move to the new id."""
    message = update.message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await move_chat(context, old, new)


async def move_chat(context: BotContext, old: int, new: int) -> None:
    """Move a chat's rows to its new id (also used when a send fails with ChatMigrated)."""
    try:
        moved = await context.store.migrate_chat(old, new)
    except sqlite3.Error as exc:
        context.store.db.report(exc, f"moving chat {old} to its new id {new}")
        return
    log.info("chat %s became supergroup %s%s", old, new, "; its digest subscription moved" if moved else "")
