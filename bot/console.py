"""`python -m bot console`: the real Application behind FakeBotAPI, driven from a terminal or a pipe.

One line is one message from the user. A bare number presses that button of the last keyboard.
`@words` is an inline query (`@` alone: the empty query); `@#N` sends inline result N into the chat.
`!` lines play groups: switch chats and users, vote, move the clock (bot/console_play.py, `!help`).
The bot's messages are printed readably: HTML tags dropped, entities unescaped, buttons numbered.
End of input (Ctrl-D, or the end of a pipe) shuts the bot down cleanly.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
import tempfile
import warnings
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.console_play import ConsoleClock, Director, install
from bot.content import ContentPack
from bot.fakeapi import FAKE_TOKEN, Call, FakeBotAPI
from bot.i18n import Catalogues
from bot.simulate import DEFAULT_USER_ID, inline, press, send

BANNER = (
    "Console: you are a Telegram user talking to the bot (no network). Type a message or a command "
    "such as /start; a number presses that button; @words runs an inline query, @#N sends result N; "
    "!help shows how to play a group and move the clock; Ctrl-D quits."
)

_TAGS = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def html_to_text(html: str) -> str:
    """Readable plain text from Telegram HTML: links keep their URL, code/quotes keep a marker."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(1) != m.group(2) else m.group(1), html)
    text = re.sub(r"</?blockquote[^>]*>", "\n", text)
    text = re.sub(r"</?(code|pre)[^>]*>", "`", text)
    text = _TAGS.sub("", text)
    return unescape(text)


class Console:
    """Holds the conversation state: the last keyboard and the last inline results."""

    def __init__(self, app: Any, fake: FakeBotAPI, out: TextIO, *, user_id: int = DEFAULT_USER_ID,
                 lang: str | None = "vi", echo: bool = False) -> None:
        self.app = app
        self.fake = fake
        self.out = out
        self.user_id = user_id
        self.lang = lang
        self.echo = echo
        self.buttons: list[dict[str, Any]] = []
        self.keyboard_message: int | None = None
        self.inline_results: list[dict[str, Any]] = []
        # Where the user writes (None: the private chat) and as whom; `!` lines change them.
        self.chat_id: int | None = None
        self.chat_type = "private"
        self.first_name = "An"
        self.director: Director | None = None

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def handle_line(self, line: str) -> None:
        """React to one line of input as described in the module docstring."""
        line = line.rstrip("\r\n")
        if not line.strip():
            return
        if self.echo:
            self.write(f"you › {line}")
        stripped = line.strip()
        if stripped.startswith("!") and self.director is not None:
            await self.director.handle(self, stripped)
        elif stripped.isdigit() and self.buttons:
            await self.press(int(stripped))
        elif stripped.startswith("@#") and stripped[2:].isdigit():
            await self.choose_inline(int(stripped[2:]))
        elif stripped.startswith("@"):
            self.show(await inline(self.app, stripped[1:].strip(), user_id=self.user_id, lang=self.lang))
        else:
            self.show(await send(self.app, line, user_id=self.user_id, lang=self.lang, chat_id=self.chat_id,
                                 chat_type=self.chat_type, first_name=self.first_name))

    async def press(self, number: int) -> None:
        if not 1 <= number <= len(self.buttons):
            self.write(f"(no button {number}; the last keyboard has {len(self.buttons)})")
            return
        button = self.buttons[number - 1]
        if "callback_data" in button:
            self.show(await press(self.app, button["callback_data"], message=self.keyboard_message,
                                  user_id=self.user_id, lang=self.lang, chat_id=self.chat_id,
                                  chat_type=self.chat_type, first_name=self.first_name))
        elif "url" in button:
            self.write(f"(opens {button['url']})")
        elif "switch_inline_query_current_chat" in button:
            query = button["switch_inline_query_current_chat"]
            self.write(f"you › @{self.fake.bot_username} {query}")
            self.show(await inline(self.app, query, user_id=self.user_id, lang=self.lang))
        elif "switch_inline_query" in button:
            self.write(f"(would let you pick a chat, then type @{self.fake.bot_username} "
                       f"{button['switch_inline_query']})")
        else:
            self.write(f"(button {button.get('text')!r} does nothing in the console)")

    async def choose_inline(self, number: int) -> None:
        if not 1 <= number <= len(self.inline_results):
            self.write(f"(no inline result {number}; the last answer had {len(self.inline_results)})")
            return
        content = self.inline_results[number - 1].get("input_message_content") or {}
        text = content.get("message_text")
        self.write(f"you (via @{self.fake.bot_username}) › {html_to_text(text) if text else '(media)'}")

    def show(self, calls: list[Call]) -> None:
        for call in calls:
            self.show_call(call)

    def where(self, call: Call) -> str:
        """``[Chi bộ thử nghiệm] `` before what the bot does in a chat other than the one you are in."""
        here = self.chat_id if self.chat_id is not None else self.user_id
        if call.chat_id is None or call.chat_id == here:
            return ""
        chat = self.fake.chat(call.chat_id)
        return f"[{chat.get('title') or chat.get('first_name') or call.chat_id}] "

    def show_call(self, call: Call) -> None:
        if call.error is not None:
            self.write(f"(Telegram refused {call.method}: {call.error.get('description')})")
            return
        params = call.params
        if call.method in {"pinChatMessage", "unpinChatMessage"}:
            done = "pinned" if call.method == "pinChatMessage" else "unpinned"
            self.write(f"{self.where(call)}bot 📌 {done} message #{params.get('message_id')}")
        elif call.method in {"sendMessage", "editMessageText"}:
            prefix = self.where(call) + ("bot" if call.method == "sendMessage" else "bot (edited)")
            self.write(f"{prefix} › {html_to_text(params.get('text', ''))}")
            self.show_keyboard(call)
        elif call.method in {"sendPhoto", "sendDocument"}:
            kind = "photo" if call.method == "sendPhoto" else "document"
            name = next((f" {n}" for n, _ in call.uploads.values()), "")
            caption = html_to_text(params.get("caption") or "")
            self.write(f"{self.where(call)}bot › [{kind}{name}] {caption}".rstrip())
            self.show_keyboard(call)
        elif call.method == "sendPoll":
            self.write(f"bot › [poll] {params.get('question')}")
            for i, option in enumerate(params.get("options") or [], 1):
                self.write(f"      {i}) {option.get('text') if isinstance(option, dict) else option}")
        elif call.method == "answerCallbackQuery" and params.get("text"):
            self.write(f"bot (notice) › {params['text']}")
        elif call.method == "answerInlineQuery":
            self.show_inline(params)
        elif call.method == "editMessageReplyMarkup":
            self.show_keyboard(call)

    def show_keyboard(self, call: Call) -> None:
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
        if not rows:
            return
        self.buttons = [b for row in rows for b in row]
        result = call.result if isinstance(call.result, dict) else {}
        self.keyboard_message = result.get("message_id") or call.params.get("message_id")
        number = 0
        for row in rows:
            labels = []
            for button in row:
                number += 1
                labels.append(f"[{number}] {button.get('text', '')}")
            self.write("      " + "   ".join(labels))

    def show_inline(self, params: dict[str, Any]) -> None:
        self.inline_results = list(params.get("results") or [])
        if not self.inline_results:
            self.write("bot (inline) › no results")
            return
        self.write(f"bot (inline) › {len(self.inline_results)} result(s); @#N sends one")
        for i, result in enumerate(self.inline_results, 1):
            title = result.get("title") or result.get("id")
            description = result.get("description")
            self.write(f"      @#{i} {title}" + (f" — {description}" if description else ""))
        if params.get("next_offset"):
            self.write(f"      (more available: offset {params['next_offset']})")


