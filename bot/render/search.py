"""Search results and inline-mode articles: ranked passages with the matched words in bold.

Hits come from bot.content.search (SearchIndex). Highlight offsets refer to the plain passage text,
so each excerpt is escaped piece by piece around the spans (render.text.highlight), never after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.content import ContentPack, Figure, Item
from bot.content.search import Hit, scope
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render import nav
from bot.render.common import Page, Row, back_home_row, button, markup, page_slice, pager_row, usage_page
from bot.render.figures import card_text, figure_buttons, figure_card, lookup_examples
from bot.render.menu import item_card
from bot.render.numbers import figure_value
from bot.render.original import part_of
from bot.render.reader import ReaderLink
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


def hit_reference(pack: ContentPack, hit: Hit, lang: str | None = None) -> str:
    return pack.reference(hit.id, hit.footnote, lang) if hit.id in pack.sections else hit.id


def hit_target(pack: ContentPack, hit: Hit) -> cb.Original:
    """The part of the section's original text that holds the hit."""
    return cb.Original(hit.id, part_of(pack, hit.id, line=hit.line, footnote=hit.footnote))


def search_usage(pack: ContentPack, tr: Translator, examples: Sequence[str]) -> Page:
    return usage_page(pack, tr, tr.gettext("Search the report"),
                      tr.gettext("Send /search followed by a few words, for example:"), "search", examples,
                      tr.gettext("Words may be typed without diacritics."))


def results_page(pack: ContentPack, tr: Translator, query: str, hits: Sequence[Hit], spans: Spans, token: str,
                 page: int = 0, partial: bool = False) -> Page:
    """One page of ranked passages: reference, excerpt with matches in bold, a button to open each.
    ``partial``: no passage holds every word asked, these hold some (said so above them)."""
    shown, page, pages = page_slice(list(hits), page, RESULTS_PER_PAGE)
    title = esc(tr.gettext("Search: “{query}”").format(query=shorten(query, 80)))
    lines = [f"🔎 <b>{title}</b>"]
    if partial:
        lines.append(esc(tr.gettext("No passage of the report holds all these words; these hold some of them.")))
    lines.append(esc(tr.ngettext("{n} passage found", "{n} passages found", len(hits)).format(
        n=tr.number(len(hits)))))
    rows: list[Row] = []
    for number, hit in enumerate(shown, start=page * RESULTS_PER_PAGE + 1):
        text, marks = excerpt(hit.text, spans(hit.text, query), EXCERPT_CHARS)
        ref = hit_reference(pack, hit, tr.lang)
        lines += ["", f"<b>{number}.</b> <i>{esc(ref)}</i>", highlight(text, marks)]
        rows.append([button(f"📜 {number}. {shorten(ref, 40)}", hit_target(pack, hit), pack)])
    rows.append(pager_row(pack, page, pages, lambda p: cb.SearchPage(token, p)))
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def result_id(thing: Figure | Hit) -> str:
    """Stable, unique and short (<= 64 bytes): ``f:<figure id>`` or ``p:<section>:<line>:<footnote>``."""
    if isinstance(thing, Hit):  # a passage
        return f"p:{thing.id}:{thing.line or 0}:{thing.footnote or 0}"
    return f"f:{thing.id}"


def _article(result_id: str, title: str, text: str, description: str, keyboard: InlineKeyboardMarkup | None = None
             ) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=shorten(title, 100),
        description=shorten(description, 120),
        input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML),
        reply_markup=keyboard,
    )


def figure_article(pack: ContentPack, tr: Translator, fig: Figure) -> InlineQueryResultArticle:
    """A figure card to insert into any chat (no buttons: they would outlive the pack's fingerprint)."""
    words = pack.figure_text(fig.id, tr.lang)
    value = figure_value(fig, tr, words, rank=pack.role(fig) == "rank")
    description = value if value is not None else tr.gettext("not given yet")
    if words.period:
        description += f" ({words.period})"
    return _article(result_id(fig), "📊 " + words.label,
                    card_text(pack, fig, tr, with_quote=True, trail=False), description)


def passage_article(pack: ContentPack, tr: Translator, hit: Hit) -> InlineQueryResultArticle:
    """A passage with its reference, to insert into any chat.

    No bold: the people who read the inserted message did not search for anything."""
    ref = hit_reference(pack, hit, tr.lang)
    text, _ = excerpt(hit.text, [], INLINE_PASSAGE_CHARS)
    body = "\n".join([f"📜 <i>{esc(ref)}</i>", "", esc(text)])
    return _article(result_id(hit), "📜 " + ref, body, hit.text)


