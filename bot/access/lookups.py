"""Lookup statistics for the content team: what is asked, and what the report had nothing on.

A lookup costs the hot path one dictionary update: counts gather in memory and a background task
hands them to the store's writer (its own thread and connection) in batches. Only the normalised text
and two counts are kept: no user id, no chat, no time of a single lookup.

Inline queries arrive while people type ("g", "gr", "grd", "grdp"): each person's latest one waits in
memory (:meth:`LookupRecorder.typing`, keyed by the sender only there, for at most TYPING_SECONDS)
and is counted once they type something that is not a longer or shorter form of it, or stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

#: A lookup text longer than this is cut (a query is short; the cap bounds every row).
QUERY_CHARS = 80
#: Distinct texts gathered in memory between two writes; past it, new texts wait for the next batch
#: (counted as dropped), so an outage of the database cannot grow memory without bound.
PENDING_MAX = 5000

#: An inline query still being typed is counted after this many seconds without a newer one.
TYPING_SECONDS = 20.0
#: People typing at once, remembered; past it, the oldest query being typed is counted at once.
TYPING_MAX = 10_000

Flush = Callable[[list[tuple[str, int, int]]], Awaitable[None]]


def normalise(text: str) -> str:
    """One form per question: NFC, lower case, single spaces, no punctuation at the ends."""
    text = unicodedata.normalize("NFC", text).lower()
    text = " ".join(text.split())
    return text.strip(" .,;:!?\"'“”‘’()[]«»…-")[:QUERY_CHARS].strip()


class LookupRecorder:
    def __init__(self, flush: Flush, clock: Callable[[], float] = time.monotonic) -> None:
        self._flush_fn = flush
        self._clock = clock
        self._pending: dict[str, list[int]] = {}
        self._typing: OrderedDict[int, tuple[str, bool, float]] = OrderedDict()
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0

    def note(self, query: str, found: bool) -> None:
        text = normalise(query)
        if not text:
            return
        counts = self._pending.get(text)
        if counts is None:
            if len(self._pending) >= PENDING_MAX:
                self.dropped += 1
                return
            counts = self._pending[text] = [0, 0]
        counts[0 if found else 1] += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._flush(), name="lookup stats")

    def typing(self, who: int, query: str, found: bool) -> None:
        """An inline query: counted when the sender moves on to another query, or stops typing."""
        now = self._clock()
        text = normalise(query)
        before = self._typing.pop(who, None)
        if before is not None and not (text.startswith(before[0]) or before[0].startswith(text)):
            self.note(before[0], before[1])
        if text:
            self._typing[who] = (text, found, now)
        while self._typing:
            oldest, (q, f, at) = next(iter(self._typing.items()))
            if len(self._typing) <= TYPING_MAX and now - at < TYPING_SECONDS:
                break
            del self._typing[oldest]
            self.note(q, f)

    def stop_typing(self) -> None:
        """Count every inline query still waiting (at shutdown)."""
        while self._typing:
            _, (q, f, _) = self._typing.popitem(last=False)
            self.note(q, f)

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the reply go first
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                await self._flush_fn([(q, c[0], c[1]) for q, c in batch.items()])
            except sqlite3.Error as exc:  # statistics only: log and drop the batch
                log.warning("lookup statistics not written (%d texts): %s", len(batch), exc)

    async def settle(self) -> None:
        """Wait until what was gathered is written."""
        while self._task is not None and not self._task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)
