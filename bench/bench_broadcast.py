"""How long /broadcast takes to reach 92,000 chats, free (29/s) and paid (allow_paid_broadcast, 1,000/s).

    python bench/bench_broadcast.py [--chats 92000]

A real run of the bot's own path on a SIMULATED clock: 92,000 active subscriptions in a temporary SQLite
database, the real BroadcastService (each chat claimed and finished through the writer thread, access
checked per chat), the real WindowPacer and TrafficWindow, and PTB's ExtBot over a fake Bot API that
answers sendMessage at once. The pacer's sleeps advance the simulated clock instead of waiting, so the
printed "time to reach everyone" is what the pacing allows (requests take no time on the simulated
wire; Telegram's real round trip is covered by the concurrency), and "wall" is how long our own code
took to do it. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_digest import InstantAPI  # noqa: E402
from telegram.constants import ParseMode  # noqa: E402
from telegram.ext import Defaults, ExtBot  # noqa: E402

from bot.digest.pacing import TrafficWindow  # noqa: E402
from bot.fakeapi import FAKE_TOKEN  # noqa: E402
from bot.ops.broadcast import BroadcastService, Pace  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.broadcast_repo import Broadcast, BroadcastRepository, Tally  # noqa: E402


class SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def hms(seconds: float) -> str:
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


async def one_run(chats: int, paid: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.sqlite3")
        with store.db.transaction() as conn:
            conn.executemany("INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, created_at, updated_at)"
                             " VALUES (?, 'private', 420, 0, 0)", [(10_000_000 + n,) for n in range(chats)])
        api = InstantAPI()
        bot: ExtBot[Any] = ExtBot(FAKE_TOKEN, request=api, get_updates_request=api,
                                  defaults=Defaults(parse_mode=ParseMode.HTML))
        await bot.initialize()
        clock = SimClock()

        async def send(chat_id: int, html: str, paid_: bool) -> int | None:
            message = await bot.send_message(chat_id, html, allow_paid_broadcast=True if paid_ else None)
            return int(message.message_id)

        async def progress(broadcast: Broadcast, tally: Tally, final: bool) -> None:
            return None

        repo = BroadcastRepository(store.db)
        service = BroadcastService(repo, store.writer, send, progress, lambda sub: True,
                                   TrafficWindow(clock), sleep=clock.sleep)
        bid = repo.create(1, 1, "📢 <b>Thông báo</b>\n\nHội nghị khai mạc lúc 8 giờ sáng thứ Hai.", paid, "vi")
        repo.confirm(bid, repo.count_recipients())
        started = time.perf_counter()
        tally = await service.run(bid)
        wall = time.perf_counter() - started
        pace = Pace.for_paid(paid)
        label = "paid (allow_paid_broadcast)" if paid else "free"
        print(f"{label:28} budget {pace.budget:>4}/s: {tally.sent:,} of {chats:,} chats sent in "
              f"{hms(clock.now)} simulated ({tally.sent / max(clock.now, 1e-9):,.1f}/s); wall {wall:,.1f} s "
              f"for our own code ({tally.sent / wall:,.0f} chats/s); fake API answered {api.sent:,}")
        await bot.shutdown()
        store.writer.close()
        store.db.close()


async def main(chats: int) -> None:
    print(f"/broadcast to {chats:,} active subscribers (simulated clock; see the module doc)")
    for paid in (False, True):
        await one_run(chats, paid)
    print(f"for comparison: 5.6 million personal sends at 29/s take {hms(5_600_000 / 29)}; "
          "one channel post (BOT_DIGEST_CHANNEL) reaches them all at once")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=92_000)
    asyncio.run(main(parser.parse_args().chats))
