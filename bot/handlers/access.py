"""Access at run time: the admitted ids loaded at start, invite links opened (/start inv...), and the
lookups counted for /stats. The decision itself is the gate's (bot/handlers/gate.py), from memory.

Opening an invite link is the one access step that touches the database: the code's hash is checked
and a use counted in one transaction, through the store's writer (off the event loop). Only then is
the person admitted in memory. The code itself is never logged (bot/logs.py redacts its shape too).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, filters

from bot import context as ctx
from bot.access import codes
from bot.access.lookups import LookupRecorder
from bot.access.policy import ACCESS, Access
from bot.context import BotContext
from bot.handlers import start
from bot.handlers.gate import access_of
from bot.render import access as view
from bot.store import Database, Store
from bot.store.access_repo import AccessRepository, Invite, Redeemed

log = logging.getLogger(__name__)

LOOKUPS = "lookup_recorder"  # bot_data key: LookupRecorder
#: /start <invite> in a private chat (the gate lets an outsider's through to here).
INVITE_LINK = (filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
               & filters.Regex(rf"^/start(@\w+)?\s+{codes.PREFIX}[A-Za-z0-9_-]*\s*$"))


async def setup(app: Any) -> None:
    """post_init: the ids admitted at run time, from SQLite into memory; the lookup counter."""
    store: Store = app.bot_data[ctx.STORE]
    access: Access | None = app.bot_data.get(ACCESS)
    if access is None:
        access = app.bot_data[ACCESS] = Access(app.bot_data[ctx.SETTINGS])
    access.load(AccessRepository(store.db).admitted())
    writer_repo = AccessRepository(store.writer.db)

    async def flush(counts: list[tuple[str, int, int]]) -> None:
        await store.writer.run(writer_repo.count_lookups, counts)

    app.bot_data[LOOKUPS] = LookupRecorder(flush)
    if access.restricted:
        log.info("access %s: %d id(s) admitted at run time, %d configured", access.mode, len(access),
                 len(access.settings.allowlist | access.settings.admins))


async def shutdown(app: Any) -> None:
    recorder: LookupRecorder | None = app.bot_data.get(LOOKUPS)
    if recorder is not None:
        recorder.stop_typing()
        await recorder.settle()


def note_lookup(context: BotContext, query: str, found: bool, *, typing: int | None = None) -> None:
    """Count a lookup (text only, no user): a dictionary update here, written later by the writer.
    `typing`: the sender of an inline query, whose next query may only extend this one."""
    recorder: LookupRecorder | None = context.bot_data.get(LOOKUPS)
    if recorder is None:
        return
    if typing is None:
        recorder.note(query, found)
    else:
        recorder.typing(typing, query, found)


async def invite_link(update: Update, context: BotContext) -> None:
    """/start <code>: admit the person if the code is good, or say why not."""
    message, user = update.message, update.effective_user
    if message is None or user is None or not message.text:
        return
    access = access_of(context)
    tr = context.tr
    code = message.text.split()[1]
    if access.admits(user.id):  # an insider (or BOT_ACCESS=open): the code is not spent
        if access.restricted:
            await message.reply_text(view.already_in(tr))
        await start.start(update, context)
        return
    if not codes.well_formed(code):
        log.info("user %s opened a malformed invite link", user.id)
        await message.reply_text(view.forged(tr))
        raise ApplicationHandlerStop  # not admitted: nothing after this (group 2's /start) is for them
    store = context.store
    try:
        outcome, invite = await store.writer.run(_redeem, store.writer.db, codes.digest(code), user.id)
    except sqlite3.Error as exc:
        store.db.report(exc, "checking an invite link")
        await message.reply_text(view.busy(tr))
        raise ApplicationHandlerStop from None
    if outcome in (Redeemed.ADMITTED, Redeemed.ALREADY):
        access.admit(user.id)
        log.info("user %s admitted by invite #%s", user.id, invite.id if invite else "?")
        store.note_seen(user.id, user.language_code, message.chat.id, message.chat.type, None)
        await message.reply_text(view.welcome_in(tr))
        await start.start(update, context)
        return
    log.info("user %s refused: invite #%s is %s", user.id, invite.id if invite else "-", outcome.value)
    await message.reply_text(view.refused(outcome, invite, tr, context.settings.timezone))
    raise ApplicationHandlerStop


def _redeem(db: Database, code_hash: str, user_id: int) -> tuple[Redeemed, Invite | None]:
    """In the writer's transaction: check the code, count a use, admit; with the invite for the answer."""
    repo = AccessRepository(db)
    outcome, _ = repo.redeem(code_hash, user_id)
    return outcome, repo.find(code_hash)
