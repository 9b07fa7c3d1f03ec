"""The drafting committee's workbook (XLSX, openpyxl) and the same comments as CSV.

The workbook has a summary sheet (counts per part and per section, by stance) and one sheet per part of
the report: section anchor and title, stance, text, đối tượng, unit, date, and who wrote it. Who: the
Telegram id only when the operator says so (BOT_COMMENTS_NAMED=1); otherwise a pseudonym drawn for this
export alone (an HMAC of the id under a key that is thrown away), so one person's comments can be read
together while two exports cannot be matched against each other.

Every text cell is safe to open: a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) would be taken for a formula by a spreadsheet, so it gets a leading apostrophe; control
characters are removed. Words come from the translator (the exporting administrator's language); the
report's own words (anchors, titles, comments) stay as written.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.comments.labels import audience_name, stance_name
from bot.comments.places import order
from bot.comments.stats import Summary, Tally, current_place
from bot.content import ContentPack
from bot.i18n import Translator
from bot.store.comments_repo import STANCES, Comment, Place

#: Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SHEET_BAD_RE = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
PSEUDONYM_HEX = 6
DATE_FORMAT = "dd/mm/yyyy hh:mm"

Cell = str | int | datetime | None


def safe(text: str) -> str:
    """A CSV cell that no spreadsheet runs: control characters out, a formula start neutralised by a
    visible apostrophe (a CSV has no other way to say "this is text")."""
    text = _CONTROL_RE.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _append(sheet: Worksheet, row: int, values: Sequence[Cell]) -> None:
    """Append ``values`` as sheet row ``row`` (counted by the caller: ``sheet.max_row`` scans every cell).

    Text is stored as text: control characters out, and a cell starting like a formula ("=", "+", "-",
    "@": "- Đề nghị…", "+84…") is a string cell with Excel's hidden quote prefix, so no spreadsheet runs
    it, not even after an edit, and the committee reads it as it was written, without a stray apostrophe.
    """
    sheet.append([_CONTROL_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and _CONTROL_RE.sub("", value).startswith(FORMULA_STARTS):
            cell = sheet.cell(row, column)
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cell.quotePrefix = True


class Pseudonyms:
    """One name per commenter for one export: ``#3F9A2C``. Longer where two would read alike."""

    def __init__(self, user_ids: Sequence[int], key: bytes | None = None) -> None:
        self.key = key if key is not None else secrets.token_bytes(32)
        ids = sorted(set(user_ids))
        size = PSEUDONYM_HEX
        while True:
            names = {uid: "#" + self._digest(uid)[:size].upper() for uid in ids}
            if len(set(names.values())) == len(names):
                break
            size += 2
        self.names = names

    def _digest(self, user_id: int) -> str:
        return hmac.new(self.key, str(user_id).encode(), hashlib.sha256).hexdigest()

    def __getitem__(self, user_id: int) -> str:
        return self.names[user_id]


@dataclass(frozen=True)
class Row:
    """One comment as the committee reads it."""

    part_id: str
    part_label: str
    place: Place
    present: bool
    comment: Comment


def rows_of(comments: Sequence[Comment], pack: ContentPack) -> list[Row]:
    """Comments in the report's order: by part, by section (one a reload removed last in its part), then
    when each was first sent."""
    positions = order(pack)
    rows = []
    for comment in comments:
        place, present = current_place(pack, comment)
        rows.append(Row(place.part_id, place.part_label, place, present, comment))
    end = len(positions)  # a part or section the pack no longer has comes after those it has
    rows.sort(key=lambda r: (positions.get(r.part_id, end), positions.get(r.place.section_id, end),
                             r.comment.created_at, r.comment.id))
    return rows


