"""``content/study.yaml`` (and ``content/<lang>/study.yaml``) read, checked against the pack, and kept.

Loaded by ``load_pack`` with the rest of the pack, so ``check-content`` reports every problem as
``file:line: what is wrong; how to fix it`` and a bot never serves a quiz or chart the pack cannot back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.content.folding import fold
from bot.content.numbers import number_tokens, number_values
from bot.content.yamlfile import YamlError, line_at, read_yaml, validated
from bot.study.distractors import Problem, Value, bound_of, distractors, parse
from bot.study.spec import (
    POLL_EXPLANATION,
    ChartSpec,
    ChartText,
    HandQuestion,
    QuestionText,
    QuizTopic,
    StudyFile,
    StudyText,
)

if TYPE_CHECKING:
    from bot.content.model import ContentPack

FILE = "study.yaml"
FIGURE_PREFIX = "f."
HAND_PREFIX = "h."
_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
_PAREN_RE = re.compile(r"\([^)]*\)")
_UNIT_HEAD_RE = re.compile(r"[\s/(]")


def answer_mark(option: str) -> str:
    """The start of every explanation: the right option, so an explanation always matches its answer."""
    return f"✅ {option}. "


def hand_explanation(option: str, explanation: str, reference: str) -> str:
    return f"{answer_mark(option)}{explanation} ({reference})"


def unit_head(unit: str | None) -> str:
    """What units must share to sit on one axis: ``%`` for ``%/năm``, ``giường`` for ``giường/10.000 dân``."""
    return _UNIT_HEAD_RE.split((unit or "").strip(), maxsplit=1)[0].casefold()


@dataclass
class StudyContent:
    """The study file of a pack, checked, with the distractor problem of every quiz figure."""

    spec: StudyFile
    language: str
    texts: dict[str, StudyText] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)

    # -- quiz ------------------------------------------------------------------------------------

    @property
    def topics(self) -> list[QuizTopic]:
        return list(self.spec.quiz.topics) if self.spec.quiz else []

    def topic(self, topic_id: str) -> QuizTopic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def topic_title(self, topic_id: str, lang: str | None) -> str:
        text = self.texts.get(lang or "")
        if text is not None and topic_id in text.quiz.topics:
            return text.quiz.topics[topic_id].title
        topic = self.topic(topic_id)
        return topic.title if topic else topic_id

    def hand(self, question_id: str) -> HandQuestion | None:
        questions = self.spec.quiz.questions if self.spec.quiz else []
        return next((q for q in questions if q.id == question_id), None)

    def hand_text(self, question_id: str, lang: str | None) -> QuestionText:
        text = self.texts.get(lang or "")
        if text is not None and question_id in text.quiz.questions:
            return text.quiz.questions[question_id]
        q = self.hand(question_id)
        assert q is not None
        return QuestionText(question=q.question, options=q.options, explanation=q.explanation)

    def question_ids(self, topic: str | None = None) -> list[str]:
        """Every question the pack allows (of one topic), in pack order: ``f.<figure>``, ``h.<question>``."""
        out = []
        for t in self.topics:
            if topic is None or t.id == topic:
                out += [FIGURE_PREFIX + f for f in t.figures]
        for q in self.spec.quiz.questions if self.spec.quiz else []:
            if topic is None or q.topic == topic:
                out.append(HAND_PREFIX + q.id)
        return out

    def topic_of(self, question_id: str) -> str | None:
        if question_id.startswith(HAND_PREFIX):
            q = self.hand(question_id[len(HAND_PREFIX):])
            return q.topic if q else None
        figure = question_id[len(FIGURE_PREFIX):]
        return next((t.id for t in self.topics if figure in t.figures), None)

    def find_topic(self, words: str) -> QuizTopic | None:
        """The topic a cadre means by ``words`` (its id, title in any language, or one of its words)."""
        wanted = fold(words)
        if not wanted:
            return None
        for t in self.topics:
            names = [t.id.replace("_", " "), t.title, *t.words,
                     *(x.quiz.topics[t.id].title for x in self.texts.values() if t.id in x.quiz.topics)]
            if wanted in {fold(n) for n in names}:
                return t
        return None

    # -- charts ----------------------------------------------------------------------------------

    @property
    def charts(self) -> list[ChartSpec]:
        return list(self.spec.charts)

    def chart(self, chart_id: str) -> ChartSpec | None:
        return next((c for c in self.spec.charts if c.id == chart_id), None)

    def chart_text(self, chart_id: str, lang: str | None) -> ChartText:
        text = self.texts.get(lang or "")
        if text is not None and chart_id in text.charts:
            return text.charts[chart_id]
        c = self.chart(chart_id)
        assert c is not None
        return ChartText(title=c.title, axis=c.axis, series=[s.label for s in c.series],
                         groups=[g.label for g in c.groups], lines=[x.label for x in c.lines])

    def find_chart(self, words: str) -> ChartSpec | None:
        wanted = fold(words)
        if not wanted:
            return None
        for c in self.spec.charts:
            names = [c.id.replace("-", " "), c.title, *c.words,
                     *(x.charts[c.id].title for x in self.texts.values() if c.id in x.charts)]
            if wanted in {fold(n) for n in names}:
                return c
        for c in self.spec.charts:  # then any chart whose words start with what was typed
            if any(fold(w).startswith(wanted) or wanted.startswith(fold(w)) for w in c.words):
                return c
        return None


# ---------------------------------------------------------------------------------------------
# Loading


def load_study(pack: ContentPack, errors: list[str]) -> StudyContent | None:
    """The pack's study file, or None when it has none; problems are appended to ``errors``."""
    path = pack.root / FILE
    if not path.exists():
        return None
    try:
        data = read_yaml(path)
    except YamlError as exc:
        errors.append(str(exc))
        return None
    spec: StudyFile | None = validated(StudyFile, data if data is not None else {}, path, errors)
    if spec is None:
        return None
    study = StudyContent(spec, pack.meta.language)
    before = len(errors)
    _check_quiz(pack, study, data, path, errors)
    _check_charts(pack, study, data, path, errors)
    for lang in pack.overlays:
        text = _load_text(pack, study, lang, errors)
        if text is not None:
            study.texts[lang] = text
    return study if len(errors) == before else None


