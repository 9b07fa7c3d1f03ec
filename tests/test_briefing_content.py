"""briefings.yaml is checked with the pack (file:line errors); time parsing and pacing on their own."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content import ContentError
from bot.content.pack import load_pack
from bot.meetings.pacing import ChatPacer
from bot.meetings.timeparse import WhenError, parse_when
from tests.test_content_validation import MINIPACK, edit

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=HANOI)  # a Thursday


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINIPACK, target)
    return target


CASES = [  # (old, new, expected error)
    ("results: [kinh-te, giam-ngheo]", "results: [kinh-te, no-such-item]",
     r"briefings\.yaml:\d+: brief 'economy': item 'no-such-item' does not exist"),
    ("figures: [tang-truong, ho-ngheo]", "figures: [tang-truong, nope]",
     r"briefings\.yaml:\d+: brief 'economy': figure 'nope' does not exist"),
    ("    field: economy\n", "    field: culture\n", r"field 'culture' is not in menu\.yaml's fields"),
    ("results: [kinh-te, giam-ngheo]", "results: [kinh-te, chi-tieu-thu-nhap]",
     r"item 'chi-tieu-thu-nhap' is a target; results takes"),
    ("      - {figure: thu-nhap-2030}", "      - {figure: tang-truong}", r"target \(1\): figure 'tang-truong' is a result"),
    ("  - number: 1", "  - number: 2", r"briefings\.yaml:\d+: target \(2\): targets are numbered 1, 2, 3"),
    ("    - {result: ho-ngheo}", "    - {result: muc-tieu-tang-truong}", r"previous_term: 'muc-tieu-tang-truong' is a target"),
    ("    aliases: [kinh te, economy]", "    aliases: [kinh te, economy]\n    colour: red",
     r"briefings\.yaml:\d+: briefings: field 'briefings\.0\.colour': unknown field"),
    ("  footer:", "  foot:", r"briefings\.yaml:\d+: briefings: field 'handout\.(footer|foot)'"),
    # a target beside a figure that counts something else (revenue without land-use fees vs all revenue)
    ("      - {figure: thu-nhap-2030}", "      - {figure: thu-nhap-2030, baseline: thu-noi-dia}",
     r"briefings\.yaml:\d+: target \(1\): baseline 'thu-noi-dia' counts on another basis"),
]


@pytest.mark.parametrize(("old", "new", "pattern"), CASES)
def test_a_broken_briefings_file_names_file_and_line(pack_dir: Path, old: str, new: str, pattern: str) -> None:
    edit(pack_dir / "briefings.yaml", old, new)
    with pytest.raises(ContentError) as caught:
        load_pack(pack_dir)
    assert any(re.search(pattern, e) for e in caught.value.errors), caught.value.errors


def test_briefings_are_optional(pack_dir: Path) -> None:
    (pack_dir / "briefings.yaml").unlink()
    assert load_pack(pack_dir).briefings is None


def test_the_shipped_pack_has_a_brief_for_every_field_and_16_targets(content_pack) -> None:
    briefings = content_pack.briefings
    assert {b.field for b in briefings.briefs.values()} >= set(content_pack.fields)
    assert [t.number for t in briefings.targets] == list(range(1, 17))
    assert briefings.find("Kinh Te").id == "economy"
    assert briefings.find("QUỐC PHÒNG").id == "defence_security"
    assert briefings.find("nothing like this") is None


@pytest.mark.parametrize(("typed", "expected", "topic"), [
    ("28/12 08:00 kinh tế", datetime(2026, 12, 28, 8, 0), "kinh tế"),
    ("28/12/2026 8h", datetime(2026, 12, 28, 8, 0), ""),
    ("mai 8h Đảng", datetime(2026, 11, 27, 8, 0), "Đảng"),
    ("tomorrow 8:00 x", datetime(2026, 11, 27, 8, 0), "x"),
    ("thứ 6 14h", datetime(2026, 11, 27, 14, 0), ""),
    ("thứ năm 9h", datetime(2026, 12, 3, 9, 0), ""),   # today's 9:00 has passed: next week
    ("thứ 5 11h", datetime(2026, 11, 26, 11, 0), ""),  # today, still ahead
    ("t7 7h30", datetime(2026, 11, 28, 7, 30), ""),
    ("chủ nhật 7h", datetime(2026, 11, 29, 7, 0), ""),
    ("14h thứ sáu", datetime(2026, 11, 27, 14, 0), ""),
    ("5/1 8h", datetime(2027, 1, 5, 8, 0), ""),        # next year's, being near
    ("ngày 28/12 lúc 8 giờ 30 kinh tế", datetime(2026, 12, 28, 8, 30), "kinh tế"),
    ("8.30 mai", datetime(2026, 11, 27, 8, 30), ""),
    ("28/12, 8h, kinh tế", datetime(2026, 12, 28, 8, 0), "kinh tế"),
    ("monday 7pm", datetime(2026, 11, 30, 19, 0), ""),
])
def test_meeting_times(typed: str, expected: datetime, topic: str) -> None:
    when = parse_when(typed, NOW, HANOI)
    assert when.starts == expected.replace(tzinfo=HANOI)
    assert when.topic == topic


@pytest.mark.parametrize(("typed", "reason"), [
    ("25/11 8h", "past"), ("hôm nay 9h", "past"), ("20/11 8h", "past"), ("xyz", "unreadable"),
    ("31/02 8h", "unreadable"), ("29/02 8h", "unreadable"), ("28/12", "no_time"), ("28/12/2030 8h", "far"),
    ("", "unreadable"), ("25:00 mai", "unreadable"), ("x" * 400, "unreadable"),
])
def test_meeting_times_refused(typed: str, reason: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(typed, NOW, HANOI)
    assert caught.value.reason == reason


def test_the_timezone_is_the_bots_not_the_servers() -> None:
    utc_now = NOW.astimezone(ZoneInfo("UTC"))
    when = parse_when("mai 8h", utc_now, HANOI)
    assert when.starts.utcoffset().total_seconds() == 7 * 3600 and when.starts.hour == 8


async def test_the_pacer_keeps_20_a_minute_per_group() -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    pacer = ChatPacer(limit=19, window=60.0, clock=lambda: now[0], sleep=sleep)
    moments = []
    for _ in range(45):
        await pacer.wait(-100)
        moments.append(now[0])
        now[0] += 0.1
    for start in moments:
        assert sum(1 for m in moments if start <= m < start + 60) <= 19
    await pacer.wait(-200)  # another group is not held up by the first
    assert moments[-1] <= now[0] and len(sleeps) == 2