class Export:
    """Everything one export writes, built once for both files."""

    def __init__(self, comments: Sequence[Comment], summary: Summary, pack: ContentPack, tr: Translator,
                 tz: tzinfo, now: datetime, *, named: bool, key: bytes | None = None) -> None:
        self.summary = summary
        self.pack = pack
        self.tr = tr
        self.tz = tz
        self.now = now
        self.named = named
        self.rows = rows_of(comments, pack)
        self.pseudonyms = None if named else Pseudonyms([c.user_id for c in comments], key)

    # -- cells ---------------------------------------------------------------------------------------

    def who(self, comment: Comment) -> str | int:
        return comment.user_id if self.pseudonyms is None else self.pseudonyms[comment.user_id]

    def when(self, comment: Comment) -> datetime:
        """The local time the comment took its present form (naive: spreadsheets know no time zones)."""
        return datetime.fromtimestamp(comment.updated_at, self.tz).replace(tzinfo=None)

    def note(self, row: Row) -> str:
        return "" if row.present else self.tr.gettext("No longer in the current text")

    def headers(self) -> list[str]:
        tr = self.tr
        return [tr.gettext("Section"), tr.gettext("Title"), tr.gettext("Stance"), tr.gettext("Comment"),
                tr.gettext("Commenter is"), tr.gettext("Unit"), tr.gettext("Date"),
                tr.gettext("Telegram id") if self.named else tr.gettext("Commenter (pseudonym)"),
                tr.gettext("Note")]

    def cells(self, row: Row) -> list[Cell]:
        c = row.comment
        return [row.place.anchor, row.place.title, stance_name(c.stance, self.tr), c.body,
                audience_name(c.audience, self.tr), c.unit or "", self.when(c), self.who(c), self.note(row)]

    def parts(self) -> list[tuple[str, str]]:
        """Every part of the current pack, then parts only comments on vanished sections name."""
        parts = [(s.id, self.pack.section_label(s.id)) for s in self.pack.top_sections()]
        known = {p for p, _ in parts}
        for row in self.rows:
            if row.part_id not in known:
                known.add(row.part_id)
                parts.append((row.part_id, row.part_label))
        return parts

    # -- the workbook --------------------------------------------------------------------------------

    def xlsx(self) -> bytes:
        book = Workbook()
        summary = book.active
        assert summary is not None
        summary.title = _sheet_name(self.tr.pgettext("workbook", "Summary"), set())
        self._summary_sheet(summary)
        names = {summary.title}
        for part_id, label in self.parts():
            sheet = book.create_sheet(_sheet_name(label, names))
            names.add(sheet.title)
            self._part_sheet(sheet, [r for r in self.rows if r.part_id == part_id])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def _summary_sheet(self, sheet: Worksheet) -> None:
        tr, s = self.tr, self.summary
        bold = Font(bold=True)
        stance_heads = [stance_name(st, tr) for st in STANCES]
        lines: list[list[Cell]] = [
            [tr.gettext("Comments on the draft")],
            [self.pack.meta_text(tr.lang).document_kind],
            [tr.gettext("Exported {when} ({zone})").format(when=tr.when(self.now), zone=tr.zone(self.tz))],
            [tr.ngettext("{n} comment from {people} people", "{n} comments from {people} people",
                         s.total.total).format(n=tr.number(s.total.total), people=tr.number(s.people))],
            [tr.gettext("Commenters are shown by their Telegram id.") if self.named else
             tr.gettext("Commenters are shown by a pseudonym drawn for this export only.")],
            [],
        ]
        for number, line in enumerate(lines, start=1):
            _append(sheet, number, line)
        sheet["A1"].font = Font(bold=True, size=14)
        # two tables, their counts in the same columns (D-G): per part, then per section
        part_head = len(lines) + 1
        _append(sheet, part_head, [v or None for v in [tr.gettext("Part"), "", "", *stance_heads, tr.gettext("Total")]])
        for number, p in enumerate(s.parts, start=part_head + 1):
            _append(sheet, number, [p.label, None, None, *_counts(p.tally)])
        total_row = part_head + len(s.parts) + 1
        _append(sheet, total_row, [tr.gettext("Total"), None, None, *_counts(s.total)])
        sheet.append([])
        section_head = total_row + 2
        _append(sheet, section_head, [tr.gettext("Part"), tr.gettext("Section"), tr.gettext("Title"), *stance_heads,
                                      tr.gettext("Total"), tr.gettext("Note")])
        for number, sec in enumerate(s.sections, start=section_head + 1):
            note = None if sec.present else tr.gettext("No longer in the current text")
            _append(sheet, number, [sec.place.part_label, sec.place.anchor, sec.place.title, *_counts(sec.tally), note])
        for head in (part_head, total_row, section_head):
            for cell in sheet[head]:
                cell.font = bold
        _widths(sheet, [14, 10, 44, 12, 16, 16, 10, 28])

    def _part_sheet(self, sheet: Worksheet, rows: list[Row]) -> None:
        _append(sheet, 1, self.headers())
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="top")
        for line, row in enumerate(rows, start=2):  # (sheet.max_row scans every cell: not in a loop)
            _append(sheet, line, self.cells(row))
            sheet.cell(line, 7).number_format = DATE_FORMAT
            sheet.cell(line, 4).alignment = wrap  # the comment; a style per cell costs: only where it reads
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = sheet.dimensions
        _widths(sheet, [10, 30, 16, 70, 18, 24, 16, 16, 24])

    # -- the CSV -------------------------------------------------------------------------------------

    def csv(self) -> bytes:
        """The same comments in one table (with their part), UTF-8 with a BOM so spreadsheets read it."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([safe(h) for h in [self.tr.gettext("Part"), *self.headers()]])
        for row in self.rows:
            cells = self.cells(row)
            cells[6] = self.when(row.comment).strftime("%Y-%m-%d %H:%M")
            writer.writerow([safe(row.part_label), *(safe(v) if isinstance(v, str) else v for v in cells)])
        return out.getvalue().encode("utf-8-sig")

    def filename(self, extension: str) -> str:
        return f"gop-y-du-thao-{self.now:%Y%m%d-%H%M}.{extension}"


def _counts(tally: Tally) -> list[Cell]:
    counts: list[Cell] = [tally.of(st) for st in STANCES]
    return [*counts, tally.total]


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width


def _sheet_name(label: str, taken: set[str]) -> str:
    """A valid sheet name (no []:*?/\\, at most 31 characters), unique in the workbook."""
    base = _SHEET_BAD_RE.sub(" ", _CONTROL_RE.sub("", label)).strip().strip("'")[:SHEET_NAME_MAX] or "-"
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    return name
