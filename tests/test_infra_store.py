"""Migrations run in order once, are recorded, roll back on failure; repositories do their small jobs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import Database, MigrationError, Store, UserRepository
from bot.store.database import load_migrations


def test_shipped_migrations_are_numbered_uniquely_in_order():
    # Areas own ranges of numbers (003-019, 020-029 study, 030+), so gaps between ranges are expected.
    versions = [m.version for m in load_migrations()]
    assert versions[0] == 1
    assert versions == sorted(set(versions))


def test_a_lower_number_added_later_is_still_applied(tmp_path: Path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "020_t.sql").write_text("CREATE TABLE t (x INTEGER);")
    db = Database(tmp_path / "x.sqlite3", folder).open()
    assert db.schema_version() == 20
    (folder / "005_e.sql").write_text("CREATE TABLE e (x INTEGER);")
    assert db.migrate() == [5]
    assert db.conn.execute("SELECT COUNT(*) FROM e").fetchone()[0] == 0
    assert db.migrate() == []
    db.close()


def test_open_applies_and_records_migrations(tmp_path: Path):
    db = Database(tmp_path / "d" / "bot.sqlite3").open()
    shipped = load_migrations()
    assert db.schema_version() == shipped[-1].version
    rows = db.conn.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(m.version, m.name) for m in shipped]
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()
    again = Database(tmp_path / "d" / "bot.sqlite3").open()
    assert again.migrate() == []
    again.close()


def test_pending_migrations_apply_in_order(tmp_path: Path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    db = Database(tmp_path / "x.sqlite3", folder).open()
    assert db.schema_version() == 1
    (folder / "003_c.sql").write_text("INSERT INTO b VALUES (1);")
    (folder / "002_b.sql").write_text("-- b\nCREATE TABLE b (y INTEGER);\nINSERT INTO a VALUES (';');")
    assert db.migrate() == [2, 3]
    assert db.conn.execute("SELECT y FROM b").fetchone()[0] == 1
    db.close()


def test_failed_migration_rolls_back_and_says_which(tmp_path: Path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "002_bad.sql").write_text("CREATE TABLE half (x INTEGER);\nINSERT INTO nowhere VALUES (1);")
    with pytest.raises(MigrationError, match=r"002_bad\.sql"):
        Database(tmp_path / "x.sqlite3", folder).open()
    conn = sqlite3.connect(tmp_path / "x.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables
    assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1


@pytest.mark.parametrize("names", [["1_a.sql"], ["001_a.sql", "001_b.sql"], ["001-A.sql"]])
def test_badly_named_migrations_are_refused(tmp_path: Path, names: list[str]):
    for name in names:
        (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(MigrationError):
        load_migrations(tmp_path)


def test_users_language_and_activity():
    store = Store.open(":memory:")
    users = store.users
    assert users.get_language(1) is None
    users.touch(1, "en", at=100)
    users.touch(1, None, at=200)
    row = users.get(1)
    assert (row.language_code, row.first_seen, row.last_seen, row.lang) == ("en", 100, 200, None)
    users.set_language(1, "vi")
    users.set_language(2, "en")  # a user who never wrote can still get a stored choice
    assert users.get_language(1) == "vi"
    assert users.get_language(2) == "en"
    users.set_active(1, False)
    assert users.count() == 1
    users.touch(1)
    assert users.get(1).active is True
    store.close()


def test_chats_touch_and_deactivate():
    store = Store.open(":memory:")
    store.chats.touch(-5, "group", "Chi bộ", at=1)
    store.chats.set_active(-5, False)
    store.chats.set_language(-5, "en")
    chat = store.chats.get(-5)
    assert (chat.type, chat.title, chat.active, chat.lang) == ("group", "Chi bộ", False, "en")
    store.chats.touch(-5, "supergroup", "Chi bộ 2")
    assert store.chats.get(-5).active is True
    assert store.chats.get(-6) is None


def test_transaction_rolls_back():
    store = Store.open(":memory:")

    def insert_then_fail() -> None:
        with store.db.transaction() as conn:
            conn.execute("INSERT INTO users(user_id, first_seen, last_seen) VALUES (9, 0, 0)")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        insert_then_fail()
    assert store.users.get(9) is None


async def test_the_writer_commits_concurrent_calls_together_each_failing_alone(tmp_path: Path):
    import asyncio
    import threading

    store = Store.open(tmp_path / "bot.sqlite3")
    users = UserRepository(store.writer.db)

    def insert(user_id: int) -> int:
        store.writer.db.conn.execute("INSERT INTO users(user_id, first_seen, last_seen) VALUES (?, 0, 0)",
                                     (user_id,))
        return user_id

    busy = threading.Event()
    before = store.writer.batches
    blocked = asyncio.create_task(store.writer.run(busy.wait))  # the writer is busy...
    calls = [asyncio.create_task(store.writer.run(insert, n)) for n in (1, 2, 2, 3)]
    for _ in range(3):
        await asyncio.sleep(0)  # ...while four calls queue up
    busy.set()
    assert await blocked is True
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert results[:2] == [1, 2] and isinstance(results[2], sqlite3.IntegrityError) and results[3] == 3
    assert store.writer.batches - before <= 2  # the four in one transaction (the failing one alone undone)
    assert [store.users.get(n) is not None for n in (1, 2, 3)] == [True, True, True]
    await store.writer.run(users.set_active, 3, False)  # the loop's connection sees it once committed
    assert store.users.get(3).active is False
    store.close()


async def test_a_group_becoming_a_supergroup_moves_its_rows(tmp_path: Path):
    from datetime import date

    from bot.store.digest_repo import LedgerRepository, SubscriptionRepository

    store = Store.open(tmp_path / "bot.sqlite3")
    subs, ledger = SubscriptionRepository(store.db), LedgerRepository(store.db)
    subs.subscribe(-5, "group", 390, "en", 11)
    subs.set_fields(-5, ("economy",))
    store.chats.touch(-5, "group", "Chi bộ")
    store.chats.set_language(-5, "en")
    ledger.claim(-5, date(2026, 11, 26), 1)
    ledger.mark_sent(-5, date(2026, 11, 26), 7, 1)
    assert await store.migrate_chat(-5, -1005) is True
    moved = subs.get(-1005)
    assert (moved.minute_of_day, moved.fields, moved.lang, moved.chat_type) == (390, ("economy",), "en", "supergroup")
    assert ledger.rows_for(-1005) == [("2026-11-26", "sent")]
    assert store.chats.get(-1005).lang == "en" and store.chats.get(-5) is None and subs.get(-5) is None
    assert await store.migrate_chat(-5, -1005) is False  # the second service message changes nothing
    store.close()


def test_figure_snapshots_are_saved_in_one_commit(tmp_path: Path):
    from bot.content.pack import load_pack
    from bot.digest.service import DigestService

    pack = load_pack(Path(__file__).parent / "fixtures" / "minipack")
    store = Store.open(tmp_path / "bot.sqlite3")
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    service = DigestService(store.db, None, None, lambda: pack, writer=store.writer)  # type: ignore[arg-type]
    service.remember_pack()
    inserts = [s for s in statements if s.startswith("INSERT OR IGNORE INTO figure_snapshots")]
    assert len(inserts) == len(pack.figures) > 1
    assert [s for s in statements if not s.startswith("INSERT")] == ["BEGIN IMMEDIATE", "COMMIT"]
    store.close()
