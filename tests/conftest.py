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
"""

from __future__ import annotations

import importlib.util
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.context import SEARCH
from bot.fakeapi import FakeBotAPI
from bot.i18n import Catalogues
from bot.simulate import running

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
LOCALES_DIR = ROOT / "locales"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "handler_errors: the test expects handlers to raise; do not fail on it")


@pytest.fixture(scope="session")
def content_pack() -> Any:
    """The shipped content pack, loaded once (it is read-only)."""
    from bot.content import load_pack

    return load_pack(CONTENT_DIR)


@pytest.fixture(scope="session")
def search_index(content_pack: Any) -> Any:
    """The search index, built once per session (post_init would build it per app), or None."""
    if importlib.util.find_spec("bot.content.search") is None:
        return None
    from bot.content.search import SearchIndex

    return SearchIndex.build(content_pack)


@pytest.fixture(scope="session")
def catalogues() -> Catalogues:
    return Catalogues.load(LOCALES_DIR)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", content_dir=CONTENT_DIR, locales_dir=LOCALES_DIR)


@pytest.fixture
def fake_api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def handler_errors() -> list[BaseException]:
    return []


def make_app(settings: Settings, fake_api: FakeBotAPI, pack: Any, catalogues: Catalogues,
             errors: list[BaseException], search: Any = None) -> Any:
    """The bot exactly as production builds it, but over the fake transport and without rate limits."""
    app = build_application(settings, request=fake_api, pack=pack, rate_limiter=False, catalogues=catalogues)
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
) -> AsyncIterator[Any]:
    application = make_app(settings, fake_api, content_pack, catalogues, handler_errors, search_index)
    async with running(application):
        yield application
    if handler_errors and request.node.get_closest_marker("handler_errors") is None:
        details = "\n".join("".join(traceback.format_exception(e)) for e in handler_errors)
        pytest.fail(f"{len(handler_errors)} handler error(s):\n{details}")
