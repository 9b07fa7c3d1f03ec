"""Cross-checks of a content pack against itself and against the report.

Fidelity is checked mechanically: each figure's quote must be in the passage it cites, its value
must be in its quote, and no number may appear in our own words that the cited passage lacks.
"""

from __future__ import annotations

import re

from bot.content.fidelity import check_meaning
from bot.content.model import ContentPack
from bot.content.numbers import PLACEHOLDER_RE, number_tokens, number_values, quantity_runs, value_spans
from bot.content.passages import passage as _passage
from bot.content.passages import reference_words
from bot.content.source import normalize_text

# An item card (title + summary + points + references) must fit one 4096-character message.
MAX_CARD_CHARS = 3000
# A section label with letters other than Roman numerals ("Phần I", "IV, bài học 1") needs translating.
WORDED_LABEL_RE = re.compile(r"[^\WIVXivx\d_]")
# A section whose own text is at most this many characters is a heading only (its children carry the
# text): it counts as covered by items when all its children are.
HEADING_ONLY_CHARS = 130


def _check_figures(pack: ContentPack, errors: list[str]) -> None:
    for figure in pack.figures.values():
        at = pack.origins[("figure", figure.id)].at
        name = f"figure '{figure.id}'"
        if figure.kind not in pack.kinds.figures:
            errors.append(at(f"{name}: kind '{figure.kind}' is not in kinds.yaml (figures:)"))
        if figure.source not in pack.sections:
            errors.append(at(f"{name}: source section '{figure.source}' does not exist (see sections.yaml)"))
            continue
        if figure.footnote is not None:
            note = pack.footnotes.get(figure.footnote)
            if note is None:
                errors.append(at(f"{name}: footnote {figure.footnote} does not exist in the report"))
                continue
            if note.section != figure.source:
                errors.append(
                    at(f"{name}: footnote {figure.footnote} is marked in section '{note.section}', "
                       f"not in '{figure.source}'; set source: {note.section}")
                )
                continue
        quote = normalize_text(figure.quote)
        passage = _passage(pack, figure.source, figure.footnote)
        if quote not in passage:
            where = f"footnote {figure.footnote}" if figure.footnote else f"section {figure.source}"
            errors.append(
                at(f"{name}: quote does not occur verbatim in {where}; copy the sentence exactly "
                   "from the report (footnote markers removed)")
            )
        if figure.status == "pending":
            if figure.value is not None:
                errors.append(
                    at(f"{name}: a pending figure carries no value; remove `value` (the draft leaves it blank)")
                )
            if not PLACEHOLDER_RE.search(quote):
                errors.append(at(f"{name}: status pending, but its quote has no placeholder ('...' or '…')"))
        elif figure.value is None:
            errors.append(at(f"{name}: `value` is required (exactly as written), unless status is pending"))
        elif not value_spans(figure.value, quote, figure.unit):
            errors.append(at(f"{name}: value {figure.value!r} does not occur in its quote as a whole number "
                             "(not inside another: 1 is not in 14%); copy it as written"))
        if figure.qualifier and figure.value is None:
            errors.append(at(f"{name}: a qualifier needs a value"))
        for comparison in figure.compare:
            if comparison.figure not in pack.figures:
                errors.append(at(f"{name}: compares with unknown figure '{comparison.figure}'"))
            elif comparison.figure == figure.id:
                errors.append(at(f"{name}: compares with itself"))
        if figure.note:
            # the passage, and the quotes of the figures it is compared with (a note may say why)
            allowed = number_tokens(passage)
            for comparison in figure.compare:
                if comparison.figure in pack.figures:
                    allowed |= number_tokens(pack.figures[comparison.figure].quote)
            stated = number_tokens(" ".join(quantity_runs(figure.note, reference_words(pack))))
            extra = stated - allowed
            if extra:
                errors.append(at(f"{name}: note has numbers not in the cited passage or compared figures: "
                                 f"{sorted(extra)}"))


def _item_allowed_numbers(pack: ContentPack, item_sections: list[str], figures: list[str]) -> set[str]:
    allowed: set[str] = set()
    for section_id in item_sections:
        allowed |= number_tokens(pack.section_text(section_id, with_children=True))
        for n in pack.section_footnotes(section_id, with_children=True):
            allowed |= number_tokens(pack.footnotes[n].text) | {str(n)}  # "chú thích 8" is a reference
        allowed |= number_tokens(pack.sections[section_id].label)
    for figure_id in figures:
        if figure_id in pack.figures:
            allowed |= number_tokens(pack.figures[figure_id].quote)
    return allowed


