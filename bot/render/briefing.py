"""Briefs before a meeting: one screen per field or topic, the keyboard of fields; pure, escaped here.

A brief is one message under Telegram's 4096 characters in every language: headline figures with their
comparisons, results, limitations, tasks and the breakthrough, each with its source reference. When
the items' summaries make it too long they are shortened step by step; titles and references never.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.briefing.compose import Brief
from bot.briefing.words import (
    comparisons,
    figure_label,
    figure_notes,
    figure_period,
    figure_reference,
    item_reference,
    not_given,
    status_notice,
    status_text,
    value_text,
)
from bot.content import ContentPack, Figure, Item
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, button, markup
from bot.render.text import esc, shorten

#: The HTML we send is longer than what Telegram counts (4096 after entities are parsed): a margin.
BRIEF_LIMIT = 4000
#: Summary lengths tried, longest first, until the brief fits (0: titles and references only).
SUMMARY_STEPS = (160, 110, 70, 0)
#: Fields per row of the keyboard of fields.
FIELDS_PER_ROW = 2

@cb.register("bo")
class BriefOpen(cb.Callback):
    """A brief from the keyboard of fields (a new message, so the keyboard stays for the next one)."""

    brief: str = cb.ident(24)


@cb.register("bh")
class BriefHandout(cb.Callback):
    """The Word handout of a brief named in the pack."""

    brief: str = cb.ident(24)


@cb.register("bq")
class TopicHandout(cb.Callback):
    """The Word handout of a topic brief; ``token`` names the words kept by the handler."""

    token: str = cb.ident(12)


# ---------------------------------------------------------------------------------------------
# The brief


def headline(pack: ContentPack, brief: Brief, tr: Translator) -> str:
    return tr.gettext("Brief: {title}").format(title=brief.title(tr.lang))


def _figure_line(pack: ContentPack, fig: Figure, tr: Translator) -> str:
    value = value_text(pack, fig, tr)
    shown = f"<b>{esc(value)}</b>" if value is not None else "<i>" + esc(not_given(tr)) + "</i>"
    period = figure_period(pack, fig, tr)
    line = f"• {esc(figure_label(pack, fig, tr))}: {shown}" + (f" ({esc(period)})" if period else "")
    extra = comparisons(pack, fig, tr)
    status = status_text(fig, tr)
    if status and fig.status != "pending":
        extra.append(status)
    if extra:
        line += "; " + esc(" · ".join(extra))
    line += "".join("\n  " + esc(note) for note in figure_notes(pack, fig, tr))
    return line + "\n  <i>📍 " + esc(figure_reference(pack, fig, tr)) + "</i>"


def _item_line(pack: ContentPack, number: int | None, item: Item, tr: Translator, limit: int) -> str:
    text = pack.item_text(item.id, tr.lang)
    head = f"{number}. " if number is not None else ""
    line = f"{head}<b>{esc(text.title)}</b>"
    if limit > 0:
        line += ": " + esc(shorten(text.summary, limit))
    return line + "\n  <i>📍 " + esc(item_reference(pack, item, tr)) + "</i>"


def _section(title: str, lines: Sequence[str]) -> list[str]:
    return ["", f"<b>{esc(title)}</b>", *lines] if lines else []


def brief_text(pack: ContentPack, brief: Brief, tr: Translator, *, header: Sequence[str] = (),
               limit: int = SUMMARY_STEPS[0]) -> str:
    """The brief's HTML with item summaries cut to ``limit`` characters; ``header`` lines go on top."""
    lines = [*header, "📋 <b>" + esc(headline(pack, brief, tr)) + "</b>"]
    notice = status_notice(pack, tr)
    if notice:
        lines.append("<i>⚠️ " + esc(notice) + "</i>")
    term = pack.meta.term
    lines += _section("📊 " + tr.gettext("Headline figures"), [_figure_line(pack, f, tr) for f in brief.figures])
    lines += _section("✅ " + tr.gettext("Results"),
                      [_item_line(pack, n, i, tr, limit) for n, i in enumerate(brief.results, 1)])
    lines += _section("⚠️ " + tr.gettext("Limitations"),
                      [_item_line(pack, n, i, tr, limit) for n, i in enumerate(brief.limitations, 1)])
    lines += _section("📌 " + tr.gettext("Tasks for {term}").format(term=term),
                      [_item_line(pack, n, i, tr, limit) for n, i in enumerate(brief.tasks, 1)])
    if brief.breakthrough is not None:
        lines += _section("🚀 " + tr.gettext("Breakthrough"), [_item_line(pack, None, brief.breakthrough, tr, limit)])
    return "\n".join(lines)


