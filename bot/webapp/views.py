"""What the reader's JSON API answers: the pack seen in one language, as plain data.

The reader shows the same things as the bot's cards, in the same words: figure values through
bot/render/numbers.py (as written in Vietnamese, re-formatted in English), statuses, comparisons,
notes and references from the pack's overlay, the same msgids for the same labels. Nothing here is
HTML: the page puts every string in with ``textContent``, so nothing needs escaping and nothing can
inject markup. The original text stays Vietnamese in every language, marked so.

Pure module: no web framework.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.content.search import scope
from bot.i18n import Translator
from bot.render.figures import (
    RELATION_LABELS,
    ROLE_LABELS,
    lookup_examples,
    notes_on,
    shown_value,
    status_label,
)
from bot.render.original import original_mark, section_title
from bot.render.text import excerpt, shorten
from bot.webapp.text import Run, paragraph_runs, section_figures

if TYPE_CHECKING:
    from bot.content.pack import ContentPack, Figure
    from bot.content.search import Hit, SearchIndex

JSON = dict[str, Any]

_NUMBERING_RE = re.compile(r"^[IVXLC\d.]+$")
#: Passages a search returns (the bot's /search keeps 30 too).
SEARCH_PASSAGES = 30
#: Characters of a passage shown in a result, around the matched words.
SNIPPET_CHARS = 260
#: Figures offered when the report has no answer, as the bot offers them.
NEAR_FIGURES = 4


def notice(pack: ContentPack, tr: Translator) -> str | None:
    """The draft's status line (meta.yaml ``status_notice``), or None for a final document."""
    if pack.meta.status != "draft":
        return None
    return pack.meta_text(tr.lang).status_notice


def meta_view(pack: ContentPack, tr: Translator) -> JSON:
    words = pack.meta_text(tr.lang)
    return {"title": words.title, "kind": words.document_kind, "committee": words.committee,
            "congress": words.congress, "term": pack.meta.term, "notice": notice(pack, tr),
            "version": pack.meta.version, "original": original_mark(pack, tr)}


def heading(pack: ContentPack, section_id: str, lang: str) -> str:
    """``I.1.1. Công nghiệp - xây dựng`` where the report numbers the section; its name alone where the
    label is words ("Phần I", "Mở đầu", "II.2, chỉ tiêu (9)": the name says it again), as the bot's
    buttons do (bot/render/original.py)."""
    if _NUMBERING_RE.match(pack.section_label(section_id, lang)):
        return section_title(pack.sections[section_id], pack, lang)
    return pack.section_title(section_id, lang)


def toc_view(pack: ContentPack, tr: Translator) -> list[JSON]:
    """Every section in the report's order, with its depth (the page indents by it)."""
    return [{"id": s.id, "heading": heading(pack, s.id, tr.lang), "level": s.level,
             "text": bool(s.paragraphs)} for s in pack.sections.values()]


def _neighbours(pack: ContentPack, section_id: str) -> tuple[str | None, str | None]:
    order = list(pack.sections)
    at = order.index(section_id)
    return (order[at - 1] if at > 0 else None, order[at + 1] if at + 1 < len(order) else None)


def citation(pack: ContentPack, tr: Translator, section_id: str, footnote: int | None = None) -> str:
    """What "copy with citation" puts after a paragraph: the document and the place in it."""
    words = pack.meta_text(tr.lang)
    return tr.gettext("{document}, {committee}; {reference}").format(
        document=words.document_kind, committee=words.committee,
        reference=pack.reference(section_id, footnote, tr.lang))


