"""content/study.yaml is checked with the pack: every mistake a curator can make is named as file:line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.content import ContentError
from bot.content.pack import load_pack

MINIPACK = Path(__file__).parent / "fixtures" / "minipack"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINIPACK, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(pack_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as exc:
        load_pack(pack_dir)
    return exc.value.errors


def test_the_fixture_pack_has_a_study_file() -> None:
    study = load_pack(MINIPACK).study
    assert study is not None
    assert [t.id for t in study.topics] == ["kinhte"]
    assert study.find_topic("Kinh tế").id == "kinhte" and study.find_topic("economy").id == "kinhte"
    assert study.find_topic("thiên văn") is None
    assert study.find_chart("growth").id == "tang-truong" and study.find_chart("tăng") is not None
    assert study.topic_title("kinhte", "en") == "Economy"


def test_a_pack_without_study_file_has_no_quiz(pack_dir: Path) -> None:
    (pack_dir / "study.yaml").unlink()
    (pack_dir / "en" / "study.yaml").unlink()
    assert load_pack(pack_dir).study is None


S, E = "study.yaml", "en/study.yaml"


@pytest.mark.parametrize(("file", "old", "new", "pattern"), [
    (S, "figures: [tang-truong, tang-truong-2024, thu-nhap-2030]", "figures: [tang-truong, khong-co]",
     r"study\.yaml:\d+: quiz figure 'khong-co' does not exist"),
    (S, "figures: [tang-truong, tang-truong-2024, thu-nhap-2030]", "figures: [tang-truong, ho-ngheo]",
     r"study\.yaml:\d+: quiz figure 'ho-ngheo' is pending"),
    (S, "figures: [tang-truong, tang-truong-2024, thu-nhap-2030]", "figures: [tang-truong, tang-truong]",
     r"study\.yaml:\d+: figure 'tang-truong' is already in topic"),
    (S, "      answer: 0\n", "      answer: 3\n", r"study\.yaml:\d+: question 'vuot-muc-tieu': answer 3"),
    (S, "[Vượt mục tiêu, Không đạt mục tiêu, Vừa đạt mục tiêu]", "[Vượt mục tiêu, Vượt mục tiêu, Vừa đạt]",
     r"study\.yaml:\d+: question 'vuot-muc-tieu': two options read the same"),
    (S, "explanation: Đạt 7,5%/năm, mục tiêu 7%.", "explanation: Đạt 9,9%/năm.",
     r"study\.yaml:\d+: question 'vuot-muc-tieu': numbers \['9,9'\] do not occur"),
    (S, "explanation: Đạt 7,5%/năm, mục tiêu 7%.", "explanation: " + "Rất dài. " * 25,
     r"study\.yaml:\d+: field 'quiz\.questions\.0\.explanation'"),
    (S, "explanation: Đạt 7,5%/năm, mục tiêu 7%.", "explanation: " + "Rất dài. " * 19,
     r"the explanation shown is \d+ characters"),
    (S, "      source: p1.1\n      item: kinh-te", "      source: p9\n      item: kinh-te",
     r"study\.yaml:\d+: question 'vuot-muc-tieu': source 'p9' is not a section id"),
    (S, "topic: kinhte\n      question", "topic: khac\n      question",
     r"study\.yaml:\d+: question 'vuot-muc-tieu': topic 'khac' is not in quiz\.topics"),
    (S, "      - {label: \"2024\", figures: [tang-truong-2024]}", "      - {label: \"2024\", figures: [tang-truong-2024, null]}",
     r"study\.yaml:\d+: chart 'tang-truong': group '2024' has 2 figure\(s\) for 1 series"),
    (S, "      - {label: \"2024\", figures: [tang-truong-2024]}", "      - {label: \"2024\", figures: [thu-nhap-2030]}",
     r"study\.yaml:\d+: chart 'tang-truong': bars on one axis need one unit"),
    (S, "      - {label: Hộ nghèo, figures: [ho-ngheo, null]}", "      - {label: Hộ nghèo, figures: [null, ho-ngheo]}",
     r"chart 'ket-qua-muc-tieu': the result of 'Hộ nghèo' is missing"),
    ("figures/figures.yaml", "    compare: [{figure: muc-tieu-tang-truong, relation: target}]\n"
     "    quote: Kinh tế tăng trưởng khá, đạt 7,5%/năm, vượt mục tiêu 7%.\n",
     "    quote: Kinh tế tăng trưởng khá, đạt 7,5%/năm, vượt mục tiêu 7%.\n    basis: trừ dầu khí\n",
     r"chart 'ket-qua-muc-tieu': the two figures of 'Tăng trưởng' count on different bases"),
    (S, "      - {label: Tăng trưởng, figures: [tang-truong]}", "      - {label: Tăng trưởng, figures: [tang-truong-2024]}",
     r"chart 'chi-tieu': figure 'tang-truong-2024' has no status"),
    (S, "kind: scorecard", "kind: pie", r"study\.yaml:\d+: field 'charts\.2\.kind'"),
    (S, "  - id: ket-qua-muc-tieu", "  - id: tang-truong", r"chart id 'tang-truong' is used twice"),
    (S, "      - {label: Tăng trưởng, figures: [tang-truong, muc-tieu-tang-truong]}",
     "      - {label: Tăng trưởng, figures: [tang-truong, muc-tieu-tang-truong], note: khong-co}",
     r"note 'khong-co' is not in notes\.yaml"),
    (E, "options: [Above the target, Below the target, Exactly on target]", "options: [Above, Below, Near, Far]",
     r"en/study\.yaml:\d+: question 'vuot-muc-tieu' \(en\): 4 options for 3"),
    (E, "groups: [Average, \"2024\"]", "groups: [Average]", r"en/study\.yaml:\d+: chart 'tang-truong' \(en\): 1 groups"),
    (E, "  topics:\n    kinhte: {title: Economy}\n", "  topics: {}\n",
     r"en/study\.yaml:1: topic 'kinhte' has no en translation"),
    (E, "    kinhte: {title: Economy}\n", "    kinhte: {title: Economy}\n    khac: {title: Other}\n",
     r"en/study\.yaml:\d+: topic 'khac' is not in study\.yaml"),
    (S, "quiz:\n", "quiz:\n  colour: red\n", r"study\.yaml:\d+: field 'quiz\.colour': unknown field"),
    (S, "  topics:\n", "  topics: [\n", r"study\.yaml:\d+: YAML syntax error"),
])
def test_a_broken_study_file_names_file_and_line(pack_dir: Path, file: str, old: str, new: str, pattern: str) -> None:
    edit(pack_dir / file, old, new)
    errors = errors_of(pack_dir)
    assert any(re.search(pattern, e) for e in errors), errors


def test_a_figure_that_cannot_get_honest_distractors_is_refused(pack_dir: Path) -> None:
    # Read as "at most" (upper bound), 7,5%/năm could only get wrong options below it, at least 15%
    # away (a bound keeps the wide gap), within the same magnitude and 8% apart from each other: two
    # exist, not three. check-content names the figure instead of letting a quiz offer a true option.
    edit(pack_dir / "study.yaml", "upper: [dưới]", "upper: [dưới, năm]")
    errors = errors_of(pack_dir)
    assert any(re.search(r"study\.yaml:\d+: quiz figure 'tang-truong' \(7,5 %/năm\): only 2 distractor", e)
               for e in errors), errors
