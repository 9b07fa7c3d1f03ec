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

from bot.content import ContentError, load_pack
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
