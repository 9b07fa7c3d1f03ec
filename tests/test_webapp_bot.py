"""The reader from the chat: the menu button at start, /read (/doc), the 📖 buttons and the group link,
through the real Application over the fake Bot API (which refuses Mini App buttons outside private
chats, as Telegram does), with the reader's server running in the same event loop."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from telegram.error import BadRequest

from bot.config import ConfigError, Settings
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI
from bot.handlers import read
from bot.render import callbacks as cb
from bot.render.reader import payload, section_from_payload
from bot.simulate import press, running, send
from bot.webapp import auth
from tests.conftest import FakeTime, make_app

URL = "https://bot.example.org/reader/"
GROUP = -100500


@pytest.fixture
async def reader_app(settings: Settings, fake_api: FakeBotAPI, content_pack: Any, catalogues: Any,
                     search_index: Any, handler_errors: list[BaseException]) -> AsyncIterator[Any]:
    settings = dataclasses.replace(settings, webapp_url=URL, webapp_listen=("127.0.0.1", 0))
    app = make_app(settings, fake_api, content_pack, catalogues, handler_errors, search_index, FakeTime())
    async with running(app):
        yield app
    assert not handler_errors, handler_errors


def web_app_buttons(call: Any) -> list[dict[str, Any]]:
    return [b for b in call.buttons if "web_app" in b]


def code(pack: Any, data: cb.Callback) -> str:
    return cb.encode(data, pack.fingerprint)


async def test_at_start_the_menu_button_opens_the_reader_and_the_server_answers(reader_app: Any,
                                                                                fake_api: FakeBotAPI):
    button = fake_api.menu_button()
    assert button == {"type": "web_app", "text": "Đọc báo cáo", "web_app": {"url": URL}}
    server = reader_app.bot_data[read.SERVER]
    async with aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{server.port}/"
        async with session.get(base) as shell:
            assert shell.status == 200
        headers = {"Authorization": "tma " + auth.sign_user(1001, FAKE_TOKEN)}
        async with session.get(base + "api/contents", headers=headers) as answer:
            assert answer.status == 200 and (await answer.json())["toc"]


async def test_read_in_a_private_chat_gives_the_mini_app_button(reader_app: Any, content_pack: Any):
    for command in ("/read", "/doc"):
        call = (await send(reader_app, command))[-1]
        assert "Đọc toàn văn báo cáo trong ứng dụng" in str(call.text)
        assert content_pack.meta.status_notice.split()[0] in str(call.text)  # the draft's status
        assert web_app_buttons(call) == [{"text": "📖 Đọc trong ứng dụng", "web_app": {"url": URL}}]


@pytest.mark.parametrize(("words", "section"), [("I.1.1", "p1.I.1.1"), ("i.1.1", "p1.I.1.1"),
                                                ("cong nghiep", "p1.I.1.1"), ("Công nghiệp", "p1.I.1.1"),
                                                ("industry", "p1.I.1.1")])
async def test_read_names_a_section(reader_app: Any, words: str, section: str):
    call = (await send(reader_app, f"/read {words}"))[-1]
    assert web_app_buttons(call)[0]["web_app"]["url"] == f"{URL}?s={section}"
    assert "Công nghiệp - xây dựng" in str(call.text)


@pytest.mark.parametrize("words", ["xyz không có", "<b>&amp;", "I.99.99", "a" * 500])
async def test_read_with_words_no_section_has_says_so_and_opens_the_contents(reader_app: Any, words: str):
    call = (await send(reader_app, f"/read {words}"))[-1]
    assert "Báo cáo không có mục nào tên" in str(call.text)
    assert web_app_buttons(call)[0]["web_app"]["url"] == URL


async def test_read_in_a_group_links_to_the_private_chat(reader_app: Any, fake_api: FakeBotAPI):
    call = (await send(reader_app, "/read@briefing_test_bot I.1.1", chat_id=GROUP, chat_type="supergroup"))[-1]
    assert call.ok and not web_app_buttons(call)
    assert call.buttons == [{"text": "📖 Đọc trong ứng dụng",
                             "url": "https://t.me/briefing_test_bot?start=read-p1_I_1_1"}]
    assert "cuộc trò chuyện riêng" in str(call.text)


async def test_the_group_link_lands_on_the_mini_app_button(reader_app: Any):
    call = (await send(reader_app, "/start read-p1_I_1_1"))[-1]
    assert web_app_buttons(call)[0]["web_app"]["url"] == f"{URL}?s=p1.I.1.1"
    call = (await send(reader_app, "/start read"))[-1]
    assert web_app_buttons(call)[0]["web_app"]["url"] == URL
    call = (await send(reader_app, "/start read-p9_Z"))[-1]  # a section that is gone: the contents
    assert web_app_buttons(call)[0]["web_app"]["url"] == URL
    calls = await send(reader_app, "/start readme")  # not ours: the ordinary welcome
    assert not any(web_app_buttons(c) for c in calls) and len(calls) >= 2


async def test_item_cards_and_original_text_carry_the_reader_button(reader_app: Any, content_pack: Any):
    item = content_pack.items["dot-pha-2-ket-cau-ha-tang"]
    call = (await press(reader_app, code(content_pack, cb.ItemCard(item.id))))[-1]
    assert web_app_buttons(call) == [{"text": "📖 Đọc trong ứng dụng", "web_app": {"url": f"{URL}?s={item.source}"}}]
    call = (await press(reader_app, code(content_pack, cb.Original("p1.I.1.1"))))[-1]
    assert web_app_buttons(call)[0]["web_app"]["url"] == f"{URL}?s=p1.I.1.1"
    call = (await send(reader_app, "đột phá thứ hai"))[-1]  # a typed question naming an item: its card
    assert web_app_buttons(call)[0]["web_app"]["url"] == f"{URL}?s={item.source}"


async def test_in_a_group_cards_link_instead_and_telegram_accepts_them(reader_app: Any, content_pack: Any):
    call = (await send(reader_app, "/search đột phá thứ hai", chat_id=GROUP, chat_type="supergroup"))[-1]
    assert call.ok and not web_app_buttons(call)
    links = [b for b in call.buttons if "url" in b]
    assert links and links[0]["url"].startswith("https://t.me/briefing_test_bot?start=read-")
    call = (await press(reader_app, code(content_pack, cb.Original("p1.I.1.1")), chat_id=GROUP,
                        chat_type="supergroup"))[-1]
    assert call.ok and not web_app_buttons(call)
    assert {"text": "📖 Đọc trong ứng dụng", "url": "https://t.me/briefing_test_bot?start=read-p1_I_1_1"} in call.buttons


async def test_the_fake_refuses_mini_app_buttons_where_telegram_does(app: Any, fake_api: FakeBotAPI):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("📖", web_app=WebAppInfo(URL))]])
    fake_api.register_chat({"id": GROUP, "type": "supergroup", "title": "G"})
    with pytest.raises(BadRequest, match=r"(?i)button_type_invalid"):
        await app.bot.send_message(GROUP, "x", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await app.bot.send_message(1001, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("📖", web_app=WebAppInfo("http://insecure.example/"))]]))
    assert (await app.bot.send_message(1001, "x", reply_markup=markup)).message_id


async def test_without_a_reader_there_is_no_button_and_read_says_why(app: Any, fake_api: FakeBotAPI,
                                                                    content_pack: Any):
    call = (await send(app, "/read"))[-1]
    assert "chưa bật trình đọc" in str(call.text) and not call.buttons
    call = (await press(app, code(content_pack, cb.Original("p1.I.1.1"))))[-1]
    assert not any("📖" in b["text"] for b in call.buttons)
    assert fake_api.menu_button() == {"type": "default"}


async def test_a_reader_switched_off_puts_the_menu_button_back(settings: Settings, fake_api: FakeBotAPI,
                                                               content_pack: Any, catalogues: Any,
                                                               handler_errors: list[BaseException]):
    fake_api._m_setChatMenuButton({"menu_button": {"type": "web_app", "text": "Đọc", "web_app": {"url": URL}}})
    app = make_app(settings, fake_api, content_pack, catalogues, handler_errors)
    async with running(app):
        assert fake_api.menu_button() == {"type": "default"}


async def test_an_outsider_is_refused_before_read(settings: Settings, fake_api: FakeBotAPI, content_pack: Any,
                                                  catalogues: Any, handler_errors: list[BaseException]):
    settings = dataclasses.replace(settings, webapp_url=URL, webapp_listen=("127.0.0.1", 0), access="allowlist",
                                   allowlist=frozenset({2002}))
    app = make_app(settings, fake_api, content_pack, catalogues, handler_errors)
    async with running(app):
        call = (await send(app, "/read", user_id=3003))[-1]
        assert "3003" in str(call.text) and not call.buttons


async def test_a_taken_port_is_one_line_for_the_operator(settings: Settings, fake_api: FakeBotAPI,
                                                         content_pack: Any, catalogues: Any,
                                                         handler_errors: list[BaseException]):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = dataclasses.replace(settings, webapp_url=URL, webapp_listen=("127.0.0.1", port))
        app = make_app(settings, fake_api, content_pack, catalogues, handler_errors)
        await app.initialize()
        try:
            with pytest.raises(read.ReaderStartError, match=f"cannot listen on 127.0.0.1:{port}.*BOT_WEBAPP_LISTEN"):
                await read.setup(app)
        finally:
            await app.shutdown()


@pytest.mark.parametrize("section", ["p1", "p1.I.1.1", "p2.II.2.16", "open"])
def test_deep_link_payloads_round_trip_within_telegrams_limits(section: str):
    text = payload(section)
    assert len(text) <= 64 and text.replace("-", "").replace("_", "").isalnum()
    assert section_from_payload(text) == section


@pytest.mark.parametrize(("env", "expected"), [
    ({"BOT_WEBAPP_URL": "https://bot.example.org/reader/"}, ("https://bot.example.org/reader/", ("127.0.0.1", 8080))),
    ({"BOT_WEBAPP_URL": "https://bot.example.org"}, ("https://bot.example.org/", ("127.0.0.1", 8080))),
    ({"BOT_WEBAPP_URL": "https://bot.example.org/r", "BOT_WEBAPP_LISTEN": "0.0.0.0:9000"},
     ("https://bot.example.org/r/", ("0.0.0.0", 9000))),
    ({"BOT_WEBAPP_LISTEN": "[::1]:8081"}, (None, ("::1", 8081))),
    ({"BOT_WEBAPP_LISTEN": ":8081"}, (None, ("0.0.0.0", 8081))),
])
def test_reader_settings(env: dict[str, str], expected: tuple[Any, Any]):
    settings = Settings.from_env(env)
    assert (settings.webapp_url, settings.webapp_listen) == expected


@pytest.mark.parametrize(("env", "says"), [
    ({"BOT_WEBAPP_URL": "http://bot.example.org/"}, "BOT_WEBAPP_URL must be the reader's public https://"),
    ({"BOT_WEBAPP_URL": "https://bot.example.org/?a=1"}, "without ?query"),
    ({"BOT_WEBAPP_URL": "https://user:pw@bot.example.org/"}, "BOT_WEBAPP_URL"),
    ({"BOT_WEBAPP_URL": "bot.example.org"}, "BOT_WEBAPP_URL"),
    ({"BOT_WEBAPP_URL": "https://"}, "BOT_WEBAPP_URL"),
    ({"BOT_WEBAPP_LISTEN": "8080"}, "BOT_WEBAPP_LISTEN must be host:port"),
    ({"BOT_WEBAPP_LISTEN": "127.0.0.1:99999"}, "port 1-65535"),
    ({"BOT_WEBAPP_LISTEN": "127.0.0.1:http"}, "BOT_WEBAPP_LISTEN"),
    ({"BOT_WEBAPP_LISTEN": "bad host:80"}, "BOT_WEBAPP_LISTEN"),
])
def test_bad_reader_settings_are_one_line(env: dict[str, str], says: str):
    with pytest.raises(ConfigError) as error:
        Settings.from_env(env)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_the_cli_says_a_bad_reader_url_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch):
    from bot.__main__ import main

    monkeypatch.setenv("BOT_WEBAPP_URL", "http://insecure.example/")
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    assert main(["check-content"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: BOT_WEBAPP_URL") and "\n" not in err
