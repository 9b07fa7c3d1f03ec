"""Figure cards and figure lists: what the report says a number is, compared with what, and where.

A pending figure (the draft leaves a blank) says so plainly and shows the sentence with its blank;
the bot never fills one in. Values are shown as written for Vietnamese, re-formatted by Babel otherwise.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import N_, Translator
from bot.render import callbacks as cb
from bot.render.cache import memo
from bot.render.common import (
    PAGE_SIZE,
    Page,
    Row,
    back_home_row,
    breadcrumb,
    button,
    localized,
    markup,
    page_slice,
    pager_row,
    usage_page,
)
from bot.render.menu import figure_button_label, figure_line
from bot.render.numbers import figure_value
from bot.render.original import part_of
from bot.render.text import esc, shorten

#: Section depth figures are grouped at in "all figures" (0 parts, 1 chapters, 2 their sections).
GROUP_LEVEL = 2

KIND_LABELS: dict[str, str] = {
    "baseline": N_("Baseline"),
    "result": N_("Result"),
    "target_prev": N_("Target set by the previous congress"),
    "target_2030": N_("Target for the coming term"),
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
RELATION_LABELS: dict[str, str] = {
    "target": N_("Target"),
    "result": N_("Result"),
    "baseline": N_("Baseline"),
    "previous": N_("Before"),
    "rank": N_("Ranking"),
    "part_of": N_("Part of"),
    "related": N_("Related"),
}


def citing_items(pack: Any, figure_id: str) -> list[Any]:
    def build() -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for item in pack.items.values():
            for fid in item.figures:
                out.setdefault(fid, []).append(item)
        return out

    return memo(pack, "citing_items", build).get(figure_id, [])


def figure_reference(pack: Any, fig: Any) -> str:
    return pack.reference(fig.source, fig.footnote)


def original_target(pack: Any, fig: Any) -> cb.Original:
    """The part of the section's original text where the figure's sentence stands."""
    if fig.footnote is not None:
        part = part_of(pack, fig.source, footnote=fig.footnote)
    else:
        part = part_of(pack, fig.source, text=fig.quote[:60])
    return cb.Original(fig.source, part)


def group_of(pack: Any, section_id: str) -> str:
    """The ancestor (or the section itself) at GROUP_LEVEL that figures are listed under."""
    section = pack.sections[section_id]
    while section.level > GROUP_LEVEL and section.parent is not None:
        section = pack.sections[section.parent]
    return section.id


def figure_groups(pack: Any) -> list[tuple[str, list[Any]]]:
    """(group section id, its figures) in document order, only groups that hold figures."""

    def build() -> list[tuple[str, list[Any]]]:
        groups: dict[str, list[Any]] = {}
        for fig in pack.figures.values():
            if fig.source in pack.sections:
                groups.setdefault(group_of(pack, fig.source), []).append(fig)
        order = {sid: n for n, sid in enumerate(pack.sections)}
        return sorted(groups.items(), key=lambda kv: order[kv[0]])

    return memo(pack, "figure_groups", build)


def figure_places(pack: Any) -> dict[str, tuple[str, int]]:
    """Figure id -> (its group, its position in the group), for Back buttons."""

    def build() -> dict[str, tuple[str, int]]:
        return {fig.id: (group, n) for group, figs in figure_groups(pack) for n, fig in enumerate(figs)}

    return memo(pack, "figure_places", build)


def _figures_entry(pack: Any) -> Any | None:
    return next((e for e in pack.menu if e.figures), None)


def _figures_trail(pack: Any, tr: Translator) -> list[str]:
    menu_entry = _figures_entry(pack)
    return [localized(menu_entry.title, tr)] if menu_entry else []


def headline_page(pack: Any, tr: Translator, menu_entry: Any, page: int = 0) -> Page:
    """The key-figures entry: headline figures with their values, then "all figures by section"."""
    figures = pack.headline_figures()
    title = localized(menu_entry.title, tr)
    shown, page, pages = page_slice(figures, page)
    lines = [breadcrumb([title]), "", f"<b>{esc(title)}</b>"]
    lines += [figure_line(f, tr) for f in shown]
    lines += ["", esc(tr.gettext("Tap a figure for its card, or send me its name at any time."))]
    rows: list[Row] = [[button(figure_button_label(f, tr), cb.FigureCard(f.id), pack)] for f in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.MenuPage(menu_entry.id, p)))
    rows.append([button(tr.gettext("📚 All {n} figures by section").format(n=len(pack.figures)),
                        cb.FigureGroups(), pack)])
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def groups_page(pack: Any, tr: Translator, page: int = 0) -> Page:
    groups = figure_groups(pack)
    shown, page, pages = page_slice(groups, page)
    title = tr.gettext("All figures by section")
    lines = [breadcrumb([*_figures_trail(pack, tr), title]), "", f"<b>{esc(title)}</b>"]
    rows: list[Row] = []
    for section_id, figs in shown:
        section = pack.sections[section_id]
        label = f"{section.label}. {section.title}" if section.label != section.title else section.title
        rows.append([button(f"{shorten(label, 40)} ({len(figs)})", cb.FigureSection(section_id), pack)])
    rows.append(pager_row(pack, page, pages, lambda p: cb.FigureGroups(p)))
    entry = _figures_entry(pack)
    rows.append(back_home_row(pack, tr, cb.MenuPage(entry.id) if entry else None))
    return "\n".join(lines), markup(rows)


def section_figures_page(pack: Any, tr: Translator, section_id: str, page: int = 0) -> Page | None:
    groups = dict(figure_groups(pack))
    figures = groups.get(section_id)
    if not figures:
        return None
    section = pack.sections[section_id]
    shown, page, pages = page_slice(figures, page)
    lines = [breadcrumb([*_figures_trail(pack, tr), section.title]), "",
             f"<b>{esc(pack.reference(section_id))}. {esc(section.title)}</b>"]
    lines += [figure_line(f, tr) for f in shown]
    rows: list[Row] = [[button(figure_button_label(f, tr), cb.FigureCard(f.id), pack)] for f in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.FigureSection(section_id, p)))
    index = next(n for n, (g, _) in enumerate(figure_groups(pack)) if g == section_id)
    rows.append(back_home_row(pack, tr, cb.FigureGroups(index // PAGE_SIZE)))
    return "\n".join(lines), markup(rows)


def card_text(pack: Any, fig: Any, tr: Translator, *, with_quote: bool = False, trail: bool = True) -> str:
    """The figure card's HTML (no keyboard): also the body of inline results."""
    lines: list[str] = []
    if trail:
        lines += [breadcrumb(_figures_trail(pack, tr)), ""]
    lines.append(f"📊 <b>{esc(fig.label)}</b>")
    value = figure_value(fig, tr)
    if value is not None:
        period = f" ({esc(fig.period)})" if fig.period else ""
        lines.append(f"<b>{esc(value)}</b>{period}")
    facts = [tr.gettext(KIND_LABELS.get(fig.kind, KIND_LABELS["other"]))]
    if fig.status and fig.status != "pending":
        facts.append(tr.gettext(STATUS_LABELS[fig.status]))
    lines.append(esc(" · ".join(facts)))
    if fig.status == "pending" or value is None:
        lines += ["", "⏳ " + esc(tr.gettext("The draft does not give this figure yet. What the report says:")),
                  f"<blockquote>{esc(fig.quote)}</blockquote>"]
    comparisons = [(c, pack.figures.get(c.figure)) for c in fig.compare]
    comparisons = [(c, other) for c, other in comparisons if other is not None]
    if comparisons:
        lines += ["", "<b>" + esc(tr.gettext("Compared with")) + "</b>"]
        for comparison, other in comparisons:
            relation = tr.gettext(RELATION_LABELS.get(comparison.relation, RELATION_LABELS["related"]))
            other_value = figure_value(other, tr)
            shown = f"<b>{esc(other_value)}</b>" if other_value is not None else (
                "<i>" + esc(tr.gettext("not given yet")) + "</i>")
            period = f" ({esc(other.period)})" if other.period else ""
            lines.append(f"• {esc(relation)}: {shown}{period} — {esc(other.label)}")
    if fig.note:
        lines += ["", "📝 " + esc(fig.note)]
    if with_quote and fig.status != "pending" and value is not None:
        lines += ["", "<b>" + esc(tr.gettext("Exact source sentence")) + "</b>",
                  f"<blockquote>{esc(fig.quote)}</blockquote>"]
    lines += ["", "📍 " + esc(tr.gettext("Source: {reference}").format(reference=figure_reference(pack, fig)))]
    return "\n".join(lines)


