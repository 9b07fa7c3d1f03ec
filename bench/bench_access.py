"""Access on the hot path (printed, never asserted).

    .venv/bin/python bench/bench_access.py [--ids 100000] [--lookups 100000]

(decide)  Access.admits for 100,000 admitted ids loaded in memory: per check, insiders and outsiders.
(told)    Memory of whom the bot told (bounded at TOLD_MAX) after 1,000,000 distinct outsiders.
(lookups) LookupRecorder.note per lookup (the hot path's share), and the writer's time to store
          --lookups counts of 5,000 distinct texts in SQLite (off the event loop).
(redeem)  Opening invite links through the writer, one after another: per redemption.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.access import codes  # noqa: E402
from bot.access.lookups import LookupRecorder  # noqa: E402
from bot.access.policy import TOLD_MAX, Access  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.access_repo import AccessRepository  # noqa: E402


def decide(ids: int) -> None:
    access = Access(Settings(access="invite", admins=frozenset({1})), range(10_000_000, 10_000_000 + ids))
    n = 1_000_000
    t = time.perf_counter()
    for i in range(n):
        access.admits(10_000_000 + i % ids)
    insider = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for i in range(n):
        access.admits(i)
    outsider = (time.perf_counter() - t) / n
    print(f"decide: {ids:,} admitted ids in memory; admits() {insider * 1e9:.0f} ns (insider), "
          f"{outsider * 1e9:.0f} ns (outsider)")


def told() -> None:
    tracemalloc.start()
    access = Access(Settings(access="invite", admins=frozenset({1})))
    for i in range(1_000_000):
        access.told.first_time(10**9 + i)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"told: 1,000,000 outsiders -> {len(access.told):,} remembered (TOLD_MAX {TOLD_MAX:,}), "
          f"{size / 1e6:.1f} MB")


async def lookups(count: int, folder: Path) -> None:
    store = Store.open(folder / "bot.sqlite3")
    repo = AccessRepository(store.writer.db)
    written: list[float] = []

    async def flush(batch: list[tuple[str, int, int]]) -> None:
        t = time.perf_counter()
        await store.writer.run(repo.count_lookups, batch)
        written.append(time.perf_counter() - t)

    recorder = LookupRecorder(flush)
    texts = [f"chỉ tiêu số {i}" for i in range(5000)]
    t = time.perf_counter()
    for i in range(count):
        recorder.note(texts[i % len(texts)], i % 3 != 0)
    noted = (time.perf_counter() - t) / count
    await recorder.settle()
    print(f"lookups: note() {noted * 1e6:.2f} µs per lookup on the loop; {count:,} lookups of {len(texts):,} "
          f"texts written in {len(written)} batch(es), {sum(written) * 1e3:.0f} ms in the writer thread; "
          f"{AccessRepository(store.db).lookup_rows():,} rows kept")
    store.close()


async def redeem(folder: Path, n: int = 500) -> None:
    store = Store.open(folder / "redeem.sqlite3")
    repo = AccessRepository(store.writer.db)
    code = codes.new_code()
    await store.writer.run(repo.create, codes.digest(code), n, int(time.time()) + 86400, 1)
    t = time.perf_counter()
    for user in range(n):
        await store.writer.run(repo.redeem, codes.digest(code), 10**6 + user)
    per = (time.perf_counter() - t) / n
    print(f"redeem: {n} invite links opened one after another: {per * 1e3:.2f} ms each (writer thread, "
          "check + count a use + admit in one transaction)")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    args = parser.parse_args()
    decide(args.ids)
    told()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(lookups(args.lookups, Path(tmp)))
        asyncio.run(redeem(Path(tmp)))


if __name__ == "__main__":
    main()
