"""The gate (group -1) probed as an attacker would: it decides from memory, fails closed, stores nothing
about outsiders, and keeps one flooding user from starving the others. End to end through the real
Application over FakeBotAPI, with the database locked by another connection, full, or damaged."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import FEATURES, GATE
from bot.fakeapi import FakeBotAPI, parse_html
from bot.handlers import fallback
from bot.simulate import feed, inline, press, running, send, settle
from bot.store import Store
from tests.conftest import FakeTime, make_app

INSIDER, OUTSIDER, ADMIN = 5, 6, 7
GROUP = -100321


@pytest.fixture
def restricted(settings):
    return dataclasses.replace(settings, access="allowlist", allowlist=frozenset({INSIDER}),
                               admins=frozenset({ADMIN}))


@pytest.fixture
def start(content_pack, catalogues, search_index):
    @asynccontextmanager
    async def started(settings_: Any, time: FakeTime | None = None
                      ) -> AsyncIterator[tuple[Any, FakeBotAPI, list[BaseException]]]:
        fake, errors = FakeBotAPI(), []
        app = make_app(settings_, fake, content_pack, catalogues, errors, search_index, time)
        async with running(app):
            yield app, fake, errors

    return started


def texts_to(fake: FakeBotAPI, chat_id: int) -> list[str]:
    return [parse_html(t) for t in fake.texts(chat_id)]


async def probe(app: Any, fake: FakeBotAPI) -> None:
    """What an outsider tries, and what an admitted user gets, with the database as it is."""
    calls = await send(app, "grdp", user_id=OUTSIDER)
    assert [c.method for c in calls] == ["sendMessage"], calls
    assert str(OUTSIDER) in parse_html(calls[0].text)  # the refusal, with the id to pass on
    assert "GRDP" not in calls[0].text
    calls = await inline(app, "grdp", user_id=OUTSIDER)
    assert [c.method for c in calls] == ["answerInlineQuery"] and calls[0].params["results"] == []
    calls = await press(app, "zz", user_id=OUTSIDER)
    assert [c.method for c in calls] == ["answerCallbackQuery"] and not calls[0].params.get("text")

    calls = await send(app, "grdp", user_id=INSIDER)
    assert "GRDP" in calls[-1].text  # the figure card
    calls = await inline(app, "grdp", user_id=INSIDER)
    assert calls[-1].params["results"]


def rows_about(db_path: Path, user_id: int) -> list[Any]:
    with sqlite3.connect(db_path) as conn:
        return (conn.execute("SELECT user_id FROM users WHERE user_id = ?", (user_id,)).fetchall()
                + conn.execute("SELECT chat_id FROM chats WHERE chat_id = ?", (user_id,)).fetchall())


async def test_outsiders_are_refused_and_nothing_is_stored_about_them(start, restricted) -> None:
    async with start(restricted) as (app, fake, errors):
        await probe(app, fake)
        await send(app, "/start", user_id=OUTSIDER, chat_id=GROUP, chat_type="supergroup")
        await settle(app)
        assert rows_about(restricted.database_path, OUTSIDER) == []
        assert rows_about(restricted.database_path, INSIDER) != []
    assert errors == []


async def test_a_locked_database_does_not_open_the_gate(start, restricted) -> None:
    async with start(restricted) as (app, fake, errors):
        locker = sqlite3.connect(restricted.database_path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # another program holds the database
        try:
            await probe(app, fake)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        await settle(app)
        assert rows_about(restricted.database_path, OUTSIDER) == []
    assert errors == []


def fill(conn: sqlite3.Connection) -> None:
    """Let the database grow no more (as on a full disk), then fill what room is left."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    rows = ((10**9 + n,) for n in range(100_000))
    with pytest.raises(sqlite3.OperationalError, match="full"):
        conn.executemany("INSERT INTO users(user_id, first_seen, last_seen) VALUES (?, 0, 0)", rows)


