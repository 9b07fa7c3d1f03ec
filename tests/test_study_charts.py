"""Charts: each one a valid PNG whose plotted numbers are the pack's figures, with honest gaps, bars from
zero, a font that has every Vietnamese letter, captions within Telegram's limit, and /chart end to end.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.fakeapi import FakeBotAPI, parse_html
from bot.handlers import charts as handlers
from bot.render import callbacks as cb
from bot.render.chart_png import FONT, draw, render_png
from bot.render.charts import CAPTION_LIMIT, ChartPick, caption, chart_view
from bot.simulate import press, send
from bot.study.distractors import parse
from tests.study_harness import Harness

ROOT = Path(__file__).resolve().parent.parent
MINIPACK = Path(__file__).parent / "fixtures" / "minipack"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def minipack() -> Any:
    from bot.content.pack import load_pack

    return load_pack(MINIPACK)


@pytest.fixture
def harness(settings: Any, content_pack: Any, catalogues: Any, search_index: Any) -> Harness:
    return Harness(settings, content_pack, catalogues, search_index)


def _artists(fig: Any) -> list[Any]:
    return [a for ax in fig.axes for a in ax.get_children()]


def _plotted(fig: Any) -> dict[str, Any]:
    """gid -> artist, for everything the chart drew from a figure (bars, lines, tally, markers)."""
    return {a.get_gid(): a for a in _artists(fig) if a.get_gid()}


def _check_data(pack: Any, chart_id: str, tr: Any) -> None:
    """The numbers drawn are the figure table's numbers, gaps are words, every value axis starts at 0."""
    spec = pack.study.chart(chart_id)
    view = chart_view(pack, chart_id, tr)
    fig = draw(view)
    drawn = _plotted(fig)
    gaps = [a for a in _artists(fig) if a.get_gid() == "gap"]
    expected_gaps = 0
    for g, group in enumerate(spec.groups):
        for s, figure_id in enumerate(group.figures):
            value = parse(pack.figures[figure_id].value) if figure_id else None
            if spec.kind == "scorecard":
                shown = drawn[f"value:{g}"].get_text().replace("\n", " ")
                assert shown == view.groups[g].bars[0].label
                assert drawn.get(f"status:{g}:{pack.figures[figure_id].status}") is not None
                continue
            bar = drawn.get(f"bar:{g}:{s}")
            if value is None:
                assert bar is None, f"{chart_id}: a missing value was drawn as a bar"
                expected_gaps += 1
                continue
            assert bar is not None, f"{chart_id}: {figure_id} was not drawn"
            assert bar.get_y() == 0, f"{chart_id}: a bar does not start at zero"
            assert bar.get_height() == pytest.approx(float(value.low)), f"{chart_id}: {figure_id}"
            if value.high is not None:
                top = drawn[f"bar:{g}:{s}:high"]
                assert top.get_y() + top.get_height() == pytest.approx(float(value.high))
    assert len(gaps) == expected_gaps
    for gap in gaps:
        assert gap.get_text() in (tr.gettext("not given yet"), tr.gettext("not stated"))
    for n, line in enumerate(spec.lines):
        value = parse(pack.figures[line.figure].value)
        artist = drawn[f"line:{n}"]
        if value.high is None:
            assert list(artist.get_ydata()) == pytest.approx([float(value.low)] * 2)
        else:
            # a band from the range's start to its end (axhspan draws a Rectangle in axes-x, data-y)
            assert artist.get_y() == pytest.approx(float(value.low))
            assert artist.get_y() + artist.get_height() == pytest.approx(float(value.high))
    if spec.kind == "scorecard":
        for key, _, count in view.counts:
            if count:
                assert drawn[f"count:{key}"].get_width() == count
        assert sum(c for _, _, c in view.counts) == len(spec.groups)
    else:
        for ax in fig.axes:
            if ax.patches:
                assert ax.get_ylim()[0] == 0, f"{chart_id}: a bar axis does not start at zero"
    fonts = {t.get_fontname() for t in fig.findobj(lambda a: hasattr(a, "get_fontname"))}
    assert fonts == {FONT}


def _check_png(png: bytes) -> None:
    from matplotlib import image

    assert png.startswith(PNG_MAGIC)
    pixels = image.imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    assert width == 1280 and 500 <= height <= 2600


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_chart_plots_the_packs_figures(content_pack: Any, catalogues: Any, lang: str) -> None:
    tr = catalogues.get(lang)
    ids = [c.id for c in content_pack.study.charts]
    assert {"tang-truong-grdp", "co-cau-kinh-te", "kinh-te-2025-2030", "xa-hoi-2025-2030",
            "chi-tieu-nhiem-ky"} <= set(ids)
    for chart_id in ids:
        _check_data(content_pack, chart_id, tr)
        view = chart_view(content_pack, chart_id, tr)
        text = caption(content_pack, view, tr)
        assert len(parse_html(text)) <= CAPTION_LIMIT
        assert content_pack.meta_text(lang).status_notice in parse_html(text)
        _check_png(render_png(view))


