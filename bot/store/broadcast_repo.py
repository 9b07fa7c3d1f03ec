"""Announcements (/broadcast) and their per-chat ledger: the only SQL of bot/ops/broadcast.py.

The ledger follows the digest's (bot/store/digest_repo.py): a chat's row is claimed as 'sending' (a
primary-key insert, so one claim wins) before the request and finished after; a 'sending' row left by a
crash is never retried: it counts as uncertain.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from bot.store.database import Database, now
from bot.store.digest_repo import Subscription


@dataclass(frozen=True)
class Broadcast:
    id: int
    admin_id: int
    admin_chat: int
    html: str
    status: str
    paid: bool
    lang: str | None
    progress_message: int | None
    recipients: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Broadcast:
        return cls(int(row["id"]), int(row["admin_id"]), int(row["admin_chat"]), str(row["html"]),
                   str(row["status"]), bool(row["paid"]), row["lang"], row["progress_message"],
                   int(row["recipients"]))


@dataclass(frozen=True)
class Tally:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    uncertain: int = 0  # 'sending': in flight now, or interrupted by a crash (never resent)

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.blocked + self.skipped + self.uncertain


class BroadcastRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the broadcast --------------------------------------------------------------------------
    def create(self, admin_id: int, admin_chat: int, html: str, paid: bool, lang: str | None) -> int:
        cur = self.db.conn.execute(
            "INSERT INTO broadcasts(admin_id, admin_chat, html, status, paid, lang, created_at)"
            " VALUES (?, ?, ?, 'draft', ?, ?, ?)", (admin_id, admin_chat, html, int(paid), lang, now()))
        return int(cur.lastrowid or 0)

    def get(self, broadcast_id: int) -> Broadcast | None:
        row = self.db.conn.execute("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)).fetchone()
        return Broadcast.from_row(row) if row else None

    def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        self.db.conn.execute("UPDATE broadcasts SET progress_message = ? WHERE id = ?", (message_id, broadcast_id))

    def confirm(self, broadcast_id: int, recipients: int) -> bool:
        """'draft' -> 'sending'; False when it was confirmed, cancelled or finished already."""
        cur = self.db.conn.execute(
            "UPDATE broadcasts SET status = 'sending', recipients = ?, confirmed_at = ?"
            " WHERE id = ? AND status = 'draft'", (recipients, now(), broadcast_id))
        return cur.rowcount == 1

    def cancel(self, broadcast_id: int) -> bool:
        cur = self.db.conn.execute(
            "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'draft'",
            (now(), broadcast_id))
        return cur.rowcount == 1

    def finish(self, broadcast_id: int) -> None:
        self.db.conn.execute("UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?"
                             " AND status = 'sending'", (now(), broadcast_id))

    def sending(self) -> list[Broadcast]:
        """Confirmed and not finished: what a start resumes."""
        rows = self.db.conn.execute("SELECT * FROM broadcasts WHERE status = 'sending' ORDER BY id").fetchall()
        return [Broadcast.from_row(r) for r in rows]

    # -- recipients and the ledger ---------------------------------------------------------------
    def count_recipients(self) -> int:
        row = self.db.conn.execute("SELECT COUNT(*) FROM subscriptions WHERE active = 1 AND paused = 0").fetchone()
        return int(row[0])

    def iter_pending(self, broadcast_id: int, batch: int = 500) -> Iterator[Subscription]:
        """Active, unpaused subscribers without a ledger row for this broadcast, by chat id (keyset pages)."""
        last = -(2**63)
        while True:
            rows = self.db.conn.execute(
                "SELECT s.* FROM subscriptions AS s WHERE s.active = 1 AND s.paused = 0 AND s.chat_id > ?"
                " AND NOT EXISTS (SELECT 1 FROM broadcast_ledger AS l WHERE l.broadcast_id = ?"
                " AND l.chat_id = s.chat_id) ORDER BY s.chat_id LIMIT ?", (last, broadcast_id, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Subscription.from_row(row)
            last = int(rows[-1]["chat_id"])

    def claim(self, broadcast_id: int, chat_id: int) -> bool:
        cur = self.db.conn.execute(
            "INSERT OR IGNORE INTO broadcast_ledger(broadcast_id, chat_id, status, started_at)"
            " VALUES (?, ?, 'sending', ?)", (broadcast_id, chat_id, now()))
        return cur.rowcount == 1

    def skip(self, broadcast_id: int, chat_id: int, reason: str) -> None:
        """Not sent and never will be (the chat is no longer admitted)."""
        self.db.conn.execute(
            "INSERT OR IGNORE INTO broadcast_ledger(broadcast_id, chat_id, status, error, started_at, finished_at)"
            " VALUES (?, ?, 'skipped', ?, ?, ?)", (broadcast_id, chat_id, reason[:200], now(), now()))

    def finish_chat(self, broadcast_id: int, chat_id: int, status: str, message_id: int | None = None,
                    error: str | None = None) -> None:
        self.db.conn.execute(
            "UPDATE broadcast_ledger SET status = ?, message_id = ?, error = ?, finished_at = ?"
            " WHERE broadcast_id = ? AND chat_id = ?",
            (status, message_id, error[:300] if error else None, now(), broadcast_id, chat_id))

    def tally(self, broadcast_id: int) -> Tally:
        rows = self.db.conn.execute("SELECT status, COUNT(*) AS n FROM broadcast_ledger WHERE broadcast_id = ?"
                                    " GROUP BY status", (broadcast_id,)).fetchall()
        by = {str(r["status"]): int(r["n"]) for r in rows}
        return Tally(by.get("sent", 0), by.get("failed", 0), by.get("blocked", 0), by.get("skipped", 0),
                     by.get("sending", 0))

    def deliveries(self, broadcast_id: int) -> list[tuple[int, str]]:
        rows = self.db.conn.execute("SELECT chat_id, status FROM broadcast_ledger WHERE broadcast_id = ?"
                                    " ORDER BY chat_id", (broadcast_id,)).fetchall()
        return [(int(r["chat_id"]), str(r["status"])) for r in rows]