def section_view(pack: ContentPack, tr: Translator, section_id: str) -> JSON | None:
    """A section: its place, its curated summary, its paragraphs and footnotes with markers and
    figures placed, and the cards of those figures (a tap opens one without another request)."""
    section = pack.sections.get(section_id)
    if section is None:
        return None
    lang = tr.lang
    own, in_notes = section_figures(pack, section_id)
    placed: list[str] = []
    paragraphs: list[JSON] = []
    for p in section.paragraphs:
        plain, runs, ids = paragraph_runs(p.text, own)
        placed += ids
        paragraphs.append({"line": p.line, "runs": runs, "plain": plain})
    footnotes: list[JSON] = []
    for number in section.footnotes:
        note = pack.footnotes.get(number)
        if note is None:
            continue
        plain, runs, ids = paragraph_runs(note.text, in_notes.get(number, []))
        placed += ids
        footnotes.append({"n": number, "runs": runs, "plain": plain,
                          "cite": citation(pack, tr, section_id, number)})
    trail: list[JSON] = []
    parent = section.parent
    while parent is not None:
        trail.insert(0, {"id": parent, "heading": heading(pack, parent, lang)})
        parent = pack.sections[parent].parent
    before, after = _neighbours(pack, section_id)
    items = sorted(pack.items_for_section(section_id), key=lambda i: i.source != section_id)
    return {
        "id": section.id,
        "heading": heading(pack, section.id, lang),
        "reference": pack.reference(section.id, lang=lang),
        "cite": citation(pack, tr, section_id),
        "trail": trail,
        "children": [{"id": c, "heading": heading(pack, c, lang)} for c in section.children],
        "prev": before,
        "next": after,
        "summary": [item_view(pack, tr, item.id) for item in items],
        "paragraphs": paragraphs,
        "footnotes": footnotes,
        "figures": {fid: figure_view(pack, tr, fid) for fid in dict.fromkeys(placed)},
    }


def item_view(pack: ContentPack, tr: Translator, item_id: str) -> JSON:
    item = pack.items[item_id]
    words = pack.item_text(item_id, tr.lang)
    return {"id": item.id, "title": words.title, "summary": words.summary, "points": list(words.points),
            "section": item.source}


def _value(pack: ContentPack, fig: Figure, tr: Translator) -> str | None:
    return shown_value(pack, fig, tr)


def figure_view(pack: ContentPack, tr: Translator, figure_id: str) -> JSON | None:
    """A figure's card: value with its hedge, period, status as stated, comparisons, notes, the exact
    sentence (Vietnamese), where it stands."""
    fig = pack.figures.get(figure_id)
    if fig is None:
        return None
    lang = tr.lang
    words = pack.figure_text(fig.id, lang)
    compare = []
    for c in fig.compare:
        other = pack.figures.get(c.figure)
        if other is None:
            continue
        other_words = pack.figure_text(other.id, lang)
        relation = tr.gettext(RELATION_LABELS.get(c.relation, RELATION_LABELS["related"]))
        compare.append({"id": other.id, "relation": relation, "label": other_words.label,
                        "value": _value(pack, other, tr), "period": other_words.period})
    notes = [{"title": pack.note_text(n.id, lang).title, "text": pack.note_text(n.id, lang).text}
             for n in notes_on(pack, [fig.id])]
    return {
        "id": fig.id,
        "label": words.label,
        "kind": tr.gettext(ROLE_LABELS[pack.role(fig)]),
        "period": words.period,
        "value": _value(pack, fig, tr),
        "status": status_label(fig, tr),
        "notice": notice(pack, tr) if pack.role(fig) == "target" else None,
        "note": words.note,
        "notes": notes,
        "compare": compare,
        "quote": fig.quote,
        "reference": pack.figure_reference(fig, lang),
        "section": fig.source,
        "footnote": fig.footnote,
        "items": [{"id": i.id, "title": pack.item_text(i.id, lang).title, "section": i.source}
                  for i in pack.citing_items.get(fig.id, [])[:3]],
    }


def _mini_figure(pack: ContentPack, tr: Translator, figure_id: str) -> JSON:
    fig = pack.figures[figure_id]
    words = pack.figure_text(figure_id, tr.lang)
    return {"id": figure_id, "label": words.label, "value": _value(pack, fig, tr), "period": words.period}


