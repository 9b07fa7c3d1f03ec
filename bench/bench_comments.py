"""Comments on the draft: one comment through the real Application, and the committee's export at scale.

    .venv/bin/python bench/bench_comments.py [--comments 20000] [--flows 200]

1. Whole conversations (Góp ý -> stance -> text -> đối tượng -> unit -> Send) through the real
   Application over FakeBotAPI (no rate limiter: it would cap the run at 30 requests a second), by many
   users: updates per second and p50/p99 of one update, every step committed by the writer thread
   before the bot answers.
2. The committee's counts and workbook for N comments (spread over every section, 2,000 people, three
   stances, texts up to 2,000 characters): time to read them, to count them, to build the XLSX and the
   CSV, and the files' sizes. Prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.comments.export import Export  # noqa: E402
from bot.comments.places import place_of  # noqa: E402
from bot.comments.stats import summarise  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.render import callbacks as cb  # noqa: E402
from bot.render import comments as view  # noqa: E402
from bot.simulate import press, running, send  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.comments_repo import STANCES, CommentRepository, Draft  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
WORDS = ("đề nghị", "làm rõ", "tăng trưởng", "công nghiệp", "nguồn lực", "đánh giá", "sát thực tế", "bổ sung",
         "chỉ tiêu", "giải pháp", "cán bộ", "chuyển đổi số")


def text_of(rng: random.Random, size: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < size:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:size].strip() + "."


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def flows(pack: Any, catalogues: Catalogues, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(token=FAKE_TOKEN, data_dir=Path(tmp), content_dir=ROOT / "content",
                            locales_dir=ROOT / "locales")
        # without the rate limiter: its 30 requests a second overall would be all we measured
        app = build_application(settings, request=FakeBotAPI(), pack=pack, catalogues=catalogues, rate_limiter=False)
        sections = list(pack.sections)[:100]
        times: list[float] = []
        async with running(app):
            started = time.perf_counter()
            for n in range(count):
                user, section = 10_000 + n, sections[n % len(sections)]
                steps = [
                    lambda u=user, s=section: press(app, cb.encode(view.CommentOpen(s), pack.fingerprint), user_id=u),
                    lambda u=user, s=section: press(app, cb.encode(view.CommentStance(s, "disagree"),
                                                                   pack.fingerprint), user_id=u),
                    lambda u=user: send(app, "Đề nghị làm rõ nguồn lực thực hiện.", user_id=u),
                    lambda u=user, s=section: press(app, cb.encode(view.CommentAudience("cadre", s),
                                                                   pack.fingerprint), user_id=u),
                    lambda u=user, s=section: press(app, cb.encode(view.CommentAction("unitnone", s),
                                                                   pack.fingerprint), user_id=u),
                    lambda u=user, s=section: press(app, cb.encode(view.CommentAction("send", s),
                                                                   pack.fingerprint), user_id=u),
                ]
                for step in steps:
                    t0 = time.perf_counter()
                    await step()
                    times.append(time.perf_counter() - t0)
            total = time.perf_counter() - started
            sent = len(CommentRepository(app.bot_data["store"].db).all())
        print(f"conversations: {count} comments in {total:.2f} s ({len(times)} updates, "
              f"{len(times) / total:.0f} updates/s); one update p50 {statistics.median(times) * 1000:.1f} ms, "
              f"p99 {percentile(times, 0.99) * 1000:.1f} ms; comments stored: {sent}")


def export_at_scale(pack: Any, catalogues: Catalogues, count: int) -> None:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bot.sqlite3")
        repo = CommentRepository(store.db)
        sections = list(pack.sections)
        base = int(datetime(2026, 11, 1, 8, tzinfo=HANOI).timestamp())
        t0 = time.perf_counter()
        with store.db.transaction():
            made = 0
            while made < count:
                user, section = 1 + rng.randrange(2000), rng.choice(sections)
                if repo.get(user, section) is not None:
                    continue
                stance = rng.choice(STANCES)
                body = "" if stance == "agree" and rng.random() < 0.5 else text_of(rng, rng.choice((80, 300, 2000)))
                at = base + rng.randrange(30 * 86400)
                repo.put_draft(Draft(user, section, stance, body, at))
                repo.submit(user, section, place_of(pack, section), None, None, pack.fingerprint, at, 0, 10**9)
                made += 1
        seeded = time.perf_counter() - t0
        tr = catalogues["vi"]
        t0 = time.perf_counter()
        comments = repo.all()
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = summarise(comments, pack, HANOI)
        counted = time.perf_counter() - t0
        export = Export(comments, summary, pack, tr, HANOI, datetime(2026, 12, 1, 8, tzinfo=HANOI), named=False)
        t0 = time.perf_counter()
        xlsx = export.xlsx()
        built_xlsx = time.perf_counter() - t0
        t0 = time.perf_counter()
        csv_bytes = export.csv()
        built_csv = time.perf_counter() - t0
        store.close()
    print(f"export of {count} comments ({summary.people} people, {len(summary.sections)} sections; seeded in "
          f"{seeded:.1f} s): read {read * 1000:.0f} ms, counted {counted * 1000:.0f} ms, "
          f"XLSX {built_xlsx:.2f} s ({len(xlsx) / 1e6:.1f} MB), CSV {built_csv * 1000:.0f} ms "
          f"({len(csv_bytes) / 1e6:.1f} MB); Telegram takes documents up to 50 MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--flows", type=int, default=200)
    args = parser.parse_args()
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    asyncio.run(flows(pack, catalogues, args.flows))
    export_at_scale(pack, catalogues, args.comments)


if __name__ == "__main__":
    main()
