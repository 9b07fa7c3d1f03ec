"""Quizzes end to end: the real Application over FakeBotAPI, a controllable clock, ticks taken by hand.

A group series with several players and its scoreboard, a private series with its running score and
review, a restart in the middle of a series, the per-group "who may start" setting, /quiz top, and
every kind of bad input.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.fakeapi import FakeBotAPI, parse_html
from bot.render import callbacks as cb
from bot.simulate import chat_json, poll_answer, press, send
from bot.store import Store
from bot.store.study_repo import StudyRepository
from bot.study.series import GROUP_PAUSE, MAX_QUESTIONS, STANDING_DAYS
from tests.study_harness import Harness, correct, option_texts, poll_id, polls, wrong

GROUP = -100500
ADMIN, MEMBER, THIRD = 1001, 1002, 1003


@pytest.fixture
def harness(settings: Any, content_pack: Any, catalogues: Any, search_index: Any) -> Harness:
    return Harness(settings, content_pack, catalogues, search_index)


async def group_send(app: Any, text: str, user_id: int = ADMIN, first_name: str = "An") -> list[Any]:
    return await send(app, text, user_id=user_id, chat_id=GROUP, chat_type="supergroup", first_name=first_name)


def texts(calls: list[Any]) -> list[str]:
    return [parse_html(c.text) for c in calls if c.method == "sendMessage" and c.ok and c.text]


def check_poll(call: Any, number: int, total: int) -> None:
    params = call.params
    assert params["type"] == "quiz"
    assert params["is_anonymous"] is False
    assert params["question"].startswith(f"Câu {number}/{total}: ")
    assert len(params["question"]) <= 300
    options = option_texts(call)
    assert 3 <= len(options) <= 6 and len(set(options)) == len(options)
    assert all(1 <= len(o) <= 100 for o in options)
    assert 0 <= correct(call) < len(options)
    assert params["explanation"].startswith("✅ " + options[correct(call)])
    assert len(params["explanation"]) <= 200
    # Plain text everywhere (a "<" in a question must not be read as HTML).
    assert not {"question_parse_mode", "explanation_parse_mode"} & set(params)
    assert all("text_parse_mode" not in o for o in params["options"])


async def test_group_series_with_several_players_ends_with_the_scoreboard(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        calls = await group_send(app, "/quiz 3")
        intro = texts(calls)[0]
        assert "Trắc nghiệm về báo cáo: 3 câu hỏi" in intro
        assert f"Cứ {GROUP_PAUSE} giây một câu hỏi" in intro
        assert harness.pack.meta.status_notice.split(";")[0] in intro  # the draft's status
        first = polls(fake, GROUP)
        assert len(first) == 1
        check_poll(first[0], 1, 3)
        assert first[0].params["open_period"] == GROUP_PAUSE  # Telegram closes it when the next comes

        # A second series cannot start while this one runs.
        busy = await group_send(app, "/quiz 5", user_id=MEMBER)
        assert not [c for c in busy if c.method == "sendPoll"]
        assert "đang có một lượt trắc nghiệm (câu 1/3)" in texts(busy)[0]

        # Answers: An right every time, Bình wrong every time, Chi right twice then silent.
        players = ((ADMIN, "An"), (MEMBER, "Bình"), (THIRD, "Chi"))
        for number in range(1, 4):
            call = polls(fake, GROUP)[-1]
            check_poll(call, number, 3)
            for user_id, name in players:
                if user_id == THIRD and number == 3:
                    continue
                option = wrong(call) if user_id == MEMBER else correct(call)
                await poll_answer(app, poll_id(call), [option], user_id=user_id, first_name=name)
            # a second vote by the same user is not counted twice
            await poll_answer(app, poll_id(call), [correct(call)], user_id=MEMBER, first_name="Bình")
            assert await harness.tick(app, GROUP_PAUSE - 1) == 0  # not yet due
            await harness.tick(app, 1)
        assert len(polls(fake, GROUP)) == 3
        board = parse_html(fake.last("sendMessage", GROUP).text)
        assert board.startswith("🏆 Bảng điểm: 3 câu hỏi")
        lines = board.splitlines()
        assert lines[1] == "🥇 An: 3/3"
        assert lines[2] == "🥈 Chi: 2/3"
        assert lines[3] == "3. Bình: 0/3"  # a medal is for getting something right
        assert harness.pack.meta.status_notice.split(";")[0] in board
        # The series is over: a new one may start; nothing more is due.
        assert await harness.tick(app, GROUP_PAUSE * 3) == 0
        again = await group_send(app, "/quiz 2", user_id=MEMBER, first_name="Bình")
        assert [c for c in again if c.method == "sendPoll"]


async def test_group_standing_over_30_days(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        await group_send(app, "/quiz 1")
        call = polls(fake, GROUP)[-1]
        await poll_answer(app, poll_id(call), [correct(call)], user_id=ADMIN, first_name="An")
        await poll_answer(app, poll_id(call), [wrong(call)], user_id=MEMBER, first_name="Bình <b>")
        await harness.tick(app, GROUP_PAUSE)
        top = await group_send(app, "/quiz top")
        text = texts(top)[0]
        assert "Bảng xếp hạng của nhóm, 30 ngày qua" in text
        assert "🥇 An: đúng 1/1" in text and "2. Bình <b>: đúng 0/1" in text  # no medal for 0 right; a name is escaped (parse_html shows it)
        harness.clock.advance((STANDING_DAYS + 1) * 86400)
        later = texts(await group_send(app, "/quiz top"))[0]
        assert "Chưa có câu trả lời nào trong 30 ngày qua" in later


async def test_private_quiz_keeps_a_running_score_and_ends_with_a_review(harness: Harness) -> None:
    fake = FakeBotAPI()
    user = 2001
    async with harness.start(fake) as app:
        calls = await send(app, "/tracnghiem 3", user_id=user)
        assert "Đồng chí chọn một đáp án" in texts(calls)[0]
        answers = []
        for number, right in ((1, False), (2, True), (3, False)):
            call = polls(fake, user)[-1]
            check_poll(call, number, 3)
            assert "open_period" not in call.params  # a private quiz waits for the answer
            option = correct(call) if right else wrong(call)
            answers.append((call, option))
            reply = texts(await poll_answer(app, poll_id(call), [option], user_id=user))
            score = f"Điểm: {1 if number > 1 else 0}/{number} (trong 3 câu)"
            assert reply[0].startswith("✅ Đúng!" if right else "❌ Chưa đúng: đáp án là " + option_texts(call)[correct(call)])
            assert score in reply[0]
        assert len(polls(fake, user)) == 3  # each next question came with the answer, no waiting
        review_call = fake.last("sendMessage", user)
        review = parse_html(review_call.text)
        assert review.startswith("🏁 Kết thúc trắc nghiệm: đúng 1/3 câu")
        missed = [call for call, option in answers if option != correct(call)]
        for call in missed:
            right_text = option_texts(call)[correct(call)]
            assert f"Đáp án: {right_text}" in review
            assert f"Đồng chí chọn: {option_texts(call)[wrong(call)]}" in review
        assert harness.pack.meta.status_notice.split(";")[0] in review
        # Each missed question comes with its card: a button that opens it.
        buttons = review_call.buttons
        assert len(buttons) == len(missed)
        for button in buttons:
            data = cb.decode(button["callback_data"], harness.pack.fingerprint)
            assert isinstance(data, cb.FigureCard | cb.ItemCard)
        opened = await press(app, buttons[0]["callback_data"], user_id=user)
        card = next(c for c in opened if c.method == "editMessageText")
        assert "📍" in parse_html(card.text)
        # The series is closed; its answers count for /quiz top.
        own = texts(await send(app, "/quiz top", user_id=user))[0]
        assert "đúng 1/3 câu" in own


async def test_a_series_survives_a_restart_and_finishes(harness: Harness) -> None:
    first_fake = FakeBotAPI()
    async with harness.start(first_fake) as app:
        await group_send(app, "/quiz 2")
        call = polls(first_fake, GROUP)[-1]
        await poll_answer(app, poll_id(call), [correct(call)], user_id=ADMIN, first_name="An")
    # The bot is down for a while; the second question's time passes meanwhile.
    harness.clock.advance(GROUP_PAUSE * 4)
    second_fake = FakeBotAPI()
    second_fake._polls = 100  # Telegram's poll ids are unique across restarts; the fake's restart at 1
    async with harness.start(second_fake) as app:
        # An answer to the first poll that arrives after the restart still counts.
        await poll_answer(app, poll_id(call), [wrong(call)], user_id=MEMBER, first_name="Bình")
        await harness.tick(app)
        resumed = polls(second_fake, GROUP)
        assert len(resumed) == 1
        check_poll(resumed[0], 2, 2)
        await poll_answer(app, poll_id(resumed[0]), [correct(resumed[0])], user_id=ADMIN, first_name="An")
        await harness.tick(app, GROUP_PAUSE)
        board = parse_html(second_fake.last("sendMessage", GROUP).text)
        assert "🥇 An: 2/2" in board and "2. Bình: 0/2" in board
    store = Store.open(harness.settings.database_path)
    try:
        rows = store.db.conn.execute("SELECT status, sent, total FROM quiz_series").fetchall()
        assert [tuple(r) for r in rows] == [("finished", 2, 2)]
        assert len(StudyRepository(store.db).answers_of(1)) == 3
    finally:
        store.close()


async def test_admins_only_setting(harness: Harness) -> None:
    fake = FakeBotAPI()
    fake.set_member_status(GROUP, ADMIN, "administrator")
    async with harness.start(fake) as app:
        refused = await group_send(app, "/quiz settings", user_id=MEMBER)
        assert "Chỉ quản trị viên được thay đổi cài đặt" in texts(refused)[0]
        page = await group_send(app, "/quiz settings")
        assert "Ai được bắt đầu trắc nghiệm: Mọi thành viên" in texts(page)[0]
        admins_button = next(b for b in page[-1].buttons if "Chỉ quản trị viên" in b["text"])
        pressed = await press(app, admins_button["callback_data"], user_id=MEMBER, chat_id=GROUP,
                              chat_type="supergroup")
        alert = next(c for c in pressed if c.method == "answerCallbackQuery")
        assert alert.params.get("show_alert") is True
        pressed = await press(app, admins_button["callback_data"], user_id=ADMIN, chat_id=GROUP,
                              chat_type="supergroup")
        edited = next(c for c in pressed if c.method == "editMessageText")
        assert "Ai được bắt đầu trắc nghiệm: Chỉ quản trị viên" in parse_html(edited.text)
        member_try = await group_send(app, "/quiz 2", user_id=MEMBER)
        assert not [c for c in member_try if c.method == "sendPoll"]
        assert "chỉ quản trị viên được bắt đầu" in texts(member_try)[0]
        admin_try = await group_send(app, "/quiz 2")
        assert [c for c in admin_try if c.method == "sendPoll"]
        # Only the starter or an admin may stop it; the stop button works once.
        stop_button = next(c for c in admin_try if c.method == "sendMessage").buttons[0]
        nope = await press(app, stop_button["callback_data"], user_id=MEMBER, chat_id=GROUP, chat_type="supergroup")
        assert next(c for c in nope if c.method == "answerCallbackQuery").params.get("show_alert") is True
        stopped = await press(app, stop_button["callback_data"], user_id=ADMIN, chat_id=GROUP, chat_type="supergroup")
        assert "Đã dừng lượt trắc nghiệm" in texts(stopped)[0]
        assert await harness.tick(app, GROUP_PAUSE) == 0
        twice = await press(app, stop_button["callback_data"], user_id=ADMIN, chat_id=GROUP, chat_type="supergroup")
        assert "đã kết thúc" in next(c for c in twice if c.method == "answerCallbackQuery").params["text"]


async def test_topic_alias_and_english(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        await send(app, "/tracnghiem 4 kinh te", user_id=3001)
        study = harness.pack.study
        economy = set(study.question_ids("economy"))
        repo = app.bot_data["quiz"].repo
        series = repo.running(3001)
        assert series is not None and series.topic == "economy" and set(series.questions) <= economy
        calls = await send(app, "/quiz 2 lessons", user_id=3002, lang="en")
        intro = texts(calls)[0]
        assert "Quiz on the report: 2 questions · Lessons learned" in intro
        call = polls(fake, 3002)[-1]
        assert call.params["question"].startswith("Question 1/2: ")
        assert "(Part I, section " in call.params["explanation"]


@pytest.mark.parametrize(("text", "expected"), [
    ("/quiz 0", "từ 1 đến 10 câu hỏi"),
    (f"/quiz {MAX_QUESTIONS + 1}", "từ 1 đến 10 câu hỏi"),
    ("/quiz 5 <b>thiên văn</b>", "Không có chủ đề trắc nghiệm “<b>thiên văn</b>”"),
    ("/quiz " + "x" * 500, "quá dài"),
    ("/quiz stop", "không có lượt trắc nghiệm nào"),
    ("/quiz settings", "dành cho nhóm"),
    ("/quiz help", "Chủ đề:"),
    ("/quiz top", "chưa trả lời câu trắc nghiệm nào"),
])
async def test_bad_or_other_input_gets_a_clear_answer(harness: Harness, text: str, expected: str) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        calls = await send(app, text, user_id=4001)
        assert not [c for c in calls if c.method == "sendPoll"]
        assert expected in texts(calls)[0]


async def test_foreign_votes_forged_buttons_and_a_second_private_quiz(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        assert await poll_answer(app, "no-such-poll", [0], user_id=5001) == []
        voter_chat = {"poll_answer": {"poll_id": "1", "voter_chat": chat_json(GROUP, "supergroup"), "option_ids": [0],
                                      "option_persistent_ids": ["0"]}}
        from bot.simulate import feed

        assert await feed(app, voter_chat) == []
        forged = await press(app, "ffffqx:12", user_id=5001)
        assert forged[0].method == "answerCallbackQuery"
        stale = await press(app, cb.encode(cb.registered()["qx"](series="999"), harness.pack.fingerprint),
                            user_id=5001)
        assert "đã kết thúc" in stale[0].params["text"]
        await send(app, "/quiz 2", user_id=5001)
        again = await send(app, "/quiz 3", user_id=5001)  # a private quiz replaces the earlier one
        assert "Lượt trắc nghiệm trước của đồng chí đã dừng" in texts(again)[0]
        assert polls(fake, 5001)[-1].params["question"].startswith("Câu 1/3: ")
        # The old poll no longer moves anything on.
        old = polls(fake, 5001)[0]
        quiet = await poll_answer(app, poll_id(old), [correct(old)], user_id=5001)
        assert not [c for c in quiet if c.method in ("sendPoll", "sendMessage")]


async def test_a_group_that_refuses_polls_ends_the_series(harness: Harness) -> None:
    fake = FakeBotAPI()
    fake.fail("sendPoll", 400, "Bad Request: not enough rights to send polls to the chat", chat_id=GROUP)
    async with harness.start(fake) as app:
        calls = await group_send(app, "/quiz 2")
        assert "Không gửi được câu hỏi trắc nghiệm vào đây" in texts(calls)[-1]
        assert await harness.tick(app, GROUP_PAUSE) == 0
        retry = await group_send(app, "/quiz 2")
        assert [c for c in retry if c.method == "sendPoll" and c.ok]


async def test_a_network_failure_is_retried_on_a_later_tick(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        await group_send(app, "/quiz 2")
        fake.fail("sendPoll", 502, "Bad Gateway", chat_id=GROUP)
        await harness.tick(app, GROUP_PAUSE)
        assert len(polls(fake, GROUP)) == 1
        harness.errors.clear()  # the job's failure is logged, not raised; nothing else may have failed
        await harness.tick(app, 20)
        assert len(polls(fake, GROUP)) == 2
        check_poll(polls(fake, GROUP)[-1], 2, 2)
