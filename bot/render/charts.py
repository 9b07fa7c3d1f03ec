"""Charts as views (numbers from the figure table, words in the reader's language) and their captions.

``chart_view`` turns a chart of the pack into plain numbers and strings; ``bot.render.chart_png`` draws
it. A pending figure becomes a gap marked "not given yet", a figure the report never gives a gap
marked "not stated": never a zero. Captions carry the sources, the gaps, the notes and the draft's
status, within Telegram's 1024 characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.i18n import N_, Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, button, markup
from bot.render.figures import shown_value
from bot.render.numbers import format_value
from bot.render.text import esc, shorten
from bot.study.distractors import parse

if TYPE_CHECKING:
    from bot.content.model import ContentPack
    from bot.study.spec import ChartSpec

CAPTION_LIMIT = 1024
#: Status words drawn on a scorecard (no emoji: the chart font has none).
STATUS_WORDS = {"exceeded": N_("Exceeded"), "achieved": N_("Achieved"), "not_achieved": N_("Not achieved")}


@cb.register("ch")
class ChartPick(cb.Callback):
    """Send one chart."""

    chart: str = cb.ident(24)


@cb.register("cl")
class ChartList(cb.Callback):
    """Send the list of charts."""


@dataclass(frozen=True)
class BarView:
    figure: str | None
    value: float | None       # the bar's height; None: a gap
    high: float | None = None  # a range's top, drawn lighter above the bar
    label: str = ""           # the value as written, or the gap's words
    tick: str = ""            # pairs: the bar's period


@dataclass(frozen=True)
class GroupView:
    label: str
    bars: tuple[BarView, ...]
    unit: str = ""            # pairs: the unit under the panel's title
    share: bool = False       # pairs: a share in % (every such panel is drawn on one 0-100 scale)
    flagged: bool = False     # a note the reader must see (⚠)
    status: str | None = None  # scorecard: exceeded / achieved / not_achieved
    status_text: str = ""
    target_text: str = ""


@dataclass(frozen=True)
class LineView:
    figure: str
    value: float
    high: float | None
    label: str
    style: str


@dataclass(frozen=True)
class ChartView:
    id: str
    kind: str
    lang: str
    title: str
    axis: str
    series: tuple[tuple[str, str], ...]  # (label, style)
    groups: tuple[GroupView, ...]
    lines: tuple[LineView, ...] = ()
    footer: str = ""
    headers: tuple[str, ...] = ()      # scorecard column titles
    counts: tuple[tuple[str, str, int], ...] = ()  # scorecard: (status, words, how many)
    gaps: dict[str, list[str]] = field(default_factory=dict)  # "pending"/"absent" -> what is missing


def _value_text(pack: ContentPack, figure_id: str, tr: Translator, unit: bool = True, sep: str = " ") -> str:
    fig, text = pack.figures[figure_id], pack.figure_text(figure_id, tr.lang)
    if unit:  # as every card shows it: hedge, a rank with its word ("thứ 12 cả nước"), unit
        return shown_value(pack, fig, tr) or ""
    value = format_value(fig.value, tr) or ""
    if text.unit and text.unit[0] in "%‰":
        value += text.unit[0]
    return f"{text.qualifier}{sep}{value}" if text.qualifier else value


def _bar(pack: ContentPack, figure_id: str | None, tr: Translator, *, tick: bool = False,
         unit: bool = False) -> BarView:
    if figure_id is None:
        return BarView(None, None, label=tr.gettext("not stated"))
    fig = pack.figures[figure_id]
    period = (pack.figure_text(figure_id, tr.lang).period or "") if tick else ""
    value = parse(fig.value)
    if value is None:
        return BarView(figure_id, None, label=tr.gettext("not given yet"), tick=period)
    return BarView(figure_id, float(value.low), float(value.high) if value.high is not None else None,
                   label=_value_text(pack, figure_id, tr, unit, sep=" " if unit else "\n"), tick=period)


def _tally_words(pack: ContentPack, spec: ChartSpec, status: str, tr: Translator) -> str:
    """A scorecard's count heading: "Không đạt", or "Không đạt (dự kiến)" when the report forecasts them
    (a draft: "dự kiến không hoàn thành" is not yet a result)."""
    words = tr.gettext(STATUS_WORDS[status])
    figures = [pack.figures[g.figures[0]] for g in spec.groups if g.figures[0] is not None]
    forecast = [f for f in figures if f.status == status and f.status_forecast]
    if forecast and len(forecast) == sum(1 for f in figures if f.status == status):
        return tr.gettext("{status} (forecast)").format(status=words)
    if forecast:
        return tr.gettext("{status} ({n} forecast)").format(status=words, n=len(forecast))
    return words


def chart_view(pack: ContentPack, chart_id: str, tr: Translator) -> ChartView | None:
    """The chart ``chart_id`` of the pack in the reader's language, or None when the pack has none."""
    study = pack.study
    spec = study.chart(chart_id) if study is not None else None
    if study is None or spec is None:
        return None
    text = study.chart_text(chart_id, tr.lang)
    meta = pack.meta_text(tr.lang)
    footer = tr.gettext("Source: {document}, {province}. {notice}").format(
        document=meta.document_kind, province=meta.province, notice=meta.status_notice or "").strip()
    gaps: dict[str, list[str]] = {"pending": [], "absent": []}
    groups = []
    for n, group in enumerate(spec.groups):
        label = text.groups[n]
        bars = tuple(_bar(pack, f, tr, tick=spec.kind == "pairs", unit=spec.kind == "scorecard")
                     for f in group.figures)
        for s, bar in enumerate(bars):
            if bar.value is None:
                where = label if len(spec.series) == 1 else f"{label} ({text.series[s]})"
                gaps["pending" if bar.figure is not None else "absent"].append(where)
        status, status_text, target_text = None, "", ""
        if spec.kind == "scorecard":
            fig = pack.figures[group.figures[0] or ""]
            status = fig.status
            status_text = tr.gettext(STATUS_WORDS.get(status or "", STATUS_WORDS["achieved"]))
            if fig.status_forecast:
                status_text = tr.gettext("{status} (forecast)").format(status=status_text)
            target = next((c.figure for c in fig.compare if c.relation == "target"), None)
            target_text = _value_text(pack, target, tr) if target and pack.figures[target].value else "—"
        first = next(f for f in group.figures if f is not None)
        unit = pack.figure_text(first, tr.lang).unit or ""
        share = unit.startswith("%") and "/" not in unit
        groups.append(GroupView(label, bars, unit if spec.kind == "pairs" else "", share, group.note is not None,
                                status, status_text, target_text))
    lines = []
    for n, line in enumerate(spec.lines):
        value = parse(pack.figures[line.figure].value)
        if value is not None:
            label = f"{text.lines[n]}: {_value_text(pack, line.figure, tr)}"
            lines.append(LineView(line.figure, float(value.low),
                                  float(value.high) if value.high is not None else None, label, line.style))
    counts: tuple[tuple[str, str, int], ...] = ()
    headers: tuple[str, ...] = ()
    if spec.kind == "scorecard":
        counts = tuple((key, _tally_words(pack, spec, key, tr), sum(1 for g in groups if g.status == key))
                       for key in STATUS_WORDS)
        headers = (tr.gettext("Indicator"), tr.gettext("Result"), tr.gettext("Congress target"),
                   tr.gettext("Status"))
    series = []
    absent = tr.gettext("not stated")
    for n, one in enumerate(spec.series):  # a series the report never gives says so in the legend
        empty = all(g.bars[n].value is None for g in groups)
        series.append((f"{text.series[n]} ({absent})" if empty else text.series[n], one.style))
    return ChartView(spec.id, spec.kind, tr.lang, text.title, text.axis or "", tuple(series), tuple(groups),
                     tuple(lines), footer, headers, counts, gaps)


