"""`python -m bot`: operator mistakes end with one line on stderr, exit 2, and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:" + "A" * 35


def run_bot(*args: str, env: dict[str, str] | None = None, stdin: str = "", timeout: float = 600,
            preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hung process: start-up loads and checks the whole pack, which took 112 s
    # on a loaded 2-core machine (a speed figure is for bench/, not for a test to fail on).
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=base, input=stdin,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=preexec_fn)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_run_without_token_says_what_to_do():
    assert_one_line_error(run_bot("run"), "TELEGRAM_BOT_TOKEN", "BotFather", "console")


@pytest.mark.parametrize("token", ["abc", "123:short", "123456789:" + "A" * 29, "x" + TOKEN])
def test_malformed_token(token):
    result = run_bot("run", env={"TELEGRAM_BOT_TOKEN": token})
    assert_one_line_error(result, "TELEGRAM_BOT_TOKEN", "malformed")
    assert token not in result.stderr


def test_invalid_setting():
    assert_one_line_error(run_bot("run", env={"BOT_TIMEZONE": "Nowhere/City"}), "BOT_TIMEZONE")


def test_missing_content_pack(tmp_path: Path):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_CONTENT_DIR": str(tmp_path / "nope"),
           "BOT_DATA_DIR": str(tmp_path / "data")}
    assert_one_line_error(run_bot("run", env=env), "content pack", "BOT_CONTENT_DIR")


def test_broken_content_pack(tmp_path: Path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "meta.yaml").write_text("id: [unclosed\n")
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_CONTENT_DIR": str(pack), "BOT_DATA_DIR": str(tmp_path / "d")}
    assert_one_line_error(run_bot("run", env=env), "content pack", "check-content")


def test_unwritable_data_dir(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the data directory should be")
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_DATA_DIR": str(blocker / "data")}
    assert_one_line_error(run_bot("run", env=env), "data directory", "BOT_DATA_DIR")


def test_missing_catalogue_refuses_to_start(tmp_path: Path):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_LOCALES_DIR": str(tmp_path)}
    assert_one_line_error(run_bot("run", env=env), "catalogue", "compile")
    assert_one_line_error(run_bot("console", env={"BOT_LOCALES_DIR": str(tmp_path)}), "catalogue")


def test_unreachable_bot_api_is_one_line(tmp_path: Path):
    """A self-hosted Bot API URL that nobody answers: no traceback, a hint about the URL."""
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
           "BOT_DATA_DIR": str(tmp_path / "d")}
    assert_one_line_error(run_bot("run", env=env), "TELEGRAM_API_BASE_URL")


def test_rejected_token_is_one_line(tmp_path: Path):
    """A Bot API that refuses the token (401 to getMe, run_polling's first request): one line, no traceback."""

    class Refusing(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_DATA_DIR": str(tmp_path / "d"),
               "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}/bot"}
        result = run_bot("run", env=env)
    finally:
        server.shutdown()
    assert_one_line_error(result, "rejected", "TELEGRAM_BOT_TOKEN", "BotFather")
    assert TOKEN not in result.stderr


def test_help_lists_the_subcommands():
    result = run_bot("--help")
    assert result.returncode == 0
    for word in ("run", "console", "check-content", "backup"):
        assert word in result.stdout


def test_no_subcommand_and_no_token_starts_the_console(tmp_path: Path):
    result = run_bot(env={"BOT_DATA_DIR": str(tmp_path)}, stdin="/help\n")
    assert result.returncode == 0, result.stderr
    assert "/about" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_content_on_the_shipped_pack():
    result = run_bot("check-content")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "OK" in result.stdout
