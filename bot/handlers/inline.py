"""Inline mode: ``@bot <query>`` in any chat offers what the report says, under the same rules as a chat.

The figures that answer (or the item a question names) come first, then passages holding every word;
a question the report cannot answer gets one article that says so. At most 50 results per answer,
``next_offset`` for more; an empty query offers the headline figures. Results carry no buttons: an
inserted message lives on after the pack changes.
"""

from __future__ import annotations

from telegram import Update

from bot.content.search import scope
from bot.context import BotContext
from bot.handlers.access import note_lookup
from bot.handlers.common import MAX_QUERY_CHARS
from bot.render.search import INLINE_MAX, inline_answer, inline_results

#: Passages ranked per query; pages of INLINE_MAX are cut from them with the offset.
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
    offset = _offset(query.offset)
    if text:
        result = index.lookup(text)
        found = index.text_search(text, limit=MAX_HITS)
        passages = found.hits if found.outcome == scope.PASSAGES else ()
        page, more = inline_answer(pack, tr, text, result, passages, offset, INLINE_MAX)
        if offset == 0 and result.outcome not in (scope.GREETING, scope.THANKS, scope.EMPTY):
            missing = result.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE) and not passages
            note_lookup(context, text, found=not missing, typing=query.from_user.id)  # /stats: no user kept
    else:
        page, more = inline_results(pack, tr, "", [], offset, INLINE_MAX)
    # Personal: the labels around the report's text follow each user's language, so Telegram must
    # not serve one user's cached answer to another.
    await query.answer(page, cache_time=CACHE_SECONDS, is_personal=True,
                       next_offset=str(offset + INLINE_MAX) if more else "")
