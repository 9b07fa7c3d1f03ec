"""/reload (/tailai) for administrators, and the same on SIGHUP (bot/ops/reload.py does the work).

Anyone else gets exactly what an unknown command gets: the one mechanism of /comments
(bot/handlers/comments_admin.py, ``is_admin`` then ``fallback.unknown_command``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot import context as ctx
from bot.context import BotContext
from bot.handlers import fallback
from bot.handlers.comments_admin import is_admin
from bot.i18n import Catalogues
from bot.ops.reload import Outcome, Reloaded, reload_pack
from bot.render import ops as view

log = logging.getLogger(__name__)

#: bot_data flag set by ``python -m bot run``: SIGHUP reloads the pack (never in tests' many apps).
SIGHUP_RELOAD = "sighup_reload"
SIGHUP_TASK = "sighup_task"


def outcome_text(catalogues: Catalogues, lang: str | None, outcome: Outcome) -> str:
    tr = catalogues.get(lang)
    return view.reloaded(tr, outcome) if isinstance(outcome, Reloaded) else view.refused(tr, outcome)


async def reload_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not is_admin(update, context):
        await fallback.unknown_command(update, context)
        return
    await message.reply_text(view.reload_busy(context.tr))
    outcome = await reload_pack(context.application)
    await message.reply_text(outcome_text(context.catalogues, context.lang, outcome))


def install_sighup(app: Any) -> None:
    """post_init of a live bot: SIGHUP reloads the pack and tells every administrator the outcome."""
    if not app.bot_data.get(SIGHUP_RELOAD) or not hasattr(signal, "SIGHUP"):
        return
    loop = asyncio.get_running_loop()

    def on_hup() -> None:
        log.info("SIGHUP: reloading the content pack")
        app.bot_data[SIGHUP_TASK] = loop.create_task(_reload_and_tell(app), name="sighup reload")

    try:
        loop.add_signal_handler(signal.SIGHUP, on_hup)
    except (NotImplementedError, RuntimeError) as exc:  # not the main thread, or no signals here
        log.warning("SIGHUP cannot reload here (%s); use /reload", exc)


async def _reload_and_tell(app: Any) -> Outcome:
    outcome = await reload_pack(app)
    catalogues: Catalogues = app.bot_data[ctx.CATALOGUES]
    for admin in sorted(app.bot_data[ctx.SETTINGS].admins):
        try:
            await app.bot.send_message(admin, outcome_text(catalogues, None, outcome))
        except TelegramError as exc:
            log.warning("could not tell administrator %s about the reload: %s", admin, exc)
    return outcome


async def uninstall_sighup(app: Any) -> None:
    if app.bot_data.pop(SIGHUP_RELOAD, None) and hasattr(signal, "SIGHUP"):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
