"""An in-process Bot API: a `BaseRequest` that answers every call as Telegram would and records it.

Used by the tests, the console and the benches, so the whole handler stack runs for real while only the
transport is fake (the pattern of aiogram's mocked session and PTB's own OfflineRequest). It also
checks what Telegram checks and a careless bot trips over: HTML that does not parse, text over 4096
characters, callback data over 64 bytes, more than 50 inline results, editing to the same content.
Errors can be injected (400/403/429) so PTB raises BadRequest/Forbidden/RetryAfter exactly as live.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.fakeapi_groups import GroupChats
from bot.fakeapi_media import MediaMessages
from bot.fakeapi_wire import (
    COMMAND_RE,
    JSON,
    Call,
    HTMLParseError,
    TelegramAPIError,
    check_markup,
    error_payload,
    iter_buttons,
    parse_html,
    utf16_len,
)

FAKE_TOKEN = "123456789:" + "A" * 35
FAKE_BOT_ID = 123456789

#: A responder returns (http_status, payload) to answer a call itself, or None to let the fake answer.
Responder = Callable[["Call"], "tuple[int, JSON] | None"]

__all__ = ["FAKE_BOT_ID", "FAKE_TOKEN", "JSON", "Call", "FakeBotAPI", "HTMLParseError", "Responder",
           "TelegramAPIError", "error_payload", "iter_buttons", "parse_html", "utf16_len"]


@dataclass
class _Failure:
    method: str
    code: int
    description: str
    retry_after: int | None
    chat_id: int | str | None
    times: int | None  # None: forever
    migrate_to_chat_id: int | None = None


@dataclass
class _Stored:
    raw: str | None
    parse_mode: str | None
    markup: Any


class FakeBotAPI(GroupChats, MediaMessages, BaseRequest):
    """Answers every Bot API method in-process; see module doc. One instance serves one bot."""

    def __init__(
        self,
        *,
        bot_username: str = "briefing_test_bot",
        bot_id: int = FAKE_BOT_ID,
        latency: float = 0.0,
        strict_html: bool = True,
        max_calls: int | None = None,
    ) -> None:
        GroupChats.__init__(self)
        MediaMessages.__init__(self)
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.latency = latency
        self.strict_html = strict_html
        self.max_calls = max_calls  # keep only the newest calls (long benches); None: keep all
        self._calls: list[Call] = []
        self._failures: list[_Failure] = []
        self._responder: Responder | None = None
        self._next_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], _Stored] = {}
        self._chats: dict[int | str, JSON] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self.keep_uploads = True  # uploaded files' bytes stay on their Call (tests open documents)
        self._upload_name: str | None = None
        self._menu_buttons: dict[Any, JSON] = {}

    # ------------------------------------------------------------------ BaseRequest
    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params: JSON = {}
        files: dict[str, int] = {}
        uploads: dict[str, tuple[str, bytes]] = {}
        if request_data is not None:
            params = json.loads(json.dumps(request_data.parameters, default=str))
            if request_data.contains_files:
                for name, value in (request_data.multipart_data or {}).items():
                    content = value[1] if isinstance(value, tuple) else value
                    files[name] = len(content) if isinstance(content, bytes | bytearray) else 0
                    if isinstance(content, bytes | bytearray) and self.keep_uploads:
                        filename = value[0] if isinstance(value, tuple) and isinstance(value[0], str) else name
                        uploads[name] = (filename, bytes(content))
        call = Call(api_method, params, files=files, uploads=uploads)
        self._calls.append(call)
        if self.max_calls is not None and len(self._calls) > 2 * self.max_calls:
            del self._calls[: -self.max_calls]
        if self.latency:
            await asyncio.sleep(self.latency)
        status, payload = self._answer(call)
        if status == 200:
            call.result = payload.get("result")
        else:
            call.error = payload
        return status, json.dumps(payload).encode()

    # ------------------------------------------------------------------ recording helpers
    def calls(self, method: str | None = None, chat_id: int | str | None = None) -> list[Call]:
        """Recorded calls, optionally only one method and/or one chat, oldest first."""
        return [
            c for c in self._calls
            if (method is None or c.method == method) and (chat_id is None or c.chat_id == chat_id)
        ]

    def last(self, method: str | None = None, chat_id: int | str | None = None) -> Call:
        """The most recent call (of a method); AssertionError if there is none, for readable tests."""
        found = self.calls(method, chat_id)
        if not found:
            seen = ", ".join(sorted({c.method for c in self._calls})) or "none"
            raise AssertionError(f"no {method or 'API'} call recorded (methods seen: {seen})")
        return found[-1]

    def clear(self) -> None:
        """Forget recorded calls (the chat state, message ids and stored messages stay)."""
        self._calls.clear()

    def texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts and captions the bot sent or edited, in order, as the bot wrote them (HTML)."""
        methods = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}
        return [c.text for c in self._calls if c.method in methods and c.ok and c.text is not None
                and (chat_id is None or c.chat_id == chat_id)]

    def last_keyboard_message(self, chat_id: int | str) -> tuple[int, list[JSON]] | None:
        """(message_id, buttons) of the newest message in the chat that still carries an inline keyboard."""
        for (chat, message_id), stored in sorted(self._messages.items(), key=lambda kv: -kv[0][1]):
            if chat == chat_id and stored.markup and stored.markup.get("inline_keyboard"):
                return message_id, [b for row in stored.markup["inline_keyboard"] for b in row]
        return None

    def message(self, chat_id: int | str, message_id: int) -> JSON | None:
        """What the chat shows for a bot message now: {"text", "reply_markup"} (text as sent, HTML)."""
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            return None
        return {"text": stored.raw, "reply_markup": stored.markup}

    # ------------------------------------------------------------------ chat state helpers
    def next_message_id(self, chat_id: int | str) -> int:
        """Message ids are per chat and shared by users and the bot, as in Telegram's private chats."""
        self._next_id[chat_id] = self._next_id.get(chat_id, 0) + 1
        return self._next_id[chat_id]

    def register_chat(self, chat: JSON) -> None:
        """Remember a chat's JSON (type, title) so the bot's messages there carry the right chat."""
        self._chats[chat["id"]] = dict(chat)

    def chat(self, chat_id: int | str) -> JSON:
        """The chat JSON the fake uses for `chat_id` (registered, or derived from the id's sign)."""
        return self._chat(chat_id)
    def commands(self, scope: str = "default", language_code: str = "") -> list[JSON]:
        """The commands set with setMyCommands for a scope type and language."""
        return self._commands.get((scope, language_code), [])

    # ------------------------------------------------------------------ error injection
    def fail(
        self,
        method: str,
        code: int = 400,
        description: str = "Bad Request: injected error",
        retry_after: int | None = None,
        chat_id: int | str | None = None,
        times: int | None = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (in `chat_id`, if given) fail like Telegram would.

        Examples: fail("sendMessage", 403, "Forbidden: bot was blocked by the user");
        fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3). times=None: forever.
        fail("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
        chat_id=-5, migrate_to_chat_id=-1005) answers as Telegram does to a group that became a supergroup.
        """
        self._failures.append(_Failure(method, code, description, retry_after, chat_id, times, migrate_to_chat_id))

    def set_responder(self, responder: Responder | None) -> None:
        """Install a function that may answer any call itself (e.g. a 429 above 30 req/s in benches)."""
        self._responder = responder

    def _injected(self, call: Call) -> tuple[int, JSON] | None:
        for failure in self._failures:
            if failure.method != call.method:
                continue
            if failure.chat_id is not None and failure.chat_id != call.chat_id:
                continue
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
            return failure.code, error_payload(failure.code, failure.description, failure.retry_after,
                                               failure.migrate_to_chat_id)
        return None

    # ------------------------------------------------------------------ answering
    def _answer(self, call: Call) -> tuple[int, JSON]:
        if self._responder is not None:
            custom = self._responder(call)
            if custom is not None:
                return custom
        injected = self._injected(call)
        if injected is not None:
            return injected
        handler = getattr(self, f"_m_{call.method}", None)
        self._upload_name = next(iter(call.uploads.values()))[0] if call.uploads else None
        try:
            result = handler(call.params) if handler else True
        except TelegramAPIError as exc:
            return exc.code, exc.payload()
        return 200, {"ok": True, "result": result}

    def _bot_user(self) -> JSON:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Briefing Bot",
                "username": self.bot_username}

    def _chat(self, chat_id: Any) -> JSON:
        if chat_id is None:
            raise TelegramAPIError(400, "Bad Request: chat_id is empty")
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
            return {"id": -1000000000001, "type": "channel", "title": chat_id,
                    "username": chat_id.lstrip("@")}
        cid = int(chat_id)
        if cid > 0:
            return {"id": cid, "type": "private", "first_name": f"User {cid}"}
        kind = "supergroup" if str(cid).startswith("-100") else "group"
        return {"id": cid, "type": kind, "title": f"Group {cid}"}

    def _plain(self, text: Any, parse_mode: Any, what: str = "text") -> str:
        if not isinstance(text, str) or not text.strip():
            raise TelegramAPIError(400, f"Bad Request: message {what} is empty")
        if parse_mode and str(parse_mode).upper() == "HTML" and self.strict_html:
            try:
                return parse_html(text)
            except HTMLParseError as exc:
                raise TelegramAPIError(400, f"Bad Request: can't parse entities: {exc}") from None
        return text

    def _check_markup(self, markup: Any, params: JSON | None = None) -> None:
        check_markup(markup)
        for button in iter_buttons(markup):
            if "web_app" in button:
                self._check_web_app(button["web_app"], (params or {}).get("chat_id"))

    def _check_web_app(self, web_app: Any, chat_id: Any, *, anywhere: bool = False) -> None:
        """A Mini App button: only in a private chat with the bot (not in groups, channels or inline
        messages), and only to an https address, as Telegram refuses otherwise."""
        url = str(web_app.get("url", "")) if isinstance(web_app, dict) else ""
        if not url.startswith("https://"):
            raise TelegramAPIError(400, "Bad Request: BUTTON_URL_INVALID")
        if anywhere:
            return
        if chat_id is None or self._chat(chat_id).get("type") != "private":
            raise TelegramAPIError(400, "Bad Request: BUTTON_TYPE_INVALID")

    def _m_setChatMenuButton(self, params: JSON) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if button.get("type") == "web_app":
            self._check_web_app(button.get("web_app"), params.get("chat_id"), anywhere=True)
            if not 1 <= len(str(button.get("text", ""))) <= 64:
                raise TelegramAPIError(400, "Bad Request: menu button text is invalid")
        self._menu_buttons[params.get("chat_id")] = button
        return True

    def _m_getChatMenuButton(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        return self._menu_buttons.get(chat_id) or self._menu_buttons.get(None) or {"type": "default"}

    def menu_button(self, chat_id: int | None = None) -> JSON:
        """The chat menu button as set (default: for every private chat without its own)."""
        return self._m_getChatMenuButton({"chat_id": chat_id})

    def _new_message(self, params: JSON, **content: Any) -> JSON:
        chat = self._chat(params.get("chat_id"))
        message_id = self.next_message_id(chat["id"])
        message: JSON = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                         "from": self._bot_user()}
        message.update(content)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[(chat["id"], message_id)] = _Stored(
            params.get("text", params.get("caption")), params.get("parse_mode"), params.get("reply_markup")
        )
        return message

    def _text_message(self, params: JSON) -> JSON:
        plain = self._plain(params.get("text"), params.get("parse_mode"))
        if utf16_len(plain) > 4096:
            raise TelegramAPIError(400, "Bad Request: message is too long")
        self._check_markup(params.get("reply_markup"), params)
        return self._new_message(params, text=plain)

    # Each _m_<method> answers one Bot API method with its documented result.
    def _m_getMe(self, params: JSON) -> JSON:
        return {**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True}

    def _m_getUpdates(self, params: JSON) -> list[JSON]:
        return []

    def _m_sendMessage(self, params: JSON) -> JSON:
        return self._text_message(params)

    def _edit_target(self, params: JSON) -> tuple[tuple[Any, int] | None, _Stored | None]:
        if params.get("inline_message_id"):
            return None, None
        chat = self._chat(params.get("chat_id"))
        key = (chat["id"], int(params.get("message_id") or 0))
        if not key[1]:
            raise TelegramAPIError(400, "Bad Request: message identifier is not specified")
        return key, self._messages.get(key)

    def _edited(self, key: tuple[Any, int] | None, **content: Any) -> JSON | bool:
        if key is None:  # inline messages: Telegram answers True
            return True
        message: JSON = {"message_id": key[1], "date": int(time.time()), "edit_date": int(time.time()),
                         "chat": self._chat(key[0]), "from": self._bot_user()}
        message.update({k: v for k, v in content.items() if v is not None})
        return message

    def _m_editMessageText(self, params: JSON) -> JSON | bool:
        key, stored = self._edit_target(params)
        plain = self._plain(params.get("text"), params.get("parse_mode"))
        if utf16_len(plain) > 4096:
            raise TelegramAPIError(400, "Bad Request: message is too long")
        self._check_markup(params.get("reply_markup"), params)
        markup = params.get("reply_markup")
        if stored is not None and stored.raw == params.get("text") and stored.markup == markup:
            raise TelegramAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
            )
        if key is not None:
            self._messages[key] = _Stored(params.get("text"), params.get("parse_mode"), markup)
        return self._edited(key, text=plain, reply_markup=markup)

    def _m_editMessageReplyMarkup(self, params: JSON) -> JSON | bool:
        key, stored = self._edit_target(params)
        markup = params.get("reply_markup")
        self._check_markup(markup, params)
        if stored is not None and stored.markup == markup:
            raise TelegramAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
            )
        if key is not None:
            old = stored or _Stored(None, None, None)
            self._messages[key] = _Stored(old.raw, old.parse_mode, markup)
        return self._edited(key, reply_markup=markup)

    def _m_answerCallbackQuery(self, params: JSON) -> bool:
        if len(str(params.get("text") or "")) > 200:
            raise TelegramAPIError(400, "Bad Request: MESSAGE_TOO_LONG")
        # Outside games, Telegram opens only the bot's own deep link: t.me/<bot>?start=<1-64 of A-Za-z0-9_->
        url = params.get("url")
        if url is not None and not re.fullmatch(rf"https://t\.me/{re.escape(self.bot_username)}\?start=[A-Za-z0-9_-]{{1,64}}",
                                                 str(url)):
            raise TelegramAPIError(400, "Bad Request: URL_INVALID")
        return True

    def _m_answerInlineQuery(self, params: JSON) -> bool:
        results = params.get("results") or []
        if len(results) > 50:
            raise TelegramAPIError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids):
            raise TelegramAPIError(400, "Bad Request: RESULT_ID_DUPLICATE")
        if any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise TelegramAPIError(400, "Bad Request: RESULT_ID_INVALID")
        if len(str(params.get("next_offset") or "").encode()) > 64:
            raise TelegramAPIError(400, "Bad Request: NEXT_OFFSET_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                plain = self._plain(content["message_text"], content.get("parse_mode"))
                if utf16_len(plain) > 4096:
                    raise TelegramAPIError(400, "Bad Request: MESSAGE_TOO_LONG")
            check_markup(result.get("reply_markup"))
        return True

    @staticmethod
    def _scope_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return str(scope.get("type", "default")), str(params.get("language_code") or "")

    def _m_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise TelegramAPIError(400, "Bad Request: too many commands")
        for command in commands:
            if not COMMAND_RE.match(str(command.get("command", ""))):
                raise TelegramAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise TelegramAPIError(400, "Bad Request: command description is invalid")
        self._commands[self._scope_key(params)] = commands
        return True
