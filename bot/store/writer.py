"""Writes that can wait, off the event loop: one thread, one connection of its own, one transaction per call.

`await writer.run(fn, *args)` runs `fn(*args)` in the writer thread inside BEGIN IMMEDIATE ... COMMIT
(rolled back if it raises), where `fn` is a method of a repository built over `writer.db`. The
thread waits up to WRITER_BUSY_MS for a lock another program holds; the event loop meanwhile goes on
answering users. Calls run one at a time, in the order they were made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.store.database import WRITER_BUSY_MS, Database

T = TypeVar("T")


class Writer:
    def __init__(self, path: Path | str, busy_ms: int = WRITER_BUSY_MS) -> None:
        self.db = Database(path, busy_ms=busy_ms)  # connected in the writer thread, on first use
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        self.db.open(migrate=False)  # the store's connection has run the migrations
        with self.db.transaction():
            return fn(*args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) in one transaction on the writer's connection; the loop is free while it waits."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._call, fn, args)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """The same, blocking: for start-up and shutdown code that runs outside the event loop."""
        return self._pool.submit(self._call, fn, args).result()

    def close(self) -> None:
        """Finish queued writes, then close the connection in its own thread."""
        self._pool.submit(self.db.close).result()
        self._pool.shutdown(wait=True)
