"""Quiz series, their polls and answers, and per-group quiz settings: the only SQL of the study area.

A series is driven by its row: ``sent`` says how many questions went out and ``next_at`` when the next
step is due, so the bot re-derives everything after a restart. Steps are claimed with a compare-and-set
on ``sent``, so two ticks can never send the same question twice.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from bot.store.database import Database

STARTERS = ("all", "admins")


@dataclass(frozen=True)
class Series:
    id: int
    chat_id: int
    chat_type: str
    started_by: int
    lang: str
    seed: int
    topic: str | None
    questions: tuple[str, ...]
    total: int
    sent: int
    pause: int
    next_at: int
    status: str
    created_at: int

    @property
    def private(self) -> bool:
        return self.chat_type == "private"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Series:
        return cls(row["id"], row["chat_id"], row["chat_type"], row["started_by"], row["lang"], row["seed"],
                   row["topic"], tuple(q for q in row["questions"].split(",") if q), row["total"], row["sent"],
                   row["pause"], row["next_at"], row["status"], row["created_at"])


@dataclass(frozen=True)
class PollRow:
    poll_id: str
    series_id: int
    position: int
    question_id: str
    question: str
    options: tuple[str, ...]
    correct: int
    message_id: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> PollRow:
        return cls(row["poll_id"], row["series_id"], row["position"], row["question_id"], row["question"],
                   tuple(json.loads(row["options"])), row["correct"], row["message_id"])


@dataclass(frozen=True)
class Answer:
    position: int
    user_id: int
    user_name: str
    option: int
    correct: bool
    answered_at: int


@dataclass(frozen=True)
class Standing:
    user_id: int
    name: str
    correct: int
    answered: int


class StudyRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- settings ----------------------------------------------------------------------------------

    def starters(self, chat_id: int) -> str:
        """Who may start a series in this chat: 'all' (the default) or 'admins'."""
        row = self.db.conn.execute("SELECT starters FROM quiz_settings WHERE chat_id = ?", (chat_id,)).fetchone()
        return str(row["starters"]) if row else "all"

    def set_starters(self, chat_id: int, starters: str, by_user: int, at: int) -> None:
        if starters not in STARTERS:
            raise ValueError(f"starters must be one of {STARTERS}")
        self.db.conn.execute(
            "INSERT INTO quiz_settings(chat_id, starters, updated_by, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET starters = excluded.starters,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (chat_id, starters, by_user, at),
        )

    # -- series ------------------------------------------------------------------------------------

    def start(self, *, chat_id: int, chat_type: str, started_by: int, lang: str, seed: int, topic: str | None,
              questions: list[str], pause: int, at: int) -> Series | None:
        """A new running series, or None when one is already running in the chat."""
        try:
            cur = self.db.conn.execute(
                "INSERT INTO quiz_series(chat_id, chat_type, started_by, lang, seed, topic, questions, total,"
                " pause, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (chat_id, chat_type, started_by, lang, seed, topic, ",".join(questions), len(questions), pause,
                 at, at),
            )
        except sqlite3.IntegrityError:
            return None
        series = self.get(int(cur.lastrowid or 0))
        assert series is not None
        return series

    def get(self, series_id: int) -> Series | None:
        row = self.db.conn.execute("SELECT * FROM quiz_series WHERE id = ?", (series_id,)).fetchone()
        return Series.from_row(row) if row else None

    def running(self, chat_id: int) -> Series | None:
        row = self.db.conn.execute(
            "SELECT * FROM quiz_series WHERE chat_id = ? AND status = 'running'", (chat_id,)).fetchone()
        return Series.from_row(row) if row else None

    def due(self, at: int) -> list[Series]:
        """Running series whose next step is due, oldest first."""
        rows = self.db.conn.execute(
            "SELECT * FROM quiz_series WHERE status = 'running' AND next_at <= ? ORDER BY next_at, id", (at,)
        ).fetchall()
        return [Series.from_row(r) for r in rows]

    def claim_step(self, series_id: int, sent: int, next_at: int) -> bool:
        """Move ``sent`` on by one if nobody did already (compare-and-set); set when the next step is due."""
        cur = self.db.conn.execute(
            "UPDATE quiz_series SET sent = sent + 1, next_at = ? WHERE id = ? AND sent = ? AND status = 'running'",
            (next_at, series_id, sent),
        )
        return cur.rowcount == 1

    def undo_step(self, series_id: int, sent: int, next_at: int) -> None:
        """A claimed question could not be sent: give the step back, to be tried at ``next_at``."""
        self.db.conn.execute(
            "UPDATE quiz_series SET sent = ?, next_at = ? WHERE id = ? AND sent = ? AND status = 'running'",
            (sent, next_at, series_id, sent + 1),
        )

    def set_next(self, series_id: int, next_at: int) -> None:
        self.db.conn.execute("UPDATE quiz_series SET next_at = ? WHERE id = ?", (next_at, series_id))

    def finish(self, series_id: int, status: str, at: int) -> bool:
        """Close a running series ('finished', 'stopped', 'abandoned'); False if it was closed already."""
        cur = self.db.conn.execute(
            "UPDATE quiz_series SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'",
            (status, at, series_id),
        )
        return cur.rowcount == 1

    def recent_questions(self, chat_id: int, since: int) -> set[str]:
        rows = self.db.conn.execute(
            "SELECT p.question_id FROM quiz_polls AS p JOIN quiz_series AS s ON s.id = p.series_id"
            " WHERE s.chat_id = ? AND p.sent_at >= ?", (chat_id, since),
        ).fetchall()
        return {r["question_id"] for r in rows}

    # -- polls -------------------------------------------------------------------------------------

    def add_poll(self, *, poll_id: str, series_id: int, position: int, question_id: str, question: str,
                 options: list[str], correct: int, message_id: int | None, at: int) -> None:
        self.db.conn.execute(
            "INSERT INTO quiz_polls(poll_id, series_id, position, question_id, question, options, correct,"
            " message_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (poll_id, series_id, position, question_id, question, json.dumps(options, ensure_ascii=False),
             correct, message_id, at),
        )

    def poll(self, poll_id: str) -> PollRow | None:
        row = self.db.conn.execute("SELECT * FROM quiz_polls WHERE poll_id = ?", (poll_id,)).fetchone()
        return PollRow.from_row(row) if row else None

    def polls_of(self, series_id: int) -> list[PollRow]:
        rows = self.db.conn.execute(
            "SELECT * FROM quiz_polls WHERE series_id = ? ORDER BY position", (series_id,)).fetchall()
        return [PollRow.from_row(r) for r in rows]

    # -- answers -----------------------------------------------------------------------------------

    def record(self, *, series_id: int, position: int, user_id: int, user_name: str, option: int,
               correct: bool, at: int) -> bool:
        """Keep a user's first answer to a question; False when they had answered it already."""
        cur = self.db.conn.execute(
            "INSERT OR IGNORE INTO quiz_answers(series_id, position, user_id, user_name, option, correct,"
            " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (series_id, position, user_id, user_name[:64], option, int(correct), at),
        )
        return cur.rowcount == 1

    def answers_of(self, series_id: int, user_id: int | None = None) -> list[Answer]:
        sql = "SELECT * FROM quiz_answers WHERE series_id = ?"
        params: tuple[int, ...] = (series_id,)
        if user_id is not None:
            sql += " AND user_id = ?"
            params += (user_id,)
        rows = self.db.conn.execute(sql + " ORDER BY position, answered_at", params).fetchall()
        return [Answer(r["position"], r["user_id"], r["user_name"], r["option"], bool(r["correct"]),
                       r["answered_at"]) for r in rows]

    def scoreboard(self, series_id: int) -> list[Standing]:
        """Players of one series: most right answers first, then fewer answers, then who answered first."""
        return self._standings("a.series_id = ?", (series_id,))

    def standing(self, chat_id: int, since: int) -> list[Standing]:
        """The chat's players over every series since ``since``."""
        return self._standings("s.chat_id = ? AND a.answered_at >= ?", (chat_id, since))

    def player_total(self, user_id: int, since: int) -> Standing | None:
        rows = self._standings("a.user_id = ? AND a.answered_at >= ?", (user_id, since))
        return rows[0] if rows else None

    def _standings(self, where: str, params: tuple[int, ...]) -> list[Standing]:
        rows = self.db.conn.execute(
            "SELECT a.user_id, (SELECT b.user_name FROM quiz_answers AS b WHERE b.user_id = a.user_id"
            " ORDER BY b.answered_at DESC LIMIT 1) AS name, SUM(a.correct) AS right, COUNT(*) AS answered,"
            " MIN(a.answered_at) AS first FROM quiz_answers AS a JOIN quiz_series AS s ON s.id = a.series_id"
            f" WHERE {where} GROUP BY a.user_id ORDER BY right DESC, answered ASC, first ASC, a.user_id",
            params,
        ).fetchall()
        return [Standing(r["user_id"], r["name"], int(r["right"]), int(r["answered"])) for r in rows]
