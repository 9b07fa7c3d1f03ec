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


# --- scope honesty, end to end: what a cadre sees when the report has no answer ----------------------


def decoded(call, pack) -> list:
    return [cb.decode(b["callback_data"], pack.fingerprint) for b in callback_buttons(call)]


def marked(call) -> list[str]:
    """The words in bold inside the excerpts (not the title, not the numbering)."""
    body = call.text.split("\n", 1)[1] if "\n" in call.text else ""
    return [b.lower() for b in re.findall(r"<b>([^<]*)</b>", body) if not re.fullmatch(r"\d+\.", b)]


def figure_buttons(call, pack) -> list[str]:
    return [d.figure for d in decoded(call, pack) if isinstance(d, cb.FigureCard)]


async def test_a_question_the_report_cannot_answer_says_so_with_near_figures(app, content_pack):
    call = screen(await send(app, "tỷ lệ thất nghiệp"))
    shown = check_html(call.text)
    assert call.params["parse_mode"] == "HTML"
    assert "Báo cáo không có số liệu về “tỷ lệ thất nghiệp”." in shown
    assert "Có thể đồng chí cần:" in shown
    assert "📊" not in shown.split("\n")[0], "no figure card"
    kinds = [type(d) for d in decoded(call, content_pack)]
    assert 1 <= kinds.count(cb.FigureCard) <= 4, "up to four near figures as buttons"
    assert cb.SearchPage in kinds and cb.Home in kinds
    search = next(d for d in decoded(call, content_pack) if isinstance(d, cb.SearchPage))
    page = screen(await press(app, cb.encode(search, content_pack.fingerprint)))
    assert "thất nghiệp" in check_html(page.text), "the text search button searches these words"


async def test_near_figures_never_offer_two_buttons_that_read_the_same(app, content_pack):
    """"lương tối thiểu vùng" is near four figures named "Tỷ lệ đoạn tuyến đường tỉnh tối thiểu cấp III…"
    (a result, its baseline, a target and the same fact under a breakthrough): four identical buttons
    told the cadre nothing. Those the value or period tells apart say so; the rest are shown once."""
    call = screen(await send(app, "lương tối thiểu vùng"))
    assert "Báo cáo không có số liệu về “lương tối thiểu vùng”." in check_html(call.text)
    figures = [b["text"] for b in callback_buttons(call)
               if isinstance(cb.decode(b["callback_data"], content_pack.fingerprint), cb.FigureCard)]
    assert figures, "near figures are still offered"
    assert len(set(figures)) == len(figures), figures


async def test_the_issues_examples_no_longer_get_unrelated_cards(app, content_pack):
    for text in ("cam on", "ai la bi thu tinh uy", "weather", "GDP Hà Nội", "dân số 2030", "tỷ lệ thất nghiệp",
                 "dan so ha noi", "gia lua hom nay"):
        call = screen(await send(app, text))
        shown = check_html(call.text)
        assert not shown.startswith("🏠 ›"), f"{text!r} got a card: {shown[:80]!r}"
    people = check_html(screen(await send(app, "ai la bi thu tinh uy")).text)
    assert "không nêu tên" in people
    near = figure_buttons(screen(await send(app, "dân số 2030")), content_pack)
    assert "mt2030-dan-so-thanh-thi" in near, "the urban population share is offered, not given as the answer"


async def test_naming_the_province_keeps_a_good_query_good(app, content_pack):
    for text, figure in (("thu ngan sach cua tinh bac giang", "thu-ngan-sach-2025"),
                         ("ty le ho ngheo tinh bac giang", "ty-le-ho-ngheo-2025")):
        shown = check_html(screen(await send(app, text)).text)
        assert content_pack.figures[figure].label in shown, text


async def test_another_province_or_the_country_gets_the_province_only_answer(app, content_pack):
    call = screen(await send(app, "GDP Hà Nội"))
    shown = check_html(call.text)
    assert f"Báo cáo chỉ có số liệu của tỉnh {content_pack.meta.province}, không có số liệu của Hà Nội." in shown
    assert "grdp-quy-mo-2025" in figure_buttons(call, content_pack), "the province's own figure is offered"
    shown = check_html(screen(await send(app, "/figure tăng trưởng kinh tế cả nước")).text)
    assert "không có số liệu của cả nước" in shown
    road = check_html(screen(await send(app, "cao toc ha noi bac giang")).text)
    assert "Báo cáo không có số liệu về" in road, "a place the report's text names is no other province's figure"
    rank = screen(await send(app, "quy mo grdp dung thu may ca nuoc"))
    assert content_pack.figures["grdp-quy-mo-xep-hang-2025"].label in check_html(rank.text), (
        "with a rank word, the country is what the province is ranked in")


async def test_greetings_and_thanks_get_a_greeting_with_examples(app, content_pack):
    for text, first in (("xin chào", "Chào đồng chí!"), ("cảm ơn", "Rất vui được giúp đồng chí")):
        call = screen(await send(app, text))
        assert check_html(call.text).startswith(first)
        examples = [b["switch_inline_query_current_chat"] for b in call.buttons
                    if "switch_inline_query_current_chat" in b]
        assert examples, "examples to tap"
    call = screen(await send(app, "thanks", lang="en"))
    assert check_html(call.text).startswith("You are welcome, comrade.")


