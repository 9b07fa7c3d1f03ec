"""Start-up as an operator meets it: a damaged, locked or full database, a second instance on the same
data, an empty catalogue, a Bot API URL that answers something else than Telegram; and backups.
Each problem is ONE line on stderr and exit code 2, never a traceback, never the token."""

from __future__ import annotations

import resource
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from bot.store import Database, DatabaseProblem, Store
from bot.store.lock import DataDirLock
from tests.test_infra_cli import ROOT, TOKEN, assert_one_line_error, run_bot


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_DATA_DIR": str(tmp_path / "data"),
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot", **extra}


def make_database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "bot.sqlite3"
    store = Store.open(path)
    store.db.conn.executemany("INSERT INTO users(user_id, first_seen, last_seen) VALUES (?, 0, 0)",
                              [(n,) for n in range(1, 3000)])
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bot.sqlite3").write_bytes(b"this is not sqlite " * 500)
    assert_one_line_error(run_bot("run", env=env_for(tmp_path)), "bot.sqlite3", "not an SQLite database",
                          "backup")


def test_a_damaged_database(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'users'").fetchone()[0]
    with open(path, "r+b") as f:  # the table's root page turned to garbage: only an integrity check sees it
        f.seek((root - 1) * 4096)
        f.write(b"\x55" * 4096)
    assert_one_line_error(run_bot("run", env=env_for(tmp_path)), "bot.sqlite3", "damaged", "backup")


def test_a_locked_database(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds it for longer than start-up waits
    try:
        assert_one_line_error(run_bot("run", env=env_for(tmp_path)), "bot.sqlite3", "locked", "stop the other")
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_a_full_disk(tmp_path: Path) -> None:
    make_database(tmp_path)

    def small_disk() -> None:  # writes past 32 KiB fail as on a full disk (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (32 * 1024, 32 * 1024))

    result = run_bot("run", env=env_for(tmp_path), preexec_fn=small_disk)
    assert_one_line_error(result, "cannot take new data", "free space")


def test_a_full_database_is_named_as_such(tmp_path: Path) -> None:
    """SQLite's own 'database or disk is full' becomes the operator's line (start-up and run time)."""
    db = Database(tmp_path / "bot.sqlite3").open()
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as full:
        db.conn.executemany("INSERT INTO users(user_id, first_seen, last_seen) VALUES (?, 0, 0)",
                            ((n,) for n in range(1, 10**6)))
    from bot.store.database import problem

    trouble = problem(full.value, db.path)
    assert trouble.kind == "full" and "free space" in str(trouble) and "\n" not in str(trouble)
    db.close()


def test_start_up_checks_raise_one_line_problems(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseProblem) as info:
            Store.open(path, check=True)
        assert info.value.kind == "locked" and "\n" not in str(info.value)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    store = Store.open(path, check=True)  # free again: opens, and the start was recorded
    assert store.db.conn.execute("SELECT value FROM bot_meta WHERE key = 'last_start'").fetchone()
    store.close()


def test_a_second_instance_on_the_same_data_says_so(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with DataDirLock(tmp_path / "data"):  # the first bot
        result = run_bot("run", env=env_for(tmp_path))
    assert_one_line_error(result, "another bot", "already running", "BOT_DATA_DIR")


def test_the_lock_is_released_when_the_bot_exits(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with DataDirLock(tmp_path / "data"):
        pass
    with DataDirLock(tmp_path / "data") as again:
        assert again.path.read_text().strip().isdigit()


def test_an_empty_vietnamese_catalogue_refuses_to_start(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    for lang in ("vi", "en"):
        folder = locales / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "bot.mo").open("wb") as fh:
            write_mo(fh, Catalog(locale=lang))
    result = run_bot("run", env=env_for(tmp_path, BOT_LOCALES_DIR=str(locales)))
    assert_one_line_error(result, "vi", "translates nothing")


# ---------------------------------------------------------------------------------------------
# A Bot API URL that does not answer as Telegram does


class Upstream(ThreadingHTTPServer):
    """Answers every request with `status` and an HTML page that echoes the path (with the token)."""

    daemon_threads = True

    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Echo)
        self.status = status


class _Echo(BaseHTTPRequestHandler):
    server: Upstream

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = f"<html><body>Upstream error for POST {self.path}</body></html>".encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def upstream(status: int) -> Iterator[str]:
    server = Upstream(status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()


@pytest.mark.parametrize(("status", "words", "level"), [
    (502, "cannot reach the Bot API", "DEBUG"),  # a proxy's error page (PTB puts the body in the error)
    (200, "did not answer as Telegram does", "WARNING"),  # not JSON at all: PTB would log the whole body
])  # every level, logger by logger: tests/test_infra_logs.py
def test_an_upstream_that_echoes_the_path_never_shows_the_token(tmp_path: Path, level: str, status: int,
                                                               words: str) -> None:
    with upstream(status) as url:
        result = run_bot("run", env=env_for(tmp_path, TELEGRAM_API_BASE_URL=url, BOT_LOG_LEVEL=level))
    assert TOKEN not in result.stderr + result.stdout
    assert TOKEN.split(":")[1] not in result.stderr
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and words in errors[0], result.stderr
    if level in ("WARNING", "ERROR"):
        assert_one_line_error(result, words)


# ---------------------------------------------------------------------------------------------
# Backups


def test_backup_while_another_connection_keeps_writing(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    stop = threading.Event()
    written = [0]

    def keep_writing() -> None:  # two rows per transaction: a consistent copy has an even count
        conn = sqlite3.connect(path, isolation_level=None, timeout=5)
        n = 10**6
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO chats(chat_id, type, first_seen, last_seen) VALUES (?, 'private', 0, 0)",
                             [(n,), (n + 1,)])
            conn.execute("COMMIT")
            n += 2
            written[0] += 1
        conn.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while written[0] < 50:
            time.sleep(0.01)
        copies = []
        for k in range(3):
            result = run_bot("backup", str(tmp_path / f"copy{k}.sqlite3"), env={"BOT_DATA_DIR": str(path.parent)})
            assert result.returncode == 0, result.stderr
            assert "backup written" in result.stdout
            copies.append(tmp_path / f"copy{k}.sqlite3")
    finally:
        stop.set()
        writer.join()
    counts = []
    for copy in copies:
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count = conn.execute("SELECT COUNT(*) FROM chats").fetchone()[0]
            assert count % 2 == 0  # never half a transaction
            counts.append(count)
    assert counts[-1] > 0 and counts == sorted(counts)
    assert not list(tmp_path.glob("*.partial"))


def test_backup_into_a_folder_and_of_a_missing_database(tmp_path: Path) -> None:
    path = make_database(tmp_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    result = run_bot("backup", str(folder), env={"BOT_DATA_DIR": str(path.parent)})
    assert result.returncode == 0, result.stderr
    [copy] = folder.glob("bot-*.sqlite3")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 2999
    assert_one_line_error(run_bot("backup", str(folder), env={"BOT_DATA_DIR": str(tmp_path / "empty")}),
                          "does not exist", "BOT_DATA_DIR")


def test_readme_says_how_to_restore() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m bot backup" in readme and "restore" in readme.lower()
