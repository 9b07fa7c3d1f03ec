"""Webhook mode through python-telegram-bot's own server on 127.0.0.1: a POST with the secret reaches the bot (the
fake Bot API records the reply); without it or with a wrong one it is refused (403) and nothing is processed.
Settings: a bad URL, a missing or malformed secret, the reader's port, each one config error line."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from typing import Any

import httpx
import pytest

from bot.config import ConfigError, Settings
from bot.fakeapi import FakeBotAPI
from bot.ops.webhook import webhook_args
from bot.simulate import fake_api, running
from tests.conftest import FakeTime, make_app

SECRET = "s3cret_Token-0123456789"
USER = 4242


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def update(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": USER, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "chat": {"id": USER, "type": "private", "first_name": "Lan"},
        "from": user, "text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}}


async def wait_for(predicate: Any, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


async def test_requests_need_the_secret(settings, content_pack, catalogues, search_index, handler_errors):
    hooked = dataclasses.replace(settings, webhook_url="https://bot.example.org/telegram/hook",
                                 webhook_listen=("127.0.0.1", free_port()), webhook_secret=SECRET)
    app = make_app(hooked, FakeBotAPI(), content_pack, catalogues, handler_errors, search_index, FakeTime())
    args = webhook_args(hooked)
    assert args["url_path"] == "telegram/hook" and args["listen"] == "127.0.0.1"
    async with running(app):
        fake = fake_api(app)
        await app.updater.start_webhook(**args)
        try:
            set_hook = fake.last("setWebhook")
            assert set_hook.params["url"] == hooked.webhook_url and set_hook.params["secret_token"] == SECRET
            url = f"http://127.0.0.1:{args['port']}/telegram/hook"
            async with httpx.AsyncClient() as client:
                without = await client.post(url, json=update(1, "/help"))
                wrong = await client.post(url, json=update(2, "/help"),
                                          headers={"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"})
                assert (without.status_code, wrong.status_code) == (403, 403)
                await asyncio.sleep(0.2)
                assert fake.calls("sendMessage", chat_id=USER) == []  # nothing was processed
                right = await client.post(url, json=update(3, "/help"),
                                          headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                assert right.status_code == 200
            assert await wait_for(lambda: fake.calls("sendMessage", chat_id=USER))
            assert len(fake.calls("sendMessage", chat_id=USER)) == 1
        finally:
            await app.updater.stop()


def env(**extra: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": "123456789:" + "A" * 35, **extra}


@pytest.mark.parametrize(("variables", "says"), [
    ({"BOT_WEBHOOK_URL": "http://bot.example.org/hook", "BOT_WEBHOOK_SECRET": "abc"}, "BOT_WEBHOOK_URL must be"),
    ({"BOT_WEBHOOK_URL": "https://bot.example.org/hook?x=1", "BOT_WEBHOOK_SECRET": "abc"}, "BOT_WEBHOOK_URL must be"),
    ({"BOT_WEBHOOK_URL": "https://bot.example.org/hook"}, "BOT_WEBHOOK_SECRET is not"),
    ({"BOT_WEBHOOK_URL": "https://bot.example.org/hook", "BOT_WEBHOOK_SECRET": "has space"}, "BOT_WEBHOOK_SECRET must"),
    ({"BOT_WEBHOOK_URL": "https://bot.example.org/hook", "BOT_WEBHOOK_SECRET": "a" * 257}, "BOT_WEBHOOK_SECRET must"),
    ({"BOT_WEBHOOK_URL": "https://bot.example.org/hook", "BOT_WEBHOOK_SECRET": "abc",
      "BOT_WEBHOOK_LISTEN": "nowhere"}, "BOT_WEBHOOK_LISTEN must"),
    ({"BOT_WEBHOOK_URL": "https://bot.example.org/hook", "BOT_WEBHOOK_SECRET": "abc",
      "BOT_WEBAPP_URL": "https://bot.example.org/reader/", "BOT_WEBHOOK_LISTEN": "127.0.0.1:8080"}, "different ports"),
    ({"BOT_DIGEST_CHANNEL": "bantin"}, "BOT_DIGEST_CHANNEL must"),
    ({"BOT_DIGEST_CHANNEL": "-12345"}, "BOT_DIGEST_CHANNEL must"),
    ({"BOT_PAID_BROADCAST": "maybe"}, "BOT_PAID_BROADCAST must"),
])
def test_settings_errors_are_one_line(variables, says):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env(**variables))
    message = str(caught.value)
    assert says in message and "\n" not in message
    assert variables.get("BOT_WEBHOOK_SECRET", "\0") not in message  # the secret is never repeated


def test_good_settings():
    settings = Settings.from_env(env(BOT_WEBHOOK_URL="https://bot.example.org/tg", BOT_WEBHOOK_SECRET=SECRET,
                                     BOT_DIGEST_CHANNEL="@bantin_baocao", BOT_PAID_BROADCAST="1"))
    assert settings.webhook_listen == ("127.0.0.1", 8443) and settings.paid_broadcast
    assert settings.digest_channel == "@bantin_baocao"
    assert Settings.from_env(env(BOT_DIGEST_CHANNEL="-1001234567890")).digest_channel == "-1001234567890"
    assert Settings.from_env(env()).webhook_url is None
