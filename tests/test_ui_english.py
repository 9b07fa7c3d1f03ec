"""English that is English (issue 8, point 4, the rendering side): every word a reader sees comes from the
pack in the reader's language; the report's exact words stay Vietnamese, marked as the original.

The shipped pack's English overlay is being written; until meta.yaml lists ``en`` under translations,
these run on the fixture pack (complete English overlay) and on the shipped pack's own meta.yaml.
"""

from __future__ import annotations

import gettext
import re
from typing import Any

import pytest

from bot.content.pack import load_pack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.numbers import format_rank, format_token
from bot.simulate import press, send
from tests.ui_helpers import (
    MINIPACK,
    app_with,
    card_calls,
    check_html,
    place_names,
    screen,
    ui_minipack,
    vietnamese_outside_quotes,
)


@pytest.fixture
def ui_pack(tmp_path) -> Any:
    return load_pack(ui_minipack(tmp_path / "pack"))


async def assert_cards_speak(app: Any, pack: Any, lang: str) -> None:
    allowed = place_names(pack, lang)
    for kind in ("figure", "item"):
        for ident, call in (await card_calls(app, pack, kind, lang)).items():
            found = vietnamese_outside_quotes(call.text, allowed)
            labels = " ".join(b["text"] for b in call.buttons)
            found += vietnamese_outside_quotes(labels, allowed)
            assert not found, f"{kind} {ident} in {lang}: {found}"
    await send(app, "/menu", lang=lang)
    for fig in pack.figures.values():  # the exact sentence, too: only inside the marked quote
        call = screen(await press(app, cb.encode(cb.FigureQuote(fig.id), pack.fingerprint), lang=lang))
        assert not vietnamese_outside_quotes(call.text, allowed), fig.id


@pytest.mark.parametrize("make", ["fixture", "fixture with notes, ranks, forecasts"])
async def test_no_vietnamese_outside_the_quotes_in_each_translation(tmp_path, settings, catalogues, make):
    pack = load_pack(MINIPACK) if make == "fixture" else load_pack(ui_minipack(tmp_path / "pack"))
    assert pack.meta.translations
    async with app_with(pack, settings, catalogues) as app:
        for lang in pack.meta.translations:
            await assert_cards_speak(app, pack, lang)


async def test_no_vietnamese_outside_the_quotes_in_the_shipped_pack(app, content_pack):
    """Turned on by listing a language under `translations:` in content/meta.yaml (then it is complete)."""
    if not content_pack.meta.translations:
        pytest.skip("content/meta.yaml lists no complete translation yet; English falls back to Vietnamese")
    for lang in content_pack.meta.translations:
        await assert_cards_speak(app, content_pack, lang)


async def test_the_detector_finds_vietnamese_where_there_is_some(ui_pack):
    """The check above could pass by finding nothing: it finds a Vietnamese word, not a quoted one."""
    allowed = place_names(ui_pack, "en")
    fig = ui_pack.figures["tang-truong"]
    assert vietnamese_outside_quotes(f"<b>{fig.label}</b>", allowed)
    assert not vietnamese_outside_quotes(f"Label <blockquote>{fig.quote}</blockquote>", allowed)


@pytest.mark.parametrize("lang", ["en"])
async def test_start_and_about_in_english_from_the_shipped_meta(app, content_pack, lang):
    allowed = place_names(content_pack, lang)
    for command in ("/start", "/about"):
        for call in [c for c in await send(app, command, lang=lang) if c.method == "sendMessage"]:
            assert not vietnamese_outside_quotes(call.text, allowed), (command, call.text)
    about = check_html(screen(await send(app, "/about", lang=lang)).text)
    assert content_pack.meta_text(lang).committee in about


async def test_the_quote_is_marked_as_the_original(ui_pack, settings, catalogues):
    fig = next(f for f in ui_pack.figures.values() if f.value is not None)
    async with app_with(ui_pack, settings, catalogues) as app:
        await send(app, "/menu", lang="en")
        call = screen(await press(app, cb.encode(cb.FigureQuote(fig.id), ui_pack.fingerprint), lang="en"))
        assert re.search(r"<b>Original \(Vietnamese\):</b>\n<blockquote>" + re.escape(fig.quote), call.text)
        call = screen(await press(app, cb.encode(cb.FigureQuote(fig.id), ui_pack.fingerprint), lang="vi"))
        assert "Original" not in call.text and fig.quote in call.text


async def test_ranks_forecasts_notes_and_numbers_read_in_each_language(ui_pack, settings, catalogues):
    rank = next(f for f in ui_pack.figures.values() if f.kind == "rank")
    forecast = next(f for f in ui_pack.figures.values() if f.status_forecast)
    noted = ui_pack.notes[0]
    target = next(f for f in ui_pack.figures.values() if f.kind == "target_2030")
    en, vi = catalogues["en"], catalogues["vi"]
    async with app_with(ui_pack, settings, catalogues) as app:
        vi_cards = await card_calls(app, ui_pack, "figure", "vi")
        en_cards = await card_calls(app, ui_pack, "figure", "en")
        items_en = await card_calls(app, ui_pack, "item", "en")
    shown = {k: check_html(c.text) for k, c in vi_cards.items()}
    shown_en = {k: check_html(c.text) for k, c in en_cards.items()}
    assert f"thứ {rank.value} {rank.unit}" in shown[rank.id]
    assert f"{en.ordinal(int(rank.value))} {ui_pack.figure_text(rank.id, 'en').unit}" in shown_en[rank.id]
    assert "Dự kiến" in shown[forecast.id] and "Expected" in shown_en[forecast.id]
    assert vi.gettext("🌟 Target exceeded") not in shown[forecast.id], "never settled"
    note_en = ui_pack.note_text(noted.id, "en").title
    for fid in noted.figures:
        assert f"⚠️ Note: {note_en}" in shown_en[fid]
        assert any(b["text"].startswith("⚠️ Note:") for b in en_cards[fid].buttons)
    citing = next(i for i in ui_pack.items.values() if set(i.figures) & set(noted.figures))
    assert f"⚠️ Note: {note_en}" in check_html(items_en[citing.id].text)
    assert en.number(int(target.value.replace(".", ""))) in shown_en[target.id], "Babel's English grouping"
    assert target.value in shown[target.id], "Vietnamese: as the report writes it"


@pytest.mark.parametrize(("value", "vi", "en"), [
    ("12", "thứ 12", "12th"), ("2", "thứ 2", "2nd"), ("02/63", "thứ 02/63", "2nd of 63"),
    ("4/63", "thứ 4/63", "4th of 63"), ("2-3", "thứ 2-3", "2nd–3rd"), ("11", "thứ 11", "11th"),
])
def test_rank_formatting(catalogues, value, vi, en):
    assert format_rank(value, catalogues["vi"]) == vi
    assert format_rank(value, catalogues["en"]) == en


def test_numbers_are_formatted_one_way_per_language():
    vi, en = (Translator(lang, gettext.NullTranslations()) for lang in ("vi", "en"))
    assert format_token("1.250", vi) == "1.250" and format_token("1.250", en) == "1,250"
    assert format_token("88,46", vi) == "88,46" and format_token("88,46", en) == "88.46"
