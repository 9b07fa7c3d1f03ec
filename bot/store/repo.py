"""Repositories: the only code that writes SQL for users and chats. DIGEST's repository follows suit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.store.database import Database, now
from bot.store.digest_repo import LedgerRepository, SubscriptionRepository
from bot.store.writer import Writer

log = logging.getLogger(__name__)

#: Bookkeeping writes (who wrote, who blocked us) queued while the database is unavailable; past this
#: many the newest are dropped and counted: the queue must not grow without bound during an outage.
MAX_PENDING = 10_000


@dataclass(frozen=True)
class UserRow:
    user_id: int
    lang: str | None
    language_code: str | None
    first_seen: int
    last_seen: int
    active: bool


class UserRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def touch(self, user_id: int, language_code: str | None = None, at: int | None = None) -> None:
        """Record that the user was seen (and their Telegram language); reactivates a blocked user."""
        at = now() if at is None else at
        self.db.conn.execute(
            "INSERT INTO users(user_id, language_code, first_seen, last_seen, active) VALUES (?, ?, ?, ?, 1)"
            " ON CONFLICT(user_id) DO UPDATE SET last_seen = excluded.last_seen, active = 1,"
            " language_code = COALESCE(excluded.language_code, users.language_code)",
            (user_id, language_code, at, at),
        )

    def get(self, user_id: int) -> UserRow | None:
        row = self.db.conn.execute("SELECT * FROM users WHERE user_id = ?", (user_id,)).fetchone()
        if row is None:
            return None
        return UserRow(row["user_id"], row["lang"], row["language_code"], row["first_seen"],
                       row["last_seen"], bool(row["active"]))

    def get_language(self, user_id: int) -> str | None:
        """The user's stored /lang choice, or None when they never chose."""
        row = self.db.conn.execute("SELECT lang FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return row["lang"] if row else None

    def set_language(self, user_id: int, lang: str | None) -> None:
        at = now()
        self.db.conn.execute(
            "INSERT INTO users(user_id, lang, first_seen, last_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang",
            (user_id, lang, at, at),
        )

    def set_active(self, user_id: int, active: bool) -> None:
        self.db.conn.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))

    def count(self, active_only: bool = True) -> int:
        sql = "SELECT COUNT(*) FROM users" + (" WHERE active = 1" if active_only else "")
        return int(self.db.conn.execute(sql).fetchone()[0])


@dataclass(frozen=True)
class ChatRow:
    chat_id: int
    type: str
    title: str | None
    lang: str | None
    active: bool


class ChatRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def touch(self, chat_id: int, chat_type: str, title: str | None = None, at: int | None = None) -> None:
        at = now() if at is None else at
        self.db.conn.execute(
            "INSERT INTO chats(chat_id, type, title, first_seen, last_seen, active) VALUES (?, ?, ?, ?, ?, 1)"
            " ON CONFLICT(chat_id) DO UPDATE SET type = excluded.type, title = excluded.title,"
            " last_seen = excluded.last_seen, active = 1",
            (chat_id, chat_type, title, at, at),
        )

    def get(self, chat_id: int) -> ChatRow | None:
        row = self.db.conn.execute("SELECT * FROM chats WHERE chat_id = ?", (chat_id,)).fetchone()
        if row is None:
            return None
        return ChatRow(row["chat_id"], row["type"], row["title"], row["lang"], bool(row["active"]))

    def set_language(self, chat_id: int, lang: str | None) -> None:
        self.db.conn.execute("UPDATE chats SET lang = ? WHERE chat_id = ?", (lang, chat_id))

    def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat inactive after a 403 so nothing is sent there again until it writes to us."""
        self.db.conn.execute("UPDATE chats SET active = ? WHERE chat_id = ?", (int(active), chat_id))

    def move(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: the chat's row (title, language) follows it."""
        self.db.conn.execute("UPDATE OR IGNORE chats SET chat_id = ?, type = 'supergroup' WHERE chat_id = ?",
                             (new, old))
        self.db.conn.execute("DELETE FROM chats WHERE chat_id = ?", (old,))


