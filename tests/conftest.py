"""Shared fixtures: the real Application over FakeBotAPI, and a guard that fails a test if a handler raised.

Use them like this (helpers live in bot.simulate so the console and benches share them):

    from bot.simulate import send, press, press_button, inline, feed

    async def test_start(app, fake_api):
        calls = await send(app, "/start")                   # private chat, user 1001, language "vi"
        assert fake_api.last("sendMessage").buttons
        await press_button(app, 0)                          # taps the first button of the last keyboard
        await inline(app, "grdp")
        fake_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")

A test that expects handler errors marks itself `@pytest.mark.handler_errors` and reads the
`handler_errors` fixture (a list of exceptions) instead of failing.

The application is the production one: the same AIORateLimiter (MeteredRateLimiter), digest pacer,
concurrent_updates and flood protection. Only time is fake (`FakeTime`, on `FakeTimeLoop`): sleeping
in the digest service advances it at once, and each update arrives three seconds after the last (a
person's pace, even in a group's 20 messages a minute; `FakeTime(pace=0)` makes every update arrive at
the same instant, as a flood does).
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.content import ContentPack
from bot.content.search import SearchIndex
from bot.context import SEARCH
from bot.digest import runner as digest
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI
from bot.i18n import Catalogues
from bot.simulate import running

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
LOCALES_DIR = ROOT / "locales"


class FakeTimeLoop(asyncio.SelectorEventLoop):
    """The tests' event loop: its clock is real time plus whatever FakeTime moved it on, so the real
    AIORateLimiter (which waits on the loop's clock) and every timer see the same fake time."""

    def __init__(self) -> None:
        super().__init__()
        self.offset = 0.0

    def time(self) -> float:
        return super().time() + self.offset


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    return {"fake_time": FakeTimeLoop}


class FakeTime:
    """Monotonic seconds for the pacer, the limiter's window and the limiter itself (the loop's clock),
    and, separately, the arrival times flood protection sees (`arrival`, pure fake: no real time in it).

    `sleep` (the digest service's) moves the loop's clock on at once and records what it was asked;
    each update arrives `pace` seconds after the last and moves the loop's clock as much."""

    def __init__(self, pace: float = 3.0) -> None:
        self.pace = pace
        self.arrived = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return asyncio.get_running_loop().time()

    def advance(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if not isinstance(loop, FakeTimeLoop):
            raise TypeError("FakeTime needs the tests' FakeTimeLoop")
        loop.offset += seconds

    def arrival(self) -> float:
        self.advance(self.pace)
        self.arrived += self.pace
        return self.arrived

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "handler_errors: the test expects handlers to raise; do not fail on it")


@pytest.fixture(scope="session")
def content_pack() -> Any:
    """The shipped content pack, loaded once (it is read-only)."""
    from bot.content.pack import load_pack

    return load_pack(CONTENT_DIR)


@pytest.fixture(scope="session")
def search_index(content_pack: ContentPack) -> SearchIndex:
    """The search index, built once per session (post_init would build it per app)."""
    return SearchIndex.build(content_pack)


@pytest.fixture(scope="session")
def catalogues() -> Catalogues:
    return Catalogues.load(LOCALES_DIR)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(token=FAKE_TOKEN, data_dir=tmp_path / "data", content_dir=CONTENT_DIR, locales_dir=LOCALES_DIR)


@pytest.fixture
def fake_api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def handler_errors() -> list[BaseException]:
    return []


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_app(settings: Settings, fake_api: FakeBotAPI, pack: Any, catalogues: Catalogues,
             errors: list[BaseException], search: Any = None, time: FakeTime | None = None) -> Any:
    """The bot exactly as production builds it, over the fake transport and on fake time."""
    time = time or FakeTime()
    app = build_application(settings, request=fake_api, pack=pack, catalogues=catalogues, clock=time,
                            arrivals=time.arrival)
    app.bot_data[digest.SLEEP] = time.sleep
    if search is not None:
        app.bot_data[SEARCH] = search

    async def record(update: object, context: Any) -> None:
        errors.append(context.error)

    app.add_error_handler(record)
    return app


@pytest.fixture
async def app(
    request: pytest.FixtureRequest,
    settings: Settings,
    fake_api: FakeBotAPI,
    content_pack: Any,
    catalogues: Catalogues,
    search_index: Any,
    handler_errors: list[BaseException],
    fake_time: FakeTime,
) -> AsyncIterator[Any]:
    application = make_app(settings, fake_api, content_pack, catalogues, handler_errors, search_index, fake_time)
    async with running(application):
        yield application
    if handler_errors and request.node.get_closest_marker("handler_errors") is None:
        details = "\n".join("".join(traceback.format_exception(e)) for e in handler_errors)
        pytest.fail(f"{len(handler_errors)} handler error(s):\n{details}")
