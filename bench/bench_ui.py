"""UI benchmarks (printed, never asserted): handling time of menu taps, lookups, searches and inline queries
through the real Application over the fake Bot API, next to an echo handler on the same run.

    python bench/bench_ui.py [--rounds 3]

Targets (issue 3): p99 under 5 ms for menu taps; lookups no slower than 3x the echo baseline;
idle RSS under 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import Application, MessageHandler, filters  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.render import callbacks as cb  # noqa: E402
from bot.simulate import inline, press, running, send  # noqa: E402


def summary(name: str, samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    row = {"n": len(ms), "p50": statistics.median(ms), "p99": p99, "max": ms[-1],
           "per_s": len(ms) / (sum(ms) / 1000)}
    print(f"{name:<22} n={row['n']:>5}  p50 {row['p50']:6.2f} ms  p99 {row['p99']:6.2f} ms  "
          f"max {row['max']:7.2f} ms  {row['per_s']:8.0f} updates/s")
    return row


async def timed(samples: list[float], coro: Any) -> None:
    start = time.perf_counter()
    await coro
    samples.append(time.perf_counter() - start)


async def echo_baseline(rounds: int) -> list[float]:
    """A bare Application with one echo handler over the same fake transport: the floor."""
    fake = FakeBotAPI()
    app = Application.builder().token(FAKE_TOKEN).request(fake).get_updates_request(fake).build()

    async def echo(update: Update, context: Any) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    samples: list[float] = []
    async with running(app):
        for _ in range(rounds * 300):
            await timed(samples, send(app, "xin chào"))
    return samples


async def main(rounds: int) -> None:
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(token=FAKE_TOKEN, data_dir=Path(tmp), content_dir=ROOT / "content",
                            locales_dir=ROOT / "locales")
        fake = FakeBotAPI()
        human = itertools.count(0.0, 3.0)  # one user at machine speed is not a flood (bot/handlers/gate.py)
        app = build_application(settings, request=fake, pack=pack, rate_limiter=False, catalogues=catalogues,
                                arrivals=lambda: next(human))
        async with running(app):
            rss_idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            first = await send(app, "/menu")
            message_id = first[-1].result["message_id"]
            taps = [cb.MenuPage(e.id) for e in pack.menu]
            taps += [cb.ItemCard(i) for i in pack.items]
            taps += [cb.FigureCard(f) for f in pack.figures]
            taps += [cb.Original(s) for s in pack.sections]
            datas = [cb.encode(t, pack.fingerprint) for t in taps]
            queries = [a for f in pack.figures.values() for a in f.aliases[:1]][:300]
            menu_t: list[float] = []
            lookup_t: list[float] = []
            search_t: list[float] = []
            inline_t: list[float] = []
            for _ in range(rounds):
                for data in datas:
                    await timed(menu_t, press(app, data, message=message_id))
                for q in queries:
                    await timed(lookup_t, send(app, q))
                for q in queries[:100]:
                    await timed(search_t, send(app, f"/search {q}"))
                    await timed(inline_t, inline(app, q))
                fake.clear()
    echo = await echo_baseline(rounds)
    print(f"content pack {pack.meta.version} ({pack.fingerprint}): {len(pack.items)} items, "
          f"{len(pack.figures)} figures, {len(pack.sections)} sections")
    base = summary("echo (baseline)", echo)
    summary("menu taps", menu_t)
    looked = summary("figure lookups", lookup_t)
    summary("/search", search_t)
    summary("inline queries", inline_t)
    print(f"lookups vs echo: p50 x{looked['p50'] / base['p50']:.1f}, p99 x{looked['p99'] / base['p99']:.1f}")
    print(f"RSS after start (pack, index, app): {rss_idle:.0f} MB; peak after the run: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
