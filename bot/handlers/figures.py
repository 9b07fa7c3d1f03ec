"""/figure <query> (alias /so) and plain text in a private chat: the best figure card, others as buttons."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import answer_query
from bot.handlers.search import remember
from bot.render import callbacks as cb
from bot.render import figures
from bot.render.common import Page

#: Other matches offered as buttons under the best card.
OTHER_MATCHES = 4
#: SearchIndex scores at or below this come from its fuzzy fallback (label likeness only, score/200):
#: offered as "did you mean" buttons rather than shown as the answer.
WEAK_SCORE = 0.5


def lookup(context: BotContext, query: str) -> Page:
    """The answer to a figure query: a card, or suggestions; never nothing."""
    pack, tr, index = context.pack, context.tr, context.search
    query = " ".join(query.split())
    if not query:
        return figures.lookup_usage(pack, tr, figures.lookup_examples(pack))
    hits = [h for h in index.figures(query, limit=1 + OTHER_MATCHES) if h.id in pack.figures] if index else []
    if hits and hits[0].score > WEAK_SCORE:
        others = [pack.figures[h.id] for h in hits[1:]]
        page = figures.figure_card(pack, tr, hits[0].id, others=others)
        if page is not None:
            return page
    suggested = [pack.figures[h.id] for h in hits]
    labels = {f.label: f for f in pack.figures.values()}
    for label in index.suggest(query) if index else []:
        if label in labels and labels[label] not in suggested:
            suggested.append(labels[label])
    return figures.no_match(pack, tr, query, suggested, cb.SearchPage(remember(context, query)))


async def figure_command(update: Update, context: BotContext) -> None:
    await answer_query(update, context, " ".join(context.args or []), lookup)


async def text_lookup(update: Update, context: BotContext) -> None:
    """Any plain text in a private chat is a figure lookup."""
    message = update.effective_message
    if message is not None and message.text:
        await answer_query(update, context, message.text, lookup)
