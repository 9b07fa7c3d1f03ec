"""Menus end to end: the whole tree by pressing the bot's own buttons, item cards, original text, notes,
stale and forged buttons, and edits to the same screen."""

from __future__ import annotations

import os

import pytest

from bot.render import callbacks as cb
from bot.render.original import original_parts
from bot.simulate import press, send
from tests.ui_helpers import callback_buttons, check_html, screen, screen_key, walk


def labels(call) -> list[str]:
    return [b["text"] for b in call.buttons]


async def test_menu_shows_every_entry_of_menu_yaml_in_order(app, content_pack):
    call = screen(await send(app, "/menu"))
    check_html(call.text)
    titles = [e.title.vi for e in content_pack.menu]
    assert labels(call)[: len(titles)] == titles
    assert any("Ngôn ngữ" in t or "Language" in t for t in labels(call))


async def test_start_shows_the_same_main_menu(app):
    menu = screen(await send(app, "/menu"))
    start = screen(await send(app, "/start"))
    assert start.params["reply_markup"] == menu.params["reply_markup"]


async def test_english_menu_uses_the_english_titles(app, content_pack):
    call = screen(await send(app, "/menu", lang="en"))
    assert labels(call)[: len(content_pack.menu)] == [e.title.en for e in content_pack.menu]


async def test_walk_the_whole_tree_in_vietnamese(app, content_pack):
    seen = await walk(app, content_pack.fingerprint)
    decoded = [cb.decode(d, content_pack.fingerprint) for d in seen]
    reached_items = {d.item for d in decoded if isinstance(d, cb.ItemCard)}
    reached_figures = {d.figure for d in decoded if isinstance(d, cb.FigureCard)}
    reached_sections = {d.section for d in decoded if isinstance(d, cb.Original)}
    reached_notes = {d.note for d in decoded if isinstance(d, cb.NoteCard)}
    assert reached_items == set(content_pack.items), "every item is a leaf of the menu tree"
    assert reached_figures == set(content_pack.figures), "every figure is reachable"
    assert reached_notes == {n.id for n in content_pack.notes}
    assert set(content_pack.sections) <= reached_sections, "every section's original text is reachable"
    parts = {(d.section, d.part) for d in decoded if isinstance(d, cb.Original)}
    for section_id in content_pack.sections:
        for k in range(len(original_parts(content_pack, section_id))):
            assert (section_id, k) in parts, f"part {k} of {section_id} is unreachable"


async def test_walk_the_whole_tree_in_english(app, content_pack):
    seen = await walk(app, content_pack.fingerprint, lang="en")
    texts = [c.text for c in seen.values() if c.method == "editMessageText" and c.ok]
    assert any("Original text" in t for t in texts)
    assert not any("Nguyên văn" in t for t in texts), "UI strings are English"


async def test_grouped_entry_lists_fields_then_items_with_breadcrumb(app, content_pack):
    entry = next(e for e in content_pack.menu if e.group_by == "field")
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.MenuPage(entry.id), content_pack.fingerprint)))
    shown = check_html(call.text)
    assert entry.title.vi.split(" ", 1)[1] in shown.splitlines()[0], "breadcrumb names the entry"
    field_buttons = [b for b in callback_buttons(call)
                     if isinstance(cb.decode(b["callback_data"], content_pack.fingerprint), cb.GroupPage)]
    assert field_buttons
    first = cb.decode(field_buttons[0]["callback_data"], content_pack.fingerprint)
    field = content_pack.fields[first.field]
    call = screen(await press(app, field_buttons[0]["callback_data"]))
    shown = check_html(call.text)
    assert f"🏠 › {entry.title.vi.split(' ', 1)[1]} › {field.title.vi}" in shown
    assert labels(call)[-2:] == ["⬅️ Quay lại", "🏠 Trang chủ"]