def _check_items(pack: ContentPack, errors: list[str]) -> None:
    for item in pack.items.values():
        at = pack.origins[("item", item.id)].at
        name = f"item '{item.id}'"
        cited = [item.source, *item.sections]
        missing = [s for s in cited if s not in pack.sections]
        if missing:
            errors.append(at(f"{name}: unknown section(s) {missing} (see sections.yaml for ids)"))
            continue
        for figure_id in item.figures:
            if figure_id not in pack.figures:
                errors.append(at(f"{name}: unknown figure '{figure_id}'"))
        reachable_notes = {n for s in cited for n in pack.section_footnotes(s, with_children=True)}
        for n in item.footnotes:
            if n not in pack.footnotes:
                errors.append(at(f"{name}: footnote {n} does not exist in the report"))
            elif n not in reachable_notes:
                errors.append(at(f"{name}: footnote {n} is not in the sections it cites"))
        if item.field is not None and item.field not in pack.fields:
            errors.append(at(f"{name}: unknown field '{item.field}' (fields are listed in menu.yaml)"))
        kind = pack.kinds.items.get(item.kind)
        if kind is None:
            errors.append(at(f"{name}: kind '{item.kind}' is not in kinds.yaml (items:)"))
        elif kind.field and item.field is None:
            errors.append(at(f"{name}: kind '{item.kind}' needs a `field` so menus can group it (kinds.yaml)"))
        elif kind.figures and not item.figures:
            errors.append(at(f"{name}: kind '{item.kind}' lists its figures (kinds.yaml: figures: true)"))
        allowed = _item_allowed_numbers(pack, cited, item.figures)
        for label, text in (("title", item.title), ("summary", item.summary), *(("point", p) for p in item.points)):
            extra = number_tokens(text) - allowed
            if extra:
                errors.append(
                    at(f"{name}: {label} has number(s) {sorted(extra)} that are not in the cited passage; "
                       "use only the report's numbers, or cite the section they come from")
                )
        size = len(item.title) + len(item.summary) + sum(len(p) + 3 for p in item.points)
        if size > MAX_CARD_CHARS:
            errors.append(at(f"{name}: card is {size} characters; keep title+summary+points under {MAX_CARD_CHARS}"))


def _check_notes(pack: ContentPack, errors: list[str]) -> None:
    for note in pack.notes:
        at = pack.origins[("note", note.id)].at
        allowed: set[str] = set()
        for figure_id in note.figures:
            if figure_id not in pack.figures:
                errors.append(at(f"note '{note.id}': unknown figure '{figure_id}'"))
            else:
                allowed |= number_tokens(pack.figures[figure_id].quote)
        for section_id in note.sources:
            if section_id not in pack.sections:
                errors.append(at(f"note '{note.id}': unknown section '{section_id}'"))
            else:
                allowed |= number_tokens(pack.section_text(section_id, with_children=True))
                for n in pack.section_footnotes(section_id, with_children=True):
                    allowed |= number_tokens(pack.footnotes[n].text) | {str(n)}
                allowed |= number_tokens(pack.sections[section_id].label)
        extra = number_tokens(note.text + " " + note.title) - allowed
        if extra:
            errors.append(at(f"note '{note.id}': numbers {sorted(extra)} are not in its figures or sources"))


def _check_coverage(pack: ContentPack, errors: list[str]) -> None:
    """Every section reachable from an item; every footnote with numbers in the figure table."""
    sections_file = pack.root / "sections.yaml"
    cited = {s for item in pack.items.values() for s in (item.source, *item.sections)}

    def covered(section_id: str) -> bool:
        section = pack.sections[section_id]
        if section_id in cited:
            return True
        heading_only = len(section.plain_text) <= HEADING_ONLY_CHARS and section.children
        return bool(heading_only) and all(covered(c) for c in section.children)

    for section in pack.sections.values():
        if not covered(section.id):
            errors.append(
                f"{sections_file}:{section.line}: coverage: section '{section.id}' ({section.title}) "
                "is not the source of any item; add an item citing it"
            )
    figure_notes = {f.footnote for f in pack.figures.values() if f.footnote is not None}
    refs = reference_words(pack)
    for number, note in pack.footnotes.items():
        # years, dates, document and list numbers need no figure; quantities do
        if quantity_runs(note.text, refs) and number not in figure_notes:
            errors.append(
                f"{pack.root / pack.meta.source_file}:{pack.sections[note.section].line if note.section else 1}: "
                f"coverage: footnote {number} states quantities but no figure cites it (footnote: {number})"
            )


def _check_menu(pack: ContentPack, errors: list[str]) -> None:
    menu_file = pack.root / "menu.yaml"
    listed = {k for entry in pack.menu for k in entry.kinds}
    for kind in sorted({i.kind for i in pack.items.values()} - listed):
        errors.append(f"{menu_file}:1: items of kind '{kind}' appear in no menu entry; add it to some `kinds`")
    for entry in pack.menu:
        at = pack.origins[("menu", entry.id)].at
        for kind in entry.kinds:
            if kind not in pack.kinds.items:
                errors.append(at(f"menu entry '{entry.id}': kind '{kind}' is not in kinds.yaml (items:)"))
    ids = [e.id for e in pack.menu]
    for dup in {i for i in ids if ids.count(i) > 1}:
        errors.append(f"{menu_file}:1: menu entry id '{dup}' is used twice")


