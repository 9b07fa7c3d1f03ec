"""Figure cards and lookups end to end: /figure, /so, plain text, groups, both languages, pending figures."""

from __future__ import annotations

import gettext

import pytest

from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.numbers import format_value
from bot.simulate import press, send
from tests.ui_helpers import callback_buttons, check_html, screen

GROUP = -100777
GRDP = "grdp-quy-mo-2025"  # the report's GRDP figure: what a cadre means by "grdp"


def decoded(call, pack) -> list[cb.Callback]:
    return [cb.decode(b["callback_data"], pack.fingerprint) for b in callback_buttons(call)]


def card_of(call, pack) -> str:
    """The figure a card shows: the target of its "exact sentence" or "original text" buttons."""
    for data in decoded(call, pack):
        if isinstance(data, cb.FigureQuote):
            return data.figure
    raise AssertionError("not a figure card with a quote button")


async def test_figure_grdp_shows_the_grdp_figure_first_with_other_matches(app, content_pack):
    call = screen(await send(app, "/figure grdp"))
    shown = check_html(call.text)
    fig = content_pack.figures[GRDP]
    assert card_of(call, content_pack) == GRDP
    assert shown.splitlines()[0] == f"📊 {fig.label}", "a typed answer starts with the figure: no breadcrumb"
    assert "🏠 ›" not in shown
    assert f"{fig.value} {fig.unit}" in shown, "vi shows the value exactly as written, unit inline"
    assert fig.period in shown
    assert content_pack.reference(fig.source, fig.footnote) in shown
    others = [d for d in decoded(call, content_pack) if isinstance(d, cb.FigureCard) and d.figure != GRDP]
    assert 1 <= len(others) <= 4
    assert cb.Home() in decoded(call, content_pack)
    assert "⬅️ Quay lại" not in [b["text"] for b in call.buttons], "no list behind a typed answer"


async def test_alias_so_and_group_command_with_bot_name(app, fake_api):
    call = screen(await send(app, "/so grdp"))
    assert "GRDP" in check_html(call.text)
    calls = await send(app, f"/figure@{fake_api.bot_username} grdp", chat_id=GROUP, chat_type="group")
    assert "GRDP" in check_html(screen(calls).text)
    assert screen(calls).chat_id == GROUP


async def test_plain_text_in_private_is_a_lookup_but_not_in_groups(app, content_pack):
    call = screen(await send(app, "quy mô GRDP"))
    assert card_of(call, content_pack) == GRDP
    calls = await send(app, "quy mô GRDP", chat_id=GROUP, chat_type="group")
    assert not [c for c in calls if c.method == "sendMessage"], "group chatter is not for the bot"


async def test_no_diacritics_and_typos_still_find_the_figure(app, content_pack):
    call = screen(await send(app, "quy mo grpd 2025"))
    assert card_of(call, content_pack) == GRDP


async def test_empty_figure_command_shows_usage_with_tappable_examples(app, content_pack):
    call = screen(await send(app, "/figure"))
    shown = check_html(call.text)
    assert "/so " in shown, "the Vietnamese name of the command, for a Vietnamese reader"
    assert "/figure " in check_html(screen(await send(app, "/figure", lang="en")).text)
    examples = [b["switch_inline_query_current_chat"] for b in call.buttons
                if "switch_inline_query_current_chat" in b]
    assert examples
    aliases = {a for f in content_pack.headline_figures() for a in f.aliases}
    assert set(examples) <= aliases


async def test_no_match_gives_suggestions_and_a_hint_never_silence(app, content_pack):
    call = screen(await send(app, "zzqx wvvk"))
    shown = check_html(call.text)
    assert "zzqx wvvk" in shown
    assert "/tim" in shown, "a hint, with the Vietnamese name of /search"
    kinds = {type(d) for d in decoded(call, content_pack)}
    assert cb.SearchPage in kinds, "offers to search the text instead"
    assert cb.Home in kinds


async def test_html_in_a_query_is_escaped(app):
    call = screen(await send(app, "<b>GRDP</b> & <script>"))
    check_html(call.text)
    call = screen(await send(app, "/figure <i>&amp;"))
    check_html(call.text)


