"""``python -m bot health``: the container's HEALTHCHECK. Opens the database read-only and checks its schema
version, loads and validates the content pack. Exit 0 and one line when healthy; 1 and one line why not.

Read-only: the check never creates, migrates or locks anything, so it is safe beside the running bot.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.config import Settings
from bot.content.model import ContentError
from bot.content.pack import load_pack
from bot.store.database import load_migrations


@dataclass(frozen=True)
class Health:
    ok: bool
    line: str


def check(settings: Settings) -> Health:
    path = settings.database_path
    if not path.is_file():
        return Health(False, f"unhealthy: database {path} not found (has the bot started once with BOT_DATA_DIR?)")
    expected = max((m.version for m in load_migrations()), default=0)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Health(False, f"unhealthy: database {path} cannot be read ({exc})")
    version = int(row[0])
    if version < expected:
        return Health(False, f"unhealthy: database schema version {version}, this bot needs {expected} "
                             "(restart the bot to migrate)")
    try:
        pack = load_pack(settings.content_dir)
    except ContentError as exc:
        first = exc.errors[0] if exc.errors else "unknown error"
        return Health(False, f"unhealthy: content pack {settings.content_dir} has {len(exc.errors)} error(s), "
                             f"first: {first}")
    except OSError as exc:
        return Health(False, f"unhealthy: content pack {settings.content_dir} unreadable ({exc.strerror})")
    return Health(True, f"healthy: database schema {version}, content {pack.meta.version} ({pack.fingerprint})")
