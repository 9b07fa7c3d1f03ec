"""Meaning-level checks: a card must mean what the report means, not only quote it.

The verbatim checks (bot/content/checks.py) prove that each quote is in the report and each value in
its quote. These prove the rest of what a cadre reads:

- aliases name the figure's own indicator (every alias word stands in its label, unit or value
  clause, or is an abbreviation, a synonym or a question word of the search lexicon);
- a hedge before the value is carried once ("khoảng 900 nghìn con", never "(khoảng)" again), an
  estimate or forecast governing the value ("ước", "dự kiến") is carried, and a status the report
  states as a forecast is marked as one;
- figures compared as target/result/baseline/previous measure the same thing (same `basis`);
- values are quantities (no years, document or list numbers) and a place in a ranking is
  `kind: rank` (rendered with "thứ"), its unit the scope that follows it in the report;
- periods are the report's, and one fact has one period;
- every number a note or a footnote states can be looked up as a figure, and an item does not claim
  more than the passages it cites (bot/content/fidelity_items.py).

The words these checks read are the pack's (meta.yaml `wording`, Vietnamese by default).
"""

from __future__ import annotations

from collections.abc import Collection

from bot.content.fidelity_items import check_items, check_reachable
from bot.content.folding import canonical_number, fold, is_number, tokens
from bot.content.lexicon import SearchLexicon
from bot.content.model import ContentPack, Figure
from bot.content.numbers import (
    NUMBER_RUN_RE,
    is_year_run,
    normal_run,
    run_kind,
    value_spans,
    years_in,
)
from bot.content.passages import (
    has_phrase,
    has_words,
    hedge_before,
    known_place,
    marker_sentence,
    passage,
    quote_sentences,
    reference_words,
    value_clause,
    value_position,
    value_scope,
)
from bot.content.schema import Wording
from bot.content.source import normalize_text

# Relations that put two numbers side by side as the same measure.
LIKE_FOR_LIKE = {"target", "result", "baseline", "previous"}


def check_meaning(pack: ContentPack, errors: list[str]) -> None:
    wording = pack.meta.wording
    lexicon = _lexicon(pack)
    for figure in pack.figures.values():
        if not known_place(pack, figure.source, figure.footnote):
            continue  # reported by the verbatim checks
        found: list[str] = []
        _check_aliases(pack, figure, lexicon, found)
        _check_hedges(pack, figure, wording, found)
        _check_status(pack, figure, wording, found)
        _check_basis(pack, figure, wording, found)
        _check_quantity(pack, figure, wording, found)
        _check_period(pack, figure, found)
        at = pack.origins[("figure", figure.id)].at
        errors.extend(at(f"figure '{figure.id}': {message}") for message in found)
    _check_one_fact_one_period(pack, errors)
    check_reachable(pack, errors)
    check_items(pack, errors)


def _lexicon(pack: ContentPack) -> SearchLexicon:
    return pack.lexicon  # loaded once with the pack; a broken search.yaml is reported on its own


