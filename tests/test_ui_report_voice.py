"""Reading it as a cadre (issue 8, point 3): "đồng chí", Vietnamese dates and times, no time-zone ids or
placeholders, the report's own words for a baseline, no category word alone on a line, command names in
the reader's language, subcommands however they are typed, usage for unknown words, Back to where the
cadre was, clear and distinct buttons, pagers, and inert buttons that edit nothing."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.app import COMMANDS
from bot.fakeapi import parse_html
from bot.render import callbacks as cb
from bot.render import nav
from bot.render.common import PAGE_SIZE, command_name
from bot.render.digest import DigestTimes, heading_text
from bot.render.figures import (
    FORECAST_LABELS,
    RELATION_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    group_title,
    shown_value,
)
from bot.render.original import CHILD_BUTTONS
from bot.render.text import shorten
from bot.simulate import press, press_button, send
from tests.ui_helpers import callback_buttons, check_html, screen, walk

VI_PO = Path(__file__).resolve().parent.parent / "locales" / "vi" / "LC_MESSAGES" / "bot.po"
GRDP = "grdp-quy-mo-2025"  # the figure a cadre means by "grdp"


def decoded(call, pack) -> list[cb.Callback]:
    return [cb.decode(b["callback_data"], pack.fingerprint) for b in callback_buttons(call)]


def data_of(call, pack, label: str) -> str:
    for b in callback_buttons(call):
        if b["text"] == label:
            return b["callback_data"]
    raise AssertionError(f"no button {label!r} in {[b['text'] for b in call.buttons]}")


def vi_messages() -> list[tuple[str, str]]:
    with VI_PO.open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    out = []
    for m in catalog:
        if m.id:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            out += [(str(m.id), s) for s in strings]
    return out


# --- the words --------------------------------------------------------------------------------


def test_the_vietnamese_catalogue_says_dong_chi_never_ban():
    bare_you = [s for _, s in vi_messages() if re.search(r"\bbạn\b", s, re.IGNORECASE)]
    assert bare_you == [], "a cadre is addressed as đồng chí"
    assert any("đồng chí" in s.lower() for _, s in vi_messages())


def test_a_baseline_is_not_called_raw_data(catalogues):
    vi = catalogues["vi"]
    assert vi.gettext(ROLE_LABELS["baseline"]) == "Số liệu đầu kỳ"
    assert not [s for _, s in vi_messages() if "Số liệu gốc" in s]


async def test_a_baseline_card_reads_as_a_baseline(app, content_pack):
    fig = next(f for f in content_pack.figures.values() if content_pack.role(f) == "baseline")
    await send(app, "/menu")
    shown = check_html(screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint))).text)
    assert "Số liệu đầu kỳ" in shown and "Số liệu gốc" not in shown


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_no_category_word_stands_alone_on_a_line(app, content_pack, catalogues, lang):
    tr = catalogues[lang]
    alone = {tr.gettext(label) for table in (ROLE_LABELS, RELATION_LABELS) for label in table.values()}
    await send(app, "/menu", lang=lang)
    for fig in content_pack.figures.values():
        call = screen(await press(app, cb.encode(cb.FigureQuote(fig.id), content_pack.fingerprint), lang=lang))
        lines = {line.strip() for line in check_html(call.text).splitlines()}
        assert not lines & alone, (fig.id, lines & alone)
    digest = screen(await send(app, "/digest", lang=lang))
    headings = [h for slot in content_pack.digest.slots for h in (slot.heading, *slot.headings.values())]
    slots = {heading_text(content_pack, h, tr) for h in headings}
    lines = [line.strip() for line in parse_html(digest.text).splitlines()]
    assert not set(lines) & slots, "a slot's name leads its first line"
    assert sum(any(line.startswith(slot + " — ") for slot in slots) for line in lines) >= 3


def test_statuses_the_draft_forecasts_read_as_expected(catalogues):
    vi, en = catalogues["vi"], catalogues["en"]
    assert vi.gettext(FORECAST_LABELS["not_achieved"]).startswith("❌ Dự kiến không đạt")
    assert en.gettext(FORECAST_LABELS["not_achieved"]) == "❌ Expected not to be achieved"
    for status, label in FORECAST_LABELS.items():
        assert vi.gettext(label) != vi.gettext(STATUS_LABELS[status]), "a forecast never reads as settled"


# --- dates, times, time zones ----------------------------------------------------------------------


def test_dates_and_times_as_each_language_writes_them(catalogues):
    vi, en = catalogues["vi"], catalogues["en"]
    day = dt.date(2026, 12, 2)
    assert vi.date(day) == "ngày 2 tháng 12 năm 2026"
    assert vi.date(day, "full") == "Thứ Tư, ngày 2 tháng 12 năm 2026"
    assert vi.date(dt.date(2026, 12, 6), "full").startswith("Chủ nhật, ngày 6")
    assert en.date(day) == "December 2, 2026"
    moment = dt.datetime(2026, 11, 27, 7, 0)
    assert vi.when(moment) == "07:00 thứ Sáu, ngày 27 tháng 11 năm 2026"
    assert en.when(moment) == "Friday, November 27, 2026 at 07:00"
    assert vi.time(dt.time(7, 30)) == en.time(dt.time(7, 30)) == "07:30"
    assert vi.zone("Asia/Ho_Chi_Minh") == "giờ Việt Nam" and en.zone("Asia/Ho_Chi_Minh") == "Vietnam Time"
    assert vi.zone("UTC") == "UTC"
    assert [en.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert vi.ordinal(12) == "thứ 12"


async def test_the_digest_is_dated_the_vietnamese_way(app, catalogues):
    call = screen(await send(app, "/bantin"))
    first = parse_html(call.text).splitlines()[0]
    assert re.search(r"ngày \d{1,2} tháng \d{1,2} năm \d{4}$", first), first
    assert not re.search(r"\d, \d{4}", first), "not Babel's '2 tháng 12, 2026'"


DIGEST_SCREENS = ["/digest settings", "/subscribe 7:30", "/digest settings", "/subscribe", "/unsubscribe"]


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_digest_screens_show_no_zone_ids_or_placeholders(app, lang):
    shown: list[str] = []
    for command in DIGEST_SCREENS:
        shown.append(check_html(screen(await send(app, command, lang=lang)).text))
        if command == "/digest settings" and len(shown) > 1:
            shown.append(check_html(screen(await press_button(app, "🕖", lang=lang)).text))  # the time picker
    text = "\n".join(shown)
    for leak in ("Asia/", "Ho_Chi_Minh", "HH:MM", "GG:PP", "UTC+"):
        assert leak not in text, leak
    assert ("giờ Việt Nam" if lang == "vi" else "Vietnam Time") in text


# --- command names --------------------------------------------------------------------------------

VI_NAMES = {"so", "tim", "bantin", "dangky", "huy", "ngonngu"}
EN_NAMES = {"figure", "search", "digest", "subscribe", "unsubscribe", "lang"}


@pytest.mark.parametrize("scope", ["all_private_chats", "all_group_chats"])
async def test_command_menus_list_the_names_of_their_language(app, fake_api, scope):
    for lang, names, others in (("vi", VI_NAMES, EN_NAMES), ("", VI_NAMES, EN_NAMES), ("en", EN_NAMES, VI_NAMES)):
        listed = {c["command"] for c in fake_api.commands(scope, lang)}
        assert names <= listed, (lang, listed)
        assert not listed & others, (lang, listed & others)
        assert len(listed) == len(fake_api.commands(scope, lang)), "no name twice"


async def test_help_lists_the_names_of_the_readers_language(app):
    vi = check_html(screen(await send(app, "/help")).text)
    en = check_html(screen(await send(app, "/help", lang="en")).text)
    for name in VI_NAMES:
        assert f"/{name} — " in vi
    for name in EN_NAMES:
        assert f"/{name} — " in en and f"/{name} — " not in vi


def test_names_in_messages_are_commands_the_bot_answers(catalogues):
    """The catalogue names commands in Vietnamese (/dangky 7:30); each must be one the bot registers, and
    the name a usage page shows must be the one the command menu lists."""
    registered = {n for c in COMMANDS for n in (c.name, *c.aliases)}
    for _, text in vi_messages():
        for name in re.findall(r"(?<![\w/])/([a-z_]+)", text):
            assert name in registered, (name, text)
    for command in COMMANDS:
        for lang in ("vi", "en"):
            assert command_name(catalogues[lang], command.name) == command.name_in(lang), (command.name, lang)


# --- subcommands and unknown words ---------------------------------------------------------------


def is_digest(call) -> bool:
    return (call.text or "").startswith(("📰 <b>Bản tin số", "📰 <b>Digest No."))


@pytest.mark.parametrize("typed", ["/bantin cai dat", "/bantin cài đặt", "/bantin Cài Đặt", "/bantin caidat",
                                   "/digest settings", "/digest SETTINGS", "/bantin  cai   dat"])
async def test_digest_settings_however_it_is_typed(app, content_pack, typed):
    call = screen(await send(app, typed))
    assert not is_digest(call)
    assert any(isinstance(d, DigestTimes) for d in decoded(call, content_pack)), "the settings screen (its time button)"


@pytest.mark.parametrize("typed", ["/digest abc", "/bantin xyz 12", "/bantin cai", "/digest settings now"])
async def test_unknown_words_after_digest_get_the_usage_not_the_digest(app, typed):
    calls = await send(app, typed)
    sent = [c for c in calls if c.method == "sendMessage"]
    assert len(sent) == 1 and not is_digest(sent[0])
    shown = check_html(sent[0].text)
    assert "/bantin cài đặt" in shown and "/dangky" in shown
    assert "trạng thái" not in shown, "the administrators' word is for administrators"
    shown = check_html(screen(await send(app, typed.replace("/bantin", "/digest"), lang="en")).text)
    assert "/digest settings" in shown


async def test_lang_accepts_the_names_of_languages(app):
    await send(app, "/ngonngu tieng anh")
    assert "Main menu" in screen(await send(app, "/menu")).text
    await send(app, "/lang Tiếng Việt")
    assert "Menu chính" in screen(await send(app, "/menu")).text


# --- Back returns to where the cadre was ----------------------------------------------------------


async def test_a_typed_answer_has_no_breadcrumb_and_no_back(app, content_pack):
    for typed in ("/figure grdp", "/so grdp", "quy mô GRDP"):
        call = screen(await send(app, typed))
        shown = check_html(call.text)
        assert not shown.startswith("🏠"), "no breadcrumb: the cadre saw no list"
        assert "Số liệu chính" not in shown.splitlines()[0]
        labels = [b["text"] for b in call.buttons]
        assert "⬅️ Quay lại" not in labels and "🏠 Trang chủ" in labels


async def test_back_from_another_match_returns_to_the_typed_answer(app, content_pack):
    card = screen(await send(app, "/figure grdp"))
    other = next(b for b in callback_buttons(card) if b["text"].startswith("🔎"))
    opened = screen(await press(app, other["callback_data"]))
    back = cb.decode(data_of(opened, content_pack, "⬅️ Quay lại"), content_pack.fingerprint)
    assert isinstance(back, cb.FigureCard) and back.figure == GRDP and back.back == nav.TYPED
    again = screen(await press(app, cb.encode(back, content_pack.fingerprint)))
    assert check_html(again.text) == check_html(card.text), "the same answer the cadre saw"


async def test_back_from_a_card_returns_to_the_list_it_was_opened_from(app, content_pack):
    entry = nav.entry_with(content_pack, "figures")
    await send(app, "/menu")
    for page in range(2):
        listing = screen(await press(app, cb.encode(cb.MenuPage(entry.id, page), content_pack.fingerprint)))
        first = next(d for d in decoded(listing, content_pack) if isinstance(d, cb.FigureCard))
        card = screen(await press(app, cb.encode(first, content_pack.fingerprint)))
        back = cb.decode(data_of(card, content_pack, "⬅️ Quay lại"), content_pack.fingerprint)
        assert back == cb.MenuPage(entry.id, page), "the headline list, at the page the cadre was on"
        assert check_html(card.text).startswith("🏠 › Số liệu chính")


async def test_back_chains_through_cards(app, content_pack):
    """list -> item -> figure -> item again -> back, back, back: the way the cadre came."""
    item = next(i for i in content_pack.items.values() if len(i.figures) >= 2)
    await send(app, "/menu")
    item_card = screen(await press(app, cb.encode(cb.ItemCard(item.id), content_pack.fingerprint)))
    fig_data = next(d for d in decoded(item_card, content_pack) if isinstance(d, cb.FigureCard))
    fig_card = screen(await press(app, cb.encode(fig_data, content_pack.fingerprint)))
    assert nav.bare(item.title)[:20] in check_html(fig_card.text).splitlines()[0], "breadcrumb names the item"
    back = cb.decode(data_of(fig_card, content_pack, "⬅️ Quay lại"), content_pack.fingerprint)
    assert back == cb.ItemCard(item.id)
    original = next(d for d in decoded(fig_card, content_pack) if isinstance(d, cb.Original))
    page = screen(await press(app, cb.encode(original, content_pack.fingerprint)))
    back_from_original = cb.decode(data_of(page, content_pack, "⬅️ Quay lại"), content_pack.fingerprint)
    assert back_from_original == fig_data, "the original text goes back to the card it was opened from"


async def test_a_note_opened_from_a_card_goes_back_to_that_card(app, content_pack):
    note = next(n for n in content_pack.notes if n.figures)
    await send(app, "/menu")
    card = screen(await press(app, cb.encode(cb.FigureCard(note.figures[0]), content_pack.fingerprint)))
    shown = check_html(card.text)
    assert f"⚠️ Lưu ý: {note.title}" in shown
    note_data = next(d for d in decoded(card, content_pack) if isinstance(d, cb.NoteCard))
    assert note_data.note == note.id
    opened = screen(await press(app, cb.encode(note_data, content_pack.fingerprint)))
    assert note.text[:40] in check_html(opened.text)
    back = cb.decode(data_of(opened, content_pack, "⬅️ Quay lại"), content_pack.fingerprint)
    assert back == cb.FigureCard(note.figures[0])


async def test_an_item_citing_a_noted_figure_shows_the_note(app, content_pack):
    note = next(n for n in content_pack.notes if n.figures)
    item = next(i for i in content_pack.items.values() if set(i.figures) & set(note.figures))
    await send(app, "/menu")
    card = screen(await press(app, cb.encode(cb.ItemCard(item.id), content_pack.fingerprint)))
    assert f"⚠️ Lưu ý: {note.title}" in check_html(card.text)
    assert any(isinstance(d, cb.NoteCard) and d.note == note.id for d in decoded(card, content_pack))


def test_back_codes_fit_and_survive_junk(content_pack):
    item = next(iter(content_pack.items))
    code = nav.push(content_pack, cb.ItemCard(item), nav.TYPED)
    assert code.endswith("_t") and len(code) <= cb.BACK_LEN
    long = nav.fit(["o119.9", "i151", "f415", "n4", "t"])
    assert len(long) <= cb.BACK_LEN and long.startswith("o119.9")
    for junk in ("zz", "i99999", "i9999", "m1", "g0.0", "f-1", "o1.2.3.4", "_", "x1"):
        assert nav.decode(content_pack, junk) is None, junk
        assert nav.back_target(content_pack, junk, cb.Home()) == cb.Home(), "forged: the natural place"
    assert nav.back_target(content_pack, nav.TYPED, cb.Home()) is None
    assert nav.decode(content_pack, "i0_f1") == cb.ItemCard(item, "f1")


# --- buttons: distinct, whole words, paged, inert ----------------------------------------------------


def pack_texts(pack, tr) -> list[str]:
    lang = tr.lang
    texts = [pack.figure_text(f, lang).label for f in pack.figures]
    texts += [v for f in pack.figures.values() if (v := shown_value(pack, f, tr))]
    texts += [pack.item_text(i, lang).title for i in pack.items]
    texts += [pack.note_text(n.id, lang).title for n in pack.notes]
    texts += [group_title(pack, s, tr) for s in pack.sections]
    texts += [pack.reference(s, lang=lang) for s in pack.sections]
    return [unicodedata.normalize("NFC", t) for t in texts]


def cut_mid_word(label: str, texts: list[str]) -> bool:
    """A label ending in "…" whose last word stops where no word of any pack text stops."""
    core = label[:-1]
    tail = core[-12:].strip()
    pattern = re.compile(re.escape(tail) + r"(?=[\s,;:.()\-–/])")
    return not any(pattern.search(t) for t in texts)


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_every_keyboard_has_distinct_whole_word_labels_and_pages_long_lists(app, content_pack, catalogues,
                                                                                   lang):
    seen = await walk(app, content_pack.fingerprint, lang=lang)
    texts = pack_texts(content_pack, catalogues[lang])
    checked = 0
    for data, call in seen.items():
        if call.method != "editMessageText" or not call.ok:
            continue
        labels = [b["text"] for b in call.buttons]
        duplicates = {label for label in labels if labels.count(label) > 1}
        assert not duplicates, (cb.decode(data, content_pack.fingerprint), duplicates)
        for label in labels:
            assert len(label) <= 64, label
            if label.endswith("…"):
                assert not cut_mid_word(label, texts), (label, cb.decode(data, content_pack.fingerprint))
        kinds = [type(d) for d in decoded(call, content_pack)]
        for kind in (cb.ItemCard, cb.FigureCard, cb.GroupPage, cb.NoteCard, cb.FigureSection, cb.Original):
            assert kinds.count(kind) <= max(PAGE_SIZE, CHILD_BUTTONS) + 1, (data, kind)  # + its Back
        checked += 1
    assert checked > 500


def test_shorten_cuts_at_words_and_closes_no_bracket():
    text = "Quy mô GRDP năm 2025 (giá hiện hành) của tỉnh"
    for limit in range(12, len(text)):
        short = shorten(text, limit)
        assert len(short) <= limit
        assert short.count("(") == short.count(")"), short
        core = short.removesuffix("…")
        assert text.startswith(core) and (core == text or text[len(core)] in " ,(;:"), short


async def test_a_section_with_many_subsections_pages_them_all(app, content_pack):
    many = [s for s in content_pack.sections.values() if len(s.children) > CHILD_BUTTONS]
    assert many, "the pack has a section with more subsections than fit as buttons (the 16 targets)"
    await send(app, "/menu")
    for section in many:
        page = screen(await press(app, cb.encode(cb.Original(section.id), content_pack.fingerprint)))
        listing = next(d for d in decoded(page, content_pack) if isinstance(d, cb.Subsections))
        reached: list[str] = []
        pages = -(-len(section.children) // CHILD_BUTTONS)
        for n in range(pages):
            call = screen(await press(app, cb.encode(cb.Subsections(section.id, n, listing.back),
                                                     content_pack.fingerprint)))
            reached += [d.section for d in decoded(call, content_pack) if isinstance(d, cb.Original)
                        and d.section != section.id]
        assert reached == section.children, "every subsection, in order, once"


async def test_the_page_counter_answers_and_edits_nothing(app, fake_api, content_pack):
    entry = nav.entry_with(content_pack, "figures")
    await send(app, "/menu")
    listing = screen(await press(app, cb.encode(cb.MenuPage(entry.id), content_pack.fingerprint)))
    counter = next(b for b in listing.buttons if re.fullmatch(r"\d+/\d+", b["text"]))
    calls = await press(app, counter["callback_data"])
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert not calls[0].params.get("text")


async def test_the_fake_refuses_an_edit_to_identical_content_as_telegram_does(app, content_pack):
    await send(app, "/menu")
    data = cb.encode(cb.MenuPage(content_pack.menu[1].id), content_pack.fingerprint)
    await press(app, data)
    again = [c for c in await press(app, data) if c.method == "editMessageText"]
    assert again and not again[0].ok and "message is not modified" in again[0].error["description"]


async def test_the_last_digest_field_answers_and_edits_nothing(app, content_pack):
    await send(app, "/subscribe 7:00")
    screen(await send(app, "/digest settings"))
    fields = list(content_pack.fields.values())
    for field in fields[:-1]:  # untick all but the last
        calls = await press_button(app, field.title.vi)
        assert any(c.method == "editMessageText" and c.ok for c in calls)
    calls = await press_button(app, fields[-1].title.vi)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "ít nhất một lĩnh vực" in calls[0].params.get("text", "")


async def test_unsubscribe_with_words_stops_nothing(app):
    await send(app, "/dangky 7:00")
    store = app.bot_data["digest"].subscriptions
    shown = check_html(screen(await send(app, "/huy abc")).text)
    assert "/huy" in shown and "“abc”" in shown
    assert store.get(1001).active, "words it does not know never stop the digest"
    await send(app, "/huy")
    assert not store.get(1001).active
