"""Digests fill what replies leave of the budget, in every rolling second (bot/digest/pacing.py).

A fake clock advanced by the fake sleep makes this deterministic: no real waiting, no timing asserts.
"""

from __future__ import annotations

import asyncio
import random
from bisect import bisect_right
from itertools import pairwise

from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.digest.pacing import BULK, MeteredRateLimiter, TrafficWindow, WindowPacer
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def max_in_a_rolling_second(times: list[float]) -> int:
    times = sorted(times)
    return max(bisect_right(times, t + 1.0 - 1e-9) - i for i, t in enumerate(times))


async def test_digests_and_replies_stay_under_the_budget_in_every_rolling_second() -> None:
    clock = FakeTime()
    window = TrafficWindow(clock)
    pacer = WindowPacer(window, 29, clock.sleep)
    rng = random.Random(7)
    digests: list[float] = []
    replies: list[float] = []
    for _ in range(600):
        if rng.random() < 0.2:  # a user's reply passes the limiter: noted, never delayed by digests
            window.note()
            replies.append(clock.now)
        await pacer.wait()
        digests.append(clock.now)
    events = sorted(digests + replies)
    for t in digests:  # a digest goes only when the last second (replies included) has room for it
        before = bisect_right(events, t - 1e-9) - bisect_right(events, t - 1.0 + 1e-9)
        assert before <= 28
    # replies are never held back, so one may land on a full second: still within Telegram's 30
    assert max_in_a_rolling_second(events) <= 30
    gaps = [b - a for a, b in pairwise(digests)]
    assert min(gaps) >= 1 / 29 - 1e-9  # spaced, never a burst
    elapsed = digests[-1] - digests[0]
    assert (len(digests) + len(replies)) / elapsed > 27  # and the budget is used, not wasted


async def test_concurrent_deliveries_share_one_pacer() -> None:
    clock = FakeTime()
    window = TrafficWindow(clock)
    pacer = WindowPacer(window, 10, clock.sleep)
    granted: list[float] = []

    async def deliver() -> None:
        await pacer.wait()
        granted.append(clock.now)

    await asyncio.gather(*(deliver() for _ in range(50)))
    assert max_in_a_rolling_second(granted) <= 10


async def test_the_limiter_meters_replies_but_not_digests() -> None:
    window = TrafficWindow()
    fake = FakeBotAPI()
    bot = ExtBot(FAKE_TOKEN, request=fake, get_updates_request=fake, defaults=Defaults(parse_mode=ParseMode.HTML),
                 rate_limiter=MeteredRateLimiter(window, max_retries=1))
    await bot.initialize()
    try:
        before = window.count()
        await bot.send_message(1, "a reply")
        assert window.count() == before + 1

        async def digest() -> None:
            BULK.set(True)
            await bot.send_message(2, "a digest")

        await asyncio.create_task(digest())
        assert window.count() == before + 1
        assert not BULK.get()  # the flag stayed inside the digest's task
    finally:
        await bot.shutdown()
