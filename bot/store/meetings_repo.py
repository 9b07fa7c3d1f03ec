"""Meetings, their posts, readers and per-group settings: the only SQL of bot/meetings.

A post is claimed ('due' -> 'sending', one UPDATE that only one caller can win) before the Bot API
call and marked 'sent' after, so a brief is never posted twice, even by two runs at once. A 'sending'
row a crash left behind is never retried (see MeetingService.settle_uncertain).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.database import Database

BRIEF_POSTS = ("first", "second")
UNPIN = "unpin"


@dataclass(frozen=True)
class Meeting:
    id: int
    chat_id: int
    starts_at: int
    topic: str
    brief: str | None
    lang: str | None
    created_by: int | None
    created_at: int
    status: str
    reason: str | None
    pinned_id: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Meeting:
        return cls(row["id"], row["chat_id"], row["starts_at"], row["topic"], row["brief"], row["lang"],
                   row["created_by"], row["created_at"], row["status"], row["reason"], row["pinned_id"])


@dataclass(frozen=True)
class Post:
    meeting_id: int
    kind: str  # first | second | unpin
    due_at: int
    status: str
    message_id: int | None
    note: str | None

    @property
    def job_name(self) -> str:
        """Jobs are named by what they are for, so they can be found, replaced and never doubled."""
        return f"MEETING {self.meeting_id} {self.kind}"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Post:
        return cls(row["meeting_id"], row["kind"], row["due_at"], row["status"], row["message_id"], row["note"])


@dataclass(frozen=True)
class ChatSettings:
    chat_id: int
    first_minutes: int = 24 * 60
    second_minutes: int = 30
    readers: bool = True
    pin_refused: bool = False


@dataclass(frozen=True)
class Reader:
    user_id: int
    name: str
    read_at: int


class MeetingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- settings -------------------------------------------------------------------------------

    def settings(self, chat_id: int) -> ChatSettings:
        row = self.db.conn.execute("SELECT * FROM meeting_chats WHERE chat_id = ?", (chat_id,)).fetchone()
        if row is None:
            return ChatSettings(chat_id)
        return ChatSettings(chat_id, row["first_minutes"], row["second_minutes"], bool(row["readers"]),
                            bool(row["pin_refused"]))

    def save_settings(self, settings: ChatSettings, at: int) -> None:
        self.db.conn.execute(
            "INSERT INTO meeting_chats(chat_id, first_minutes, second_minutes, readers, pin_refused, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET"
            " first_minutes = excluded.first_minutes, second_minutes = excluded.second_minutes,"
            " readers = excluded.readers, pin_refused = excluded.pin_refused, updated_at = excluded.updated_at",
            (settings.chat_id, settings.first_minutes, settings.second_minutes, int(settings.readers),
             int(settings.pin_refused), at),
        )

    # -- meetings -------------------------------------------------------------------------------

    def add(self, chat_id: int, starts_at: int, topic: str, brief: str | None, lang: str | None,
            created_by: int | None, at: int, posts: Iterable[tuple[str, int]]) -> Meeting:
        """The meeting and its posts in one transaction."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO meetings(chat_id, starts_at, topic, brief, lang, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", (chat_id, starts_at, topic, brief, lang, created_by, at))
            meeting_id = int(cur.lastrowid or 0)
            conn.executemany("INSERT INTO meeting_posts(meeting_id, kind, due_at) VALUES (?, ?, ?)",
                             [(meeting_id, kind, due) for kind, due in posts])
        meeting = self.get(meeting_id)
        assert meeting is not None
        return meeting

    def get(self, meeting_id: int) -> Meeting | None:
        row = self.db.conn.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return Meeting.from_row(row) if row else None

    def upcoming(self, chat_id: int, after: int) -> list[Meeting]:
        """Scheduled meetings of a chat that have not begun, soonest first."""
        rows = self.db.conn.execute(
            "SELECT * FROM meetings WHERE chat_id = ? AND status = 'scheduled' AND starts_at > ?"
            " ORDER BY starts_at, id", (chat_id, after)).fetchall()
        return [Meeting.from_row(r) for r in rows]

    def latest(self, chat_id: int) -> Meeting | None:
        """The most recent meeting of a chat that was not cancelled (begun or not)."""
        row = self.db.conn.execute(
            "SELECT * FROM meetings WHERE chat_id = ? AND status != 'cancelled' ORDER BY starts_at DESC, id DESC"
            " LIMIT 1", (chat_id,)).fetchone()
        return Meeting.from_row(row) if row else None

    def scheduled_in(self, chat_id: int) -> list[Meeting]:
        rows = self.db.conn.execute("SELECT * FROM meetings WHERE chat_id = ? AND status = 'scheduled'",
                                    (chat_id,)).fetchall()
        return [Meeting.from_row(r) for r in rows]

    def set_status(self, meeting_id: int, status: str, reason: str | None = None) -> None:
        self.db.conn.execute("UPDATE meetings SET status = ?, reason = COALESCE(?, reason) WHERE id = ?",
                             (status, reason[:300] if reason else None, meeting_id))

    def cancel(self, meeting_id: int, reason: str) -> list[Post]:
        """Cancel a meeting; everything it still had to do is skipped (returned, for their jobs)."""
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT * FROM meeting_posts WHERE meeting_id = ? AND status = 'due'",
                                (meeting_id,)).fetchall()
            conn.execute("UPDATE meetings SET status = 'cancelled', reason = ? WHERE id = ?",
                         (reason[:300], meeting_id))
            conn.execute("UPDATE meeting_posts SET status = 'skipped', note = 'cancelled'"
                         " WHERE meeting_id = ? AND status = 'due'", (meeting_id,))
        return [Post.from_row(r) for r in rows]

    def set_pinned(self, meeting_id: int, message_id: int | None) -> None:
        self.db.conn.execute("UPDATE meetings SET pinned_id = ? WHERE id = ?", (message_id, meeting_id))

    def move_chat(self, old: int, new: int) -> None:
        """A group upgraded to a supergroup has a new id: its meetings and settings follow it."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE meetings SET chat_id = ? WHERE chat_id = ?", (new, old))
            conn.execute("UPDATE OR IGNORE meeting_chats SET chat_id = ? WHERE chat_id = ?", (new, old))

    # -- posts ----------------------------------------------------------------------------------

    def posts(self, meeting_id: int) -> list[Post]:
        rows = self.db.conn.execute("SELECT * FROM meeting_posts WHERE meeting_id = ? ORDER BY due_at",
                                    (meeting_id,)).fetchall()
        return [Post.from_row(r) for r in rows]

    def pending(self) -> list[Post]:
        """Every post still to do, of meetings still scheduled, soonest first."""
        rows = self.db.conn.execute(
            "SELECT p.* FROM meeting_posts AS p JOIN meetings AS m ON m.id = p.meeting_id"
            " WHERE p.status = 'due' AND m.status = 'scheduled' ORDER BY p.due_at, p.meeting_id").fetchall()
        return [Post.from_row(r) for r in rows]

    def due(self, now: int) -> list[Post]:
        return [p for p in self.pending() if p.due_at <= now]

    def replace_brief_posts(self, meeting_id: int, posts: Iterable[tuple[str, int]]) -> list[Post]:
        """New times for the briefs not posted yet (settings changed); returns the posts removed."""
        with self.db.transaction() as conn:
            old = conn.execute("SELECT * FROM meeting_posts WHERE meeting_id = ? AND status = 'due'"
                               " AND kind != 'unpin'", (meeting_id,)).fetchall()
            conn.execute("DELETE FROM meeting_posts WHERE meeting_id = ? AND status = 'due' AND kind != 'unpin'",
                         (meeting_id,))
            conn.executemany("INSERT OR IGNORE INTO meeting_posts(meeting_id, kind, due_at) VALUES (?, ?, ?)",
                             [(meeting_id, kind, due) for kind, due in posts])
        return [Post.from_row(r) for r in old]

    def claim(self, meeting_id: int, kind: str) -> bool:
        cur = self.db.conn.execute("UPDATE meeting_posts SET status = 'sending' WHERE meeting_id = ? AND kind = ?"
                                   " AND status = 'due'", (meeting_id, kind))
        return cur.rowcount == 1

    def finish(self, meeting_id: int, kind: str, status: str, at: int, message_id: int | None = None,
               note: str | None = None) -> None:
        self.db.conn.execute(
            "UPDATE meeting_posts SET status = ?, message_id = COALESCE(?, message_id), done_at = ?, note = ?"
            " WHERE meeting_id = ? AND kind = ?", (status, message_id, at, note[:300] if note else None,
                                                   meeting_id, kind))

    def skip(self, meeting_id: int, kind: str, note: str, at: int) -> bool:
        cur = self.db.conn.execute(
            "UPDATE meeting_posts SET status = 'skipped', note = ?, done_at = ? WHERE meeting_id = ? AND kind = ?"
            " AND status = 'due'", (note, at, meeting_id, kind))
        return cur.rowcount == 1

    def uncertain(self) -> list[Post]:
        """Posts a crash left between 'sending' and 'sent': perhaps posted, never posted again."""
        rows = self.db.conn.execute("SELECT * FROM meeting_posts WHERE status = 'sending'").fetchall()
        return [Post.from_row(r) for r in rows]

    # -- readers --------------------------------------------------------------------------------

    def add_reader(self, meeting_id: int, user_id: int, name: str, at: int) -> bool:
        """True when this is the user's first confirmation for the meeting."""
        cur = self.db.conn.execute(
            "INSERT OR IGNORE INTO meeting_readers(meeting_id, user_id, name, read_at) VALUES (?, ?, ?, ?)",
            (meeting_id, user_id, name[:100], at))
        return cur.rowcount == 1

    def readers(self, meeting_id: int) -> list[Reader]:
        rows = self.db.conn.execute("SELECT * FROM meeting_readers WHERE meeting_id = ? ORDER BY read_at, user_id",
                                    (meeting_id,)).fetchall()
        return [Reader(r["user_id"], r["name"], r["read_at"]) for r in rows]
