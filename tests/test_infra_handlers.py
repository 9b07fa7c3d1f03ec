"""End to end through the real Application: /start, /help, /about, /lang, fallbacks and bad input."""

from __future__ import annotations

import html

import pytest
from telegram.error import BadRequest

from bot.fakeapi import parse_html
from bot.simulate import feed, inline, press, press_button, send, settle

GROUP = -100123


def plain(text: str) -> str:
    """What the user sees: also proves the HTML is valid for Telegram."""
    return parse_html(text)


async def test_start_welcomes_in_vietnamese_then_shows_the_menu(app, fake_api, content_pack):
    calls = await send(app, "/start", first_name="An")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert len(sent) == 2
    welcome, menu = sent
    assert "Xin chào đồng chí An" in plain(welcome.text)
    assert content_pack.meta.document_kind in plain(welcome.text)
    assert menu.buttons, "the main menu has buttons"
    assert all(len(b["callback_data"].encode()) <= 64 for b in menu.buttons if "callback_data" in b)


async def test_start_speaks_english_to_an_english_client(app):
    calls = await send(app, "/start", lang="en-US", first_name="Ann")
    assert "Hello, Ann!" in plain(calls[0].text)


async def test_start_falls_back_to_vietnamese_without_or_with_unknown_language(app):
    for lang in (None, "fr", "zz-ZZ"):
        calls = await send(app, "/start", lang=lang)
        assert plain(calls[0].text).startswith("Xin chào"), lang


async def test_help_lists_commands_and_pack_examples(app, fake_api, content_pack):
    calls = await send(app, "/help")
    text = plain(calls[-1].text)
    for name in ("/start", "/help", "/about", "/ngonngu"):
        assert name in text
    assert "/lang " not in text, "one name per command: the Vietnamese one for a Vietnamese reader"
    examples = [b["switch_inline_query_current_chat"] for b in calls[-1].buttons]
    headline = {a for f in content_pack.headline_figures() for a in [*f.aliases, f.label]}
    assert examples
    assert set(examples) <= headline, "examples come from the pack's headline figures"


async def test_about_shows_what_the_document_is(app, content_pack):
    calls = await send(app, "/about", lang="en")
    text = plain(calls[-1].text)
    meta, words = content_pack.meta, content_pack.meta_text("en")  # the pack's English words
    for value in (words.title, words.committee, words.congress, meta.term, meta.version):
        assert value in text
    assert "draft" in text
    if words.context:
        assert words.context.split()[0] in text


async def test_lang_buttons_store_the_choice_in_sqlite(app, fake_api):
    calls = await send(app, "/lang")
    labels = [b["text"] for b in calls[-1].buttons]
    assert labels == ["✓ Tiếng Việt", "English"]
    calls = await press_button(app, "English")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "English" in plain(calls[-1].text)
    assert app.bot_data["store"].users.get_language(1001) == "en"
    # the stored choice beats the client's language_code
    calls = await send(app, "/start", lang="vi")
    assert plain(calls[0].text).startswith("Hello")


async def test_lang_alias_and_argument(app):
    calls = await send(app, "/ngonngu en")
    assert "English" in plain(calls[-1].text)
    assert app.bot_data["store"].users.get_language(1001) == "en"
    await send(app, "/lang vi")
    assert app.bot_data["store"].users.get_language(1001) == "vi"


async def test_pressing_the_current_language_twice_is_harmless(app, fake_api):
    await send(app, "/lang")
    await press_button(app, "English")
    await press_button(app, "English")  # same text and keyboard: Telegram says "not modified"
    assert fake_api.calls("editMessageText")[-1].error is not None


async def test_unknown_command_in_private_gets_a_hint(app):
    calls = await send(app, "/frobnicate<b>&")
    text = plain(calls[-1].text)
    assert "/frobnicate<b>&" in text
    assert "/help" in text


async def test_commands_in_groups(app, fake_api):
    assert await send(app, "/frobnicate", chat_id=GROUP, chat_type="supergroup") == []
    assert await send(app, "/frobnicate@other_bot", chat_id=GROUP, chat_type="supergroup") == []
    calls = await send(app, "/frobnicate@briefing_test_bot", chat_id=GROUP, chat_type="supergroup")
    assert "/help" in plain(calls[-1].text)
    calls = await send(app, "/about@briefing_test_bot", chat_id=GROUP, chat_type="supergroup")
    assert calls[-1].chat_id == GROUP


async def test_group_chatter_not_for_the_bot_is_ignored(app):
    for text in ("chào mọi người", "GRDP năm nay?", "👍"):
        assert await send(app, text, chat_id=GROUP, chat_type="group") == []


async def test_edited_messages_are_ignored_on_purpose(app):
    assert await send(app, "/start", edited=True) == []
    assert await send(app, "grdp", edited=True) == []


async def test_very_long_text_gets_a_clear_answer(app):
    calls = await send(app, "GRDP " * 800)  # 4,000 characters
    assert calls, "never silence"
    for call in calls:
        assert call.ok, call.error


@pytest.mark.parametrize("text", ["<b>", "a & b", "<script>alert(1)</script>", "&amp;&lt;", "1 < 2 > 0",
                                  "🎉🇻🇳 Đại hội", "Привет", "你好", "مرحبا", "\u200b", "x" * 4096])