async def test_a_full_database_does_not_open_the_gate_and_is_logged_not_spammed(start, restricted, caplog) -> None:
    caplog.set_level(logging.INFO)
    async with start(restricted) as (app, fake, errors):
        store: Store = app.bot_data["store"]
        fill(store.db.conn)
        await store.writer.run(lambda: store.writer.db.conn.execute(
            f"PRAGMA max_page_count = {store.writer.db.conn.execute('PRAGMA page_count').fetchone()[0]}"))
        await probe(app, fake)
        for _ in range(30):  # writes users wait for: each is told to try again, the log gets one line
            calls = await send(app, "/lang en", user_id=INSIDER)
            assert calls and calls[-1].ok
        await settle(app)
        assert rows_about(restricted.database_path, OUTSIDER) == []
    trouble = [r for r in caplog.records if r.name == "bot.store"]
    assert 1 <= len(trouble) <= 2, [r.getMessage() for r in trouble]
    assert "full" in trouble[0].getMessage() and not trouble[0].exc_info
    assert errors and all(isinstance(e, sqlite3.OperationalError) for e in errors)


def damage(db_path: Path, *tables: str) -> None:
    """Overwrite the pages of some tables with garbage, leaving the schema readable."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        roots = [r[0] for r in conn.execute(
            f"SELECT rootpage FROM sqlite_master WHERE name IN ({','.join('?' * len(tables))})", tables)]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db_path, "r+b") as f:
        for page in roots:
            f.seek((page - 1) * size)
            f.write(b"\x55" * size)


async def test_a_damaged_database_does_not_open_the_gate(start, restricted) -> None:
    Store.open(restricted.database_path).close()
    damage(restricted.database_path, "users", "chats")
    async with start(restricted) as (app, fake, errors):
        await probe(app, fake)
        calls = await send(app, "/start", user_id=INSIDER, lang="en")
        assert parse_html(calls[0].text).startswith("Hello")  # the language still follows Telegram's
        await settle(app)
    assert errors == []


async def test_an_update_without_a_sender_is_refused(start, restricted) -> None:
    channel = {"id": -100999, "type": "channel", "title": "A channel"}
    async with start(restricted) as (app, _, errors):
        for chat in ({"id": GROUP, "type": "supergroup", "title": "g"}, {"id": INSIDER, "type": "private"}):
            message = {"message_id": 1, "date": 0, "chat": chat, "sender_chat": channel, "text": "/help",
                       "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}
            assert await feed(app, {"message": message}) == []
        await settle(app)
        assert rows_about(restricted.database_path, GROUP) == []
    assert errors == []


async def test_any_error_in_the_gate_stops_the_update(start, restricted) -> None:
    class Broken:
        def check(self, user_id: int) -> Any:
            raise RuntimeError("the gate cannot decide")

    async with start(restricted) as (app, _, errors):
        app.bot_data["flood_guard"] = Broken()
        assert await send(app, "grdp", user_id=OUTSIDER) == []
        assert await send(app, "grdp", user_id=INSIDER) == []  # closed for everyone, not open
        assert await inline(app, "grdp", user_id=INSIDER) == []
    assert errors == []  # contained in the gate: group 0 never ran


async def test_a_flooding_user_gets_one_warning_while_a_quiet_one_is_answered(start, settings) -> None:
    settings_ = dataclasses.replace(settings, admins=frozenset({ADMIN}))
    flooder, quiet = 8001, 8002
    async with start(settings_, FakeTime(pace=0)) as (app, _, errors):  # every update at one instant
        answers: list[list[Any]] = []
        for _ in range(60):
            answers.append(await send(app, "grdp", user_id=flooder))
            answers.append(await press(app, "zz", user_id=flooder))
        calls = await send(app, "grdp", user_id=quiet)
        assert "GRDP" in calls[-1].text
        for _ in range(60):  # administrators are exempt
            assert "GRDP" in (await send(app, "grdp", user_id=ADMIN))[-1].text

        def warns(call: Any) -> bool:
            return "quá nhanh" in parse_html(call.params.get("text") or "")

        warned = [i for i, calls in enumerate(answers) if any(warns(c) for c in calls)]
        assert len(warned) == 1  # exactly one "slow down"...
        assert all(answers[i] for i in range(warned[0]))  # ...after being answered a while...
        assert not any(answers[warned[0] + 1:])  # ...then silence
    assert errors == []


async def test_catch_alls_come_last_in_group_0_and_nothing_else_is_a_fallback(app) -> None:
    assert sorted(app.handlers) == [GATE, FEATURES, 2]
    callbacks = [h.callback for h in app.handlers[FEATURES][-3:]]
    assert callbacks == [fallback.unknown_command, fallback.not_text, fallback.stale_button]
    assert not any(hasattr(fallback, name) for name in ("text", "inline_query"))  # could never run