def find_phrases(words: list[str], phrases: Collection[tuple[str, ...]], max_len: int) -> list[tuple[int, int]]:
    """Greedy longest-first spans ``(start, end)`` of ``words`` that are in ``phrases``."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in range(min(max_len, len(words) - i), 0, -1):
            if tuple(words[i : i + n]) in phrases:
                spans.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return spans


def _neutral_words(lexicon: SearchLexicon) -> frozenset[tuple[str, ...]]:
    """Words an alias may carry without naming anything: function words, question words, fillers."""
    return frozenset((*lexicon.stopwords, *lexicon.question_words, *lexicon.optional_words))


# -- aliases --------------------------------------------------------------------------------------


def _ground_tokens(pack: ContentPack, figure: Figure) -> list[str]:
    """The words an alias may use: the figure's label, unit, value and period, the quote's clause
    about the value, the section title, and the label and unit of its translations (an English alias
    names the figure in the words of its English label)."""
    title = pack.sections[figure.source].title
    texts = [figure.label, figure.unit, figure.value, figure.period, value_clause(figure), title]
    for overlay in pack.overlays.values():
        if figure.id in overlay.figures:
            texts += [overlay.figures[figure.id].label, overlay.figures[figure.id].unit]
    text = " ".join(x for x in texts if x)
    return [canonical_number(t) if is_number(t) else t for t in tokens(text)]


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def _initialism(word: str, words: list[str]) -> bool:
    """``tccsd`` stands for "tổ chức cơ sở đảng" when those words stand together in the ground."""
    n = len(word)
    if n < 2 or not word.isalpha():
        return False
    return any("".join(w[0] for w in words[i : i + n]) == word for i in range(len(words) - n + 1))


def ungrounded_words(alias: str, ground: list[str], lexicon: SearchLexicon) -> list[str]:
    """The words of an alias that neither the ground text nor the lexicon accounts for."""
    words = tokens(alias)
    keys = [canonical_number(w) if is_number(w) else w for w in words]
    covered = [k in ground for k in keys]
    neutral = _neutral_words(lexicon)
    longest = max((len(p) for p in (*neutral, *lexicon.synonyms)), default=1)
    for start, end in find_phrases(words, neutral, longest):
        covered[start:end] = [True] * (end - start)
    for start, end in find_phrases(words, lexicon.synonyms.keys(), longest):
        phrase = tuple(words[start:end])
        if any(_contains(ground, alt) for alt in (phrase, *lexicon.synonyms[phrase])):
            covered[start:end] = [True] * (end - start)
    letters = [w for w in ground if not is_number(w)]
    return [w for w, ok in zip(words, covered, strict=True) if not ok and not _initialism(w, letters)]


def _check_aliases(pack: ContentPack, figure: Figure, lexicon: SearchLexicon, found: list[str]) -> None:
    ground = _ground_tokens(pack, figure)
    for alias in figure.aliases:
        missing = ungrounded_words(alias, ground, lexicon)
        if missing:
            found.append(
                f"alias {alias!r}: {missing} stand neither in the label, unit, section title nor the quote's "
                "clause about the value, nor as an abbreviation, synonym or question word in search.yaml; "
                "an alias must name this "
                "figure's own indicator (drop it, or reword it with the figure's words)"
            )


# -- hedges ---------------------------------------------------------------------------------------


def _check_hedges(pack: ContentPack, figure: Figure, wording: Wording, found: list[str]) -> None:
    if figure.unit and has_words(figure.unit, wording.hedges):
        found.append(f"unit {figure.unit!r} carries a hedge; the hedge belongs in `qualifier`, once")
    if figure.value is None:
        return
    quote = normalize_text(figure.quote)
    spans = value_spans(figure.value, quote, figure.unit)
    if not spans:
        return  # reported by the verbatim checks
    runs = [hedge_before(quote, start, wording.hedges + wording.groups) for start, _ in spans]
    scope = value_scope(pack, figure)
    qualifier = figure.qualifier
    if qualifier:
        standing = [run for (start, _), run in zip(spans, runs, strict=True)
                    if _ends_with_words(quote[:start], qualifier)]
        if standing:
            shorter = [run for run in standing if len(run) > len(qualifier)]
            if len(shorter) == len(standing):
                found.append(f"qualifier {qualifier!r} drops part of the hedge before the value "
                             f"({shorter[0]!r}); carry it in full")
        elif not (has_phrase(qualifier, wording.sentence_hedges) and has_phrase(scope, [qualifier])):
            found.append(f"qualifier {qualifier!r} must stand right before the value in the quote "
                         "(or be an estimate word of the value's sentence: 'ước', 'dự kiến')")
    elif all(runs):
        found.append(f"the quote writes {runs[0]!r} right before the value; set qualifier: {runs[0]}")
    if qualifier and any(has_words(figure.label, [h]) for h in wording.hedges + wording.sentence_hedges
                         if has_words(qualifier, [h])):
        found.append(f"label repeats the qualifier {qualifier!r}; carry the hedge once (in `qualifier`)")
    if not _is_target(pack, figure):
        carried = " ".join(x for x in (qualifier, figure.label) if x)
        for hedge in wording.sentence_hedges:
            if has_phrase(scope, [hedge]) and not has_phrase(carried, [hedge]):
                found.append(
                    f"the report writes {hedge!r} in the value's sentence; say so in the label "
                    f"(or qualifier) so the value is not read as settled"
                )


def _is_target(pack: ContentPack, figure: Figure) -> bool:
    """A target is set, not estimated: a target's role (kinds.yaml), or compared by another figure as its
    target."""
    if pack.role(figure) in ("target", "previous_target"):
        return True
    return any(c.figure == figure.id and c.relation == "target"
               for other in pack.figures.values() for c in other.compare)


def _ends_with_words(text: str, words: str) -> bool:
    text, words = text.rstrip().lower(), words.lower()
    return text.endswith(words) and (len(text) == len(words) or not text[-len(words) - 1].isalnum())


# -- status ---------------------------------------------------------------------------------------


def _status_sentences(pack: ContentPack, source: str, footnote: int | None, quote: str) -> str:
    text = quote_sentences(pack, source, footnote, quote)
    if footnote is not None:
        text += " \n" + marker_sentence(pack, footnote)
    return text


def _check_status(pack: ContentPack, figure: Figure, wording: Wording, found: list[str]) -> None:
    if figure.status in (None, "pending"):
        if figure.status_forecast or figure.status_basis:
            found.append("status_forecast and status_basis need a status")
        return
    words = wording.status_words.get(figure.status, [])
    evidence = []
    own = _status_sentences(pack, figure.source, figure.footnote, figure.quote)
    if has_phrase(own, words):
        evidence.append(own)
    basis = figure.status_basis
    if basis is not None:
        if not known_place(pack, basis.source, basis.footnote):
            found.append(f"status_basis cites {basis.source!r}/footnote {basis.footnote}, which does not exist")
        elif normalize_text(basis.quote) not in passage(pack, basis.source, basis.footnote):
            found.append("status_basis quote does not occur verbatim in the passage it cites")
        else:
            stated = _status_sentences(pack, basis.source, basis.footnote, basis.quote)
            if has_phrase(stated, words):
                evidence.append(stated)
            else:
                found.append(f"status_basis does not state {figure.status!r} ({words})")
    if not evidence:
        found.append(
            f"status {figure.status!r} is not stated in the figure's sentence (no {words}); quote the "
            "sentence that states it in status_basis"
        )
        return
    forecast = any(has_phrase(text, wording.forecasts) for text in evidence)
    if forecast and not figure.status_forecast:
        found.append(
            f"the sentence the status rests on states it as a forecast ({wording.forecasts}); "
            "set status_forecast: true"
        )
    elif figure.status_forecast and not forecast:
        found.append("status_forecast is set, but the sentence the status rests on states no forecast")


# -- like for like --------------------------------------------------------------------------------


def _value_segment(figure: Figure) -> str:
    quote = normalize_text(figure.quote)
    where = value_position(figure, quote)
    if where is None:
        return quote
    start = quote.rfind(";", 0, where[0]) + 1
    end = quote.find(";", where[1])
    return quote[start : end if end >= 0 else len(quote)]


def _basis_key(figure: Figure) -> str:
    return fold(figure.basis or "")


def _check_basis(pack: ContentPack, figure: Figure, wording: Wording, found: list[str]) -> None:
    if has_words(_value_segment(figure), wording.exclusions) and not figure.basis:
        found.append(
            f"the quote narrows what the value counts ({wording.exclusions}); write it in `basis` "
            "so the figure is only compared with figures of the same basis"
        )
    for comparison in figure.compare:
        other = pack.figures.get(comparison.figure)
        if other is None or comparison.relation not in LIKE_FOR_LIKE:
            continue
        if _basis_key(figure) != _basis_key(other):
            found.append(
                f"compared as {comparison.relation} with '{other.id}', which counts on another basis "
                f"({figure.basis or 'none given'} / {other.basis or 'none given'}); compare them as "
                "related, with a note, or compare with the figure of the same basis"
            )


# -- quantities and ranks -------------------------------------------------------------------------


def _check_quantity(pack: ContentPack, figure: Figure, wording: Wording, found: list[str]) -> None:
    if figure.value is None:
        return
    if is_year_run(figure.value):
        found.append(
            f"value {figure.value!r} is a year or a span of years, not a quantity; say it in an item's "
            "text, a label or a period instead"
        )
        return
    quote = normalize_text(figure.quote)
    spans = value_spans(figure.value, quote, figure.unit)
    if not spans:
        return
    refs = reference_words(pack)
    kinds = [run_kind(quote, start, end, refs) for start, end in spans]
    if "quantity" not in kinds:
        found.append(
            f"value {figure.value!r} stands in the quote as a {kinds[0]} number, not a quantity; "
            "a figure's value must count or measure something"
        )
    ranked = [
        (start, end) for start, end in spans
        if any(quote[:start].rstrip().lower().endswith(" " + w.lower()) for w in wording.rank_words)
    ]
    if pack.role(figure) == "rank":
        if not ranked:
            found.append(
                f"kind rank, but the quote does not write {wording.rank_words[0]!r} before the value; a group "
                "('nhóm 10', '1 trong 7') is not a place in a ranking: use another kind, with the group "
                "word as qualifier"
            )
        elif figure.unit and not any(
            quote[end:].lstrip().lower().startswith(figure.unit.lower()) for _, end in ranked
        ):
            found.append(
                f"unit {figure.unit!r} of a rank must be the scope as the report writes it right after "
                f"the place ('{wording.rank_words[0]} {figure.value} cả nước': unit 'cả nước'), or none"
            )
    elif ranked and len(ranked) == len(spans) and not (
        _is_target(pack, figure) and figure.qualifier and has_words(figure.qualifier, wording.rank_words)
    ):
        found.append(
            f"the quote writes '{wording.rank_words[0]} {figure.value}': a place in a ranking is kind rank "
            f"(rendered with {wording.rank_words[0]!r}); a target for a place keeps its kind and carries "
            f"{wording.rank_words[0]!r} as qualifier"
        )


# -- periods --------------------------------------------------------------------------------------


def _period_passage(pack: ContentPack, figure: Figure) -> str:
    """Where a figure's period must be written: its paragraph, or its footnote and the sentence
    carrying the footnote's marker."""
    if figure.footnote is not None:
        return pack.footnotes[figure.footnote].text + "\n" + marker_sentence(pack, figure.footnote)
    quote = normalize_text(figure.quote)
    return next((p.plain for p in pack.sections[figure.source].paragraphs if quote in p.plain), "")


