"""Draw a ChartView as a PNG with matplotlib: imported here, lazily, with the Agg backend and no pyplot.

Nothing is imported at module load, so the bot starts without matplotlib's cost and only the first
/chart pays it. Figures are built with the object API (``Figure`` + ``FigureCanvasAgg``), which is
safe to run in a worker thread. The font is DejaVu Sans, bundled with matplotlib, which has every
Vietnamese letter (a test checks each character the charts can show).

Every bar starts at zero; a gap is written as words, never drawn as zero; colours come from the
Okabe-Ito palette (readable for colour-blind readers) and every colour is also said in words.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any

from bot.render.charts import BarView, ChartView, GroupView

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FONT = "DejaVu Sans"
DPI = 100
WIDTH = 12.8  # inches: 1280 px, Telegram's largest photo side
COLOURS = {"result": "#0072B2", "target": "#E69F00", "baseline": "#999999", "average": "#009E73",
           "exceeded": "#009E73", "achieved": "#0072B2", "not_achieved": "#D55E00", "gap": "#6b6b6b"}
#: Status words on white need more contrast than the markers: the same hues, darker.
STATUS_TEXT = {"exceeded": "#00704f", "achieved": "#005a8c", "not_achieved": "#b34a00"}
LABEL_BOX = {"boxstyle": "round,pad=0.18", "fc": "white", "ec": "none", "alpha": 0.85}
GRID = "#dddddd"
TEXT = "#222222"
HEADROOM = 1.3  # the value axis runs to this much above the tallest bar, for two-line value labels


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)) or text


def _style() -> Any:  # matplotlib types rc keys as a Literal of every setting
    return {"font.family": FONT, "font.size": 13, "axes.edgecolor": "#888888", "axes.labelcolor": TEXT,
            "xtick.color": TEXT, "ytick.color": TEXT, "text.color": TEXT, "axes.titleweight": "bold"}


def draw(view: ChartView) -> Figure:
    """The chart as a matplotlib Figure (not yet rendered); tests read its bars back."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style()):
        if view.kind == "pairs":
            fig = _pairs(Figure, view)
        elif view.kind == "scorecard":
            fig = _scorecard(Figure, view)
        else:
            fig = _bars(Figure, view)
    return fig


def render_png(view: ChartView) -> bytes:
    """The chart as PNG bytes."""
    import matplotlib

    with matplotlib.rc_context(_style()):
        fig = draw(view)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _header(fig: Figure, view: ChartView, top: float) -> None:
    # One line always: a long title (the pack allows 90 characters) gets a smaller font, not a second
    # line that would run into the legend.
    size = 19 if len(view.title) <= 70 else 15.5
    fig.suptitle(view.title, fontsize=size, fontweight="bold", y=top, va="top")
    fig.text(0.5, 0.012, _wrap(view.footer, 150), ha="center", va="bottom", fontsize=10.5, color="#555555")


def _gap(ax: Axes, x: float, bar: BarView, bottom: float, size: float = 11.5) -> None:
    """Words where a bar would stand: the report gives no value here."""
    ax.text(x, bottom, bar.label, ha="center", va="bottom", rotation=90, fontsize=size, style="italic",
            color=COLOURS["gap"], gid="gap")


def _bar(ax: Axes, x: float, width: float, bar: BarView, colour: str, gid: str, top: float,
         label_size: float) -> None:
    if bar.value is None:
        _gap(ax, x, bar, top * 0.02)
        return
    ax.bar([x], [bar.value], width=width, color=colour, gid=gid, zorder=3)
    peak = bar.value
    if bar.high is not None:  # a range: the part above its start, lighter and hatched
        ax.bar([x], [bar.high - bar.value], bottom=[bar.value], width=width, color=colour, alpha=0.35,
               hatch="//", edgecolor=colour, gid=gid + ":high", zorder=3)
        peak = bar.high
    ax.text(x, peak + top * 0.02, bar.label, ha="center", va="bottom", fontsize=label_size,
            fontweight="bold", zorder=4, bbox=LABEL_BOX, linespacing=1.05)


