"""/invite (/moi), /invites (/dsmoi), /revoke (/thuhoi) and /remove (/xoaquyen): administrators' invites.

Only BOT_ADMINS: anyone else gets exactly what an unknown command gets, through the same check as
/comments (bot/handlers/comments_admin.py). A code is made with `secrets`, shown once (link and QR
code) and kept only as its SHA-256; /invites shows numbers, never codes.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
from datetime import datetime, timedelta

import segno
from telegram import Update
from telegram.constants import ChatType

from bot.access import codes
from bot.context import BotContext
from bot.handlers import fallback
from bot.handlers.comments_admin import is_admin
from bot.handlers.gate import access_of
from bot.render import access as view
from bot.store.access_repo import AccessRepository, Revoked

log = logging.getLogger(__name__)

DEFAULT_USES, DEFAULT_DAYS = 1, 7
#: Bounds: a notice in every cell of a province reaches some hundreds; a year is as long as a draft lives.
MAX_USES, MAX_DAYS = 1000, 365
INVITES_SHOWN = 20
#: QR module size and quiet zone: a printed A4 notice scans from arm's length.
QR_SCALE, QR_BORDER = 10, 4


async def _admin_in_private(update: Update, context: BotContext, command: str) -> bool:
    """True for an administrator in a private chat; anyone else is answered as for an unknown command."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return False
    if not is_admin(update, context):
        await fallback.unknown_command(update, context)
        return False
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(view.private_only(command, context.tr))
        return False
    return True


def parse_invite_args(args: list[str]) -> tuple[int, int] | str:
    """(uses, days), or what is wrong: 'many', 'number:<arg>', 'range'."""
    if len(args) > 2:
        return "many"
    numbers: list[int] = []
    for arg in args:
        digits = arg[1:] if arg[:1] in ("-", "+") else arg
        if not (digits.isascii() and digits.isdigit()):
            return f"number:{arg}"
        if len(digits) > 9:  # huge: out of range, without building a huge int
            return "range"
        numbers.append(int(arg))
    uses = numbers[0] if numbers else DEFAULT_USES
    days = numbers[1] if len(numbers) > 1 else DEFAULT_DAYS
    if not (1 <= uses <= MAX_USES and 1 <= days <= MAX_DAYS):
        return "range"
    return uses, days


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


async def invite_command(update: Update, context: BotContext) -> None:
    if not await _admin_in_private(update, context, "invite"):
        return
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    tr = context.tr
    parsed = parse_invite_args(list(context.args or []))
    if isinstance(parsed, str):
        problem = (view.too_many(tr) if parsed == "many" else view.out_of_range(tr, MAX_USES, MAX_DAYS)
                   if parsed == "range" else view.bad_number(parsed.partition(":")[2], tr))
        await message.reply_text(view.invite_usage(tr, problem, MAX_USES, MAX_DAYS))
        return
    uses, days = parsed
    code = codes.new_code()
    now = datetime.now(context.settings.timezone)
    expires = now + timedelta(days=days)
    store = context.store
    try:
        invite_id = await store.writer.run(AccessRepository(store.writer.db).create, codes.digest(code), uses,
                                           int(expires.timestamp()), user.id)
    except sqlite3.Error as exc:
        store.db.report(exc, "making an invite")
        await message.reply_text(view.busy(tr))
        return
    log.info("invite #%d made by administrator %s: %d use(s), %d day(s)", invite_id, user.id, uses, days)
    link = codes.link(context.bot.username, code)
    await message.reply_text(view.invite_made(invite_id, link, uses, expires, tr, not access_of(context).restricted))
    png = await asyncio.to_thread(qr_png, link)
    await context.bot.send_photo(message.chat.id, png, caption=view.qr_caption(invite_id, tr),
                                 filename=f"invite-{invite_id}.png")


async def invites_command(update: Update, context: BotContext) -> None:
    if not await _admin_in_private(update, context, "invites"):
        return
    message = update.effective_message
    if message is None:
        return
    repo = AccessRepository(context.store.db)
    invites, total = repo.invites(INVITES_SHOWN), repo.invite_count()
    now = int(datetime.now(context.settings.timezone).timestamp())
    await message.reply_text(view.invites_page(invites, total, now, context.settings.timezone, context.tr))


def _number(args: list[str]) -> int | None:
    """One positive whole number (a leading # allowed), else None."""
    if len(args) != 1:
        return None
    arg = args[0].lstrip("#")
    if not arg.isascii() or not arg.isdigit() or len(arg) > 16:
        return None
    value = int(arg)
    return value if value > 0 else None


def _chat_id(args: list[str]) -> int | None:
    """A user id, or a group id (negative)."""
    if len(args) != 1:
        return None
    arg = args[0]
    digits = arg[1:] if arg.startswith("-") else arg
    if not digits.isascii() or not digits.isdigit() or len(digits) > 16 or int(digits) == 0:
        return None
    return int(arg)


def _pasted(context: BotContext, args: list[str]) -> int | None:
    """The number of the invite whose link (or code) an administrator pasted, found by its hash."""
    if len(args) != 1:
        return None
    code = args[0].rpartition("start=")[2]
    if not codes.well_formed(code):
        return None
    invite = AccessRepository(context.store.db).find(codes.digest(code))
    return invite.id if invite is not None else None


async def revoke_command(update: Update, context: BotContext) -> None:
    if not await _admin_in_private(update, context, "revoke"):
        return
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    args = list(context.args or [])
    invite_id = _number(args) or _pasted(context, args)
    if invite_id is None:
        await message.reply_text(view.revoke_usage(context.tr))
        return
    store = context.store
    try:
        outcome = await store.writer.run(AccessRepository(store.writer.db).revoke, invite_id)
    except sqlite3.Error as exc:
        store.db.report(exc, "revoking an invite")
        await message.reply_text(view.busy(context.tr))
        return
    if outcome is Revoked.REVOKED:
        log.info("invite #%d revoked by administrator %s", invite_id, user.id)
    await message.reply_text(view.revoked(outcome, invite_id, context.tr))


async def remove_command(update: Update, context: BotContext) -> None:
    """Take back an admission: at once in memory (the gate), then in SQLite. Their digest pauses (the
    digest checks access at send time) and resumes if they are admitted again."""
    if not await _admin_in_private(update, context, "remove"):
        return
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    tr = context.tr
    chat_id = _chat_id(list(context.args or []))
    if chat_id is None:
        await message.reply_text(view.remove_usage(tr))
        return
    access = access_of(context)
    if access.configured(chat_id):
        await message.reply_text(view.configured(chat_id, tr))
        return
    was_invited = access.invited(chat_id)
    access.remove(chat_id)
    store = context.store
    try:
        taken = await store.writer.run(AccessRepository(store.writer.db).remove, chat_id, user.id)
    except sqlite3.Error as exc:
        store.db.report(exc, "taking back an admission")
        taken = was_invited  # gone from memory all the same: the gate no longer admits them
    if not (taken or was_invited):
        await message.reply_text(view.not_invited(chat_id, tr))
        return
    log.info("admission of %s taken back by administrator %s", chat_id, user.id)
    await message.reply_text(view.removed(chat_id, tr))
