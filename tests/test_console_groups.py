"""The console plays groups: a meeting's briefs, pins and readers watched in one session."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram.ext import PollAnswerHandler

from bot.console import Console, console_session
from bot.console_play import GROUP_ID, ConsoleClock, Director
from bot.handlers import meetings


async def test_a_meeting_in_one_console_session(settings, content_pack, catalogues) -> None:
    lines = [
        "!clock 05/01/2030 06:00", "!group admin", "!pin on", "/meeting mai 8h kinh tế", "!user 2002 Bình",
        "/meeting cancel 1", "!clock 05/01/2030 08:00", "1", "!pinned", "!user 1001 An", "!admin",
        "/meeting readers", "!clock 06/01/2030 07:30", "!clock +5h", "!pinned",
        "!private", "/briefing", "!clock 01/01/2030 00:00", "!vote 1", "!nonsense",
    ]
    out = io.StringIO()
    assert await console_session(settings, lines, out, pack=content_pack, catalogues=catalogues, echo=True) == 0
    text = out.getvalue()
    assert "(you are now in the group “Chi bộ thử nghiệm” as An, its administrator)" in text
    assert "Đã đặt lịch họp" in text
    assert "chỉ quản trị viên" in text  # Bình is a plain member
    assert "bot › 📅 Cuộc họp lúc 08:00, Chủ nhật, ngày 6 tháng 1 năm 2030" in text and "Còn 24 giờ" in text
    assert "Còn 30 phút" in text
    assert "[1] ✅ Đã đọc   [2] 📄 Bản in (Word)" in text
    assert "bot 📌 pinned message #" in text
    assert "bot (notice) › Cảm ơn đồng chí" in text  # Bình pressed "Đã đọc"
    assert "1. Bình (" in text  # the chair sees who confirmed
    assert "bot 📌 unpinned message #" in text
    assert "(pinned here: nothing)" in text
    assert "(the clock only moves forward)" in text
    assert "(no poll in this chat to vote in)" in text
    assert "(unknown console command !nonsense" in text


async def test_voting_in_a_poll_reaches_the_bot(app, fake_api) -> None:
    answers = []

    async def record(update, context) -> None:
        answers.append(update.poll_answer.option_ids)

    app.add_handler(PollAnswerHandler(record), group=99)  # the quiz answers polls in group 0
    out = io.StringIO()
    console = Console(app, fake_api, out)
    console.director = Director(ConsoleClock(ZoneInfo("Asia/Ho_Chi_Minh"), datetime(2026, 11, 26, 6, 0)))
    await app.bot.send_poll(1001, "Câu hỏi?", ["A", "B", "C"], is_anonymous=False)
    await console.handle_line("!vote 2")
    assert answers == [(1,)]
    assert "you voted: B" in out.getvalue()
    await console.handle_line("!vote 9")
    assert "usage: !vote N" in out.getvalue()


async def test_the_console_clock_drives_the_meeting_service(settings, content_pack, catalogues) -> None:
    out = io.StringIO()
    lines = ["!group admin", "/meeting hôm nay 23:59 kinh tế", "!clock 31/12 23:30", "!clock"]
    await console_session(settings, lines, out, pack=content_pack, catalogues=catalogues, echo=True)
    assert "(the clock moves to 23:30, 31/12/" in out.getvalue()
    assert meetings.CLOCK and GROUP_ID < 0
