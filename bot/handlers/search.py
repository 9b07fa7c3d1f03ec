"""/search <query> (alias /tim): ranked passages of the report, matched words in bold, each openable.

Callback data cannot hold a query (64 bytes, Vietnamese text), so the query is kept in the user's
data under a short token; a page button whose token is gone (after a restart) is treated as stale.
"""

from __future__ import annotations

import hashlib
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import answer_query
from bot.render import callbacks as cb
from bot.render import search as render
from bot.render.common import Page
from bot.render.figures import lookup_examples

#: Passages ranked per query (pages of render.search.RESULTS_PER_PAGE).
MAX_RESULTS = 30
#: Queries remembered per user for result pages.
REMEMBERED = 20
QUERIES_KEY = "search_queries"


def remember(context: BotContext, query: str) -> str:
    """Keep ``query`` in the user's data; return its short token for SearchPage buttons."""
    token = hashlib.sha1(query.encode()).hexdigest()[:8]
    if context.user_data is not None:
        store: dict[str, str] = context.user_data.setdefault(QUERIES_KEY, {})
        store.pop(token, None)
        store[token] = query
        while len(store) > REMEMBERED:
            store.pop(next(iter(store)))
    return token


def spans_for(index: Any) -> render.Spans:
    """Highlighting that knows the index's typo fixes and synonyms, else the plain word matcher."""
    if index is not None and hasattr(index, "highlight"):
        return index.highlight
    from bot.content.search import highlight_spans

    return highlight_spans


def results(context: BotContext, query: str, page: int = 0, token: str | None = None) -> Page:
    pack, tr, index = context.pack, context.tr, context.search
    query = " ".join(query.split())
    if not query:
        return render.search_usage(pack, tr, lookup_examples(pack))
    hits = [h for h in index.passages(query, limit=MAX_RESULTS) if h.id in pack.sections] if index else []
    suggestions = index.suggest(query) if index is not None and not hits else []
    token = token or remember(context, query)
    return render.results_page(pack, tr, query, hits, spans_for(index), token, page, suggestions)


def search_page(context: BotContext, data: cb.SearchPage) -> Page | None:
    """A results page from a button; None (stale) when the query is no longer remembered."""
    store = (context.user_data or {}).get(QUERIES_KEY, {})
    query = store.get(data.token)
    if query is None:
        return None
    return results(context, query, data.page, data.token)


async def search_command(update: Update, context: BotContext) -> None:
    await answer_query(update, context, " ".join(context.args or []), results)
