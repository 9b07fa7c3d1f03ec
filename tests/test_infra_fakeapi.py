"""The fake Bot API answers like Telegram, so PTB raises what it raises live."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.fakeapi import FAKE_TOKEN, Call, FakeBotAPI, error_payload, parse_html


@pytest.fixture
async def bot(fake_api: FakeBotAPI):
    async with Bot(FAKE_TOKEN, request=fake_api, get_updates_request=fake_api) as bot:
        yield bot


def kb(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d or "x", callback_data=d) for d in data]])


async def test_get_me_and_recorded_calls(bot, fake_api):
    assert bot.username == "briefing_test_bot"
    message = await bot.send_message(5, "<b>hi</b> &amp; bye", parse_mode="HTML", reply_markup=kb("a"))
    assert message.text == "hi & bye"
    assert message.chat.type == "private"
    call = fake_api.last("sendMessage")
    assert call.params["text"] == "<b>hi</b> &amp; bye"
    assert call.params["reply_markup"] == {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    assert call.buttons == [{"text": "a", "callback_data": "a"}]
    assert fake_api.calls("sendMessage", chat_id=5) == [call]
    assert fake_api.calls(chat_id=6) == []
    assert fake_api.texts(5) == ["<b>hi</b> &amp; bye"]
    fake_api.clear()
    assert fake_api.calls() == []
    with pytest.raises(AssertionError, match="no sendMessage call"):
        fake_api.last("sendMessage")


async def test_message_ids_increase_per_chat_and_groups_look_like_groups(bot):
    a1 = await bot.send_message(1, "x")
    a2 = await bot.send_message(1, "x")
    g1 = await bot.send_message(-100777, "x")
    assert (a1.message_id, a2.message_id, g1.message_id) == (1, 2, 1)
    assert g1.chat.type == "supergroup"
    assert (await bot.send_message(-5, "x")).chat.type == "group"


async def test_injected_errors_raise_what_telegram_raises(bot, fake_api):
    fake_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=9)
    await bot.send_message(8, "other chats are unaffected")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(9, "x")
    await bot.send_message(9, "times=1: only once")
    fake_api.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(1, "x")
        assert "7" in str(info.value)
    await bot.send_message(1, "x")
    fake_api.fail("editMessageText", 400, "Bad Request: message to edit not found")
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("y", 1, 1)
    failed = [c for c in fake_api.calls() if not c.ok]
    assert [c.error["error_code"] for c in failed] == [403, 429, 429, 400]


async def test_forever_failures_and_custom_responder(bot, fake_api):
    fake_api.fail("answerCallbackQuery", 400, "Bad Request: query is too old", times=None)
    for _ in range(3):
        with pytest.raises(BadRequest):
            await bot.answer_callback_query("1")
    seen: list[Call] = []

    def limiter(call: Call):
        seen.append(call)
        return (429, error_payload(429, "Too Many Requests: retry after 1", 1)) if len(seen) > 2 else None

    fake_api.set_responder(limiter)
    await bot.send_message(1, "a")
    await bot.send_message(1, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "c")
    fake_api.set_responder(None)
    await bot.send_message(1, "d")


async def test_editing_to_the_same_content_is_not_modified(bot, fake_api):
    m = await bot.send_message(3, "<b>menu</b>", parse_mode="HTML", reply_markup=kb("a", "b"))
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("<b>menu</b>", 3, m.message_id, parse_mode="HTML", reply_markup=kb("a", "b"))
    edited = await bot.edit_message_text("<b>menu</b>", 3, m.message_id, parse_mode="HTML", reply_markup=kb("a"))
    assert edited.text == "menu"
    assert fake_api.message(3, m.message_id)["reply_markup"] == {"inline_keyboard": [[
        {"text": "a", "callback_data": "a"}]]}
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(3, m.message_id, reply_markup=kb("a"))
    assert fake_api.last_keyboard_message(3)[0] == m.message_id


@pytest.mark.parametrize(("text", "ok"), [
    ("<b>x</b>", True), ("<b><i>x</i></b>", True), ('<a href="https://t.me">x</a>', True),
    ("a & b", True), ("&lt;tag&gt;", True), ("1 > 0", True), ("<blockquote expandable>q</blockquote>", True),
    ("<b>x", False), ("x</b>", False), ("<b><i>x</b></i>", False), ("<script>x</script>", False),
    ("a < b", False), ("<br>", False),
])
def test_html_is_checked_like_telegram(text, ok):
    if ok:
        parse_html(text)
    else:
        with pytest.raises(ValueError):
            parse_html(text)


async def test_telegram_limits_are_enforced(bot):
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(1, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1, "x" * 4097)
    await bot.send_message(1, "x" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1, "🇻🇳" * 1025)  # 4,100 UTF-16 code units
    with pytest.raises(BadRequest, match="empty"):
        await bot.send_message(1, "   ")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "x", reply_markup=kb("đ" * 33))  # 66 bytes
    results = [InlineQueryResultArticle(str(i), "t", InputTextMessageContent("m")) for i in range(51)]
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query("q", results)
    with pytest.raises(BadRequest, match=r"(?i)DUPLICATE"):
        await bot.answer_inline_query("q", [results[0], results[0]])
    await bot.answer_inline_query("q", results[:50], next_offset="50")
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad-Name", "x")])
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(1, b"\x89PNG", caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)POLL"):
        await bot.send_poll(1, "q" * 301, ["a", "b"])


async def test_media_polls_and_members(bot, fake_api):
    photo = await bot.send_photo(1, b"\x89PNG fake", caption="<b>chart</b>", parse_mode="HTML")
    assert photo.photo
    assert photo.caption == "chart"
    assert fake_api.last("sendPhoto").files
    poll = await bot.send_poll(1, "Q?", ["a", "b"], type="quiz", correct_option_ids=[1], is_anonymous=False)
    assert list(poll.poll.correct_option_ids) == [1]
    assert (await bot.stop_poll(1, poll.message_id)).is_closed
    doc = await bot.send_document(1, b"data", filename="a.csv")
    assert doc.document is not None
    fake_api.set_member_status(-100, 7, "administrator")
    assert (await bot.get_chat_member(-100, 7)).status == "administrator"
    assert (await bot.get_chat_member(-100, 8)).status == "member"
    assert await bot.send_chat_action(1, "typing")
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()
    assert await bot.set_my_commands([("help", "Help")], language_code="en")
    assert [c["command"] for c in fake_api.commands(language_code="en")] == ["help"]
    assert await bot.do_api_request("someFutureMethod") is True


@pytest.mark.parametrize("status", ["creator", "administrator", "member", "restricted", "left", "kicked"])
async def test_every_chat_member_status_parses_in_ptb(bot, fake_api, status):
    """getChatMember answers with every field python-telegram-bot requires for the status."""
    fake_api.set_member_status(-100, 9, status)
    member = await bot.get_chat_member(-100, 9)
    assert member.status == {"creator": "creator", "kicked": "kicked"}.get(status, status)
    assert member.user.id == 9


async def test_a_migrated_group_answers_with_its_new_id(bot, fake_api):
    from telegram.error import ChatMigrated

    fake_api.fail("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                  chat_id=-5, migrate_to_chat_id=-1005)
    with pytest.raises(ChatMigrated) as info:
        await bot.send_message(-5, "x")
    assert info.value.new_chat_id == -1005
