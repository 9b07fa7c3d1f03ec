"""Telegram lets a bot send about 20 messages a minute into one group (shared TELEGRAM.md).

Meeting posts are bulk traffic: a group with several meetings at the same hour, each with a brief, a
pin and an unpin, must not burst past that. ``ChatPacer`` keeps, per chat, the moments of the bot's
meeting requests in the last minute and waits before one more would make it 20 + 1.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

#: Requests per chat per rolling minute: Telegram's ~20 for groups, less one for a reply to a user.
PER_CHAT_PER_MINUTE = 19
WINDOW = 60.0


class ChatPacer:
    def __init__(self, limit: int = PER_CHAT_PER_MINUTE, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[int, deque[float]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def count(self, chat_id: int) -> int:
        """Requests noted for the chat in the current window."""
        times = self._sent.get(chat_id)
        if not times:
            return 0
        self._prune(times, self.clock())
        return len(times)

    def _prune(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()

    async def wait(self, chat_id: int) -> None:
        """Return when one more request to the chat keeps it within the limit, and note it."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            times = self._sent.setdefault(chat_id, deque())
            while True:
                now = self.clock()
                self._prune(times, now)
                if len(times) < self.limit:
                    break
                await self.sleep(times[0] + self.window - now + 1e-3)
            times.append(self.clock())
            if len(self._sent) > 10_000:  # chats that fell silent: forget them
                for chat in [c for c, t in self._sent.items() if not t]:
                    self._sent.pop(chat, None)
                    self._locks.pop(chat, None)
