"""The bot with its database in trouble (printed, never asserted).

    .venv/bin/python bench/bench_store.py [--only stall|full|startup|flood] [--hold 8] [--updates 2000]

(stall)   Another connection holds the database in BEGIN EXCLUSIVE for --hold seconds. Meanwhile a digest
          run starts for 200 subscribers and 8 users look up a figure at once; then 8 users switch
          language at once (a write they wait for). A probe coroutine wakes every 5 ms: its longest
          lateness is the event loop's longest stall, i.e. how long every chat was frozen.
(full)    The database cannot grow (as on a full disk): --updates updates from 200 users (lookups,
          /lang, /subscribe, buttons). Prints the log lines and tracebacks that produced.
(startup) Commits made while the bot starts on an empty database (the figure snapshot among them).
(flood)   Flood protection's memory for 20,000 users who each sent one update.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.digest import runner as digest  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI  # noqa: E402
from bot.handlers.gate import FloodGuard  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.simulate import running, send, settle  # noqa: E402
from bot.store import Store  # noqa: E402


def app_in(tmp: Path, pack: Any, catalogues: Catalogues, **settings: Any) -> Any:
    config = Settings(token=FAKE_TOKEN, data_dir=tmp, content_dir=ROOT / "content",
                      locales_dir=ROOT / "locales", **settings)
    human = iter(range(0, 10**9, 3))  # each user's updates 3 s apart: nobody counts as flooding here
    # No rate limiter: Telegram's 30/s would set the pace of a bench about the database.
    app = build_application(config, request=FakeBotAPI(max_calls=1000), pack=pack, catalogues=catalogues,
                            arrivals=lambda: float(next(human)), rate_limiter=False)
    app.bot_data[digest.SCHEDULE] = False  # runs are started by the bench
    return app


class Probe:
    """Wakes every `every` seconds; the longest lateness is the loop's longest stall."""

    def __init__(self, every: float = 0.005) -> None:
        self.every = every
        self.longest = 0.0
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.every)
            self.longest = max(self.longest, time.perf_counter() - before - self.every)

    def __enter__(self) -> Probe:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()


