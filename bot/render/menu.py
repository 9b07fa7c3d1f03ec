"""The menu tree, generated from the content pack: main menu, entries, field groups, item cards, notes.

Nothing of the report's structure is written here: entries, their order and titles come from
``content/menu.yaml``, items and fields from the pack. Every function is pure and returns a Page.
"""

from __future__ import annotations

from typing import Any

from bot.content import ContentPack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render import nav
from bot.render.comments import comment_row
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
)
from bot.render.digest import DigestHome
from bot.render.figures import (
    figure_buttons,
    figure_line,
    headline_page,
    note_buttons,
    note_lines,
    notes_on,
)
from bot.render.reader import ReaderLink, reader_row
from bot.render.text import BUTTON_LABEL, esc, shorten

#: Figure buttons shown on an item card before "all figures".
CARD_FIGURE_BUTTONS = 6
#: Figures listed in an item card's text before "… and N more".
CARD_FIGURE_LINES = 12


# ---------------------------------------------------------------------------------------------
# Where things sit in the tree


def entry(pack: ContentPack, entry_id: str) -> Any | None:
    return next((e for e in pack.menu if e.id == entry_id), None)


def entry_items(pack: ContentPack, menu_entry: Any, field: str | None = None) -> list[Any]:
    """The items an entry lists (of one field when given), in pack order."""
    items = pack.items_of_kind(*menu_entry.kinds)
    if field is not None:
        items = [i for i in items if i.field == field]
    return items


def entry_fields(pack: ContentPack, menu_entry: Any) -> list[Any]:
    """The fields of a grouped entry that have at least one item, in menu.yaml order."""
    used = {i.field for i in entry_items(pack, menu_entry)}
    return [f for f in pack.fields.values() if f.id in used]


def ungrouped_items(pack: ContentPack, menu_entry: Any) -> list[Any]:
    """Items of a grouped entry that carry no field (or an unknown one): listed directly."""
    return [i for i in entry_items(pack, menu_entry) if i.field not in pack.fields]


def home_of_item(pack: ContentPack, item: Any) -> cb.Callback | None:
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


def item_trail(pack: ContentPack, item: Any, tr: Translator) -> list[str]:
    """Breadcrumb titles above an item card opened from its list."""
    return nav.item_home_trail(pack, item, tr)


def item_label(pack: ContentPack, item: Any, tr: Translator) -> str:
    return shorten(pack.item_text(item.id, tr.lang).title)


# ---------------------------------------------------------------------------------------------
# Screens


def main_menu(pack: ContentPack, tr: Translator) -> Page:
    """The main menu: one button per menu.yaml entry, then the digest and language settings."""
    lines = [
        "🏠 <b>" + esc(tr.gettext("Main menu")) + "</b>",
        "<i>" + esc(pack.meta_text(tr.lang).document_kind) + "</i>",
        "",
        esc(tr.gettext("Choose a topic, or send me a word (for example a figure's name) to look it up.")),
    ]
    rows: list[Row] = [[button(localized(e.title, tr), cb.MenuPage(e.id), pack)] for e in pack.menu]
    rows.append([button(tr.gettext("📰 Daily digest"), DigestHome(), pack),
                 button(tr.gettext("⚙️ Language"), cb.Settings(), pack)])
    return "\n".join(lines), markup(rows)


def _items_buttons(pack: ContentPack, items: list[Any], tr: Translator, back: str) -> list[Row]:
    titles = [pack.item_text(i.id, tr.lang).title for i in items]
    labels = distinct([item_label(pack, i, tr) for i in items],
                      [[differing_words(t, titles), pack.section_label(i.source, tr.lang)]
                       for t, i in zip(titles, items, strict=True)])
    return [[button(label, cb.ItemCard(i.id, back), pack)] for label, i in zip(labels, items, strict=True)]


def _notice_for(pack: ContentPack, items: list[Any], tr: Translator) -> list[str]:
    notice = status_notice(pack, tr) if any(pack.forward(i) for i in items) else None
    return ["", notice] if notice else []