class Store:
    """The services handlers reach as context.store: one Database, its repositories, and the Writer.

    Reads and the writes a user waits for (/lang) use `db` on the event loop with a short timeout.
    Bookkeeping that can wait (who wrote, who blocked the bot) is queued with `note_*` and written by
    the Writer in batches, in order, one transaction per batch; `settle()` waits for the queue.
    """

    def __init__(self, db: Database, writer: Writer | None = None) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.chats = ChatRepository(db)
        self.writer = writer or Writer(db.path)
        self._w_users = UserRepository(self.writer.db)
        self._w_chats = ChatRepository(self.writer.db)
        self._w_subscriptions = SubscriptionRepository(self.writer.db)
        self._w_ledger = LedgerRepository(self.writer.db)
        self._pending: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.dropped = 0

    @classmethod
    def open(cls, path: Path | str, migrations_dir: Path | None = None, *, check: bool = False) -> Store:
        """Open (and migrate) the database; `check` (start-up) raises DatabaseProblem when it is
        damaged, locked, full or read-only."""
        return cls(Database(path, migrations_dir).open(check=check))

    # ------------------------------------------------------------------ writes that can wait
    def note_seen(self, user_id: int | None, language_code: str | None, chat_id: int | None,
                  chat_type: str | None, title: str | None) -> None:
        """An admitted user wrote (in this chat): remember them, and that the chat is reachable."""
        at = now()
        if user_id is not None:
            self._later(self._w_users.touch, user_id, language_code, at)
        if chat_id is not None and chat_type is not None:
            self._later(self._w_chats.touch, chat_id, chat_type, title, at)

    def note_reachable(self, chat_id: int, reachable: bool, *, private: bool, reason: str = "") -> None:
        """Telegram says the bot was blocked or removed (or let back in): the chat, its user and its
        digest follow. Only rows that exist change: nothing is recorded about a chat we never served."""
        self._later(self._set_reachable, chat_id, reachable, private, reason)

    def _set_reachable(self, chat_id: int, reachable: bool, private: bool, reason: str) -> None:
        self._w_chats.set_active(chat_id, reachable)
        if private:
            self._w_users.set_active(chat_id, reachable)
        if reachable:
            self._w_subscriptions.reactivate_if_refused(chat_id)
        else:
            self._w_subscriptions.deactivate(chat_id, reason)

    async def migrate_chat(self, old: int, new: int) -> bool:
        """A group upgraded to a supergroup: move its subscription, settings, ledger and chat row to the
        new id in one transaction. True when a subscription moved."""
        return await self.writer.run(move_chat, self.writer.db, old, new)

    def _later(self, fn: Callable[..., Any], *args: Any) -> None:
        if len(self._pending) >= MAX_PENDING:
            self.dropped += 1
            return
        self._pending.append((fn, args))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush(), name="store flush")

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self.writer.run(_apply_all, batch)
            except sqlite3.Error as exc:  # bookkeeping only: report (rate-limited) and drop the batch
                self.db.report(exc, f"recording {len(batch)} bookkeeping write(s)")

    async def settle(self) -> None:
        """Wait until every queued write is done (or reported as failed)."""
        while self._flushing is not None and not self._flushing.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._flushing)

    def close(self) -> None:
        self.writer.close()
        self.db.close()


def move_chat(db: Database, old: int, new: int) -> bool:
    """Move a group's subscription (with its settings), ledger and chat row to its supergroup id.
    Call it inside a transaction (Writer.run). True when a subscription moved."""
    moved = SubscriptionRepository(db).move(old, new)
    LedgerRepository(db).move(old, new)
    ChatRepository(db).move(old, new)
    return moved


def _apply_all(batch: list[tuple[Callable[..., Any], tuple[Any, ...]]]) -> None:
    for fn, args in batch:
        fn(*args)
