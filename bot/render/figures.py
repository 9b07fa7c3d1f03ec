"""Figure cards and figure lists: what the report says a number is, compared with what, and where.

A pending figure (the draft leaves a blank) says so plainly and shows the sentence with its blank;
the bot never fills one in. Values are shown as written for Vietnamese, re-formatted by Babel otherwise
(bot/render/numbers.py); every word around them comes from the pack in the reader's language.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.content import ContentPack, Figure, Note
from bot.content.kinds import FigureRole
from bot.i18n import N_, Translator
from bot.render import callbacks as cb
from bot.render import nav
from bot.render.common import (
    PAGE_SIZE,
    Page,
    Row,
    back_home_row,
    button,
    differing_words,
    distinct,
    heading,
    localized,
    markup,
    page_slice,
    pager_row,
    status_notice,
    usage_page,
)
from bot.render.numbers import figure_value
from bot.render.original import original_mark, part_of
from bot.render.text import esc, shorten

#: Packs whose derived lists are kept (one serves; tests and reloads bring a few more).
PACKS_KEPT = 4
#: Section depth figures are grouped at in "all figures" (0 parts, 1 chapters, 2 their sections).
GROUP_LEVEL = 2
#: Notes (the report's own inconsistencies) and citing items offered as buttons on a figure card.
CARD_NOTES = 2
CARD_ITEMS = 3
#: Other matches offered under a typed lookup's card.
CARD_OTHERS = 4

#: What a card calls a figure, by its role (kinds.yaml gives each kind of the pack its role).
ROLE_LABELS: dict[FigureRole, str] = {
    "baseline": N_("Baseline"),
    "result": N_("Result"),
    "previous_target": N_("Target set by the previous congress"),
    "target": N_("Target for the coming term"),
    "rank": N_("Ranking"),
    "count": N_("Count"),
    "other": N_("Figure"),
}
STATUS_LABELS: dict[str, str] = {
    "achieved": N_("✅ Target achieved"),
    "exceeded": N_("🌟 Target exceeded"),
    "not_achieved": N_("❌ Target not achieved"),
    "pending": N_("⏳ Not given yet in the draft"),
}
#: A status the draft states as a forecast ("dự kiến không hoàn thành"): never shown as settled.
FORECAST_LABELS: dict[str, str] = {
    "achieved": N_("✅ Expected to be achieved"),
    "exceeded": N_("🌟 Expected to be exceeded"),
    "not_achieved": N_("❌ Expected not to be achieved"),
}
RELATION_LABELS: dict[str, str] = {
    "target": N_("Target"),
    "result": N_("Result"),
    "baseline": N_("Baseline"),
    "previous": N_("Before"),
    "rank": N_("Ranking"),
    "part_of": N_("Part of"),
    "related": N_("Related"),
}


def status_label(fig: Any, tr: Translator) -> str | None:
    """The figure's status as the report states it: settled, or expected when it is the draft's forecast."""
    if not fig.status or fig.status == "pending":
        return None
    table = FORECAST_LABELS if fig.status_forecast and fig.status in FORECAST_LABELS else STATUS_LABELS
    return tr.gettext(table[fig.status])


def notes_on(pack: ContentPack, figure_ids: list[str]) -> list[Note]:
    """The notes (the report's own errors and inconsistencies) that concern any of these figures."""
    found: list[Note] = []
    for fid in figure_ids:
        for note in pack.notes_by_figure.get(fid, []):
            if note not in found:
                found.append(note)
    return found


def note_lines(pack: ContentPack, notes: list[Any], tr: Translator) -> list[str]:
    """``⚠️ Lưu ý: <title>`` for each note, under a card."""
    return ["⚠️ <b>" + esc(tr.gettext("Note:")) + "</b> " + esc(pack.note_text(n.id, tr.lang).title)
            for n in notes]


def note_buttons(pack: ContentPack, notes: list[Any], tr: Translator, here: cb.Callback, back: str) -> list[Row]:
    return [[button(tr.gettext("⚠️ Note: {title}").format(
        title=shorten(pack.note_text(n.id, tr.lang).title, 36)), cb.NoteCard(n.id, nav.push(pack, here, back)),
        pack)] for n in notes[:CARD_NOTES]]


def original_target(pack: ContentPack, fig: Any, back: str = nav.NATURAL) -> cb.Original:
    """The part of the section's original text where the figure's sentence stands."""
    if fig.footnote is not None:
        part = part_of(pack, fig.source, footnote=fig.footnote)
    else:
        part = part_of(pack, fig.source, text=fig.quote[:60])
    return cb.Original(fig.source, part, back)


def group_of(pack: ContentPack, section_id: str) -> str:
    """The ancestor (or the section itself) at GROUP_LEVEL that figures are listed under."""
    section = pack.sections[section_id]
    while section.level > GROUP_LEVEL and section.parent is not None:
        section = pack.sections[section.parent]
    return section.id


@lru_cache(maxsize=PACKS_KEPT)
def figure_groups(pack: ContentPack) -> list[tuple[str, list[Figure]]]:
    """(group section id, its figures) in document order, only groups that hold figures."""
    groups: dict[str, list[Figure]] = {}
    for fig in pack.figures.values():
        if fig.source in pack.sections:
            groups.setdefault(group_of(pack, fig.source), []).append(fig)
    order = {sid: n for n, sid in enumerate(pack.sections)}
    return sorted(groups.items(), key=lambda kv: order[kv[0]])


@lru_cache(maxsize=PACKS_KEPT)
def figure_places(pack: ContentPack) -> dict[str, tuple[str, int]]:
    """Figure id -> (its group, its position in the group), for Back buttons."""
    return {fig.id: (group, n) for group, figs in figure_groups(pack) for n, fig in enumerate(figs)}


def _figures_trail(pack: ContentPack, tr: Translator) -> list[str]:
    menu_entry = nav.entry_with(pack, "figures")
    return [localized(menu_entry.title, tr)] if menu_entry else []


# ---------------------------------------------------------------------------------------------
# Lines and buttons naming a figure (lists, item cards, notes)


#: Relations that compare a figure with the same measure at another time or as a goal: the target of a
#: rank is a rank ("thứ 15 cả nước"), whatever kind the figure itself is filed under.
SAME_MEASURE = frozenset({"target", "result", "baseline", "previous"})


@lru_cache(maxsize=PACKS_KEPT)
def ranks(pack: ContentPack) -> frozenset[str]:
    """Ids of figures that are ranks: ``kind: rank``, and the targets, results and earlier values that a
    rank is compared with (or that compare themselves with one)."""
    found = {f.id for f in pack.figures.values() if pack.role(f) == "rank"}
    for fig in pack.figures.values():
        for c in fig.compare:
            if c.relation in SAME_MEASURE and c.figure in pack.figures:
                if pack.role(fig) == "rank":
                    found.add(c.figure)
                elif pack.role(pack.figures[c.figure]) == "rank":
                    found.add(fig.id)
    return frozenset(found)


def shown_value(pack: ContentPack, fig: Any, tr: Translator) -> str | None:
    """Hedge, value and unit in the reader's language (plain), or None when the draft leaves it blank."""
    return figure_value(fig, tr, pack.figure_text(fig.id, tr.lang), rank=fig.id in ranks(pack))


def value_html(pack: ContentPack, fig: Figure, tr: Translator) -> str:
    """The value in bold (hedge and unit with it), or "not given yet" in italics where the draft leaves
    a blank: the one way every screen shows a figure's value."""
    value = shown_value(pack, fig, tr)
    return f"<b>{esc(value)}</b>" if value is not None else "<i>" + esc(tr.gettext("not given yet")) + "</i>"


def comparison_lines(pack: ContentPack, fig: Figure, tr: Translator) -> list[str]:
    """``• Target: <b>7%</b> (2025) — Growth target`` for each figure this one is compared with."""
    lines = []
    for comparison in fig.compare:
        other = pack.figures.get(comparison.figure)
        if other is None:
            continue
        relation = tr.gettext(RELATION_LABELS.get(comparison.relation, RELATION_LABELS["related"]))
        words = pack.figure_text(other.id, tr.lang)
        period = f" ({esc(words.period)})" if words.period else ""
        lines.append(f"• {esc(relation)}: {value_html(pack, other, tr)}{period} — {esc(words.label)}")
    return lines


def figure_line(pack: ContentPack, fig: Any, tr: Translator) -> str:
    """``• Label: <b>ước đạt 239.163 nghìn tỷ đồng</b> (2025)`` or the pending note."""
    words = pack.figure_text(fig.id, tr.lang)
    period = f" ({esc(words.period)})" if words.period else ""
    return f"• {esc(words.label)}: {value_html(pack, fig, tr)}{period}"


def figure_button_label(pack: ContentPack, fig: Any, tr: Translator, icon: str = "📊") -> str:
    """``📊 Label``, shortened at a word (the list above the buttons gives each value)."""
    return shorten(f"{icon} {pack.figure_text(fig.id, tr.lang).label}")


def figure_buttons(pack: ContentPack, figures: list[Any], tr: Translator, back: str, icon: str = "📊") -> list[Row]:
    """One button per figure; two that would read the same are told apart by their value or period."""
    labels = [figure_button_label(pack, f, tr, icon) for f in figures]
    texts = [pack.figure_text(f.id, tr.lang) for f in figures]
    fulls = [t.label for t in texts]
    candidates = [[shown_value(pack, f, tr) or "", t.period or "", differing_words(t.label, fulls)]
                  for f, t in zip(figures, texts, strict=True)]
    labels = distinct(labels, candidates)
    return [[button(label, cb.FigureCard(f.id, back), pack)] for label, f in zip(labels, figures, strict=True)]


# ---------------------------------------------------------------------------------------------
# Lists


def headline_page(pack: ContentPack, tr: Translator, menu_entry: Any, page: int = 0) -> Page:
    """The key-figures entry: headline figures with their values, then "all figures by section"."""
    figures = pack.headline_figures()
    title = localized(menu_entry.title, tr)
    shown, page, pages = page_slice(figures, page)
    here = cb.MenuPage(menu_entry.id, page)
    lines = [*heading([title]), f"<b>{esc(title)}</b>"]
    lines += [figure_line(pack, f, tr) for f in shown]
    lines += ["", esc(tr.gettext("Tap a figure for its card, or send me its name at any time."))]
    rows: list[Row] = figure_buttons(pack, shown, tr, nav.push(pack, here))
    rows.append(pager_row(pack, page, pages, lambda p: cb.MenuPage(menu_entry.id, p)))
    rows.append([button(tr.gettext("📚 All {n} figures by section").format(n=tr.number(len(pack.figures))),
                        cb.FigureGroups(), pack)])
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def group_title(pack: ContentPack, section_id: str, tr: Translator) -> str:
    """``I.1. Kinh tế`` / ``I.1. Economy``: how the report numbers a section, and its name."""
    label, title = pack.section_label(section_id, tr.lang), pack.section_title(section_id, tr.lang)
    return f"{label}. {title}" if label != title else title


def groups_page(pack: ContentPack, tr: Translator, page: int = 0) -> Page:
    groups = figure_groups(pack)
    shown, page, pages = page_slice(groups, page)
    title = tr.gettext("All figures by section")
    lines = [*heading([*_figures_trail(pack, tr), title]), f"<b>{esc(title)}</b>"]
    rows: list[Row] = []
    for section_id, figs in shown:
        count = f" ({tr.number(len(figs))})"
        rows.append([button(shorten(group_title(pack, section_id, tr), 44 - len(count)) + count,
                            cb.FigureSection(section_id), pack)])
    rows.append(pager_row(pack, page, pages, lambda p: cb.FigureGroups(p)))
    entry = nav.entry_with(pack, "figures")
    rows.append(back_home_row(pack, tr, cb.MenuPage(entry.id) if entry else None))
    return "\n".join(lines), markup(rows)


def section_figures_page(pack: ContentPack, tr: Translator, section_id: str, page: int = 0) -> Page | None:
    groups = dict(figure_groups(pack))
    figures = groups.get(section_id)
    if not figures:
        return None
    lang = tr.lang
    shown, page, pages = page_slice(figures, page)
    here = cb.FigureSection(section_id, page)
    lines = [*heading([*_figures_trail(pack, tr), pack.section_title(section_id, lang)]),
             f"<b>{esc(pack.reference(section_id, lang=lang))}. {esc(pack.section_title(section_id, lang))}</b>"]
    lines += [figure_line(pack, f, tr) for f in shown]
    if any(pack.role(f) == "target" for f in shown) and (notice := status_notice(pack, tr)):
        lines += ["", notice]
    rows: list[Row] = figure_buttons(pack, shown, tr, nav.push(pack, here))
    rows.append(pager_row(pack, page, pages, lambda p: cb.FigureSection(section_id, p)))
    index = next(n for n, (g, _) in enumerate(figure_groups(pack)) if g == section_id)
    rows.append(back_home_row(pack, tr, cb.FigureGroups(index // PAGE_SIZE)))
    return "\n".join(lines), markup(rows)


# ---------------------------------------------------------------------------------------------
# The card


def quote_lines(pack: ContentPack, quote: str, tr: Translator, intro: str | None = None) -> list[str]:
    """The report's exact words in a blockquote under ``intro``; a reader of another language sees
    ``Original (Vietnamese):`` instead, so the quote is never taken for a translation."""
    header = original_mark(pack, tr) or intro
    lines = ["<b>" + esc(header) + "</b>"] if header else []
    return [*lines, f"<blockquote>{esc(quote)}</blockquote>"]


def card_text(pack: ContentPack, fig: Any, tr: Translator, *, with_quote: bool = False, trail: bool = True,
              back: str = nav.NATURAL) -> str:
    """The figure card's HTML (no keyboard): also the body of inline results (``trail=False``)."""
    lang = tr.lang
    words = pack.figure_text(fig.id, lang)
    lines: list[str] = []
    if trail:
        natural = nav.screen_trail(pack, tr, _figure_back(pack, fig))
        lines += heading(None if back == nav.TYPED else nav.trail_line(nav.card_trail(pack, tr, back, natural)))
    lines.append(f"📊 <b>{esc(words.label)}</b>")
    value = shown_value(pack, fig, tr)
    kind = tr.gettext(ROLE_LABELS[pack.role(fig)])
    period = f" ({words.period})" if words.period else ""
    lines.append(f"{esc(kind + period)}: {value_html(pack, fig, tr)}")
    if (status := status_label(fig, tr)) is not None:
        lines.append(esc(status))
    if pack.role(fig) == "target" and (notice := status_notice(pack, tr)):
        lines.append(notice)
    if fig.status == "pending" or value is None:
        lines += ["", "⏳ " + esc(tr.gettext("The draft does not give this figure yet.")),
                  *quote_lines(pack, fig.quote, tr, tr.gettext("What the report says:"))]
    compared = comparison_lines(pack, fig, tr)
    if compared:
        lines += ["", "<b>" + esc(tr.gettext("Compared with:")) + "</b>", *compared]
    if words.note:
        lines += ["", "📝 " + esc(words.note)]
    notes = notes_on(pack, [fig.id])
    if notes:
        lines += ["", *note_lines(pack, notes, tr)]
    if with_quote and fig.status != "pending" and value is not None:
        lines += ["", *quote_lines(pack, fig.quote, tr, tr.gettext("Exact source sentence"))]
    lines += ["", "📍 " + esc(tr.gettext("Source: {reference}").format(
        reference=pack.figure_reference(fig, lang)))]
    return "\n".join(lines)


def figure_card(pack: ContentPack, tr: Translator, figure_id: str, *, with_quote: bool = False,
                others: list[Any] | None = None, back: str = nav.TYPED) -> Page | None:
    """A figure card with its buttons; ``others`` adds "other matches" buttons (lookups).

    ``back`` says where the card was opened from (bot/render/nav.py). The default is a typed answer:
    no breadcrumb and no Back, since there is no list the cadre has seen."""
    fig = pack.figures.get(figure_id)
    if fig is None:
        return None
    here = cb.FigureCard(fig.id, back)
    onward = nav.push(pack, here, back)
    text = card_text(pack, fig, tr, with_quote=with_quote, back=back)
    rows: list[Row] = []
    if fig.status != "pending" and fig.value is not None:
        if with_quote:
            rows.append([button(tr.gettext("🔼 Hide the sentence"), cb.FigureCard(fig.id, back), pack)])
        else:
            rows.append([button(tr.gettext("💬 Exact source sentence"), cb.FigureQuote(fig.id, back), pack)])
    rows += note_buttons(pack, notes_on(pack, [fig.id]), tr, here, back)
    for item in pack.citing_items.get(fig.id, [])[:CARD_ITEMS]:
        rows.append([button("📄 " + shorten(pack.item_text(item.id, tr.lang).title, 44),
                            cb.ItemCard(item.id, onward), pack)])
    rows.append([button(tr.gettext("📜 Original text"), original_target(pack, fig, onward), pack)])
    rows += figure_buttons(pack, (others or [])[:CARD_OTHERS], tr, onward, icon="🔎")
    rows.append(back_home_row(pack, tr, nav.back_target(pack, back, _figure_back(pack, fig))))
    return text, markup(rows)


def _figure_back(pack: ContentPack, fig: Any) -> cb.Callback | None:
    """Back from a card: its page of the section list of all figures."""
    place = figure_places(pack).get(fig.id)
    if place is None:
        return None
    return cb.FigureSection(place[0], place[1] // PAGE_SIZE)


def lookup_examples(pack: ContentPack, limit: int = 3) -> list[str]:
    """Lookups to show as examples: the first alias of headline figures (from the pack, never typed here)."""
    out: list[str] = []
    for fig in pack.headline_figures():
        word = (fig.aliases[0] if fig.aliases else fig.label).strip()
        if word and word not in out:
            out.append(word)
        if len(out) >= limit:
            break
    return out


def lookup_usage(pack: ContentPack, tr: Translator, examples: list[str]) -> Page:
    """/figure without a query: how to use it, with examples to tap."""
    return usage_page(pack, tr, tr.gettext("Look up a figure"),
                      tr.gettext("Send /figure followed by a few words, for example:"),
                      "figure", examples,
                      tr.gettext("In a private chat you can also just send the words."))

