"""Subscriptions and the delivery ledger: the only SQL of the daily digest.

The ledger is what makes "exactly one digest per chat per local date" hold across crashes: a row
is claimed as 'sending' (a primary-key insert, so only one claim can win) before the Bot API call
and marked 'sent' after. A 'sending' row left by a crash is never retried: it counts as uncertain.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from bot.store.database import Database, now


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    chat_type: str
    minute_of_day: int
    weekdays_only: bool
    fields: tuple[str, ...]  # empty: all fields
    paused: bool
    active: bool
    lang: str | None
    position: int
    last_fingerprint: str | None
    eligible_from: int
    subscribed_by: int | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Subscription:
        return cls(
            chat_id=row["chat_id"],
            chat_type=row["chat_type"],
            minute_of_day=row["minute_of_day"],
            weekdays_only=bool(row["weekdays_only"]),
            fields=tuple(f for f in row["fields"].split(",") if f),
            paused=bool(row["paused"]),
            active=bool(row["active"]),
            lang=row["lang"],
            position=row["position"],
            last_fingerprint=row["last_fingerprint"],
            eligible_from=row["eligible_from"],
            subscribed_by=row["subscribed_by"],
        )


@dataclass(frozen=True)
class LedgerCounts:
    sent: int
    sending: int
    failed: int


class SubscriptionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, chat_id: int) -> Subscription | None:
        row = self.db.conn.execute("SELECT * FROM subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()
        return Subscription.from_row(row) if row else None

    def subscribe(self, chat_id: int, chat_type: str, minute: int, lang: str | None,
                  by_user: int | None, at: int | None = None) -> Subscription:
        """Create or reactivate a subscription at ``minute``; keeps the rotation position."""
        at = now() if at is None else at
        eligible = at - at % 60
        self.db.conn.execute(
            "INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, lang, subscribed_by, eligible_from,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET minute_of_day = excluded.minute_of_day, active = 1,"
            " paused = 0, inactive_reason = NULL, lang = COALESCE(excluded.lang, subscriptions.lang),"
            " subscribed_by = excluded.subscribed_by, eligible_from = excluded.eligible_from,"
            " updated_at = excluded.updated_at",
            (chat_id, chat_type, minute, lang, by_user, eligible, at, at),
        )
        sub = self.get(chat_id)
        assert sub is not None
        return sub

    def _update(self, chat_id: int, sql: str, *params: object) -> bool:
        cur = self.db.conn.execute(
            f"UPDATE subscriptions SET {sql}, updated_at = ? WHERE chat_id = ?", (*params, now(), chat_id)
        )
        return cur.rowcount > 0

    def set_time(self, chat_id: int, minute: int, at: int | None = None) -> bool:
        at = now() if at is None else at
        return self._update(chat_id, "minute_of_day = ?, eligible_from = ?", minute, at - at % 60)

    def set_weekdays_only(self, chat_id: int, weekdays_only: bool) -> bool:
        return self._update(chat_id, "weekdays_only = ?", int(weekdays_only))

    def set_fields(self, chat_id: int, fields: tuple[str, ...]) -> bool:
        return self._update(chat_id, "fields = ?", ",".join(fields))

    def set_paused(self, chat_id: int, paused: bool) -> bool:
        return self._update(chat_id, "paused = ?", int(paused))

    def set_lang(self, chat_id: int, lang: str | None) -> bool:
        return self._update(chat_id, "lang = ?", lang)

    def unsubscribe(self, chat_id: int) -> bool:
        return self._update(chat_id, "active = 0, inactive_reason = 'unsubscribed'")

    def deactivate(self, chat_id: int, reason: str) -> bool:
        """Telegram refused the chat for good (blocked, kicked, not found): stop sending to it.

        An unsubscribed chat stays unsubscribed, so that being let back in does not resubscribe it."""
        return self._update(
            chat_id, "active = 0, inactive_reason = CASE WHEN inactive_reason = 'unsubscribed'"
            " THEN inactive_reason ELSE ? END", reason[:200])

    def move(self, old: int, new: int) -> bool:
        """The subscription and its settings follow a group to its new supergroup id; a subscription
        the new id already has wins. True when one moved."""
        cur = self.db.conn.execute(
            "UPDATE OR IGNORE subscriptions SET chat_id = ?, chat_type = 'supergroup', updated_at = ?"
            " WHERE chat_id = ?", (new, now(), old))
        self.db.conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (old,))
        return cur.rowcount > 0

    def reactivate_if_refused(self, chat_id: int) -> bool:
        """A /start from a chat Telegram refused earlier: resume its digest (not if it unsubscribed)."""
        return self._update(
            chat_id, "active = CASE WHEN inactive_reason = 'unsubscribed' THEN active ELSE 1 END,"
            " inactive_reason = CASE WHEN inactive_reason = 'unsubscribed' THEN inactive_reason ELSE NULL END",
        )

    def record_delivery(self, chat_id: int, fingerprint: str) -> None:
        self.db.conn.execute(
            "UPDATE subscriptions SET position = position + 1, last_fingerprint = ? WHERE chat_id = ?",
            (fingerprint, chat_id),
        )

    def iter_due(self, local_date: date, minute: int, local_midnight: int, batch: int = 500
                 ) -> Iterator[Subscription]:
        """Subscribers due by ``minute`` today with no ledger row today, oldest due first.

        Streams in keyset-paginated batches so 100,000 subscribers never sit in memory at once.
        """
        weekday = local_date.weekday() < 5
        day = local_date.isoformat()
        last = (-1, -(2**62))
        while True:
            rows = self.db.conn.execute(
                "SELECT s.* FROM subscriptions AS s"
                " WHERE s.active = 1 AND s.paused = 0 AND s.minute_of_day <= ?"
                " AND (s.minute_of_day, s.chat_id) > (?, ?)"
                " AND (s.weekdays_only = 0 OR ?)"
                " AND ? + s.minute_of_day * 60 >= s.eligible_from"
                " AND NOT EXISTS (SELECT 1 FROM digest_ledger AS l WHERE l.chat_id = s.chat_id AND l.local_date = ?)"
                " ORDER BY s.minute_of_day, s.chat_id LIMIT ?",
                (minute, last[0], last[1], int(weekday), local_midnight, day, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield Subscription.from_row(row)
            last = (rows[-1]["minute_of_day"], rows[-1]["chat_id"])

    def count(self, active_only: bool = True) -> int:
        sql = "SELECT COUNT(*) FROM subscriptions" + (" WHERE active = 1" if active_only else "")
        return int(self.db.conn.execute(sql).fetchone()[0])


class LedgerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, chat_id: int, local_date: date, issue_no: int, at: int | None = None) -> bool:
        """Write the 'sending' row; False if this chat already has a row for the date (never send twice)."""
        cur = self.db.conn.execute(
            "INSERT OR IGNORE INTO digest_ledger(chat_id, local_date, status, issue_no, started_at)"
            " VALUES (?, ?, 'sending', ?, ?)",
            (chat_id, local_date.isoformat(), issue_no, now() if at is None else at),
        )
        return cur.rowcount == 1

    def mark_sent(self, chat_id: int, local_date: date, message_id: int | None, attempts: int) -> None:
        self.db.conn.execute(
            "UPDATE digest_ledger SET status = 'sent', message_id = ?, attempts = ?, finished_at = ?"
            " WHERE chat_id = ? AND local_date = ?",
            (message_id, attempts, now(), chat_id, local_date.isoformat()),
        )

    def mark_failed(self, chat_id: int, local_date: date, error: str, attempts: int) -> None:
        self.db.conn.execute(
            "UPDATE digest_ledger SET status = 'failed', error = ?, attempts = ?, finished_at = ?"
            " WHERE chat_id = ? AND local_date = ?",
            (error[:500], attempts, now(), chat_id, local_date.isoformat()),
        )

    def status(self, chat_id: int, local_date: date) -> str | None:
        row = self.db.conn.execute(
            "SELECT status FROM digest_ledger WHERE chat_id = ? AND local_date = ?",
            (chat_id, local_date.isoformat()),
        ).fetchone()
        return row["status"] if row else None

    def issue_for(self, chat_id: int, local_date: date) -> int | None:
        """The issue number claimed for this chat and date, if any."""
        row = self.db.conn.execute(
            "SELECT issue_no FROM digest_ledger WHERE chat_id = ? AND local_date = ?",
            (chat_id, local_date.isoformat()),
        ).fetchone()
        return int(row["issue_no"]) if row else None

    def counts(self, local_date: date) -> LedgerCounts:
        rows = self.db.conn.execute(
            "SELECT status, COUNT(*) AS n FROM digest_ledger WHERE local_date = ? GROUP BY status",
            (local_date.isoformat(),),
        ).fetchall()
        by = {r["status"]: r["n"] for r in rows}
        return LedgerCounts(by.get("sent", 0), by.get("sending", 0), by.get("failed", 0))

    def uncertain(self, before: int) -> int:
        """'sending' rows older than ``before`` (this process's start): a crash hit them mid-send."""
        row = self.db.conn.execute(
            "SELECT COUNT(*) FROM digest_ledger WHERE status = 'sending' AND started_at < ?", (before,)
        ).fetchone()
        return int(row[0])

    def uncertain_chats(self, before: int, limit: int = 50) -> list[tuple[int, str]]:
        """(chat_id, local_date) of the uncertain rows, newest date first: which chats to check by hand."""
        rows = self.db.conn.execute(
            "SELECT chat_id, local_date FROM digest_ledger WHERE status = 'sending' AND started_at < ?"
            " ORDER BY local_date DESC, chat_id LIMIT ?", (before, limit)).fetchall()
        return [(int(r["chat_id"]), str(r["local_date"])) for r in rows]

    def move(self, old: int, new: int) -> None:
        """A group's ledger follows it to its supergroup id (a row the new id has for a date wins)."""
        self.db.conn.execute("UPDATE OR IGNORE digest_ledger SET chat_id = ? WHERE chat_id = ?", (new, old))
        self.db.conn.execute("DELETE FROM digest_ledger WHERE chat_id = ?", (old,))

    def prune(self, before: date) -> int:
        """Forget ledger rows older than ``before``: only today's rows guard against a second send."""
        cur = self.db.conn.execute("DELETE FROM digest_ledger WHERE local_date < ?", (before.isoformat(),))
        return cur.rowcount

    def rows_for(self, chat_id: int) -> list[tuple[str, str]]:
        rows = self.db.conn.execute(
            "SELECT local_date, status FROM digest_ledger WHERE chat_id = ? ORDER BY local_date", (chat_id,)
        ).fetchall()
        return [(r["local_date"], r["status"]) for r in rows]


class SnapshotRepository:
    """Figure values per pack fingerprint, for the "what changed" line of the next digest."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, fingerprint: str, values: dict[str, tuple[str | None, str | None]]) -> None:
        """One statement for every figure; call it inside a transaction (one commit, not one per row)."""
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO figure_snapshots(fingerprint, figure_id, value, status) VALUES (?, ?, ?, ?)",
            [(fingerprint, fid, v, s) for fid, (v, s) in values.items()],
        )

    def load(self, fingerprint: str) -> dict[str, tuple[str | None, str | None]]:
        rows = self.db.conn.execute(
            "SELECT figure_id, value, status FROM figure_snapshots WHERE fingerprint = ?", (fingerprint,)
        ).fetchall()
        return {r["figure_id"]: (r["value"], r["status"]) for r in rows}
