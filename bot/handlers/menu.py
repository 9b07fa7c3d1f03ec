"""/menu and every button of the UI's menus: decode, answer at once, render, edit the message in place.

A button whose data is stale (the content pack changed) or names something that no longer exists
gets a short "this menu is out of date" and the message becomes a fresh main menu; never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.content import ContentPack
from bot.context import BotContext
from bot.handlers import read
from bot.handlers.common import edit_or_ignore
from bot.handlers.search import search_page
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render import figures, info, menu, original
from bot.render.common import Page
from bot.render.reader import ReaderLink

log = logging.getLogger(__name__)

Render = Callable[[ContentPack, Translator, Any], "Page | None"]  # Any: each screen takes its own kind

#: The UI's own kinds and how each renders. Search pages need the user's data: see handlers.search.
SCREENS: dict[type[cb.Callback], Render] = {
    cb.Home: lambda pack, tr, d: menu.main_menu(pack, tr),
    cb.MenuPage: lambda pack, tr, d: menu.menu_page(pack, tr, d.entry, d.page),
    cb.GroupPage: lambda pack, tr, d: menu.group_page(pack, tr, d.entry, d.field, d.page),
    cb.ItemCard: lambda pack, tr, d: menu.item_card(pack, tr, d.item, d.back),
    cb.ItemFigures: lambda pack, tr, d: menu.item_figures(pack, tr, d.item, d.page, d.back),
    cb.FigureGroups: lambda pack, tr, d: figures.groups_page(pack, tr, d.page),
    cb.FigureSection: lambda pack, tr, d: figures.section_figures_page(pack, tr, d.section, d.page),
    cb.FigureCard: lambda pack, tr, d: figures.figure_card(pack, tr, d.figure, back=d.back),
    cb.FigureQuote: lambda pack, tr, d: figures.figure_card(pack, tr, d.figure, with_quote=True, back=d.back),
    cb.Original: lambda pack, tr, d: original.original_page(pack, tr, d.section, d.part, d.back),
    cb.Subsections: lambda pack, tr, d: original.subsections_page(pack, tr, d.section, d.page, d.back),
    cb.NotesList: lambda pack, tr, d: menu.notes_list(pack, tr, d.page),
    cb.NoteCard: lambda pack, tr, d: menu.note_card(pack, tr, d.note, d.back),
}
UI_KINDS: frozenset[type[cb.Callback]] = frozenset([*SCREENS, cb.SearchPage, cb.Settings, cb.Inert])


def is_ui_data(data: object) -> bool:
    """CallbackQueryHandler pattern: data shaped like one of the UI's kinds, whatever its fingerprint.

    Forged or foreign data is left to the fallback group (bot/handlers/fallback.py)."""
    parsed = cb.parse(data)
    return parsed is not None and type(parsed[1]) in UI_KINDS


async def menu_command(update: Update, context: BotContext) -> None:
    """/menu: the main menu as a new message (later taps edit it in place)."""
    message = update.effective_message
    if message is None:
        return
    text, markup = menu.main_menu(context.pack, context.tr)
    await message.reply_text(text, reply_markup=markup)


def render(pack: ContentPack, tr: Translator, data: cb.Callback, context: BotContext,
           reader: ReaderLink | None = None) -> Page | None:
    """The screen behind a decoded button, or None when what it names is gone. ``reader``: how this
    chat opens the reader, for the 📖 button of item cards and original text (bot/handlers/read.py)."""
    if isinstance(data, cb.ItemCard):
        return menu.item_card(pack, tr, data.item, data.back, reader=reader)
    if isinstance(data, cb.Original):
        return original.original_page(pack, tr, data.section, data.part, data.back, reader=reader)
    if isinstance(data, cb.Settings):
        return info.language_page(pack, context.lang, tr)
    if isinstance(data, cb.SearchPage):
        return search_page(context, data)
    screen = SCREENS.get(type(data))
    return screen(pack, tr, data) if screen else None


async def on_button(update: Update, context: BotContext) -> None:
    """A UI button: answer the query at once, then edit the message into the screen it asks for."""
    query = update.callback_query
    if query is None:
        return
    pack, tr = context.pack, context.tr
    data = cb.decode(query.data, pack.fingerprint)
    if isinstance(data, cb.Inert):  # a pager's "2/5": nothing to show but where one is
        await query.answer()
        return
    page = render(pack, tr, data, context, read.link_for(update, context)) if data is not None else None
    if page is None:
        await stale(update, context)
        return
    await query.answer()
    text, markup = page
    await edit_or_ignore(query, text, markup)


async def stale(update: Update, context: BotContext) -> None:
    """Out-of-date or unknown button: say so briefly, turn the message into a fresh main menu."""
    query = update.callback_query
    if query is None:
        return
    tr = context.tr
    await query.answer(info.stale_button(tr))
    text, markup = menu.main_menu(context.pack, tr)
    try:
        await edit_or_ignore(query, text, markup)
    except BadRequest as exc:  # too old to edit, or not ours: a new message instead, in private chats
        log.debug("stale menu could not be edited: %s", exc)
        message = query.message
        if message is not None and message.chat.type == ChatType.PRIVATE:
            await context.bot.send_message(message.chat.id, text, reply_markup=markup)
