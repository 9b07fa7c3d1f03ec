"""Printable handouts: a brief, or the targets, as a Word document laid out for A4 (python-docx).

Built in memory and kept per content version, language and subject: the same pack gives the same
bytes, so a room full of cadres asking for the same page costs one build. Layout: the organisation's
heading, the title, the draft's status, the content date, numbered sections, a table of figures with
their source references, and a footer with the organisation's words and page numbers.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.briefing.compose import Brief
from bot.briefing.words import (
    comparisons,
    figure_label,
    figure_notes,
    figure_period,
    figure_reference,
    item_reference,
    status_notice,
    status_text,
    text_of,
    value_or_pending,
)
from bot.content import ContentPack, Item
from bot.i18n import Translator

#: Official Vietnamese documents are set in Times New Roman, 13-14 pt (Decree 30/2020); so are ours.
FONT = "Times New Roman"
BODY_PT = 13
TITLE_PT = 15
#: A4 with the margins of an administrative document (top/bottom 2 cm, left 3 cm, right 2 cm).
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(2.0), "bottom": Cm(2.0), "left": Cm(3.0), "right": Cm(2.0)}
#: Documents kept in memory (distinct subject x language x pack); a pack change starts afresh.
CACHE_SIZE = 64
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_CACHE: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
_LEADING_SYMBOLS_RE = re.compile(r"^[^\w(]+")


def cached(key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
    """``build()`` once per key (pack fingerprint first in every key), least recently used evicted."""
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    data = build()
    _CACHE[key] = data
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return data


def cache_size() -> int:
    return len(_CACHE)


def plain(text: str) -> str:
    """A status without its leading symbol (✅, ⚠️): print fonts have no emoji."""
    return _LEADING_SYMBOLS_RE.sub("", text).strip() or text


def long_date(day: date, tr: Translator) -> str:
    """``ngày 26 tháng 11 năm 2026`` in Vietnamese, ``26 November 2026`` in English."""
    if tr.lang == "vi":
        return f"ngày {day.day} tháng {day.month} năm {day.year}"
    return tr.date(day, "d MMMM y")


# ---------------------------------------------------------------------------------------------
# Building blocks


def _new_document(pack: ContentPack, tr: Translator) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)
    core = doc.core_properties
    core.title = pack.meta_text(tr.lang).title[:200]
    core.author = pack.meta_text(tr.lang).committee[:200]
    core.language = tr.lang
    return doc


def _paragraph(doc: DocumentObject, text: str = "", *, bold: bool = False, italic: bool = False,
               size: int | None = None, align: WD_ALIGN_PARAGRAPH | None = None,
               after: int | None = None) -> Paragraph:
    paragraph = doc.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _labelled(doc: DocumentObject, label: str, text: str, *, italic: bool = False) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.add_run(label).bold = True
    run = paragraph.add_run(" " + text)
    run.italic = italic
    return paragraph


def _page_number_footer(doc: DocumentObject, text: str) -> None:
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(text + "  ·  ")
    run.italic = True
    run.font.size = Pt(10)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    number_text = OxmlElement("w:t")
    number_text.text = "1"
    number.append(number_text)
    field.append(number)
    footer._p.append(field)


def _masthead(doc: DocumentObject, pack: ContentPack, tr: Translator, title: str) -> None:
    """Organisation, title, what the document is, its status and the content's date."""
    briefings = pack.briefings
    assert briefings is not None
    meta = pack.meta_text(tr.lang)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, text_of(briefings.handout.heading, tr), bold=True, align=center, after=0)
    _paragraph(doc, "—————", align=center, after=6)
    _paragraph(doc, title.upper() if tr.lang == "vi" else title, bold=True, size=TITLE_PT, align=center,
               after=2)
    _paragraph(doc, meta.document_kind + ": " + meta.title, italic=True, align=center, after=8)
    status = tr.gettext("draft") if pack.meta.status == "draft" else tr.gettext("final")
    _labelled(doc, tr.gettext("Status of the document:"), status)
    notice = status_notice(pack, tr)
    if notice:
        _paragraph(doc, notice, italic=True)
    day = date.fromisoformat(pack.meta.date)
    _labelled(doc, tr.gettext("Content as of:"), tr.gettext("{date} (content version {version})").format(
        date=long_date(day, tr), version=pack.meta.version))
    _page_number_footer(doc, text_of(briefings.handout.footer, tr))


def _heading(doc: DocumentObject, number: int, title: str, tr: Translator) -> None:
    """``I. SỐ LIỆU CHÍNH`` (Vietnamese documents set section headings in capitals)."""
    paragraph = _paragraph(doc, f"{ROMAN[number - 1]}. {title.upper() if tr.lang == 'vi' else title}",
                           bold=True, after=4)
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True


