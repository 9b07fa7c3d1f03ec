"""Comments on the draft, the drafts being written and who comments as what: the only SQL of comments.

A comment is one row per user and section (UNIQUE), so sending twice, or sending the same text again,
leaves one comment. Sending takes the draft away in the same transaction (a compare-and-set on the
draft's existence): a second tap of "Send" finds no draft and changes nothing. Writes run in the
writer thread (bot/store/writer.py), each call in its own transaction; reads run on the event loop.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum
from typing import Literal, cast

from bot.store.conversations import ConversationRepository
from bot.store.database import Database

Stance = Literal["agree", "disagree", "partly"]
STANCES: tuple[Stance, ...] = ("agree", "disagree", "partly")
Audience = Literal["party_member", "cadre", "citizen"]
AUDIENCES: tuple[Audience, ...] = ("party_member", "cadre", "citizen")


@dataclass(frozen=True)
class Place:
    """Where a comment stands, as the content pack named it when the comment was written; kept as it was
    when a later pack no longer has the section."""

    section_id: str
    anchor: str       # "I.1.1"
    reference: str    # "Phần I, mục I.1.1"
    title: str        # "Công nghiệp - xây dựng"
    part_id: str      # "p1"
    part_label: str   # "Phần I"


@dataclass(frozen=True)
class Comment:
    id: int
    user_id: int
    place: Place
    stance: Stance
    body: str
    audience: Audience | None
    unit: str | None
    fingerprint: str
    created_at: int
    updated_at: int

    @property
    def section_id(self) -> str:
        return self.place.section_id

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Comment:
        place = Place(row["section_id"], row["anchor"], row["reference"], row["title"], row["part_id"],
                      row["part_label"])
        return cls(row["id"], row["user_id"], place, cast(Stance, row["stance"]), row["body"],
                   cast("Audience | None", row["audience"]), row["unit"], row["fingerprint"], row["created_at"],
                   row["updated_at"])


@dataclass(frozen=True)
class Draft:
    user_id: int
    section_id: str
    stance: Stance
    body: str | None      # None: not written yet
    updated_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Draft:
        return cls(row["user_id"], row["section_id"], cast(Stance, row["stance"]), row["body"], row["updated_at"])


@dataclass(frozen=True)
class Commenter:
    user_id: int
    audience: Audience | None
    unit: str | None
    asked: bool               # was asked for đối tượng and unit once (answered or skipped)
    section_id: str | None    # the draft being worked on


class Outcome(Enum):
    SENT = "sent"            # a new comment
    EDITED = "edited"        # the user's comment on the section changed
    UNCHANGED = "unchanged"  # the same stance and text were already there: still one comment
    GONE = "gone"            # no draft (sent already, by a second tap): nothing changed
    LIMIT = "limit"          # the user's sends today reached the limit: the draft stays


class CommentRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.conversations = ConversationRepository(db)

    # -- comments ----------------------------------------------------------------------------------

    def get(self, user_id: int, section_id: str) -> Comment | None:
        row = self.db.conn.execute("SELECT * FROM comments WHERE user_id = ? AND section_id = ?",
                                   (user_id, section_id)).fetchone()
        return Comment.from_row(row) if row else None

    def mine(self, user_id: int) -> list[Comment]:
        rows = self.db.conn.execute("SELECT * FROM comments WHERE user_id = ? ORDER BY created_at, id",
                                    (user_id,)).fetchall()
        return [Comment.from_row(r) for r in rows]

    def all(self) -> list[Comment]:
        rows = self.db.conn.execute("SELECT * FROM comments ORDER BY created_at, id").fetchall()
        return [Comment.from_row(r) for r in rows]

    def sends_since(self, user_id: int, since: int) -> int:
        """Comments sent or changed by the user from ``since`` on (withdrawals do not count)."""
        row = self.db.conn.execute(
            "SELECT COUNT(*) FROM comment_events WHERE user_id = ? AND at >= ? AND action IN ('sent', 'edited')",
            (user_id, since)).fetchone()
        return int(row[0])

    def submit(self, user_id: int, section_id: str, place: Place, audience: Audience | None, unit: str | None,
               fingerprint: str, at: int, since: int, limit: int) -> Outcome:
        """The draft on the section becomes the user's comment there, in one transaction (see module doc)."""
        draft = self.draft(user_id, section_id)
        if draft is None or draft.body is None:
            return Outcome.GONE
        body = draft.body
        existing = self.get(user_id, section_id)
        if existing is not None and (existing.stance, existing.body, existing.audience, existing.unit) == (
                draft.stance, body, audience, unit):
            self.drop_draft(user_id, section_id)
            return Outcome.UNCHANGED
        if self.sends_since(user_id, since) >= limit:
            return Outcome.LIMIT
        self.db.conn.execute(
            "INSERT INTO comments(user_id, section_id, anchor, reference, title, part_id, part_label, stance, body,"
            " audience, unit, fingerprint, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(user_id, section_id) DO UPDATE SET anchor = excluded.anchor,"
            " reference = excluded.reference, title = excluded.title, part_id = excluded.part_id,"
            " part_label = excluded.part_label, stance = excluded.stance, body = excluded.body,"
            " audience = excluded.audience, unit = excluded.unit, fingerprint = excluded.fingerprint,"
            " updated_at = excluded.updated_at",
            (user_id, section_id, place.anchor, place.reference, place.title, place.part_id, place.part_label,
             draft.stance, body, audience, unit, fingerprint, at, at),
        )
        outcome = Outcome.EDITED if existing is not None else Outcome.SENT
        self._event(user_id, section_id, outcome.value, at)
        self.drop_draft(user_id, section_id)
        return outcome

    def withdraw(self, user_id: int, section_id: str, at: int) -> bool:
        """Take the user's comment on the section back; False when there was none."""
        cur = self.db.conn.execute("DELETE FROM comments WHERE user_id = ? AND section_id = ?", (user_id, section_id))
        if not cur.rowcount:
            return False
        self._event(user_id, section_id, "withdrawn", at)
        return True

    def _event(self, user_id: int, section_id: str, action: str, at: int) -> None:
        self.db.conn.execute("INSERT INTO comment_events(user_id, section_id, action, at) VALUES (?, ?, ?, ?)",
                             (user_id, section_id, action, at))

    # -- drafts ------------------------------------------------------------------------------------

    def draft(self, user_id: int, section_id: str) -> Draft | None:
        row = self.db.conn.execute("SELECT * FROM comment_drafts WHERE user_id = ? AND section_id = ?",
                                   (user_id, section_id)).fetchone()
        return Draft.from_row(row) if row else None

    def drafts(self, user_id: int) -> list[Draft]:
        rows = self.db.conn.execute("SELECT * FROM comment_drafts WHERE user_id = ? ORDER BY updated_at DESC",
                                    (user_id,)).fetchall()
        return [Draft.from_row(r) for r in rows]

    def put_draft(self, draft: Draft) -> bool:
        """Write the draft; False when it already read so (the same text sent twice)."""
        before = self.draft(draft.user_id, draft.section_id)
        if before is not None and (before.stance, before.body) == (draft.stance, draft.body):
            return False
        self.db.conn.execute(
            "INSERT INTO comment_drafts(user_id, section_id, stance, body, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, section_id) DO UPDATE SET stance = excluded.stance,"
            " body = excluded.body, updated_at = excluded.updated_at",
            (draft.user_id, draft.section_id, draft.stance, draft.body, draft.updated_at),
        )
        return True

    def drop_draft(self, user_id: int, section_id: str) -> bool:
        """False when there was no draft."""
        cur = self.db.conn.execute("DELETE FROM comment_drafts WHERE user_id = ? AND section_id = ?",
                                   (user_id, section_id))
        return bool(cur.rowcount)

    def step(self, draft: Draft | None, name: str, key: tuple[int, ...], state: str | None, at: int) -> bool:
        """One step of the conversation, in one transaction: the draft (if any), the section the user works
        on, and the conversation's state (so a crash right after loses neither). True when the draft or
        the state changed: False says the same step came twice (a text sent twice)."""
        changed = self.put_draft(draft) if draft is not None else False
        if draft is not None:
            self.focus(draft.user_id, draft.section_id, at)
        changed = self.conversations.get(name, key) != state or changed
        self.conversations.store(name, key, state)
        return changed

    # -- who comments as what ------------------------------------------------------------------------

    def commenter(self, user_id: int) -> Commenter:
        row = self.db.conn.execute("SELECT * FROM commenters WHERE user_id = ?", (user_id,)).fetchone()
        if row is None:
            return Commenter(user_id, None, None, False, None)
        return Commenter(user_id, cast("Audience | None", row["audience"]), row["unit"], row["asked_at"] is not None,
                         row["section_id"])

    def focus(self, user_id: int, section_id: str | None, at: int) -> None:
        self.db.conn.execute(
            "INSERT INTO commenters(user_id, section_id, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET section_id = excluded.section_id, updated_at = excluded.updated_at",
            (user_id, section_id, at))

    def set_audience(self, user_id: int, audience: Audience | None, at: int) -> None:
        """Remember the đối tượng (None: not said); the question counts as asked."""
        self.db.conn.execute(
            "INSERT INTO commenters(user_id, audience, asked_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET audience = excluded.audience, asked_at = excluded.asked_at,"
            " updated_at = excluded.updated_at", (user_id, audience, at, at))

    def set_unit(self, user_id: int, unit: str | None, at: int) -> None:
        self.db.conn.execute(
            "INSERT INTO commenters(user_id, unit, asked_at, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET unit = excluded.unit, asked_at = excluded.asked_at,"
            " updated_at = excluded.updated_at", (user_id, unit, at, at))
