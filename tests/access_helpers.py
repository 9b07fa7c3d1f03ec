"""Shared by the access tests: an application over one data dir, a probe that sees what passed the
gate, and an invite made by an administrator through /invite (the link read from the bot's answer)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from bot.fakeapi import FakeBotAPI, parse_html
from bot.simulate import running, send
from tests.conftest import FakeTime, make_app

INSIDER, OUTSIDER, ADMIN, GUEST = 5, 6, 7, 8
GROUP = -100321
LINK = re.compile(r"https://t\.me/(\w+)\?start=(inv[A-Za-z0-9_-]+)")
PROBE = "probe_seen"


def probed(app: Any) -> list[int]:
    """Update ids that reached past the gate (a handler in group 1 records every one: a feature to come)."""
    return app.bot_data.setdefault(PROBE, [])


def add_probe(app: Any) -> None:
    async def seen(update: Update, context: Any) -> None:
        probed(app).append(update.update_id)

    app.add_handler(TypeHandler(Update, seen), group=1)


@asynccontextmanager
async def started(settings: Any, pack: Any, catalogues: Any, search: Any, *, fake: FakeBotAPI | None = None,
                  time: FakeTime | None = None, bot_data: dict[str, Any] | None = None
                  ) -> AsyncIterator[tuple[Any, FakeBotAPI]]:
    """The bot as production builds it; `bot_data` is injected before it starts (a digest clock)."""
    fake = fake or FakeBotAPI()
    errors: list[BaseException] = []
    app = make_app(settings, fake, pack, catalogues, errors, search, time)
    app.bot_data.update(bot_data or {})
    add_probe(app)
    async with running(app):
        yield app, fake
    assert errors == [], errors


def text(call: Any) -> str:
    return parse_html(call.params.get("text") or call.params.get("caption") or "")


async def make_invite(app: Any, args: str = "", admin: int = ADMIN) -> tuple[int, str]:
    """/invite as an administrator: (the invite's number, the code from its link)."""
    calls = await send(app, f"/invite {args}".strip(), user_id=admin)
    for call in calls:
        m = LINK.search(text(call))
        if m:
            number = re.search(r"#(\d+)", text(call))
            assert number is not None
            return int(number.group(1)), m.group(2)
    raise AssertionError(f"no invite link in {[text(c) for c in calls]}")
