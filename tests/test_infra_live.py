"""`python -m bot run` for real: long polling over HTTP against a local server speaking the Bot API
(what TELEGRAM_API_BASE_URL is for). The server answers with FakeBotAPI's logic, hands out one /start
update, and we wait for the welcome to come back; then SIGINT must stop the bot cleanly."""

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
from urllib.parse import parse_qsl

from bot.fakeapi import Call, FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:" + "A" * 35


class LocalBotAPI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.fake = FakeBotAPI()
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


def test_run_polls_a_self_hosted_bot_api_and_answers(tmp_path: Path):
    server = LocalBotAPI()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
                "TELEGRAM_API_BASE_FILE_URL": f"http://127.0.0.1:{port}/file/bot",
                "BOT_DATA_DIR": str(tmp_path / "data")})
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        welcome = None
        while time.time() < deadline and welcome is None:
            with server.lock:
                welcome = next((c for c in server.calls if c.method == "sendMessage"
                                and "Xin chào" in (c.text or "")), None)
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        assert welcome is not None, proc.stderr.read() if proc.poll() is not None else "no welcome"
        assert welcome.params["chat_id"] == 4242
        assert welcome.params["parse_mode"] == "HTML"
        methods = {c.method for c in server.calls}
        assert {"getMe", "setMyCommands", "getUpdates"} <= methods
        assert (tmp_path / "data" / "bot.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=30)
        finally:
            server.shutdown()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert TOKEN not in stderr, "the token must never reach the logs"