# ---------------------------------------------------------------------------------------------
# Captions and lists


def sources(pack: ContentPack, spec: ChartSpec, lang: str) -> list[str]:
    """Where the plotted figures stand in the report, each place once, in document order."""
    ids = [f for g in spec.groups for f in g.figures if f is not None] + [x.figure for x in spec.lines]
    places: list[tuple[str, int | None]] = []
    for figure_id in ids:
        fig = pack.figures[figure_id]
        if (fig.source, fig.footnote) not in places:
            places.append((fig.source, fig.footnote))
    order = {sid: n for n, sid in enumerate(pack.sections)}
    places.sort(key=lambda p: (order.get(p[0], 0), p[1] or 0))
    return [pack.reference(section, footnote, lang) for section, footnote in places]


def caption(pack: ContentPack, view: ChartView, tr: Translator) -> str:
    """The photo's caption (HTML, ≤ 1024 characters as Telegram counts them)."""
    study = pack.study
    spec = study.chart(view.id) if study is not None else None
    assert spec is not None
    head = [f"📊 <b>{esc(view.title)}</b>"]
    tail: list[str] = []
    if view.gaps.get("pending"):
        tail.append("⏳ " + esc(tr.gettext("Not given yet in the draft: {what}").format(
            what="; ".join(view.gaps["pending"]))))
    if view.gaps.get("absent"):
        tail.append("▫️ " + esc(tr.gettext("Not stated in the draft: {what}").format(
            what="; ".join(view.gaps["absent"]))))
    for figure_id in spec.summary:  # what the report says of the whole (bot/study/spec.ChartSpec.summary)
        fig = pack.figures[figure_id]
        value = shown_value(pack, fig, tr) or tr.gettext("not given yet")
        tail.append("📌 " + esc(f"{pack.figure_text(figure_id, tr.lang).label}: {value}"))
    for note_id in dict.fromkeys(g.note for g in spec.groups if g.note):
        tail.append("⚠️ " + esc(pack.note_text(note_id, tr.lang).title))
    notice = pack.meta_text(tr.lang).status_notice
    if notice:
        tail.append("<i>" + esc(notice) + "</i>")
    places = sources(pack, spec, tr.lang)
    label = tr.gettext("Sources: {places}")
    for keep in range(len(places), 0, -1):
        shown = "; ".join(places[:keep]) + ("; …" if keep < len(places) else "")
        text = "\n".join([*head, "📍 " + esc(label.format(places=shown)), *tail])
        if len(text) <= CAPTION_LIMIT:
            return text
    return shorten("\n".join([*head, *tail]), CAPTION_LIMIT)