def test_another_packs_charts(minipack: Any, catalogues: Any) -> None:
    for lang in ("vi", "en"):
        for chart in minipack.study.charts:
            _check_data(minipack, chart.id, catalogues.get(lang))
    view = chart_view(minipack, "ket-qua-muc-tieu", catalogues.get("vi"))
    assert view.gaps == {"pending": ["Hộ nghèo (Kết quả)"], "absent": ["Hộ nghèo (Mục tiêu)"]}
    _check_png(render_png(view))


def test_gaps_are_words_and_the_caption_says_what_is_missing(content_pack: Any, catalogues: Any) -> None:
    tr = catalogues.get("vi")
    society = chart_view(content_pack, "xa-hoi-2025-2030", tr)
    poverty = next(g for g in society.groups if g.label == "Tỷ lệ hộ nghèo")
    assert poverty.bars[1].value is None and poverty.bars[1].label == "chưa có số liệu"
    assert "⏳ Dự thảo chưa có số liệu: Tỷ lệ hộ nghèo (Mục tiêu)" in parse_html(caption(content_pack, society, tr))
    structure = chart_view(content_pack, "co-cau-kinh-te", tr)
    assert structure.series[0][0] == "2020 (không nêu)"
    text = parse_html(caption(content_pack, structure, tr))
    assert "Dự thảo không nêu: Công nghiệp - xây dựng (2020)" in text
    economy = parse_html(caption(content_pack, chart_view(content_pack, "kinh-te-2025-2030", tr), tr))
    assert "⚠️ Chỉ tiêu dân số thành thị 2030 (41,1%) thấp hơn kết quả 2025 (57,1%)" in economy
    assert "📍 Nguồn: Phần I, mục I.1" in economy
    english = parse_html(caption(content_pack, chart_view(content_pack, "co-cau-kinh-te", catalogues.get("en")),
                                 catalogues.get("en")))
    assert "Economic structure in 2020, 2025 and the 2030 target" in english
    assert "Not stated in the draft: Industry & construction (2020)" in english


def test_the_font_has_every_letter_the_charts_show(content_pack: Any, minipack: Any, catalogues: Any) -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    shown: set[str] = set("⚠ ")
    for pack in (content_pack, minipack):
        for chart in pack.study.charts:
            for lang in ("vi", "en"):
                view = chart_view(pack, chart.id, catalogues.get(lang))
                texts = [view.title, view.axis, view.footer, *view.headers, *(s for s, _ in view.series),
                         *(w for _, w, _ in view.counts), *(x.label for x in view.lines)]
                for group in view.groups:
                    texts += [group.label, group.unit, group.status_text, group.target_text]
                    texts += [b.label for b in group.bars] + [b.tick for b in group.bars]
                shown |= set("".join(texts))
    shown |= set("ẮẰẲẴẶắằẳẵặẤẦẨẪẬấầẩẫậĐđÊỀẾỂỄỆêềếểễệƠỜỚỞỠỢơờớởỡợƯỪỨỬỮỰưừứửữựỲÝỶỸỴỳýỷỹỵ")
    missing = sorted(c for c in shown if not c.isspace() and ord(c) not in charmap)
    assert not missing, f"{FONT} has no glyph for {missing}"


