"""The HTTP transport to the Bot API: python-telegram-bot's HTTPXRequest, with one change.

When the other end answers with something that is not JSON (a proxy's error page, a wrong
TELEGRAM_API_BASE_URL), PTB logs the whole body with a traceback, and such pages often echo the
request path, which holds the token. Here the body is never logged: the error says how long it was
and shows its first characters, redacted, in one line.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.logs import redact

#: PTB's own defaults: many concurrent requests for sending, one long poll for getUpdates.
POOL_SIZE = 256
UPDATES_POOL_SIZE = 1
SHOWN_CHARS = 80


class NotTelegram(TelegramError):
    """The Bot API URL answered something that is not the Bot API's JSON."""


class BotAPIRequest(HTTPXRequest):
    @staticmethod
    def parse_json_payload(payload: bytes) -> Any:
        text = payload.decode("utf-8", "replace")
        try:
            return json.loads(text)
        except ValueError:
            start = " ".join(redact(text[:SHOWN_CHARS]).split())
            raise NotTelegram(f"the answer is not Telegram's JSON ({len(payload)} bytes: {start!r}...)") from None


def bot_api_requests() -> tuple[BotAPIRequest, BotAPIRequest]:
    """(for sending, for getUpdates), as ApplicationBuilder would build them."""
    return BotAPIRequest(connection_pool_size=POOL_SIZE), BotAPIRequest(connection_pool_size=UPDATES_POOL_SIZE)