def _values_of_tokens(tokens: set[str]) -> set[float]:
    return number_values(" ".join(tokens), "vi")


def _check_overlays(pack: ContentPack, errors: list[str]) -> None:
    """Each translation names real ids, keeps the hedge, unit, period and note the original has, and
    states no number the original and its passage do not; a language listed in meta.yaml
    `translations` must translate everything."""
    for lang, overlay in pack.overlays.items():
        complete = lang in pack.meta.translations
        if complete and overlay.meta is None:
            errors.append(f"{pack.root / lang / 'meta.yaml'}:1: {lang}: the document's description is missing")
        if overlay.meta is not None and pack.meta.status_notice and not overlay.meta.status_notice:
            errors.append(overlay.at("meta", "", f"{lang}: status_notice is missing (the original has one)"))
        for kind, texts, known in (("section", overlay.sections, pack.sections),
                                   ("figure", overlay.figures, pack.figures),
                                   ("item", overlay.items, pack.items),
                                   ("note", overlay.notes, {n.id: n for n in pack.notes})):
            for key in texts:
                if key not in known:
                    errors.append(overlay.at(kind, key, f"{lang}: {kind} '{key}' does not exist in the pack"))
            if complete:
                for key in known:
                    if key not in texts:
                        where = (pack.origins[(kind, key)].at("") if (kind, key) in pack.origins
                                 else f"{pack.root / 'sections.yaml'}:{pack.sections[key].line}: ")
                        errors.append(f"{where}{lang}: {kind} '{key}' has no translation in {pack.root / lang}")
        for section_id, section in pack.sections.items():
            # "IV, bài học 1" reads as Vietnamese: a label with words needs its own translation
            translated = overlay.sections.get(section_id)
            if (WORDED_LABEL_RE.search(section.label) and not (translated and translated.label)
                    and (translated or complete)):
                errors.append(overlay.at("section", section_id, f"{lang} section '{section_id}': the label "
                                         f"{section.label!r} has words; give `label:` in {lang}"))
        for figure_id, text in overlay.figures.items():
            figure = pack.figures.get(figure_id)
            if figure is None:
                continue
            prefix = f"{lang} figure '{figure_id}': "
            for name in ("qualifier", "unit", "period", "note"):
                if bool(getattr(figure, name)) != bool(getattr(text, name)):
                    state = "has" if getattr(figure, name) else "has no"
                    errors.append(overlay.at("figure", figure_id,
                                             f"{prefix}the original {state} a {name}; the translation must match"))
            known_place = figure.source in pack.sections and (
                figure.footnote is None or figure.footnote in pack.footnotes)
            passage = _passage(pack, figure.source, figure.footnote) if known_place else ""
            allowed = _values_of_tokens(number_tokens(" ".join(filter(None, (
                figure.label, figure.unit, figure.period, figure.note, figure.quote, figure.value, passage)))))
            extra = number_values(" ".join(filter(None, (text.label, text.unit, text.period, text.note))),
                                  lang) - allowed
            if extra:
                errors.append(overlay.at("figure", figure_id,
                                         f"{prefix}numbers {sorted(extra)} are not in the original or its passage"))
        for item_id, item_text in overlay.items.items():
            item = pack.items.get(item_id)
            if item is None:
                continue
            if len(item_text.points) != len(item.points):
                errors.append(overlay.at("item", item_id, f"{lang} item '{item_id}': {len(item_text.points)} "
                                         f"points, the original has {len(item.points)}"))
            cited = [s for s in (item.source, *item.sections) if s in pack.sections]
            allowed = _values_of_tokens(_item_allowed_numbers(pack, cited, item.figures))
            allowed |= number_values(" ".join((item.title, item.summary, *item.points)), "vi")
            extra = number_values(" ".join((item_text.title, item_text.summary, *item_text.points)), lang) - allowed
            if extra:
                errors.append(overlay.at("item", item_id, f"{lang} item '{item_id}': numbers {sorted(extra)} "
                                         "are not in the original or its cited passages"))


def check_pack(pack: ContentPack) -> list[str]:
    errors: list[str] = []
    _check_figures(pack, errors)
    _check_items(pack, errors)
    _check_notes(pack, errors)
    _check_menu(pack, errors)
    _check_coverage(pack, errors)
    _check_overlays(pack, errors)
    check_meaning(pack, errors)
    return errors