async def test_long_lists_are_paged_by_eight(app, content_pack):
    entry = next(e for e in content_pack.menu if e.kinds and not e.group_by
                 and len(content_pack.items_of_kind(*e.kinds)) > 8)
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.MenuPage(entry.id), content_pack.fingerprint)))
    items = [b for b in callback_buttons(call)
             if isinstance(cb.decode(b["callback_data"], content_pack.fingerprint), cb.ItemCard)]
    assert len(items) == 8
    assert "▶" in labels(call)
    call = screen(await press(app, cb.encode(cb.MenuPage(entry.id, 1), content_pack.fingerprint)))
    assert "◀" in labels(call)


async def test_item_card_shows_summary_points_figures_reference_and_buttons(app, content_pack):
    item = next(i for i in content_pack.items.values() if i.points and i.figures and i.footnotes)
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.ItemCard(item.id), content_pack.fingerprint)))
    shown = check_html(call.text)
    assert item.title in shown
    assert item.summary.split(".")[0] in shown
    for point in item.points:
        assert point in shown
    first = content_pack.figures[item.figures[0]]
    assert first.label in shown
    if first.value:
        assert first.value in shown, "the cited figure's value shows inline"
    assert content_pack.reference(item.source, item.footnotes[0]) in shown
    assert any(t.startswith("📊") for t in labels(call))
    assert "📜 Nguyên văn" in labels(call)
    decoded = [screen_key(cb.decode(b["callback_data"], content_pack.fingerprint)) for b in callback_buttons(call)]
    assert cb.Original(item.source) in decoded
    assert cb.FigureCard(item.figures[0]) in decoded
    assert cb.Home() in decoded


async def test_original_text_of_the_longest_section_is_split_into_valid_parts(app, content_pack):
    def size(section_id: str) -> int:
        section = content_pack.sections[section_id]
        return len(" ".join(section.display_paragraphs)) + sum(
            len(content_pack.footnotes[n].text) for n in section.footnotes)

    longest = max(content_pack.sections, key=size)
    parts = original_parts(content_pack, longest)
    assert len(parts) >= 2, f"{longest} ({size(longest)} chars) should need more than one message"
    await send(app, "/menu")
    seen_text = []
    for k in range(len(parts)):
        call = screen(await press(app, cb.encode(cb.Original(longest, k), content_pack.fingerprint)))
        shown = check_html(call.text)
        assert f"phần {k + 1}/{len(parts)}" in shown
        seen_text.append(shown)
    section = content_pack.sections[longest]
    for paragraph in section.display_paragraphs:
        assert any(paragraph in t for t in seen_text), "paragraphs are never cut (they are short enough)"
    for number in section.footnotes:
        assert any(f"[{number}] {content_pack.footnotes[number].text}" in t for t in seen_text)


def test_a_giant_paragraph_is_split_at_sentence_boundaries_each_part_valid():
    from bot.render.text import Block, join_blocks, split_blocks

    sentence = "Câu có ký tự <b> & \"nháy\" và số 239.163 nghìn tỷ đồng. "
    giant = Block(sentence * 300, "")
    parts = split_blocks([Block("Mở đầu."), giant, Block("Chú thích & <i>.", "i")], limit=3500)
    assert len(parts) > 3
    for part in parts:
        html = join_blocks(part)
        assert len(html) <= 3500
        check_html(html)
    middle = join_blocks(parts[1])
    assert middle.rstrip().endswith("đồng."), "cut after a sentence, not inside one"


async def test_notes_screen_lists_the_reports_inconsistencies(app, content_pack):
    assert content_pack.notes
    entry = next(e for e in content_pack.menu if e.notes)
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.MenuPage(entry.id), content_pack.fingerprint)))
    check_html(call.text)
    assert len([t for t in labels(call) if t.startswith("📝")]) == min(8, len(content_pack.notes))
    note = content_pack.notes[0]
    call = screen(await press(app, cb.encode(cb.NoteCard(note.id), content_pack.fingerprint)))
    shown = check_html(call.text)
    assert note.title in shown
    assert note.text[:40] in shown


# --- stale, forged and repeated buttons ---------------------------------------------------------