def _snippet(pack: ContentPack, tr: Translator, index: SearchIndex, hit: Hit, query: str) -> JSON:
    text, marks = excerpt(hit.text, index.highlight(hit.text, query), SNIPPET_CHARS)
    merged: list[tuple[int, int]] = []
    for a, b in marks:  # words side by side read as one mark: "thu nhập bình quân", not four
        if merged and not text[merged[-1][1] : a].strip():
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    marks = merged
    runs: list[Run] = []
    pos = 0
    for a, b in marks:
        if a > pos:
            runs.append({"t": text[pos:a]})
        runs.append({"t": text[a:b], "m": 1})
        pos = b
    if pos < len(text):
        runs.append({"t": text[pos:]})
    return {"section": hit.id, "line": hit.line, "footnote": hit.footnote,
            "reference": pack.reference(hit.id, hit.footnote, tr.lang), "runs": runs}


def search_view(pack: ContentPack, tr: Translator, index: SearchIndex, query: str) -> JSON:
    """The reader's search, with the bot's engine and the bot's honesty: the figures that answer the
    question (``lookup``), the passages holding its words (``text_search``), and when the report
    has no answer, that it has none, in the bot's words, with the figures nearest to it."""
    query = " ".join(query.split())
    out: JSON = {"query": query, "outcome": scope.EMPTY, "messages": [], "figures": [], "item": None,
                 "near": [], "passages": []}
    if not query:
        return out
    found = index.text_search(query, limit=SEARCH_PASSAGES)
    answer = index.lookup(query)
    out["outcome"] = found.outcome
    messages: list[str] = out["messages"]
    if answer.outcome == scope.FIGURE:
        out["figures"] = [_mini_figure(pack, tr, h.id) for h in answer.hits if h.id in pack.figures]
    item_hit = found.hits[0] if found.outcome == scope.ITEM else answer.answer if answer.outcome == scope.ITEM else None
    if item_hit is not None and item_hit.id in pack.items:
        out["item"] = item_view(pack, tr, item_hit.id)
    if found.outcome in (scope.GREETING, scope.THANKS):
        messages.append(tr.gettext("You are welcome, comrade. Ask me anything else about the report, for example:")
                        if found.outcome == scope.THANKS else
                        tr.gettext("Hello, comrade! Ask me about a figure, a target or a task of the {kind}, "
                                   "for example:").format(kind=pack.meta_text(tr.lang).document_kind))
        out["examples"] = lookup_examples(pack)
        return out
    place = found.place if found.outcome == scope.OTHER_PLACE else answer.place if (
        answer.outcome == scope.OTHER_PLACE) else None
    if place:
        messages.append(tr.gettext("The report only has figures for {province} province, not for {place}.").format(
            province=pack.meta_text(tr.lang).province, place=place))
    if found.outcome == scope.NOT_FOUND:
        words = ", ".join(f"“{w}”" for w in found.missing)
        messages.append(tr.gettext("The report never uses: {words}.").format(words=shorten(words, 120)))
    elif answer.outcome == scope.NOT_FOUND and out["item"] is None:
        messages.append(tr.gettext("The report has no figure on “{about}”.").format(about=shorten(answer.about, 80)))
    if answer.person:
        messages.append(tr.gettext("It names no one: ask about a figure, a target or a task instead."))
    if found.outcome == scope.PARTIAL:
        messages.append(tr.gettext("No passage of the report holds all these words; these hold some of them."))
    if found.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE) or (
            answer.outcome in (scope.NOT_FOUND, scope.OTHER_PLACE) and not out["figures"]):
        near = [h.id for h in (*found.near, *answer.near) if h.kind == "figure" and h.id in pack.figures]
        out["near"] = [_mini_figure(pack, tr, fid) for fid in list(dict.fromkeys(near))[:NEAR_FIGURES]]
    if found.outcome in (scope.PASSAGES, scope.PARTIAL):
        hits = [h for h in found.hits if h.id in pack.sections]
        out["passages"] = [_snippet(pack, tr, index, h, query) for h in hits]
        out["count"] = tr.ngettext("{n} passage found", "{n} passages found", len(hits)).format(
            n=tr.number(len(hits)))
    return out
