"""/read (alias /doc), the reader's deep link, and the reader's server and menu button.

- ``/read [section]`` answers with the button that opens the reader (bot/webapp/), at a section
  when one is named ("/read I.1.1", "/read cong nghiep"). In a group the button is a link to the
  private chat: Telegram opens Mini Apps from private chats only (bot/render/reader.py).
- ``/start read-<id>`` (where that link lands) answers with the Mini App button for the section.
- :func:`link_for` tells renderers how a card in this chat opens the reader, or None.
- :func:`setup` (post_init) starts the reader's web server in the bot's event loop on
  BOT_WEBAPP_LISTEN and points the chat menu button at BOT_WEBAPP_URL; :func:`shutdown` stops it.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import MenuButtonDefault, MenuButtonWebApp, Update, WebAppInfo
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import context as ctx
from bot.access.policy import ACCESS
from bot.config import Settings
from bot.context import BotContext
from bot.i18n import DEFAULT_LANGUAGE, Catalogues
from bot.render.reader import ReaderLink, find_section, is_reader_payload, read_page, section_from_payload
from bot.webapp.server import ReaderServer

log = logging.getLogger(__name__)

SERVER = "reader_server"  # bot_data key: the running ReaderServer


class ReaderStartError(Exception):
    """The reader's server could not start; str() is the one line for the operator."""


def link_for(update: object, context: BotContext) -> ReaderLink | None:
    """How a card sent in this update's chat opens the reader: a Mini App button in a private chat,
    a link to the private chat in a group; None without BOT_WEBAPP_URL."""
    url = context.settings.webapp_url
    if not url:
        return None
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None or chat.type == ChatType.PRIVATE:
        return ReaderLink(app_url=url)
    username = context.bot.username if context.bot else None
    return ReaderLink(bot_username=username) if username else None


async def read_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    words = " ".join(context.args or [])[:200]
    section = find_section(context.pack, words) if words.strip() else None
    chat = update.effective_chat
    text, markup = read_page(context.pack, context.tr, link_for(update, context), section,
                             unknown=words if words.strip() and section is None else None,
                             group=chat is not None and chat.type != ChatType.PRIVATE)
    await message.reply_text(text, reply_markup=markup)


def is_read_link(text: str | None) -> bool:
    """A /start whose payload asks for the reader (``/start read``, ``/start read-p1_I_1``)."""
    parts = (text or "").split(maxsplit=1)
    return len(parts) == 2 and parts[0].split("@")[0] == "/start" and is_reader_payload(parts[1])


async def start_link(update: Update, context: BotContext) -> None:
    """/start read-<id>: where a group's 📖 link lands, in the private chat: the Mini App button."""
    message = update.effective_message
    if message is None or not message.text:
        return
    payload = message.text.split(maxsplit=1)[1]
    section = section_from_payload(payload)
    if section not in context.pack.sections:
        section = None
    text, markup = read_page(context.pack, context.tr, link_for(update, context), section)
    await message.reply_text(text, reply_markup=markup)


# ---------------------------------------------------------------------------------------------
# The server and the menu button (post_init / post_shutdown)


async def setup(app: Any) -> None:
    """Start the reader when BOT_WEBAPP_URL is set; otherwise make sure no menu button points at an
    old reader."""
    settings: Settings = app.bot_data[ctx.SETTINGS]
    catalogues: Catalogues = app.bot_data[ctx.CATALOGUES]
    if not settings.webapp_url:
        await _forget_menu_button(app)
        return
    store = app.bot_data.get(ctx.STORE)
    server = ReaderServer(settings, app.bot_data[ctx.PACK], catalogues, app.bot_data.get(ctx.SEARCH),
                          token=app.bot.token,
                          language_of=store.users.get_language if store is not None else None,
                          admits=app.bot_data[ACCESS].admits if ACCESS in app.bot_data else None)
    host, port = settings.webapp_listen
    try:
        await server.start(host, port)
    except OSError as exc:
        raise ReaderStartError(
            f"the reader cannot listen on {host}:{port} ({exc.strerror or exc}); free that port or set "
            "BOT_WEBAPP_LISTEN to another host:port"
        ) from None
    app.bot_data[SERVER] = server
    text = catalogues.get(DEFAULT_LANGUAGE).gettext("Read the report")
    try:
        await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(text, WebAppInfo(settings.webapp_url)))
    except TelegramError as exc:  # the reader still opens from /read and the 📖 buttons
        log.warning("could not set the chat menu button to the reader: %s", exc)


async def _forget_menu_button(app: Any) -> None:
    try:
        button = await app.bot.get_chat_menu_button()
        if isinstance(button, MenuButtonWebApp):
            await app.bot.set_chat_menu_button(menu_button=MenuButtonDefault())
    except TelegramError as exc:
        log.warning("could not check the chat menu button: %s", exc)


async def shutdown(app: Any) -> None:
    server = app.bot_data.pop(SERVER, None)
    if server is not None:
        await server.stop()
