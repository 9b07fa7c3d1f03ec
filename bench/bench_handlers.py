"""Handler throughput and latency through the real Application over FakeBotAPI, next to an echo baseline.

    .venv/bin/python bench/bench_handlers.py [--n 2000]

For each scenario: updates per second and p50/p99 time of `Application.process_update` (the gate, the
handler groups, rendering, SQLite, the fake transport). The echo app is the floor: the same
Application machinery and transport with one handler that replies with the text. Callback data for
menu taps is taken from the bot's own keyboards; lookup words from the pack's figures. Also the idle
RSS of the bot process (the console, started as a subprocess and left waiting). Prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from telegram import Update
from telegram.ext import Application, MessageHandler, filters

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.render import callbacks as cb  # noqa: E402
from bot.simulate import command_entities, running, send  # noqa: E402

USER = 1001
Payload = Callable[[int], dict[str, Any]]


def message(text: str, update_id: int, message_id: int) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "text": text,
        "chat": {"id": USER, "type": "private", "first_name": "An"},
        "from": {"id": USER, "is_bot": False, "first_name": "An", "language_code": "vi"},
    }
    if command_entities(text):
        payload["entities"] = command_entities(text)
    return {"update_id": update_id, "message": payload}


def tap(data: str, update_id: int, message_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "chat_instance": "ci", "data": data,
        "from": {"id": USER, "is_bot": False, "first_name": "An", "language_code": "vi"},
        "message": {"message_id": message_id, "date": int(time.time()), "text": "menu",
                    "chat": {"id": USER, "type": "private", "first_name": "An"}}}}


def inline_query(query: str, update_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "inline_query": {
        "id": str(update_id), "query": query, "offset": "", "chat_type": "private",
        "from": {"id": USER, "is_bot": False, "first_name": "An", "language_code": "vi"}}}


async def measure(app: Any, payloads: list[dict[str, Any]]) -> dict[str, float]:
    updates = [Update.de_json(p, app.bot) for p in payloads]
    for update in updates[: min(50, len(updates))]:  # warm-up: caches, first imports
        await app.process_update(update)
    times: list[float] = []
    start = time.perf_counter()
    for update in updates:
        t0 = time.perf_counter()
        await app.process_update(update)
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    times.sort()
    return {"n": len(times), "per_s": len(times) / total, "p50": statistics.median(times) * 1000,
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000}


async def echo_app() -> Any:
    fake = FakeBotAPI(max_calls=1000)
    app = Application.builder().token(FAKE_TOKEN).request(fake).get_updates_request(fake).build()

    async def echo(update: Update, context: Any) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def collect_menu_taps(app: Any, fake: FakeBotAPI, limit: int = 60) -> list[tuple[str, int]]:
    """Walk the bot's own keyboards breadth-first from /start; return (callback_data, message_id)."""
    from bot.simulate import press

    await send(app, "/start")
    last = fake.last_keyboard_message(USER)
    if last is None:
        return []
    frontier = [(b["callback_data"], last[0]) for b in last[1] if "callback_data" in b]
    seen: set[str] = set()
    taps: list[tuple[str, int]] = []
    while frontier and len(taps) < limit:
        data, message_id = frontier.pop(0)
        parsed = cb.parse(data)
        if data in seen or (parsed is not None and isinstance(parsed[1], cb.Language)):
            continue
        seen.add(data)
        taps.append((data, message_id))
        await press(app, data, message=message_id)
        shown = fake.last_keyboard_message(USER)
        if shown:
            frontier += [(b["callback_data"], shown[0]) for b in shown[1] if "callback_data" in b]
    return taps


def idle_rss_of_bot_process() -> float:
    """RSS (MB) of `python -m bot console` after start-up, waiting for input: the bot at rest."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    with tempfile.TemporaryDirectory() as tmp:
        env["BOT_DATA_DIR"] = tmp
        proc = subprocess.Popen([sys.executable, "-m", "bot", "console"], cwd=ROOT, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        try:
            assert proc.stdout is not None and proc.stdin is not None
            proc.stdin.write("/start\n")
            proc.stdin.flush()
            deadline = time.time() + 60
            while time.time() < deadline:  # wait until it answered /start: fully started
                line = proc.stdout.readline()
                if line.startswith("bot ›"):
                    break
            time.sleep(1.0)
            return psutil.Process(proc.pid).memory_info().rss / 2**20
        finally:
            proc.stdin.close()  # type: ignore[union-attr]
            proc.wait(timeout=30)


async def main(n: int) -> None:
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    figures = list(pack.figures.values())
    words = [(f.aliases[0] if f.aliases else f.label) for f in figures if f.headline] or [f.label for f in figures]
    words = words[:20]
    results: list[tuple[str, dict[str, float]]] = []

    echo = await echo_app()
    async with running(echo):
        results.append(("echo baseline (text)", await measure(
            echo, [message(f"xin chào {i}", i, i) for i in range(1, n + 1)])))

    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeBotAPI(max_calls=1000)
        settings = Settings(token=FAKE_TOKEN, data_dir=Path(tmp), content_dir=ROOT / "content",
                            locales_dir=ROOT / "locales")
        human = itertools.count(0.0, 3.0)  # one user at machine speed must not count as flooding (gate.py)
        app = build_application(settings, request=fake, pack=pack, rate_limiter=False, catalogues=catalogues,
                                arrivals=lambda: next(human))
        async with running(app):
            gc.collect()
            gc.freeze()  # as the live bot does after start-up (bot/app.py, FREEZE_GC)
            taps = await collect_menu_taps(app, fake)
            uid = 10_000
            scenarios: list[tuple[str, list[dict[str, Any]]]] = [
                ("/start", [message("/start", uid + i, i) for i in range(n)]),
                ("/help", [message("/help", uid + n + i, i) for i in range(n)]),
            ]
            if taps:
                scenarios.append((f"menu taps ({len(taps)} distinct)", [
                    tap(taps[i % len(taps)][0], uid + 2 * n + i, taps[i % len(taps)][1]) for i in range(n)]))
            scenarios += [
                (f"lookup, plain text ({len(words)} words)", [
                    message(words[i % len(words)], uid + 3 * n + i, i) for i in range(n)]),
                ("lookup, /figure <word>", [
                    message(f"/figure {words[i % len(words)]}", uid + 4 * n + i, i) for i in range(n)]),
                ("/search <word>", [
                    message(f"/search {words[i % len(words)]}", uid + 5 * n + i, i) for i in range(n)]),
                ("inline query", [inline_query(words[i % len(words)], uid + 6 * n + i) for i in range(n)]),
                ("unknown command", [message("/nope", uid + 7 * n + i, i) for i in range(n)]),
            ]
            for name, payloads in scenarios:
                fake.clear()
                results.append((name, await measure(app, payloads)))
            gc.collect()
            rss_in_bench = psutil.Process().memory_info().rss / 2**20

    base = results[0][1]
    print(f"handler benchmark: {n} updates per scenario, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, FakeBotAPI transport, rate limiter off")
    print(f"{'scenario':<40} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'p50 x echo':>11}")
    for name, r in results:
        print(f"{name:<40} {r['per_s']:>10.0f} {r['p50']:>8.3f} {r['p99']:>8.3f} {r['p50'] / base['p50']:>11.1f}")
    print(f"RSS of this benchmark process after the runs: {rss_in_bench:.0f} MB")
    print(f"idle RSS of the bot process (python -m bot console, after /start): {idle_rss_of_bot_process():.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="updates per scenario")
    asyncio.run(main(parser.parse_args().n))