async def test_a_pending_figure_says_plainly_it_is_not_given_and_shows_the_blank(app, content_pack):
    pending = [f for f in content_pack.figures.values() if f.status == "pending"]
    assert pending, "the draft leaves figures blank; the pack must say so"
    fig = pending[0]
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint)))
    shown = check_html(call.text)
    assert "Dự thảo chưa có số liệu này" in shown
    assert fig.quote in shown, "the sentence with its blank"
    assert cb.FigureQuote(fig.id) not in decoded(call, content_pack), "the quote is already shown"
    call = screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint), lang="en"))
    assert "The draft does not give this figure yet" in check_html(call.text)


async def test_a_not_achieved_figure_shows_its_status_and_comparison(app, content_pack):
    figs = [f for f in content_pack.figures.values() if f.status == "not_achieved"]
    assert figs
    fig = next((f for f in figs if f.compare), figs[0])
    await send(app, "/menu")
    call = screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint)))
    shown = check_html(call.text)
    # the report states every not-achieved status of this draft as a forecast ("dự kiến không hoàn thành")
    assert ("❌ Dự kiến không đạt mục tiêu" if fig.status_forecast else "❌ Không đạt mục tiêu") in shown
    for comparison in fig.compare:
        other = content_pack.figures[comparison.figure]
        assert other.label in shown
        if other.value:
            assert other.value in shown


async def test_exact_source_sentence_on_request(app, content_pack):
    fig = content_pack.figures[GRDP]
    await send(app, "/menu")
    card = screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint)))
    assert fig.quote not in check_html(card.text)
    call = screen(await press(app, cb.encode(cb.FigureQuote(fig.id), content_pack.fingerprint)))
    assert fig.quote in check_html(call.text)
    assert cb.FigureCard(fig.id) in decoded(call, content_pack), "and hide it again"


async def test_figure_card_opens_its_items_and_its_original_text(app, content_pack):
    fig = content_pack.figures[GRDP]
    await send(app, "/menu")
    card = screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint)))
    targets = decoded(card, content_pack)
    items = [d for d in targets if isinstance(d, cb.ItemCard)]
    assert items and all(GRDP in content_pack.items[d.item].figures for d in items)
    original = next(d for d in targets if isinstance(d, cb.Original))
    call = screen(await press(app, cb.encode(original, content_pack.fingerprint)))
    assert fig.quote[:60] in check_html(call.text), "opens the part holding the sentence"


async def test_english_formats_numbers_with_babel(app, content_pack):
    fig = content_pack.figures[GRDP]
    call = screen(await send(app, "/figure grdp", lang="en"))
    shown = check_html(call.text)
    assert fig.value == "239.163"
    assert "239,163" in shown and "239.163 " not in shown.split("Source")[0].replace(fig.quote, "")
    assert "Result" in shown and "Source:" in shown
    call = screen(await send(app, "/figure grdp", lang="vi"))
    assert "239.163" in check_html(call.text)


@pytest.mark.parametrize(("value", "vi", "en"), [
    ("239.163", "239.163", "239,163"),
    ("14,99", "14,99", "14.99"),
    ("19,30", "19,30", "19.30"),
    ("14-15", "14-15", "14–15"),
    ("161/182", "161/182", "161/182"),
    ("1.250.000", "1.250.000", "1,250,000"),
    ("2,0", "2,0", "2.0"),
    ("92.000", "92.000", "92,000"),
])
def test_value_formatting_per_locale(value, vi, en):
    tr_vi = Translator("vi", gettext.NullTranslations())
    tr_en = Translator("en", gettext.NullTranslations())
    assert format_value(value, tr_vi) == vi
    assert format_value(value, tr_en) == en
    assert format_value(None, tr_en) is None


async def test_every_figure_card_renders_in_both_languages(app, content_pack):
    await send(app, "/menu")
    for lang in ("vi", "en"):
        for fig in content_pack.figures.values():
            call = screen(await press(app, cb.encode(cb.FigureQuote(fig.id), content_pack.fingerprint),
                                      lang=lang))
            if call.method == "editMessageText" and call.ok:
                check_html(call.text)
