"""Meaning-level checks of the text around the figures (see bot/content/fidelity.py): every number a
footnote or a note states can be looked up as a figure, and an item says no more than the passages it
cites (claim words, hedges on numbers, narrowing words, forecast statuses).
"""

from __future__ import annotations

import re
from collections import Counter

from bot.content.folding import fold
from bot.content.model import ContentPack, Figure
from bot.content.numbers import NUMBER_RUN_RE, quantity_runs, run_kind, run_parts, value_spans
from bot.content.passages import (
    clause_after,
    has_phrase,
    hedge_before,
    prefix_scope,
    reference_words,
    sentence_bounds,
)
from bot.content.schema import Wording

# -- numbers a cadre can look up ------------------------------------------------------------------


def _parts(figures: list[Figure]) -> Counter[str]:
    """The numbers a cadre finds a figure by: its value, and those its qualifier ("1 trong 2"),
    unit ("/10.000 dân") and label ("dưới 5 tuổi") name."""
    out: Counter[str] = Counter()
    for figure in figures:
        if figure.value:
            out.update(run_parts(figure.value))
        for text in (figure.qualifier, figure.unit, figure.label):
            for match in NUMBER_RUN_RE.finditer(text or ""):
                out.update(run_parts(match.group()))
    return out


def _text_parts(text: str, refs: tuple[str, ...]) -> Counter[str]:
    return Counter(p for run in quantity_runs(text, refs) for p in run_parts(run))


def check_reachable(pack: ContentPack, errors: list[str]) -> None:
    refs = reference_words(pack)
    citing: dict[int, list[Figure]] = {}
    by_place: dict[tuple[str, int | None], list[Figure]] = {}
    for figure in pack.figures.values():
        by_place.setdefault((figure.source, figure.footnote), []).append(figure)
        linked = [pack.figures[c.figure] for c in figure.compare if c.figure in pack.figures]
        if figure.footnote is not None:
            citing.setdefault(figure.footnote, []).extend([figure, *linked])
        if figure.status_basis is not None and figure.status_basis.footnote is not None:
            citing.setdefault(figure.status_basis.footnote, []).append(figure)
    source_file = pack.root / pack.meta.source_file
    for number, footnote in pack.footnotes.items():
        if number not in citing:
            continue  # the coverage check names footnotes no figure cites
        uncited = _text_parts(footnote.text, refs) - _parts(list({f.id: f for f in citing[number]}.values()))
        if uncited:
            line = pack.source.footnotes[number].line if number in pack.source.footnotes else 1
            errors.append(
                f"{source_file}:{line}: footnote {number} states {sorted(uncited.elements())} that no figure "
                f"citing it (footnote: {number}) has as its value; add figures so a cadre can look them up"
            )
    for figure in pack.figures.values():
        if not figure.note:
            continue
        near = by_place.get((figure.source, figure.footnote), []) + [
            pack.figures[c.figure] for c in figure.compare if c.figure in pack.figures]
        missing = set(_text_parts(figure.note, refs)) - set(_parts([figure, *near]))
        if missing:
            errors.append(pack.origins[("figure", figure.id)].at(
                f"figure '{figure.id}': note states {sorted(set(missing))} that no figure of the same passage "
                "has as its value; add the figures (or compare with them) so they can be looked up"
            ))
    for note in pack.notes:
        linked = [pack.figures[f] for f in note.figures if f in pack.figures]
        missing = set(_text_parts(note.title + " " + note.text, refs)) - set(_parts(linked))
        if missing:
            errors.append(pack.origins[("note", note.id)].at(
                f"note '{note.id}': states {sorted(set(missing))} that none of its figures has as its value; "
                "link the figures that carry them (figures:)"
            ))


# -- items ----------------------------------------------------------------------------------------


def _item_passages(pack: ContentPack, section_ids: list[str]) -> list[str]:
    texts = [pack.section_text(s, with_children=True) for s in section_ids]
    for section_id in section_ids:
        texts += [pack.footnotes[n].text for n in pack.section_footnotes(section_id, with_children=True)]
    return texts


