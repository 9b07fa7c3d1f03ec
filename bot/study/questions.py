"""Quiz questions as plans: which options, in which order, which one is right. Deterministic per seed.

A plan is language-free: a figure question holds its options as the report would write them
(``13,60``, ``12-13``), a hand-written one the order of the pack's options. ``bot.render.quiz`` turns
a plan into the words of a poll in the reader's language. The same seed always gives the same
questions, options and order, so a series can be rebuilt after a restart and every question can be
tested.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.study.content import FIGURE_PREFIX, HAND_PREFIX, StudyContent
from bot.study.distractors import distractors

if TYPE_CHECKING:
    from bot.content.model import ContentPack

#: Options of a figure question: the answer and this many distractors.
DISTRACTORS = 3


@dataclass(frozen=True)
class Plan:
    id: str                     # f.<figure id> or h.<question id>
    topic: str
    figure: str | None = None
    hand: str | None = None
    values: tuple[str, ...] = ()  # figure question: every option's value as the report would write it
    order: tuple[int, ...] = ()   # hand-written question: the pack's option indexes in the order shown
    correct: int = 0              # index of the right option as shown


def rng_for(seed: int, what: str) -> random.Random:
    """A generator for one purpose of one seed (string seeds hash the same in every process)."""
    return random.Random(f"{seed}:{what}")


def plan(pack: ContentPack, question_id: str, seed: int) -> Plan | None:
    """The question ``question_id`` for ``seed``, or None when the pack no longer allows it."""
    study = pack.study
    if study is None:
        return None
    topic = study.topic_of(question_id)
    if topic is None:
        return None
    rng = rng_for(seed, question_id)
    if question_id.startswith(HAND_PREFIX):
        hand = study.hand(question_id[len(HAND_PREFIX):])
        if hand is None:
            return None
        order = list(range(len(hand.options)))
        rng.shuffle(order)
        return Plan(question_id, topic, hand=hand.id, order=tuple(order), correct=order.index(hand.answer))
    figure_id = question_id[len(FIGURE_PREFIX):]
    problem = study.problems.get(figure_id)
    if problem is None:
        return None
    wrong = [d.text() for d in distractors(problem, rng, DISTRACTORS)]
    values = [problem.answer.text(), *wrong]
    rng.shuffle(values)
    return Plan(question_id, topic, figure=figure_id, values=tuple(values),
                correct=values.index(problem.answer.text()))


def select(study: StudyContent, seed: int, count: int, topic: str | None = None,
           recent: Collection[str] = ()) -> list[str]:
    """``count`` question ids for a series: questions not asked ``recent``-ly first, shuffled by seed."""
    ids = study.question_ids(topic)
    rng = rng_for(seed, "select")
    fresh = [q for q in ids if q not in recent]
    stale = [q for q in ids if q in recent]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    return (fresh + stale)[:count]
