"""A quiz series, driven by its database row: start, send the next question when due, score, finish.

In a group the questions go out one every ``pause`` seconds and the scoreboard follows the last one; in
a private chat the next question follows each answer, with the running score, and a review of what was
missed ends the series. Nothing lives only in memory: a tick (every few seconds, and once after start)
re-reads which series are due, so a series interrupted by a restart carries on and finishes.

Telegram is reached through an ``Outbox`` the handlers provide; this module imports nothing of it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.store.study_repo import PollRow, Series, Standing, StudyRepository
from bot.study.questions import Plan, plan, select

if TYPE_CHECKING:
    from bot.content.model import ContentPack

log = logging.getLogger(__name__)

#: Questions a series may have, and how many /quiz asks without a number.
MAX_QUESTIONS = 10
DEFAULT_QUESTIONS = 5
#: Seconds between two questions in a group: time to read, think and tap (Telegram closes each poll
#: then; it accepts 5-600).
GROUP_PAUSE = 30
#: A private series nobody answered for this long is closed quietly, so a new /quiz is not refused.
PRIVATE_IDLE = 6 * 3600
#: After a failed send (network), try the step again this much later.
RETRY_AFTER = 15
#: Questions asked in a chat within this window are asked again only when the pack has no others.
RECENT = 7 * 24 * 3600
#: /quiz top counts answers of this many days.
STANDING_DAYS = 30


class Gone(Exception):
    """The chat refused the bot for good (blocked, kicked, no right to send polls): end the series."""


@dataclass(frozen=True)
class SentPoll:
    poll_id: str
    message_id: int | None
    question: str
    options: tuple[str, ...]
    correct: int


class Outbox(Protocol):
    """What the service asks Telegram to show; implemented in bot/handlers/quiz.py."""

    async def question(self, series: Series, position: int, plan: Plan) -> SentPoll: ...

    async def feedback(self, series: Series, poll: PollRow, option: int, right: int, answered: int) -> None: ...

    async def scoreboard(self, series: Series, standings: list[Standing]) -> None: ...

    async def review(self, series: Series, polls: list[PollRow], chosen: dict[int, int]) -> None: ...


@dataclass(frozen=True)
class Started:
    series: Series | None      # None: one is already running (``running``), or nothing to ask
    running: Series | None = None
    replaced: Series | None = None  # a private series closed to make room for this one


class QuizService:
    def __init__(self, repo: StudyRepository, pack: Callable[[], ContentPack], outbox: Outbox,
                 clock: Callable[[], float]) -> None:
        self.repo = repo
        self.pack = pack
        self.outbox = outbox
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}
        self._ticking = asyncio.Lock()

    def now(self) -> int:
        return int(self.clock())

    def _lock(self, chat_id: int) -> asyncio.Lock:
        return self._locks.setdefault(chat_id, asyncio.Lock())

    # -- starting and stopping ---------------------------------------------------------------------

    async def start(self, *, chat_id: int, chat_type: str, user_id: int, lang: str, count: int,
                    topic: str | None, seed: int,
                    announce: Callable[[Series, bool], Awaitable[None]] | None = None) -> Started:
        """Begin a series, ``announce`` it (the series, whether it replaced one), send its first question.
        A private chat's earlier series is replaced; a group's is not (one at a time)."""
        study = self.pack().study
        if study is None:
            return Started(None)
        async with self._lock(chat_id):
            now = self.now()
            replaced = None
            current = self.repo.running(chat_id)
            if current is not None:
                if chat_type != "private":
                    return Started(None, running=current)
                self.repo.finish(current.id, "stopped", now)
                replaced = current
            recent = self.repo.recent_questions(chat_id, now - RECENT)
            questions = select(study, seed, min(max(count, 1), MAX_QUESTIONS), topic, recent)
            if not questions:
                return Started(None)
            pause = 0 if chat_type == "private" else GROUP_PAUSE
            series = self.repo.start(chat_id=chat_id, chat_type=chat_type, started_by=user_id, lang=lang,
                                     seed=seed, topic=topic, questions=questions, pause=pause, at=now)
            if series is None:  # another start won the race
                return Started(None, running=self.repo.running(chat_id))
            if announce is not None:
                await announce(series, replaced is not None)
            await self._step(series)
            return Started(self.repo.get(series.id), replaced=replaced)

    def stop(self, chat_id: int) -> Series | None:
        """End the chat's running series; the stopped series, or None when none was running."""
        series = self.repo.running(chat_id)
        if series is not None and self.repo.finish(series.id, "stopped", self.now()):
            return series
        return None

    # -- the tick --------------------------------------------------------------------------------

    async def tick(self) -> int:
        """Take every due step (next question, scoreboard, idle private series); how many were due."""
        if self._ticking.locked():
            return 0
        async with self._ticking:
            due = self.repo.due(self.now())
            for series in due:
                async with self._lock(series.chat_id):
                    fresh = self.repo.get(series.id)
                    if fresh is not None and fresh.status == "running" and fresh.next_at <= self.now():
                        await self._step(fresh)
            return len(due)

    async def _step(self, series: Series) -> None:
        """The one next thing a series needs. Call with the chat's lock held."""
        now = self.now()
        if series.sent >= series.total:
            if series.private:  # the review is sent with the last answer; here nobody answered
                self.repo.finish(series.id, "abandoned", now)
                return
            if self.repo.finish(series.id, "finished", now):
                await self._quietly(self.outbox.scoreboard(series, self.repo.scoreboard(series.id)), series)
            return
        wait = PRIVATE_IDLE if series.private else series.pause
        position = series.sent
        if not self.repo.claim_step(series.id, position, now + wait):
            return
        question = plan(self.pack(), series.questions[position], series.seed)
        if question is None:  # the pack changed and no longer asks this: go straight on to the next step
            log.info("quiz %s: question %s is no longer in the pack; skipped", series.id,
                     series.questions[position])
            self.repo.set_next(series.id, now)
            fresh = self.repo.get(series.id)
            if fresh is not None:
                await self._step(fresh)
            return
        try:
            sent = await self.outbox.question(series, position, question)
        except Gone as exc:
            log.info("quiz %s in chat %s ended: %s", series.id, series.chat_id, exc)
            self.repo.finish(series.id, "abandoned", now)
            return
        except Exception:  # noqa: BLE001 - a network failure: the next tick tries this question again
            log.exception("quiz %s: question %d could not be sent; retrying", series.id, position + 1)
            self.repo.undo_step(series.id, position, now + RETRY_AFTER)
            return
        self.repo.add_poll(poll_id=sent.poll_id, series_id=series.id, position=position,
                           question_id=question.id, question=sent.question, options=list(sent.options),
                           correct=sent.correct, message_id=sent.message_id, at=now)

    async def _quietly(self, sending: Awaitable[None], series: Series) -> None:
        try:
            await sending
        except Gone as exc:
            log.info("quiz %s: chat %s is gone: %s", series.id, series.chat_id, exc)

    # -- answers ---------------------------------------------------------------------------------

    async def answer(self, poll_id: str, user_id: int, user_name: str, options: list[int]) -> bool:
        """Record a poll answer; in a private series, say how it went and go on. False if not ours."""
        poll = self.repo.poll(poll_id)
        if poll is None or not options:
            return False
        series = self.repo.get(poll.series_id)
        if series is None:
            return False
        option = options[0]
        recorded = self.repo.record(series_id=series.id, position=poll.position, user_id=user_id,
                                    user_name=user_name, option=option, correct=option == poll.correct,
                                    at=self.now())
        if not (recorded and series.private and series.status == "running" and user_id == series.started_by):
            return True
        async with self._lock(series.chat_id):
            series = self.repo.get(series.id)
            if series is None or series.status != "running" or poll.position != series.sent - 1:
                return True
            answers = self.repo.answers_of(series.id, user_id)
            right = sum(a.correct for a in answers)
            await self._quietly(self.outbox.feedback(series, poll, option, right, len(answers)), series)
            if series.sent < series.total:
                await self._step(series)
            elif self.repo.finish(series.id, "finished", self.now()):
                chosen = {a.position: a.option for a in answers}
                await self._quietly(self.outbox.review(series, self.repo.polls_of(series.id), chosen), series)
        return True

    # -- standings -------------------------------------------------------------------------------

    def standing(self, chat_id: int) -> list[Standing]:
        return self.repo.standing(chat_id, self.now() - STANDING_DAYS * 86400)

    def player_total(self, user_id: int) -> Standing | None:
        return self.repo.player_total(user_id, self.now() - STANDING_DAYS * 86400)