def menu_page(pack: ContentPack, tr: Translator, entry_id: str, page: int = 0) -> Page | None:
    """One main-menu entry; None when the entry no longer exists (stale button)."""
    menu_entry = entry(pack, entry_id)
    if menu_entry is None:
        return None
    if menu_entry.figures:
        return headline_page(pack, tr, menu_entry, page)
    if menu_entry.notes:
        return notes_list(pack, tr, page, menu_entry)
    title = localized(menu_entry.title, tr)
    lines = [*heading([title]), f"<b>{esc(title)}</b>"]
    rows: list[Row] = []
    if menu_entry.group_by == "field":
        direct = ungrouped_items(pack, menu_entry)
        fields = entry_fields(pack, menu_entry)
        count = len(direct) + len(fields)
        lines.append(esc(tr.gettext("Choose a field:")))
        shown_items, page, pages = page_slice(list(range(count)), page)
        here = cb.MenuPage(menu_entry.id, page)
        for n in shown_items:
            if n < len(direct):
                rows += _items_buttons(pack, [direct[n]], tr, nav.push(pack, here))
            else:
                f = fields[n - len(direct)]
                size = f" ({tr.number(len(entry_items(pack, menu_entry, f.id)))})"
                rows.append([button(shorten(localized(f.title, tr), BUTTON_LABEL - len(size)) + size,
                                    cb.GroupPage(menu_entry.id, f.id), pack)])
        lines += _notice_for(pack, entry_items(pack, menu_entry), tr)
        if not count:
            lines.append(esc(tr.gettext("Nothing here yet.")))
    else:
        items = entry_items(pack, menu_entry)
        lines.append(esc(tr.ngettext("{n} item", "{n} items", len(items)).format(n=tr.number(len(items)))))
        shown, page, pages = page_slice(items, page)
        here = cb.MenuPage(menu_entry.id, page)
        rows += _items_buttons(pack, shown, tr, nav.push(pack, here))
        lines += _notice_for(pack, items, tr)
        if not items:
            lines.append(esc(tr.gettext("Nothing here yet.")))
    rows.append(pager_row(pack, page, pages, lambda p: cb.MenuPage(menu_entry.id, p)))
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def group_page(pack: ContentPack, tr: Translator, entry_id: str, field_id: str, page: int = 0) -> Page | None:
    """The items of one field inside a grouped entry."""
    menu_entry = entry(pack, entry_id)
    if menu_entry is None or field_id not in pack.fields:
        return None
    items = entry_items(pack, menu_entry, field_id)
    if not items:
        return None
    title, field_title = localized(menu_entry.title, tr), localized(pack.fields[field_id].title, tr)
    lines = [
        *heading([title, field_title]),
        f"<b>{esc(field_title)}</b>",
        esc(tr.ngettext("{n} item", "{n} items", len(items)).format(n=tr.number(len(items)))),
    ]
    shown, page, pages = page_slice(items, page)
    lines += _notice_for(pack, items, tr)
    here = cb.GroupPage(entry_id, field_id, page)
    rows: list[Row] = _items_buttons(pack, shown, tr, nav.push(pack, here))
    rows.append(pager_row(pack, page, pages, lambda p: cb.GroupPage(entry_id, field_id, p)))
    # the entry lists its direct items first, then its fields: Back opens the page holding this field
    position = len(ungrouped_items(pack, menu_entry)) + [f.id for f in entry_fields(pack, menu_entry)].index(field_id)
    rows.append(back_home_row(pack, tr, cb.MenuPage(entry_id, position // PAGE_SIZE)))
    return "\n".join(lines), markup(rows)


def item_card(pack: ContentPack, tr: Translator, item_id: str, back: str = nav.NATURAL,
              reader: ReaderLink | None = None) -> Page | None:
    """``reader``: how this chat opens the reader (bot/render/reader.py), for the 📖 button."""
    item = pack.items.get(item_id)
    if item is None:
        return None
    lang = tr.lang
    text = pack.item_text(item.id, lang)
    here = cb.ItemCard(item.id, back)
    onward = nav.push(pack, here, back)
    trail = None if back == nav.TYPED else nav.trail_line(nav.card_trail(pack, tr, back, item_trail(pack, item, tr)))
    lines = [*heading(trail), f"<b>{esc(text.title)}</b>"]
    if pack.forward(item) and (notice := status_notice(pack, tr)):
        lines.append(notice)
    lines += ["", esc(text.summary)]
    if text.points:
        lines.append("")
        lines += [f"• {esc(p)}" for p in text.points]
    figures = pack.figures_of(item)
    if figures:
        lines += ["", "📊 <b>" + esc(tr.gettext("Figures cited:")) + "</b>"]
        lines += [figure_line(pack, f, tr) for f in figures[:CARD_FIGURE_LINES]]
        if len(figures) > CARD_FIGURE_LINES:
            more = len(figures) - CARD_FIGURE_LINES
            lines.append(esc(tr.ngettext("… and {n} more", "… and {n} more", more).format(n=tr.number(more))))
    notes = notes_on(pack, item.figures)
    if notes:
        lines += ["", *note_lines(pack, notes, tr)]
    lines += ["", "📍 " + esc(tr.gettext("Source: {reference}").format(reference=pack.item_reference(item, lang)))]
    rows: list[Row] = figure_buttons(pack, figures[:CARD_FIGURE_BUTTONS], tr, onward)
    if len(figures) > CARD_FIGURE_BUTTONS:
        rows.append([button(tr.gettext("📊 All {n} figures").format(n=tr.number(len(figures))),
                            cb.ItemFigures(item.id, 0, nav.fit(nav.chain(back), 9)), pack)])
    rows += note_buttons(pack, notes, tr, here, back)
    rows.append([button(tr.gettext("📜 Original text"), cb.Original(item.source, 0, onward), pack)])
    rows.append(reader_row(tr, reader, item.source))  # 📖 its section in the reader
    rows.append(comment_row(pack, tr, item.source))  # COMMENTS: "✍️ Góp ý mục này" on the item's section
    rows.append(back_home_row(pack, tr, nav.back_target(pack, back, home_of_item(pack, item))))
    return "\n".join(lines), markup(rows)


def item_figures(pack: ContentPack, tr: Translator, item_id: str, page: int = 0,
                 back: str = nav.NATURAL) -> Page | None:
    """Every figure an item cites, as buttons, paged."""
    item = pack.items.get(item_id)
    if item is None:
        return None
    title = pack.item_text(item.id, tr.lang).title
    figures = pack.figures_of(item)
    shown, page, pages = page_slice(figures, page)
    here = cb.ItemFigures(item.id, page, back)
    trail = nav.card_trail(pack, tr, back, item_trail(pack, item, tr))
    lines = [*heading(nav.trail_line([*trail, title])),
             "📊 <b>" + esc(tr.gettext("Figures cited:")) + "</b> " + esc(title)]
    lines += [figure_line(pack, f, tr) for f in shown]
    rows: list[Row] = figure_buttons(pack, shown, tr, nav.push(pack, here, back))
    rows.append(pager_row(pack, page, pages, lambda p: cb.ItemFigures(item.id, p, back)))
    rows.append(back_home_row(pack, tr, cb.ItemCard(item.id, back)))
    return "\n".join(lines), markup(rows)


def notes_list(pack: ContentPack, tr: Translator, page: int = 0, menu_entry: Any = None) -> Page:
    """The inconsistencies the report itself contains, one button each."""
    menu_entry = menu_entry or nav.entry_with(pack, "notes")
    title = localized(menu_entry.title, tr) if menu_entry else tr.gettext("Notes on the figures")
    lines = [*heading([title]), f"<b>{esc(title)}</b>",
             esc(tr.gettext("Places where the report's own figures disagree or need care. "
                            "We show them as the report writes them."))]
    if not pack.notes:
        lines.append(esc(tr.gettext("Nothing here yet.")))
    shown, page, pages = page_slice(pack.notes, page)
    back = nav.push(pack, cb.NotesList(page))
    rows: list[Row] = [[button("📝 " + shorten(pack.note_text(n.id, tr.lang).title), cb.NoteCard(n.id, back), pack)]
                       for n in shown]
    rows.append(pager_row(pack, page, pages, lambda p: cb.NotesList(p)))
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def note_card(pack: ContentPack, tr: Translator, note_id: str, back: str = nav.NATURAL) -> Page | None:
    note = next((n for n in pack.notes if n.id == note_id), None)
    if note is None:
        return None
    lang = tr.lang
    text = pack.note_text(note.id, lang)
    menu_entry = nav.entry_with(pack, "notes")
    natural = [localized(menu_entry.title, tr)] if menu_entry else []
    here = cb.NoteCard(note.id, back)
    onward = nav.push(pack, here, back)
    trail = None if back == nav.TYPED else nav.trail_line(nav.card_trail(pack, tr, back, natural))
    lines = [*heading(trail), f"📝 <b>{esc(text.title)}</b>", "", esc(text.text)]
    figures = [pack.figures[f] for f in note.figures if f in pack.figures]
    if figures:
        lines += ["", "📊 <b>" + esc(tr.gettext("Figures concerned:")) + "</b>"]
        lines += [figure_line(pack, f, tr) for f in figures]
    sources = [s for s in note.sources if s in pack.sections]
    if sources:
        refs = "; ".join(pack.reference(s, lang=lang) for s in sources)
        lines += ["", "📍 " + esc(tr.gettext("Source: {reference}").format(reference=refs))]
    rows: list[Row] = figure_buttons(pack, figures[:8], tr, onward)
    rows += [[button("📜 " + shorten(pack.reference(s, lang=lang), 44), cb.Original(s, 0, onward), pack)]
             for s in sources[:4]]
    index = pack.notes.index(note)
    rows.append(back_home_row(pack, tr, nav.back_target(pack, back, cb.NotesList(index // PAGE_SIZE))))
    return "\n".join(lines), markup(rows)
