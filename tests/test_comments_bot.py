"""Comments on the draft end to end: the real Application over FakeBotAPI, a controllable clock, and a
restart as a new Application over the same database. Each test asserts on the Bot API calls made."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta

import pytest

from bot.fakeapi import parse_html
from bot.handlers import comments
from bot.render import callbacks as cb
from bot.render import comments as view
from bot.simulate import last_buttons, press, press_button, send
from tests.comments_helpers import (
    SECTION,
    Clock,
    answer,
    data,
    hanoi,
    harness,
    open_original,
    repo,
    shown,
    start_comment,
    write_comment,
)


@pytest.fixture
def clock() -> Clock:
    return Clock(hanoi(26, 9))


@pytest.fixture
def start(settings, content_pack, catalogues, search_index, clock):
    return harness(settings, content_pack, catalogues, search_index, clock)


# --- the button where a cadre reads -----------------------------------------------------------------------


async def test_the_button_is_under_every_original_text_and_item_card(app, content_pack):
    item = next(iter(content_pack.items.values()))
    for screen_data, section in ((cb.Original(SECTION), SECTION), (cb.ItemCard(item.id), item.source)):
        await send(app, "/menu")
        await press(app, cb.encode(screen_data, content_pack.fingerprint))
        button = next(b for b in last_buttons(app) if b["text"] == "✍️ Góp ý mục này")
        assert cb.decode(button["callback_data"], content_pack.fingerprint) == view.CommentOpen(section)


@pytest.mark.parametrize(("stance", "text", "stored"), [
    ("✅ Tán thành", None, ("agree", "")),
    ("✅ Tán thành", "Nhất trí, đề nghị giữ nguyên.", ("agree", "Nhất trí, đề nghị giữ nguyên.")),
    ("❌ Không tán thành", "Đề nghị đánh giá sát hơn tốc độ tăng trưởng công nghiệp.",
     ("disagree", "Đề nghị đánh giá sát hơn tốc độ tăng trưởng công nghiệp.")),
    ("🔶 Đồng ý một phần", "Đồng ý, nhưng cần nêu rõ hạn chế về lao động.",
     ("partly", "Đồng ý, nhưng cần nêu rõ hạn chế về lao động.")),
])
async def test_the_whole_flow_for_each_stance(app, clock, stance, text, stored):
    app.bot_data[comments.CLOCK] = clock
    prompt = await start_comment(app, stance=stance)
    said = shown(prompt)
    assert "Phần I, mục I.1.1 — Công nghiệp - xây dựng" in said and stance in said
    assert "tối đa 2.000 ký tự" in said
    labels = [b["text"] for b in last_buttons(app)]
    assert ("➡️ Không thêm nội dung" in labels) is (stance == "✅ Tán thành"), "a text is optional only when agreeing"
    preview = shown(await write_comment(app, text, stance=stance, begun=True))
    assert f"Ý kiến: {stance}" in preview
    assert (text or "(không có nội dung)") in preview
    assert "Đối tượng: Đảng viên · Đơn vị: Chi bộ thôn Đông" in preview
    assert [b["text"] for b in last_buttons(app)][:3] == ["📨 Gửi", "✏️ Sửa", "✖️ Hủy"]
    assert repo(app).all() == [], "nothing is sent before Send"
    sent = shown(await press_button(app, "Gửi"))
    assert "Đã gửi góp ý của đồng chí về Phần I, mục I.1.1 — Công nghiệp - xây dựng. Cảm ơn đồng chí." in sent
    [comment] = repo(app).all()
    assert (comment.stance, comment.body) == stored
    assert (comment.audience, comment.unit, comment.user_id) == ("party_member", "Chi bộ thôn Đông", 1001)
    assert (comment.place.anchor, comment.place.reference, comment.place.part_id) == ("I.1.1", "Phần I, mục I.1.1",
                                                                                       "p1")
    assert comment.created_at == int(clock.at.timestamp())
    assert repo(app).drafts(1001) == [], "the draft became the comment"


async def test_audience_and_unit_are_asked_once_remembered_and_changeable(app):
    await write_comment(app, "Ý kiến thứ nhất.", audience="Cán bộ, công chức", unit="Sở Công Thương")
    await press_button(app, "Gửi")
    second = await write_comment(app, "Ý kiến thứ hai.", section="p1.I.1.2", audience=None)
    assert "Đối tượng: Cán bộ, công chức · Đơn vị: Sở Công Thương" in shown(second), "remembered, not asked again"
    asked = await press_button(app, "Đối tượng, đơn vị")
    assert "• Cán bộ, công chức" in [b["text"] for b in last_buttons(app)], shown(asked)
    await press_button(app, "Người dân")
    assert "↩️ Giữ: Sở Công Thương" in [b["text"] for b in last_buttons(app)]
    back = await press_button(app, "Không ghi đơn vị")
    assert "Xem lại góp ý" in shown(back) and "Đối tượng: Người dân" in shown(back) and "Đơn vị" not in shown(back)
    await press_button(app, "Gửi")
    first, latest = repo(app).mine(1001)
    assert (first.audience, first.unit) == ("cadre", "Sở Công Thương"), "a sent comment keeps what was said then"
    assert (latest.audience, latest.unit) == ("citizen", None)
    mine = shown(await send(app, "/gopy của tôi"))
    assert "Góp ý của đồng chí (2)" in mine and "👤 Đối tượng: Người dân" in mine


# --- edit, withdraw ----------------------------------------------------------------------------------------


async def test_a_comment_is_edited_in_place_one_per_section(app, clock):
    app.bot_data[comments.CLOCK] = clock
    await write_comment(app, "Bản đầu.")
    await press_button(app, "Gửi")
    created = int(clock.at.timestamp())
    clock.at += timedelta(hours=2)
    mine = shown(await send(app, "/comment mine", lang="vi"))
    assert "1. Phần I, mục I.1.1 — Công nghiệp - xây dựng" in mine and "Bản đầu." in mine
    page = shown(await press_button(app, "1. I.1.1"))
    assert "Góp ý của đồng chí" in page and "❌ Không tán thành" in page
    stances = shown(await press_button(app, "✏️ Sửa"))
    assert "• ❌ Không tán thành" in [b["text"] for b in last_buttons(app)], stances
    prompt = shown(await press_button(app, "🔶 Đồng ý một phần"))
    assert "Nội dung hiện tại:" in prompt and "Bản đầu." in prompt
    preview = shown(await send(app, "Bản sửa: đồng ý một phần."))
    assert "Góp ý này sẽ thay cho góp ý đồng chí đã gửi lúc 09:00 thứ Năm, ngày 26 tháng 11 năm 2026." in preview
    done = shown(await press_button(app, "Gửi"))
    assert "Đã sửa góp ý của đồng chí về Phần I, mục I.1.1" in done
    [comment] = repo(app).all()
    assert (comment.stance, comment.body) == ("partly", "Bản sửa: đồng ý một phần.")
    assert (comment.created_at, comment.updated_at) == (created, created + 7200)
    # the same again: still one comment, nothing changed
    await press(app, data(app, view.CommentAction("change", SECTION)))
    await press_button(app, "🔶 Đồng ý một phần")
    await press_button(app, "Giữ nội dung hiện tại")
    again = shown(await press_button(app, "Gửi"))
    assert "đã như vậy, không có gì thay đổi" in again
    assert len(repo(app).all()) == 1 and repo(app).all()[0].updated_at == created + 7200


async def test_a_comment_is_withdrawn(app):
    await write_comment(app, "Sẽ rút.")
    await press_button(app, "Gửi")
    await send(app, "/gopy cua toi")
    await press_button(app, "1. I.1.1")
    ask = shown(await press_button(app, "🗑 Rút góp ý"))
    assert "Rút góp ý của đồng chí về Phần I, mục I.1.1" in ask and repo(app).all()
    done = shown(await press_button(app, "Đồng ý rút"))
    assert "Đã rút góp ý của đồng chí về Phần I, mục I.1.1" in done
    assert repo(app).all() == []
    assert "Đồng chí chưa góp ý mục nào." in shown(await send(app, "/gopy của tôi"))
    twice = await press(app, data(app, view.CommentAction("confirm", SECTION)))
    assert answer(twice)["text"] == "Đồng chí chưa có góp ý về mục này."


async def test_cancel_discards_the_draft(app):
    await write_comment(app, "Nháp sẽ bỏ.")
    assert "Đã bỏ bản nháp." in shown(await press_button(app, "✖️ Hủy"))
    assert repo(app).drafts(1001) == [] and repo(app).all() == []
    late = await press(app, data(app, view.CommentAction("send", SECTION)))
    assert answer(late)["text"] == "Góp ý này đã được gửi." and repo(app).all() == []


# --- the deadline and the switch ---------------------------------------------------------------------------


async def test_after_the_deadline_the_buttons_say_so_and_nothing_is_taken(start, settings, clock):
    closing = dataclasses.replace(settings, comments_until=date(2026, 11, 30))
    clock.at = hanoi(30, 23, 50)
    async with start(settings_=closing) as (app, _):
        await write_comment(app, "Gửi kịp giờ.")
        await press_button(app, "Gửi")
        await start_comment(app, section="p1.I.1.2")  # a prompt open at 23:55 ...
        clock.at = hanoi(1, 0, 0, month=12)             # ... and the day is over
        late = await send(app, "Gửi muộn.")
        assert "Đã hết hạn góp ý (hạn cuối: hết ngày 30 tháng 11 năm 2026)." in shown(late)
        await open_original(app, "p1.I.1.3")
        pressed = await press_button(app, "Góp ý mục này")
        assert answer(pressed) == {"callback_query_id": answer(pressed)["callback_query_id"], "show_alert": True,
                                   "text": "Đã hết hạn góp ý (hạn cuối: hết ngày 30 tháng 11 năm 2026)."}
        assert [c.method for c in pressed] == ["answerCallbackQuery"], "nothing opens"
        forged = await press(app, data(app, view.CommentStance("p1.I.1.3", "agree")))
        assert "Đã hết hạn" in answer(forged)["text"]
        assert "Đã hết hạn góp ý" in shown(await send(app, "/gopy"))
        # one's comment can still be read, not changed
        mine = await press(app, data(app, view.CommentOpen(SECTION, 1)))
        assert "Gửi kịp giờ." in shown(mine)
        assert [b["text"] for b in last_buttons(app)] == ["📋 Góp ý của tôi"]
        withdraw = await press(app, data(app, view.CommentAction("confirm", SECTION)))
        assert "Đã hết hạn" in answer(withdraw)["text"]
        assert [c.body for c in repo(app).all()] == ["Gửi kịp giờ."]


async def test_switched_off_nothing_is_taken(start, settings):
    async with start(settings_=dataclasses.replace(settings, comments=False)) as (app, _):
        assert "Chức năng góp ý dự thảo đang tắt." in shown(await send(app, "/gopy"))
        await open_original(app)
        pressed = await press_button(app, "Góp ý mục này")
        assert answer(pressed)["text"] == "Chức năng góp ý dự thảo đang tắt."
        assert repo(app).drafts(1001) == []


# --- private chats only: the group's button opens the private chat ----------------------------------------


async def test_in_a_group_the_button_opens_a_private_chat_on_that_section(app):
    group = -100555
    await send(app, "/menu", chat_id=group, chat_type="supergroup")
    await press(app, data(app, cb.Original(SECTION)), chat_id=group, chat_type="supergroup")
    pressed = await press_button(app, "Góp ý mục này", chat_id=group)
    assert answer(pressed)["url"] == "https://t.me/briefing_test_bot?start=c_p1-I-1-1"
    assert [c.method for c in pressed] == ["answerCallbackQuery"], "nothing is written in the group"
    # Telegram opens the private chat; the cadre presses Start
    opened = shown(await send(app, "/start c_p1-I-1-1"))
    assert "Phần I, mục I.1.1 — Công nghiệp - xây dựng" in opened and "Ý kiến của đồng chí về mục này?" in opened
    await press_button(app, "❌ Không tán thành")
    await send(app, "Ý kiến từ nhóm.")
    await press_button(app, "Đảng viên")
    await press_button(app, "Không ghi đơn vị")
    await press_button(app, "Gửi")
    assert [(c.section_id, c.body) for c in repo(app).all()] == [(SECTION, "Ý kiến từ nhóm.")]
    # /gopy in the group answers with the way to the private chat
    command = await send(app, "/gopy", chat_id=group, chat_type="supergroup")
    [button] = command[-1].buttons
    assert button["url"] == "https://t.me/briefing_test_bot?start=c"
    assert "tin nhắn riêng" in shown(command)


@pytest.mark.parametrize(("payload", "says"), [
    ("c", None), ("c_p9-9", "Mục này không còn trong bản dự thảo hiện hành."), ("c_", "không còn"),
    ("c_p1-I-1-1-", "không còn"),
])
async def test_deep_links_to_the_menu_and_to_unknown_sections(app, payload, says):
    calls = await send(app, f"/start {payload}")
    texts = [parse_html(c.text or "") for c in calls if c.method == "sendMessage"]
    assert "Đồng chí chọn phần của dự thảo muốn góp ý" in texts[-1], texts
    assert len(texts) == (2 if says else 1)
    if says:
        assert says in texts[0]
    assert "Menu chính" not in "".join(texts), "not the welcome of a plain /start"


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "says"), [
    ("\u200b\u200b\u2060", "Góp ý chưa có nội dung"),
    ("x" * 2001, "Góp ý dài 2.001 ký tự, vượt quá giới hạn 2.000 ký tự"),
    ("👍🎉🇻🇳", "viết góp ý bằng lời"),
])
async def test_bad_texts_are_refused_and_the_prompt_waits(app, typed, says):
    await start_comment(app)
    refused = await send(app, typed)
    assert says in shown(refused)
    assert repo(app).draft(1001, SECTION).body is None
    ok = await send(app, "x" * 2000)
    assert "Đồng chí góp ý với tư cách" in shown(ok), "still waiting for the text"


async def test_html_rtl_and_zero_width_characters(app):
    typed = "<b>In đậm?</b> & <script>alert(1)</script>\u202e đảo\u200b chiều\u200f"
    preview = await write_comment(app, typed)
    html = [c for c in preview if c.method == "sendMessage"][-1].text
    assert "&lt;b&gt;In đậm?&lt;/b&gt; &amp; &lt;script&gt;" in html, "escaped, shown as typed"
    await press_button(app, "Gửi")
    assert repo(app).all()[0].body == "<b>In đậm?</b> & <script>alert(1)</script> đảo chiều"


async def test_the_same_text_sent_twice_quickly_is_one_comment(app):
    await start_comment(app)
    await send(app, "Gửi hai lần.")
    await press_button(app, "Đảng viên")
    await press_button(app, "Không ghi đơn vị")
    again = await send(app, "Gửi hai lần.")
    assert again == [], "the same text at the preview: no second preview"
    fake = app.bot.request
    await asyncio.gather(press_button(app, "Gửi"), press_button(app, "Gửi"))  # a double tap, both at once
    replies = sorted(c.params.get("text") or "" for c in fake.calls("answerCallbackQuery")[-2:])
    assert replies == ["", "Góp ý này đã được gửi."], replies
    assert len(repo(app).all()) == 1


async def test_two_texts_at_once_make_one_preview(app):
    await write_comment(app, "Bản nháp.")
    await press_button(app, "✏️ Sửa")
    await press_button(app, "❌ Không tán thành")
    fake = app.bot.request
    before = len(fake.calls())
    await asyncio.gather(send(app, "Cùng lúc."), send(app, "Cùng lúc."))  # both arrive at once
    previews = [c for c in fake.calls()[before:] if c.method == "sendMessage" and "Xem lại góp ý" in (c.text or "")]
    assert len(previews) == 1, previews
    assert repo(app).draft(1001, SECTION).body == "Cùng lúc."


async def test_more_than_a_days_comments_is_refused_clearly(app, clock):
    app.bot_data[comments.CLOCK] = clock
    from tests.comments_helpers import seed

    sections = [s for s in app.bot_data["pack"].sections if s != SECTION][:30]
    at = int(clock.at.timestamp())
    for s in sections:
        seed(app, 1001, s, "agree", "", at)
    await open_original(app)
    await press_button(app, "Góp ý mục này")
    refused = await press_button(app, "❌ Không tán thành")
    assert "Hôm nay đồng chí đã gửi 30 góp ý, mức tối đa một người gửi trong một ngày." in answer(refused)["text"]
    clock.at += timedelta(days=1)
    tomorrow = await press(app, data(app, view.CommentStance(SECTION, "disagree")))
    assert "tối đa 2.000 ký tự" in shown(tomorrow)


async def test_texts_outside_a_comment_are_still_lookups(app):
    looked = await send(app, "grdp")
    assert "GRDP" in shown(looked) and "góp ý" not in shown(looked).lower()


async def test_forged_and_stale_comment_buttons(app):
    fp = app.bot_data["pack"].fingerprint
    for forged in (view.CommentStance(SECTION, "maybe"), view.CommentAction("explode", SECTION),
                   view.CommentAudience("king", view.NONE)):
        calls = await press(app, cb.encode(forged, fp))
        assert answer(calls)["text"] == "Menu này đã cũ. Đây là menu mới.", forged
    assert repo(app).drafts(1001) == [] and repo(app).commenter(1001).asked is False
    stale = await press(app, cb.encode(view.CommentOpen(SECTION), "ffff0000"))
    assert answer(stale)["text"] == "Menu này đã cũ. Đây là menu mới."


async def test_english_throughout(app):
    await send(app, "/menu", lang="en")
    await press(app, data(app, cb.Original(SECTION)), lang="en")
    opened = shown(await press_button(app, "Comment on this section", lang="en"))
    assert "What is your opinion on this section?" in opened and "Part I, section I.1.1" in opened
    assert [b["text"] for b in last_buttons(app)][:3] == ["✅ Agree", "❌ Disagree", "🔶 Partly agree"]
