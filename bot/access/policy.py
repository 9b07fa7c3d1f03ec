"""The access decision, from memory only: BOT_ACCESS, BOT_ADMINS, BOT_ALLOWLIST and invite admissions.

``open``: everyone. ``allowlist`` and ``invite``: administrators, the user and group ids of
BOT_ALLOWLIST, and the ids admitted since (an invite link; a group an administrator added the bot
to). Both restricted modes honour invites; they differ in what an outsider is told. A group is
judged by its own id, not its members': what the bot posts there, everyone in it reads.

The admitted ids are loaded from SQLite at start and updated as admissions happen; the database is
never read to decide, so a locked or damaged database cannot open the door.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from bot.config import Settings

ACCESS = "access"  # bot_data key: the Access of the application

#: Outsiders and groups told once that the bot is private: remembered (newest) up to this many, so a
#: stream of strangers cannot grow memory without bound (the oldest may be told a second time).
TOLD_MAX = 10_000


class Told:
    """Ids already told something once; bounded, oldest forgotten first."""

    def __init__(self, size: int = TOLD_MAX) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, chat_id: int) -> bool:
        """True the first time an id is seen (and remembers it)."""
        if chat_id in self._ids:
            self._ids.move_to_end(chat_id)
            return False
        self._ids[chat_id] = None
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True

    def forget(self, chat_id: int) -> None:
        self._ids.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._ids)


class Access:
    """Who is admitted, in memory. Admissions made here are written through by the caller."""

    def __init__(self, settings: Settings, admitted: Iterable[int] = ()) -> None:
        self.settings = settings
        self._admitted: set[int] = set(admitted)
        self.told = Told()        # outsiders told how to get access
        self.groups_told = Told()  # groups told they are not admitted (before the bot leaves)

    @property
    def mode(self) -> str:
        return self.settings.access

    @property
    def restricted(self) -> bool:
        return self.settings.access != "open"

    def load(self, admitted: Iterable[int]) -> None:
        """The admissions stored in SQLite (read at start)."""
        self._admitted = set(admitted)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admins

    def configured(self, chat_id: int) -> bool:
        """Admitted by the configuration (BOT_ADMINS, BOT_ALLOWLIST): /remove cannot take it back."""
        return chat_id in self.settings.admins or chat_id in self.settings.allowlist

    def admits(self, chat_id: int | None) -> bool:
        """A user id (or a group id) may use the bot."""
        if not self.restricted:
            return True
        return chat_id is not None and (self.configured(chat_id) or chat_id in self._admitted)

    def invited(self, chat_id: int) -> bool:
        return chat_id in self._admitted

    def admit(self, chat_id: int) -> None:
        self._admitted.add(chat_id)
        self.told.forget(chat_id)
        self.groups_told.forget(chat_id)

    def remove(self, chat_id: int) -> None:
        self._admitted.discard(chat_id)

    def __len__(self) -> int:
        return len(self._admitted)