def _term(pack: ContentPack, section_id: str) -> tuple[set[str], set[str]]:
    """What "trong nhiệm kỳ" and "bình quân" mean without a year in the part holding a section:
    the years that bound the span its introduction names ("Năm năm qua (2020-2025)"), and the spans
    the part itself writes for that term ("2020-2025", and "giai đoạn 2021-2025" for averages)."""
    part = pack.part_of(section_id)
    intro = {normal_run(m.group()) for m in NUMBER_RUN_RE.finditer(part.plain_text)
             if "-" in normal_run(m.group()) and is_year_run(m.group())}
    written = {normal_run(m.group()) for m in NUMBER_RUN_RE.finditer(pack.section_text(part.id, True))}
    spans = set(intro)
    for span in intro:
        first, last = (int(y) for y in span.split("-"))
        if f"{first + 1}-{last}" in written:
            spans.add(f"{first + 1}-{last}")
    ends = {y for span in intro for y in (span.split("-")[0], span.split("-")[-1])}
    return ends, spans


def _check_period(pack: ContentPack, figure: Figure, found: list[str]) -> None:
    if not figure.period:
        return
    if pack.role(figure) == "baseline":
        where, given, ends, spans = "its quote", years_in(figure.quote), set[str](), set[str]()
    else:
        where, given = "its paragraph (or footnote)", years_in(_period_passage(pack, figure))
        ends, spans = _term(pack, figure.source)
    missing: set[str] = set()
    for match in NUMBER_RUN_RE.finditer(figure.period):
        run = normal_run(match.group())
        if run not in spans:
            missing |= {y for y in years_in(run) if y not in given and y not in ends}
    if missing:
        found.append(
            f"period {figure.period!r} names {sorted(missing)}, which {where} does not give; write the "
            "period as the report does ('đầu nhiệm kỳ', 'hằng năm', 'đến hết năm 2025') or leave it out"
        )


def _period_as_written(pack: ContentPack, figure: Figure) -> bool:
    """Whether every year of the period stands in the figure's own sentence (two places of the report
    may give one fact two periods; then each figure keeps its own)."""
    text = _status_sentences(pack, figure.source, figure.footnote, figure.quote)
    return bool(figure.period) and years_in(figure.period or "") <= years_in(text)


def _check_one_fact_one_period(pack: ContentPack, errors: list[str]) -> None:
    for figure in pack.figures.values():
        for comparison in figure.compare:
            other = pack.figures.get(comparison.figure)
            if (other is None or comparison.relation != "related" or figure.value is None
                    or other.value is None or normal_run(figure.value) != normal_run(other.value)
                    or (figure.unit or "").lower() != (other.unit or "").lower()):
                continue
            if (figure.period or "") != (other.period or "") and not (
                _period_as_written(pack, figure) and _period_as_written(pack, other)
            ):
                errors.append(pack.origins[("figure", figure.id)].at(
                    f"figure '{figure.id}': the same fact as '{other.id}' ({figure.value} {figure.unit or ''}) "
                    f"with another period ({figure.period!r} / {other.period!r}); give both the report's period"
                ))