def figure_card(pack: Any, tr: Translator, figure_id: str, *, with_quote: bool = False,
                others: list[Any] | None = None) -> Page | None:
    """A figure card with its buttons; ``others`` adds "other matches" buttons (lookups)."""
    fig = pack.figures.get(figure_id)
    if fig is None:
        return None
    text = card_text(pack, fig, tr, with_quote=with_quote)
    rows: list[Row] = []
    if fig.status != "pending" and fig.value is not None:
        if with_quote:
            rows.append([button(tr.gettext("🔼 Hide the sentence"), cb.FigureCard(fig.id), pack)])
        else:
            rows.append([button(tr.gettext("💬 Exact source sentence"), cb.FigureQuote(fig.id), pack)])
    for item in citing_items(pack, fig.id)[:3]:
        rows.append([button("📄 " + shorten(item.title, 44), cb.ItemCard(item.id), pack)])
    rows.append([button(tr.gettext("📜 Original text"), original_target(pack, fig), pack)])
    for other in (others or [])[:4]:
        rows.append([button("🔎 " + figure_button_label(other, tr).removeprefix("📊 "), cb.FigureCard(other.id),
                            pack)])
    rows.append(back_home_row(pack, tr, _figure_back(pack, fig)))
    return text, markup(rows)


def _figure_back(pack: Any, fig: Any) -> cb.Callback | None:
    """Back from a card: its page of the section list of all figures."""
    place = figure_places(pack).get(fig.id)
    if place is None:
        return None
    return cb.FigureSection(place[0], place[1] // PAGE_SIZE)


def lookup_examples(pack: Any, limit: int = 3) -> list[str]:
    """Lookups to show as examples: the first alias of headline figures (from the pack, never typed here)."""
    out: list[str] = []
    for fig in pack.headline_figures():
        word = (fig.aliases[0] if fig.aliases else fig.label).strip()
        if word and word not in out:
            out.append(word)
        if len(out) >= limit:
            break
    return out


def lookup_usage(pack: Any, tr: Translator, examples: list[str]) -> Page:
    """/figure without a query: how to use it, with examples to tap."""
    return usage_page(pack, tr, tr.gettext("Look up a figure"),
                      tr.gettext("Send /figure followed by a few words, for example:"), "figure", examples,
                      tr.gettext("In a private chat you can also just send the words."))


def no_match(pack: Any, tr: Translator, query: str, suggested: list[Any],
             search: cb.SearchPage | None = None) -> Page:
    """Nothing found: say so, offer close figures, a text search and a hint; never silence."""
    lines = [esc(tr.gettext("I found no figure for “{query}”.").format(query=shorten(query, 80)))]
    if suggested:
        lines += ["", esc(tr.gettext("Did you mean one of these?"))]
    lines += ["", esc(tr.gettext("Try fewer words or an abbreviation, or /search to find the words in "
                                 "the report's text."))]
    rows: list[Row] = [[button(figure_button_label(f, tr), cb.FigureCard(f.id), pack)] for f in suggested[:4]]
    if search is not None:
        rows.append([button(tr.gettext("🔎 Search the report's text"), search, pack)])
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)