def _at(path: Path, data: Any, *loc: Any) -> str:
    return f"{path}:{line_at(data, loc)}"


def _check_quiz(pack: ContentPack, study: StudyContent, data: Any, path: Path, errors: list[str]) -> None:
    quiz = study.spec.quiz
    if quiz is None:
        return
    seen: dict[str, str] = {}
    topic_ids = [t.id for t in quiz.topics]
    index = _Index.build(pack)
    for n, topic in enumerate(quiz.topics):
        where = _at(path, data, "quiz", "topics", n)
        if topic_ids.count(topic.id) > 1:
            errors.append(f"{where}: topic id '{topic.id}' is used twice; ids must be unique")
        for figure_id in topic.figures:
            if figure_id in seen:
                errors.append(f"{where}: figure '{figure_id}' is already in topic '{seen[figure_id]}'; "
                              "list each quiz figure once")
                continue
            seen[figure_id] = topic.id
            problem = _problem(pack, study, index, figure_id, where, errors)
            if problem is not None:
                study.problems[figure_id] = problem
    question_ids = [q.id for q in quiz.questions]
    for n, q in enumerate(quiz.questions):
        where = _at(path, data, "quiz", "questions", n)
        if question_ids.count(q.id) > 1:
            errors.append(f"{where}: question id '{q.id}' is used twice; ids must be unique")
        _check_hand(pack, q, q.question, q.options, q.explanation, where, errors, topic_ids)
    for n, topic in enumerate(quiz.topics):
        if not study.question_ids(topic.id):
            errors.append(f"{_at(path, data, 'quiz', 'topics', n)}: topic '{topic.id}' has no question; "
                          "give it figures or hand-written questions, or remove it")