async def assert_fresh_menu(calls, content_pack) -> None:
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1
    assert "cũ" in answers[0].params.get("text", ""), answers[0].params
    assert not answers[0].params.get("show_alert")
    menu = screen(calls)
    check_html(menu.text)
    decoded = [cb.decode(b["callback_data"], content_pack.fingerprint) for b in callback_buttons(menu)]
    assert cb.MenuPage(content_pack.menu[0].id) in decoded, "a fresh main menu under the current pack"


async def test_a_button_from_an_older_pack_gets_a_fresh_menu_in_place(app, fake_api, content_pack):
    menu = screen(await send(app, "/menu"))
    other = "0000" if not content_pack.fingerprint.startswith("0000") else "ffff"
    calls = await press(app, cb.encode(cb.MenuPage(content_pack.menu[1].id), other + "9999"),
                        message=menu.result["message_id"])
    await assert_fresh_menu(calls, content_pack)
    assert screen(calls).method == "editMessageText", "the old menu is replaced in place"


@pytest.mark.parametrize("obj", [
    cb.ItemCard("khong-co-muc-nay"), cb.FigureCard("khong-co-so-nay"), cb.Original("p9.Z.9"),
    cb.MenuPage("nosuchentry"), cb.GroupPage("results", "nosuchfield"), cb.NoteCard("nosuchnote"),
    cb.SearchPage("deadbeef"), cb.FigureSection("p9.Z"), cb.ItemFigures("khong-co"),
])
async def test_unknown_ids_get_a_fresh_menu(app, content_pack, obj):
    await send(app, "/menu")
    calls = await press(app, cb.encode(obj, content_pack.fingerprint))
    await assert_fresh_menu(calls, content_pack)


@pytest.mark.parametrize("data", [
    "garbage", "x" * 64, "a1b2zz:1", "🙂🙂🙂", "<b>&amp;", "h", "0000h:1",
])
async def test_forged_data_gets_a_fresh_menu_never_an_error(app, content_pack, data):
    await send(app, "/menu")
    calls = await press(app, data)
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1 and answers[0].params.get("text")
    check_html(screen(calls).text)


async def test_random_bytes_as_callback_data(app, content_pack):
    await send(app, "/menu")
    for _ in range(100):
        data = os.urandom(40).decode("latin-1")
        calls = await press(app, data)
        assert [c.method for c in calls].count("answerCallbackQuery") == 1


async def test_pressing_the_same_button_twice_is_not_an_error(app, fake_api, content_pack):
    await send(app, "/menu")
    data = cb.encode(cb.MenuPage(content_pack.menu[1].id), content_pack.fingerprint)
    first = await press(app, data)
    assert screen(first).ok
    second = await press(app, data)
    edits = [c for c in second if c.method == "editMessageText"]
    assert edits and not edits[0].ok and "not modified" in edits[0].error["description"]
    assert [c.method for c in second].count("answerCallbackQuery") == 1
    # the app fixture fails this test if the BadRequest reached the error handler


async def test_language_button_opens_the_chooser(app, content_pack):
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.Settings(), content_pack.fingerprint)))
    assert {"Tiếng Việt", "English"} <= {t.removeprefix("✓ ") for t in labels(call)}


async def test_language_buttons_go_through_the_codec_and_old_ones_still_answer(app, content_pack):
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.Settings(), content_pack.fingerprint)))
    english = next(b for b in call.buttons if b["text"].endswith("English"))
    assert cb.decode(english["callback_data"], content_pack.fingerprint) == cb.Language("en")
    call = screen(await press(app, english["callback_data"]))
    assert call.method == "editMessageText" and "English" in call.text
    other_pack = cb.encode(cb.Language("vi"), "ffff")  # a choice outlives a pack change
    call = screen(await press(app, other_pack, lang="en"))
    assert "Vietnamese" in call.text or "tiếng Việt" in call.text
    call = screen(await press(app, "lang:en"))  # a keyboard sent before the codec carried languages
    assert "English" in call.text
    calls = await press(app, "lang:xx")
    assert [c.method for c in calls] == ["answerCallbackQuery"] and calls[0].params.get("text")
