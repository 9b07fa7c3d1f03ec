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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from telegram.request import BaseRequest, RequestData

FAKE_TOKEN = "123456789:" + "A" * 35
FAKE_BOT_ID = 123456789

JSON = dict[str, Any]
#: A responder returns (http_status, payload) to answer a call itself, or None to let the fake answer.
Responder = Callable[["Call"], "tuple[int, JSON] | None"]

SUPPORTED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
    "blockquote", "tg-emoji",
}
_ATTR = r"""(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)"""
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(" + _ATTR + r"*)\s*>")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


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


class FakeBotAPI(BaseRequest):
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
        self._members: dict[tuple[int | str, int], str] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._polls = 0
        self._files = 0
        self.keep_uploads = True  # uploaded files' bytes stay on their Call (tests open documents)
        self._upload_name: str | None = None
        self._rights: dict[tuple[int | str, int], dict[str, bool]] = {}
        self._pinned: dict[int | str, list[int]] = {}

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
        methods = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument", "editMessageCaption"}
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

    def set_member_status(self, chat_id: int | str, user_id: int, status: str) -> None:
        """Set what getChatMember answers: creator, administrator, member, restricted, left, kicked."""
        self._members[(chat_id, user_id)] = status

    def set_rights(self, chat_id: int | str, user_id: int, **rights: bool) -> None:
        """Administrator rights of a member (e.g. the bot's ``can_pin_messages``), shown by getChatMember
        and enforced by pinChatMessage/unpinChatMessage. ``set_member_status`` sets the status itself."""
        self._rights.setdefault((chat_id, user_id), {}).update(rights)

    def grant_pin(self, chat_id: int | str, allowed: bool = True) -> None:
        """Make the bot an administrator of a group that may (or may not) pin messages."""
        self.set_member_status(chat_id, self.bot_id, "administrator")
        self.set_rights(chat_id, self.bot_id, can_pin_messages=allowed)

    def pinned(self, chat_id: int | str) -> list[int]:
        """Message ids pinned in a chat, oldest pin first (the last one is shown at the top)."""
        return list(self._pinned.get(chat_id, []))

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

    def _check_markup(self, markup: Any) -> None:
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
        self._check_markup(params.get("reply_markup"))
        return self._new_message(params, text=plain)

    def _caption(self, params: JSON) -> JSON:
        content: JSON = {}
        if params.get("caption") is not None:
            plain = self._plain(params["caption"], params.get("parse_mode"), "caption")
            if utf16_len(plain) > 1024:
                raise TelegramAPIError(400, "Bad Request: message caption is too long")
            content["caption"] = plain
        self._check_markup(params.get("reply_markup"))
        return content

    def _file_id(self) -> str:
        self._files += 1
        return f"FAKEFILE{self._files:06d}"

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
        self._check_markup(params.get("reply_markup"))
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

    def _m_editMessageCaption(self, params: JSON) -> JSON | bool:
        key, _ = self._edit_target(params)
        content = self._caption(params)
        if key is not None:
            self._messages[key] = _Stored(params.get("caption"), params.get("parse_mode"),
                                          params.get("reply_markup"))
        return self._edited(key, reply_markup=params.get("reply_markup"), **content)

    def _m_editMessageReplyMarkup(self, params: JSON) -> JSON | bool:
        key, stored = self._edit_target(params)
        markup = params.get("reply_markup")
        self._check_markup(markup)
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

    def _m_deleteMessage(self, params: JSON) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._messages.pop((chat["id"], int(params.get("message_id") or 0)), None)
        return True

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
            self._check_markup(result.get("reply_markup"))
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
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise TelegramAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise TelegramAPIError(400, "Bad Request: command description is invalid")
        self._commands[self._scope_key(params)] = commands
        return True

    def _m_getMyCommands(self, params: JSON) -> list[JSON]:
        return self._commands.get(self._scope_key(params), [])

    def _m_deleteMyCommands(self, params: JSON) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _member(self, chat_id: Any, user_id: int) -> JSON:
        status = self._members.get((chat_id, user_id), "member")
        member: JSON = {"status": status, "user": {"id": user_id, "is_bot": user_id == self.bot_id,
                                                   "first_name": f"User {user_id}"}}
        if status == "administrator":
            member.update(dict.fromkeys((
                "can_be_edited", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
                "can_post_stories", "can_edit_stories", "can_delete_stories"), True))
            member["is_anonymous"] = False
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "restricted":
            # Every field the Bot API sends (python-telegram-bot 22.8 requires can_edit_tag and
            # can_react_to_messages too).
            member.update({"is_member": True, "until_date": 0, **dict.fromkeys((
                "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
                "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
                "can_send_other_messages", "can_add_web_page_previews", "can_change_info",
                "can_invite_users", "can_pin_messages", "can_manage_topics", "can_edit_tag",
                "can_react_to_messages"), False)})
        elif status == "kicked":
            member["until_date"] = 0
        if status == "administrator":
            member.update(self._rights.get((chat_id, user_id), {}))
        return member

    def _m_getChatMember(self, params: JSON) -> JSON:
        chat = self._chat(params.get("chat_id"))
        return self._member(chat["id"], int(params.get("user_id") or 0))

    def _may_pin(self, chat: JSON) -> None:
        """Telegram: bots pin in private chats; in groups only as an admin with can_pin_messages."""
        if chat["type"] == "private":
            return
        status = self._members.get((chat["id"], self.bot_id), "member")
        rights = self._rights.get((chat["id"], self.bot_id), {})
        if status == "creator" or (status == "administrator" and rights.get("can_pin_messages")):
            return
        raise TelegramAPIError(400, "Bad Request: not enough rights to manage pinned messages in the chat")

    def _m_pinChatMessage(self, params: JSON) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._may_pin(chat)
        message_id = int(params.get("message_id") or 0)
        if not any(c == chat["id"] and m == message_id for c, m in self._messages) and \
                message_id > self._next_id.get(chat["id"], 0):
            raise TelegramAPIError(400, "Bad Request: message to pin not found")
        pins = self._pinned.setdefault(chat["id"], [])
        if message_id in pins:
            pins.remove(message_id)
        pins.append(message_id)
        return True

    def _m_unpinChatMessage(self, params: JSON) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._may_pin(chat)
        pins = self._pinned.setdefault(chat["id"], [])
        message_id = params.get("message_id")
        if message_id is None:  # the most recent pin
            if pins:
                pins.pop()
            return True
        if int(message_id) in pins:
            pins.remove(int(message_id))
        return True

    def _m_unpinAllChatMessages(self, params: JSON) -> bool:
        chat = self._chat(params.get("chat_id"))
        self._may_pin(chat)
        self._pinned.pop(chat["id"], None)
        return True

    def _m_getChatAdministrators(self, params: JSON) -> list[JSON]:
        chat = self._chat(params.get("chat_id"))
        return [self._member(c, u) for (c, u), s in self._members.items()
                if c == chat["id"] and s in {"creator", "administrator"}]

    def _m_getChat(self, params: JSON) -> JSON:
        chat = self._chat(params.get("chat_id"))
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": {
            "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
            "premium_subscription": False}}

    def _m_sendPhoto(self, params: JSON) -> JSON:
        content = self._caption(params)
        file_id = self._file_id()
        photo = [{"file_id": file_id, "file_unique_id": file_id.lower(), "width": 1280, "height": 720,
                  "file_size": 1}]
        return self._new_message(params, photo=photo, **content)

    def _m_sendDocument(self, params: JSON) -> JSON:
        content = self._caption(params)
        file_id = self._file_id()
        document = {"file_id": file_id, "file_unique_id": file_id.lower(),
                    "file_name": self._upload_name or "document"}
        return self._new_message(params, document=document, **content)

    def _m_sendPoll(self, params: JSON) -> JSON:
        question = str(params.get("question") or "")
        if not 1 <= len(question) <= 300:
            raise TelegramAPIError(400, "Bad Request: POLL_QUESTION_INVALID")
        options = [o.get("text") if isinstance(o, dict) else str(o) for o in params.get("options") or []]
        if not 2 <= len(options) <= 12:
            raise TelegramAPIError(400, "Bad Request: POLL_ANSWERS_INVALID")
        if any(not 1 <= len(o or "") <= 100 for o in options):
            raise TelegramAPIError(400, "Bad Request: POLL_OPTION_INVALID")
        if len(str(params.get("explanation") or "")) > 200:
            raise TelegramAPIError(400, "Bad Request: message poll explanation is too long")
        is_quiz = params.get("type") == "quiz"
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        if is_quiz and (not correct or any(not 0 <= int(i) < len(options) for i in correct)):
            raise TelegramAPIError(400, "Bad Request: wrong correct option ID specified")
        self._polls += 1
        poll: JSON = {
            "id": f"{self._polls}", "question": question, "total_voter_count": 0, "is_closed": False,
            "is_anonymous": bool(params.get("is_anonymous", True)), "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": bool(params.get("allows_revoting", False)), "members_only": False,
            "options": [{"persistent_id": str(i), "text": o, "voter_count": 0} for i, o in enumerate(options)],
        }
        if is_quiz:
            poll["correct_option_ids"] = list(correct or [])
            if params.get("explanation"):
                poll["explanation"] = params["explanation"]
        return self._new_message(params, poll=poll)

    def _m_stopPoll(self, params: JSON) -> JSON:
        return {"id": "0", "question": "?", "total_voter_count": 0, "is_closed": True, "is_anonymous": True,
                "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
                "members_only": False,
                "options": [{"persistent_id": "0", "text": "-", "voter_count": 0},
                            {"persistent_id": "1", "text": "--", "voter_count": 0}]}

    def _m_sendMediaGroup(self, params: JSON) -> list[JSON]:
        return [self._new_message(params, photo=[{"file_id": self._file_id(), "file_unique_id": "x",
                                                  "width": 1, "height": 1}])
                for _ in params.get("media") or []]

    def _m_copyMessage(self, params: JSON) -> JSON:
        chat = self._chat(params.get("chat_id"))
        return {"message_id": self.next_message_id(chat["id"])}

    def _m_forwardMessage(self, params: JSON) -> JSON:
        return self._new_message(params, text="(forwarded)")

    def _m_getFile(self, params: JSON) -> JSON:
        file_id = str(params.get("file_id"))
        return {"file_id": file_id, "file_unique_id": file_id.lower(), "file_size": 1,
                "file_path": f"files/{file_id}"}

    def _m_getWebhookInfo(self, params: JSON) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}


def iter_buttons(markup: JSON | None) -> Iterable[JSON]:
    """Every inline button of a reply_markup dict, row by row."""
    for row in (markup or {}).get("inline_keyboard", []):
        yield from row
