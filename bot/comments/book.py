"""The comment book over the store: reads on the event loop's connection, writes through the writer thread.

Every write a user waits for (a step of the conversation, a comment sent, edited or withdrawn) is
committed before the bot answers, off the event loop, with the writer's long lock timeout: a comment is
as durable as a digest subscription, and a lock held by a backup does not cost the other chats.
"""

from __future__ import annotations

import asyncio

from bot.store import Store
from bot.store.comments_repo import Audience, Comment, CommentRepository, Draft, Outcome, Place
from bot.store.database import WRITER_BUSY_MS, Database

#: The comment conversation's name: its states are stored under it (bot/store/conversations.py).
CONVERSATION = "comments"
Key = tuple[int, int]


class Book:
    def __init__(self, store: Store) -> None:
        self.path = store.db.path
        self.read = CommentRepository(store.db)
        self._write = CommentRepository(store.writer.db)
        self._writer = store.writer

    async def everything(self) -> list[Comment]:
        """Every comment, read in a thread on a connection of its own (thousands of comments take a second
        to read: not on the event loop, and not holding the writer)."""

        def read_all() -> list[Comment]:
            db = Database(self.path, busy_ms=WRITER_BUSY_MS).open(migrate=False)
            try:
                return CommentRepository(db).all()
            finally:
                db.close()

        return await asyncio.to_thread(read_all)

    async def step(self, draft: Draft | None, key: Key, state: str | None, at: int) -> bool:
        """Save the draft and the conversation's next state together; True when the draft changed."""
        return await self._writer.run(self._write.step, draft, CONVERSATION, key, state, at)

    async def drop_draft(self, user_id: int, section_id: str, key: Key, at: int) -> bool:
        """Discard the draft (False: there was none) and end the conversation."""
        def drop() -> bool:
            existed = self._write.drop_draft(user_id, section_id)
            self._write.focus(user_id, None, at)
            self._write.conversations.store(CONVERSATION, key, None)
            return existed

        return await self._writer.run(drop)

    async def end(self, key: Key, at: int) -> None:
        """The conversation ended (its timeout): the draft stays."""
        await self._writer.run(self._write.conversations.store, CONVERSATION, key, None)

    async def submit(self, user_id: int, section_id: str, place: Place, fingerprint: str, key: Key, at: int,
                     since: int, limit: int) -> Outcome:
        """The draft becomes the comment (with the đối tượng and unit the user has now); the conversation ends."""

        def submit() -> Outcome:
            who = self._write.commenter(user_id)
            outcome = self._write.submit(user_id, section_id, place, who.audience, who.unit, fingerprint, at,
                                         since, limit)
            if outcome is not Outcome.LIMIT:
                self._write.focus(user_id, None, at)
                self._write.conversations.store(CONVERSATION, key, None)
            return outcome

        return await self._writer.run(submit)

    async def withdraw(self, user_id: int, section_id: str, at: int) -> bool:
        return await self._writer.run(self._write.withdraw, user_id, section_id, at)

    async def set_audience(self, user_id: int, audience: Audience | None, key: Key, state: str | None,
                           at: int) -> None:
        def save() -> None:
            self._write.set_audience(user_id, audience, at)
            self._write.conversations.store(CONVERSATION, key, state)

        await self._writer.run(save)

    async def set_unit(self, user_id: int, unit: str | None, key: Key, state: str | None, at: int) -> None:
        def save() -> None:
            self._write.set_unit(user_id, unit, at)
            self._write.conversations.store(CONVERSATION, key, state)

        await self._writer.run(save)