def inline_results(pack: ContentPack, tr: Translator, query: str, hits: Sequence[Hit],
                   offset: int = 0, limit: int = INLINE_MAX) -> tuple[list[InlineQueryResultArticle], bool]:
    """One page of articles (figures and passages, ids unique) and whether more follow.

    An empty query shows the headline figures. Only the requested page is rendered."""
    chosen: list[Figure | Hit] = []  # figures, and passages (hits)
    seen: set[str] = set()
    candidates: list[Figure | Hit]
    if not query.strip():
        candidates = list(pack.headline_figures())
    else:
        candidates = [pack.figures[h.id] if h.kind == "figure" else h for h in hits
                      if (h.kind == "figure" and h.id in pack.figures)
                      or (h.kind == "passage" and h.id in pack.sections)]
    for thing in candidates:
        rid = result_id(thing)
        if rid not in seen and len(rid.encode()) <= 64:
            seen.add(rid)
            chosen.append(thing)
    page = chosen[offset : offset + limit]
    articles = [passage_article(pack, tr, thing) if isinstance(thing, Hit) else figure_article(pack, tr, thing)
                for thing in page]
    return articles, offset + limit < len(chosen)


# --- what a question gets when the report does not answer it (bot.content.search.scope) -------------

#: Near figures offered as buttons under "perhaps you need" (TELEGRAM.md: keep keyboards short).
NEAR_BUTTONS = 4


def _near_rows(pack: ContentPack, tr: Translator, near: Sequence[Hit]) -> list[Row]:
    """The near figures as buttons, two that would read the same told apart (by value or period), or
    shown once when nothing tells them apart (the same fact cited in two places of the report)."""
    figures = [pack.figures[h.id] for h in near if h.kind == "figure" and h.id in pack.figures]
    rows = figure_buttons(pack, figures[:NEAR_BUTTONS], tr, nav.TYPED)
    first: dict[str, Row] = {}
    for row in rows:
        first.setdefault(row[0].text, row)
    return list(first.values())


def _honest_lines(pack: ContentPack, tr: Translator, result: scope.Lookup | scope.TextSearch) -> list[str]:
    """What the report does not give, in words: another place, nobody's name, no figure on it."""
    if result.outcome == scope.OTHER_PLACE:
        return [esc(tr.gettext("The report only has figures for {province} province, not for {place}.").format(
            province=pack.meta_text(tr.lang).province, place=result.place))]
    assert isinstance(result, scope.Lookup)  # a /search (TextSearch) comes here only for another place
    about = shorten(result.about, 80)
    lines = [esc(tr.gettext("The report has no figure on “{about}”.").format(about=about))]
    if result.person:
        lines.append(esc(tr.gettext("It names no one: ask about a figure, a target or a task instead.")))
    return lines


def honest_page(pack: ContentPack, tr: Translator, result: scope.Lookup, search: cb.SearchPage | None = None) -> Page:
    """Not in the report: say so, offer up to four near figures and a text search; never silence."""
    lines = ["ℹ️ " + _honest_lines(pack, tr, result)[0], *_honest_lines(pack, tr, result)[1:]]
    rows = _near_rows(pack, tr, result.near)
    if result.outcome == scope.NOT_FOUND:
        lines += ["", esc(tr.gettext("Try fewer words or an abbreviation, or /search to find the words in "
                                     "the report's text."))]
    if rows:
        lines += ["", esc(tr.gettext("Perhaps you need:"))]
    if search is not None:
        rows.append([button(tr.gettext("🔎 Search the report's text"), search, pack)])
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def missing_words_page(pack: ContentPack, tr: Translator, query: str, result: scope.TextSearch) -> Page:
    """/search for words the report never uses: name them, offer near figures."""
    title = esc(tr.gettext("Search: “{query}”").format(query=shorten(query, 80)))
    words = ", ".join(f"“{w}”" for w in result.missing)
    lines = [f"🔎 <b>{title}</b>", esc(tr.gettext("The report never uses: {words}.").format(words=shorten(words, 120)))]
    if result.outcome == scope.OTHER_PLACE:
        lines = [f"🔎 <b>{title}</b>", *_honest_lines(pack, tr, result)]
    rows = _near_rows(pack, tr, result.near)
    if rows:
        lines += ["", esc(tr.gettext("Perhaps you need:"))]
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def greeting_page(pack: ContentPack, tr: Translator, thanks: bool) -> Page:
    """A greeting or thanks: greet back in one line, with examples to tap."""
    if thanks:
        text = tr.gettext("You are welcome, comrade. Ask me anything else about the report, for example:")
    else:
        text = tr.gettext("Hello, comrade! Ask me about a figure, a target or a task of the {kind}, "
                          "for example:").format(kind=pack.meta_text(tr.lang).document_kind)
    examples = lookup_examples(pack)
    lines = [esc(text), *(f"<code>{esc(e)}</code>" for e in examples)]
    rows: list[Row] = [[InlineKeyboardButton("🔎 " + shorten(e, 40), switch_inline_query_current_chat=e)]
                       for e in examples[:3]]
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)


