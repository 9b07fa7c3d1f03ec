"""The menu tree, generated from the content pack: main menu, entries, field groups, item cards, notes.

Nothing of the report's structure is written here: entries, their order and titles come from
``content/menu.yaml``, items and fields from the pack. Every function is pure and returns a Page.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.render import callbacks as cb
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
)
from bot.render.numbers import figure_value
from bot.render.text import esc, shorten

#: Figure buttons shown on an item card before "all figures".
CARD_FIGURE_BUTTONS = 6
#: Figures listed in an item card's text before "… and N more".
CARD_FIGURE_LINES = 12


# ---------------------------------------------------------------------------------------------
# Where things sit in the tree


def entry(pack: Any, entry_id: str) -> Any | None:
    return next((e for e in pack.menu if e.id == entry_id), None)


def entry_items(pack: Any, menu_entry: Any, field: str | None = None) -> list[Any]:
    """The items an entry lists (of one field when given), in pack order."""
    items = pack.items_of_kind(*menu_entry.kinds)
    if field is not None:
        items = [i for i in items if i.field == field]
    return items


def entry_fields(pack: Any, menu_entry: Any) -> list[Any]:
    """The fields of a grouped entry that have at least one item, in menu.yaml order."""
    used = {i.field for i in entry_items(pack, menu_entry)}
    return [f for f in pack.fields.values() if f.id in used]


def ungrouped_items(pack: Any, menu_entry: Any) -> list[Any]:
    """Items of a grouped entry that carry no field (or an unknown one): listed directly."""
    return [i for i in entry_items(pack, menu_entry) if i.field not in pack.fields]


def home_of_item(pack: Any, item: Any) -> cb.Callback | None:
    """The list an item card goes back to: its entry (and field group), at the page holding it."""
    for menu_entry in pack.menu:
        if item.kind not in menu_entry.kinds:
            continue
        if menu_entry.group_by == "field" and item.field in pack.fields:
            siblings = entry_items(pack, menu_entry, item.field)
            page = siblings.index(item) // PAGE_SIZE
            return cb.GroupPage(menu_entry.id, item.field, page)
        siblings = (ungrouped_items(pack, menu_entry) if menu_entry.group_by == "field"
                    else entry_items(pack, menu_entry))
        page = siblings.index(item) // PAGE_SIZE if item in siblings else 0
        return cb.MenuPage(menu_entry.id, page)
    return None


def item_trail(pack: Any, item: Any, tr: Translator) -> list[str]:
    """Breadcrumb titles above an item card."""
    for menu_entry in pack.menu:
        if item.kind in menu_entry.kinds:
            trail = [localized(menu_entry.title, tr)]
            if menu_entry.group_by == "field" and item.field in pack.fields:
                trail.append(localized(pack.fields[item.field].title, tr))
            return trail
    return []


def item_reference(pack: Any, item: Any) -> str:
    """``Phần I, mục I.1.1, chú thích 2, 3`` plus any other sections the item draws on."""
    footnotes = list(item.footnotes)
    ref = pack.reference(item.source, footnotes[0] if footnotes else None)
    ref += "".join(f", {n}" for n in footnotes[1:])
    extra = [pack.reference(s) for s in item.sections if s in pack.sections]
    return "; ".join([ref, *extra])


# ---------------------------------------------------------------------------------------------
# Screens


def digest_button(pack: Any, tr: Translator) -> Any | None:
    """The daily digest's button, when the digest module registered its callback kind "d"."""
    kind = cb.kind_for("d")
    if kind is None:
        return None
    try:
        data = kind(action="home")  # type: ignore[call-arg]
    except TypeError:
        return None
    return button(tr.gettext("📰 Daily digest"), data, pack)


def main_menu(pack: Any, tr: Translator) -> Page:
    """The main menu: one button per menu.yaml entry, then the digest and language settings."""
    lines = [
        "🏠 <b>" + esc(tr.gettext("Main menu")) + "</b>",
        "<i>" + esc(pack.meta.document_kind) + "</i>",
        "",
        esc(tr.gettext("Choose a topic, or send me a word (for example a figure's name) to look it up.")),
    ]
    rows: list[Row] = [[button(localized(e.title, tr), cb.MenuPage(e.id), pack)] for e in pack.menu]
    last: Row = []
    digest = digest_button(pack, tr)
    if digest is not None:
        last.append(digest)
    last.append(button(tr.gettext("⚙️ Language"), cb.Settings(), pack))
    rows.append(last)
    return "\n".join(lines), markup(rows)


