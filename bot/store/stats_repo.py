"""What /stats counts: users, subscribers, digests from the ledger, comments. Read-only SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.store.database import Database
from bot.store.digest_repo import LedgerCounts


@dataclass(frozen=True)
class Subscribers:
    private: int
    groups: int
    paused_by_access: int  # active subscriptions whose chat is no longer admitted: kept, not sent


@dataclass(frozen=True)
class Figures:
    users: int
    users_active: int
    subscribers: Subscribers
    today: LedgerCounts
    week: LedgerCounts
    comments: int


class StatsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _one(self, sql: str, *args: object) -> int:
        return int(self.db.conn.execute(sql, args).fetchone()[0])

    def subscribers(self, admitted: Callable[[int, str, int | None], bool]) -> Subscribers:
        """Active subscriptions by kind; those whose chat `admitted(chat_id, chat_type, subscribed_by)`
        refuses now are counted apart (the digest skips them at send time)."""
        private = groups = paused = 0
        for row in self.db.conn.execute(
                "SELECT chat_id, chat_type, subscribed_by FROM subscriptions WHERE active = 1 AND paused = 0"):
            if not admitted(int(row[0]), str(row[1]), row[2]):
                paused += 1
            elif row[1] == "private":
                private += 1
            else:
                groups += 1
        return Subscribers(private, groups, paused)

    def ledger(self, first: date, last: date) -> LedgerCounts:
        """Digests by status over local dates first..last ('sending' = uncertain or in flight)."""
        rows = self.db.conn.execute(
            "SELECT status, COUNT(*) FROM digest_ledger WHERE local_date BETWEEN ? AND ? GROUP BY status",
            (first.isoformat(), last.isoformat())).fetchall()
        by = {r[0]: int(r[1]) for r in rows}
        return LedgerCounts(by.get("sent", 0), by.get("sending", 0), by.get("failed", 0))

    def figures(self, today: date, admitted: Callable[[int, str, int | None], bool]) -> Figures:
        return Figures(
            users=self._one("SELECT COUNT(*) FROM users"),
            users_active=self._one("SELECT COUNT(*) FROM users WHERE active = 1"),
            subscribers=self.subscribers(admitted),
            today=self.ledger(today, today),
            week=self.ledger(today - timedelta(days=6), today),
            comments=self._one("SELECT COUNT(*) FROM comments"),
        )