def chart_list(pack: ContentPack, tr: Translator, unknown: str | None = None) -> Page:
    """What /chart can draw, one button per chart; with what was asked when nothing matched it."""
    study = pack.study
    charts = study.charts if study is not None else []
    lines: list[str] = []
    if unknown is not None:
        lines += [esc(tr.gettext("There is no chart for “{topic}”.").format(topic=shorten(unknown, 60))), ""]
    if not charts:
        lines.append(esc(tr.gettext("This content pack has no charts.")))
        return "\n".join(lines), None
    lines.append("📊 <b>" + esc(tr.gettext("Charts of the report's figures")) + "</b>")
    rows: list[Row] = []
    for chart in charts:
        title = study.chart_text(chart.id, tr.lang).title if study is not None else chart.title
        word = chart.words[0] if chart.words else chart.id
        lines.append(f"• {esc(title)}: <code>/chart {esc(word)}</code>")
        rows.append([button("📊 " + shorten(title, 44), ChartPick(chart.id), pack)])
    return "\n".join(lines), markup(rows)


def chart_buttons(pack: ContentPack, chart_id: str, tr: Translator) -> Page:
    """Under a chart: the other charts, one tap away."""
    return "", markup([[button(tr.gettext("📊 Other charts"), ChartList(), pack)]])
