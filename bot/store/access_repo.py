"""Invites, admissions and lookup statistics: the only SQL of access (migration 030).

Writes go through the Writer (bot/store/writer.py), each call inside the writer's transaction, so
redeeming a code (check, count a use, admit) is atomic: two people racing for the last use of a code
cannot both get in.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum

from bot.access import codes
from bot.store.database import Database, now

#: Lookup texts kept (the most used and most recent survive); a row is a few hundred bytes at most.
LOOKUPS_KEPT = 2000


class Redeemed(Enum):
    ADMITTED = "admitted"
    ALREADY = "already"      # admitted before: the code is not spent again
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    REVOKED = "revoked"


class Revoked(Enum):
    REVOKED = "revoked"
    ALREADY = "already"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Invite:
    id: int
    max_uses: int
    uses: int
    expires_at: int
    created_by: int
    created_at: int
    revoked_at: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Invite:
        return cls(row["id"], row["max_uses"], row["uses"], row["expires_at"], row["created_by"],
                   row["created_at"], row["revoked_at"])

    def status(self, at: int) -> str:
        """active | revoked | exhausted | expired"""
        if self.revoked_at is not None:
            return "revoked"
        if self.uses >= self.max_uses:
            return "exhausted"
        if at >= self.expires_at:
            return "expired"
        return "active"

    @property
    def uses_left(self) -> int:
        return max(0, self.max_uses - self.uses)


class AccessRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ invites
    def create(self, code_hash: str, max_uses: int, expires_at: int, created_by: int, at: int | None = None) -> int:
        at = now() if at is None else at
        cur = self.db.conn.execute(
            "INSERT INTO invites(code_hash, max_uses, expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (code_hash, max_uses, expires_at, created_by, at))
        return int(cur.lastrowid or 0)

    def find(self, code_hash: str) -> Invite | None:
        """The invite with this hash (the hashes compared once more in constant time)."""
        row = self.db.conn.execute("SELECT * FROM invites WHERE code_hash = ?", (code_hash,)).fetchone()
        if row is None or not codes.same(row["code_hash"], code_hash):
            return None
        return Invite.from_row(row)

    def redeem(self, code_hash: str, chat_id: int, at: int | None = None) -> tuple[Redeemed, int | None]:
        """Spend one use of the invite on `chat_id` and admit it; (outcome, invite id)."""
        at = now() if at is None else at
        invite = self.find(code_hash)
        if invite is None:
            return Redeemed.UNKNOWN, None
        status = invite.status(at)
        if status != "active":
            return Redeemed(status), invite.id
        row = self.db.conn.execute("SELECT removed_at FROM admissions WHERE chat_id = ?", (chat_id,)).fetchone()
        if row is not None and row["removed_at"] is None:
            return Redeemed.ALREADY, invite.id
        self.db.conn.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite.id,))
        self.db.conn.execute(
            "INSERT INTO admissions(chat_id, invite_id, admitted_at) VALUES (?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET invite_id = excluded.invite_id, admitted_by = NULL,"
            " admitted_at = excluded.admitted_at, removed_at = NULL, removed_by = NULL",
            (chat_id, invite.id, at))
        return Redeemed.ADMITTED, invite.id

    def revoke(self, invite_id: int, at: int | None = None) -> Revoked:
        at = now() if at is None else at
        row = self.db.conn.execute("SELECT revoked_at FROM invites WHERE id = ?", (invite_id,)).fetchone()
        if row is None:
            return Revoked.NOT_FOUND
        if row["revoked_at"] is not None:
            return Revoked.ALREADY
        self.db.conn.execute("UPDATE invites SET revoked_at = ? WHERE id = ?", (at, invite_id))
        return Revoked.REVOKED

    def invites(self, limit: int = 20) -> list[Invite]:
        """The newest invites first."""
        rows = self.db.conn.execute("SELECT * FROM invites ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [Invite.from_row(r) for r in rows]

    def invite_count(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM invites").fetchone()[0])

    # ------------------------------------------------------------------ admissions
    def admitted(self) -> list[int]:
        """Every id admitted at run time and not removed (loaded into memory at start)."""
        rows = self.db.conn.execute("SELECT chat_id FROM admissions WHERE removed_at IS NULL").fetchall()
        return [int(r[0]) for r in rows]

    def admit_group(self, chat_id: int, by: int, at: int | None = None) -> None:
        at = now() if at is None else at
        self.db.conn.execute(
            "INSERT INTO admissions(chat_id, admitted_by, admitted_at) VALUES (?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET admitted_by = excluded.admitted_by, invite_id = NULL,"
            " admitted_at = excluded.admitted_at, removed_at = NULL, removed_by = NULL",
            (chat_id, by, at))

    def move(self, old: int, new: int) -> None:
        """A group became a supergroup: its admission follows the new id."""
        self.db.conn.execute("UPDATE OR IGNORE admissions SET chat_id = ? WHERE chat_id = ?", (new, old))

    def remove(self, chat_id: int, by: int, at: int | None = None) -> bool:
        """Take back an admission; True when there was one to take back."""
        at = now() if at is None else at
        cur = self.db.conn.execute(
            "UPDATE admissions SET removed_at = ?, removed_by = ? WHERE chat_id = ? AND removed_at IS NULL",
            (at, by, chat_id))
        return cur.rowcount > 0

    # ------------------------------------------------------------------ lookup statistics
    def count_lookups(self, counts: list[tuple[str, int, int]], at: int | None = None,
                      kept: int = LOOKUPS_KEPT) -> None:
        """Add (query, found, missed) counts, then keep the `kept` most used (ties: most recent)."""
        at = now() if at is None else at
        self.db.conn.executemany(
            "INSERT INTO lookup_stats(query, found, missed, last_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(query) DO UPDATE SET found = found + excluded.found,"
            " missed = missed + excluded.missed, last_at = excluded.last_at",
            [(q, f, m, at) for q, f, m in counts])
        total = int(self.db.conn.execute("SELECT COUNT(*) FROM lookup_stats").fetchone()[0])
        if total > kept:
            self.db.conn.execute(
                "DELETE FROM lookup_stats WHERE query IN (SELECT query FROM lookup_stats"
                " ORDER BY found + missed ASC, last_at ASC LIMIT ?)", (total - kept,))

    def top_lookups(self, limit: int = 10, *, missed: bool = False) -> list[tuple[str, int]]:
        column = "missed" if missed else "found"
        rows = self.db.conn.execute(
            f"SELECT query, {column} FROM lookup_stats WHERE {column} > 0"
            f" ORDER BY {column} DESC, last_at DESC LIMIT ?", (limit,)).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    def lookup_rows(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM lookup_stats").fetchone()[0])


def admit_group(db: Database, chat_id: int, by: int) -> None:
    """For Writer.run: an administrator added the bot to a group."""
    AccessRepository(db).admit_group(chat_id, by)


def move_admission(db: Database, old: int, new: int) -> None:
    """For Writer.run: a group became a supergroup."""
    AccessRepository(db).move(old, new)
