"""/broadcast (/thongbao) for administrators: preview, Confirm/Cancel, delivery with progress (bot/ops/broadcast.py).

Anyone else gets exactly what an unknown command (or an unknown button) gets, as for /comments.
Broadcasts confirmed but not finished are resumed when the bot starts.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import context as ctx
from bot.access.policy import ACCESS, Access
from bot.background import wait_or_cancel
from bot.config import Settings
from bot.context import BotContext
from bot.digest import runner as digest_runner
from bot.digest.pacing import BULK
from bot.handlers import fallback
from bot.handlers.comments_admin import is_admin
from bot.i18n import Catalogues
from bot.ops.broadcast import BroadcastService
from bot.render import broadcast as view
from bot.render import callbacks as cb
from bot.store import Store
from bot.store.broadcast_repo import Broadcast, BroadcastRepository, Tally

log = logging.getLogger(__name__)

SERVICE = "broadcast_service"
TASKS = "broadcast_tasks"   # bot_data: broadcast id -> its running task
STOP_WAIT = 30.0


def is_broadcast_data(data: object) -> bool:
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], view.BroadcastButton)


def _service(bot_data: dict[str, Any]) -> BroadcastService:
    service: BroadcastService = bot_data[SERVICE]
    return service


async def setup(app: Any) -> BroadcastService:
    """post_init: the service, and every broadcast a stop interrupted goes on."""
    store: Store = app.bot_data[ctx.STORE]
    settings: Settings = app.bot_data[ctx.SETTINGS]
    catalogues: Catalogues = app.bot_data[ctx.CATALOGUES]
    bot = app.bot

    async def send(chat_id: int, html: str, paid: bool) -> int | None:
        message = await bot.send_message(chat_id, html, allow_paid_broadcast=True if paid else None)
        sent: int = message.message_id
        return sent

    async def progress(broadcast: Broadcast, tally: Tally, final: bool) -> None:
        BULK.set(False)  # the administrator's progress message is an ordinary reply
        if broadcast.progress_message is None:
            return
        tr = catalogues.get(broadcast.lang)
        text = (view.finished if final else view.progress)(tr, tally, broadcast.recipients)
        try:
            await bot.edit_message_text(text, chat_id=broadcast.admin_chat, message_id=broadcast.progress_message)
        except TelegramError as exc:  # deleted, not modified...: the count goes on regardless
            log.debug("broadcast %s: progress not shown (%s)", broadcast.id, exc)

    access: Access = app.bot_data.setdefault(ACCESS, Access(settings))  # who is admitted now, as the gate sees it
    service = BroadcastService(BroadcastRepository(store.db), store.writer, send, progress,
                               lambda sub: digest_runner.admitted(access, sub), app.bot_data[ctx.WINDOW],
                               sleep=app.bot_data.get(digest_runner.SLEEP) or asyncio.sleep)
    app.bot_data[SERVICE] = service
    for broadcast in service.repo.sending():
        log.info("broadcast %s: resuming after a restart", broadcast.id)
        start(app.bot_data, broadcast.id)
    return service


def start(bot_data: dict[str, Any], broadcast_id: int) -> asyncio.Task[Tally]:
    tasks: dict[int, asyncio.Task[Tally]] = bot_data.setdefault(TASKS, {})
    running = tasks.get(broadcast_id)
    if running is not None and not running.done():
        return running
    task = asyncio.create_task(_run(_service(bot_data), broadcast_id), name=f"broadcast {broadcast_id}")
    tasks[broadcast_id] = task
    return task


async def _run(service: BroadcastService, broadcast_id: int) -> Tally:
    try:
        return await service.run(broadcast_id)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - the next start resumes it; nothing is sent twice
        log.exception("broadcast %s stopped", broadcast_id)
        return Tally()


async def shutdown(app: Any) -> None:
    """post_stop: claim no more chats, let the requests in flight finish (STOP_WAIT at most)."""
    service: BroadcastService | None = app.bot_data.get(SERVICE)
    if service is not None:
        service.request_stop()
    tasks: dict[int, asyncio.Task[Tally]] = app.bot_data.pop(TASKS, {})
    for task in tasks.values():
        await wait_or_cancel(task, STOP_WAIT)


def _text_after_command(text: str) -> str:
    """What follows ``/broadcast`` (or ``/broadcast@bot``), newlines kept."""
    parts = text.split(maxsplit=1)
    if not parts:
        return ""
    rest = text[text.index(parts[0]) + len(parts[0]):]
    return rest.strip()


async def broadcast_command(update: Update, context: BotContext) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    if not is_admin(update, context):
        await fallback.unknown_command(update, context)
        return
    tr = context.tr
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(view.private_only(tr))
        return
    text = _text_after_command(message.text or "")
    if not text:
        await message.reply_text(view.usage(tr))
        return
    html, over = view.announcement(context.tr_for(None), text)
    if over:
        await message.reply_text(view.too_long(tr, over))
        return
    paid = context.settings.paid_broadcast
    repo = BroadcastRepository(context.store.writer.db)
    broadcast_id = await context.store.writer.run(repo.create, user.id, chat.id, html, paid, context.lang)
    recipients = _service(context.bot_data).repo.count_recipients()
    await message.reply_text(html)  # exactly as subscribers will see it
    text_, markup = view.preview(tr, broadcast_id, recipients, paid)
    await message.reply_text(text_, reply_markup=markup)
    log.info("broadcast %s drafted by user %s for %d recipients", broadcast_id, user.id, recipients)


async def button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
    parsed = cb.parse(query.data)
    if not is_admin(update, context) or parsed is None or not isinstance(parsed[1], view.BroadcastButton):
        await fallback.stale_button(update, context)
        return
    data, tr = parsed[1], context.tr
    service = _service(context.bot_data)
    broadcast = service.repo.get(int(data.bid)) if data.bid.isdigit() else None
    if broadcast is None or broadcast.status != "draft":
        await query.answer(view.answer_for(tr, broadcast.status if broadcast else None), show_alert=True)
        return
    w_repo = BroadcastRepository(context.store.writer.db)
    if data.act == view.CANCEL:
        if await context.store.writer.run(w_repo.cancel, broadcast.id):
            await query.answer()
            await query.edit_message_text(view.cancelled(tr))
            log.info("broadcast %s cancelled", broadcast.id)
        else:
            await query.answer(view.answer_for(tr, (service.repo.get(broadcast.id) or broadcast).status))
        return
    if data.act != view.CONFIRM:
        await fallback.stale_button(update, context)
        return
    recipients = service.repo.count_recipients()
    message_id = query.message.message_id

    def confirm() -> bool:
        if not w_repo.confirm(broadcast.id, recipients):
            return False
        w_repo.set_progress_message(broadcast.id, message_id)
        return True

    if not await context.store.writer.run(confirm):  # a second press, or another admin was quicker
        await query.answer(view.answer_for(tr, (service.repo.get(broadcast.id) or broadcast).status))
        return
    await query.answer(tr.gettext("Sending…"))
    await query.edit_message_text(view.progress(tr, Tally(), recipients))
    log.info("broadcast %s confirmed by user %s: %d recipients", broadcast.id,
             update.effective_user.id if update.effective_user else 0, recipients)
    start(context.bot_data, broadcast.id)
