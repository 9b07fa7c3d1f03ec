"""A figure's or item's words in the reader's language: label, value, status, comparisons, references.

Shared by the Telegram renderers and the printed handouts; plain text, not escaped (callers escape).
Values come from the pack as the report writes them, re-formatted for English; a status stated as a
forecast ("dự kiến không hoàn thành") is always shown as a forecast.
"""

from __future__ import annotations

from bot.content import ContentPack, Figure, Item
from bot.content.briefings_schema import Text
from bot.i18n import N_, Translator
from bot.render.numbers import figure_value

#: Comparisons shown beside a headline figure (what it is measured against, not every related one).
SHOWN_RELATIONS = ("target", "baseline", "previous", "rank")

STATUS_LABELS: dict[str, str] = {
    "achieved": N_("✅ target achieved"),
    "exceeded": N_("🌟 target exceeded"),
    "not_achieved": N_("❌ target not achieved"),
    "pending": N_("⏳ not given yet in the draft"),
}
#: The same statuses where the report states them as a forecast ("dự kiến"): never shown as settled.
FORECAST_LABELS: dict[str, str] = {
    "achieved": N_("✅ expected to be achieved"),
    "exceeded": N_("🌟 expected to be exceeded"),
    "not_achieved": N_("⚠️ expected not to be achieved"),
    "pending": N_("⏳ not given yet in the draft"),
}
RELATION_WORDS: dict[str, str] = {
    "target": N_("target"),
    "baseline": N_("before"),
    "previous": N_("before"),
    "rank": N_("ranking"),
}


def figure_label(pack: ContentPack, fig: Figure, tr: Translator) -> str:
    return pack.figure_text(fig.id, tr.lang).label


def figure_period(pack: ContentPack, fig: Figure, tr: Translator) -> str | None:
    return pack.figure_text(fig.id, tr.lang).period


def value_text(pack: ContentPack, fig: Figure, tr: Translator, rank: bool | None = None) -> str | None:
    """``ước đạt 239.163 nghìn tỷ đồng`` / ``estimated at 239,163 trillion VND``, ``thứ 12 cả nước`` /
    ``12th nationwide``; None when pending. The one formatter of cards (bot/render/numbers.py).
    ``rank``: show the value as a place (default: when the figure is a rank)."""
    shown_as_rank = pack.role(fig) == "rank" if rank is None else rank
    return figure_value(fig, tr, pack.figure_text(fig.id, tr.lang), shown_as_rank)


def status_text(fig: Figure, tr: Translator) -> str | None:
    """The figure's status as the report states it; a forecast stays a forecast."""
    if fig.status is None:
        return None
    labels = FORECAST_LABELS if fig.status_forecast else STATUS_LABELS
    return tr.gettext(labels[fig.status])


def figure_reference(pack: ContentPack, fig: Figure, tr: Translator) -> str:
    return pack.figure_reference(fig, tr.lang)


def item_reference(pack: ContentPack, item: Item, tr: Translator) -> str:
    """``Phần I, mục I.1.1, chú thích 2, 3`` in the reader's language (the item's own place only)."""
    return pack.item_reference(item, tr.lang, sections=False)


def comparisons(pack: ContentPack, fig: Figure, tr: Translator) -> list[str]:
    """``target 14-15%/năm`` for each comparison that measures the figure (plain text)."""
    out: list[str] = []
    for comparison in fig.compare:
        other = pack.figures.get(comparison.figure)
        if other is None or comparison.relation not in SHOWN_RELATIONS:
            continue
        # what a rank is compared with is a place too ("mục tiêu thứ 15 cả nước")
        shown = value_text(pack, other, tr, rank=pack.role(fig) == "rank" or None) or not_given(tr)
        period = figure_period(pack, other, tr)
        word = tr.gettext(RELATION_WORDS[comparison.relation])
        out.append(f"{word} {shown}" + (f" ({period})" if period and comparison.relation != "target" else ""))
    return out



def figure_notes(pack: ContentPack, fig: Figure, tr: Translator) -> list[str]:
    """``⚠️ Lưu ý: …`` (plain) for each of the pack's notes on this figure: a figure the report gets wrong
    ("239.163 nghìn tỷ đồng") is never repeated without what its card says of it."""
    label = tr.gettext("Note:")
    return [f"⚠️ {label} {pack.note_text(note.id, tr.lang).title}" for note in pack.notes_by_figure.get(fig.id, [])]


def text_of(value: Text, tr: Translator) -> str:
    """A {vi, en} text of briefings.yaml in the reader's language."""
    return value.en if tr.lang == "en" else value.vi


def not_given(tr: Translator) -> str:
    return tr.gettext("not given in the draft")


def value_or_pending(pack: ContentPack, fig: Figure, tr: Translator, rank: bool | None = None) -> str:
    return value_text(pack, fig, tr, rank) or not_given(tr)


def status_notice(pack: ContentPack, tr: Translator) -> str | None:
    return pack.meta_text(tr.lang).status_notice