def _check_hand(pack: ContentPack, q: HandQuestion, question: str, options: Sequence[str], explanation: str,
                where: str, errors: list[str], topic_ids: Sequence[str] | None = None, lang: str | None = None
                ) -> None:
    label = f"question '{q.id}'" + (f" ({lang})" if lang else "")
    if topic_ids is not None and q.topic not in topic_ids:
        errors.append(f"{where}: {label}: topic '{q.topic}' is not in quiz.topics")
    if not q.answer < len(options):
        errors.append(f"{where}: {label}: answer {q.answer} must index options (0 is the first)")
        return
    folded = [fold(o) for o in options]
    if len(set(folded)) != len(folded):
        errors.append(f"{where}: {label}: two options read the same; every option must differ")
    if q.source not in pack.sections:
        errors.append(f"{where}: {label}: source '{q.source}' is not a section id (sections.yaml)")
        return
    if q.footnote is not None and q.footnote not in pack.footnotes:
        errors.append(f"{where}: {label}: footnote {q.footnote} does not exist in the source")
        return
    if q.item is not None and q.item not in pack.items:
        errors.append(f"{where}: {label}: item '{q.item}' does not exist")
    reference = pack.reference(q.source, q.footnote, lang)
    full = hand_explanation(options[q.answer], explanation, reference)
    if len(full) > POLL_EXPLANATION:
        errors.append(f"{where}: {label}: the explanation shown is {len(full)} characters "
                      f"(answer, explanation and '{reference}'); Telegram allows {POLL_EXPLANATION}: shorten it")
    if lang is None:  # numbers the report must back: the question, its answer and the explanation
        allowed = number_tokens(pack.section_text(q.source, with_children=True))
        allowed |= number_tokens(pack.sections[q.source].label)
        for n in pack.section_footnotes(q.source, with_children=True):
            allowed |= number_tokens(pack.footnotes[n].text)
        if q.item is not None and q.item in pack.items:
            item = pack.items[q.item]
            allowed |= number_tokens(" ".join((item.title, item.summary, *item.points)))
        extra = number_tokens(" ".join((question, options[q.answer], explanation))) - allowed
        if extra:
            errors.append(f"{where}: {label}: numbers {sorted(extra)} do not occur in section {q.source} "
                          "(or its footnotes, or the item); quote the report's numbers only")


def _series_key(label: str) -> str:
    return fold(_YEAR_RE.sub(" ", _PAREN_RE.sub(" ", label)))


@dataclass
class _Index:
    """What distractor problems look up for every quiz figure, computed once per pack."""

    series: dict[str, list[str]] = field(default_factory=dict)      # series key -> figure ids
    series_of: dict[str, str] = field(default_factory=dict)          # figure id -> its series key
    quoted: dict[str, list[str]] = field(default_factory=dict)       # quote -> figure ids
    compared: dict[str, set[str]] = field(default_factory=dict)      # figure id -> compared both ways
    noted: dict[str, set[str]] = field(default_factory=dict)         # figure id -> in a note with it
    table: dict[tuple[str, str | None], list[tuple[str, Value]]] = field(default_factory=dict)

    @classmethod
    def build(cls, pack: ContentPack) -> _Index:
        index = cls()
        for fig in pack.figures.values():
            key = _series_key(fig.label)
            index.series_of[fig.id] = key
            index.series.setdefault(key, []).append(fig.id)
            index.quoted.setdefault(fig.quote, []).append(fig.id)
            for c in fig.compare:
                index.compared.setdefault(fig.id, set()).add(c.figure)
                index.compared.setdefault(c.figure, set()).add(fig.id)
            value = parse(fig.value)
            if value is not None:
                index.table.setdefault((fig.kind, fig.unit), []).append((fig.id, value))
        for note in pack.notes:
            for figure_id in note.figures:
                index.noted.setdefault(figure_id, set()).update(note.figures)
        return index

    def linked(self, pack: ContentPack, figure_id: str) -> set[str]:
        """Figures whose values are true values of this one: compared with it, in a note with it, the
        same indicator in another period, or quoted from the same sentence."""
        fig = pack.figures[figure_id]
        out = set(self.compared.get(figure_id, ())) | self.noted.get(figure_id, set())
        out |= set(self.series[self.series_of[figure_id]]) | set(self.quoted[fig.quote])
        out.discard(figure_id)
        return {f for f in out if f in pack.figures}


