"""SQLite connections, the migration runner, and the one-line words for a database in trouble.

The event loop's connection (`Database`, used by handlers for reads and the few writes a user waits
for) has a short busy timeout: a lock held by another program costs a reply at most HOT_BUSY_MS of
the loop, never seconds. Writes that can wait go to the `Writer` (bot/store/writer.py): its own
connection in its own thread, with a long timeout, so the loop stays free while it waits.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.logs import Throttled

_NAME_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

#: Busy timeouts (ms). The loop's connection waits briefly: a stalled loop stalls every chat. Only the
#: writes a user waits for (/lang, digest settings) use it; against the Writer's sub-millisecond
#: transactions 25 ms is ample, and under a lock held elsewhere the user is told to retry.
HOT_BUSY_MS = 25
#: The writer thread may wait long: nobody is blocked while it does.
WRITER_BUSY_MS = 5000
#: At start, another program briefly holding a lock (a backup, a maintenance query) is waited for.
STARTUP_BUSY_MS = 3000
#: A recurring database problem is logged at most once per this many seconds (with a count).
REPORT_EVERY = 60.0

log = logging.getLogger("bot.store")


def now() -> int:
    return int(time.time())


class MigrationError(Exception):
    """The migrations folder is inconsistent (duplicate or malformed numbers) or one failed."""


class DatabaseProblem(Exception):
    """The database cannot be used as it is; str() is one line for the operator, .kind names the problem."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


#: (kind, what is wrong, what to do) by SQLite's primary result code.
_KINDS: dict[str, tuple[str, str, str]] = {
    "SQLITE_BUSY": ("locked", "is locked by another program",
                    "stop the other program (a second bot? a tool holding a transaction?) and start again"),
    "SQLITE_LOCKED": ("locked", "is locked", "stop the other program using it and start again"),
    "SQLITE_FULL": ("full", "cannot grow: the disk or the database is full",
                    "free space where BOT_DATA_DIR is, then start again"),
    "SQLITE_CORRUPT": ("damaged", "is damaged",
                       "restore the latest backup (README, Backups) or move the file away to start empty"),
    "SQLITE_NOTADB": ("damaged", "is not an SQLite database (damaged or another file)",
                      "restore the latest backup (README, Backups) or move the file away to start empty"),
    "SQLITE_READONLY": ("read-only", "is read-only", "give the bot write permission on BOT_DATA_DIR and the file"),
    "SQLITE_IOERR": ("io", "cannot be written (disk I/O error: a full disk, a file-size limit or a failing disk)",
                     "check the disk where BOT_DATA_DIR is"),
    "SQLITE_CANTOPEN": ("cannot-open", "cannot be opened", "check BOT_DATA_DIR and its permissions"),
    "SQLITE_PERM": ("read-only", "may not be written", "give the bot write permission on BOT_DATA_DIR"),
}


def problem(exc: sqlite3.Error, path: Path | str) -> DatabaseProblem:
    """A DatabaseProblem saying in one line what is wrong with the database at `path` and what to do."""
    name = (getattr(exc, "sqlite_errorname", "") or "").split("_")
    primary = "_".join(name[:2]) if len(name) >= 2 else ""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    kind, what, todo = _KINDS.get(primary, ("error", "failed", "check the database file and the disk"))
    if primary == "SQLITE_ERROR" and "no such table" in text:
        kind, what, todo = ("damaged", "lacks tables the bot created",
                            "restore the latest backup (README, Backups) or move the file away to start empty")
    return DatabaseProblem(kind, f"database {path} {what} ({text}); {todo}")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(folder: Path | None = None) -> list[Migration]:
    """Migrations sorted by number; files not named NNN_name.sql are an error, not silently skipped."""
    if folder is None:
        entries = [(p.name, p.read_text(encoding="utf-8"))
                   for p in resources.files("bot.store").joinpath("migrations").iterdir()
                   if p.name.endswith(".sql")]
    else:
        entries = [(p.name, p.read_text(encoding="utf-8")) for p in Path(folder).glob("*.sql")]
    migrations: dict[int, Migration] = {}
    for name, sql in entries:
        m = _NAME_RE.match(name)
        if not m:
            raise MigrationError(f"migration file {name!r} must be named NNN_lowercase_name.sql")
        version = int(m.group(1))
        if version in migrations:
            raise MigrationError(f"two migrations numbered {version:03d}: {migrations[version].name}, {name}")
        migrations[version] = Migration(version, name, sql)
    return [migrations[v] for v in sorted(migrations)]


class Database:
    """Owns one connection; `open()` connects and applies pending migrations, `close()` releases it."""

    def __init__(self, path: Path | str, migrations_dir: Path | None = None, busy_ms: int = HOT_BUSY_MS) -> None:
        self.path = path
        self.migrations_dir = migrations_dir
        self.busy_ms = busy_ms
        self.trouble = Throttled(log, REPORT_EVERY)
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("Database.open() was not called")
        return self._conn

    def open(self, *, migrate: bool = True, check: bool = False) -> Database:
        """Connect; with `check` (start-up) also verify integrity and that a write goes through,
        waiting up to STARTUP_BUSY_MS for a lock, and raise DatabaseProblem when something is wrong."""
        if self._conn is not None:
            return self
        if str(self.path) != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                               timeout=(STARTUP_BUSY_MS if check else self.busy_ms) / 1000)
        self._conn = conn
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            if check:
                self.check_integrity()
            if migrate:
                self.migrate()
            if check:
                self.probe_write()
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_ms)}")
        except sqlite3.Error as exc:
            self.close()
            if check:
                raise problem(exc, self.path) from exc
            raise
        except BaseException:
            self.close()
            raise
        return self

    def check_integrity(self) -> None:
        """PRAGMA quick_check (integrity_check without the index cross-checks: linear time)."""
        rows = [r[0] for r in self.conn.execute("PRAGMA quick_check(5)").fetchall()]
        if rows != ["ok"]:
            raise DatabaseProblem("damaged", f"database {self.path} is damaged ({'; '.join(rows)[:300]}); "
                                  "restore the latest backup (README, Backups) or move the file away to start empty")

    def probe_write(self) -> None:
        """Commit one small row: a lock, a full disk or a read-only file shows now, not at the first user."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO bot_meta(key, value) VALUES ('last_start', ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(now()),))

    def report(self, exc: sqlite3.Error, doing: str) -> None:
        """Log a run-time database error as one line, at most once a minute per kind (with a count)."""
        trouble = problem(exc, self.path)
        self.trouble.error(trouble.kind, f"{trouble} (while {doing})")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back when the block raises."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk does)
                conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(row[0])

    def migrate(self) -> list[int]:
        """Apply every migration not yet recorded in schema_version, each in its own transaction."""
        conn = self.conn
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (datetime('now')))"
        )
        # Numbers are reserved in ranges per area (003-019, 020-029, 030+), so a lower number can land
        # after a higher one was applied: apply every migration not yet recorded, in number order.
        done = {int(row[0]) for row in conn.execute("SELECT version FROM schema_version")}
        applied: list[int] = []
        for migration in load_migrations(self.migrations_dir):
            if migration.version in done:
                continue
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)",
                             (migration.version, migration.name))
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK")
                raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
            applied.append(migration.version)
        return applied


def _statements(sql: str) -> Iterator[str]:
    """Split a script into complete statements (sqlite3.complete_statement handles quotes/triggers)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip() and not all(
        not ln.strip() or ln.strip().startswith("--") for ln in buffer.splitlines()
    ):
        raise MigrationError(f"incomplete SQL statement at the end: {buffer.strip()[:60]!r}")