def _top(groups: tuple[GroupView, ...], extra: list[float]) -> float:
    values = [b.high if b.high is not None else b.value for g in groups for b in g.bars if b.value is not None]
    return max([*values, *extra, 1.0]) * HEADROOM


def _bars(figure: type[Figure], view: ChartView) -> Figure:
    height = 7.0
    fig = figure(figsize=(WIDTH, height), dpi=DPI)
    ax = fig.add_axes((0.08, 1.35 / height, 0.9, 1 - 2.5 / height))
    n_series = len(view.series)
    width = 0.8 / n_series
    top = _top(view.groups, [x.high or x.value for x in view.lines])
    label_size = 14 if n_series == 1 else 12
    for g, group in enumerate(view.groups):
        for s, bar in enumerate(group.bars):
            x = g + (s - (n_series - 1) / 2) * width
            _bar(ax, x, width * 0.92, bar, COLOURS.get(view.series[s][1], COLOURS["result"]), f"bar:{g}:{s}",
                 top, label_size)
    handles: list[Artist] = []
    from matplotlib.patches import Patch

    for label, style in view.series:
        handles.append(Patch(color=COLOURS.get(style, COLOURS["result"]), label=label))
    for n, line in enumerate(view.lines):
        colour = COLOURS["target"] if line.style == "target" else COLOURS["average"]
        if line.high is not None:
            ax.axhspan(line.value, line.high, color=colour, alpha=0.25, zorder=1, gid=f"line:{n}")
            handles.append(Patch(color=colour, alpha=0.4, label=line.label))
        else:
            ax.axhline(line.value, color=colour, linestyle="--", linewidth=2.2, zorder=2, gid=f"line:{n}",
                       label=line.label)
            from matplotlib.lines import Line2D

            handles.append(Line2D([0], [0], color=colour, linestyle="--", linewidth=2.2, label=line.label))
    ax.set_xticks(range(len(view.groups)))
    ax.set_xticklabels([_wrap(g.label, 22) for g in view.groups], fontsize=13)
    ax.set_xlim(-0.6, len(view.groups) - 0.4)
    ax.set_ylim(0, top)
    ax.set_ylabel(view.axis, fontsize=13)
    ax.yaxis.grid(True, color=GRID, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(handles), 3),
              frameon=False, fontsize=12.5)
    _header(fig, view, 1 - 0.2 / height)
    return fig


def _pairs(figure: type[Figure], view: ChartView) -> Figure:
    cols = 3
    rows = -(-len(view.groups) // cols)
    height = 2.8 + rows * 3.15
    fig = figure(figsize=(WIDTH, height), dpi=DPI)
    gs = fig.add_gridspec(rows, cols, left=0.03, right=0.98, top=1 - 2.2 / height, bottom=1.05 / height,
                          hspace=0.9, wspace=0.18)
    colours = [COLOURS.get(style, COLOURS["result"]) for _, style in view.series]
    # Shares in % share one 0-100 scale, so 1% never looks as tall as 80%; other panels start at zero
    # on their own scale (their units differ), with every value written on its bar.
    share_top = 100 * HEADROOM
    for g, group in enumerate(view.groups):
        ax = fig.add_subplot(gs[g // cols, g % cols])
        top = max(share_top, _top((group,), [])) if group.share else _top((group,), [])
        for s, bar in enumerate(group.bars):
            _bar(ax, s, 0.62, bar, colours[s], f"bar:{g}:{s}", top, 12.5)
        ax.set_xticks(range(len(group.bars)))
        ax.set_xticklabels([b.tick or view.series[s][0] for s, b in enumerate(group.bars)], fontsize=11.5)
        ax.set_xlim(-0.6, len(group.bars) - 0.4)
        ax.set_ylim(0, top)
        if group.share:
            ax.set_yticks([0, 50, 100])
            ax.tick_params(axis="y", labelsize=9.5, colors="#777777", length=0)
            ax.yaxis.grid(True, color=GRID, zorder=0)
            ax.spines[["top", "right", "left"]].set_visible(False)
        else:
            ax.set_yticks([])
            ax.spines[["top", "right", "left"]].set_visible(False)
        title = ("⚠ " if group.flagged else "") + group.label
        # A bare % is on every value already; a unit the title already says is not repeated.
        unit = "" if group.unit.strip() == "%" or group.unit.casefold() in group.label.casefold() else group.unit
        ax.set_title(_wrap(title, 34), fontsize=13, fontweight="bold", pad=24 if unit else 8)
        if unit:
            ax.text(0.5, 1.03, unit, transform=ax.transAxes, ha="center", va="bottom", fontsize=11,
                    color="#555555")
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=label) for c, (label, _) in zip(colours, view.series, strict=True)]
    fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, 1 - 1.0 / height), ncol=len(handles),
               frameon=False, fontsize=13.5)
    _header(fig, view, 1 - 0.2 / height)
    return fig


