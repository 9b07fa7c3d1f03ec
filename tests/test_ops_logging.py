"""Logging when running for real: the token and the webhook secret never reach a line (httpx's own request log at
DEBUG included), no message text at INFO, and unexpected errors reach the administrators as one short message
(type and update kind; no traceback, token or user text), at most once per kind every ten minutes with a count."""

from __future__ import annotations

import dataclasses
import io
import logging
from typing import Any

import httpx
import pytest
from telegram.ext import TypeHandler

from bot.fakeapi import FakeBotAPI
from bot.logs import REDACTED, install_redaction
from bot.simulate import fake_api, press, running, send
from tests.conftest import FakeTime, make_app

TOKEN = "123456789:" + "AbC_dEf-" * 5
SECRET = "webhook_Secret-42abcdef"
ADMIN, MEMBER = 1001, 2002


@pytest.fixture
def root_stream():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    install_redaction([TOKEN, SECRET])
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_httpx_request_logs_at_debug_and_webhook_urls_carry_no_secret(root_stream):
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True, "result": True}))
        with httpx.Client(transport=transport) as client:
            client.get(f"https://api.telegram.org/bot{TOKEN}/getMe")
            client.post(f"https://api.telegram.org/bot{TOKEN}/setWebhook",
                        data={"url": f"https://bot.example.org/{TOKEN}", "secret_token": SECRET})
    finally:
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("telegram.ext.Updater").debug("Start network loop retry setting webhook %s with %s",
                                                     f"https://bot.example.org/hook/{TOKEN}", SECRET)
    out = root_stream.getvalue()
    assert "HTTP Request: GET https://api.telegram.org/bot" in out  # httpx did log the request...
    assert TOKEN not in out and SECRET not in out and "AbC_dEf-AbC" not in out  # ...without the token
    assert out.count(REDACTED) >= 4


async def test_no_message_text_reaches_the_log_at_info(settings, content_pack, catalogues, search_index,
                                                        handler_errors, caplog):
    admins = dataclasses.replace(settings, admins=frozenset({ADMIN}))
    app = make_app(admins, FakeBotAPI(), content_pack, catalogues, handler_errors, search_index, FakeTime())
    caplog.set_level(logging.INFO)
    words = "xyzzyplugh"
    async with running(app):
        for text in (f"/so {words}", f"{words} tăng trưởng", f"/tim {words}", f"/tomtat {words}", f"/nosuch {words}"):
            await send(app, text)
        await send(app, f"{words} trong nhóm", chat_id=-77, chat_type="group")
        await send(app, f"/thongbao {words} gửi mọi người", user_id=ADMIN)  # logged: drafted, by whom, to how many
    assert any("broadcast" in r.getMessage() for r in caplog.records), "nothing logged: the test would prove nothing"
    assert words not in caplog.text


@pytest.mark.handler_errors
async def test_unexpected_errors_reach_the_admins_once_per_kind_in_ten_minutes(settings, content_pack, catalogues,
                                                                              search_index, handler_errors):
    clock = FakeTime()
    admins = dataclasses.replace(settings, admins=frozenset({ADMIN}))
    app = make_app(admins, FakeBotAPI(), content_pack, catalogues, handler_errors, search_index, clock)

    async def explode(update: Any, context: Any) -> None:
        text = update.message.text if update.message else "button"
        if update.callback_query is not None or (text and text.startswith("boom")):
            raise ValueError(f"internal detail {TOKEN} {text}")

    app.add_handler(TypeHandler(object, explode), group=-3)
    async with running(app):
        fake = fake_api(app)

        def told() -> list[str]:
            return [c.params["text"] for c in fake.calls("sendMessage", chat_id=ADMIN)]

        await send(app, "boom lời riêng của đồng chí", user_id=MEMBER)
        assert len(told()) == 1
        first = told()[0]
        assert "ValueError" in first and "message" in first
        for secret in ("lời riêng", TOKEN, "internal detail", "Traceback", "explode"):
            assert secret not in first
        # the member still got the apology
        assert fake.calls("sendMessage", chat_id=MEMBER)
        await send(app, "boom again", user_id=MEMBER)
        await send(app, "boom a third time", user_id=MEMBER)
        assert len(told()) == 1  # held back, counted
        await press(app, "garbage", user_id=MEMBER)  # another kind: reported at once
        assert len(told()) == 2 and "callback_query" in told()[1]
        clock.advance(601)
        await send(app, "boom after ten minutes", user_id=MEMBER)
        assert len(told()) == 3 and "2" in told()[2]
    assert len(handler_errors) == 5
