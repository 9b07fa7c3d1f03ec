"""Invites end to end: made by an administrator (link and QR code), opened by whoever holds them, and
refused clearly when expired, used up, revoked, unknown or forged; never logged; /remove takes an
admission back at once, pausing (not deleting) the digest, which a new invite resumes."""

from __future__ import annotations

import dataclasses
import io
import logging
import sqlite3
import struct
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.access import codes
from bot.access.policy import ACCESS
from bot.digest import runner
from bot.logs import install_redaction
from bot.simulate import send, settle
from bot.store.access_repo import AccessRepository
from tests.access_helpers import ADMIN, INSIDER, make_invite, started, text

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
GUEST, OTHER = 8, 9


@pytest.fixture
def invite_settings(settings):
    return dataclasses.replace(settings, access="invite", allowlist=frozenset({INSIDER}), admins=frozenset({ADMIN}))


@pytest.fixture
def start(invite_settings, content_pack, catalogues, search_index):
    def starting(settings_=None, **bot_data):
        return started(settings_ or invite_settings, content_pack, catalogues, search_index, bot_data=bot_data)
    return starting


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_codes_are_unguessable_url_safe_and_fit_a_start_parameter() -> None:
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in list(made)[:50]:
        assert len(code) <= codes.MAX_START_PARAMETER and codes.well_formed(code)
        assert all(c.isascii() and (c.isalnum() or c in "-_") for c in code)
        assert codes.digest(code) != code and len(codes.digest(code)) == 64
    assert codes.RANDOM_BYTES * 8 >= 128


async def test_a_valid_invite_admits_and_is_remembered_after_a_restart(start, invite_settings, fake_time) -> None:
    async with start() as (app, fake):
        calls = await send(app, "/invite 2 7", user_id=ADMIN)
        assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
        link = text(calls[0])
        assert f"https://t.me/{fake.bot_username}?start=inv" in link
        assert "tối đa 2 người" in link and "tháng" in link and "năm" in link  # a Vietnamese date
        assert calls[1].files.get("photo", 0) > 500  # the QR code, a PNG
        _, code = await make_invite(app)
        calls = await send(app, f"/start {code}", user_id=GUEST)
        assert "Chào mừng" in text(calls[0]) and calls[-1].buttons  # welcome, then the main menu
        assert "GRDP" in (await send(app, "grdp", user_id=GUEST))[-1].text
        await settle(app)
    async with start() as (app, _):  # restarted: the admission was loaded from SQLite into memory
        assert "GRDP" in (await send(app, "grdp", user_id=GUEST))[-1].text
        assert app.bot_data[ACCESS].invited(GUEST)


async def test_the_qr_code_is_a_png_that_holds_the_link(start) -> None:
    from bot.handlers.access_admin import qr_png

    data = qr_png("https://t.me/briefing_bot?start=" + codes.new_code())
    width, height = png_size(data)
    assert width == height and 300 <= width <= 1000  # printable: 10 px a module, a quiet zone


async def test_each_refusal_is_clear_and_distinct(start, invite_settings) -> None:
    async with start() as (app, _):
        _, single = await make_invite(app, "1 7")
        await send(app, f"/start {single}", user_id=GUEST)
        exhausted = text((await send(app, f"/start {single}", user_id=OTHER))[-1])
        number, withdrawn = await make_invite(app)
        await send(app, f"/thuhoi {number}", user_id=ADMIN)
        revoked = text((await send(app, f"/start {withdrawn}", user_id=OTHER))[-1])
        old = codes.new_code()
        store = app.bot_data["store"]
        AccessRepository(store.db).create(codes.digest(old), 5, int(time.time()) - 3600, ADMIN)
        expired = text((await send(app, f"/start {old}", user_id=OTHER))[-1])
        unknown = text((await send(app, f"/start {codes.new_code()}", user_id=OTHER))[-1])
        tampered = single[:10] + ("A" if single[10] != "A" else "B") + single[11:]
        forged = text((await send(app, f"/start {tampered}", user_id=OTHER))[-1])
        cut = text((await send(app, f"/start {single[:20]}", user_id=OTHER))[-1])
        assert "hết số lượt" in exhausted and "thu hồi" in revoked and "hết hạn" in expired
        assert "không nhận ra" in unknown and "hỏng" in forged and cut == forged
        day = datetime.fromtimestamp(int(time.time()) - 3600, HANOI)
        assert f"ngày {day.day} tháng {day.month} năm {day.year}" in expired
        answers = [exhausted, revoked, expired, unknown, forged]
        assert len(set(answers)) == len(answers)
        assert all("GRDP" not in a for a in answers)
        assert await send(app, "grdp", user_id=OTHER) != [] and not app.bot_data[ACCESS].admits(OTHER)
        with sqlite3.connect(invite_settings.database_path) as conn:
            rows = conn.execute("SELECT uses, max_uses FROM invites ORDER BY id").fetchall()
            assert rows[0] == (1, 1)  # refusals spent nothing
            stored = " ".join(r[0] for r in conn.execute("SELECT code_hash FROM invites"))
        assert single not in stored and codes.digest(single) in stored  # only the hash is kept


