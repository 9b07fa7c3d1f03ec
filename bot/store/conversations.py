"""ConversationHandler states in the bot's SQLite database: a persistence without pickle.

PTB's persistent conversations need a ``BasePersistence``. PicklePersistence would write a second
file beside the database, outside its backups and its durability, and pickle is no place for data we
rely on (STYLE.md). This one stores only conversation states, as JSON, in the ``conversations`` table
(migration 040) through `ConversationRepository`; user, chat, bot and callback data are not persisted
(the bot keeps its data in its own tables). What a conversation collects (a comment's draft) lives in
its feature's own table, written at each step by the feature (bot/store/comments_repo.py), which also
writes the state in the same transaction: PTB's own writes, every `update_interval` seconds and at
shutdown, then only confirm it, and a crash in between loses nothing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.store.database import Database

log = logging.getLogger(__name__)

# PTB's own aliases (telegram.ext._utils.types), spelled out rather than imported from a private module.
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

#: Seconds between PTB's own writes of changed states (the features write theirs at once anyway).
UPDATE_INTERVAL = 60.0


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, name: str, since: int = 0) -> ConversationDict:
        """The states of one conversation handler written at ``since`` or later, by key."""
        rows = self.db.conn.execute("SELECT key, state FROM conversations WHERE name = ? AND updated_at >= ?",
                                    (name, since)).fetchall()
        out: ConversationDict = {}
        for row in rows:
            try:
                out[tuple(json.loads(row["key"]))] = json.loads(row["state"])
            except (ValueError, TypeError):  # a row no code of ours wrote: skip it rather than stop the bot
                log.warning("conversation %s: unreadable stored state for key %r ignored", name, row["key"])
        return out

    def get(self, name: str, key: ConversationKey) -> object:
        row = self.db.conn.execute("SELECT state FROM conversations WHERE name = ? AND key = ?",
                                   (name, json.dumps(list(key)))).fetchone()
        return json.loads(row["state"]) if row else None

    def store(self, name: str, key: ConversationKey, state: object, at: int | None = None) -> None:
        """Write a state (JSON); None ends the conversation (its row goes). ``at`` is real time (default now):
        expiry at start-up compares it with the real clock, whatever clock a feature runs on."""
        at = int(time.time()) if at is None else at
        key_text = json.dumps(list(key))
        if state is None:
            self.db.conn.execute("DELETE FROM conversations WHERE name = ? AND key = ?", (name, key_text))
            return
        self.db.conn.execute(
            "INSERT INTO conversations(name, key, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(name, key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (name, key_text, json.dumps(state), at))


Data = dict[Any, Any]


class SQLitePersistence(BasePersistence[Data, Data, Data]):
    """Conversation states only (see module doc). ``expire`` gives, per conversation name, the seconds
    after which a stored state is not restored: PTB does not persist conversation timeouts, so a
    conversation left longer than its timeout before a restart comes back ended (its draft stays)."""

    def __init__(self, path: Path | str, expire: Mapping[str, float] | None = None,
                 update_interval: float = UPDATE_INTERVAL) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False,
                                                     callback_data=False), update_interval=update_interval)
        self.path = path
        self.expire = dict(expire or {})
        self._db: Database | None = None

    def _repo(self) -> ConversationRepository | None:
        """The table's repository on a connection of our own (PTB asks before post_init opens the store);
        None while the database has no conversations table yet (a new database: nothing to restore)."""
        if self._db is None:
            self._db = Database(self.path).open(migrate=False)  # the store applies migrations
        exists = self._db.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversations'").fetchone()
        return ConversationRepository(self._db) if exists else None

    async def get_conversations(self, name: str) -> ConversationDict:
        since = int(time.time() - self.expire[name]) if name in self.expire else 0
        try:
            repo = self._repo()
            return repo.load(name, since) if repo is not None else {}
        except sqlite3.Error as exc:  # the drafts are safe in their table; only the states are not restored
            log.error("conversation states of %s not restored: %s", name, exc)
            return {}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        try:
            repo = self._repo()
            if repo is not None:
                repo.store(name, key, new_state)
        except sqlite3.Error as exc:  # the feature wrote the state itself already; report and go on
            log.warning("conversation state of %s not written: %s", name, exc)

    async def flush(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # Nothing else is persisted (store_data above): PTB never calls these with data to keep.
    async def get_user_data(self) -> dict[int, Data]:
        return {}

    async def get_chat_data(self) -> dict[int, Data]:
        return {}

    async def get_bot_data(self) -> Data:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: Data) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        return None

    async def update_bot_data(self, data: Data) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Data) -> None:
        return None
