"""Inline mode: ``@bot <query>`` in any chat offers figure cards and passages to insert.

At most 50 results per answer, ``next_offset`` for more; an empty query offers the headline figures.
Results carry no buttons: an inserted message lives on after the pack changes.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import MAX_QUERY_CHARS
from bot.render.search import INLINE_MAX, inline_results

#: Hits ranked per query; pages of INLINE_MAX are cut from them with the offset.
MAX_HITS = 200
CACHE_SECONDS = 10


def _offset(raw: str | None) -> int:
    try:
        value = int(raw or 0)
    except ValueError:
        return 0
    return value if 0 <= value <= MAX_HITS else 0


async def inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    pack, tr, index = context.pack, context.tr, context.search
    text = " ".join((query.query or "").split())[:MAX_QUERY_CHARS]
    hits = index.search(text, limit=MAX_HITS, kinds=("figure", "passage")) if index and text else []
    offset = _offset(query.offset)
    page, more = inline_results(pack, tr, text, hits, offset, INLINE_MAX)
    # Personal: the labels around the report's text follow each user's language, so Telegram must
    # not serve one user's cached answer to another.
    await query.answer(page, cache_time=CACHE_SECONDS, is_personal=True,
                       next_offset=str(offset + INLINE_MAX) if more else "")