@pytest.mark.parametrize(("args", "expected"), [
    ("abc", "không phải số nguyên"), ("0", "từ 1 đến 1000"), ("100000 9999", "từ 1 đến 1000"),
    ("-5", "từ 1 đến 1000"), ("5 -1", "từ 1 đến 1000"), ("99999999999999999999", "từ 1 đến 1000"),
    ("1 2 3", "tối đa hai số"), ("１２", "không phải số nguyên"), ("<b>", "không phải số nguyên"),
])
async def test_bad_invite_arguments_get_a_clear_answer(start, args, expected) -> None:
    async with start() as (app, _):
        calls = await send(app, f"/invite {args}", user_id=ADMIN)
        assert [c.method for c in calls] == ["sendMessage"]
        assert expected in text(calls[0]) and "Cách dùng: /moi" in text(calls[0])
        assert "t.me" not in text(calls[0])


ADMIN_COMMANDS = ["/invite", "/moi 3 5", "/invites", "/dsmoi", "/revoke 1", "/thuhoi 1", "/remove 8",
                  "/xoaquyen 8", "/stats", "/thongke"]


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_admin_commands_answer_a_non_admin_as_an_unknown_command(start, command) -> None:
    async with start() as (app, _):
        unknown = await send(app, "/nosuchcommand", user_id=INSIDER)
        calls = await send(app, command, user_id=INSIDER)
        assert [c.method for c in calls] == ["sendMessage"]
        name = command.split()[0]
        assert text(calls[0]) == text(unknown[0]).replace("/nosuchcommand", name)


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_admin_commands_work_for_an_admin(start, command) -> None:
    async with start() as (app, _):
        await make_invite(app)
        await send(app, f"/start {(await make_invite(app))[1]}", user_id=GUEST)
        calls = await send(app, command, user_id=ADMIN)
        assert calls and all(c.ok for c in calls)
        shown = text(calls[0])
        assert "không tồn tại" not in shown and "Lệnh" not in shown[:5]
        name = command.split()[0]
        expected = {"/invite": "Lời mời #", "/moi": "tối đa 3 người", "/invites": "#1", "/dsmoi": "còn hiệu lực",
                    "/revoke": "Đã thu hồi lời mời #1", "/thuhoi": "Đã thu hồi", "/remove": "không còn quyền",
                    "/xoaquyen": "tạm dừng", "/stats": "Thống kê", "/thongke": "Bản tin"}[name]
        assert expected in shown, shown


async def test_admin_commands_refuse_a_group(start) -> None:
    async with start() as (app, _):
        calls = await send(app, "/invite", user_id=ADMIN, chat_id=-100900, chat_type="supergroup")
        assert "tin nhắn riêng" in text(calls[-1]) and "t.me" not in text(calls[-1])


async def test_revoke_and_remove_answer_bad_and_unknown_ids(start) -> None:
    async with start() as (app, _):
        for typed in ("/revoke", "/revoke abc", "/revoke 0", "/revoke -3", "/revoke 1 2"):
            assert "Cách dùng: /thuhoi" in text((await send(app, typed, user_id=ADMIN))[-1])
        assert "Không có lời mời #42" in text((await send(app, "/revoke 42", user_id=ADMIN))[-1])
        number, _ = await make_invite(app)
        await send(app, f"/revoke #{number}", user_id=ADMIN)
        pasted, code = await make_invite(app)  # the link itself, pasted back, names its invite
        calls = await send(app, f"/thuhoi https://t.me/x?start={code}", user_id=ADMIN)
        assert f"Đã thu hồi lời mời #{pasted}" in text(calls[-1])
        assert "trước đó" in text((await send(app, f"/revoke {number}", user_id=ADMIN))[-1])
        for typed in ("/remove", "/remove abc", "/remove 0", "/remove 1 2"):
            assert "Cách dùng: /xoaquyen" in text((await send(app, typed, user_id=ADMIN))[-1])
        assert "BOT_ALLOWLIST" in text((await send(app, f"/remove {INSIDER}", user_id=ADMIN))[-1])
        assert "không vào qua lời mời" in text((await send(app, "/remove 12345", user_id=ADMIN))[-1])


