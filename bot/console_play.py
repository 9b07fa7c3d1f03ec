"""The console plays groups: ``!`` lines switch chats and users, vote, grant rights and move the clock.

    !group [admin|member]   go to the test group (as its administrator, or a plain member)
    !private                back to your private chat with the bot
    !user 2002 Bình         be another user (in the group: a plain member unless !admin)
    !admin, !member         your status in the group
    !pin on|off             whether the bot may pin messages in the group
    !vote 2                 vote for option 2 of the last poll in this chat
    !clock                  the console's time; !clock +24h, +30m, +1d, or !clock 28/12 07:30 moves it
                            forward and shows what the bot then does (meeting briefs, pins, digests)
    !pinned                 what is pinned in this chat

The clock is the one the meeting and digest services read, so a meeting's 24-hour and 30-minute
briefs, the pin and the unpin after it can be watched in one session.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from bot.digest import runner as digest_runner
from bot.digest.timeparse import TimeFormatError, parse_time
from bot.handlers import comments_steps as comment_handlers
from bot.handlers import meetings as meeting_handlers
from bot.simulate import feed, user_json

if TYPE_CHECKING:
    from bot.console import Console

GROUP_ID = -1001234567890
GROUP_TITLE = "Chi bộ thử nghiệm"
HELP = __doc__.split("\n\n")[1] if __doc__ else ""

_STEP_RE = re.compile(r"^\+?(\d{1,4})\s*(d|ngay|h|g|gio|m|p|phut|min)$")
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")


class ConsoleClock:
    """A clock that stands still until the console moves it forward."""

    def __init__(self, tz: tzinfo, at: datetime | None = None) -> None:
        self.tz = tz
        self.at = (at or datetime.now(tz)).astimezone(tz).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.at


def install(app: Any, clock: ConsoleClock) -> None:
    """Before post_init: the services read this clock; meeting jobs are left to !clock (no real waits)."""
    app.bot_data[meeting_handlers.CLOCK] = clock
    app.bot_data[meeting_handlers.SCHEDULE] = False
    app.bot_data[digest_runner.CLOCK] = clock
    app.bot_data[comment_handlers.CLOCK] = clock  # the comments' deadline and dates follow !clock


class Director:
    """Carries out the ``!`` lines for a Console."""

    def __init__(self, clock: ConsoleClock) -> None:
        self.clock = clock

    async def handle(self, console: Console, line: str) -> None:
        word, _, rest = line[1:].strip().partition(" ")
        word, rest = word.lower(), rest.strip()
        action = {
            "group": self.group, "private": self.private, "user": self.user, "admin": self.admin,
            "member": self.member, "pin": self.pin, "vote": self.vote, "clock": self.move_clock,
            "pinned": self.pinned, "help": self.help,
        }.get(word)
        if action is None:
            console.write(f"(unknown console command !{word}; !help lists them)")
            return
        await action(console, rest)

    async def help(self, console: Console, rest: str) -> None:
        console.write(HELP)

    # -- chats and users ------------------------------------------------------------------------

    async def group(self, console: Console, rest: str) -> None:
        status = "administrator" if "admin" in rest.lower() else "member"
        console.chat_id, console.chat_type = GROUP_ID, "supergroup"
        console.fake.register_chat({"id": GROUP_ID, "type": "supergroup", "title": GROUP_TITLE})
        console.fake.set_member_status(GROUP_ID, console.user_id, status)
        console.buttons = []
        console.write(f"(you are now in the group “{GROUP_TITLE}” as {console.first_name}, "
                      f"{'its administrator' if status == 'administrator' else 'a plain member'})")

    async def private(self, console: Console, rest: str) -> None:
        console.chat_id, console.chat_type = None, "private"
        console.buttons = []
        console.write(f"(you are now in your private chat with the bot, as {console.first_name})")

    async def user(self, console: Console, rest: str) -> None:
        number, _, name = rest.partition(" ")
        if not number.isdigit() or not 0 < int(number) < 10**12:
            console.write("(usage: !user 2002 Bình)")
            return
        console.user_id, console.first_name = int(number), name.strip() or f"User {number}"
        where = "the group" if console.chat_type != "private" else "your private chat"
        if console.chat_type != "private":
            console.chat_id = GROUP_ID
        console.write(f"(you are now {console.first_name}, user {console.user_id}, in {where})")

    async def admin(self, console: Console, rest: str) -> None:
        await self._status(console, "administrator")

    async def member(self, console: Console, rest: str) -> None:
        await self._status(console, "member")

    async def _status(self, console: Console, status: str) -> None:
        console.fake.set_member_status(GROUP_ID, console.user_id, status)
        role = "an administrator" if status == "administrator" else "a plain member"
        console.write(f"({console.first_name} is now {role} of the group)")

    async def pin(self, console: Console, rest: str) -> None:
        allowed = rest.lower() not in {"off", "no", "tat", "0"}
        console.fake.grant_pin(GROUP_ID, allowed)
        console.write(f"(the bot {'may' if allowed else 'may not'} pin messages in the group)")

    async def pinned(self, console: Console, rest: str) -> None:
        chat = console.chat_id if console.chat_id is not None else console.user_id
        pins = console.fake.pinned(chat)
        console.write(f"(pinned here: {', '.join(f'#{p}' for p in pins) if pins else 'nothing'})")

    # -- polls ----------------------------------------------------------------------------------

    async def vote(self, console: Console, rest: str) -> None:
        chat = console.chat_id if console.chat_id is not None else console.user_id
        polls = [c for c in console.fake.calls("sendPoll", chat) if isinstance(c.result, dict)]
        if not polls:
            console.write("(no poll in this chat to vote in)")
            return
        poll = polls[-1].result["poll"]
        choices = [int(n) - 1 for n in rest.replace(",", " ").split() if n.isdigit()]
        if not choices or any(not 0 <= n < len(poll["options"]) for n in choices):
            console.write(f"(usage: !vote N, with N from 1 to {len(poll['options'])})")
            return
        console.write(f"you voted: {', '.join(poll['options'][n]['text'] for n in choices)}")
        payload = {"poll_answer": {
            "poll_id": poll["id"], "option_ids": choices,
            "option_persistent_ids": [poll["options"][n].get("persistent_id", str(n)) for n in choices],
            "user": user_json(console.user_id, console.lang, console.first_name)}}
        console.show(await feed(console.app, payload))

    # -- time -----------------------------------------------------------------------------------

    async def move_clock(self, console: Console, rest: str) -> None:
        if not rest:
            console.write(f"(it is {self.clock.at:%H:%M, %d/%m/%Y} in {self.clock.tz})")
            return
        target = self._target(rest)
        if target is None:
            console.write("(usage: !clock +24h | +30m | +2d | 28/12 07:30)")
            return
        if target < self.clock.at:
            console.write("(the clock only moves forward)")
            return
        self.clock.at = target
        console.write(f"(the clock moves to {target:%H:%M, %d/%m/%Y})")
        before = len(console.fake.calls())
        await meeting_handlers.tick_now(console.app)
        if digest_runner.DIGEST in console.app.bot_data:
            await digest_runner.tick_now(console.app)
        calls = console.fake.calls()[before:]
        if not calls:
            console.write("(nothing was due)")
        console.show(calls)

    def _target(self, text: str) -> datetime | None:
        text = text.strip().lower()
        step = _STEP_RE.match(text.replace(" ", ""))
        if step:
            n, unit = int(step.group(1)), step.group(2)
            minutes = n * 1440 if unit in {"d", "ngay"} else n * 60 if unit in {"h", "g", "gio"} else n
            return self.clock.at + timedelta(minutes=minutes)
        day_text, _, time_text = text.partition(" ")
        m = _DATE_RE.match(day_text)
        if not m:
            return None
        try:
            at = parse_time(time_text or "0:00")
            year = int(m.group(3)) if m.group(3) else self.clock.at.year
            return datetime(year, int(m.group(2)), int(m.group(1)), at.hour, at.minute, tzinfo=self.clock.tz)
        except (TimeFormatError, ValueError):
            return None