async def test_a_question_that_names_an_item_gets_the_items_card(app, content_pack):
    for text, item in (("đột phá thứ hai", "dot-pha-2-ket-cau-ha-tang"), ("bai hoc thu ba", "bai-hoc-3-bam-sat-thuc-tien"),
                       ("/figure chỉ tiêu số 7", "ct2030-07-ho-ngheo"), ("dot pha ve nguon nhan luc", "dot-pha-3-nguon-nhan-luc"),
                       ("nhiem vu phat trien du lich", "nv-du-lich-do-thi-dich-vu")):
        call = screen(await send(app, text))
        shown = check_html(call.text)
        assert content_pack.items[item].title in shown, text
        assert content_pack.items[item].summary[:40] in shown
    call = screen(await send(app, "/search đột phá thứ hai"))
    assert content_pack.items["dot-pha-2-ket-cau-ha-tang"].title in check_html(call.text), "the same in /search"


async def test_english_interface_gets_english_honesty(app, content_pack):
    shown = check_html(screen(await send(app, "weather", lang="en")).text)
    assert "The report has no figure on “weather”." in shown
    shown = check_html(screen(await send(app, "gdp hanoi", lang="en")).text)
    assert f"The report only has figures for {content_pack.meta.province} province, not for Hà Nội." in shown
    shown = check_html(screen(await send(app, "/search thời tiết", lang="en")).text)
    assert "The report never uses" in shown


async def test_inline_out_of_scope_is_one_honest_article(app, content_pack):
    results = answer(await inline(app, "weather")).params["results"]
    check_results(results)
    assert len(results) == 1
    text = parse_html(results[0]["input_message_content"]["message_text"])
    assert "Báo cáo không có số liệu về “weather”." in text
    assert results[0]["title"].startswith("ℹ️ Báo cáo không có số liệu")
    place = answer(await inline(app, "GDP Hà Nội")).params["results"]
    check_results(place)
    assert "chỉ có số liệu của tỉnh" in parse_html(place[0]["input_message_content"]["message_text"])
    assert not any(r["id"].startswith("f:") for r in place), "no figure card for another province"
    greeting = answer(await inline(app, "cam on")).params["results"]
    assert [r["id"] for r in greeting] == ["x:greeting"]
    item = answer(await inline(app, "đột phá thứ hai")).params["results"]
    check_results(item)
    assert item[0]["id"] == "i:dot-pha-2-ket-cau-ha-tang"
    answered = answer(await inline(app, "thu ngan sach 2025")).params["results"]
    assert answered[0]["id"] == "f:thu-ngan-sach-2025"


async def test_search_honours_diacritics_typed(app):
    call = screen(await send(app, "/search trồng rừng"))
    bold = marked(call)
    assert any("trồng" in b for b in bold)
    assert not any(re.search(r"\btrong\b", b) for b in bold), "“trồng” never marks “trong”"
    call = screen(await send(app, "/search thời tiết"))
    shown = check_html(call.text)
    assert "Báo cáo không nhắc đến" in shown and "thời tiết" in shown, "not “chi tiết”"


async def test_search_never_marks_or_matches_stopwords_alone(app):
    call = screen(await send(app, "/search và"))
    shown = check_html(call.text)
    assert "Báo cáo không nhắc đến" in shown and "<b>và</b>" not in call.text
    call = screen(await send(app, "/search tăng trưởng và phát triển"))
    bold = marked(call)
    assert bold and not any(b.strip() == "và" for b in bold)


async def test_search_quoted_phrase_matches_as_a_phrase(app, content_pack):
    call = screen(await send(app, '/search "hạ tầng giao thông"'))
    check_html(call.text)
    bold = marked(call)
    assert bold and all("hạ tầng giao thông" in b for b in bold), bold
    index = app.bot_data["search"]
    quoted = index.text_search('"giao thông hạ tầng"')
    loose = index.text_search("giao thông hạ tầng")
    assert len(quoted.hits) < len(loose.hits), "the words in that order only"


async def test_search_results_keep_no_memory_per_user(app, content_pack):
    from bot.handlers.search import QUERIES_KEY, RecentQueries

    app.bot_data[QUERIES_KEY] = RecentQueries(size=3)
    for user in range(2001, 2011):
        await send(app, "/search tăng trưởng kinh tế", user_id=user)
        await send(app, f"zzqx {user}", user_id=user)
    assert not any(app.user_data.get(u) for u in range(2001, 2011)), "nothing kept per user"
    assert len(app.bot_data[QUERIES_KEY]) == 3, "a bounded store for everybody"
    call = screen(await send(app, "/search tỉnh", user_id=2001))
    nxt = next(d for d in decoded(call, content_pack) if isinstance(d, cb.SearchPage) and d.page == 1)
    assert screen(await press(app, cb.encode(nxt, content_pack.fingerprint), user_id=2002)).text, (
        "a page of the same query works for anybody")
    for filler in ("a", "b", "c"):
        await send(app, f"/search {filler} tăng trưởng", user_id=2003)
    stale = await press(app, cb.encode(nxt, content_pack.fingerprint), user_id=2001)
    assert any(c.method == "answerCallbackQuery" and c.params.get("text") for c in stale), "forgotten: stale"
