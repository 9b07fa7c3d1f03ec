"""A digest run in its own process that dies for real: used by tests/test_digest_crash.py.

    python tests/digest_crash_child.py DB LOG CRASH_AFTER [--seed N] [--latency S]

Runs the real DigestService (production DeliveryPolicy and pacer), renderer and PTB ExtBot over
FakeBotAPI at a fixed 07:00 in Hanoi; each request takes --latency seconds on the wire (default
0.15, a far server: several requests are in flight at once). Every sendMessage that reaches the fake
is appended to LOG (fsync'd: what "Telegram" received). When the CRASH_AFTER-th one arrives the
process calls os._exit() from inside the fake, before any answer, so nothing after it runs: no
'sent', no cleanup, exactly like a SIGKILL. CRASH_AFTER=0 never crashes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.constants import ParseMode  # noqa: E402
from telegram.ext import Defaults, ExtBot  # noqa: E402

from bot.content.pack import load_pack  # noqa: E402
from bot.digest.runner import make_sender  # noqa: E402
from bot.digest.service import DeliveryPolicy, DigestService  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, Call, FakeBotAPI  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.store.database import Database  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 7, 0, tzinfo=HANOI)
EXIT_CODE = 17


def seed(db: Database, count: int) -> None:
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, lang, created_at, updated_at)"
            " VALUES (?, 'private', 420, 'vi', 0, 0)",
            [(5000 + n, ) for n in range(count)],
        )


async def main(db_path: str, log: TextIO, crash_after: int, seed_count: int, latency: float) -> None:
    db = Database(db_path).open()
    if seed_count:
        seed(db, seed_count)
    received = 0

    def responder(call: Call) -> None:
        nonlocal received
        if call.method != "sendMessage":
            return
        received += 1
        log.write(f"{call.chat_id}\n")
        log.flush()
        os.fsync(log.fileno())
        if received == crash_after:
            os._exit(EXIT_CODE)

    fake = FakeBotAPI(latency=latency)
    fake.set_responder(responder)
    bot = ExtBot(FAKE_TOKEN, request=fake, get_updates_request=fake, defaults=Defaults(parse_mode=ParseMode.HTML))
    await bot.initialize()
    pack = load_pack(ROOT / "tests" / "fixtures" / "minipack")
    catalogues = Catalogues.load(ROOT / "locales")
    sender = make_sender(bot, lambda: pack, catalogues, lambda sub: sub.lang or "vi")
    service = DigestService(db, HANOI, sender, lambda: pack, clock=lambda: NOW,
                            policy=DeliveryPolicy())  # production: claims at send time, 4 in flight
    report = await service.run_due()
    print(json.dumps({"sent": report.sent, "failed": report.failed}))
    await bot.shutdown()
    db.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    count = int(args[args.index("--seed") + 1]) if "--seed" in args else 0
    wire = float(args[args.index("--latency") + 1]) if "--latency" in args else 0.15
    with open(args[1], "a", encoding="utf-8") as received_log:
        asyncio.run(main(args[0], received_log, int(args[2]), count, wire))
