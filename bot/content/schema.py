"""The content pack's schema: what a curator may write in ``content/*.yaml``.

Field limits follow what Telegram shows whole (see shared TELEGRAM.md): an item card must fit one
message, a figure label must fit an inline-result title and a button, ids must fit callback data.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Ids travel in callback data (64 bytes) next to a prefix and a page number, so they stay short ASCII.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"
SECTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.]{0,23}$"

# Kinds of items and figures are the pack's own words, listed in kinds.yaml (bot/content/kinds.py).
KIND_PATTERN = r"^[a-z][a-z0-9_]{1,31}$"
FigureStatus = Literal["achieved", "exceeded", "not_achieved", "pending"]
Relation = Literal["target", "result", "baseline", "previous", "rank", "part_of", "related"]
# Languages a pack may be translated into (an overlay folder content/<lang>/ each).
OverlayLanguage = Literal["en"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Strict):
    vi: str = Field(min_length=1, max_length=60)
    en: str = Field(min_length=1, max_length=60)


class CitationWords(Strict):
    """The words a reference is built from, in the pack's language (and in each overlay's)."""

    section: str = Field(default="mục", min_length=1, max_length=20)
    footnote: str = Field(default="chú thích", min_length=1, max_length=20)
    # Several footnotes at once ("footnotes 54, 55"); unset: the same word as for one (Vietnamese).
    footnotes: str | None = Field(default=None, min_length=1, max_length=20)


class Wording(Strict):
    """Words of the report's language that the meaning-level checks read (bot/content/fidelity.py).

    The defaults are Vietnamese; a pack in another language writes its own under ``wording:`` in
    meta.yaml. Each list is matched as whole words, without regard to case.
    """

    # Right before a value they make it approximate or a bound; a run of them ("ước đạt khoảng")
    # is the figure's `qualifier`, carried once (never again in `unit` or `label`).
    hedges: list[str] = Field(default_factory=lambda: [
        "ước đạt", "dự kiến đạt", "ước", "dự kiến", "gần", "khoảng", "trên", "dưới",
        "tối thiểu", "ít nhất", "không quá", "xấp xỉ"])
    # Right before a value they make it a group the place is in, not a count: "nhóm 10 tỉnh dẫn đầu",
    # "1 trong 7 tỉnh". Carried in `qualifier` like a hedge (the label may say them too).
    groups: list[str] = Field(default_factory=lambda: ["nhóm", "1 trong"])
    # Anywhere earlier in a value's sentence (or in brackets right after it) they make it an
    # estimate, a forecast or only largely true: the figure must say so (`qualifier` or `label`),
    # and an item's sentence with that number too. Compared without diacritics ("Uớc" is "ước").
    sentence_hedges: list[str] = Field(default_factory=lambda: ["ước", "dự kiến", "cơ bản", "bước đầu"])
    # In the sentence a status rests on they make the status a forecast (`status_forecast`).
    forecasts: list[str] = Field(default_factory=lambda: ["dự kiến"])
    # The words a status rests on, by status.
    status_words: dict[str, list[str]] = Field(default_factory=lambda: {
        "achieved": ["đạt", "hoàn thành"],
        "exceeded": ["vượt"],
        "not_achieved": ["không hoàn thành", "chưa hoàn thành", "không đạt", "chưa đạt"]})
    # In a quote they narrow what a value measures ("trừ thu tiền sử dụng đất"): the figure declares
    # a `basis`, and figures compared as target/result/baseline/previous must share it.
    exclusions: list[str] = Field(default_factory=lambda: ["trừ", "không tính", "không kể", "chưa kể",
                                                          "tính theo"])
    # Right before a value it makes it a place in a ranking ("đứng thứ 12"): such figures are
    # `kind: rank`, and only they.
    rank_words: list[str] = Field(default_factory=lambda: ["thứ"])
    # Before a number they make it a label, not a quantity ("phiên bản 1.0", "giai đoạn 1").
    references: list[str] = Field(default_factory=lambda: ["phiên bản", "giai đoạn", "lần thứ", "khóa",
                                                          "số hiệu", "mức độ"])
    # Words that narrow a statement ("cơ bản hoàn thành", "bước đầu thu hút", "một số địa phương"): an
    # item that repeats the words after one (three of them) must keep it.
    narrowing: list[str] = Field(default_factory=lambda: ["cơ bản", "bước đầu", "từng bước", "có xu hướng",
                                                         "một số", "một bộ phận", "có mặt", "có nơi"])
    # Words that claim more than a summary may: one in an item's text must stand, with the word
    # after it, in the passages the item cites ("liên tục dẫn đầu", "đều đạt").
    claims: list[str] = Field(default_factory=lambda: ["luôn", "liên tục", "đều", "đầu tiên", "duy nhất",
                                                      "tất cả", "toàn bộ", "hoàn toàn", "triệt để"])


class Meta(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    document_kind: str = Field(min_length=1, max_length=120)
    status: Literal["draft", "final"]
    committee: str = Field(min_length=1, max_length=200)
    congress: str = Field(min_length=1, max_length=200)
    term: str = Field(min_length=1, max_length=40)
    province: str = Field(min_length=1, max_length=80)
    language: str = "vi"
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    source_file: str = "source.txt"
    source_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    summary: str = Field(min_length=1, max_length=1200)
    context: str | None = Field(default=None, max_length=1200)
    # One short line shown wherever a cadre might quote the document (start, targets, tasks, digests):
    # what the document is and why it may differ from the adopted one. Required for a draft.
    status_notice: str | None = Field(default=None, min_length=10, max_length=300)
    # How a place in the report is cited: "Phần I, mục I.1.1, chú thích 2".
    citation: CitationWords = Field(default_factory=lambda: CitationWords())
    # Languages whose overlay folder (content/<lang>/) must translate every figure, item, section and
    # note; a language listed here with anything missing fails check-content.
    translations: list[OverlayLanguage] = Field(default_factory=list)
    wording: Wording = Field(default_factory=lambda: Wording())


class SectionSpec(Strict):
    id: str = Field(pattern=SECTION_ID_PATTERN)
    parent: str | None = None
    label: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=100)
    line: int = Field(ge=1)
    starts: str = Field(min_length=1, max_length=80)


class Comparison(Strict):
    figure: str = Field(pattern=ID_PATTERN)
    relation: Relation


class StatusBasis(Strict):
    """Where the report states a figure's status when its own sentence does not (a footnote listing
    the targets not achieved): the sentence is quoted and checked like a figure's quote."""

    source: str = Field(pattern=SECTION_ID_PATTERN)
    footnote: int | None = Field(default=None, ge=1)
    quote: str = Field(min_length=5, max_length=600)