def lookup_page(pack: ContentPack, tr: Translator, result: scope.Lookup, search: cb.SearchPage | None = None,
                reader: ReaderLink | None = None) -> Page | None:
    """The answer to a figure question (private chat, /figure) from ``SearchIndex.lookup``: the figure
    card (other matches as buttons), the item card, or an honest "not in the report". None: usage."""
    if result.outcome == scope.FIGURE and result.hits[0].id in pack.figures:
        others = [pack.figures[h.id] for h in (*result.hits[1:], *result.near) if h.id in pack.figures]
        return figure_card(pack, tr, result.hits[0].id, others=others[:NEAR_BUTTONS])
    if result.outcome == scope.ITEM and result.hits[0].id in pack.items:
        return item_card(pack, tr, result.hits[0].id, back=nav.TYPED, reader=reader)
    if result.outcome in (scope.GREETING, scope.THANKS):
        return greeting_page(pack, tr, result.outcome == scope.THANKS)
    if result.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE):
        return honest_page(pack, tr, result, search)
    return None


def honest_article(pack: ContentPack, tr: Translator, result: scope.Lookup) -> InlineQueryResultArticle:
    """Inline mode, out of scope: one article that says so (and lists the near figures), rather than
    unrelated cards."""
    lines = _honest_lines(pack, tr, result)
    figures = [pack.figures[h.id] for h in result.near if h.id in pack.figures][:NEAR_BUTTONS]
    if figures:
        lines += ["", esc(tr.gettext("Perhaps you need:"))]
        lines += [f"• {esc(pack.figure_text(f.id, tr.lang).label)}" for f in figures]
    title = parse_plain(lines[0])
    description = (", ".join(pack.figure_text(f.id, tr.lang).label for f in figures)
                   or pack.meta_text(tr.lang).document_kind)
    return _article(f"x:{result.outcome}", "ℹ️ " + title, "\n".join(lines), description)


def greeting_article(pack: ContentPack, tr: Translator, thanks: bool) -> InlineQueryResultArticle:
    text, _ = greeting_page(pack, tr, thanks)
    return _article("x:greeting", "👋 " + parse_plain(text.split("\n")[0]), text, ", ".join(lookup_examples(pack)))


def item_article(pack: ContentPack, tr: Translator, item: Item) -> InlineQueryResultArticle:
    """An item's card to insert into any chat (text only)."""
    words = pack.item_text(item.id, tr.lang)
    page = item_card(pack, tr, item.id, back=nav.TYPED)
    text = page[0] if page is not None else esc(words.title)
    return _article(f"i:{item.id}", "📄 " + words.title, text, words.summary)


def parse_plain(html: str) -> str:
    """The text of one line of our own HTML (for titles and descriptions, which are plain text)."""
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def inline_answer(pack: ContentPack, tr: Translator, query: str, result: scope.Lookup, passages: Sequence[Hit],
                  offset: int = 0, limit: int = INLINE_MAX) -> tuple[list[InlineQueryResultArticle], bool]:
    """Inline mode under the same rules as a private chat: the answering figures (or the item) first,
    then passages holding every word; out of scope, one article that says so (then such passages).
    Only the requested page is rendered."""
    lead: list[InlineQueryResultArticle] = []
    hits: list[Hit] = list(passages)
    if result.outcome == scope.FIGURE:
        hits = [*result.hits, *passages]
    elif result.outcome == scope.ITEM and result.hits[0].id in pack.items:
        lead = [item_article(pack, tr, pack.items[result.hits[0].id])]
    elif result.outcome in (scope.GREETING, scope.THANKS):
        lead = [greeting_article(pack, tr, result.outcome == scope.THANKS)]
    elif result.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE):
        lead = [honest_article(pack, tr, result)]
    else:
        query = ""  # nothing to look up: the headline figures
    if offset < len(lead):
        shown = lead[offset : offset + limit]
        rest, more = inline_results(pack, tr, query, hits, 0, limit - len(shown))
        return [*shown, *rest], more
    return inline_results(pack, tr, query, hits, offset - len(lead), limit)
