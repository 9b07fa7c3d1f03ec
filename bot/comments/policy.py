"""When comments are taken: switched on or off (BOT_COMMENTS), until the end of a day (BOT_COMMENTS_UNTIL,
in BOT_TIMEZONE), and how many a person may send in a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum

#: Comments (new or changed) one person may send in a day (BOT_TIMEZONE). A thorough reader comments on
#: the main sections of a part in one sitting; past 30 considered comments a day it is a script or a
#: mistake, and the reader can go on the next day.
PER_DAY = 30


class Window(Enum):
    OPEN = "open"
    CLOSED = "closed"  # the deadline passed
    OFF = "off"        # switched off by the operator


@dataclass(frozen=True)
class Status:
    """Whether comments are taken now, and the last day they are (None: no deadline)."""

    window: Window
    until: date | None

    @property
    def open(self) -> bool:
        return self.window is Window.OPEN


@dataclass(frozen=True)
class Policy:
    enabled: bool
    until: date | None
    tz: tzinfo

    def window(self, now: datetime) -> Window:
        if not self.enabled:
            return Window.OFF
        closes = self.closes_at()
        if closes is not None and now >= closes:
            return Window.CLOSED
        return Window.OPEN

    def status(self, now: datetime) -> Status:
        return Status(self.window(now), self.until)

    def closes_at(self) -> datetime | None:
        """Midnight after the last day, in the bot's time zone."""
        if self.until is None:
            return None
        return datetime.combine(self.until + timedelta(days=1), time(0), self.tz)


def day_start(now: datetime) -> int:
    """Unix time of the local midnight that began ``now``'s day (``now`` carries the bot's time zone)."""
    return int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())