def _hedged(text: str, start: int, end: int, wording: Wording) -> bool:
    if hedge_before(text, start, wording.hedges):
        return True
    first, last = sentence_bounds(text, start, end)
    scope = prefix_scope(text[first:start]) + " " + clause_after(text[end:last])
    return has_phrase(scope, wording.sentence_hedges)


def unsupported_claims(text: str, folded_passages: str, claims: list[str]) -> list[str]:
    """Claim words of ``text`` (with the word after them, within the sentence) that the passages,
    folded and padded with spaces, do not contain."""
    out = []
    for sentence in re.split(r"[.;:!?]\s", text):
        words = fold(sentence).split()
        for claim in claims:
            claim_words = fold(claim).split()
            n = len(claim_words)
            for i in range(len(words) - n + 1):
                if words[i : i + n] == claim_words:
                    phrase = " ".join(words[i : i + n + 1])
                    if f" {phrase} " not in folded_passages:
                        out.append(phrase)
    return out


def dropped_narrowing(text: str, passages: list[str], narrowing: list[str]) -> list[tuple[str, str]]:
    """(narrowing word, the words it governs) the passages write together and ``text`` repeats
    without the narrowing word: "bước đầu thu hút được các dự án" summarised "thu hút được các dự án"."""
    words = fold(text).split()
    folded = " " + " ".join(fold(t) for t in passages) + " "
    found = []
    for passage_text in passages:
        ptoks = fold(passage_text).split()
        for word in narrowing:
            head = fold(word).split()
            n = len(head)
            for i in range(len(ptoks) - n - 2):
                if ptoks[i : i + n] != head:
                    continue
                governed = ptoks[i + n : i + n + 3]
                for j in range(len(words) - 2):
                    if words[j : j + 3] != governed:
                        continue
                    before = " " + " ".join(words[max(0, j - 5) : j]) + " "
                    if any(f" {' '.join(fold(w).split())} " in before for w in narrowing):
                        continue  # narrowed in the item too
                    if j >= 2 and f" {' '.join(words[j - 2 : j + 3])} " in folded:
                        continue  # the item repeats another place of the passages word for word
                    found.append((word, " ".join(governed)))
    return sorted(set(found))


def check_items(pack: ContentPack, errors: list[str]) -> None:
    wording = pack.meta.wording
    refs = reference_words(pack)
    for item in pack.items.values():
        cited = [s for s in (item.source, *item.sections) if s in pack.sections]
        texts = _item_passages(pack, cited)
        folded = " " + " ".join(fold(t) for t in texts) + " "
        at = pack.origins[("item", item.id)].at
        fields = [("title", item.title), ("summary", item.summary), *(("point", p) for p in item.points)]
        for label, text in fields:
            for word, governed in dropped_narrowing(text, texts, wording.narrowing):
                errors.append(at(
                    f"item '{item.id}': {label} says {governed!r} without the report's {word!r}; keep it"
                ))
            for phrase in unsupported_claims(text, folded, wording.claims):
                errors.append(at(
                    f"item '{item.id}': {label} claims {phrase!r}, which the passages it cites do not say; "
                    "use the report's own words"
                ))
            for figure_id in item.figures:
                figure = pack.figures.get(figure_id)
                if (figure is not None and figure.status_forecast and figure.status
                        and has_phrase(text, wording.status_words.get(figure.status, []))
                        and not has_phrase(text, wording.forecasts)):
                    errors.append(at(
                        f"item '{item.id}': {label} states the status of '{figure_id}' as settled; the report "
                        f"gives it as a forecast ({wording.forecasts[0]!r}): say so"
                    ))
            for match in NUMBER_RUN_RE.finditer(text):
                if run_kind(text, match.start(), match.end(), refs) != "quantity":
                    continue
                places = [(t, s, e) for t in texts for s, e in value_spans(match.group(), t)]
                if places and all(_hedged(t, s, e, wording) for t, s, e in places) and not _hedged(
                    text, match.start(), match.end(), wording
                ):
                    errors.append(at(
                        f"item '{item.id}': {label} states {match.group()} without the hedge the report "
                        "gives it (ước, dự kiến, khoảng, gần, trên, cơ bản…); keep the hedge"
                    ))
