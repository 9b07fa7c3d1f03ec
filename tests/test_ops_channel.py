"""BOT_DIGEST_CHANNEL: the day's common digest as one post, at the default digest time, with the draft's status
line, exactly once a day through a restart; the next day the next issue."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest import runner as digest_runner
from bot.fakeapi import FakeBotAPI
from bot.ops import channel
from bot.render.common import status_notice
from bot.simulate import fake_api, running
from tests.conftest import FakeTime, make_app

CHANNEL = "@bantin_baocao"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def posts(fake: FakeBotAPI) -> list[Any]:
    return [c for c in fake.calls("sendMessage") if c.params.get("chat_id") == CHANNEL and c.ok]


async def test_one_post_a_day_through_a_restart(settings, content_pack, catalogues, search_index, handler_errors):
    with_channel = dataclasses.replace(settings, digest_channel=CHANNEL)
    due = content_pack.digest.minute
    clock = Clock(datetime(2026, 11, 26, tzinfo=HANOI) + timedelta(minutes=due - 1))

    def start(fake: FakeBotAPI) -> Any:
        app = make_app(with_channel, fake, content_pack, catalogues, handler_errors, search_index, FakeTime())
        app.bot_data[digest_runner.CLOCK] = clock
        app.bot_data[digest_runner.SCHEDULE] = False
        return app

    first = FakeBotAPI()
    app = start(first)
    async with running(app):
        assert await channel.tick_now(app) is None and posts(first) == []  # a minute early: nothing
        clock.now += timedelta(minutes=1)
        posted = await channel.tick_now(app)
        assert posted is not None and posted.issue_no == 1
        assert await channel.tick_now(app) is None  # the same minute again: nothing more
        clock.now += timedelta(hours=3)
        assert await channel.tick_now(app) is None
    [post] = posts(first)
    text = post.params["text"]
    vi = catalogues.get("vi")
    notice = status_notice(content_pack, vi)
    assert notice is not None and notice in text  # the shipped pack is a draft: its status line is there
    assert "reply_markup" not in post.params and "/digest" not in text and "@" + first.bot_username in text
    assert len(text) <= 4096
    # a restart the same day (a new process, a new fake Telegram): nothing is posted again
    second = FakeBotAPI()
    app = start(second)
    async with running(app):
        assert await channel.tick_now(app) is None
        assert posts(second) == []
        clock.now += timedelta(days=1)  # the next day: the next issue
        posted = await channel.tick_now(app)
        assert posted is not None and posted.issue_no == 2
    assert len(posts(second)) == 1 and posts(second)[0].params["text"] != text


async def test_a_refused_post_is_not_retried_the_same_day(settings, content_pack, catalogues, search_index,
                                                          handler_errors):
    with_channel = dataclasses.replace(settings, digest_channel=CHANNEL)
    clock = Clock(datetime(2026, 11, 26, 12, 0, tzinfo=HANOI))
    app = make_app(with_channel, FakeBotAPI(), content_pack, catalogues, handler_errors, search_index, FakeTime())
    app.bot_data[digest_runner.CLOCK] = clock
    app.bot_data[digest_runner.SCHEDULE] = False
    async with running(app):
        fake = fake_api(app)
        fake.fail("sendMessage", 403, "Forbidden: bot is not a member of the channel chat", chat_id=CHANNEL)
        assert await channel.tick_now(app) is None
        assert await channel.tick_now(app) is None
        assert len(fake.calls("sendMessage", chat_id=CHANNEL)) == 1


async def test_no_channel_no_post(app):
    assert await channel.tick_now(app) is None
