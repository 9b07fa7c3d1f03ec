"""Swap the pack: a second report, of another province and another term, runs every feature end to end.

tests/fixtures/otherpack is the (made-up) draft Political Report of Sơn Hà province for 2020-2025: its
own source text, sections, figures, items, notes, English overlay, search.yaml, briefings.yaml and
study.yaml, and a kinds.yaml and digest.yaml unlike the shipped pack's (figure kinds ``muc_tieu_2025``
and ``xep_hang``, a digest at 06:30 of three slots whose last takes a target and a task in turn,
``/bantin thiết lập``). Everything goes through the real Application over the fake Bot API: /start,
the menu walk, /about, lookups, /search, inline mode, the digest, /briefing and /targets, /quiz and
/chart, and all of it again in English.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.content import ContentPack
from bot.content.pack import load_pack
from bot.digest import runner
from bot.fakeapi import Call, FakeBotAPI, parse_html
from bot.handlers import quiz
from bot.i18n import Catalogues
from bot.render import callbacks as cb
from bot.render import digest as digest_view
from bot.render.original import original_parts
from bot.simulate import inline, press, press_button, running, send
from tests.conftest import make_app
from tests.ui_helpers import check_html, screen, walk

OTHERPACK = Path(__file__).parent / "fixtures" / "otherpack"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
USER = 1001


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def other_pack() -> ContentPack:
    return load_pack(OTHERPACK)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2020, 9, 14, 6, 0, tzinfo=HANOI))  # a Monday


@pytest.fixture
async def other_app(settings: Settings, catalogues: Catalogues, other_pack: ContentPack, clock: Clock,
                    handler_errors: list[BaseException]) -> AsyncIterator[Any]:
    app = make_app(settings, FakeBotAPI(), other_pack, catalogues, handler_errors)
    app.bot_data[runner.CLOCK] = clock
    app.bot_data[runner.SCHEDULE] = False
    app.bot_data[quiz.SCHEDULE] = False
    async with running(app):
        yield app
    assert not handler_errors, handler_errors


def fake(app: Any) -> FakeBotAPI:
    request = app.bot.request
    assert isinstance(request, FakeBotAPI)
    return request


def shown(call: Call) -> str:
    return parse_html(call.text or "")


def labels(call: Call) -> list[str]:
    return [b["text"] for b in call.buttons]


def test_it_is_another_report_with_its_own_kinds_and_digest(other_pack: ContentPack, content_pack: ContentPack):
    assert (other_pack.meta.province, other_pack.meta.term) == ("Sơn Hà", "2020-2025")
    assert (content_pack.meta.province, content_pack.meta.term) != ("Sơn Hà", "2020-2025")
    assert not set(other_pack.kinds.figures) & set(content_pack.kinds.figures)  # its own kinds...
    assert other_pack.role(other_pack.figures["thu-nhap-2025"]) == "target"  # ...with the bot's roles
    assert other_pack.role(other_pack.figures["pci-xep-hang"]) == "rank"
    assert other_pack.digest.minute == 6 * 60 + 30
    assert [s.id for s in other_pack.digest.slots] == ["so_lieu", "thanh_tich", "ke_hoach"]
    assert other_pack.briefings is not None and other_pack.study is not None
    assert other_pack.lexicon.synonyms  # its own search.yaml


async def test_start_menu_and_about(other_app: Any, other_pack: ContentPack) -> None:
    calls = await send(other_app, "/start")
    welcome, menu = (c for c in calls if c.method == "sendMessage")
    assert "Sơn Hà" in shown(welcome) and "Dự thảo trình Đại hội XVII" in shown(welcome)
    assert labels(menu)[: len(other_pack.menu)] == [e.title.vi for e in other_pack.menu]
    assert {"📰 Bản tin hằng ngày", "⚙️ Ngôn ngữ"} <= set(labels(menu))
    about = shown(screen(await send(other_app, "/about")))
    for words in ("Sơn Hà", "2020-2025", "2.1.0", "Đại hội đại biểu Đảng bộ tỉnh Sơn Hà lần thứ XVII"):
        assert words in about, words


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_the_menu_walk_reaches_every_item_figure_note_and_section(other_app: Any, other_pack: ContentPack,
                                                                         lang: str) -> None:
    seen = await walk(other_app, other_pack.fingerprint, lang=lang)
    decoded = [cb.decode(d, other_pack.fingerprint) for d in seen]
    assert {d.item for d in decoded if isinstance(d, cb.ItemCard)} == set(other_pack.items)
    assert {d.figure for d in decoded if isinstance(d, cb.FigureCard)} == set(other_pack.figures)
    assert {d.note for d in decoded if isinstance(d, cb.NoteCard)} == {n.id for n in other_pack.notes}
    parts = {(d.section, d.part) for d in decoded if isinstance(d, cb.Original)}
    assert {(s, k) for s in other_pack.sections for k in range(len(original_parts(other_pack, s)))} <= parts
    texts = "\n".join(shown(c) for c in seen.values() if c.method == "editMessageText" and c.ok)
    if lang == "vi":
        assert "Chỉ tiêu nhiệm kỳ tới" in texts  # a target of the coming term, whatever its kind is called
        assert "thứ 21 cả nước" in texts  # a rank of kind xep_hang reads as a rank
        assert "Dự thảo trình Đại hội XVII" in texts  # forward kinds (kinds.yaml) carry the notice
    else:
        assert "Average income per person in 2025" in texts and "3,000 USD" in texts
        assert "21st nationwide" in texts and "Target for the coming term" in texts
        assert "Nguyên văn" not in texts


async def test_figure_lookups_answer_from_this_report(other_app: Any) -> None:
    card = shown(screen(await send(other_app, "thu ngan sach")))
    assert "Thu ngân sách năm 2020" in card and "5.400 tỷ đồng" in card
    card = shown(screen(await send(other_app, "pci")))
    assert "Xếp hạng năng lực cạnh tranh cấp tỉnh" in card and "thứ 21 cả nước" in card
    card = shown(screen(await send(other_app, "thu nhap binh quan 2025")))
    assert "3.000 USD" in card and "Chỉ tiêu nhiệm kỳ tới" in card and "Dự thảo trình Đại hội XVII" in card
    other_place = shown(screen(await send(other_app, "tăng trưởng của Hà Nội")))
    assert "Hà Nội" in other_place and "5.400" not in other_place  # another province: not this report's


async def test_search_and_inline(other_app: Any) -> None:
    results = screen(await send(other_app, "/tim hạ tầng giao thông"))
    check_html(results.text or "")
    assert "<b>hạ tầng giao thông</b>" in (results.text or "") and "Nhiệm vụ" in shown(results)
    calls = await inline(other_app, "ho ngheo")
    answer = next(c for c in calls if c.method == "answerInlineQuery")
    titles = [r["title"] for r in answer.params["results"]]
    assert any("Tỷ lệ hộ nghèo" in t for t in titles), titles


async def test_the_digest_follows_the_packs_slots_time_and_words(other_app: Any, clock: Clock) -> None:
    offer = screen(await send(other_app, "/bantin thiết lập"))  # the pack's word for settings
    assert "Mỗi sáng một bản tin ngắn về dự thảo của tỉnh Sơn Hà" in shown(offer)
    assert "✅ Đăng ký nhận lúc 06:30" in labels(offer)  # the pack's default time, not 07:00
    subscribed = shown(screen(await send(other_app, "/dangky")))
    assert "06:30" in subscribed
    settings = screen(await send(other_app, "/bantin thiet lap"))
    assert "Giờ nhận: 06:30" in shown(settings)
    picker = screen(await press_button(other_app, "🕖 Giờ: 06:30"))
    assert [t.removeprefix("✓ ") for t in labels(picker)[:3]] == ["06:00", "06:30", "19:00"]
    clock.at = datetime(2020, 9, 14, 6, 30, tzinfo=HANOI)
    assert (await runner.tick_now(other_app)).sent == 1
    clock.at = datetime(2020, 9, 15, 6, 30, tzinfo=HANOI)
    assert (await runner.tick_now(other_app)).sent == 1
    first, second = (c for c in fake(other_app).calls("sendMessage", USER) if "Bản tin số" in (c.text or ""))
    text = shown(first)
    assert "🔢 Số liệu trong ngày — " in text and "🏅 Nhìn lại nhiệm kỳ trước — " in text
    assert "🎯 Chỉ tiêu nhiệm kỳ 2020-2025 — " in text  # a target, then...
    assert "🛠 Nhiệm vụ nhiệm kỳ 2020-2025 — " in shown(second)  # ...a task: the slot alternates
    kinds = {type(cb.decode(b["callback_data"], other_pack_fingerprint(other_app))) for b in first.buttons}
    assert {digest_view.DigestFigure, digest_view.DigestItem, digest_view.DigestOpen} <= kinds
    assert labels(first)[0].startswith("🔢 ")


async def test_briefings_targets_quiz_and_charts(other_app: Any) -> None:
    brief = shown(screen(await send(other_app, "/tomtat kinh te")))
    assert "Kinh tế tăng trưởng nhanh" in brief and "8,2%/năm" in brief
    calls = await send(other_app, "/chitieu")
    targets = "\n".join(shown(c) for c in calls if c.method == "sendMessage")
    assert "Chỉ tiêu đến năm 2025" in targets and "3.000 USD" in targets and "dưới 2%" in targets
    assert "Chỉ tiêu nhiệm kỳ 2015-2020" in targets
    calls = await send(other_app, "/tracnghiem 2")
    poll = next(c for c in calls if c.method == "sendPoll")
    assert poll.params["type"] == "quiz" and poll.params["question"].startswith("Câu 1/2: ")
    photo = next(c for c in await send(other_app, "/bieudo tang truong") if c.method == "sendPhoto")
    assert photo.files and "Tăng trưởng kinh tế" in shown(photo)


async def test_everything_in_english(other_app: Any, clock: Clock) -> None:
    await send(other_app, "/lang en", lang="en")
    menu = screen(await send(other_app, "/menu", lang="en"))
    assert "🎯 Targets for 2025" in labels(menu)
    about = shown(screen(await send(other_app, "/about", lang="en")))
    assert "17th Congress of the Sơn Hà Provincial Party" in about
    card = shown(screen(await send(other_app, "income", lang="en")))
    assert "Average income per person in 2025" in card and "3,000 USD" in card
    assert "Source: Part II, section 1" in card  # the English overlay's citation words
    await send(other_app, "/subscribe", lang="en")
    clock.at = datetime(2020, 9, 14, 6, 30, tzinfo=HANOI)
    await runner.tick_now(other_app)
    digest = next(c for c in fake(other_app).calls("sendMessage", USER) if "Digest No." in (c.text or ""))
    text = shown(digest)
    assert "🔢 Today's figure — " in text and "🎯 A target of 2020-2025 — " in text
    assert "A draft for Sơn Hà's 17th Congress" in text
    brief = shown(screen(await send(other_app, "/briefing economy", lang="en")))
    assert "Fast economic growth" in brief
    press_calls = await press(other_app, cb.encode(cb.Language("vi"), other_pack_fingerprint(other_app)), lang="en")
    assert "tiếng Việt" in shown(screen(press_calls))


def other_pack_fingerprint(app: Any) -> str:
    pack: ContentPack = app.bot_data["pack"]
    return pack.fingerprint