def _table(doc: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid: what LibreOffice and Word lay the table out by
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(BODY_PT - 2)
    return table


def _item(doc: DocumentObject, pack: ContentPack, number: int | None, item: Item, tr: Translator) -> None:
    text = pack.item_text(item.id, tr.lang)
    paragraph = doc.add_paragraph()
    paragraph.add_run((f"{number}. " if number is not None else "") + text.title).bold = True
    paragraph.paragraph_format.keep_with_next = True
    _paragraph(doc, text.summary, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for point in text.points:
        doc.add_paragraph(point, style="List Bullet")
    _paragraph(doc, tr.gettext("Source: {reference}").format(reference=item_reference(pack, item, tr)),
               italic=True, after=6)


def _save(doc: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The two handouts


def brief_document(pack: ContentPack, brief: Brief, tr: Translator) -> bytes:
    """The brief for printing: every summary and point in full (paper has room), figures in a table."""
    key = (pack.fingerprint, id(pack), "brief", tr.lang, brief.key or "", brief.topic or "")
    return cached(key, lambda: _build_brief(pack, brief, tr))


def _build_brief(pack: ContentPack, brief: Brief, tr: Translator) -> bytes:
    assert pack.briefings is not None
    doc = _new_document(pack, tr)
    title = text_of(pack.briefings.handout.brief_title, tr).format(title=brief.title(tr.lang))
    _masthead(doc, pack, tr, title)
    number = 0
    if brief.figures:
        number += 1
        _heading(doc, number, tr.gettext("Headline figures"), tr)
        rows = []
        for fig in brief.figures:
            period = figure_period(pack, fig, tr)
            value = value_or_pending(pack, fig, tr) + (f" ({period})" if period else "")
            notes = comparisons(pack, fig, tr)
            status = status_text(fig, tr)
            if status and fig.status != "pending":
                notes.append(plain(status))
            notes += figure_notes(pack, fig, tr)
            rows.append([figure_label(pack, fig, tr), value, "; ".join(notes) or "—",
                         figure_reference(pack, fig, tr)])
        _table(doc, [tr.gettext("Figure"), tr.gettext("Value"), tr.gettext("Compared with"), tr.gettext("Source")],
               rows, (5.6, 3.6, 3.8, 3.0))
    groups: list[tuple[str, Sequence[Item], bool]] = [
        (tr.gettext("Results"), brief.results, True),
        (tr.gettext("Limitations"), brief.limitations, True),
        (tr.gettext("Tasks for {term}").format(term=pack.meta.term), brief.tasks, True),
        (tr.gettext("Breakthrough"), (brief.breakthrough,) if brief.breakthrough else (), False),
    ]
    for heading, items, numbered in groups:
        if not items:
            continue
        number += 1
        _heading(doc, number, heading, tr)
        for n, item in enumerate(items, 1):
            _item(doc, pack, n if numbered else None, item, tr)
    return _save(doc)


def targets_document(pack: ContentPack, tr: Translator) -> bytes:
    """The 2030 targets (and the last term's, when the pack lists them) as two tables."""
    return cached((pack.fingerprint, id(pack), "targets", tr.lang), lambda: _build_targets(pack, tr))


def _build_targets(pack: ContentPack, tr: Translator) -> bytes:
    briefings = pack.briefings
    assert briefings is not None
    doc = _new_document(pack, tr)
    _masthead(doc, pack, tr, text_of(briefings.handout.targets_title, tr))
    number = 0
    if briefings.targets:
        number += 1
        title = text_of(briefings.targets_title, tr) if briefings.targets_title else tr.gettext("Main targets")
        _heading(doc, number, title, tr)
        rows = []
        for target in briefings.targets:
            for n, value in enumerate(target.values):
                fig = pack.figures[value.figure]
                label = text_of(value.label, tr) if value.label else ""
                name = text_of(target.name, tr) + (f": {label}" if label else "") if n == 0 else f"– {label}"
                base = pack.figures[value.baseline] if value.baseline else None
                now = "—" if base is None else value_or_pending(pack, base, tr) + (
                    f" ({figure_period(pack, base, tr)})" if figure_period(pack, base, tr) else "")
                rows.append([str(target.number) if n == 0 else "", name, value_or_pending(pack, fig, tr), now,
                             figure_reference(pack, fig, tr)])
        _table(doc, ["#", tr.gettext("Target"), tr.gettext("2030"), tr.gettext("Now (as the report gives it)"),
                     tr.gettext("Source")], rows, (1.0, 5.4, 3.0, 3.6, 3.0))
    term = briefings.previous_term
    if term is not None:
        number += 1
        _heading(doc, number, text_of(term.title, tr), tr)
        for fid in term.summary:
            fig = pack.figures[fid]
            note = pack.figure_text(fid, tr.lang).note
            _labelled(doc, f"{figure_label(pack, fig, tr)}: {value_or_pending(pack, fig, tr)}.", note or "",
                      italic=True)
        rows = []
        for n, entry in enumerate(term.targets, 1):
            result = pack.figures[entry.result]
            period = figure_period(pack, result, tr)
            aimed = (value_or_pending(pack, pack.figures[entry.target], tr,
                                      rank=pack.role(pack.figures[entry.result]) == "rank" or None)
                     if entry.target else "—")
            rows.append([str(n), figure_label(pack, result, tr),
                         value_or_pending(pack, result, tr) + (f" ({period})" if period else ""), aimed,
                         plain(status_text(result, tr) or "—"), figure_reference(pack, result, tr)])
        _table(doc, ["#", tr.gettext("Target"), tr.gettext("Result"), tr.gettext("Aimed at"),
                     tr.gettext("Status"), tr.gettext("Source")], rows, (1.0, 4.4, 3.0, 2.4, 2.6, 2.6))
        _paragraph(doc, tr.gettext("Estimates and forecasts are the draft's own, written before the term ended."),
                   italic=True)
    return _save(doc)


def brief_filename(brief: Brief, tr: Translator) -> str:
    """An ASCII file name: ``tom-tat-economy.docx`` / ``brief-economy.docx``."""
    stem = brief.key or "topic"
    return tr.gettext("brief-{name}.docx").format(name=stem)


def targets_filename(tr: Translator) -> str:
    return tr.gettext("targets.docx")
