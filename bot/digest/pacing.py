"""Digests take what is left of Telegram's ~30 requests/s after everything else the bot sends.

A fixed digest rate wastes capacity when nobody is talking to the bot and crowds users out when many
are. Instead every request the bot makes is noted in one rolling one-second window:
``MeteredRateLimiter`` (PTB's AIORateLimiter, which still throttles all traffic and retries 429s)
notes replies to users as they pass; the digest run notes each digest *before* sending it and waits
while the window is at its budget. A user's reply therefore never waits for digests (it is noted,
and the next digest waits instead), and the total stays under the budget in every rolling second,
which is how a strict 30/s limit counts.
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
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:  # concurrent deliveries queue here, so the window is never overrun
            while True:
                now = self.window.clock()
                delay = max(self.window.wait_time(self.budget), self._last + self.interval - now)
                if delay <= 0:
                    break
                await self.sleep(delay)
            self._last = self.window.clock()
            self.window.note()


class MeteredRateLimiter(AIORateLimiter):
    """AIORateLimiter that also notes every non-digest request in the shared TrafficWindow."""

    def __init__(self, window: TrafficWindow, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.window = window

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> Any:
        if not BULK.get():
            self.window.note()
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
