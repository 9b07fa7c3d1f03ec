"""One SQLite connection (WAL, foreign keys, busy timeout) and the migration runner.

Sync sqlite3 on the event loop is deliberate: every query is a primary-key lookup or a small upsert,
far below a millisecond, and one connection avoids locking trouble. Keep queries behind repositories.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_NAME_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """The migrations folder is inconsistent (duplicate or malformed numbers) or one failed."""


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
    """Owns the connection; `open()` connects and applies pending migrations, `close()` releases it."""

    def __init__(self, path: Path | str, migrations_dir: Path | None = None) -> None:
        self.path = path
        self.migrations_dir = migrations_dir
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("Database.open() was not called")
        return self._conn

    def open(self) -> Database:
        if self._conn is not None:
            return self
        if str(self.path) != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA synchronous=NORMAL")
        self._conn = conn
        self.migrate()
        return self

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
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

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
