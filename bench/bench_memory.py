"""Memory the bot keeps per user (printed, never asserted): many users, each a lookup and a /search.

    .venv/bin/python bench/bench_memory.py [--users 20000] [--content DIR]

Every user sends what a cadre sends on a first day: a figure lookup that the report cannot answer
(its "search the text" button remembers the query) and a /search with results pages (they remember
it too). Measured through the real Application over FakeBotAPI, at a few points on the way to
``--users``:

- what the bot holds in ``user_data``, ``chat_data`` and ``bot_data`` for the users (deep size), and
- the growth of the process's resident memory (RSS; the fake Bot API's stored messages are dropped
  every 200 users; it includes caches that do not grow with users, the fake's own chat registry,
  and the allocator's noise),

each divided by the number of users. A bound shows as a per-user figure that falls as users come.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.simulate import running, send  # noqa: E402

FIRST_USER = 500_000


def deep_size(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes of ``obj`` and everything it holds (dicts, lists, sets, tuples, plain objects)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list | tuple | set | frozenset):
        size += sum(deep_size(x, seen) for x in obj)
    elif hasattr(obj, "__dict__"):
        size += deep_size(vars(obj), seen)
    return size


def held(app: Any, keys_before: set[str]) -> int:
    """Deep size of what the application keeps for users: user and chat data, and what the handlers
    added to bot_data (not the pack, index, store and settings that were there before any user)."""
    added = {k: v for k, v in app.bot_data.items() if k not in keys_before}
    return deep_size(dict(app.user_data)) + deep_size(dict(app.chat_data)) + deep_size(added)


async def run(users: int, content: Path) -> None:
    pack = load_pack(content)
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(token=FAKE_TOKEN, data_dir=Path(data), content_dir=content,
                            locales_dir=ROOT / "locales")
        fake = FakeBotAPI(max_calls=100)
        app = build_application(settings, request=fake, pack=pack, rate_limiter=False,
                                catalogues=Catalogues.load(ROOT / "locales"))
        async with running(app):
            keys_before = set(app.bot_data)
            await send(app, "/search tăng trưởng", user_id=FIRST_USER - 1)  # warm caches, lazy stores
            gc.collect()
            process = psutil.Process()
            base_rss = process.memory_info().rss
            base_held = held(app, keys_before)
            checkpoints = sorted({min(users, n) for n in (1_000, 5_000, users)})
            started = time.perf_counter()
            print(f"{users} users, each a lookup the report cannot answer and a /search with pages; "
                  f"content {content}")
            print(f"  {'users':>7} {'held by the bot':>18} {'per user':>9} {'RSS growth':>13} {'per user':>9}")
            done = 0
            for checkpoint in checkpoints:
                for n in range(done, checkpoint):
                    user = FIRST_USER + n
                    await send(app, f"số liệu zq{n} mới nhất", user_id=user)
                    await send(app, f"/search tăng trưởng công nghiệp {n % 50} {n}", user_id=user)
                    if n % 200 == 0:
                        fake._messages.clear()  # the fake keeps every message it was sent: not the bot's memory
                done = checkpoint
                fake._messages.clear()
                gc.collect()
                size = held(app, keys_before) - base_held
                rss = process.memory_info().rss - base_rss
                print(f"  {done:>7} {size / 1e6:>15.2f} MB {size / done:>7.0f} B {rss / 1e6:>10.1f} MB "
                      f"{rss / done:>7.0f} B")
            print(f"  ({time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    asyncio.run(run(args.users, args.content.resolve()))


if __name__ == "__main__":
    main()
