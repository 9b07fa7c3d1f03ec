"""What Telegram checks on the wire, for the fake Bot API (bot/fakeapi.py): HTML parse mode, lengths in
UTF-16, inline keyboards, and error payloads shaped as the Bot API sends them; plus ``Call``, one recorded
request."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

JSON = dict[str, Any]

SUPPORTED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
    "blockquote", "tg-emoji",
}
_ATTR = r"""(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)"""
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(" + _ATTR + r"*)\s*>")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class HTMLParseError(ValueError):
    """Raised for what Telegram would refuse with "Bad Request: can't parse entities"."""


_SPECIAL_RE = re.compile(r"[<&]")


def parse_html(text: str) -> str:
    """Return the plain text Telegram would show for `text` in HTML parse mode, or raise HTMLParseError."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while True:
        special = _SPECIAL_RE.search(text, i)  # copy plain runs in one go: benches measure the bot, not us
        if special is None:
            out.append(text[i:])
            break
        start = special.start()
        out.append(text[i:start])
        if text[start] == "<":
            m = _TAG_RE.match(text, start)
            offset = len(text[:start].encode())
            if not m:
                raise HTMLParseError(f"Unsupported start tag at byte offset {offset}")
            closing, name = m.group(1) == "/", m.group(2).lower()
            if name not in SUPPORTED_TAGS:
                raise HTMLParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != name:
                    raise HTMLParseError(f'Unexpected end tag "{name}" at byte offset {offset}')
                stack.pop()
            else:
                stack.append(name)
            i = m.end()
        else:
            m = _ENTITY_RE.match(text, start)
            if m:
                out.append(unescape(m.group(0)))
                i = m.end()
            else:  # Telegram keeps a lone ampersand as it is
                out.append("&")
                i = start + 1
    if stack:
        raise HTMLParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class TelegramAPIError(Exception):
    """Raised inside the fake to produce a Telegram-shaped error response."""

    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSON:
        return error_payload(self.code, self.description, self.retry_after)


def error_payload(code: int, description: str, retry_after: int | None = None,
                  migrate_to_chat_id: int | None = None) -> JSON:
    payload: JSON = {"ok": False, "error_code": code, "description": description}
    parameters: JSON = {}
    if retry_after is not None:
        parameters["retry_after"] = retry_after
    if migrate_to_chat_id is not None:  # "group chat was upgraded to a supergroup chat"
        parameters["migrate_to_chat_id"] = migrate_to_chat_id
    if parameters:
        payload["parameters"] = parameters
    return payload


@dataclass
class Call:
    """One Bot API request as the bot made it; params are decoded JSON (reply_markup is a dict)."""

    method: str
    params: JSON
    result: Any = None
    error: JSON | None = None
    files: dict[str, int] = field(default_factory=dict)  # uploaded field name -> size in bytes
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # field name -> (file name, content)

    @property
    def chat_id(self) -> int | str | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text or caption this call sends, as the bot wrote it (HTML)."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard buttons of this call, row by row flattened."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


def check_markup(markup: Any) -> None:
    """Refuse an inline keyboard as Telegram does: a button without text, action or with data over 64 bytes."""
    if not markup or "inline_keyboard" not in markup:
        return
    for row in markup["inline_keyboard"]:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise TelegramAPIError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise TelegramAPIError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not any(k in button for k in ("callback_data", "url", "switch_inline_query",
                                               "switch_inline_query_current_chat", "web_app",
                                               "login_url", "pay", "copy_text",
                                               "switch_inline_query_chosen_chat", "callback_game")):
                raise TelegramAPIError(400, "Bad Request: inline keyboard button must have an action")


def iter_buttons(markup: JSON | None) -> Iterable[JSON]:
    """Every inline button of a reply_markup dict, row by row."""
    for row in (markup or {}).get("inline_keyboard", []):
        yield from row
