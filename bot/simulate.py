"""Feed realistic updates through an Application built with FakeBotAPI: for tests, console and benches.

Updates are built as Telegram would send them (JSON -> Update.de_json) and go through
`Application.process_update`, so the gate, the handler groups and the error handlers all run for real.
Each helper returns the Bot API calls the bot made while handling that one update.

    calls = await send(app, "/start")
    calls = await press(app, calls[-1].buttons[0]["callback_data"])
    calls = await press_button(app, "Kinh tế")       # by label (substring) or index in the last keyboard
    calls = await inline(app, "grdp")
    calls = await poll_answer(app, poll_id, [2], user_id=1002)  # a vote on a quiz poll
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update

from bot.fakeapi import Call, FakeBotAPI

JSON = dict[str, Any]

DEFAULT_USER_ID = 1001
_UPDATE_ID_KEY = "_simulate_update_id"


def fake_api(app: Any) -> FakeBotAPI:
    """The FakeBotAPI an application was built with."""
    request = app.bot.request
    if not isinstance(request, FakeBotAPI):
        raise TypeError("this application was not built with a FakeBotAPI request")
    return request


def _next_update_id(app: Any) -> int:
    app.bot_data[_UPDATE_ID_KEY] = app.bot_data.get(_UPDATE_ID_KEY, 0) + 1
    return app.bot_data[_UPDATE_ID_KEY]


def user_json(user_id: int = DEFAULT_USER_ID, lang: str | None = "vi", first_name: str = "An",
              username: str | None = None) -> JSON:
    user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if lang is not None:
        user["language_code"] = lang
    if username:
        user["username"] = username
    return user


def chat_json(chat_id: int, chat_type: str = "private", user: JSON | None = None) -> JSON:
    if chat_type == "private":
        chat: JSON = {"id": chat_id, "type": "private", "first_name": (user or {}).get("first_name", "User")}
    else:
        chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}
    return chat


def command_entities(text: str) -> list[JSON]:
    """Telegram marks a leading /command (with optional @botname) as a bot_command entity."""
    if not text.startswith("/") or len(text) < 2:
        return []
    length = len(text.split()[0]) if text.split() else 0
    return [{"type": "bot_command", "offset": 0, "length": len(text[:length].encode("utf-16-le")) // 2}]


def message_json(app: Any, text: str | None, *, user: JSON, chat: JSON, extra: JSON | None = None) -> JSON:
    fake = fake_api(app)
    fake.register_chat(chat)
    message: JSON = {"message_id": fake.next_message_id(chat["id"]), "date": int(time.time()),
                     "chat": chat, "from": user}
    if text is not None:
        message["text"] = text
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
    message.update(extra or {})
    return message


async def feed(app: Any, payload: JSON) -> list[Call]:
    """Process one update given as Telegram JSON (update_id added if missing); return the calls it made."""
    fake = fake_api(app)
    payload = dict(payload)
    payload.setdefault("update_id", _next_update_id(app))
    before = len(fake.calls())
    await app.process_update(Update.de_json(payload, app.bot))
    return fake.calls()[before:]


async def send(
    app: Any,
    text: str | None,
    *,
    user_id: int = DEFAULT_USER_ID,
    chat_id: int | None = None,
    chat_type: str = "private",
    lang: str | None = "vi",
    first_name: str = "An",
    edited: bool = False,
    extra: JSON | None = None,
) -> list[Call]:
    """A user writes `text` (a command or plain text) in a private chat (default) or a group.

    extra adds message fields (e.g. {"sticker": {...}} with text=None); edited=True sends it as an edit.
    """
    user = user_json(user_id, lang, first_name)
    chat = chat_json(chat_id if chat_id is not None else user_id, chat_type, user)
    message = message_json(app, text, user=user, chat=chat, extra=extra)
    if edited:
        message["edit_date"] = message["date"]
        return await feed(app, {"edited_message": message})
    return await feed(app, {"message": message})


def _bot_message(app: Any, chat_id: int, message_id: int) -> JSON:
    fake = fake_api(app)
    shown = fake.message(chat_id, message_id) or {}
    chat = fake.chat(chat_id)
    message: JSON = {"message_id": message_id, "date": int(time.time()), "chat": chat,
                     "from": {"id": fake.bot_id, "is_bot": True, "first_name": "Briefing Bot",
                              "username": fake.bot_username},
                     "text": shown.get("text") or "…"}
    if shown.get("reply_markup"):
        message["reply_markup"] = shown["reply_markup"]
    return message


async def press(
    app: Any,
    callback_data: str,
    *,
    message: JSON | int | None = None,
    user_id: int = DEFAULT_USER_ID,
    chat_id: int | None = None,
    chat_type: str = "private",
    lang: str | None = "vi",
    first_name: str = "An",
) -> list[Call]:
    """The user taps an inline button carrying `callback_data`.

    message: the message holding the button, as a message JSON or a message_id of a bot message;
    default: the newest bot message in the chat that has a keyboard (as a real tap would be).
    """
    fake = fake_api(app)
    user = user_json(user_id, lang, first_name)
    chat_id = chat_id if chat_id is not None else user_id
    if chat_type != "private":
        fake.register_chat(chat_json(chat_id, chat_type))
    if isinstance(message, dict):
        message_payload = message
    else:
        if message is None:
            last = fake.last_keyboard_message(chat_id)
            message_id = last[0] if last else fake.next_message_id(chat_id)
        else:
            message_id = message
        message_payload = _bot_message(app, chat_id, message_id)
    query = {"id": str(_next_update_id(app) * 7919), "from": user, "chat_instance": f"ci{chat_id}",
             "message": message_payload, "data": callback_data}
    return await feed(app, {"callback_query": query})


def last_buttons(app: Any, chat_id: int = DEFAULT_USER_ID) -> list[JSON]:
    """Buttons of the newest bot message in the chat that has an inline keyboard."""
    last = fake_api(app).last_keyboard_message(chat_id)
    return last[1] if last else []


async def press_button(app: Any, which: str | int, *, user_id: int = DEFAULT_USER_ID,
                       chat_id: int | None = None, lang: str | None = "vi") -> list[Call]:
    """Tap a button of the last keyboard by index (0-based) or by a substring of its label."""
    chat_id = chat_id if chat_id is not None else user_id
    last = fake_api(app).last_keyboard_message(chat_id)
    if last is None:
        raise AssertionError(f"no message with an inline keyboard in chat {chat_id}")
    message_id, buttons = last
    if isinstance(which, int):
        button = buttons[which]
    else:
        matches = [b for b in buttons if which.lower() in b["text"].lower()]
        if not matches:
            labels = ", ".join(repr(b["text"]) for b in buttons)
            raise AssertionError(f"no button labelled like {which!r}; buttons: {labels}")
        button = matches[0]
    if "callback_data" not in button:
        raise AssertionError(f"button {button['text']!r} has no callback_data: {button}")
    return await press(app, button["callback_data"], message=message_id, user_id=user_id, chat_id=chat_id,
                       lang=lang)


async def inline(
    app: Any,
    query: str,
    offset: str = "",
    *,
    user_id: int = DEFAULT_USER_ID,
    lang: str | None = "vi",
    chat_type: str | None = "private",
) -> list[Call]:
    """The user types `@bot query` in some chat; the bot's answerInlineQuery is among the returned calls."""
    payload: JSON = {"id": str(_next_update_id(app) * 104729), "from": user_json(user_id, lang),
                     "query": query, "offset": offset}
    if chat_type is not None:
        payload["chat_type"] = chat_type
    return await feed(app, {"inline_query": payload})


async def poll_answer(app: Any, poll_id: str, option_ids: list[int], *, user_id: int = DEFAULT_USER_ID,
                      first_name: str = "An", lang: str | None = "vi") -> list[Call]:
    """A user votes on a (non-anonymous) poll the bot sent: Telegram sends a poll_answer update."""
    payload: JSON = {"poll_id": poll_id, "user": user_json(user_id, lang, first_name), "option_ids": option_ids,
                     "option_persistent_ids": [str(i) for i in option_ids]}  # FakeBotAPI's persistent ids
    return await feed(app, {"poll_answer": payload})
async def settle(app: Any) -> None:
    """Wait for the writes that can wait (who wrote, who blocked the bot): see bot/store/repo.py."""
    await app.bot_data["store"].settle()


@asynccontextmanager
async def running(app: Any) -> AsyncIterator[Any]:
    """initialize + post_init + start, then stop + post_shutdown + shutdown: what run_polling does,
    minus the polling. Jobs (JobQueue) run while inside."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
            if app.post_shutdown:
                await app.post_shutdown(app)
    finally:
        await app.shutdown()
