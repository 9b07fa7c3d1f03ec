"""The typed CallbackContext every handler receives: services from bot_data and the user's translator.

Services are created once in post_init (see bot/app.py) and stored in bot_data under the keys below;
handlers reach them as context.pack, context.store, context.search, context.settings, context.tr.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.content import ContentPack
from bot.content.search import SearchIndex
from bot.i18n import Catalogues, Translator, resolve_language
from bot.store import Store

# bot_data keys, one per service.
SETTINGS = "settings"
PACK = "pack"
STORE = "store"
SEARCH = "search"
CATALOGUES = "catalogues"
WINDOW = "traffic_window"  # TrafficWindow: every request of the last second (bot/digest/pacing.py)


def language_for(update: object, bot_data: dict[str, Any]) -> str:
    """Stored /lang choice of the update's user, else their Telegram language_code, else Vietnamese."""
    user = update.effective_user if isinstance(update, Update) else None
    if user is None:
        return resolve_language(None, None)
    store: Store | None = bot_data.get(STORE)
    stored = None
    if store is not None:
        try:
            stored = store.users.get_language(user.id)
        except sqlite3.Error as exc:  # a damaged or locked database: Telegram's language will do
            store.db.report(exc, "reading a language choice")
    return resolve_language(stored, user.language_code)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with typed services; remembers its update so `tr` speaks the user's language."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._update: object = None
        self._lang: str | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
                    ) -> BotContext:
        context = super().from_update(update, application)
        context._update = update
        return context

    @classmethod
    def from_error(cls, update: object, error: Exception,
                   application: Application[Any, Any, Any, Any, Any, Any],
                   job: Any = None, coroutine: Any = None) -> BotContext:
        context = super().from_error(update, error, application, job, coroutine)
        context._update = update
        return context

    # ---------------------------------------------------------------- services
    @property
    def settings(self) -> Settings:
        return self.bot_data[SETTINGS]

    @property
    def pack(self) -> ContentPack:
        return self.bot_data[PACK]

    @property
    def store(self) -> Store:
        return self.bot_data[STORE]

    @property
    def search(self) -> SearchIndex:
        """The SearchIndex built from the pack in post_init."""
        return self.bot_data[SEARCH]

    @property
    def catalogues(self) -> Catalogues:
        return self.bot_data[CATALOGUES]

    # ---------------------------------------------------------------- language
    @property
    def lang(self) -> str:
        if self._lang is None:
            self._lang = language_for(self._update, self.bot_data)
        return self._lang

    @lang.setter
    def lang(self, value: str) -> None:
        self._lang = value

    @property
    def tr(self) -> Translator:
        """The translator in the user's language: context.tr.gettext("..."), context.tr.number(n)."""
        return self.catalogues.get(self.lang)

    def tr_for(self, lang: str | None) -> Translator:
        return self.catalogues.get(lang)
