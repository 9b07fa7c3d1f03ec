"""The error handler: log with the update id, tell the user briefly in their language, never a traceback."""

from __future__ import annotations

import logging
import sqlite3
import time

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.context import BotContext
from bot.handlers.chats import move_chat
from bot.ops.alerts import ALERTS, AdminAlerts, report
from bot.render import info

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, BadRequest) and "not modified" in str(error).lower():
        log.debug("update %s: message not modified (harmless)", update_id)
        return
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # Blocked, kicked or deactivated: stop writing to that chat until it writes to us again.
        log.info("update %s: %s; marking chat %s inactive", update_id, error, chat.id if chat else None)
        store = context.bot_data.get("store")
        if chat is not None and store is not None:
            store.note_reachable(chat.id, False, private=chat.type == ChatType.PRIVATE,
                                 reason=f"403: {error.message}")
        return
    if isinstance(error, ChatMigrated):
        if chat is not None:
            await move_chat(context, chat.id, error.new_chat_id)
        return
    if isinstance(error, RetryAfter):
        log.warning("update %s: flood control, retry after %s s", update_id, error.retry_after)
        return
    store = context.bot_data.get("store")
    if isinstance(error, sqlite3.Error) and store is not None:
        # A locked, full or damaged database fails every update alike: one line a minute, no traceback.
        store.db.report(error, f"handling update {update_id}")
    else:
        log.error("update %s raised %s", update_id, type(error).__name__, exc_info=error)
        await _tell_admins(context, update)
    if not isinstance(update, Update):
        return
    text = info.apology(context.tr)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200])
        elif update.effective_chat is not None and update.effective_message is not None and (
            update.effective_chat.type == ChatType.PRIVATE or update.effective_message.text
        ):
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:  # the apology must never raise in its turn
        log.warning("update %s: could not send the apology: %s", update_id, exc)


async def _tell_admins(context: BotContext, update: object) -> None:
    """The administrators hear of it (type and update kind only), at most once per kind every ten minutes."""
    alerts: AdminAlerts | None = context.bot_data.get(ALERTS)
    if alerts is None:
        window = context.bot_data.get("traffic_window")
        alerts = context.bot_data[ALERTS] = AdminAlerts(window.clock if window is not None else time.monotonic)
    try:
        await report(context.bot, alerts, context.settings.admins, context.tr_for(None), context.error, update)
    except Exception:  # noqa: BLE001 - reporting an error must never raise another
        log.warning("could not report an error to the administrators", exc_info=False)
