"""/comments for the drafting committee: who may, the counts, and the export opened with openpyxl and read
cell by cell (formula injection, control characters, pseudonyms, a section a reload removed)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.fakeapi import Call, parse_html
from bot.render import comments as view
from bot.render import info
from bot.simulate import press, press_button, send
from bot.store.comments_repo import Place
from tests.comments_helpers import Clock, data, hanoi, harness, seed, shown, write_comment

ADMIN, MEMBER = 1001, 2009
FORMULA = '=HYPERLINK("http://evil.example","bấm")'
GONE = Place("p1.9", "9", "Phần I, mục 9", "Mục đã bỏ", "p1", "Phần I")


@pytest.fixture
def clock() -> Clock:
    return Clock(hanoi(26, 9))


@pytest.fixture
def admin_settings(settings):
    return dataclasses.replace(settings, admins=frozenset({ADMIN}))


@pytest.fixture
def start(admin_settings, content_pack, catalogues, search_index, clock):
    return harness(admin_settings, content_pack, catalogues, search_index, clock)


async def comments_of_a_week(app: Any) -> None:
    """Seven comments of three people over three days (one on a section a reload removed), and one written
    through the whole conversation by the administrator."""
    at24, at25, at26 = (int(hanoi(d, h).timestamp()) for d, h in ((24, 8), (25, 10), (26, 9)))
    seed(app, 2001, "p1.I.1.1", "disagree", FORMULA, at24)
    seed(app, 2002, "p1.I.1.1", "disagree", "+84 cần sửa số liệu", at24 + 60)
    seed(app, 2003, "p1.I.1.1", "agree", "@ban soạn thảo xem lại\x07", at25)
    seed(app, 2002, "p1.I.1.2", "agree", "", at25 + 60)
    seed(app, 2001, "p2.III.1.1", "partly", "- Gạch đầu dòng\n- thứ hai", at25 + 120)
    seed(app, 2003, "open", "partly", "Bình thường.", at26 - 3600)
    seed(app, 2003, "p1.9", "disagree", "Mục cũ cần bỏ.", at24 + 120, place=GONE)
    await write_comment(app, "Qua luồng đầy đủ.", user_id=ADMIN)  # at 09:00 on the 26th, Đảng viên, Chi bộ thôn Đông
    await press_button(app, "Gửi", user_id=ADMIN)


def documents(calls: list[Call]) -> list[Call]:
    docs = [c for c in calls if c.method == "sendDocument"]
    assert len(docs) == 2 and all(c.ok for c in docs), calls
    return docs


def upload(call: Call) -> tuple[str, bytes]:
    return next(iter(call.uploads.values()))


# --- who may ------------------------------------------------------------------------------------------------


async def test_a_non_admin_gets_what_an_unknown_command_gets(start, catalogues):
    async with start() as (app, _):
        for typed in ("/comments", "/tonghopgopy", "/comments export"):
            calls = await send(app, typed, user_id=MEMBER)
            command = typed.split()[0]
            assert [c.text for c in calls] == [info.unknown_command(command, catalogues["vi"])], typed
        group = await send(app, "/tonghopgopy", user_id=MEMBER, chat_id=-100777, chat_type="supergroup")
        assert group == [], "in a group an unknown command is ignored: so is this one"
        forged = await press(app, data(app, view.CommentsExport()), user_id=MEMBER, chat_id=MEMBER)
        assert forged[0].params["text"] == "Menu này đã cũ. Đây là menu mới."
        assert not [c for c in forged if c.method == "sendDocument"]
        helped = shown(await send(app, "/help", user_id=MEMBER))
        assert "/tonghopgopy" not in helped and "/gopy" in helped


async def test_counts_per_stance_part_section_and_day(start):
    async with start() as (app, _):
        assert "Chưa có góp ý nào." in shown(await send(app, "/tonghopgopy"))
        await comments_of_a_week(app)
        stats = shown(await send(app, "/comments"))
    lines = stats.splitlines()
    expected = [
        "📊 Góp ý vào dự thảo", "Báo cáo chính trị (dự thảo)", "",
        "8 góp ý của 4 người", "✅ Tán thành: 2", "❌ Không tán thành: 4", "🔶 Đồng ý một phần: 2", "",
        "Theo phần:",
        "• Mở đầu — 1: ✅ 0 · ❌ 0 · 🔶 1",
        "• Phần I — 6: ✅ 2 · ❌ 4 · 🔶 0",
        "• Phần II — 1: ✅ 0 · ❌ 0 · 🔶 1", "",
        "Theo mục (5 mục có góp ý):",
        "• Phần I, mục I.1.1 — Công nghiệp - xây dựng — 4: ✅ 1 · ❌ 3 · 🔶 0",
        "• Mở đầu — Mở đầu: Đảng bộ tỉnh, ý nghĩa, phương châm và chủ đề Đại hội — 1: ✅ 0 · ❌ 0 · 🔶 1",
        "• Phần I, mục I.1.2 — Nông nghiệp, nông thôn mới — 1: ✅ 1 · ❌ 0 · 🔶 0",
        "• Phần II, mục III.1.1 — Công nghiệp - xây dựng — 1: ✅ 0 · ❌ 0 · 🔶 1",
        "• Phần I, mục 9 — Mục đã bỏ (không còn trong bản hiện hành) — 1: ✅ 0 · ❌ 1 · 🔶 0", "",
        "Nhiều ý kiến «Không tán thành» nhất:",
        "1. Phần I, mục I.1.1 — Công nghiệp - xây dựng — ❌ 3",
        "2. Phần I, mục 9 — Mục đã bỏ (không còn trong bản hiện hành) — ❌ 1", "",
        "Theo ngày (ngày gửi lần đầu):",
        "24/11/2026 ▇▇▇▇▇▇▇▇▇▇ 3",
        "25/11/2026 ▇▇▇▇▇▇▇▇▇▇ 3",
        "26/11/2026 ▇▇▇▇▇▇▇ 2", "",
        "Số liệu lúc 09:00 thứ Năm, ngày 26 tháng 11 năm 2026 (giờ Việt Nam).",
    ]
    assert lines == expected, "\n".join(lines)


async def test_an_admin_in_a_group_is_sent_to_the_private_chat(start):
    async with start() as (app, _):
        calls = await send(app, "/comments export", chat_id=-100777, chat_type="supergroup")
        assert [c.method for c in calls] == ["sendMessage"]
        assert "tin nhắn riêng" in parse_html(calls[0].text)
        assert shown(await send(app, "/comments abc")) == (
            "/tonghopgopy: số liệu tổng hợp; /tonghopgopy xuất: gửi tệp Excel và tệp CSV.")


# --- the export ---------------------------------------------------------------------------------------------


HEAD = ["Mục", "Tên mục", "Ý kiến", "Nội dung góp ý", "Đối tượng", "Đơn vị", "Ngày", "Người góp ý (bí danh)",
        "Ghi chú"]


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


async def test_the_workbook_cell_by_cell(start):
    async with start() as (app, _):
        await comments_of_a_week(app)
        calls = await send(app, "/comments export")
        stats_button = await send(app, "/comments")
        assert stats_button[-1].buttons[0]["text"] == "📥 Xuất tệp (Excel và CSV)"
        again = await press_button(app, "Xuất tệp")
    xlsx_call, csv_call = documents(calls)
    name, content = upload(xlsx_call)
    assert name == "gop-y-du-thao-20261126-0900.xlsx"
    assert parse_html(xlsx_call.text).splitlines() == [
        "📊 Góp ý vào dự thảo: 8 góp ý của 4 người, tính đến 09:00 thứ Năm, ngày 26 tháng 11 năm 2026.",
        "Người góp ý được ghi bằng bí danh, chỉ dùng cho lần xuất tệp này."]
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Tổng hợp", "Mở đầu", "Phần I", "Phần II", "Kết luận"]

    summary = rows(book["Tổng hợp"])
    blank = [None] * 7
    assert summary[:6] == [
        ["Góp ý vào dự thảo", *blank], ["Báo cáo chính trị (dự thảo)", *blank],
        ["Xuất lúc 09:00 thứ Năm, ngày 26 tháng 11 năm 2026 (giờ Việt Nam)", *blank],
        ["8 góp ý của 4 người", *blank],
        ["Người góp ý được ghi bằng bí danh, chỉ dùng cho lần xuất tệp này.", *blank], [None, *blank]]
    assert summary[6:11] == [
        ["Phần", None, None, "Tán thành", "Không tán thành", "Đồng ý một phần", "Tổng", None],
        ["Mở đầu", None, None, 0, 0, 1, 1, None],
        ["Phần I", None, None, 2, 4, 0, 6, None],
        ["Phần II", None, None, 0, 0, 1, 1, None],
        ["Tổng", None, None, 2, 4, 2, 8, None]]
    assert summary[11] == [None] * 8
    assert summary[12:] == [
        ["Phần", "Mục", "Tên mục", "Tán thành", "Không tán thành", "Đồng ý một phần", "Tổng", "Ghi chú"],
        ["Mở đầu", "Mở đầu", "Mở đầu: Đảng bộ tỉnh, ý nghĩa, phương châm và chủ đề Đại hội", 0, 0, 1, 1, None],
        ["Phần I", "I.1.1", "Công nghiệp - xây dựng", 1, 3, 0, 4, None],
        ["Phần I", "I.1.2", "Nông nghiệp, nông thôn mới", 1, 0, 0, 1, None],
        ["Phần II", "III.1.1", "Công nghiệp - xây dựng", 0, 0, 1, 1, None],
        ["Phần I", "9", "Mục đã bỏ", 0, 1, 0, 1, "Không còn trong bản hiện hành"]]
    sheet = book["Tổng hợp"]
    assert [c.font.b for c in sheet[7][:7]] == [True] * 7 and sheet["A13"].font.b and sheet["A11"].font.b

    part_one = rows(book["Phần I"])
    assert part_one[0] == HEAD
    who = {row[3]: row[7] for row in part_one[1:]}
    assert [[*row[:7], row[8]] for row in part_one[1:]] == [
        ["I.1.1", "Công nghiệp - xây dựng", "Không tán thành", FORMULA, None, None,
         datetime(2026, 11, 24, 8, 0), None],
        ["I.1.1", "Công nghiệp - xây dựng", "Không tán thành", "+84 cần sửa số liệu", None, None,
         datetime(2026, 11, 24, 8, 1), None],
        ["I.1.1", "Công nghiệp - xây dựng", "Tán thành", "@ban soạn thảo xem lại", None, None,
         datetime(2026, 11, 25, 10, 0), None],
        ["I.1.1", "Công nghiệp - xây dựng", "Không tán thành", "Qua luồng đầy đủ.", "Đảng viên", "Chi bộ thôn Đông",
         datetime(2026, 11, 26, 9, 0), None],
        ["I.1.2", "Nông nghiệp, nông thôn mới", "Tán thành", None, None, None, datetime(2026, 11, 25, 10, 1), None],
        ["9", "Mục đã bỏ", "Không tán thành", "Mục cũ cần bỏ.", None, None, datetime(2026, 11, 24, 8, 2),
         "Không còn trong bản hiện hành"],
    ]
    formula_cell = book["Phần I"]["D2"]
    # text as written, stored as text with Excel's quote prefix: never run, not even after an edit
    assert formula_cell.data_type == "s" and formula_cell.value == FORMULA and formula_cell.quotePrefix
    assert all(book["Phần I"][f"D{n}"].quotePrefix for n in (3, 4)) and not book["Phần I"]["D5"].quotePrefix
    assert book["Phần II"]["D2"].quotePrefix and book["Phần II"]["D2"].data_type == "s"
    assert book["Phần I"]["G2"].number_format == "dd/mm/yyyy hh:mm"
    assert rows(book["Phần II"])[1][:4] == ["III.1.1", "Công nghiệp - xây dựng", "Đồng ý một phần",
                                            "- Gạch đầu dòng\n- thứ hai"]
    assert rows(book["Mở đầu"])[1][3] == "Bình thường."
    assert rows(book["Kết luận"]) == [HEAD], "every part has its sheet, even without comments"

    # pseudonyms: one per person in this export, never the Telegram id
    everyone = [r[7] for s in book.sheetnames[1:] for r in rows(book[s])[1:]]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", p) for p in everyone), everyone
    assert who[FORMULA] == rows(book["Phần II"])[1][7], "2001 in two parts: one pseudonym"
    assert len({who[FORMULA], who["+84 cần sửa số liệu"], who["@ban soạn thảo xem lại"],
                who["Qua luồng đầy đủ."]}) == 4
    cells = [str(v) for s in book.worksheets for r in rows(s) for v in r if v is not None]
    assert not [v for v in cells if re.search(r"\b(1001|2001|2002|2003)\b", v)], "no Telegram id anywhere"
    assert not [v for v in cells if "\x07" in v], "control characters removed"

    # a second export draws new pseudonyms: two exports cannot be matched
    second = load_workbook(io.BytesIO(upload(documents(again)[0])[1]))
    assert rows(second["Phần I"])[1][7] != who[FORMULA]

    # the CSV: the same, one table, UTF-8 with a BOM
    csv_name, csv_bytes = upload(csv_call)
    assert csv_name == "gop-y-du-thao-20261126-0900.csv" and csv_bytes.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert table[0] == ["Phần", *HEAD]
    assert table[1][:8] == ["Mở đầu", "Mở đầu", "Mở đầu: Đảng bộ tỉnh, ý nghĩa, phương châm và chủ đề Đại hội",
                            "Đồng ý một phần", "Bình thường.", "", "", "2026-11-26 08:00"]
    assert table[2][:5] == ["Phần I", "I.1.1", "Công nghiệp - xây dựng", "Không tán thành", "'" + FORMULA]
    assert [r[4] for r in table[1:]] == ["Bình thường.", "'" + FORMULA, "'+84 cần sửa số liệu",
                                          "'@ban soạn thảo xem lại", "Qua luồng đầy đủ.", "", "Mục cũ cần bỏ.",
                                          "'- Gạch đầu dòng\n- thứ hai"]
    assert table[7][9] == "Không còn trong bản hiện hành"
    assert table[2][8] == who[FORMULA]


async def test_named_exports_carry_telegram_ids(start, admin_settings):
    async with start(settings_=dataclasses.replace(admin_settings, comments_named=True)) as (app, _):
        await comments_of_a_week(app)
        calls = await send(app, "/tonghopgopy xuất")
    xlsx_call, csv_call = documents(calls)
    assert "Người góp ý được ghi theo Telegram id." in parse_html(xlsx_call.text)
    book = load_workbook(io.BytesIO(upload(xlsx_call)[1]))
    part_one = rows(book["Phần I"])
    assert part_one[0][7] == "Telegram id"
    assert [r[7] for r in part_one[1:]] == [2001, 2002, 2003, ADMIN, 2002, 2003]
    table = list(csv.reader(io.StringIO(upload(csv_call)[1].decode("utf-8-sig"))))
    assert table[0][8] == "Telegram id" and table[1][8] == "2003"


async def test_comments_on_every_section_still_fit_one_message(start):
    async with start() as (app, _):
        pack = app.bot_data["pack"]
        at = int(hanoi(20, 8).timestamp())
        for n, section in enumerate(pack.sections):
            seed(app, 3000 + n % 7, section, ("agree", "disagree", "partly")[n % 3], f"Ý kiến {n}.", at + n * 3600)
        calls = await send(app, "/comments")
    [reply] = [c for c in calls if c.method == "sendMessage"]
    said = parse_html(reply.text)
    assert reply.ok and len(said) < 4096
    assert f"{len(pack.sections)} góp ý của 7 người" in said
    assert f"… và {len(pack.sections) - 12} mục khác: đầy đủ trong tệp Excel." in said
    days = said.split("Theo ngày (ngày gửi lần đầu):\n")[1].split("\n\n")[0].splitlines()
    assert [d.split()[0] for d in days] == [f"{d}/11/2026" for d in range(20, 26)], days