def fitted_text(pack: ContentPack, brief: Brief, tr: Translator, header: Sequence[str] = ()) -> str:
    """The longest version of the brief that fits one message."""
    text = ""
    for limit in SUMMARY_STEPS:
        text = brief_text(pack, brief, tr, header=header, limit=limit)
        if len(text) <= BRIEF_LIMIT:
            return text
    return text  # titles and references alone: a curated brief is checked to fit (tests)


def handout_button(pack: ContentPack, brief: Brief, tr: Translator, token: str | None = None
                   ) -> InlineKeyboardButton | None:
    """📄 The printable version: by brief id, or by the token a handler keeps a topic's words under."""
    label = tr.gettext("📄 Handout for printing (Word)")
    if brief.key is not None:
        return button(label, BriefHandout(brief.key), pack)
    if token is not None:
        return button(label, TopicHandout(token), pack)
    return None


def brief_page(pack: ContentPack, brief: Brief, tr: Translator, *, header: Sequence[str] = (),
               token: str | None = None, extra: Sequence[Row] = (), handout: bool = True) -> Page:
    """The brief with its buttons: ``extra`` rows first (e.g. "Đã đọc"), then the handout's."""
    rows: list[Row] = [list(row) for row in extra]
    handout_row = handout_button(pack, brief, tr, token) if handout else None
    if handout_row is not None:
        rows.append([handout_row])
    return fitted_text(pack, brief, tr, header), markup(rows)


def fields_page(pack: ContentPack, briefs: Sequence[Brief], tr: Translator) -> Page:
    """/briefing without words: what it does and one button per brief the pack names."""
    lines = ["📋 <b>" + esc(tr.gettext("Briefs before a meeting")) + "</b>",
             esc(tr.gettext("Choose a field for a one-screen brief with its figures, results, limitations, "
                            "tasks and breakthrough, each with its source."))]
    example = next((b for b in briefs if b.key is not None), None)
    if example is not None and pack.briefings is not None:
        spec = pack.briefings.briefs[example.key or ""]
        word = spec.aliases[0] if spec.aliases else example.title(tr.lang)
        lines += ["", esc(tr.gettext("Or type a field or topic:")),
                  f"<code>/briefing {esc(word)}</code>",
                  esc(tr.gettext("Add “docx” for a page to print:")),
                  f"<code>/briefing {esc(word)} docx</code>"]
    buttons = [button(shorten(b.title(tr.lang), 30), BriefOpen(b.key), pack) for b in briefs if b.key]
    rows: list[Row] = [buttons[i:i + FIELDS_PER_ROW] for i in range(0, len(buttons), FIELDS_PER_ROW)]
    return "\n".join(lines), markup(rows)


def no_brief(pack: ContentPack, words: str, briefs: Sequence[Brief], tr: Translator) -> Page:
    """Nothing found for the words: say so and offer the fields."""
    text, keyboard = fields_page(pack, briefs, tr)
    head = esc(tr.gettext("I found nothing in the report on “{words}”.").format(words=shorten(words, 60)))
    return head + "\n\n" + text, keyboard


def no_briefings(tr: Translator) -> str:
    return esc(tr.gettext("This content pack has no briefs yet (content/briefings.yaml)."))


def too_long(limit: int, tr: Translator) -> str:
    return esc(tr.gettext("Please name a field or topic in a few words (at most {n} characters).")
               .format(n=limit))