def test_matplotlib_is_imported_only_when_a_chart_is_drawn() -> None:
    code = ("import sys, bot.app, bot.handlers.charts, bot.render.chart_png, bot.render.charts;"
            "sys.exit(1 if 'matplotlib' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


async def test_chart_command_sends_the_chart_and_caches_it(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        calls = await send(app, "/chart tang truong")
        photo = next(c for c in calls if c.method == "sendPhoto")
        assert photo.ok and photo.files.get("photo", 0) > 0
        text = parse_html(photo.text)
        assert text.startswith("📊 Tăng trưởng GRDP từng năm 2021-2025 so với mục tiêu")
        assert "📍 Nguồn: Phần I, mục I.1; Phần I, mục I.1, chú thích 1" in text
        assert harness.pack.meta.status_notice in text
        assert "Các biểu đồ khác" in photo.buttons[0]["text"]
        cache = app.bot_data[handlers.CHARTS]
        key = cache.key(harness.pack, "tang-truong-grdp", "vi")
        png = cache.png[key]
        _check_png(png)
        assert len(png) == photo.files["photo"]
        # The same chart again: not drawn again, sent by Telegram's file id.
        again = await send(app, "/bieudo tăng trưởng", user_id=1005)
        resent = next(c for c in again if c.method == "sendPhoto")
        assert resent.params["photo"] == photo.result["photo"][-1]["file_id"] and not resent.files
        assert cache.renders == 1
        # English: its own drawing, English words.
        english = next(c for c in await send(app, "/chart growth", user_id=1006, lang="en") if c.method == "sendPhoto")
        assert parse_html(english.text).startswith("📊 GRDP growth by year, 2021-2025, against the target")
        assert cache.renders == 2
        # A file id Telegram forgot: the bytes are uploaded again.
        fake.fail("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified")
        retry = await send(app, "/chart tang truong", user_id=1007)
        uploads = [c for c in retry if c.method == "sendPhoto"]
        assert not uploads[0].ok and uploads[1].ok and uploads[1].files.get("photo") == len(png)


@pytest.mark.parametrize("topic", ["thiên văn", "<b>x</b> & y", "x" * 300])
async def test_a_topic_with_nothing_to_chart_gets_the_list(harness: Harness, topic: str) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        calls = await send(app, f"/chart {topic}")
        reply = next(c for c in calls if c.method == "sendMessage")
        text = parse_html(reply.text)
        assert text.startswith("Không có biểu đồ cho “")
        assert "Cơ cấu kinh tế 2020, 2025 và mục tiêu 2030: /chart co cau" in text
        assert len(reply.buttons) == len(harness.pack.study.charts)
        assert not [c for c in calls if c.method == "sendPhoto"]


async def test_the_list_and_its_buttons(harness: Harness) -> None:
    fake = FakeBotAPI()
    async with harness.start(fake) as app:
        listing = next(c for c in await send(app, "/chart") if c.method == "sendMessage")
        assert parse_html(listing.text).startswith("📊 Biểu đồ số liệu của báo cáo")
        pick = next(b for b in listing.buttons if "Cơ cấu kinh tế" in b["text"])
        sent = await press(app, pick["callback_data"])
        photo = next(c for c in sent if c.method == "sendPhoto")
        assert parse_html(photo.text).startswith("📊 Cơ cấu kinh tế 2020, 2025 và mục tiêu 2030")
        more = await press(app, photo.buttons[0]["callback_data"])
        assert any(c.method == "sendMessage" and "Biểu đồ số liệu" in parse_html(c.text) for c in more)
        gone = cb.encode(ChartPick("khong-co"), harness.pack.fingerprint)
        stale = await press(app, gone)
        assert stale[0].method == "answerCallbackQuery" and not [c for c in stale if c.method == "sendPhoto"]


def test_the_scorecard_says_what_the_report_says(content_pack: Any, catalogues: Any) -> None:
    """Ranks keep their word, forecasts stay forecasts, and the report's own count of targets expected to
    be missed is in the caption (two of them have no 2025 value to plot)."""
    for lang, rank, missed, count in (("vi", "thứ 12 cả nước", "Không đạt (dự kiến)", "03 chỉ tiêu"),
                                      ("en", "12th nationwide", "Not achieved (forecast)", "3 targets")):
        tr = catalogues.get(lang)
        view = chart_view(content_pack, "chi-tieu-nhiem-ky", tr)
        place = next(g for g in view.groups if g.bars[0].figure == "grdp-quy-mo-xep-hang-2025")
        assert place.bars[0].label == rank
        words = {key: text for key, text, _ in view.counts}
        assert words["not_achieved"] == missed
        not_met = sum(1 for g in view.groups if g.status == "not_achieved")
        assert all(content_pack.figures[g.bars[0].figure].status_forecast
                   for g in view.groups if g.status == "not_achieved") and not_met
        text = parse_html(caption(content_pack, view, tr))
        assert f"(54): {count}" in text.replace("footnote 54", "54").replace("chú thích 54", "54")


def test_chart_pairs_compare_like_with_like(content_pack: Any, catalogues: Any) -> None:
    """A 2030 target that leaves something out is drawn beside the result counted the same way."""
    view = chart_view(content_pack, "kinh-te-2025-2030", catalogues.get("vi"))
    revenue = next(g for g in view.groups if g.bars[1].figure == "mt2030-thu-ngan-sach")
    assert content_pack.figures[revenue.bars[0].figure].basis == content_pack.figures["mt2030-thu-ngan-sach"].basis
    society = chart_view(content_pack, "xa-hoi-2025-2030", catalogues.get("vi"))
    assert "mt2030-giuong-benh" not in {b.figure for g in society.groups for b in g.bars}
