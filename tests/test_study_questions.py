"""Every question the pack allows, in both languages and for several seeds, is a fair quiz question.

For each: exactly one right option (no distractor is a true value of the figure, none is within the gap
where it would also be right, none crosses a bound or a cap), no option repeats, the explanation starts
with the right answer and cites the source, and every text fits Telegram's limits. The same seed
always gives the same question.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.pack import load_pack
from bot.render.numbers import format_value
from bot.render.quiz import poll
from bot.study import distractors as d
from bot.study.content import FIGURE_PREFIX
from bot.study.questions import plan, select
from bot.study.spec import POLL_EXPLANATION, POLL_OPTION, POLL_QUESTION

MINIPACK = Path(__file__).parent / "fixtures" / "minipack"
SEEDS = range(4)


@pytest.fixture(scope="module")
def minipack() -> Any:
    return load_pack(MINIPACK)


def _check_pack(pack: Any, catalogues: Any) -> int:
    study = pack.study
    ids = study.question_ids()
    assert len(ids) == len(set(ids))
    asked = 0
    for question_id in ids:
        for seed in SEEDS:
            p = plan(pack, question_id, seed)
            assert p is not None, question_id
            assert p == plan(pack, question_id, seed), f"{question_id}: not deterministic for seed {seed}"
            if p.figure is not None:
                _check_figure_plan(pack, p)
            for lang in ("vi", "en"):
                tr = catalogues.get(lang)
                shown = poll(pack, p, tr, 10, 10)
                where = f"{question_id} seed {seed} {lang}"
                assert 1 <= len(shown.question) <= POLL_QUESTION, where
                assert all(1 <= len(o) <= POLL_OPTION for o in shown.options), where
                assert len({o.casefold() for o in shown.options}) == len(shown.options), f"{where}: repeated option"
                assert 0 <= shown.correct < len(shown.options)
                assert len(shown.explanation) <= POLL_EXPLANATION, where
                answer = shown.options[shown.correct]
                assert shown.explanation.startswith(f"✅ {answer}"), f"{where}: explanation does not match"
                if p.figure is not None:
                    fig = pack.figures[p.figure]
                    assert format_value(fig.value, tr) in answer, where
                    assert len(shown.options) == 4
                    assert pack.reference(fig.source, fig.footnote, lang) in shown.explanation, where
                else:
                    hand = study.hand(p.hand)
                    assert answer == study.hand_text(p.hand, lang).options[hand.answer], where
                    assert pack.reference(hand.source, hand.footnote, lang) in shown.explanation, where
                asked += 1
    return len(ids)


def _check_figure_plan(pack: Any, p: Any) -> None:
    fig = pack.figures[p.figure]
    assert fig.status != "pending" and fig.value is not None, f"{p.id}: a pending figure is never asked"
    problem = pack.study.problems[p.figure]
    assert problem.answer.text() == fig.value, f"{p.id}: the answer is not the value as the report writes it"
    answers = [v for v in p.values if v == fig.value]
    assert len(answers) == 1 and p.values[p.correct] == fig.value
    gap = d.EXACT_GAP if problem.bound == "exact" else d.APPROX_GAP
    for text in p.values:
        if text == fig.value:
            continue
        value = d.parse(text)
        assert value is not None and value.shape == problem.answer.shape, f"{p.id}: {text} is another shape"
        # never a true value of the figure, nor one so close that it would also be right
        for true in problem.taken:
            if value.high is not None:
                assert not value.low <= true <= value.high, f"{p.id}: {text} contains the true value {true}"
            assert all(abs(n - true) / max(abs(n), abs(true)) >= d.SAME_VALUE for n in value.numbers()), \
                f"{p.id}: {text} is the true value {true}"
        answer = problem.answer
        nearest = min(abs(n - a) / max(n, a) for n in value.numbers() for a in answer.numbers())
        assert nearest >= Decimal(str(gap)) or (value.shape == "range"), f"{p.id}: {text} too close to {fig.value}"
        if problem.bound == "lower":
            assert value.low > (answer.high or answer.low), f"{p.id}: {text} is not beyond the bound"
        if problem.bound == "upper":
            assert (value.high or value.low) < answer.low, f"{p.id}: {text} is not below the bound"
        if problem.cap is not None:
            assert (value.high or value.low) < problem.cap, f"{p.id}: {text} goes over 100%"
        assert value.style.decimals == answer.style.decimals, f"{p.id}: {text} is written unlike {fig.value}"


def test_every_question_of_the_shipped_pack_is_fair(content_pack: Any, catalogues: Any, capsys: Any) -> None:
    count = _check_pack(content_pack, catalogues)
    study = content_pack.study
    figures = sum(len(t.figures) for t in study.topics)
    hand = len(study.spec.quiz.questions)
    assert count == figures + hand
    assert figures >= 50 and hand >= 10  # the pack's quiz is worth a study session
    with capsys.disabled():
        print(f"\nquiz: the shipped pack yields {count} questions ({figures} on figures, {hand} hand-written)")


def test_every_question_of_another_pack_is_fair(minipack: Any, catalogues: Any) -> None:
    assert _check_pack(minipack, catalogues) == 4


def test_a_series_is_the_same_for_the_same_seed(content_pack: Any) -> None:
    study = content_pack.study
    assert select(study, 11, 5) == select(study, 11, 5)
    assert len({tuple(select(study, seed, 5)) for seed in range(10)}) > 1
    lessons = select(study, 3, 10, topic="lessons")
    assert lessons and all(study.topic_of(q) == "lessons" for q in lessons)
    assert all(q.startswith(FIGURE_PREFIX) for q in select(study, 3, 10, topic="party"))
    recent = set(select(study, 5, 80))
    assert not set(select(study, 9, 5, recent=recent)) & recent


# --- distractors on made-up values: the rules hold whatever the number ---------------------------

values = st.one_of(
    st.integers(1, 999_999).map(lambda n: f"{n:,}".replace(",", ".")),
    st.integers(1, 99).map(str),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]:02d}"),
    st.tuples(st.integers(1, 90), st.integers(1, 9)).map(lambda t: f"{t[0]}-{t[0] + t[1]}"),
    st.tuples(st.integers(1, 200), st.integers(0, 50)).map(lambda t: f"{t[0]}/{t[0] + t[1]}"),
)


@settings(max_examples=150, deadline=None)
@given(value=values, bound=st.sampled_from(["exact", "approx", "lower", "upper"]), percent=st.booleans(),
       seed=st.integers(0, 1000))
def test_distractors_never_repeat_never_touch_the_answer(value: str, bound: str, percent: bool, seed: int) -> None:
    answer = d.parse(value)
    if answer is None or answer.low <= 0:
        return
    cap = Decimal(100) if percent and (answer.high or answer.low) <= 100 else None
    problem = d.Problem(answer, bound, cap, tuple(answer.numbers()), ())  # type: ignore[arg-type]
    import random

    chosen = d.distractors(problem, random.Random(seed))
    texts = [c.text() for c in chosen]
    assert len(set(texts)) == len(texts) and value not in texts
    for c in chosen:
        assert c.shape == answer.shape
        if cap is not None:
            assert (c.high or c.low) < cap
        if bound == "lower":
            assert c.low > (answer.high or answer.low)
        if bound == "upper":
            assert (c.high or c.low) < answer.low
        if c.shape == "fraction":
            assert c.total == answer.total and c.low <= Decimal(answer.total.replace(".", ""))
