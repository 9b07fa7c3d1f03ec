"""Helpers for the UI tests: strict HTML checks and walking the menu tree by pressing the bot's buttons."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bot.fakeapi import Call, FakeBotAPI, parse_html, utf16_len
from bot.handlers.menu import UI_KINDS
from bot.render import callbacks as cb
from bot.simulate import press, running, send

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
            decoded = cb.decode(data, fingerprint)
            assert decoded is not None, f"button {b['text']!r}: {data!r} does not decode"
            key = screen_key(decoded)
            if type(decoded) in UI_KINDS and key not in keys:
                keys.add(key)
                queue.append(data)  # other kinds (digest, language, ...) are pressed by their own tests

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


# ---------------------------------------------------------------------------------------------
# Other packs: the fixture pack, and the fixture pack with what the UI must show on top


MINIPACK = Path(__file__).parent / "fixtures" / "minipack"


def ui_minipack(target: Path) -> Path:
    """A copy of the fixture pack (complete English overlay, ranks, forecast statuses and notes on the
    report's own figures) made a draft with a status notice, each translated. Written as text so the
    fixture stays the one other tests read."""
    shutil.copytree(MINIPACK, target)

    def add(name: str, text: str, replace: tuple[str, str] | None = None) -> None:
        path = target / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if replace is not None:
            assert replace[0] in old, (name, replace[0])
            old = old.replace(replace[0], replace[1], 1)
        path.write_text(old + text, encoding="utf-8")

    add("meta.yaml", "status_notice: Bản mẫu để kiểm thử, soạn trước khi hợp nhất tỉnh; số liệu có thể khác "
                     "văn kiện được thông qua.\n", ("status: final", "status: draft"))
    add("en/meta.yaml", "status_notice: A sample draft for tests, written before the provinces merged; figures "
                        "may differ from the adopted documents.\n")
    return target


@asynccontextmanager
async def app_with(pack: Any, settings: Any, catalogues: Any) -> AsyncIterator[Any]:
    """The real Application over a fake Bot API serving ``pack``; fails if a handler raised."""
    from tests.conftest import make_app

    errors: list[BaseException] = []
    application = make_app(settings, FakeBotAPI(), pack, catalogues, errors)
    async with running(application):
        yield application
    assert not errors, errors


# ---------------------------------------------------------------------------------------------
# Every card as a cadre reads it


async def card_calls(app: Any, pack: Any, kind: str, lang: str) -> dict[str, Call]:
    """Every figure card (``kind="figure"``) or item card (``"item"``), opened from its list as a cadre
    would, through the Application: id -> the edit that showed it."""
    menu = screen(await send(app, "/menu", lang=lang))
    message_id = menu.result["message_id"]
    out: dict[str, Call] = {}
    ids = list(pack.figures) if kind == "figure" else list(pack.items)
    for ident in ids:
        data = cb.FigureCard(ident) if kind == "figure" else cb.ItemCard(ident)
        call = screen(await press(app, cb.encode(data, pack.fingerprint), message=message_id, lang=lang))
        assert call.method == "editMessageText" and call.ok, (ident, call.error)
        out[ident] = call
    return out


def as_read(call: Call) -> str:
    """A screen as plain text (what the cadre reads), then its buttons row by row, ``[label]``."""
    shown = check_html(call.text or "")
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = ["  ".join(f"[{b['text']}]" for b in row) for row in rows]
    return "\n".join([shown, *buttons])


#: Letters with Vietnamese diacritics (NFC), the test for "Vietnamese words in an English screen".
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                         "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]")
_BLOCKQUOTE = re.compile(r"<blockquote>.*?</blockquote>", re.S)


def place_names(pack: Any, lang: str) -> set[str]:
    """Words with diacritics the translator kept in the document's own description (``Bắc Giang``):
    place names, allowed in any language."""
    meta = pack.meta_text(lang)
    text = " ".join(str(v) for v in meta.model_dump().values() if isinstance(v, str))
    return {w for w in re.findall(r"\w+", text) if _VIETNAMESE.search(w)}


# Words the text itself quotes ("lãng, bản" for a typo of the report) are the report's, not ours.
_QUOTED_WORDS = re.compile(r'"[^"\n]{1,60}"|“[^”\n]{1,60}”')


def vietnamese_outside_quotes(html: str, allowed: set[str]) -> list[str]:
    """Words with Vietnamese diacritics in ``html`` outside the report's quoted sentences and place names.
    A capitalised word is a proper name kept as Vietnamese writes it (Lục Ngạn, Yên Thế), and words in
    quotation marks are the report's own; untranslated content shows in its lower-case words."""
    text = _QUOTED_WORDS.sub("", parse_html(_BLOCKQUOTE.sub("", html)))
    return [w for w in re.findall(r"\w+", text)
            if _VIETNAMESE.search(w) and w not in allowed and not w[0].isupper()]
