"""Digest fan-out benchmarks (printed, never asserted).

    python bench/bench_digest.py [--subscribers 100000] [--duration 60] [--only a|b|crash] [--kills 20]

(a) Our own pipeline: SUBSCRIBERS in a temporary SQLite database, one day's run through the real
    DigestService (claims and marks through its writer thread), the real renderer and PTB's ExtBot over
    a FakeBotAPI that answers sendMessage at once (no HTML check, nothing recorded), no rate limiter
    and a pacing budget too large to matter. Prints messages/s (target >= 1000/s) and peak RSS
    (target < 200 MB).
(b) Against Telegram's limit, as bot/app.py builds it: MeteredRateLimiter for replies, digests paced by
    what replies leave of 29 requests per rolling second, over a fake that answers 429 (retry_after=1)
    whenever more than 30 requests arrived in the last second, for --duration seconds. Prints the
    achieved rate (target >= 95% of 30/s), the 429s seen, and how long a user's reply sent meanwhile
    waits in the limiter.
(crash) The crash test's child (tests/digest_crash_child.py: production policy, 0.15 s on the wire) is
    killed with SIGKILL at a random moment of its run, --kills times. Prints the digests each kill
    left uncertain ('sending': maybe delivered, never resent); target: at most 4.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import pstats
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.constants import ParseMode  # noqa: E402
from telegram.ext import Defaults, ExtBot  # noqa: E402

from bot.app import REPLY_RETRIES  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.digest.pacing import MeteredRateLimiter, TrafficWindow  # noqa: E402
from bot.digest.runner import digest_language, make_sender  # noqa: E402
from bot.digest.service import DeliveryPolicy, DigestService  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI, error_payload  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.store import Store  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 7, 0, tzinfo=HANOI)


class InstantAPI(FakeBotAPI):
    """Answers sendMessage at once without recording it (100,000 recorded calls would be the RSS)."""

    def __init__(self, window: int | None = None) -> None:
        super().__init__(strict_html=False)
        self.sent = 0
        self.refused = 0
        self.window = window  # None: no limit; else 429 above this many requests in the last second
        self.arrivals: deque[float] = deque()
        self.sent_at: list[float] = []

    async def do_request(self, url: str, method: str, request_data: Any = None, read_timeout: Any = None,
                         write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        if not url.endswith("/sendMessage"):
            return await super().do_request(url, method, request_data, read_timeout, write_timeout,
                                            connect_timeout, pool_timeout)
        params = request_data.parameters if request_data is not None else {}
        if self.window is not None:
            now = time.monotonic()
            self.arrivals.append(now)
            while self.arrivals and self.arrivals[0] <= now - 1.0:
                self.arrivals.popleft()
            if len(self.arrivals) > self.window:
                self.refused += 1
                return 429, json.dumps(error_payload(429, "Too Many Requests: retry after 1", 1)).encode()
            self.sent_at.append(now)
        self.sent += 1
        chat_id = int(params["chat_id"])
        message = {"message_id": self.sent, "date": 0, "text": params.get("text", ""),
                   "chat": {"id": chat_id, "type": "private", "first_name": "U"}}
        return 200, json.dumps({"ok": True, "result": message}).encode()


def seed(store: Store, count: int, fields: list[str]) -> None:
    """Subscribers spread over 05:00-07:00, a fifth with one field of interest, half in English."""
    rows = []
    for n in range(count):
        chosen = fields[n % len(fields)] if n % 5 == 0 else ""
        rows.append((10_000_000 + n, 300 + n % 121, chosen, "en" if n % 2 else "vi"))
    with store.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, fields, lang, created_at, updated_at)"
            " VALUES (?, 'private', ?, ?, ?, 0, 0)", rows)


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover
        return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


async def make(tmp: Path, subscribers: int, api: InstantAPI, policy: DeliveryPolicy,
                limited: bool) -> tuple[DigestService, ExtBot[Any], Store]:
    """limited: the rate limiter as bot/app.py builds it (MeteredRateLimiter sharing the window)."""
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    store = Store.open(tmp / "bench.sqlite3")
    seed(store, subscribers, list(pack.fields))
    window = TrafficWindow()
    rate_limiter = MeteredRateLimiter(window, max_retries=REPLY_RETRIES) if limited else None
    bot: ExtBot[Any] = ExtBot(FAKE_TOKEN, request=api, get_updates_request=api,
                              defaults=Defaults(parse_mode=ParseMode.HTML),
                              rate_limiter=rate_limiter)
    await bot.initialize()
    sender = make_sender(bot, lambda: pack, catalogues, lambda sub: digest_language(store, sub))
    service = DigestService(store.db, HANOI, sender, lambda: pack, policy=policy, clock=lambda: NOW,
                            window=window, writer=store.writer)
    service.remember_pack()
    return service, bot, store


async def bench_a(subscribers: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        api = InstantAPI()
        unpaced = DeliveryPolicy(window_budget=10**6)  # the pipeline's own speed, not Telegram's
        service, bot, store = await make(Path(tmp), subscribers, api, unpaced, limited=False)
        before = rss_mb()
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = await service.run_due()
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"(a) fan-out, rate limiter and pacing off, {unpaced.concurrency} in flight: "
              f"{report.sent:,} digests in {elapsed:.1f} s = "
              f"{report.sent / elapsed:,.0f} messages/s (target >= 1,000/s); failed {report.failed}")
        print(f"    RSS before the run {before:.0f} MB, after {rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB "
              f"(target < 200 MB)")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        await bot.shutdown()
        store.close()


async def bench_b(duration: float, reply_every: float) -> None:
    subscribers = int(40 * duration) + 200
    with tempfile.TemporaryDirectory() as tmp:
        api = InstantAPI(window=30)
        policy = DeliveryPolicy()
        service, bot, store = await make(Path(tmp), subscribers, api, policy, limited=True)
        started = time.monotonic()
        run = asyncio.create_task(service.run_due())
        latencies: list[float] = []

        async def user_replies() -> None:
            """A user's reply every ``reply_every`` s while the digests go out: how long does it wait?"""
            while time.monotonic() - started < duration - 1:
                await asyncio.sleep(reply_every)
                sent = time.monotonic()
                await bot.send_message(42, "reply")
                latencies.append(time.monotonic() - sent)

        probe = asyncio.create_task(user_replies())
        await asyncio.sleep(duration)
        service.request_stop()
        await run
        probe.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await probe
        window = [t for t in api.sent_at if t - started <= duration]
        rate = (len(window) - len(latencies)) / duration
        total = len(window) / duration
        latencies.sort()
        p50, p99 = (latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]) if latencies else (0, 0)
        pace_text = f"what replies leave of {policy.window_budget}/rolling s (MeteredRateLimiter)"
        print(f"(b) digest pacing {pace_text}, fake 429 above 30 requests/s, "
              f"{duration:.0f} s, a user's reply every {reply_every:g} s:\n"
              f"    {len(window) - len(latencies):,} digests = "
              f"{rate:.1f}/s = {rate / 30:.0%} of 30/s; with the replies {total:.1f}/s = {total / 30:.0%} "
              f"(target >= 95%); 429s seen {api.refused}; a reply waited "
              f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms")
        await bot.shutdown()
        store.close()


def bench_crash(kills: int, chats: int = 120) -> None:
    """SIGKILL the crash test's child at random moments of its run; count what each kill left uncertain."""
    child = ROOT / "tests" / "digest_crash_child.py"
    rng = random.Random(7)
    uncertain: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(kills):
            db, log = Path(tmp) / f"k{k}.sqlite3", Path(tmp) / f"k{k}.log"
            proc = subprocess.Popen([sys.executable, str(child), str(db), str(log), "0", "--seed", str(chats)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            target = rng.randint(5, chats - 20)  # digests received before the kill
            while proc.poll() is None and (not log.exists() or len(log.read_text().split()) < target):
                time.sleep(0.005)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            with sqlite3.connect(db) as conn:
                uncertain.append(conn.execute("SELECT COUNT(*) FROM digest_ledger WHERE status = 'sending'"
                                              ).fetchone()[0])
    policy = DeliveryPolicy()
    print(f"(crash) {kills} SIGKILLs at random moments of a run ({chats} chats, {policy.concurrency} in flight, "
          f"0.15 s on the wire): uncertain per kill max {max(uncertain)}, mean "
          f"{sum(uncertain) / len(uncertain):.1f} (target <= 4): {uncertain}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of (b)")
    parser.add_argument("--only", choices=("a", "b", "crash"))
    parser.add_argument("--reply-every", type=float, default=1.0,
                        help="seconds between the user replies sent during (b)")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs of (crash)")
    parser.add_argument("--profile", action="store_true", help="cProfile (a)")
    args = parser.parse_args()
    if args.only in (None, "a"):
        asyncio.run(bench_a(args.subscribers, args.profile))
    if args.only in (None, "b"):
        asyncio.run(bench_b(args.duration, args.reply_every))
    if args.only in (None, "crash"):
        bench_crash(args.kills)


if __name__ == "__main__":
    main()
