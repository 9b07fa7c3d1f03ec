"""`python -m bot backup PATH`: a consistent copy of the database while the bot runs.

SQLite's online backup API copies the pages inside one read transaction (pages=-1: one step), so in
WAL mode the copy is the database as of one instant and the bot's writers are never blocked. The
copy is written beside PATH first, checked (quick_check), then renamed over PATH: a crash mid-backup
never leaves a half-written file under the backup's name.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.store.database import WRITER_BUSY_MS, DatabaseProblem, problem


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    subscriptions: int


def backup(database: Path, target: Path) -> BackupResult:
    """Copy `database` to `target` (a file, or a folder for a time-stamped file in it)."""
    if not database.is_file():
        raise DatabaseProblem("missing", f"database {database} does not exist; check BOT_DATA_DIR")
    if target.is_dir():
        target = target / f"bot-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(database, timeout=WRITER_BUSY_MS / 1000)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=-1)
            rows = [r[0] for r in copy.execute("PRAGMA quick_check").fetchall()]
            if rows != ["ok"]:
                raise DatabaseProblem("damaged", f"the copy of {database} does not check out ({rows[0]}); "
                                      "the database itself may be damaged: run the bot to see")
            subscriptions = copy.execute("SELECT COUNT(*) FROM subscriptions WHERE active = 1").fetchone()[0]
        finally:
            copy.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise problem(exc, database) from exc
    finally:
        source.close()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(target, target.stat().st_size, int(subscriptions))
