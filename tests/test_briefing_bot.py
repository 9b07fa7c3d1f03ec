"""Briefs and the targets at a glance, end to end through the real Application over FakeBotAPI.

Every field's brief in a private chat and in a group (as /briefing@BotName, privacy mode on), topics
found by search, the keyboard of fields, bad input; /targets for both terms with paged figure buttons.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bot.briefing.compose import briefs, by_key
from bot.fakeapi import FakeBotAPI, parse_html, utf16_len
from bot.render import briefing as view
from bot.render import callbacks as cb
from bot.render import targets as targets_view
from bot.render.briefing import fitted_text
from bot.simulate import press, send

GROUP = -100555
USER = 1001


def field_ids(pack: Any) -> list[str]:
    return list(pack.fields)


def plain(call: Any) -> str:
    return parse_html(call.text or "")


# ---------------------------------------------------------------------------------------------
# /briefing


async def test_briefing_without_words_shows_a_keyboard_of_fields(app, fake_api: FakeBotAPI, content_pack) -> None:
    await send(app, "/briefing")
    call = fake_api.last("sendMessage")
    labels = [b["text"] for b in call.buttons]
    for field in content_pack.fields.values():
        assert field.title.vi in labels, f"no button for the field {field.title.vi}"
    assert "/briefing kinh te" in plain(call)  # an example from the pack's own aliases
    assert call.params["parse_mode"] == "HTML"


@pytest.mark.parametrize("chat_type", ["private", "supergroup"])
async def test_a_brief_for_every_field(app, fake_api: FakeBotAPI, content_pack, chat_type: str) -> None:
    """Each field of menu.yaml has a brief: figures, results, tasks and their source references."""
    chat_id = USER if chat_type == "private" else GROUP
    for field in field_ids(content_pack):
        command = "/briefing" if chat_type == "private" else "/briefing@briefing_test_bot"
        await send(app, f"{command} {content_pack.fields[field].title.vi}", chat_id=chat_id, chat_type=chat_type)
        call = fake_api.last("sendMessage", chat_id)
        text = plain(call)
        spec = next(s for s in content_pack.briefings.briefs.values() if s.field == field)
        assert text.startswith("📋"), text[:80]
        assert content_pack.fields[field].title.vi in text.splitlines()[0]
        assert content_pack.meta.status_notice.split(";")[0] in text  # the draft's status, every time
        for item_id in [*spec.results, *spec.tasks]:
            assert content_pack.items[item_id].title in text
        for fig_id in spec.figures:
            assert content_pack.figures[fig_id].label in text
        assert text.count("📍") >= len(spec.figures) + len(spec.results) + len(spec.tasks)
        assert utf16_len(text) <= 4096
        assert any("Word" in b["text"] for b in call.buttons)


async def test_field_buttons_open_briefs_as_new_messages(app, fake_api: FakeBotAPI, content_pack) -> None:
    await send(app, "/tomtat")
    keyboard = fake_api.last("sendMessage")
    calls = await press(app, keyboard.buttons[1]["callback_data"])
    sent = [c for c in calls if c.method == "sendMessage"]
    assert sent and content_pack.fields["culture_society"].title.vi in plain(sent[0])
    assert not [c for c in calls if c.method == "editMessageText"], "the keyboard stays for the next field"


async def test_aliases_without_diacritics_and_english(app, fake_api: FakeBotAPI, content_pack) -> None:
    await send(app, "/briefing quoc phong an ninh")
    assert content_pack.fields["defence_security"].title.vi in plain(fake_api.last("sendMessage"))
    await send(app, "/briefing party", lang="en")
    text = plain(fake_api.last("sendMessage"))
    assert "Brief: Party building" in text
    assert "Headline figures" in text
    assert content_pack.meta_text("en").status_notice.split(";")[0] in text
    # English item titles come from the overlay
    spec = content_pack.briefings.briefs["party"]
    assert content_pack.item_text(spec.results[0], "en").title in text


async def test_a_topic_found_by_search(app, fake_api: FakeBotAPI, content_pack) -> None:
    await send(app, "/briefing tham nhũng")
    call = fake_api.last("sendMessage")
    text = plain(call)
    assert "tham nhũng" in text.splitlines()[0]
    assert "Phần I, mục I.6.4" in text
    assert any("Word" in b["text"] for b in call.buttons)  # the topic's words are kept for the handout


async def test_unknown_topic_offers_the_fields(app, fake_api: FakeBotAPI) -> None:
    await send(app, "/briefing xyzzy plugh")
    call = fake_api.last("sendMessage")
    assert "xyzzy plugh" in plain(call)
    assert len(call.buttons) >= 6


@pytest.mark.parametrize("words", ["<b>kinh tế</b> & co", "a" * 500, "🙂🙂🙂", "Привет мир", "'; DROP TABLE x"])
async def test_bad_input_gets_an_answer(app, fake_api: FakeBotAPI, words: str) -> None:
    calls = await send(app, f"/briefing {words}")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert sent and sent[0].ok, calls


def test_every_brief_fits_one_message_in_both_languages(content_pack, catalogues) -> None:
    for lang in ("vi", "en"):
        tr = catalogues.get(lang)
        for brief in briefs(content_pack):
            text = fitted_text(content_pack, brief, tr, header=["📅 <b>x</b>"] * 4)
            assert utf16_len(parse_html(text)) <= 4096, (lang, brief.key)


async def test_a_stale_or_forged_brief_button(app, fake_api: FakeBotAPI, content_pack) -> None:
    forged = cb.encode(view.BriefOpen("no-such-brief"), content_pack.fingerprint)
    calls = await press(app, forged)
    assert [c for c in calls if c.method == "answerCallbackQuery"]
    old = cb.encode(view.BriefOpen("economy"), "0000ffff")
    calls = await press(app, old)
    assert any(c.method == "answerCallbackQuery" and c.params.get("text") for c in calls)


# ---------------------------------------------------------------------------------------------
# /targets


async def test_targets_for_2030_in_one_message_then_the_last_term(app, fake_api: FakeBotAPI, content_pack) -> None:
    calls = await send(app, "/targets")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert len(sent) == 2
    first, second = plain(sent[0]), plain(sent[1])
    targets = content_pack.briefings.targets
    assert len(targets) == 16
    for target in targets:
        assert f"\n{target.number}. {target.name.vi}: " in first
    assert "15%/năm (2021-2025: 14%/năm)" in first  # the 2030 value with the report's value beside it
    assert "toàn tỉnh chưa có (2025: 1%)" in first  # a blank of the draft stays a blank
    assert "Phần II, mục II.2" in first
    assert content_pack.meta.status_notice.split(";")[0] in first
    # the last term: statuses as the report states them
    assert "Chỉ tiêu Nghị quyết Đại hội XIX" in second
    assert "03 chỉ tiêu" in second and "04 chỉ tiêu thành phần" in second
    assert "mục tiêu 14-15%/năm" in second
    assert utf16_len(first) <= 4096 and utf16_len(second) <= 4096


async def test_targets_lines_open_figure_cards_and_page(app, fake_api: FakeBotAPI, content_pack) -> None:
    await send(app, "/chitieu")
    message = fake_api.calls("sendMessage")[-2]
    buttons = message.buttons
    figure_buttons = [b for b in buttons if cb.decode(b["callback_data"], content_pack.fingerprint).__class__
                      is targets_view.TargetFigure]
    assert len(figure_buttons) == targets_view.BUTTONS_PER_PAGE
    calls = await press(app, figure_buttons[0]["callback_data"], message=message.result["message_id"])
    card = [c for c in calls if c.method == "sendMessage"]
    assert card and content_pack.figures["mt2030-grdp-tang-truong"].label in plain(card[0])
    # the next page of line buttons: only the keyboard changes, the list stays whole to copy
    pager = next(b for b in buttons if b["text"] == "▶")
    calls = await press(app, pager["callback_data"], message=message.result["message_id"])
    edit = next(c for c in calls if c.method == "editMessageReplyMarkup")
    labels = [b["text"] for row in edit.params["reply_markup"]["inline_keyboard"] for b in row]
    assert any(label.startswith("16.") for label in labels)
    assert not [c for c in calls if c.method == "editMessageText"]


async def test_targets_in_english_format_numbers(app, fake_api: FakeBotAPI) -> None:
    calls = await send(app, "/targets", lang="en")
    text = plain(next(c for c in calls if c.method == "sendMessage"))
    assert "The 16 main targets for 2030" in text
    assert "8,000 USD/person/year" in text
    assert "not given in the draft" in text


async def test_a_forecast_status_stays_a_forecast(app, fake_api: FakeBotAPI, content_pack, catalogues) -> None:
    figures = dict(content_pack.figures)
    fig = figures["grdp-dau-nguoi-2025"]
    figures[fig.id] = fig.model_copy(update={"status_forecast": True})
    pack = dataclasses.replace(content_pack, figures=figures)
    text = parse_html(targets_view.previous_text(pack, catalogues.get("vi")))
    line = next(line for line in text.splitlines() if "GRDP bình quân đầu người" in line)
    assert "dự kiến không hoàn thành" in line
    assert "dự kiến" not in next(line for line in text.splitlines() if line.startswith("1."))


async def test_targets_with_words_answers_with_the_usage(app, fake_api: FakeBotAPI) -> None:
    calls = await send(app, "/targets blah")
    assert "/targets docx" in plain(calls[-1])


async def test_briefing_on_another_report(settings, catalogues, handler_errors) -> None:
    """The fixture pack (a made-up report) has its own briefings.yaml: the feature runs on it."""
    from bot.content.pack import load_pack
    from bot.simulate import running
    from tests.conftest import make_app
    from tests.test_content_validation import MINIPACK

    pack = load_pack(MINIPACK)
    fake = FakeBotAPI()
    app = make_app(settings, fake, pack, catalogues, handler_errors)
    async with running(app):
        await send(app, "/briefing kinh te")
        text = plain(fake.last("sendMessage"))
        assert "Kinh tế tăng trưởng khá" in text
        await send(app, "/targets")
        assert "1.250" in plain(fake.calls("sendMessage")[-2])
    assert by_key(pack, "economy") is not None
    assert not handler_errors
