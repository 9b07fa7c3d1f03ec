"""Applications for the study tests: real handlers over FakeBotAPI, a controllable clock and seed, and no
tick job (tests take due steps with ``tick``). Several apps can be built over one data directory, one
after the other, to restart the bot in the middle of a quiz."""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.fakeapi import Call, FakeBotAPI
from bot.handlers import quiz
from bot.simulate import running
from tests.conftest import make_app

START = 1_790_000_000  # Unix time the tests' clock starts at (late September 2026)


class Clock:
    def __init__(self, at: float = START) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


class Harness:
    def __init__(self, settings: Any, pack: Any, catalogues: Any, search: Any, seed: int = 7) -> None:
        self.settings = settings
        self.pack = pack
        self.catalogues = catalogues
        self.search = search
        self.clock = Clock()
        self.seed = seed
        self.errors: list[BaseException] = []

    @asynccontextmanager
    async def start(self, fake: FakeBotAPI | None = None, pack: Any = None) -> AsyncIterator[Any]:
        app = make_app(self.settings, fake or FakeBotAPI(), pack or self.pack, self.catalogues, self.errors,
                       self.search)
        app.bot_data[quiz.CLOCK] = self.clock
        app.bot_data[quiz.SEED] = lambda: self.seed
        app.bot_data[quiz.SCHEDULE] = False
        async with running(app):
            yield app
        if self.errors:
            details = "\n".join("".join(traceback.format_exception(e)) for e in self.errors)
            pytest.fail(f"{len(self.errors)} handler error(s):\n{details}")

    async def tick(self, app: Any, seconds: float = 0) -> int:
        self.clock.advance(seconds)
        return await quiz.tick_now(app)


def polls(fake: FakeBotAPI, chat_id: int | None = None) -> list[Call]:
    return [c for c in fake.calls("sendPoll", chat_id) if c.ok]


def poll_id(call: Call) -> str:
    return str(call.result["poll"]["id"])


def correct(call: Call) -> int:
    """The right option of a quiz poll as sent (PTB 22.8 sends the list form, correct_option_ids)."""
    ids = call.params.get("correct_option_ids")
    if ids is None:
        ids = [call.params["correct_option_id"]]
    assert len(ids) == 1, f"a quiz has exactly one right option, got {ids}"
    return int(ids[0])


def wrong(call: Call) -> int:
    return (correct(call) + 1) % len(call.params["options"])


def option_texts(call: Call) -> list[str]:
    return [o["text"] if isinstance(o, dict) else str(o) for o in call.params["options"]]