async def test_invite_codes_never_reach_a_log_line_at_debug(start) -> None:
    """Every record of every logger, at DEBUG, through a handler set up as the bot sets up its own
    (python-telegram-bot logs request parameters and updates at DEBUG: the code's shape is redacted)."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    raw: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            raw.append(record)

    keep = Keep()
    root.addHandler(keep)
    level = root.level
    root.setLevel(logging.DEBUG)
    install_redaction([], root)
    try:
        async with start() as (app, _):
            number, code = await make_invite(app, "2 3")
            await send(app, f"/start {code}", user_id=GUEST)
            await send(app, f"/start {code[:-1]}x", user_id=OTHER)
            await send(app, "/invites", user_id=ADMIN)
            await send(app, f"/revoke {number}", user_id=ADMIN)
            await send(app, f"/start {code}", user_id=OTHER)
    finally:
        root.setLevel(level)
        root.removeHandler(handler)
        root.removeHandler(keep)
        for f in list(handler.filters):
            handler.removeFilter(f)
    out = stream.getvalue()
    assert "Calling Bot API endpoint" in out  # DEBUG was on, and the library logged parameters
    assert code not in out and code[3:20] not in out and "inv<INVITE>" in out
    assert f"invite #{number}" in out  # what happened is still logged, by number
    ours = [r.getMessage() for r in raw if r.name.startswith("bot")]
    assert ours and not any(code[3:20] in m for m in ours)  # the bot's own records never carry it


async def test_remove_takes_access_back_at_once_pauses_the_digest_and_a_new_invite_resumes_it(
        start, invite_settings) -> None:
    clock = Clock(datetime(2026, 11, 26, 6, 0, tzinfo=HANOI))

    async def tick(app):
        return await runner.tick_now(app)

    async with start(**{runner.CLOCK: clock, runner.SCHEDULE: False}) as (app, _):
        _, code = await make_invite(app)
        await send(app, f"/start {code}", user_id=GUEST)
        assert "07:00" in text((await send(app, "/subscribe 7:00", user_id=GUEST))[-1])
        calls = await send(app, f"/xoaquyen {GUEST}", user_id=ADMIN)
        assert "không còn quyền" in text(calls[-1])
        calls = await send(app, "grdp", user_id=GUEST)  # at once: told how to get in, nothing more
        assert [c.method for c in calls] == ["sendMessage"] and "GRDP" not in calls[0].text
        clock.at = datetime(2026, 11, 26, 7, 0, tzinfo=HANOI)
        report = await tick(app)
        assert report.revoked == 1 and report.sent == 0
        with sqlite3.connect(invite_settings.database_path) as conn:  # paused, not deleted
            assert conn.execute("SELECT active FROM subscriptions WHERE chat_id = ?", (GUEST,)).fetchone() == (1,)
        stats = text((await send(app, "/stats", user_id=ADMIN))[-1])
        assert "Tạm dừng (không còn quyền truy cập): 1" in stats
        _, again = await make_invite(app)
        await send(app, f"/start {again}", user_id=GUEST)
        clock.at = datetime(2026, 11, 27, 7, 0, tzinfo=HANOI)
        report = await tick(app)
        assert report.sent == 1 and report.revoked == 0
    async with start() as (app, _):  # the removal and re-admission survive a restart
        assert app.bot_data[ACCESS].admits(GUEST)


async def test_a_removal_survives_a_restart(start) -> None:
    async with start() as (app, _):
        _, code = await make_invite(app)
        await send(app, f"/start {code}", user_id=GUEST)
        await send(app, f"/remove {GUEST}", user_id=ADMIN)
    async with start() as (app, _):
        assert not app.bot_data[ACCESS].admits(GUEST)
        calls = await send(app, "grdp", user_id=GUEST)
        assert "GRDP" not in calls[0].text


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at
