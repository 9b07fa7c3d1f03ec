"""/search <query> (alias /tim): passages of the report holding the words asked, in bold, each openable.

The same honesty as a lookup (``SearchIndex.text_search``): words the report never uses are named,
another province gets "the report only has the province's figures", a greeting is greeted, and a
question that names an item gets the item.

Callback data cannot hold a query (64 bytes, Vietnamese text), so result pages carry a short token
of the query, kept in one store shared by all users and bounded (:class:`RecentQueries`): memory
does not grow with the number of users. A page button whose query was forgotten is treated as stale.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import partial

from telegram import Update

from bot.content.search import scope
from bot.context import BotContext
from bot.handlers import read
from bot.handlers.access import note_lookup
from bot.handlers.common import answer_query
from bot.render import callbacks as cb
from bot.render import search as render
from bot.render.common import Page
from bot.render.figures import lookup_examples
from bot.render.menu import item_card
from bot.render.reader import ReaderLink

#: Passages ranked per query (pages of render.search.RESULTS_PER_PAGE).
MAX_RESULTS = 30
#: Queries remembered for result pages, for all users together. A query is at most a few hundred
#: bytes (handlers.common.MAX_QUERY_CHARS), so the store stays under a few MB however many users come.
REMEMBERED = 4096
QUERIES_KEY = "search_queries"


class RecentQueries:
    """The newest queries behind "next page" and "search the text" buttons, by token; thread-safe."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._queries: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, query: str) -> str:
        """Keep ``query``; return its token (the same query always gets the same token)."""
        token = hashlib.sha1(query.encode()).hexdigest()[:10]
        with self._lock:
            self._queries[token] = query
            self._queries.move_to_end(token)
            while len(self._queries) > self.size:
                self._queries.popitem(last=False)
        return token

    def get(self, token: str) -> str | None:
        with self._lock:
            return self._queries.get(token)

    def __len__(self) -> int:
        return len(self._queries)


def queries(context: BotContext) -> RecentQueries:
    store = context.bot_data.get(QUERIES_KEY)
    if store is None:  # one per application, created on first use
        store = context.bot_data.setdefault(QUERIES_KEY, RecentQueries())
    return store


def remember(context: BotContext, query: str) -> str:
    """Keep ``query`` for SearchPage buttons; return its token."""
    return queries(context).remember(query)


def results(context: BotContext, query: str, page: int = 0, token: str | None = None,
            reader: ReaderLink | None = None) -> Page:
    pack, tr, index = context.pack, context.tr, context.search
    query = " ".join(query.split())
    found = index.text_search(query, limit=MAX_RESULTS) if query else None
    if found is None or found.outcome == scope.EMPTY:
        return render.search_usage(pack, tr, lookup_examples(pack))
    if found.outcome in (scope.GREETING, scope.THANKS):
        return render.greeting_page(pack, tr, found.outcome == scope.THANKS)
    if found.outcome == scope.ITEM:
        return (item_card(pack, tr, found.hits[0].id, reader=reader)
                or render.search_usage(pack, tr, lookup_examples(pack)))
    hits = [h for h in found.hits if h.id in pack.sections]
    if token is None and page == 0:  # a typed /search (not a page button): counted for /stats, no user
        note_lookup(context, query, found=found.outcome not in (scope.NOT_FOUND, scope.OTHER_PLACE) and bool(hits))
    if found.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE) or not hits:
        return render.missing_words_page(pack, tr, query, found)
    token = token or remember(context, query)
    return render.results_page(pack, tr, query, hits, index.highlight, token, page,
                               partial=found.outcome == scope.PARTIAL)


def search_page(context: BotContext, data: cb.SearchPage) -> Page | None:
    """A results page from a button; None (stale) when the query is no longer remembered."""
    query = queries(context).get(data.token)
    if query is None:
        return None
    return results(context, query, data.page, data.token)


async def search_command(update: Update, context: BotContext) -> None:
    answer = partial(results, reader=read.link_for(update, context))  # an item card gets its 📖 button
    await answer_query(update, context, " ".join(context.args or []), answer)
