"""What ``content/study.yaml`` may hold: quiz topics and hand-written questions, and the charts.

The pack decides which figures are worth a quiz question (grouped in topics a cadre can ask for),
which questions about the report's ideas are asked, and which charts exist and what they plot. The
English words are in ``content/en/study.yaml`` (same ids, same list lengths).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.content.schema import ID_PATTERN, SECTION_ID_PATTERN, Strict

TOPIC_PATTERN = r"^[a-z0-9_]{2,16}$"  # travels in callback data next to a prefix
CHART_PATTERN = r"^[a-z0-9-]{2,24}$"
#: Telegram's own limits (shared TELEGRAM.md): poll question, option, quiz explanation.
POLL_QUESTION = 300
POLL_OPTION = 100
POLL_EXPLANATION = 200


def check_words(words: list[str]) -> list[str]:
    for word in words:
        if not 2 <= len(word.strip()) <= 40:
            raise ValueError(f"word {word!r} must be 2-40 characters")
    return words


def check_options(options: list[str]) -> list[str]:
    for option in options:
        if not 1 <= len(option.strip()) <= POLL_OPTION:
            raise ValueError(f"option {option!r} must be 1-{POLL_OPTION} characters")
    return options


class Bounds(Strict):
    """Words of the report's hedges that make a value a bound ("trên 90%" is at least 90%).

    A distractor for an "at least" value lies above it, for an "at most" value below it, so that no
    wrong option is also true. Looked up in the figure's qualifier and unit, in the pack's language."""

    lower: list[str] = Field(default_factory=list, max_length=20)
    upper: list[str] = Field(default_factory=list, max_length=20)


class QuizTopic(Strict):
    id: str = Field(pattern=TOPIC_PATTERN)
    title: str = Field(min_length=2, max_length=40)
    words: list[str] = Field(default_factory=list, max_length=20)  # what a cadre types: /quiz 5 kinh te
    figures: list[str] = Field(default_factory=list, max_length=200)  # the quiz-worthy figures

    @field_validator("words")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        return check_words(words)


class HandQuestion(Strict):
    """A question about the report's ideas, written by the curator. ``answer`` indexes ``options``."""

    id: str = Field(pattern=ID_PATTERN)
    topic: str = Field(pattern=TOPIC_PATTERN)
    question: str = Field(min_length=10, max_length=POLL_QUESTION - 20)  # room for "Câu 10/10. "
    options: list[str] = Field(min_length=3, max_length=6)
    answer: int = Field(ge=0)
    explanation: str = Field(min_length=5, max_length=POLL_EXPLANATION)
    source: str = Field(pattern=SECTION_ID_PATTERN)
    footnote: int | None = Field(default=None, ge=1)
    item: str | None = Field(default=None, pattern=ID_PATTERN)  # the card shown in a review

    @field_validator("options")
    @classmethod
    def _options(cls, options: list[str]) -> list[str]:
        return check_options(options)


class QuizSpec(Strict):
    bounds: Bounds = Field(default_factory=Bounds)
    topics: list[QuizTopic] = Field(min_length=1, max_length=12)
    questions: list[HandQuestion] = Field(default_factory=list)


class ChartSeries(Strict):
    label: str = Field(min_length=1, max_length=40)
    style: Literal["result", "target", "baseline"] = "result"


class ChartGroup(Strict):
    """One group of bars (a year, a sector, an indicator): a figure per series, or null where the
    report gives none. ``note`` names a notes.yaml entry the reader must see with this group."""

    label: str = Field(min_length=1, max_length=60)
    figures: list[str | None] = Field(min_length=1, max_length=6)
    note: str | None = Field(default=None, pattern=ID_PATTERN)


class ChartLine(Strict):
    """A reference across the bars: a target (a range draws a band) or an average."""

    figure: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, max_length=60)
    style: Literal["target", "average"] = "target"


class ChartSpec(Strict):
    """``bars``: grouped bars on one axis (one unit); ``pairs``: one small panel per group, each with
    its own axis (result against target, units differ); ``scorecard``: one row per figure with its
    status against the last congress's target (the target is the figure's own ``compare``)."""

    id: str = Field(pattern=CHART_PATTERN)
    kind: Literal["bars", "pairs", "scorecard"]
    title: str = Field(min_length=5, max_length=90)
    words: list[str] = Field(default_factory=list, max_length=20)
    axis: str | None = Field(default=None, max_length=40)
    series: list[ChartSeries] = Field(min_length=1, max_length=6)
    groups: list[ChartGroup] = Field(min_length=1, max_length=30)
    lines: list[ChartLine] = Field(default_factory=list, max_length=4)
    # Figures the report states about the chart as a whole ("03 chỉ tiêu dự kiến không hoàn thành"), shown
    # in its caption as written: what the bars cannot show (an indicator without a value) stays said.
    summary: list[str] = Field(default_factory=list, max_length=4)

    @field_validator("words")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        return check_words(words)


class StudyFile(Strict):
    quiz: QuizSpec | None = None
    charts: list[ChartSpec] = Field(default_factory=list, max_length=20)


# --- the English overlay (content/en/study.yaml): same ids, same list lengths ----------------------


class TopicText(Strict):
    title: str = Field(min_length=2, max_length=40)


class QuestionText(Strict):
    question: str = Field(min_length=10, max_length=POLL_QUESTION - 20)
    options: list[str] = Field(min_length=3, max_length=6)
    explanation: str = Field(min_length=5, max_length=POLL_EXPLANATION)

    @field_validator("options")
    @classmethod
    def _options(cls, options: list[str]) -> list[str]:
        return check_options(options)


class ChartText(Strict):
    title: str = Field(min_length=5, max_length=90)
    axis: str | None = Field(default=None, max_length=40)
    series: list[str] = Field(min_length=1, max_length=6)
    groups: list[str] = Field(min_length=1, max_length=30)
    lines: list[str] = Field(default_factory=list, max_length=4)


class QuizText(Strict):
    topics: dict[str, TopicText] = Field(default_factory=dict)
    questions: dict[str, QuestionText] = Field(default_factory=dict)


class StudyText(Strict):
    quiz: QuizText = Field(default_factory=QuizText)
    charts: dict[str, ChartText] = Field(default_factory=dict)
