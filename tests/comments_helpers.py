"""Helpers for the comment tests: a clock, the bot over one data folder (so a test can restart it), and a
cadre's taps from a section's original text to a sent comment."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.fakeapi import Call, FakeBotAPI, parse_html
from bot.handlers import comments
from bot.render import callbacks as cb
from bot.simulate import DEFAULT_USER_ID, press, press_button, running, send
from bot.store.comments_repo import CommentRepository, Draft, Place
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SECTION = "p1.I.1.1"  # I.1.1 Công nghiệp - xây dựng


def hanoi(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


Start = Callable[..., Any]


def harness(settings: Any, content_pack: Any, catalogues: Any, search_index: Any, clock: Clock) -> Start:
    """``async with start(settings=..., pack=...) as (app, fake)``: the bot over one data folder."""

    @asynccontextmanager
    async def start(*, settings_: Any = None, pack: Any = None, fake: FakeBotAPI | None = None,
                    errors: list[BaseException] | None = None) -> AsyncIterator[tuple[Any, FakeBotAPI]]:
        errors = [] if errors is None else errors
        fake = fake or FakeBotAPI()
        app = make_app(settings_ or settings, fake, pack or content_pack, catalogues, errors, search_index)
        app.bot_data[comments.CLOCK] = clock
        async with running(app):
            yield app, fake
        assert not errors, errors

    return start


def shown(calls: list[Call]) -> str:
    """What the chat shows after these calls: the last message sent or edited, as plain text."""
    screens = [c for c in calls if c.method in ("sendMessage", "editMessageText")]
    assert screens, [c.method for c in calls]
    assert all(c.ok for c in screens), [c.error for c in screens]
    return parse_html(screens[-1].text or "")


def answer(calls: list[Call]) -> dict[str, Any]:
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1, [c.method for c in calls]
    return answers[0].params


def repo(app: Any) -> CommentRepository:
    return CommentRepository(app.bot_data["store"].db)


def data(app: Any, obj: cb.Callback) -> str:
    return cb.encode(obj, app.bot_data["pack"].fingerprint)


async def open_original(app: Any, section: str = SECTION, **kw: Any) -> list[Call]:
    """The cadre reads a section's original text (from the menu)."""
    await send(app, "/menu", **kw)
    return await press(app, data(app, cb.Original(section)), **kw)


async def start_comment(app: Any, section: str = SECTION, stance: str = "❌ Không tán thành",
                        user_id: int = DEFAULT_USER_ID) -> list[Call]:
    """From the section's original text: "✍️ Góp ý mục này", then a stance; returns the prompt's calls."""
    await open_original(app, section, user_id=user_id)
    opened = await press_button(app, "Góp ý mục này", user_id=user_id)
    assert "Ý kiến của đồng chí về mục này?" in shown(opened), shown(opened)
    return await press_button(app, stance, user_id=user_id)


async def write_comment(app: Any, text: str | None, *, section: str = SECTION, stance: str = "❌ Không tán thành",
                        user_id: int = DEFAULT_USER_ID, audience: str | None = "Đảng viên",
                        unit: str | None = "Chi bộ thôn Đông", begun: bool = False) -> list[Call]:
    """The whole flow up to the preview (asked for đối tượng and unit when ``audience`` is given);
    ``begun``: the prompt for the text is already there."""
    if not begun:
        await start_comment(app, section, stance, user_id)
    calls = (await press_button(app, "Không thêm nội dung", user_id=user_id) if text is None
             else await send(app, text, user_id=user_id))
    if audience is not None:
        assert "Đồng chí góp ý với tư cách" in shown(calls), shown(calls)
        await press_button(app, audience, user_id=user_id)
        calls = (await send(app, unit, user_id=user_id) if unit is not None
                 else await press_button(app, "Không ghi đơn vị", user_id=user_id))
    assert "Xem lại góp ý" in shown(calls), shown(calls)
    return calls


def seed(app: Any, user_id: int, section: str, stance: str, body: str, at: int, *, place: Place | None = None) -> None:
    """A comment written straight into the store (counts and exports need many)."""
    from bot.comments.places import place_of

    pack = app.bot_data["pack"]
    r = repo(app)
    r.put_draft(Draft(user_id, section, stance, body, at))  # type: ignore[arg-type]
    outcome = r.submit(user_id, section, place or place_of(pack, section), None, None, pack.fingerprint, at, 0, 10**6)
    assert outcome.value in ("sent", "edited"), outcome
