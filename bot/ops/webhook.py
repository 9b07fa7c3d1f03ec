"""Webhook mode (BOT_WEBHOOK_URL): python-telegram-bot's own webhook server, behind a TLS proxy.

Telegram posts each update to BOT_WEBHOOK_URL with the header ``X-Telegram-Bot-Api-Secret-Token``;
PTB's server answers 403 to any request whose header is missing or different, before the update is
read. It listens on BOT_WEBHOOK_LISTEN (default 127.0.0.1:8443) on the path of the public URL; TLS is
the proxy's (nginx, Caddy). The reader (bot/webapp) is a separate aiohttp server on BOT_WEBAPP_LISTEN:
the two never share a port.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlsplit

from bot.config import Settings


class WebhookArgs(TypedDict):
    listen: str
    port: int
    url_path: str
    webhook_url: str
    secret_token: str


def webhook_args(settings: Settings) -> WebhookArgs:
    """The arguments of ``Application.run_webhook`` / ``Updater.start_webhook`` for these settings."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ValueError("webhook mode needs BOT_WEBHOOK_URL and BOT_WEBHOOK_SECRET")
    host, port = settings.webhook_listen
    return WebhookArgs(listen=host, port=port, url_path=urlsplit(settings.webhook_url).path.strip("/"),
                       webhook_url=settings.webhook_url, secret_token=settings.webhook_secret)