async def console_session(settings: Settings, lines: Any, out: TextIO, *, pack: ContentPack | None = None,
                          catalogues: Catalogues | None = None, echo: bool = False, banner: bool = True) -> int:
    """Run the bot over `lines` (an iterable of strings, or a text stream) and print to `out`."""
    from bot.app import build_application

    fake = FakeBotAPI()
    with tempfile.TemporaryDirectory(prefix="bot-console-") as tmp:
        pace = itertools.count(0.0, 3.0)  # a line is a person's message, even from a pipe: not a flood
        app = build_application(replace(settings, token=FAKE_TOKEN, data_dir=Path(tmp)), request=fake, pack=pack,
                                rate_limiter=False, catalogues=catalogues, arrivals=lambda: next(pace))
        clock = ConsoleClock(settings.timezone)
        install(app, clock)
        # The console runs no job queue (!clock drives the jobs): PTB would warn at each step of a comment
        # that the conversation's timeout is not scheduled.
        warnings.filterwarnings("ignore", message="Ignoring `conversation_timeout`")
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        try:
            if banner:
                out.write(BANNER + "\n")
            console = Console(app, fake, out, echo=echo)
            console.director = Director(clock)
            loop = asyncio.get_running_loop()
            iterator = iter(lines)
            while True:
                line = await loop.run_in_executor(None, next, iterator, None)
                if line is None:
                    break
                await console.handle_line(line)
        finally:
            if app.post_shutdown:
                await app.post_shutdown(app)
            await app.shutdown()
    return 0


def run_console(settings: Settings, *, pack: ContentPack | None = None, catalogues: Catalogues | None = None,
                stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    lines = _prompting(stdin, stdout) if interactive else stdin
    try:
        return asyncio.run(console_session(settings, lines, stdout, pack=pack, catalogues=catalogues,
                                           echo=not interactive))
    except KeyboardInterrupt:
        stdout.write("\n")
        return 0


def _prompting(stdin: TextIO, stdout: TextIO) -> Any:
    """Lines from a terminal with a prompt before each."""
    while True:
        stdout.write("you › ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return
        yield line
