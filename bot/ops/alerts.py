"""Unexpected errors, told to the administrators: at most one message per kind every ten minutes, with the
count of those held back. No internals: the exception's type and the kind of update, never a traceback,
an exception's message (it may quote a token, a path or a user's words) or anything a user wrote."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.i18n import Translator
from bot.render.text import esc

log = logging.getLogger(__name__)

ALERTS = "admin_alerts"  # bot_data: the AdminAlerts of this application
EVERY = 600.0            # seconds between two messages about the same kind of error

#: Update attributes, in the order PTB fills them: the first one set names the update's kind.
KINDS = ("message", "edited_message", "callback_query", "inline_query", "chosen_inline_result", "poll_answer",
         "my_chat_member", "chat_member", "channel_post", "poll")


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return "job"  # a job or a background task: no update
    return next((kind for kind in KINDS if getattr(update, kind, None) is not None), "update")


@dataclass
class AdminAlerts:
    clock: Callable[[], float]
    every: float = EVERY
    _last: dict[str, float] = field(default_factory=dict)
    _held: dict[str, int] = field(default_factory=dict)

    def due(self, kind: str) -> int | None:
        """None: hold this one back (counted). Otherwise: report now, and how many were held back before."""
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            self._held[kind] = self._held.get(kind, 0) + 1
            return None
        self._last[kind] = now
        return self._held.pop(kind, 0)


def text(tr: Translator, error_type: str, kind: str, held: int) -> str:
    lines = ["⚠️ <b>" + esc(tr.gettext("Unexpected error")) + "</b>",
             esc(tr.gettext("{error} while handling: {kind}.")).format(error=f"<code>{esc(error_type)}</code>",
                                                                       kind=f"<code>{esc(kind)}</code>")]
    if held:
        lines.append(esc(tr.ngettext("{n} more like it in the last ten minutes were not reported.",
                                     "{n} more like it in the last ten minutes were not reported.", held)
                         .format(n=tr.number(held))))
    lines.append(esc(tr.gettext("Details are in the bot's log.")))
    return "\n".join(lines)


async def report(bot: ExtBot[None], alerts: AdminAlerts, admins: frozenset[int], tr: Translator,
                 error: BaseException | None, update: object) -> bool:
    """Tell every administrator, unless this kind was reported less than ten minutes ago. True if told."""
    if not admins or error is None:
        return False
    error_type, kind = type(error).__name__, update_kind(update)
    held = alerts.due(f"{error_type}/{kind}")
    if held is None:
        return False
    message = text(tr, error_type, kind, held)
    for admin in sorted(admins):
        try:
            await bot.send_message(admin, message)
        except TelegramError as exc:  # an administrator who blocked the bot, a network error: logged only
            log.warning("could not tell administrator %s about an error: %s", admin, type(exc).__name__)
    return True