def _numbers(values: Iterable[float]) -> set[Decimal]:
    return {Decimal(str(round(v, 6))) for v in values}


def _problem(pack: ContentPack, study: StudyContent, index: _Index, figure_id: str, where: str,
             errors: list[str]) -> Problem | None:
    fig = pack.figures.get(figure_id)
    if fig is None:
        errors.append(f"{where}: quiz figure '{figure_id}' does not exist (figures/*.yaml)")
        return None
    if fig.status == "pending" or fig.value is None:
        errors.append(f"{where}: quiz figure '{figure_id}' is pending (the draft gives no value); "
                      "a quiz never asks for a blank: remove it")
        return None
    answer = parse(fig.value)
    if answer is None:
        errors.append(f"{where}: quiz figure '{figure_id}': value {fig.value!r} cannot get distractors of "
                      "its shape (a number, a range or a fraction); remove it from the quiz")
        return None
    quiz = study.spec.quiz
    assert quiz is not None
    linked = index.linked(pack, figure_id)
    taken = _numbers(number_values(fig.quote)) | set(answer.numbers())
    for linked_id in linked:
        value = parse(pack.figures[linked_id].value)
        if value is not None:
            taken |= set(value.numbers())
    table = [value for other, value in index.table.get((fig.kind, fig.unit), [])
             if other != figure_id and other not in linked]
    cap = Decimal(100) if (fig.unit or "").strip().startswith("%") and answer.low <= 100 else None
    problem = Problem(answer, bound_of(fig.qualifier, fig.unit, quiz.bounds.lower, quiz.bounds.upper), cap,
                      tuple(sorted(taken)), tuple(table))
    found = distractors(problem, None)
    if len(found) < 3:
        errors.append(f"{where}: quiz figure '{figure_id}' ({fig.value} {fig.unit or ''}): only {len(found)} "
                      "distractor(s) are possible that are not also true (bound, cap, gap); remove it")
        return None
    return problem


def _check_charts(pack: ContentPack, study: StudyContent, data: Any, path: Path, errors: list[str]) -> None:
    ids = [c.id for c in study.spec.charts]
    for n, chart in enumerate(study.spec.charts):
        where = _at(path, data, "charts", n)
        if ids.count(chart.id) > 1:
            errors.append(f"{where}: chart id '{chart.id}' is used twice; ids must be unique")
        for line in chart.lines:
            _chart_figure(pack, chart, line.figure, where, errors)
        if chart.kind == "pairs" and len(chart.series) != 2:
            errors.append(f"{where}: chart '{chart.id}': a pairs chart has two series (result, target)")
        if chart.kind == "scorecard" and len(chart.series) != 1:
            errors.append(f"{where}: chart '{chart.id}': a scorecard has one series")
        heads: set[str] = set()
        for g, group in enumerate(chart.groups):
            gwhere = _at(path, data, "charts", n, "groups", g)
            if len(group.figures) != len(chart.series):
                errors.append(f"{gwhere}: chart '{chart.id}': group '{group.label}' has {len(group.figures)} "
                              f"figure(s) for {len(chart.series)} series; write null where the report gives none")
                continue
            if group.note is not None and group.note not in {x.id for x in pack.notes}:
                errors.append(f"{gwhere}: chart '{chart.id}': note '{group.note}' is not in notes.yaml")
            present = [f for f in group.figures if f is not None]
            if not present:
                errors.append(f"{gwhere}: chart '{chart.id}': group '{group.label}' plots no figure")
            for figure_id in present:
                if _chart_figure(pack, chart, figure_id, gwhere, errors):
                    fig = pack.figures[figure_id]
                    heads.add(unit_head(fig.unit))
                    if chart.kind == "scorecard" and fig.status in (None, "pending"):
                        errors.append(f"{gwhere}: chart '{chart.id}': figure '{figure_id}' has no status "
                                      "(achieved, exceeded, not_achieved) for a scorecard")
            if chart.kind == "pairs":
                pair = {unit_head(pack.figures[f].unit) for f in present if f in pack.figures}
                if len(pair) > 1:
                    errors.append(f"{gwhere}: chart '{chart.id}': the two figures of '{group.label}' have "
                                  f"different units ({', '.join(sorted(pair))}); a panel has one axis")
                if group.figures[0] is None:
                    errors.append(f"{gwhere}: chart '{chart.id}': the result of '{group.label}' is missing")
                bases = {fold(pack.figures[f].basis or "") for f in present if f in pack.figures}
                if len(bases) > 1:
                    errors.append(f"{gwhere}: chart '{chart.id}': the two figures of '{group.label}' count on "
                                  "different bases (`basis` of figures/*.yaml); pair the target with the figure "
                                  "counted the same way, or leave the pair out")
        for figure_id in chart.summary:
            if figure_id not in pack.figures:
                errors.append(f"{where}: chart '{chart.id}': summary figure '{figure_id}' does not exist "
                              "(figures/*.yaml)")
        if chart.kind == "bars":
            heads |= {unit_head(pack.figures[x.figure].unit) for x in chart.lines if x.figure in pack.figures}
            if len(heads) > 1:
                errors.append(f"{where}: chart '{chart.id}': bars on one axis need one unit, found "
                              f"{', '.join(sorted(heads))}; use a pairs chart for mixed units")


