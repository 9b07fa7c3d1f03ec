"""/search and inline mode end to end: highlighting, opening passages, paging, inline offsets and caps."""

from __future__ import annotations

import re

from bot.fakeapi import parse_html
from bot.render import callbacks as cb
from bot.render.original import original_parts
from bot.render.search import INLINE_MAX, TELEGRAM_INLINE_LIMIT
from bot.render.text import highlight
from bot.simulate import inline, press, send
from tests.ui_helpers import callback_buttons, check_html, screen

GROUP = -100888


def opens(call, pack) -> list[cb.Original]:
    found = [cb.decode(b["callback_data"], pack.fingerprint) for b in callback_buttons(call)]
    return [d for d in found if isinstance(d, cb.Original)]


async def test_search_ranks_passages_with_matched_words_in_bold(app, content_pack):
    call = screen(await send(app, "/search tăng trưởng GRDP"))
    shown = check_html(call.text)
    assert "tăng trưởng GRDP" in shown
    bold = re.findall(r"<b>([^<]*)</b>", call.text)
    assert any("GRDP" in b for b in bold)
    assert any("tăng trưởng" in b.lower() for b in bold), "adjacent matched words in one <b>"
    assert 1 <= len(opens(call, content_pack)) <= 5


async def test_search_without_diacritics_highlights_the_original_words(app):
    call = screen(await send(app, "/tim dang vien"))
    check_html(call.text)
    assert re.search(r"<b>[^<]*đảng viên[^<]*</b>", call.text, re.IGNORECASE)


async def test_html_characters_in_the_query_are_escaped_before_highlighting(app):
    call = screen(await send(app, "/search <b>GRDP</b> & <i>tăng"))
    shown = check_html(call.text)
    assert "<b>GRDP</b> & <i>tăng" in shown, "the query is shown as typed"
    assert "&lt;b&gt;GRDP&lt;/b&gt; &amp; &lt;i&gt;tăng" in call.text


def test_highlight_offsets_survive_escaping():
    text = "a < b & c > d GRDP <x>"
    start = text.index("GRDP")
    html = highlight(text, [(start, start + 4), (0, 1), (2, 3), (100, 120)])
    assert html == "<b>a &lt;</b> b &amp; c &gt; d <b>GRDP</b> &lt;x&gt;"
    assert parse_html(html) == text
    assert highlight("tăng trưởng", [(0, 4), (5, 11)]) == "<b>tăng trưởng</b>"


async def test_each_result_opens_its_section_at_the_right_part(app, content_pack):
    call = screen(await send(app, "/search tổ chức cơ sở đảng"))
    targets = opens(call, content_pack)
    assert targets
    for target in targets:
        assert target.section in content_pack.sections
        assert 0 <= target.part < len(original_parts(content_pack, target.section))
        opened = screen(await press(app, cb.encode(target, content_pack.fingerprint)))
        check_html(opened.text)
    # a footnote hit opens the part holding that footnote
    hits = app.bot_data["search"].passages("tổ chức cơ sở đảng", limit=30)
    noted = next((h for h in hits if h.footnote), None)
    if noted is not None:
        from bot.render.search import hit_target

        target = hit_target(content_pack, noted)
        opened = screen(await press(app, cb.encode(target, content_pack.fingerprint)))
        assert f"[{noted.footnote}] " in check_html(opened.text)


async def test_results_page_through_buttons(app, content_pack):
    call = screen(await send(app, "/search tỉnh"))
    pages = [cb.decode(b["callback_data"], content_pack.fingerprint) for b in callback_buttons(call)]
    nxt = next(d for d in pages if isinstance(d, cb.SearchPage) and d.page == 1)
    second = screen(await press(app, cb.encode(nxt, content_pack.fingerprint)))
    shown = check_html(second.text)
    assert re.search(r"^6\. ", shown, re.M), "numbering continues on page 2"
    assert not re.search(r"^1\. ", shown, re.M)


async def test_empty_and_hopeless_searches_answer(app):
    call = screen(await send(app, "/search"))
    assert "/tim " in check_html(call.text), "the Vietnamese name of /search, for a Vietnamese reader"
    call = screen(await send(app, "/search qqqzzzxxx"))
    assert "qqqzzzxxx" in check_html(call.text)


async def test_search_in_a_group_with_bot_name(app, fake_api):
    calls = await send(app, f"/tim@{fake_api.bot_username} ngân sách", chat_id=GROUP, chat_type="supergroup")
    assert screen(calls).chat_id == GROUP
    check_html(screen(calls).text)


# --- inline mode ---------------------------------------------------------------------------


def answer(calls):
    answers = [c for c in calls if c.method == "answerInlineQuery"]
    assert len(answers) == 1
    return answers[0]


def check_results(results) -> None:
    ids = [r["id"] for r in results]
    assert len(ids) == len(set(ids)), "ids are unique"
    assert all(len(i.encode()) <= 64 for i in ids)
    assert len(results) <= 50
    for r in results:
        assert r["type"] == "article"
        check_html(r["input_message_content"]["message_text"])


async def test_inline_empty_query_shows_the_headline_figures(app, content_pack):
    call = answer(await inline(app, ""))
    results = call.params["results"]
    check_results(results)
    assert [r["id"] for r in results] == [f"f:{f.id}" for f in content_pack.headline_figures()][:50]
    assert call.params.get("is_personal") is True  # UI language differs per user
    assert call.params["cache_time"] <= 60


async def test_inline_query_returns_figures_and_passages(app, content_pack):
    call = answer(await inline(app, "grdp"))
    results = call.params["results"]
    check_results(results)
    assert results[0]["id"] == "f:grdp-quy-mo-2025"
    everything = list(results)
    offset = call.params.get("next_offset", "")
    while offset:  # figures rank first; passages follow on later pages
        page = answer(await inline(app, "grdp", offset=offset))
        everything += page.params["results"]
        offset = page.params.get("next_offset", "")
    assert any(r["id"].startswith("p:") for r in everything)
    fig = content_pack.figures["grdp-quy-mo-2025"]
    text = parse_html(results[0]["input_message_content"]["message_text"])
    assert fig.quote in text and fig.value in text


async def test_inline_pages_with_next_offset_and_never_more_than_50(app):
    first = answer(await inline(app, "tỉnh"))
    assert len(first.params["results"]) == INLINE_MAX <= TELEGRAM_INLINE_LIMIT
    offset = first.params["next_offset"]
    assert offset == str(INLINE_MAX)
    ids = {r["id"] for r in first.params["results"]}
    pages = 1
    while offset:
        page = answer(await inline(app, "tỉnh", offset=offset))
        check_results(page.params["results"])
        new = {r["id"] for r in page.params["results"]}
        assert not ids & new, "pages do not repeat results"
        ids |= new
        offset = page.params.get("next_offset", "")
        pages += 1
        assert pages < 12
    assert pages >= 2


async def test_inline_bad_offsets_and_odd_queries(app):
    for offset in ("abc", "-5", "999999", "1e9"):
        check_results(answer(await inline(app, "grdp", offset=offset)).params["results"])
    for query in ("<b>&", "🙂" * 50, "x" * 256, "   "):
        check_results(answer(await inline(app, query)).params["results"])


async def test_inline_in_english_formats_numbers(app):
    call = answer(await inline(app, "grdp", lang="en"))
    text = parse_html(call.params["results"][0]["input_message_content"]["message_text"])
    assert "239,163" in text
