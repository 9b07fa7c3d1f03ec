"""Comments, the pure parts: what a comment may say, deep links to a section, the deadline, the settings,
and the conversation states kept in SQLite (bot/store/conversations.py)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.comments import places
from bot.comments.policy import Policy, Window, day_start
from bot.comments.text import MAX_COMMENT, Problem, check, clean
from bot.config import VARIABLES, ConfigError, Settings
from bot.store import Store
from bot.store.conversations import ConversationRepository, SQLitePersistence

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MINIPACK = Path(__file__).resolve().parent / "fixtures" / "minipack"


# --- what a comment may say -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Đề nghị   làm rõ\tnguồn lực.  ", "Đề nghị làm rõ nguồn lực."),
    ("Đe\u0302̀ nghị", "Đề nghị"),                               # decomposed (NFD) Vietnamese becomes NFC
    ("Đề\u200b nghị\u200d sửa\ufeff", "Đề nghị sửa"),          # zero-width characters go
    ("abc\u202edef\u202c", "abcdef"),                          # a right-to-left override would flip the text
    ("\u2067xin\u2069 \u200fý kiến\u200e", "xin ý kiến"),      # isolates and marks
    ("một\r\n\r\n\r\n\r\nhai\x00\x07", "một\n\nhai"),          # at most one blank line; control characters go
    ("<b>đậm</b> & <script>", "<b>đậm</b> & <script>"),        # HTML is text: kept, escaped where shown
    ("مرحبا بكم", "مرحبا بكم"),                                # right-to-left letters are words: kept
])
def test_cleaning_keeps_the_words_and_drops_what_hides_them(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(("raw", "problem"), [
    ("", Problem.EMPTY),
    ("   \n\t  ", Problem.EMPTY),
    ("\u200b\u200c\u200d\u2060\ufeff", Problem.EMPTY),
    ("👍👍🎉", Problem.NO_WORDS),
    ("🇻🇳 ❤️ !!! …", Problem.NO_WORDS),
    ("x" * (MAX_COMMENT + 1), Problem.TOO_LONG),
    ("x" * MAX_COMMENT + "\u200b" * 50, None),                # invisible characters do not count
    ("👍 đồng ý", None),
    ("2030", None),
])
def test_check_names_the_problem(raw, problem):
    assert check(raw).problem is problem


# --- deep links -------------------------------------------------------------------------------------------


def test_every_section_of_both_packs_travels_in_a_deep_link(content_pack):
    from bot.content.pack import load_pack

    for pack in (content_pack, load_pack(MINIPACK)):
        for section_id in pack.sections:
            payload = places.payload(section_id)
            assert len(payload) <= places.MAX_PAYLOAD
            assert payload.replace("_", "").replace("-", "").isalnum() and payload.isascii()
            assert places.section_of(payload) == section_id


@pytest.mark.parametrize("forged", ["", "c", "c_", "x_p1", "c_p1.I", "c_p1/I", "c_../etc", "c_" + "a" * 25,
                                    "c_p1 I", "c_đ", "C_p1", "c_-p1"])
def test_forged_payloads_name_no_section(forged):
    assert places.section_of(forged) is None


def test_a_section_id_a_deep_link_cannot_carry_is_refused():
    with pytest.raises(ValueError):
        places.payload("p1_I")


# --- the deadline -------------------------------------------------------------------------------------------


def test_comments_close_at_the_end_of_the_last_day_in_the_bots_time_zone():
    policy = Policy(True, date(2026, 11, 30), HANOI)
    assert policy.window(datetime(2026, 11, 30, 23, 59, 59, tzinfo=HANOI)) is Window.OPEN
    assert policy.window(datetime(2026, 12, 1, 0, 0, tzinfo=HANOI)) is Window.CLOSED
    # 17:30 UTC on the 30th is already 00:30 on 1 December in Hanoi
    assert policy.window(datetime(2026, 11, 30, 17, 30, tzinfo=ZoneInfo("UTC"))) is Window.CLOSED
    assert Policy(True, None, HANOI).window(datetime(2030, 1, 1, tzinfo=HANOI)) is Window.OPEN
    assert Policy(False, None, HANOI).window(datetime(2026, 1, 1, tzinfo=HANOI)) is Window.OFF


def test_a_day_starts_at_local_midnight():
    noon = datetime(2026, 11, 26, 12, 0, tzinfo=HANOI)
    assert day_start(noon) == int(datetime(2026, 11, 26, tzinfo=HANOI).timestamp())


# --- settings -----------------------------------------------------------------------------------------------


def test_comment_settings_are_read_and_documented():
    s = Settings.from_env({"BOT_COMMENTS": "OFF", "BOT_COMMENTS_UNTIL": "2026-11-30", "BOT_COMMENTS_NAMED": "1"})
    assert (s.comments, s.comments_until, s.comments_named) == (False, date(2026, 11, 30), True)
    assert Settings.from_env({"BOT_COMMENTS_UNTIL": "30/11/2026"}).comments_until == date(2026, 11, 30)
    d = Settings.from_env({})
    assert (d.comments, d.comments_until, d.comments_named) == (True, None, False)
    assert {"BOT_COMMENTS", "BOT_COMMENTS_UNTIL", "BOT_COMMENTS_NAMED"} <= set(VARIABLES)


@pytest.mark.parametrize(("env", "name"), [
    ({"BOT_COMMENTS": "maybe"}, "BOT_COMMENTS"),
    ({"BOT_COMMENTS_NAMED": "2"}, "BOT_COMMENTS_NAMED"),
    ({"BOT_COMMENTS_UNTIL": "2026-02-30"}, "BOT_COMMENTS_UNTIL"),
    ({"BOT_COMMENTS_UNTIL": "30.11.2026"}, "BOT_COMMENTS_UNTIL"),
    ({"BOT_COMMENTS_UNTIL": "next week"}, "BOT_COMMENTS_UNTIL"),
    ({"BOT_COMMENTS_UNTIL": "31/13/2026"}, "BOT_COMMENTS_UNTIL"),
])
def test_bad_comment_settings_are_one_line(env, name):
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert name in str(info.value) and "\n" not in str(info.value)


# --- conversation states in SQLite ------------------------------------------------------------------------


async def test_the_persistence_keeps_states_as_json_and_lets_old_ones_go(tmp_path):
    path = tmp_path / "bot.sqlite3"
    persistence = SQLitePersistence(path, expire={"comments": 600})
    assert await persistence.get_conversations("comments") == {}, "a new database: nothing to restore"
    store = Store.open(path)  # the store applies the migrations
    try:
        await persistence.update_conversation("comments", (5, 5), "text")
        await persistence.update_conversation("comments", (6, 6), "preview")
        await persistence.update_conversation("other", (5, 5), "x")
        await persistence.update_conversation("comments", (6, 6), None)  # ended
        old = ConversationRepository(store.db)
        old.store("comments", (7, 7), "text", at=1)                      # written long ago
        assert await SQLitePersistence(path, expire={"comments": 600}).get_conversations("comments") == {
            (5, 5): "text"}
        assert (7, 7) in await SQLitePersistence(path).get_conversations("comments"), "no expiry asked"
        row = store.db.conn.execute("SELECT key, state FROM conversations WHERE name = 'comments'"
                                    " ORDER BY key").fetchone()
        assert (row["key"], row["state"]) == ("[5, 5]", '"text"'), "JSON, no pickle"
        await persistence.flush()
        assert await persistence.get_user_data() == {} and await persistence.get_bot_data() == {}
    finally:
        store.close()


async def test_a_locked_database_costs_the_states_not_the_start(tmp_path):
    path = tmp_path / "bot.sqlite3"
    Store.open(path).close()
    persistence = SQLitePersistence(path)
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert await persistence.get_conversations("comments") == {}
        await persistence.update_conversation("comments", (1, 1), "text")  # reported, not raised
    finally:
        other.rollback()
        other.close()
        await persistence.flush()