def _chart_figure(pack: ContentPack, chart: ChartSpec, figure_id: str, where: str, errors: list[str]) -> bool:
    fig = pack.figures.get(figure_id)
    if fig is None:
        errors.append(f"{where}: chart '{chart.id}': figure '{figure_id}' does not exist (figures/*.yaml)")
        return False
    if fig.value is not None and chart.kind != "scorecard":
        value = parse(fig.value)
        if value is None or value.shape == "fraction":
            errors.append(f"{where}: chart '{chart.id}': figure '{figure_id}' ({fig.value!r}) is not a number "
                          "or a range; a bar cannot show it")
            return False
    return True


def _load_text(pack: ContentPack, study: StudyContent, lang: str, errors: list[str]) -> StudyText | None:
    path = pack.root / lang / FILE
    required = lang in pack.meta.translations
    if not path.exists():
        if required:
            errors.append(f"{path}:1: missing; meta.yaml lists '{lang}' under translations, so the quiz and "
                          "charts need their words in it too")
        return None
    try:
        data = read_yaml(path)
    except YamlError as exc:
        errors.append(str(exc))
        return None
    text: StudyText | None = validated(StudyText, data if data is not None else {}, path, errors)
    if text is None:
        return None
    quiz = study.spec.quiz
    topics = {t.id for t in quiz.topics} if quiz else set()
    hands = {q.id: q for q in quiz.questions} if quiz else {}
    charts = {c.id: c for c in study.spec.charts}
    for kind, given, known in (("topic", text.quiz.topics, topics), ("question", text.quiz.questions, hands),
                               ("chart", text.charts, charts)):
        for key in given:
            if key not in known:
                errors.append(f"{_at(path, data, *_loc(kind, key))}: {kind} '{key}' is not in {FILE}")
        if required:
            for key in sorted(set(known) - set(given)):
                errors.append(f"{path}:1: {kind} '{key}' has no {lang} translation")
    for key, q in text.quiz.questions.items():
        if key in hands:
            original = hands[key]
            where = _at(path, data, *_loc("question", key))
            if len(q.options) != len(original.options):
                errors.append(f"{where}: question '{key}' ({lang}): {len(q.options)} options for "
                              f"{len(original.options)} in {FILE}; keep the same options in the same order")
                continue
            _check_hand(pack, original, q.question, q.options, q.explanation, where, errors, lang=lang)
    for key, c in text.charts.items():
        if key in charts:
            spec = charts[key]
            for name, mine, theirs in (("series", c.series, spec.series), ("groups", c.groups, spec.groups),
                                       ("lines", c.lines, spec.lines)):
                if len(mine) != len(theirs):
                    errors.append(f"{_at(path, data, *_loc('chart', key))}: chart '{key}' ({lang}): "
                                  f"{len(mine)} {name} labels for {len(theirs)} in {FILE}")
    return text


def _loc(kind: str, key: str) -> tuple[str, ...]:
    return {"topic": ("quiz", "topics", key), "question": ("quiz", "questions", key),
            "chart": ("charts", key)}[kind]