def menu_page(pack: Any, tr: Translator, entry_id: str, page: int = 0) -> Page | None:
    """One main-menu entry; None when the entry no longer exists (stale button)."""
    menu_entry = entry(pack, entry_id)
    if menu_entry is None:
        return None
    if menu_entry.figures:
        from bot.render.figures import headline_page

        return headline_page(pack, tr, menu_entry, page)
    if menu_entry.notes:
        return notes_list(pack, tr, page, menu_entry)
    title = localized(menu_entry.title, tr)
    lines = [breadcrumb([title]), "", f"<b>{esc(title)}</b>"]
    rows: list[Row] = []
    if menu_entry.group_by == "field":
        direct = ungrouped_items(pack, menu_entry)
        fields = entry_fields(pack, menu_entry)
        targets: list[tuple[str, cb.Callback]] = [
            (shorten(i.title), cb.ItemCard(i.id)) for i in direct
        ] + [
            (f"{localized(f.title, tr)} ({len(entry_items(pack, menu_entry, f.id))})",
             cb.GroupPage(menu_entry.id, f.id)) for f in fields
        ]
        lines.append(esc(tr.gettext("Choose a field:")))
    else:
        items = entry_items(pack, menu_entry)
        targets = [(shorten(i.title), cb.ItemCard(i.id)) for i in items]
        lines.append(esc(tr.ngettext("{n} item", "{n} items", len(items)).format(n=tr.number(len(items)))))
    if not targets:
        lines.append(esc(tr.gettext("Nothing here yet.")))
    shown, page, pages = page_slice(targets, page)
    rows += [[button(text, data, pack)] for text, data in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.MenuPage(menu_entry.id, p)))
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def group_page(pack: Any, tr: Translator, entry_id: str, field_id: str, page: int = 0) -> Page | None:
    """The items of one field inside a grouped entry."""
    menu_entry = entry(pack, entry_id)
    if menu_entry is None or field_id not in pack.fields:
        return None
    items = entry_items(pack, menu_entry, field_id)
    if not items:
        return None
    title, field_title = localized(menu_entry.title, tr), localized(pack.fields[field_id].title, tr)
    lines = [
        breadcrumb([title, field_title]),
        "",
        f"<b>{esc(field_title)}</b>",
        esc(tr.ngettext("{n} item", "{n} items", len(items)).format(n=tr.number(len(items)))),
    ]
    shown, page, pages = page_slice(items, page)
    rows: list[Row] = [[button(shorten(i.title), cb.ItemCard(i.id), pack)] for i in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.GroupPage(entry_id, field_id, p)))
    rows.append(back_home_row(pack, tr, cb.MenuPage(entry_id)))
    return "\n".join(lines), markup(rows)


def figure_line(fig: Any, tr: Translator) -> str:
    """``• Label: <b>239.163 nghìn tỷ đồng</b> (2025)`` or the pending note."""
    value = figure_value(fig, tr)
    shown = f"<b>{esc(value)}</b>" if value is not None else "<i>" + esc(tr.gettext("not given yet")) + "</i>"
    period = f" ({esc(fig.period)})" if fig.period else ""
    return f"• {esc(fig.label)}: {shown}{period}"


def figure_button_label(fig: Any, tr: Translator) -> str:
    value = figure_value(fig, tr)
    label = f"{fig.label}: {value}" if value is not None else f"{fig.label}: …"
    return "📊 " + shorten(label, 44)


