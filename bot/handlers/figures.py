"""/figure <query> (alias /so) and plain text in a private chat: what the report says, or that it does not.

The search decides (``SearchIndex.lookup``): the figure that answers (other matches as buttons), the
item a question names ("đột phá thứ hai"), or an honest answer: the report has no figure on it, only
has the province's figures, or a greeting back; with near figures and a text search to tap.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from telegram import Update

from bot.content.search import scope
from bot.context import BotContext
from bot.handlers import read
from bot.handlers.access import note_lookup
from bot.handlers.common import answer_query
from bot.handlers.search import remember
from bot.render import callbacks as cb
from bot.render import figures
from bot.render import search as render
from bot.render.common import Page
from bot.render.reader import ReaderLink


def lookup(context: BotContext, query: str, reader: ReaderLink | None = None) -> Page:
    """The answer to a figure question; never nothing."""
    pack, tr = context.pack, context.tr
    query = " ".join(query.split())
    result = context.search.lookup(query) if query else None
    if result is None:
        return figures.lookup_usage(pack, tr, figures.lookup_examples(pack))
    missing = result.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE)
    if result.outcome not in (scope.GREETING, scope.THANKS, scope.EMPTY):
        note_lookup(context, query, found=not missing)  # /stats: texts and counts, no user
    # Only an honest "not in the report" offers to search the text, so only then is the query kept.
    search = cb.SearchPage(remember(context, query)) if result.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE) else None
    return (render.lookup_page(pack, tr, result, search, reader=reader)
            or figures.lookup_usage(pack, tr, figures.lookup_examples(pack)))


async def figure_command(update: Update, context: BotContext) -> None:
    await answer_query(update, context, " ".join(context.args or []), _answer(update, context))


async def text_lookup(update: Update, context: BotContext) -> None:
    """Any plain text in a private chat is a figure lookup."""
    message = update.effective_message
    if message is not None and message.text:
        await answer_query(update, context, message.text, _answer(update, context))


def _answer(update: Update, context: BotContext) -> Callable[[BotContext, str], Page]:
    """The lookup, with how this chat opens the reader (an item card's 📖 button)."""
    return partial(lookup, reader=read.link_for(update, context))
