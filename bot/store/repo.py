"""Repositories: the only code that writes SQL for users and chats. DIGEST's repository follows suit."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bot.store.database import Database


def now() -> int:
    return int(time.time())


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


class Store:
    """The services handlers reach as context.store: one Database and its repositories.

    Another area adds its repository here as one attribute (e.g. `self.digest = DigestRepository(db)`).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.chats = ChatRepository(db)

    @classmethod
    def open(cls, path: Path | str, migrations_dir: Path | None = None) -> Store:
        return cls(Database(path, migrations_dir).open())

    def close(self) -> None:
        self.db.close()
