"""`python -m bot health` (the Dockerfile's HEALTHCHECK): exit 0 and one line when the database (opened read-only)
has the current schema and the pack loads; exit 1 and one line why otherwise. And the Dockerfile itself."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
MINIPACK = ROOT / "tests" / "fixtures" / "minipack"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("BOT_DATA_DIR", str(folder))
    monkeypatch.setenv("BOT_CONTENT_DIR", str(MINIPACK))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not a token")  # health never needs it, never fails on it
    return folder


def health(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["health"])
    out = capsys.readouterr()
    lines = (out.out + out.err).strip().splitlines()
    assert len(lines) == 1, lines
    return code, lines[0]


def test_healthy(data, capsys):
    Store.open(data / "bot.sqlite3").db.close()
    before = (data / "bot.sqlite3").read_bytes()
    code, line = health(capsys)
    assert code == 0 and line.startswith("healthy") and "0.1.0" in line
    assert (data / "bot.sqlite3").read_bytes() == before  # read-only: nothing written


def test_no_database(data, capsys):
    code, line = health(capsys)
    assert code == 1 and "not found" in line
    assert not data.exists()  # a health check creates nothing


def test_old_schema(data, capsys):
    Store.open(data / "bot.sqlite3").db.close()
    with sqlite3.connect(data / "bot.sqlite3") as conn:
        conn.execute("DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)")
    code, line = health(capsys)
    assert code == 1 and "schema version" in line


def test_not_a_database(data, capsys):
    data.mkdir()
    (data / "bot.sqlite3").write_bytes(b"this is not SQLite" * 100)
    code, line = health(capsys)
    assert code == 1 and "cannot be read" in line


def test_broken_pack(data, capsys, tmp_path, monkeypatch):
    Store.open(data / "bot.sqlite3").db.close()
    pack = tmp_path / "pack"
    shutil.copytree(MINIPACK, pack)
    (pack / "figures" / "figures.yaml").write_text("figures: [\n", encoding="utf-8")
    monkeypatch.setenv("BOT_CONTENT_DIR", str(pack))
    code, line = health(capsys)
    assert code == 1 and "figures.yaml" in line


def test_the_real_command_exits_1_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "health"], cwd=ROOT, capture_output=True, text=True,
                          env={"BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_dockerfile_runs_as_a_user_with_a_volume_and_a_health_check():
    lines = [ln.strip() for ln in (ROOT / "Dockerfile").read_text().splitlines()]
    instructions = [ln.split()[0] for ln in lines if ln and not ln.startswith("#") and ln.split()[0].isupper()]
    assert instructions[0] == "FROM" and instructions.count("FROM") >= 1
    final = lines[max(i for i, ln in enumerate(lines) if ln.startswith("FROM")):]
    user = [ln for ln in final if ln.startswith("USER ")]
    assert user and user[-1].split()[1] not in {"root", "0"}
    assert any(ln.startswith("VOLUME") and "/data" in ln for ln in final)
    assert any(ln.startswith("HEALTHCHECK") for ln in final)
    check = " ".join(final[next(i for i, ln in enumerate(final) if ln.startswith("HEALTHCHECK")):][:3])
    assert "bot" in check and "health" in check
    assert any("BOT_DATA_DIR=/data" in ln for ln in final)
    assert any("python:3.11-slim" in ln for ln in lines if ln.startswith("FROM"))
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "data" in ignored and ".git" in ignored
