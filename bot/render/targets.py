"""/targets: the main targets for 2030 in one copyable message, and the last term's in a second one.

Each line of the 2030 message: number, short name, the 2030 value and, in brackets, the value the
report gives for now (its period named); a pending value reads "chưa có". The last term's lines carry
the status as the report states it, a forecast as a forecast. Buttons (paged) open each line's figure.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.briefing.words import (
    figure_label,
    figure_period,
    not_given,
    status_notice,
    status_text,
    text_of,
    value_or_pending,
    value_text,
)
from bot.content import ContentPack, Figure
from bot.content.briefings_schema import PreviousTarget, TargetSpec, TargetValue
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, button, markup, page_slice, pager_row
from bot.render.text import esc, shorten

#: Line buttons per page (two per row) under a targets message.
BUTTONS_PER_PAGE = 8
BUTTONS_PER_ROW = 2
#: The targets message must stay one message (Telegram: 4096 characters after parsing).
TARGETS_LIMIT = 4000

NEW, PREVIOUS = "n", "p"


@cb.register("tp")
class TargetsPage(cb.Callback):
    """A page of line buttons under a targets message: ``which`` is n (2030) or p (last term)."""

    which: str = cb.ident(1)
    page: int = 0


@cb.register("tf")
class TargetFigure(cb.Callback):
    """A line's figure card, as a new message (the list stays whole, to copy)."""

    figure: str


@cb.register("th")
class TargetsHandout(cb.Callback):
    """The targets as a Word handout."""


def baseline_text(pack: ContentPack, fig: Figure, tr: Translator) -> str:
    """``2025: 57,1%`` (the period the report gives, or "now")."""
    period = figure_period(pack, fig, tr) or tr.gettext("now")
    return f"{period}: {value_or_pending(pack, fig, tr)}"


def _value_html(pack: ContentPack, value: TargetValue, tr: Translator) -> str:
    fig = pack.figures[value.figure]
    shown = value_text(pack, fig, tr)
    html = f"<b>{esc(shown)}</b>" if shown is not None else "<i>" + esc(not_given(tr)) + "</i>"
    if value.label is not None:
        html = f"{esc(text_of(value.label, tr))} {html}"
    if value.baseline is not None:
        html += f" ({esc(baseline_text(pack, pack.figures[value.baseline], tr))})"
    return html


def target_line(pack: ContentPack, target: TargetSpec, tr: Translator) -> str:
    values = "; ".join(_value_html(pack, v, tr) for v in target.values)
    return f"<b>{target.number}.</b> {esc(text_of(target.name, tr))}: {values}"


def _targets_reference(pack: ContentPack, targets: Sequence[TargetSpec], tr: Translator) -> str | None:
    """Where the targets stand: the section holding all their items (``Phần II, mục II.2``)."""
    sources = {pack.items[t.item].source for t in targets if t.item and t.item in pack.items}
    parents = {pack.sections[s].parent for s in sources if s in pack.sections}
    if len(parents) == 1:
        parent = next(iter(parents))
        if parent is not None:
            return pack.reference(parent, None, tr.lang)
    if len(sources) == 1:
        return pack.reference(next(iter(sources)), None, tr.lang)
    return None


def targets_text(pack: ContentPack, tr: Translator) -> str:
    briefings = pack.briefings
    assert briefings is not None
    title = text_of(briefings.targets_title, tr) if briefings.targets_title else tr.gettext("Main targets")
    lines = ["🎯 <b>" + esc(title) + "</b>"]
    notice = status_notice(pack, tr)
    if notice:
        lines.append("<i>⚠️ " + esc(notice) + "</i>")
    lines += ["<i>" + esc(tr.gettext("In brackets: what the report gives for now.")) + "</i>", ""]
    lines += [target_line(pack, t, tr) for t in briefings.targets]
    reference = _targets_reference(pack, briefings.targets, tr)
    if reference:
        lines += ["", "<i>📍 " + esc(tr.gettext("Source: {reference}").format(reference=reference)) + "</i>"]
    return "\n".join(lines)


