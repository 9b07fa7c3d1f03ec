"""Digests take what is left of Telegram's ~30 requests/s after everything else the bot sends.

A fixed digest rate wastes capacity when nobody is talking to the bot and crowds users out when many
are. Instead every request the bot makes is noted in one rolling one-second window:
``MeteredRateLimiter`` (PTB's AIORateLimiter, which throttles replies and retries their 429s) notes
replies to users as they pass; the digest run notes each digest *before* sending it and waits while
the window is at its budget. A user's reply therefore never waits for digests (it is noted, and the
next digest waits instead), and the total stays under the budget in every rolling second, which is
how a strict 30/s limit counts.

One owner for a digest's 429: digest requests bypass the AIORateLimiter (no throttle, no retries, no
pause of everyone's traffic), so the DigestService sees RetryAfter on the first 429 and holds the
whole run (``WindowPacer.hold``) for retry_after, then retries that chat.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from telegram.ext import AIORateLimiter

#: Set inside a digest delivery task: the limiter leaves those requests to the digest pacer.
BULK: ContextVar[bool] = ContextVar("digest_bulk", default=False)

#: Requests per rolling second for the whole bot: under Telegram's ~30 with a small margin.
DEFAULT_BUDGET = 29


class TrafficWindow:
    """Timestamps of the requests of the last second."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._times: deque[float] = deque()

    def _prune(self, now: float) -> None:
        while self._times and self._times[0] <= now - 1.0:
            self._times.popleft()

    def note(self) -> None:
        self._times.append(self.clock())

    def count(self) -> int:
        self._prune(self.clock())
        return len(self._times)

    def wait_time(self, budget: int) -> float:
        """Seconds until one more request fits in the budget (0: now)."""
        now = self.clock()
        self._prune(now)
        if len(self._times) < budget:
            return 0.0
        return self._times[len(self._times) - budget] + 1.0 - now + 1e-3


class WindowPacer:
    """The digest side: one digest at a time takes a slot of the window, waiting while it is full.

    Digests are also spaced at least 1/budget apart: a burst granted at once would reach Telegram
    spread by the event loop and overlap the next second's burst in a rolling window.
    """

    def __init__(self, window: TrafficWindow, budget: int, sleep: Callable[[float], Awaitable[None]]) -> None:
        self.window = window
        self.budget = budget
        self.sleep = sleep
        self.interval = 1.0 / budget
        self._last = -1.0
        self._resume_at = -1.0
        self._lock = asyncio.Lock()

    def hold(self, seconds: float) -> None:
        """Telegram answered 429: no digest goes out for `seconds` (every delivery waits, not one)."""
        self._resume_at = max(self._resume_at, self.window.clock() + seconds)

    async def wait(self) -> None:
        async with self._lock:  # concurrent deliveries queue here, so the window is never overrun
            while True:
                now = self.window.clock()
                delay = max(self.window.wait_time(self.budget), self._last + self.interval - now,
                            self._resume_at - now)
                if delay <= 0:
                    break
                await self.sleep(delay)
            self._last = self.window.clock()
            self.window.note()


class MeteredRateLimiter(AIORateLimiter):
    """AIORateLimiter for replies, noting each in the shared TrafficWindow; digests pass straight by.

    A digest (BULK set in its task) is paced by the WindowPacer, which has noted it already, and its
    429 must reach the DigestService at once: going through AIORateLimiter would sleep retry_after up
    to max_retries times while pausing every reply.
    """

    def __init__(self, window: TrafficWindow, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.window = window

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> Any:
        if BULK.get():
            return await callback(*args, **kwargs)
        self.window.note()
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
