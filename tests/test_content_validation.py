"""check-content on broken packs: each kind of mistake gets a file:line error, never a traceback.

The fixture pack (tests/fixtures/minipack) is a tiny made-up report; it also proves the engine
serves any report of the same kind, not just the shipped one.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import ContentError
from bot.content.fidelity import ungrounded_words
from bot.content.lexicon import SearchLexicon
from bot.content.numbers import quantity_runs, value_spans
from bot.content.pack import load_pack
from bot.content.validate import main as check_content

MINIPACK = Path(__file__).parent / "fixtures" / "minipack"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINIPACK, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(pack_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_pack(pack_dir)
    return caught.value.errors


@pytest.mark.parametrize("name", ["kinds.yaml", "digest.yaml"])
def test_a_pack_without_its_kinds_or_digest_is_refused(pack_dir: Path, name: str) -> None:
    (pack_dir / name).unlink()
    assert any(e.startswith(f"{pack_dir / name}:1: {name} is missing") for e in errors_of(pack_dir))


def test_fixture_pack_is_valid_and_serves_another_report() -> None:
    pack = load_pack(MINIPACK)
    assert pack.meta.title.startswith("Báo cáo mẫu")
    assert pack.figures["tang-truong"].number == 7.5
    assert pack.figures["thu-nhap-2030"].number == 1250
    assert pack.figures["ho-ngheo"].value is None
    assert pack.reference("p1.1", 1) == "Phần I, mục 1, chú thích 1"
    # a footnote body running over three lines is joined and cut out of the paragraph
    assert pack.footnotes[2].text == "Số liệu đang tổng hợp."
    assert pack.sections["p1.2"].display_paragraphs == ["2. Tỷ lệ hộ nghèo còn ......%[2]."]


CASES = [  # noqa: E501 - one mistake per line reads best
    # (file, old, new, expected error pattern)
    ("figures/figures.yaml", "value: \"7,5\"", "value: \"7,6\"", r"figures\.yaml:\d+: figure 'tang-truong': value '7,6' does not occur"),
    (
        "figures/figures.yaml",
        "quote: Kinh tế tăng trưởng khá, đạt 7,5%/năm",
        "quote: Kinh tế tăng trưởng mạnh, đạt 7,5%/năm",
        r"figures\.yaml:\d+: figure 'tang-truong': quote does not occur verbatim",
    ),
    ("figures/figures.yaml", "id: muc-tieu-tang-truong", "id: tang-truong", r"figure id 'tang-truong' is already used at .*figures\.yaml:\d+"),
    ("figures/figures.yaml", "status: pending", "status: pending\n    value: \"5\"", r"a pending figure carries no value"),
    ("figures/figures.yaml", "value: \"1.250\"", "value: \"1.250\"\n    qualifier: khoảng", r"qualifier 'khoảng' must stand right before the value"),
    ("figures/figures.yaml", "source: p2\n", "source: p9\n", r"source section 'p9' does not exist"),
    ("figures/figures.yaml", "footnote: 1", "footnote: 7", r"footnote 7 does not exist"),
    ("figures/figures.yaml", "relation: target", "relation: aim", r"figures\.yaml:\d+: figure 'tang-truong': field 'compare\.0\.relation'"),
    ("figures/figures.yaml", "    unit: USD", "    units: USD", r"figures\.yaml:\d+: .*'units': unknown field"),
    ("items/items.yaml", "summary: Tăng trưởng bình quân 7,5%/năm", "summary: Tăng trưởng bình quân 9,5%/năm", r"items\.yaml:\d+: item 'kinh-te': summary has number\(s\) \['9,5'\]"),
    ("items/items.yaml", "figures: [ho-ngheo]", "figures: [ho-ngheo, khong-co]", r"item 'giam-ngheo': unknown figure 'khong-co'"),
    ("items/items.yaml", "field: economy\n    title: Giảm", "field: sport\n    title: Giảm", r"unknown field 'sport'"),
    ("items/items.yaml", "source: p2", "source: p1.1", r"sections\.yaml:\d+: coverage: section 'p2'"),
    ("items/items.yaml", "  - id: mo-dau\n", "  - id: mo-dau\n   bad: [\n", r"items\.yaml:\d+: YAML syntax error"),
    ("sections.yaml", "starts: \"1. Kinh tế\"", "starts: \"1. Văn hóa\"", r"sections\.yaml:\d+: section 'p1\.1': source line 5 does not start with"),
    ("meta.yaml", "status: final", "status: maybe", r"meta\.yaml:\d+: meta: field 'status'"),
    ("source.txt", "đạt 7,5%/năm", "đạt 7,4%/năm", r"source\.txt changed since the pack was curated"),
    # kinds.yaml: every kind is declared, and its rules hold (the code never spells a kind)
    ("figures/figures.yaml", "kind: target_prev", "kind: target_2020", r"figures\.yaml:\d+: figure 'muc-tieu-tang-truong': kind 'target_2020' is not in kinds\.yaml"),
    ("items/items.yaml", "kind: overview", "kind: preface", r"items\.yaml:\d+: item 'mo-dau': kind 'preface' is not in kinds\.yaml"),
    ("menu.yaml", "kinds: [target]", "kinds: [target, aim]", r"menu\.yaml:6: menu entry 'targets': kind 'aim' is not in kinds\.yaml"),
    ("kinds.yaml", "  - id: overview\n", "  - id: overview\n    field: true\n", r"items\.yaml:\d+: item 'mo-dau': kind 'overview' needs a `field`"),
    ("items/items.yaml", "    figures: [thu-nhap-2030]\n", "", r"items\.yaml:\d+: item 'chi-tieu-thu-nhap': kind 'target' lists its figures"),
    ("kinds.yaml", "{id: rank, role: rank}", "{id: rank, role: ranking}", r"kinds\.yaml:\d+: kinds: field 'figures\.4\.role'"),
    ("kinds.yaml", "  - {id: count, role: count}\n", "  - {id: count, role: count}\n  - {id: count, role: other}\n", r"kinds\.yaml:\d+: kinds: figures kind 'count' is listed twice"),
    # digest.yaml: the slots name kinds that exist, times are times, titles hold only {term}
    ("digest.yaml", "kinds: [achievement, breakthrough_result]", "kinds: [achievement, success]", r"digest\.yaml:\d+: digest: slot 'result': item kind 'success' is not in kinds\.yaml"),
    ("digest.yaml", 'time: "07:00"', 'time: "7h"', r"digest\.yaml:\d+: digest: field 'time'"),
    ("digest.yaml", '"20:00", "21:00"]', '"20:00", "25:00"]', r"digest\.yaml:\d+: digest: field 'times': .*'25:00' is not HH:MM"),
    ("digest.yaml", 'en: "A target for the {term} term"', 'en: "A target for the {year} term"', r"digest\.yaml:\d+: digest: field 'slots\.3\.heading\.title'.*\{term\}"),
    ("digest.yaml", "    figures: true        # the headline", "    kinds: [target]\n    figures: true        # the headline", r"digest\.yaml:\d+: digest: slot 'figure': give either `figures: true` or the item `kinds`"),
    ("digest.yaml", "status: [trạng thái, status]", "status: [cài đặt]", r"digest\.yaml:\d+: digest: words .* cannot mean both"),
    # translation overlays (content/en/): real ids, complete when required, same hedges, no new numbers
    ("en/figures/figures.yaml", "  ho-ngheo: {label: Poverty rate}\n", "", r"figures\.yaml:\d+: en: figure 'ho-ngheo' has no translation"),
    ("en/figures/figures.yaml", "  ho-ngheo:", "  ho-ngheo-x:", r"en/figures/figures\.yaml:\d+: en: figure 'ho-ngheo-x' does not exist"),
    ("en/figures/figures.yaml", "unit: USD, period", "period", r"en figure 'thu-nhap-2030': the original has a unit"),
    ("en/figures/figures.yaml", "{label: Economic growth target", "{label: Economic growth target, qualifier: about", r"en figure 'muc-tieu-tang-truong': the original has no a qualifier"),
    ("en/figures/figures.yaml", "label: Economic growth in 2024", "label: Economic growth in 2023", r"en figure 'tang-truong-2024': numbers \[2023\.0\]"),
    ("en/items/items.yaml", "Average growth of 7.5% a year", "Average growth of 9.5% a year", r"en/items/items\.yaml:\d+: en item 'kinh-te': numbers \[9\.5\]"),
    ("en/items/items.yaml", "    points: [\"8.1% in 2024.\"]\n", "", r"en item 'kinh-te': 0 points, the original has 1"),
    ("en/items/items.yaml", "  mo-dau:\n", "  mo-dau:\n    colour: red\n", r"en/items/items\.yaml:\d+: en item 'mo-dau': field 'colour': unknown field"),
    ("en/sections.yaml", "  p2: {label: Part II, title: Targets}\n", "", r"sections\.yaml:\d+: en: section 'p2' has no translation"),
    ("en/sections.yaml", "p1: {label: Part I, title", "p1: {title", r"en/sections\.yaml:\d+: en section 'p1': the label 'Phần I' has words"),
]

# Meaning-level fidelity (bot/content/fidelity.py): one mistake of each class the issue names.
RANK_3 = "    value: \"3\"\n    unit: cả nước\n    kind: rank\n    quote: Thu hút đầu tư đứng thứ 3 cả nước"
COUNT_02 = ("    value: \"02\"\n    unit: chỉ tiêu\n    kind: count\n    status: not_achieved\n    status_forecast: true\n"
            "    quote: Dự kiến không hoàn thành 02 chỉ tiêu\n    source: p1.1")
RANK_5 = ("  - id: tang-truong-2024-xep-hang\n    label: Xếp hạng năm 2024 so với cả nước (chú thích 1)\n    value: \"5\"\n"
          "    unit: cả nước\n    period: \"2024\"\n    kind: rank\n    quote: đứng thứ 5 cả nước\n    source: p1.1\n    footnote: 1\n")
KINH_TE = "    points: [\"Năm 2024 đạt 8,1%.\"]\n    figures: [tang-truong, muc-tieu-tang-truong]"
FIDELITY_CASES = [  # noqa: E501 - one mistake per line reads best
    # an alias that names another indicator (income is not this figure)
    ("figures/figures.yaml", "aliases: [thu ngan sach]", "aliases: [thu ngan sach, thu nhap binh quan]", r"figures\.yaml:\d+: figure 'thu-ngan-sach': alias 'thu nhap binh quan': \['nhap', 'binh', 'quan'\]"),
    # the value as a whole number, not a substring ("8" is not in "8,1%")
    ("figures/figures.yaml", "value: \"8,1\"", "value: \"8\"", r"figure 'tang-truong-2024': value '8' does not occur in its quote as a whole number"),
    # hedges: dropped, cut short, doubled in the unit or the label, an estimate of the sentence lost
    ("figures/figures.yaml", "    qualifier: ước đạt khoảng\n", "", r"figure 'thu-ngan-sach': the quote writes 'ước đạt khoảng' right before the value; set qualifier"),
    ("figures/figures.yaml", "qualifier: ước đạt khoảng", "qualifier: khoảng", r"figure 'thu-ngan-sach': qualifier 'khoảng' drops part of the hedge"),
    ("figures/figures.yaml", "qualifier: ước đạt khoảng\n    unit: tỷ đồng", "qualifier: ước đạt khoảng\n    unit: tỷ đồng (khoảng)", r"figure 'thu-ngan-sach': unit 'tỷ đồng \(khoảng\)' carries a hedge"),
    ("figures/figures.yaml", "label: Thu ngân sách năm 2025\n", "label: Thu ngân sách năm 2025 (ước)\n", r"figure 'thu-ngan-sach': label repeats the qualifier"),
    ("figures/figures.yaml", "    qualifier: ước\n", "", r"figure 'thu-ngan-sach-tang': the report writes 'ước' in the value's sentence"),
    # a status the report gives as a forecast ("dự kiến không hoàn thành"), and where a status rests
    ("figures/figures.yaml", "    status_forecast: true\n    status_basis", "    status_basis", r"figure 'thu-ngan-sach': the sentence the status rests on states it as a forecast"),
    ("figures/figures.yaml", "    status_basis: {source: p1.1, footnote: 3, quote: (1) Thu ngân sách}\n", "", r"figure 'thu-ngan-sach': status 'not_achieved' is not stated in the figure's sentence"),
    # like for like: an exclusion declared, and only figures of the same basis compared as baseline
    ("figures/figures.yaml", "    basis: trừ tiền sử dụng đất\n", "", r"figure 'thu-noi-dia': the quote narrows what the value counts"),
    ("figures/figures.yaml", "    basis: trừ tiền sử dụng đất\n", "    basis: trừ tiền sử dụng đất\n    compare: [{figure: thu-ngan-sach, relation: baseline}]\n", r"figure 'thu-noi-dia': compared as baseline with 'thu-ngan-sach', which counts on another basis"),
    # values that are not quantities: a year, a document number, a list number
    ("figures/figures.yaml", "value: \"900\"\n    qualifier: ước đạt khoảng", "value: \"2025\"", r"figure 'thu-ngan-sach': value '2025' is a year"),
    ("figures/figures.yaml", RANK_3, "    value: \"12\"\n    kind: other\n    quote: bước đầu thu hút được dự án lớn theo Nghị quyết số 12-NQ/TU", r"figure 'thu-hut-dau-tu-xep-hang': value '12' stands in the quote as a document number"),
    ("figures/figures.yaml", COUNT_02, "    value: \"1\"\n    unit: chỉ tiêu\n    kind: count\n    quote: (1) Thu ngân sách\n    source: p1.1\n    footnote: 3", r"figure 'chi-tieu-khong-dat': value '1' stands in the quote as a list number"),
    # ranks: "thứ 3" is kind rank, its unit the scope after the place; a count is not a rank
    ("figures/figures.yaml", RANK_3, RANK_3.replace("kind: rank", "kind: other"), r"figure 'thu-hut-dau-tu-xep-hang': the quote writes 'thứ 3': a place in a ranking is kind rank"),
    ("figures/figures.yaml", RANK_3, RANK_3.replace("unit: cả nước", "unit: thứ hạng cả nước"), r"figure 'thu-hut-dau-tu-xep-hang': unit 'thứ hạng cả nước' of a rank must be the scope"),
    ("figures/figures.yaml", COUNT_02, COUNT_02.replace("kind: count", "kind: rank"), r"figure 'chi-tieu-khong-dat': kind rank, but the quote does not write 'thứ'"),
    # periods only as the report gives them
    ("figures/figures.yaml", "    period: \"2024\"\n    kind: rank", "    period: \"2023\"\n    kind: rank", r"figure 'tang-truong-2024-xep-hang': period '2023' names \['2023'\]"),
    ("figures/figures.yaml", "    qualifier: ước\n    unit: \"%/năm\"", "    qualifier: ước\n    unit: \"%/năm\"\n    period: 2021-2025", r"figure 'thu-ngan-sach-tang': period '2021-2025' names \['2021'\]"),
    # a number of a footnote or a note that no figure carries
    ("figures/figures.yaml", RANK_5, "", r"source\.txt:5: footnote 1 states \['5'\] that no figure citing it"),
    ("notes.yaml", "figures: [tang-truong, muc-tieu-tang-truong]", "figures: [tang-truong]", r"notes\.yaml:\d+: note 'tang-truong-va-muc-tieu': states \['7'\]"),
    # items that claim more than their passages, or drop a hedge or a narrowing word
    ("items/items.yaml", "vượt mục tiêu 7%.\n    points", "luôn vượt mục tiêu 7%.\n    points", r"items\.yaml:\d+: item 'kinh-te': summary claims 'luon vuot'"),
    ("items/items.yaml", "Năm 2024 đạt 8,1%.", "Thu ngân sách năm 2025 đạt 900 tỷ đồng.", r"item 'kinh-te': point states 900 without the hedge the report gives it"),
    ("items/items.yaml", "Năm 2024 đạt 8,1%.", "Tỉnh thu hút được dự án lớn.", r"item 'kinh-te': point says 'thu hut duoc' without the report's 'bước đầu'"),
    ("items/items.yaml", KINH_TE, "    points: [\"Thu ngân sách ước không hoàn thành mục tiêu.\"]\n    figures: [tang-truong, muc-tieu-tang-truong, thu-ngan-sach]", r"item 'kinh-te': point states the status of 'thu-ngan-sach' as settled"),
]
CASES += FIDELITY_CASES


@pytest.mark.parametrize(("file", "old", "new", "pattern"), CASES, ids=[c[3][:40] for c in CASES])
def test_broken_pack_names_file_and_line(pack_dir: Path, file: str, old: str, new: str, pattern: str) -> None:
    edit(pack_dir / file, old, new)
    errors = errors_of(pack_dir)
    assert any(re.search(pattern, e) for e in errors), errors
    for error in errors:
        assert re.match(r"^\S+:\d+: ", error), f"error without file:line: {error}"


def test_translation_overlay_serves_english_and_falls_back(pack_dir: Path) -> None:
    pack = load_pack(MINIPACK)
    assert pack.reference("p1.1", 1, "en") == "Part I, section 1, footnote 1"
    assert pack.figure_text("tang-truong", "en").unit == "%/year"
    assert pack.figure_text("tang-truong", "vi").label == pack.figures["tang-truong"].label
    assert pack.item_text("kinh-te", "en").points == ["8.1% in 2024."]
    assert pack.section_title("p2", "en") == "Targets"
    # a language not required complete may have gaps: the reader then sees the original
    edit(pack_dir / "meta.yaml", "translations: [en]", "translations: []")
    edit(pack_dir / "en/figures/figures.yaml", "  ho-ngheo: {label: Poverty rate}\n", "")
    partial = load_pack(pack_dir)
    assert partial.figure_text("ho-ngheo", "en").label == "Tỷ lệ hộ nghèo"


def test_missing_meta_and_missing_dir(tmp_path: Path, pack_dir: Path) -> None:
    (pack_dir / "meta.yaml").unlink()
    assert any("meta.yaml" in e for e in errors_of(pack_dir))
    assert any("not found" in e for e in errors_of(tmp_path / "nope"))


def test_duplicate_key_in_yaml_is_reported(pack_dir: Path) -> None:
    edit(pack_dir / "figures/figures.yaml", "    unit: USD", "    unit: USD\n    unit: VND")
    assert any("duplicate key 'unit'" in e for e in errors_of(pack_dir))


def test_check_content_main_prints_errors_and_fails(pack_dir: Path) -> None:
    edit(pack_dir / "figures/figures.yaml", "value: \"1.250\"", "value: \"1.260\"")
    out = io.StringIO()
    assert check_content(pack_dir, out=out) == 1
    assert "1.260" in out.getvalue()
    assert "error(s)" in out.getvalue()
    good = io.StringIO()
    assert check_content(MINIPACK, out=good) == 0
    assert "OK" in good.getvalue()


def test_cli_exits_non_zero_without_traceback(pack_dir: Path) -> None:
    (pack_dir / "items/items.yaml").write_text("items: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-content", str(pack_dir)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode != 0
    combined = result.stdout + result.stderr
    assert "Traceback" not in combined
    assert "items.yaml:" in combined


def test_broken_search_lexicon_fails_the_pack(pack_dir: Path) -> None:
    (pack_dir / "search.yaml").write_text("synonyms:\n  grdp: {a: 1}\n", encoding="utf-8")
    errors = errors_of(pack_dir)
    assert any(re.match(r".*search\.yaml:\d+: .*grdp", e) for e in errors), errors


def test_an_english_alias_stands_on_the_english_label(pack_dir: Path) -> None:
    """'growth' is an alias of tang-truong because its English label says "growth"."""
    edit(pack_dir / "en/figures/figures.yaml", "label: Average economic growth rate", "label: Average economic rate")
    assert any(re.search(r"figure 'tang-truong': alias 'growth': \['growth'\]", e) for e in errors_of(pack_dir))


def test_one_fact_has_one_period(pack_dir: Path) -> None:
    """The same value of the same fact, related in two places, with two periods the report does not give."""
    figures = pack_dir / "figures/figures.yaml"
    edit(figures, "  - id: thu-hut-dau-tu-xep-hang\n",
         "  - id: thu-hut-dau-tu-lap-lai\n    label: Xếp hạng thu hút đầu tư (nhắc lại)\n    value: \"3\"\n"
         "    unit: cả nước\n    period: 2021-2025\n    kind: rank\n"
         "    compare: [{figure: thu-hut-dau-tu-xep-hang, relation: related}]\n"
         "    quote: Thu hút đầu tư đứng thứ 3 cả nước\n    source: p1.1\n  - id: thu-hut-dau-tu-xep-hang\n")
    edit(pack_dir / "en/figures/figures.yaml", "  thu-hut-dau-tu-xep-hang:",
         "  thu-hut-dau-tu-lap-lai: {label: Investment rank (repeated), unit: nationwide, period: 2021-2025}\n"
         "  thu-hut-dau-tu-xep-hang:")
    errors = errors_of(pack_dir)
    assert any(re.search(r"figure 'thu-hut-dau-tu-lap-lai': the same fact as 'thu-hut-dau-tu-xep-hang' .* another period", e)
               for e in errors), errors


def test_footnotes_of_years_document_and_list_numbers_need_no_figure() -> None:
    """Footnote 3 lists "(1) … (2) …", footnote 4 names a resolution, a date and years: no figure cites them."""
    pack = load_pack(MINIPACK)
    assert {3, 4} <= set(pack.footnotes)
    assert not [f for f in pack.figures.values() if f.footnote in (3, 4)]


def test_numbers_in_running_text_are_told_apart() -> None:
    text = ("Nghị quyết số 173-NQ/TU ngày 04/10/2021, giai đoạn 2021- 2025; (4) Du lịch; KDL 3: núi; QL37, QL.31, "
            "4G/5G, Covid -19, mục I.2.5, cầu Hà Bắc 2, chú thích 24, phiên bản 1.0; đạt 14%/năm (mục tiêu 14-15%), "
            "36,4/10.000 dân, 10.753 Tổ, giai đoạn 641.000 tỷ đồng")
    refs = ("phiên bản", "giai đoạn", "chú thích", "mục")
    assert quantity_runs(text, refs) == ["14", "14-15", "36,4/10.000", "10.753", "641.000"]
    assert value_spans("15", "đạt 14%/năm (đạt mục tiêu 14-15%)") == []
    assert value_spans("1", "giảm còn 1%, gấp 1,63 lần") == [(9, 10)]
    assert value_spans("36,4", "đạt 36,4/10.000 dân", "giường/10.000 dân") == [(4, 8)]


def test_alias_words_stand_in_the_figure_or_the_lexicon() -> None:
    lexicon = SearchLexicon.from_data({"synonyms": {"grdp": ["tong san pham"]}, "stopwords": ["bao nhieu"]})
    ground = ["so", "to", "chuc", "co", "so", "dang", "tong", "san", "pham"]
    assert ungrounded_words("tccsd bao nhieu", ground, lexicon) == []  # initials, question words
    assert ungrounded_words("grdp", ground, lexicon) == []  # a synonym of words the figure carries
    assert ungrounded_words("thu nhap grdp", ground, lexicon) == ["thu", "nhap"]
