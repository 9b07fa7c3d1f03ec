"""`python -m bot run` for real: long polling over HTTP against a local server speaking the Bot API
(what TELEGRAM_API_BASE_URL is for). The server answers with FakeBotAPI's logic, hands out one /start
update, and we wait for the welcome to come back; a second bot on the same data must refuse to start;
then SIGINT must stop the bot cleanly. A second test stops the bot with SIGTERM in the middle of a
digest run: exit 0, and the ledger says exactly what Telegram received."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from bot.fakeapi import Call, FakeBotAPI
from bot.store import Database, Store

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:" + "A" * 35


class LocalBotAPI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, send_delay: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.fake = FakeBotAPI()
        self.send_delay = send_delay  # seconds each sendMessage takes: a run long enough to interrupt
        self.lock = threading.Lock()
        self.updates = [{"update_id": 1, "message": {
            "message_id": 1, "date": int(time.time()), "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": 4242, "type": "private", "first_name": "An"},
            "from": {"id": 4242, "is_bot": False, "first_name": "An", "language_code": "vi"}}}]
        self.calls: list[Call] = []


class Handler(BaseHTTPRequestHandler):
    server: LocalBotAPI

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        method = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            params = json.loads(body or "{}")
        else:
            params = {}
            for key, value in parse_qsl(body):
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        call = Call(method, params)
        if method == "sendMessage" and self.server.send_delay:
            time.sleep(self.server.send_delay)
        with self.server.lock:
            self.server.calls.append(call)
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                result = [u for u in self.server.updates if u["update_id"] >= offset]
                status, payload = 200, {"ok": True, "result": result}
            else:
                status, payload = self.server.fake._answer(call)
        if method == "getUpdates" and not payload["result"]:
            time.sleep(0.2)  # a short long-poll
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def start_bot(server: LocalBotAPI, data: Path, level: str = "INFO") -> subprocess.Popen[str]:
    port = server.server_address[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
                "TELEGRAM_API_BASE_FILE_URL": f"http://127.0.0.1:{port}/file/bot",
                "BOT_DATA_DIR": str(data), "BOT_LOG_LEVEL": level})
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def serve() -> LocalBotAPI:
    server = LocalBotAPI()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for(server: LocalBotAPI, proc: subprocess.Popen[str], found: Any, timeout: float = 60) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with server.lock:
            result = found(server.calls)
        if result or proc.poll() is not None:
            return result
        time.sleep(0.1)
    return None


def test_run_polls_a_self_hosted_bot_api_and_answers(tmp_path: Path):
    server = serve()
    proc = start_bot(server, tmp_path / "data", level="DEBUG")
    try:
        welcome = wait_for(server, proc, lambda calls: next(
            (c for c in calls if c.method == "sendMessage" and "Xin chào" in (c.text or "")), None))
        assert welcome is not None, proc.stderr.read() if proc.poll() is not None else "no welcome"
        assert welcome.params["chat_id"] == 4242
        assert welcome.params["parse_mode"] == "HTML"
        methods = {c.method for c in server.calls}
        assert {"getMe", "setMyCommands", "getUpdates"} <= methods
        polls = [c for c in server.calls if c.method == "getUpdates"]
        assert polls[-1].params["allowed_updates"] == ["message", "callback_query", "inline_query",
                                                       "my_chat_member", "poll_answer"]  # what it handles
        assert (tmp_path / "data" / "bot.sqlite3").exists()
        second = start_bot(server, tmp_path / "data")
        _, second_err = second.communicate(timeout=60)
        assert second.returncode == 2, second_err
        assert second_err.strip().startswith("error: another bot (pid ") and len(second_err.splitlines()) == 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=30)
        finally:
            server.shutdown()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Set Bot API URL" in stderr  # DEBUG was on...
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr, "the token must never reach the logs"


def test_sigterm_in_the_middle_of_a_digest_run_leaves_the_ledger_exact(tmp_path: Path):
    subscribers = range(7000, 7300)
    store = Store.open(tmp_path / "data" / "bot.sqlite3")
    with store.db.transaction() as conn:  # due since midnight today, wherever the clock stands
        conn.executemany("INSERT INTO subscriptions(chat_id, chat_type, minute_of_day, lang, created_at,"
                         " updated_at) VALUES (?, 'private', 0, 'vi', 0, 0)", [(c,) for c in subscribers])
    store.close()
    server = LocalBotAPI(send_delay=0.1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proc = start_bot(server, tmp_path / "data")
    try:
        started = wait_for(server, proc, lambda calls: sum(
            1 for c in calls if c.method == "sendMessage" and c.params.get("chat_id") in subscribers) >= 20)
        assert started, proc.stderr.read() if proc.poll() is not None else "no digest went out"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=60)
        finally:
            server.shutdown()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    received = [c.params["chat_id"] for c in server.calls if c.method == "sendMessage"
                and c.params.get("chat_id") in subscribers]
    with Database(tmp_path / "data" / "bot.sqlite3") as db:
        ledger = dict(db.conn.execute("SELECT chat_id, status FROM digest_ledger").fetchall())
    assert len(received) == len(set(received)) < len(subscribers)  # stopped mid-run, nothing twice
    assert "sending" not in ledger.values()  # nothing half-recorded
    assert {c for c, s in ledger.items() if s == "sent"} == set(received)  # the ledger is exact
