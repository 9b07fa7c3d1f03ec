"""Helpers for the UI tests: strict HTML checks and walking the menu tree by pressing the bot's buttons."""

from __future__ import annotations

import dataclasses
from collections import deque
from html.parser import HTMLParser
from typing import Any

from bot.fakeapi import Call, parse_html, utf16_len
from bot.handlers.menu import UI_KINDS
from bot.render import callbacks as cb
from bot.render.info import LANG_PREFIX
from bot.simulate import press, send

TELEGRAM_LIMIT = 4096


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack})")
        else:
            self.stack.pop()


def check_html(text: str) -> str:
    """Assert ``text`` is valid Telegram HTML under 4096 characters; return what the user sees."""
    shown = parse_html(text)  # what Telegram would refuse raises here
    parser = _Balance()
    parser.feed(text)
    parser.close()
    assert not parser.errors, parser.errors
    assert not parser.stack, f"unclosed tags {parser.stack}"
    assert utf16_len(shown) < TELEGRAM_LIMIT, f"{utf16_len(shown)} characters"
    assert len(text) < TELEGRAM_LIMIT, f"{len(text)} characters of HTML"
    return shown


def screen(calls: list[Call]) -> Call:
    """The call that showed the new screen (an edit or a new message)."""
    shown = [c for c in calls if c.method in ("editMessageText", "sendMessage")]
    assert shown, f"no screen among {[c.method for c in calls]}"
    return shown[-1]


def callback_buttons(call: Call) -> list[dict[str, Any]]:
    return [b for b in call.buttons if "callback_data" in b]


def screen_key(data: cb.Callback) -> cb.Callback:
    """A screen without the way it was reached (``back``): the walk visits each screen once."""
    if dataclasses.is_dataclass(data) and any(f.name == "back" for f in dataclasses.fields(data)):
        return dataclasses.replace(data, back="-")  # type: ignore[type-var]
    return data


async def walk(app: Any, fingerprint: str, *, lang: str = "vi", start: str = "/menu",
               limit: int = 20000) -> dict[str, Call]:
    """Press every button reachable from ``start``, breadth first; return the screen for each payload.

    Every keyboard's callback data must decode under the pack's fingerprint, and every screen must be
    valid HTML under Telegram's limit; a button that leads nowhere fails the walk. A screen reached
    from several places (cards carry where they were opened from) is pressed once, from the first.
    """
    first = await send(app, start, lang=lang)
    menu = screen(first)
    message_id = menu.result["message_id"]
    seen: dict[str, Call] = {}
    queue: deque[str] = deque()
    keys: set[cb.Callback] = set()

    def enqueue(call: Call) -> None:
        for b in callback_buttons(call):
            data = b["callback_data"]
            assert len(data.encode()) <= 64, data
            if data.startswith(LANG_PREFIX):  # /lang's own buttons switch the language: not a menu
                continue
            decoded = cb.decode(data, fingerprint)
            assert decoded is not None, f"button {b['text']!r}: {data!r} does not decode"
            key = screen_key(decoded)
            if type(decoded) in UI_KINDS and key not in keys:
                keys.add(key)
                queue.append(data)  # other areas' kinds (digest, ...) are walked by their own tests

    check_html(menu.text)
    enqueue(menu)
    while queue:
        data = queue.popleft()
        calls = await press(app, data, message=message_id, lang=lang)
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert len(answers) == 1, f"{data}: {len(answers)} answers"
        assert not answers[0].params.get("text"), f"{data}: answered {answers[0].params.get('text')!r}"
        edits = [c for c in calls if c.method == "editMessageText"]
        # the same screen twice ("not modified") is fine: then keep what the message holds
        shown = edits[-1] if edits else calls[-1]
        if data in seen:
            continue
        seen[data] = shown
        if shown.method == "editMessageText" and shown.ok:
            check_html(shown.text)
            enqueue(shown)
        assert len(seen) < limit, "the menu tree does not end"
    return seen