async def test_odd_text_is_answered_with_valid_html(app, text):
    calls = await send(app, text)
    assert calls, "never silence"
    assert all(c.ok for c in calls), [c.error for c in calls]


async def test_non_text_messages_get_a_hint(app):
    sticker = {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                           "is_animated": False, "is_video": False, "type": "regular"}}
    calls = await send(app, None, extra=sticker)
    assert "/help" in plain(calls[-1].text)


async def test_forged_callback_data_gets_a_polite_answer_and_a_fresh_menu(app, fake_api):
    await send(app, "/start")
    for data in ("zz:999", "lang:xx", "x" * 64, "💥", ""):
        calls = await press(app, data)
        methods = [c.method for c in calls]
        assert "answerCallbackQuery" in methods, (data, methods)
        assert all(c.ok for c in calls)


async def test_inline_query_is_always_answered(app):
    calls = await inline(app, "")
    assert [c.method for c in calls].count("answerInlineQuery") == 1


async def test_commands_are_set_per_language_and_scope(app, fake_api, catalogues):
    scopes = {("all_private_chats", ""), ("all_private_chats", "vi"), ("all_private_chats", "en"),
              ("all_group_chats", ""), ("all_group_chats", "vi"), ("all_group_chats", "en")}
    for scope, lang in scopes:
        commands = fake_api.commands(scope, lang)
        names = [c["command"] for c in commands]
        assert names, (scope, lang)
        assert len(names) == len(set(names))
        listed, other = ("lang", "ngonngu") if lang == "en" else ("ngonngu", "lang")  # Vietnamese: the default
        assert listed in names and other not in names
        assert ("start" in names) == (scope == "all_private_chats")
    en = {c["command"]: c["description"] for c in fake_api.commands("all_private_chats", "en")}
    vi = {c["command"]: c["description"] for c in fake_api.commands("all_private_chats", "vi")}
    assert en["help"] != vi["help"], "descriptions are translated"
    assert fake_api.commands("all_private_chats", "") == fake_api.commands("all_private_chats", "vi")


async def test_gate_records_users_and_chats(app):
    await send(app, "/help", user_id=42, lang="en")
    await settle(app)
    user = app.bot_data["store"].users.get(42)
    assert user is not None
    assert user.language_code == "en"
    assert app.bot_data["store"].chats.get(42).type == "private"


@pytest.mark.handler_errors
async def test_a_failing_handler_gets_an_apology_not_a_traceback(app, fake_api, handler_errors):
    from telegram.ext import CommandHandler

    async def broken(update, context):
        raise RuntimeError("secret internals")

    app.handlers[0].insert(0, CommandHandler("broken", broken))  # before the catch-alls, as a feature is
    calls = await send(app, "/broken", lang="en")
    assert len(handler_errors) == 1
    text = plain(calls[-1].text)
    assert "Sorry" in text
    assert "secret" not in text
    assert "Traceback" not in text


@pytest.mark.handler_errors
async def test_blocked_user_is_marked_inactive(app, fake_api, handler_errors):
    await send(app, "/help", user_id=77)
    fake_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=77, times=None)
    await send(app, "/help", user_id=77)
    await settle(app)
    store = app.bot_data["store"]
    assert store.chats.get(77).active is False
    assert store.users.get(77).active is False
    assert all(c.method == "sendMessage" for c in fake_api.calls(chat_id=77)[-1:])


@pytest.mark.handler_errors
async def test_bad_request_from_telegram_is_contained(app, fake_api, handler_errors):
    fake_api.fail("sendMessage", 400, "Bad Request: chat not found")
    await send(app, "/about")
    assert isinstance(handler_errors[0], BadRequest)


async def test_allowlist_refuses_strangers(settings, fake_api, content_pack, catalogues, search_index):
    from dataclasses import replace

    from bot.simulate import running
    from tests.conftest import make_app

    errors: list[BaseException] = []
    app = make_app(replace(settings, access="allowlist", allowlist=frozenset({5})), fake_api, content_pack,
                   catalogues, errors, search_index)
    async with running(app):
        calls = await send(app, "/start", user_id=6)
        assert len(calls) == 1
        assert "6" in plain(calls[0].text)
        assert html.escape("<") not in calls[0].text
        calls = await send(app, "/start", user_id=5)
        assert len(calls) == 2
        calls = await feed(app, {"message": {"message_id": 1, "date": 0, "chat": {"id": GROUP, "type": "group",
                                                                                 "title": "g"},
                                             "from": {"id": 6, "is_bot": False, "first_name": "x"},
                                             "text": "/help", "entities": [{"type": "bot_command",
                                                                            "offset": 0, "length": 5}]}})
        # A group nobody admitted (issue 13): the bot says so, with no content, and leaves.
        assert [c.method for c in calls] == ["sendMessage", "leaveChat"]
        assert "/help" not in calls[0].text and str(GROUP) in plain(calls[0].text)
    assert errors == []


@pytest.mark.parametrize("name", ["A" * 5000, "<b>&" * 2000, "🇻🇳" * 3000])
async def test_a_very_long_first_name_does_not_overflow_the_welcome(app, name):
    calls = await send(app, "/start", first_name=name)
    assert [c.ok for c in calls] == [True, True], [c.error for c in calls]
    assert name[:20] in plain(calls[0].text)