class FigureSpec(Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=3, max_length=100)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    value: str | None = Field(default=None, max_length=40)
    # A word the report puts before the value and a reader must not lose: "gần", "khoảng", "trên", "ước đạt".
    qualifier: str | None = Field(default=None, max_length=20)
    number: float | None = None
    number_max: float | None = None
    total: float | None = None
    unit: str | None = Field(default=None, max_length=40)
    period: str | None = Field(default=None, max_length=20)
    kind: str = Field(pattern=KIND_PATTERN)  # a figure kind of kinds.yaml
    status: FigureStatus | None = None
    # The status is the draft's forecast, not a fact ("dự kiến không hoàn thành" written before the term
    # ended): shown as expected, never as settled.
    status_forecast: bool = False
    # Where the status is stated, when not in the figure's own sentence.
    status_basis: StatusBasis | None = None
    # What the value leaves out or is counted on, in our words ("trừ thu tiền sử dụng đất, thu xổ số
    # kiến thiết"), when the quote narrows it; figures compared as target/result/baseline/previous
    # must have the same basis. "không rõ" and the like mark a base the report does not give.
    basis: str | None = Field(default=None, max_length=120)
    compare: list[Comparison] = Field(default_factory=list)
    quote: str = Field(min_length=5, max_length=1500)
    source: str = Field(pattern=SECTION_ID_PATTERN)
    footnote: int | None = Field(default=None, ge=1)
    headline: bool = False
    note: str | None = Field(default=None, max_length=600)

    @field_validator("aliases")
    @classmethod
    def _aliases_short(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not alias.strip() or len(alias) > 64:
                raise ValueError(f"alias {alias!r} must be 1-64 characters")
        return aliases


class ItemSpec(Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: str = Field(pattern=KIND_PATTERN)  # an item kind of kinds.yaml
    field: str | None = None
    title: str = Field(min_length=3, max_length=100)
    summary: str = Field(min_length=20, max_length=1000)
    points: list[str] = Field(default_factory=list, max_length=10)
    figures: list[str] = Field(default_factory=list, max_length=30)
    source: str = Field(pattern=SECTION_ID_PATTERN)
    sections: list[str] = Field(default_factory=list, max_length=20)
    footnotes: list[int] = Field(default_factory=list)

    @field_validator("points")
    @classmethod
    def _points_short(cls, points: list[str]) -> list[str]:
        for point in points:
            if not 3 <= len(point) <= 350:
                raise ValueError("each point must be 3-350 characters (a card must fit one message)")
        return points


class NoteSpec(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3, max_length=100)
    text: str = Field(min_length=10, max_length=1200)
    figures: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class FieldSpec(Strict):
    id: str = Field(pattern=r"^[a-z_]{2,24}$")
    title: Localized


class MenuEntrySpec(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    title: Localized
    kinds: list[str] = Field(default_factory=list)  # item kinds of kinds.yaml
    group_by: Literal["field"] | None = None
    figures: bool = False
    notes: bool = False


class MenuFile(Strict):
    fields: list[FieldSpec]
    menu: list[MenuEntrySpec] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# Translation overlays: content/<lang>/ holds, for each id, the words a reader of that language sees.
# The report's exact quotes are never translated (a quote is what the report says, in Vietnamese).


class MetaText(Strict):
    title: str = Field(min_length=1, max_length=200)
    document_kind: str = Field(min_length=1, max_length=120)
    committee: str = Field(min_length=1, max_length=200)
    congress: str = Field(min_length=1, max_length=200)
    province: str = Field(min_length=1, max_length=80)
    summary: str = Field(min_length=1, max_length=1200)
    context: str | None = Field(default=None, max_length=1200)
    status_notice: str | None = Field(default=None, min_length=10, max_length=300)
    citation: CitationWords


class SectionText(Strict):
    label: str | None = Field(default=None, min_length=1, max_length=40)  # only where words: "Part I"
    title: str = Field(min_length=1, max_length=100)


class FigureText(Strict):
    """A figure's words in one language. The value itself is formatted from the pack's value."""

    label: str = Field(min_length=3, max_length=100)
    qualifier: str | None = Field(default=None, max_length=20)
    unit: str | None = Field(default=None, max_length=40)
    period: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=600)


class ItemText(Strict):
    title: str = Field(min_length=3, max_length=100)
    summary: str = Field(min_length=20, max_length=1000)
    points: list[str] = Field(default_factory=list, max_length=10)


class NoteText(Strict):
    title: str = Field(min_length=3, max_length=100)
    text: str = Field(min_length=10, max_length=1200)