def item_card(pack: Any, tr: Translator, item_id: str) -> Page | None:
    item = pack.items.get(item_id)
    if item is None:
        return None
    lines = [breadcrumb(item_trail(pack, item, tr)), "", f"<b>{esc(item.title)}</b>", "", esc(item.summary)]
    if item.points:
        lines.append("")
        lines += [f"• {esc(p)}" for p in item.points]
    figures = pack.figures_of(item)
    if figures:
        lines += ["", "📊 <b>" + esc(tr.gettext("Figures")) + "</b>"]
        lines += [figure_line(f, tr) for f in figures[:CARD_FIGURE_LINES]]
        if len(figures) > CARD_FIGURE_LINES:
            more = len(figures) - CARD_FIGURE_LINES
            lines.append(esc(tr.ngettext("… and {n} more", "… and {n} more", more).format(n=more)))
    lines += ["", "📍 " + esc(tr.gettext("Source: {reference}").format(reference=item_reference(pack, item)))]
    rows: list[Row] = []
    fig_buttons = [button(figure_button_label(f, tr), cb.FigureCard(f.id), pack)
                   for f in figures[:CARD_FIGURE_BUTTONS]]
    rows += [[b] for b in fig_buttons]
    if len(figures) > CARD_FIGURE_BUTTONS:
        rows.append([button(tr.gettext("📊 All {n} figures").format(n=len(figures)), cb.ItemFigures(item.id),
                            pack)])
    rows.append([button(tr.gettext("📜 Original text"), cb.Original(item.source), pack)])
    rows.append(back_home_row(pack, tr, home_of_item(pack, item)))
    return "\n".join(lines), markup(rows)


def item_figures(pack: Any, tr: Translator, item_id: str, page: int = 0) -> Page | None:
    """Every figure an item cites, as buttons, paged."""
    item = pack.items.get(item_id)
    if item is None:
        return None
    figures = pack.figures_of(item)
    shown, page, pages = page_slice(figures, page)
    lines = [breadcrumb([*item_trail(pack, item, tr), item.title]), "",
             "📊 <b>" + esc(tr.gettext("Figures")) + "</b> — " + esc(item.title)]
    lines += [figure_line(f, tr) for f in shown]
    rows: list[Row] = [[button(figure_button_label(f, tr), cb.FigureCard(f.id), pack)] for f in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.ItemFigures(item.id, p)))
    rows.append(back_home_row(pack, tr, cb.ItemCard(item.id)))
    return "\n".join(lines), markup(rows)


def _notes_entry(pack: Any) -> Any | None:
    return next((e for e in pack.menu if e.notes), None)


def notes_list(pack: Any, tr: Translator, page: int = 0, menu_entry: Any = None) -> Page:
    """The inconsistencies the report itself contains, one button each."""
    menu_entry = menu_entry or _notes_entry(pack)
    title = localized(menu_entry.title, tr) if menu_entry else tr.gettext("Notes on the figures")
    lines = [breadcrumb([title]), "", f"<b>{esc(title)}</b>",
             esc(tr.gettext("Places where the report's own figures disagree or need care. "
                            "We show them as the report writes them."))]
    if not pack.notes:
        lines.append(esc(tr.gettext("Nothing here yet.")))
    shown, page, pages = page_slice(pack.notes, page)
    rows: list[Row] = [[button("📝 " + shorten(n.title), cb.NoteCard(n.id), pack)] for n in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.NotesList(p)))
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def note_card(pack: Any, tr: Translator, note_id: str) -> Page | None:
    note = next((n for n in pack.notes if n.id == note_id), None)
    if note is None:
        return None
    menu_entry = _notes_entry(pack)
    trail = [localized(menu_entry.title, tr)] if menu_entry else []
    lines = [breadcrumb(trail), "", f"📝 <b>{esc(note.title)}</b>", "", esc(note.text)]
    figures = [pack.figures[f] for f in note.figures if f in pack.figures]
    if figures:
        lines += ["", "📊 <b>" + esc(tr.gettext("Figures")) + "</b>"]
        lines += [figure_line(f, tr) for f in figures]
    sources = [s for s in note.sources if s in pack.sections]
    if sources:
        refs = "; ".join(pack.reference(s) for s in sources)
        lines += ["", "📍 " + esc(tr.gettext("Source: {reference}").format(reference=refs))]
    rows: list[Row] = [[button(figure_button_label(f, tr), cb.FigureCard(f.id), pack)] for f in figures[:8]]
    rows += [[button("📜 " + shorten(pack.reference(s), 44), cb.Original(s), pack)] for s in sources[:4]]
    index = pack.notes.index(note)
    rows.append(back_home_row(pack, tr, cb.NotesList(index // PAGE_SIZE)))
    return "\n".join(lines), markup(rows)
