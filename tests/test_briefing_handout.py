"""Handouts: the brief and the targets as Word documents for A4, opened back to check what they hold."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Cm

from bot.briefing import handout
from bot.briefing.compose import by_key
from bot.fakeapi import FakeBotAPI, parse_html
from bot.simulate import chat_json, press, send

GROUP = -100555


def document_text(data: bytes) -> tuple[Any, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    parts += [p.text for p in doc.sections[0].footer.paragraphs]
    return doc, "\n".join(parts)


def uploaded(call: Any) -> tuple[str, bytes]:
    assert call.method == "sendDocument" and call.ok, call
    return next(iter(call.uploads.values()))


async def test_briefing_docx_is_an_a4_word_document_with_the_brief(app, fake_api: FakeBotAPI, content_pack) -> None:
    calls = await send(app, "/briefing kinh tế docx")
    name, data = uploaded(next(c for c in calls if c.method == "sendDocument"))
    assert name == "tom-tat-economy.docx"
    caption = parse_html(fake_api.last("sendDocument").text or "")
    assert "TÀI LIỆU TÓM TẮT: Kinh tế" in caption and "ngày 26 tháng 11 năm 2026" in caption
    doc, text = document_text(data)
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert "ĐẢNG BỘ TỈNH BẮC GIANG" in text
    assert "TÀI LIỆU TÓM TẮT: KINH TẾ" in text
    assert content_pack.meta.status_notice.split(";")[0] in text  # the draft's status
    assert "Tình trạng văn bản: dự thảo" in text
    assert "ngày 26 tháng 11 năm 2026 (phiên bản nội dung 1.0.0)" in text
    for heading in ("I. SỐ LIỆU CHÍNH", "II. KẾT QUẢ NỔI BẬT", "III. HẠN CHẾ", "IV. NHIỆM VỤ 2025-2030", "V. ĐỘT PHÁ"):
        assert heading in text
    spec = content_pack.briefings.briefs["economy"]
    for item_id in [*spec.results, *spec.limitations, *spec.tasks, spec.breakthrough]:
        item = content_pack.items[item_id]
        assert item.title in text and item.summary in text  # in full: paper has room
    assert "Tốc độ tăng trưởng GRDP bình quân 2021-2025 | 14%/năm (2021-2025) | mục tiêu 14-15%/năm; đạt mục tiêu" \
        " | Phần I, mục I.1" in text  # figures with their source references
    assert "Nguồn: Phần I, mục I.1.1, chú thích 2" in text
    assert "Tài liệu tóm tắt phục vụ sinh hoạt" in text  # the footer's words come from the pack


async def test_targets_docx_holds_both_terms(app, fake_api: FakeBotAPI, content_pack) -> None:
    calls = await send(app, "/targets docx")
    name, data = uploaded(next(c for c in calls if c.method == "sendDocument"))
    assert name == "chi-tieu.docx"
    _, text = document_text(data)
    assert "CÁC CHỈ TIÊU CHỦ YẾU" in text
    assert "I. 16 CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030" in text
    assert "1 | Tăng trưởng và cơ cấu kinh tế: GRDP tăng bình quân | 15%/năm | 14%/năm (2021-2025)" in text
    assert "7 | Tỷ lệ hộ nghèo: toàn tỉnh | chưa có | 1% (2025)" in text
    assert "II. CHỈ TIÊU NGHỊ QUYẾT ĐẠI HỘI XIX, NHIỆM KỲ 2020-2025" in text
    assert "03 chỉ tiêu" in text and "dự kiến không hoàn thành" in text  # a forecast stays a forecast


async def test_english_handout(app, fake_api: FakeBotAPI) -> None:
    calls = await send(app, "/briefing economy docx", lang="en")
    name, data = uploaded(next(c for c in calls if c.method == "sendDocument"))
    assert name == "brief-economy.docx"
    _, text = document_text(data)
    assert "BRIEFING NOTES: Economy" in text and "I. Headline figures" in text
    assert "Status of the document: draft" in text and "26 November 2026" in text


async def test_the_button_under_a_brief_in_a_private_chat_replies_with_the_document(app, fake_api) -> None:
    await send(app, "/briefing xây dựng Đảng")
    brief = fake_api.last("sendMessage")
    calls = await press(app, brief.buttons[-1]["callback_data"], message=brief.result["message_id"])
    name, _ = uploaded(next(c for c in calls if c.method == "sendDocument"))
    assert name == "tom-tat-party.docx"


async def test_a_topic_brief_button_in_a_group_sends_privately(app, fake_api: FakeBotAPI) -> None:
    fake_api.register_chat(chat_json(GROUP, "supergroup"))
    await send(app, "/briefing@briefing_test_bot tham nhũng", chat_id=GROUP, chat_type="supergroup")
    brief = fake_api.last("sendMessage", GROUP)
    calls = await press(app, brief.buttons[-1]["callback_data"], message=brief.result["message_id"], user_id=2002,
                        chat_id=GROUP, chat_type="supergroup")
    document = next(c for c in calls if c.method == "sendDocument")
    assert document.chat_id == 2002
    _, text = document_text(uploaded(document)[1])
    assert "TÀI LIỆU TÓM TẮT: THAM NHŨNG" in text


def test_handouts_are_built_once_per_content_version(content_pack, catalogues) -> None:
    tr = catalogues.get("vi")
    brief = by_key(content_pack, "front")
    assert brief is not None
    first = handout.brief_document(content_pack, brief, tr)
    assert handout.brief_document(content_pack, brief, tr) is first
    assert handout.brief_document(content_pack, brief, catalogues.get("en")) is not first
    assert handout.targets_document(content_pack, tr) is handout.targets_document(content_pack, tr)


async def test_a_figure_the_report_gets_wrong_keeps_its_note_in_the_brief_and_the_handout(
        app, fake_api: FakeBotAPI, content_pack) -> None:
    """GRDP 2025 is written '239.163 nghìn tỷ đồng' (the pack's note: unit or separator wrong): wherever
    the brief repeats it, the note comes with it, as on the figure's card."""
    spec = content_pack.briefings.briefs["economy"]
    noted = [f for f in spec.figures if content_pack.notes_by_figure.get(f)]
    assert noted, "the economy brief shows a figure the pack has a note on"
    titles = [n.title for f in noted for n in content_pack.notes_by_figure[f]]
    calls = await send(app, "/briefing kinh tế")
    brief = parse_html(next(c for c in calls if c.method == "sendMessage").text or "")
    for title in titles:
        assert f"⚠️ Lưu ý: {title}" in brief
    calls = await send(app, "/briefing kinh tế docx")
    _, text = document_text(uploaded(next(c for c in calls if c.method == "sendDocument"))[1])
    for title in titles:
        assert f"⚠️ Lưu ý: {title}" in text