def _scorecard(figure: type[Figure], view: ChartView) -> Figure:
    rows = len(view.groups)
    row_h = 0.5
    height = 3.8 + rows * row_h
    fig = figure(figsize=(WIDTH, height), dpi=DPI)
    # The tally: how many targets in each status, as one bar from zero.
    tally = fig.add_axes((0.03, 1 - 1.65 / height, 0.94, 0.5 / height))
    left = 0.0
    total = sum(count for _, _, count in view.counts) or 1
    for key, words, count in view.counts:
        if not count:
            continue
        tally.barh([0], [count], left=[left], color=COLOURS[key], gid=f"count:{key}", height=0.8)
        # A narrow segment takes its words on lines of their own ("Không đạt (dự kiến)" / "5"), smaller,
        # so no label runs past its colour or the picture's edge (about 0.6 em a bold letter).
        room = int(0.94 * WIDTH * count / total * 72 / (13.5 * 0.62))
        label, size = f"{words}: {count}", 13.5
        if len(label) > room:
            label, size = f"{_wrap(words, max(room, 8))}\n{count}", 11.0
        tally.text(left + count / 2, 0, label, ha="center", va="center", fontsize=size,
                   fontweight="bold", color="white", linespacing=1.0)
        left += count
    tally.set_xlim(0, max(left, 1))
    tally.axis("off")
    table = fig.add_axes((0.02, 0.75 / height, 0.96, 1 - 2.0 / height - 0.75 / height))
    table.set_xlim(0, 1)
    table.set_ylim(rows, -0.9)
    table.axis("off")
    columns = (0.035, 0.44, 0.66, 0.845)
    for x, header in zip(columns, view.headers, strict=False):
        table.text(x, -0.45, header, fontsize=12.5, fontweight="bold", color="#555555", va="center")
    table.plot([0, 1], [-0.05, -0.05], color="#888888", linewidth=1)
    for r, group in enumerate(view.groups):
        if r % 2 == 0:
            table.axhspan(r, r + 1, color="#f3f3f3", zorder=0)
        y = r + 0.5
        table.scatter([0.015], [y], s=110, color=COLOURS.get(group.status or "", COLOURS["gap"]), zorder=3,
                      gid=f"status:{r}:{group.status}")
        table.text(columns[0], y, _wrap(group.label, 44), va="center", fontsize=12.5, linespacing=1.0)
        table.text(columns[1], y, _wrap(group.bars[0].label, 24), va="center", fontsize=12.5, fontweight="bold",
                   gid=f"value:{r}", linespacing=1.0)
        table.text(columns[2], y, _wrap(group.target_text, 20), va="center", fontsize=12.5, linespacing=1.0)
        table.text(columns[3], y, _wrap(group.status_text, 18), va="center", fontsize=12.5, linespacing=1.0,
                   color=STATUS_TEXT.get(group.status or "", TEXT), fontweight="bold")
    _header(fig, view, 1 - 0.2 / height)
    return fig