def hold_lock(path: Path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    held.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


async def bench_stall(pack: Any, catalogues: Catalogues, hold: float) -> None:
    print(f"(stall) database held in BEGIN EXCLUSIVE by another connection for {hold:g} s:")
    for locked in (False, True):
        await _stall(pack, catalogues, hold if locked else 0.0)


async def _stall(pack: Any, catalogues: Catalogues, hold: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = app_in(Path(tmp), pack, catalogues)
        async with running(app):
            store: Store = app.bot_data["store"]
            with store.db.transaction() as conn:
                conn.executemany("INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, lang, created_at,"
                                 " updated_at) VALUES (?, 'private', 0, 'vi', 0, 0)",
                                 [(900_000 + n,) for n in range(200)])
            held = threading.Event()
            locker = threading.Thread(target=hold_lock, args=(store.db.path, hold, held))
            locker.start()
            held.wait()
            fake: FakeBotAPI = app.bot.request
            with Probe() as reading:
                run = asyncio.create_task(digest.tick_now(app))
                started = time.perf_counter()
                lookups = await asyncio.gather(*(send(app, "grdp", user_id=100 + u) for u in range(8)))
                lookups_took = time.perf_counter() - started
                await asyncio.sleep(0.2)
            with Probe() as writing:
                started = time.perf_counter()
                langs = await asyncio.gather(*(send(app, "/lang en", user_id=200 + u) for u in range(8)))
                langs_took = time.perf_counter() - started
                await asyncio.sleep(0.2)
            report = await run
            await settle(app)
            locker.join()
        answered = sum(1 for calls in lookups if any("GRDP" in (c.text or "") for c in calls))
        switched = sum(1 for calls in langs if any("English" in (c.text or "") for c in calls))
        digests = sum(1 for c in fake.calls("sendMessage") if c.chat_id in range(900_000, 900_200) and c.ok)
        print(f"  {'LOCKED' if hold else 'free (for comparison)'}:")
        print(f"    a digest run and 8 concurrent lookups: event loop's longest stall {reading.longest * 1000:.0f} ms;"
              f" {answered}/8 lookups answered in {lookups_took:.2f} s")
        print(f"    8 concurrent /lang en (a write each): longest stall {writing.longest * 1000:.0f} ms; "
              f"{switched}/8 switched, the others told to retry, in {langs_took:.2f} s")
        print(f"    the digest run: {digests} sent, {report.database_errors} database error(s)"
              + (" (its writer waited off the loop; the next minute's run sends them)" if hold else ""))


def cap(conn: sqlite3.Connection) -> None:
    """The database may not grow past its size: what a full disk does to SQLite."""
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines = 0
        self.tracebacks = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += 1 + self.format(record).count("\n")
        self.tracebacks += record.exc_info is not None


async def bench_full(pack: Any, catalogues: Catalogues, updates: int) -> None:
    counter = Counter()  # every line BOT_LOG_LEVEL=INFO would print (bot/logs.py quiets the same two)
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.INFO)
    for noisy in ("httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = app_in(Path(tmp), pack, catalogues)
        async with running(app):
            store: Store = app.bot_data["store"]
            cap(store.db.conn)  # both connections: the loop's, and the writer's (in its thread)
            await store.writer.run(lambda: cap(store.writer.db.conn))
            filled = "?"
            try:  # fill the room that is left
                store.db.conn.executemany("INSERT INTO users(user_id, first_seen, last_seen) VALUES (?, 0, 0)",
                                          ((10**9 + n,) for n in range(10**6)))
            except sqlite3.OperationalError as exc:
                filled = str(exc)
            counter.lines = counter.tracebacks = 0
            started = time.perf_counter()
            kinds = ("grdp", "/lang en", "/subscribe 7:00", "/lang vi", "fdi")
            for n in range(updates):
                await send(app, kinds[n % len(kinds)], user_id=1 + n % 200)
            await settle(app)
            took = time.perf_counter() - started
    logging.getLogger().removeHandler(counter)
    print(f"(full) database that cannot grow ({filled}): {updates} updates from 200 users in {took:.1f} s:")
    print(f"    log lines {counter.lines}, tracebacks {counter.tracebacks}")


async def bench_startup(pack: Any, catalogues: Catalogues) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bot.sqlite3")
        commits = [0]
        in_transaction = [False]

        def trace(sql: str) -> None:
            word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
            if word == "BEGIN":
                in_transaction[0] = True
            elif word in ("COMMIT", "END"):
                in_transaction[0] = False
                commits[0] += 1
            elif word == "ROLLBACK":
                in_transaction[0] = False
            elif word in ("INSERT", "UPDATE", "DELETE", "REPLACE") and not in_transaction[0]:
                commits[0] += 1

        store.db.conn.set_trace_callback(trace)
        app = app_in(Path(tmp), pack, catalogues)
        app.bot_data["store"] = store
        async with running(app):
            pass
    print(f"(startup) commits while the bot starts on an empty database: {commits[0]} "
          f"({len(pack.figures)} figure snapshots written)")


def bench_flood(users: int = 20_000) -> None:
    tracemalloc.start()
    guard = FloodGuard(clock=lambda: 0.0)
    before = tracemalloc.get_traced_memory()[0]
    for user in range(users):
        guard.check(10**6 + user)
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(f"(flood) flood protection for {users:,} users who each sent one update: {size / 2**20:.1f} MB "
          f"({size / users:.0f} bytes a user; calm users are swept every 1,024 updates)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("stall", "full", "startup", "flood"))
    parser.add_argument("--hold", type=float, default=8.0, help="seconds the other connection holds the lock")
    parser.add_argument("--updates", type=int, default=2000, help="updates sent to the full database")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    if args.only in (None, "stall"):
        asyncio.run(bench_stall(pack, catalogues, args.hold))
    if args.only in (None, "full"):
        asyncio.run(bench_full(pack, catalogues, args.updates))
    if args.only in (None, "startup"):
        asyncio.run(bench_startup(pack, catalogues))
    if args.only in (None, "flood"):
        bench_flood()


if __name__ == "__main__":
    main()
