"""Property test: thousands of random texts, commands, button payloads and inline queries go through the
real handler stack (gate, every feature, fallbacks, error handlers) without a single handler error, and
every call the bot makes is one Telegram accepts (valid HTML, sizes, callback data under 64 bytes)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.simulate import feed, inline, press, send
from tests.conftest import FakeTimeLoop, make_app


def examples(n: int) -> Any:
    """Fixed seed (derandomize) so CI is reproducible; no deadline, the handler stack is not timed here."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

words = st.sampled_from(["grdp", "GRDP", "fdi", "tăng trưởng", "nong thon moi", "2030", "%", "tỷ đồng",
                         "<b>", "&amp;", "@briefing_test_bot", "/start", "\n", "🇻🇳", "  "])
texts = st.one_of(
    st.text(max_size=80),
    st.lists(words, max_size=6).map(" ".join),
    st.text(min_size=300, max_size=4096),
)
commands = st.tuples(
    st.sampled_from(["/start", "/help", "/about", "/lang", "/ngonngu", "/menu", "/figure", "/so", "/search",
                     "/tim", "/digest", "/x", "/"]),
    st.sampled_from(["", "@briefing_test_bot", "@other_bot"]),
    st.one_of(st.just(""), texts),
).map(lambda t: f"{t[0]}{t[1]} {t[2]}".rstrip())
callbacks = st.one_of(
    st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64),
    st.tuples(st.sampled_from(["m", "f", "i", "s", "o", "lang", "d", "x", "menu", "fig"]),
              st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-:|", max_size=12),
                       max_size=4)).map(lambda t: ":".join([t[0], *t[1]])[:64]),
)


class Harness:
    """One application on its own event loop, so hypothesis can drive it from a synchronous test."""

    def __init__(self, settings_: Any, fake_api: Any, pack: Any, catalogues: Any, search: Any) -> None:
        self.loop = FakeTimeLoop()
        self.errors: list[BaseException] = []
        self.fake = fake_api
        self.app = make_app(settings_, fake_api, pack, catalogues, self.errors, search)
        self.loop.run_until_complete(self._start())

    async def _start(self) -> None:
        await self.app.initialize()
        await self.app.post_init(self.app)

    def run(self, coro: Any) -> list[Any]:
        calls = self.loop.run_until_complete(coro)
        assert not self.errors, f"handler raised: {self.errors[0]!r}"
        bad = [c for c in calls if not c.ok]
        assert not bad, f"Telegram would refuse: {bad[0].method} {bad[0].error} {bad[0].params}"
        return calls

    def close(self) -> None:
        self.loop.run_until_complete(self.app.post_shutdown(self.app))
        self.loop.run_until_complete(self.app.shutdown())
        self.loop.close()


def make_harness(settings_, fake_api, content_pack, catalogues, search_index) -> Harness:
    return Harness(settings_, fake_api, content_pack, catalogues, search_index)


def test_random_messages_never_break_the_bot(settings, fake_api, content_pack, catalogues, search_index):
    h = make_harness(settings, fake_api, content_pack, catalogues, search_index)
    try:
        @examples(1500)
        @given(text=st.one_of(texts, commands), lang=st.sampled_from(["vi", "en", None, "fr"]),
               where=st.sampled_from(["private", "private", "group", "supergroup"]), edited=st.booleans())
        def check(text: str, lang: str | None, where: str, edited: bool) -> None:
            if not text:
                return
            chat_id = None if where == "private" else -100555
            calls = h.run(send(h.app, text, lang=lang, chat_type=where, chat_id=chat_id, edited=edited))
            for_another_bot = text.startswith("/") and "@other_bot" in text.split()[0]
            if where == "private" and not edited and not for_another_bot:
                assert calls, f"silence in a private chat for {text!r}"

        check()
    finally:
        h.close()


def test_random_buttons_and_inline_queries_never_break_the_bot(settings, fake_api, content_pack, catalogues,
                                                              search_index):
    h = make_harness(settings, fake_api, content_pack, catalogues, search_index)
    try:
        h.run(send(h.app, "/start"))

        @examples(1200)
        @given(data=callbacks, lang=st.sampled_from(["vi", "en"]))
        def tap(data: str, lang: str) -> None:
            calls = h.run(press(h.app, data, lang=lang))
            assert [c.method for c in calls].count("answerCallbackQuery") == 1, (data, calls)

        @examples(500)
        @given(query=st.one_of(texts, words), offset=st.one_of(st.just(""), st.text(max_size=8)))
        def ask(query: str, offset: str) -> None:
            calls = h.run(inline(h.app, query[:256], offset))
            assert [c.method for c in calls] == ["answerInlineQuery"], (query, calls)

        tap()
        ask()
    finally:
        h.close()


def test_the_properties_can_fail(settings, fake_api, content_pack, catalogues, search_index):
    """The harness reports a handler error and a refused call (so the tests above are not vacuous)."""
    from telegram.ext import CommandHandler

    h = make_harness(settings, fake_api, content_pack, catalogues, search_index)
    try:
        async def boom(update, context):
            raise ValueError("boom")

        h.app.add_handler(CommandHandler("boom", boom), group=-2)
        with pytest.raises(AssertionError, match="boom"):
            h.run(send(h.app, "/boom"))
        h.errors.clear()
        fake_api.fail("sendMessage", 400, "Bad Request: can't parse entities", times=None)
        about = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                 "from": {"id": 5, "is_bot": False, "first_name": "x"}, "text": "/about",
                 "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
        with pytest.raises(AssertionError):
            h.run(feed(h.app, {"message": about}))
    finally:
        h.close()
