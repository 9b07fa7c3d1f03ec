"""Search results and inline-mode articles: ranked passages with the matched words in bold.

Hits come from bot.content.search (SearchIndex). Highlight offsets refer to the plain passage text,
so each excerpt is escaped piece by piece around the spans (render.text.highlight), never after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, back_home_row, button, markup, page_slice, pager_row, usage_page
from bot.render.figures import card_text
from bot.render.numbers import figure_value
from bot.render.original import part_of
from bot.render.text import esc, excerpt, highlight, shorten

#: Passages per page of /search results (each excerpt is a few hundred characters).
RESULTS_PER_PAGE = 5
EXCERPT_CHARS = 320
#: Results per inline answer. Telegram allows 50; 20 fill a phone's list with room to spare and keep the
#: answer fast (each article carries a whole card); scrolling fetches the next page via next_offset.
INLINE_MAX = 20
#: Telegram's own cap on results per inline answer.
TELEGRAM_INLINE_LIMIT = 50
#: An inserted passage: long enough to read whole in most cases, far under 4096.
INLINE_PASSAGE_CHARS = 1500

Spans = Callable[[str, str], list[tuple[int, int]]]


def hit_reference(pack: Any, hit: Any) -> str:
    return pack.reference(hit.id, hit.footnote) if hit.id in pack.sections else hit.id


def hit_target(pack: Any, hit: Any) -> cb.Original:
    """The part of the section's original text that holds the hit."""
    return cb.Original(hit.id, part_of(pack, hit.id, line=hit.line, footnote=hit.footnote))


def search_usage(pack: Any, tr: Translator, examples: Sequence[str]) -> Page:
    return usage_page(pack, tr, tr.gettext("Search the report"),
                      tr.gettext("Send /search followed by a few words, for example:"), "search", examples,
                      tr.gettext("Words may be typed without diacritics."))


def results_page(pack: Any, tr: Translator, query: str, hits: Sequence[Any], spans: Spans, token: str,
                 page: int = 0, suggestions: Sequence[str] = ()) -> Page:
    """One page of ranked passages: reference, excerpt with matches in bold, a button to open each."""
    shown, page, pages = page_slice(list(hits), page, RESULTS_PER_PAGE)
    title = esc(tr.gettext("Search: “{query}”").format(query=shorten(query, 80)))
    lines = [f"🔎 <b>{title}</b>"]
    if not hits:
        lines.append(esc(tr.gettext("Nothing in the report matches these words.")))
        if suggestions:
            lines.append(esc(tr.gettext("Did you mean:")) + " "
                         + ", ".join(f"<code>{esc(s)}</code>" for s in suggestions[:5]))
        lines.append(esc(tr.gettext("Try fewer or other words; diacritics are optional.")))
        return "\n".join(lines), markup([back_home_row(pack, tr, None)])
    lines.append(esc(tr.ngettext("{n} passage found", "{n} passages found", len(hits)).format(
        n=tr.number(len(hits)))))
    rows: list[Row] = []
    for number, hit in enumerate(shown, start=page * RESULTS_PER_PAGE + 1):
        text, marks = excerpt(hit.text, spans(hit.text, query), EXCERPT_CHARS)
        ref = hit_reference(pack, hit)
        lines += ["", f"<b>{number}.</b> <i>{esc(ref)}</i>", highlight(text, marks)]
        rows.append([button(f"📜 {number}. {shorten(ref, 40)}", hit_target(pack, hit), pack)])
    rows.append(pager_row(pack, page, pages, lambda p: cb.SearchPage(token, p)))
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def result_id(kind: str, thing: Any) -> str:
    """Stable, unique and short (<= 64 bytes): ``f:<figure id>`` or ``p:<section>:<line>:<footnote>``."""
    if kind == "figure":
        return f"f:{thing.id}"
    return f"p:{thing.id}:{thing.line or 0}:{thing.footnote or 0}"


def _article(result_id: str, title: str, text: str, description: str, keyboard: Any = None
             ) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=shorten(title, 100),
        description=shorten(description, 120),
        input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML),
        reply_markup=keyboard,
    )


def figure_article(pack: Any, tr: Translator, fig: Any) -> InlineQueryResultArticle:
    """A figure card to insert into any chat (no buttons: they would outlive the pack's fingerprint)."""
    value = figure_value(fig, tr)
    description = value if value is not None else tr.gettext("not given yet")
    if fig.period:
        description += f" ({fig.period})"
    return _article(result_id("figure", fig), "📊 " + fig.label, card_text(pack, fig, tr, with_quote=True, trail=False),
                    description)


def passage_article(pack: Any, tr: Translator, hit: Any) -> InlineQueryResultArticle:
    """A passage with its reference, to insert into any chat.

    No bold: the people who read the inserted message did not search for anything."""
    ref = hit_reference(pack, hit)
    text, _ = excerpt(hit.text, [], INLINE_PASSAGE_CHARS)
    body = "\n".join([f"📜 <i>{esc(ref)}</i>", "", esc(text)])
    return _article(result_id("passage", hit), "📜 " + ref, body, hit.text)


def inline_results(pack: Any, tr: Translator, query: str, hits: Sequence[Any],
                   offset: int = 0, limit: int = INLINE_MAX) -> tuple[list[InlineQueryResultArticle], bool]:
    """One page of articles (figures and passages, ids unique) and whether more follow.

    An empty query shows the headline figures. Only the requested page is rendered."""
    chosen: list[tuple[str, Any]] = []
    seen: set[str] = set()
    if not query.strip():
        candidates = [("figure", f) for f in pack.headline_figures()]
    else:
        candidates = [(h.kind, pack.figures[h.id] if h.kind == "figure" else h) for h in hits
                      if (h.kind == "figure" and h.id in pack.figures)
                      or (h.kind == "passage" and h.id in pack.sections)]
    for kind, thing in candidates:
        rid = result_id(kind, thing)
        if rid not in seen and len(rid.encode()) <= 64:
            seen.add(rid)
            chosen.append((kind, thing))
    page = chosen[offset : offset + limit]
    articles = [figure_article(pack, tr, thing) if kind == "figure" else passage_article(pack, tr, thing)
                for kind, thing in page]
    return articles, offset + limit < len(chosen)
