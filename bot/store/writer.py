"""Writes that can wait, off the event loop: one thread, one connection of its own, group commit.

`await writer.run(fn, *args)` runs `fn(*args)` in the writer thread, where `fn` is a method of a
repository built over `writer.db`, and returns its result once it is committed. Calls made while the
thread is busy are gathered and committed together: one BEGIN IMMEDIATE ... COMMIT for the batch,
each call in a SAVEPOINT of its own, so one call's failure is its own. The thread waits up to
WRITER_BUSY_MS for a lock another program holds; meanwhile the event loop goes on answering users.
Calls run in the order they were made.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.store.database import WRITER_BUSY_MS, Database

T = TypeVar("T")
_Call = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]", asyncio.AbstractEventLoop]


class Writer:
    def __init__(self, path: Path | str, busy_ms: int = WRITER_BUSY_MS) -> None:
        self.db = Database(path, busy_ms=busy_ms)  # connected in the writer thread, on first use
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._lock = threading.Lock()
        self._queue: list[_Call] = []
        self._draining = False
        self.batches = 0  # transactions committed (or tried): calls / batches is the grouping achieved

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) committed on the writer's connection; the loop is free while it waits."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._queue.append((fn, args, future, loop))
            start, self._draining = not self._draining, True
        if start:
            self._pool.submit(self._drain)
        return await future

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._draining = False
                    return
            for (_, _, future, loop), outcome in zip(batch, self._commit(batch), strict=True):
                loop.call_soon_threadsafe(_settle, future, outcome)

    def _commit(self, batch: list[_Call]) -> list[tuple[bool, Any]]:
        """One transaction for the batch, a savepoint per call; (ok, result or exception) per call."""
        self.batches += 1
        try:
            self.db.open(migrate=False)  # the store's connection has run the migrations
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:  # locked beyond the timeout, damaged...: every call fails alike
            return [(False, exc)] * len(batch)
        outcomes: list[tuple[bool, Any]] = []
        try:
            for fn, args, _, _ in batch:
                conn.execute("SAVEPOINT call")
                try:
                    outcomes.append((True, fn(*args)))
                    conn.execute("RELEASE call")
                except BaseException as exc:  # noqa: BLE001 - handed to the caller, as run() would
                    if not conn.in_transaction:  # SQLite rolled the whole batch back (a full disk does)
                        raise
                    conn.execute("ROLLBACK TO call")
                    conn.execute("RELEASE call")
                    outcomes.append((False, exc))
            conn.execute("COMMIT")
        except BaseException as exc:  # noqa: BLE001 - nothing of the batch was committed
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return [(False, exc)] * len(batch)
        return outcomes

    def close(self) -> None:
        """Finish queued writes, then close the connection in its own thread."""
        self._pool.submit(self.db.close).result()
        self._pool.shutdown(wait=True)


def _settle(future: asyncio.Future[Any], outcome: tuple[bool, Any]) -> None:
    if future.cancelled():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