def _previous_line(pack: ContentPack, number: int, entry: PreviousTarget, tr: Translator) -> str:
    result = pack.figures[entry.result]
    period = figure_period(pack, result, tr)
    line = (f"<b>{number}.</b> {esc(figure_label(pack, result, tr))}: "
            f"<b>{esc(value_or_pending(pack, result, tr))}</b>" + (f" ({esc(period)})" if period else ""))
    if entry.target is not None:
        target = pack.figures[entry.target]
        aimed = value_or_pending(pack, target, tr, rank=pack.role(result) == "rank" or None)
        line += "; " + esc(tr.gettext("target {value}").format(value=aimed))
    status = status_text(result, tr)
    if status:
        line += " — " + esc(status)
    return line


def previous_text(pack: ContentPack, tr: Translator) -> str:
    briefings = pack.briefings
    assert briefings is not None and briefings.previous_term is not None
    term = briefings.previous_term
    lines = ["📋 <b>" + esc(text_of(term.title, tr)) + "</b>"]
    notice = status_notice(pack, tr)
    if notice:
        lines.append("<i>⚠️ " + esc(notice) + "</i>")
    lines.append("")
    for fid in term.summary:
        fig = pack.figures[fid]
        note = pack.figure_text(fid, tr.lang).note
        line = f"⚠️ {esc(figure_label(pack, fig, tr))}: <b>{esc(value_or_pending(pack, fig, tr))}</b>"
        lines.append(line + (f"\n<i>{esc(note)}</i>" if note else ""))
    if term.summary:
        lines.append("")
    lines += [_previous_line(pack, n, entry, tr) for n, entry in enumerate(term.targets, 1)]
    lines += ["", "<i>" + esc(tr.gettext("Estimates and forecasts are the draft's own, written before the "
                                         "term ended.")) + "</i>"]
    return "\n".join(lines)


def _line_buttons(pack: ContentPack, which: str, labels: Sequence[tuple[str, str]], page: int,
                  tr: Translator) -> list[Row]:
    shown, page, pages = page_slice(list(labels), page, BUTTONS_PER_PAGE)
    buttons = [button(label, TargetFigure(fid), pack) for label, fid in shown]
    rows: list[Row] = [buttons[i:i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    rows.append(pager_row(pack, page, pages, lambda p: TargetsPage(which, p)))
    return rows


def targets_labels(pack: ContentPack, tr: Translator) -> list[tuple[str, str]]:
    """(button label, figure id) per 2030 target: the line's first value opens."""
    assert pack.briefings is not None
    return [(f"{t.number}. " + shorten(text_of(t.name, tr), 24), t.values[0].figure) for t in pack.briefings.targets]


def previous_labels(pack: ContentPack, tr: Translator) -> list[tuple[str, str]]:
    assert pack.briefings is not None and pack.briefings.previous_term is not None
    return [(f"{n}. " + shorten(figure_label(pack, pack.figures[e.result], tr), 24), e.result)
            for n, e in enumerate(pack.briefings.previous_term.targets, 1)]


def targets_keyboard(pack: ContentPack, tr: Translator, page: int = 0) -> list[Row]:
    rows = _line_buttons(pack, NEW, targets_labels(pack, tr), page, tr)
    rows.append([button(tr.gettext("📄 Handout for printing (Word)"), TargetsHandout(), pack)])
    return rows


def previous_keyboard(pack: ContentPack, tr: Translator, page: int = 0) -> list[Row]:
    return _line_buttons(pack, PREVIOUS, previous_labels(pack, tr), page, tr)


def targets_page(pack: ContentPack, tr: Translator, page: int = 0) -> Page:
    return targets_text(pack, tr), markup(targets_keyboard(pack, tr, page))


def previous_page(pack: ContentPack, tr: Translator, page: int = 0) -> Page:
    return previous_text(pack, tr), markup(previous_keyboard(pack, tr, page))


def keyboard_page(pack: ContentPack, tr: Translator, which: str, page: int) -> Page | None:
    """Only the keyboard of a targets message, for paging (the text stays as it is)."""
    if pack.briefings is None:
        return None
    if which == NEW and pack.briefings.targets:
        return "", markup(targets_keyboard(pack, tr, page))
    if which == PREVIOUS and pack.briefings.previous_term is not None:
        return "", markup(previous_keyboard(pack, tr, page))
    return None


def no_targets(tr: Translator) -> str:
    return esc(tr.gettext("This content pack lists no targets (content/briefings.yaml)."))
