"""The console drives the same Application: through a pipe (subprocess) and by a direct call."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.console import Console, console_session, html_to_text

ROOT = Path(__file__).resolve().parent.parent


def test_html_to_text():
    assert html_to_text('<b>A</b> &amp; <a href="https://x.y">link</a> <code>c</code>') == \
        "A & link (https://x.y) `c`"


async def test_direct_session_prints_replies_and_presses_buttons(settings, content_pack, catalogues):
    out = io.StringIO()
    lines = ["/lang", "2", "/help", "/nope", "", "99", "@", "@#1"]
    assert await console_session(settings, lines, out, pack=content_pack, catalogues=catalogues,
                                 echo=True) == 0
    text = out.getvalue()
    assert "[1] ✓ Tiếng Việt   [2] English" in text
    assert "bot (edited) › Done: I will speak English with you." in text
    assert "/about — About the document" in text  # help in English after pressing 2
    assert "I do not know the command `/nope`" in text
    assert "(no button 99" in text
    assert "bot (inline) ›" in text
    assert "<b>" not in text


async def test_console_object_handles_lines(app, fake_api):
    out = io.StringIO()
    console = Console(app, fake_api, out)
    await console.handle_line("/start\n")
    assert console.buttons, "the main menu's buttons are remembered"
    await console.handle_line("1")
    assert "bot" in out.getvalue()


def test_piped_console_subprocess(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATA_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "bot", "console"], cwd=ROOT, env=env,
                            input="/start\n1\n/about\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "you › /start" in result.stdout
    assert "Xin chào" in result.stdout
    assert "[1]" in result.stdout
    assert "you › 1" in result.stdout
    assert "Traceback" not in result.stderr
