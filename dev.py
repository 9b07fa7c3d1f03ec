#!/usr/bin/env python3
"""The two commands: `python3 dev.py run` starts the bot, `python3 dev.py test` runs every check.

Standard library only, so it works on a fresh machine with nothing but Python 3.11+. It keeps a
virtual environment in .venv, reinstalls the project when pyproject.toml changes (a stamp file holds
its hash), compiles the gettext catalogues, then hands over to the project's own tools.

    python3 dev.py run [console|run|check-content ...]   # console without TELEGRAM_BOT_TOKEN, polling with it
    python3 dev.py test [pytest args ...]                # ruff, mypy, content check, the whole pytest suite
    python3 dev.py i18n                                  # after changing strings: update .po, compile .mo
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-pyproject.sha256"
USAGE = ("usage: python3 dev.py run [console|run|check-content] | python3 dev.py test [pytest args]"
         " | python3 dev.py i18n")


def venv_python() -> Path:
    """The interpreter inside .venv (Scripts/ on Windows, bin/ elsewhere)."""
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def say(message: str) -> None:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)


def ensure_venv() -> Path:
    """Create .venv if it is missing and install the project when pyproject.toml changed."""
    python = venv_python()
    if not python.exists():
        say(f"creating virtual environment in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except subprocess.CalledProcessError:
            say("could not create .venv with pip; on Debian/Ubuntu install python3-venv, then retry")
            raise
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        say("installing the project and its dev tools (pip install -e .[dev])")
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[dev]"],
            cwd=ROOT,
            check=True,
        )
        STAMP.write_text(digest + "\n")
    return python


def compile_catalogues(python: Path) -> None:
    """Build locales/*/LC_MESSAGES/bot.mo from the .po files (fuzzy entries are never compiled)."""
    result = subprocess.run(
        [str(python), "-m", "babel.messages.frontend", "compile", "--domain", "bot",
         "--directory", str(ROOT / "locales")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise subprocess.CalledProcessError(result.returncode, result.args)


def setup() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        say(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
        raise SystemExit(2)
    try:
        python = ensure_venv()
        compile_catalogues(python)
    except subprocess.CalledProcessError as exc:
        say(f"set-up failed ({' '.join(map(str, exc.cmd[:4]))} ...); see the messages above")
        raise SystemExit(exc.returncode or 1) from None
    return python


def run(python: Path, args: list[str]) -> int:
    """Replace this process with `python -m bot ...` so signals reach the bot directly."""
    argv = [str(python), "-m", "bot", *args]
    if os.name == "nt":
        return subprocess.call(argv, cwd=ROOT)
    os.chdir(ROOT)
    os.execv(argv[0], argv)
    return 0  # not reached


def test(python: Path, pytest_args: list[str]) -> int:
    """Run every check even when one fails, so one run shows all problems; exit with the first failure."""
    steps = [
        ("ruff", [str(python), "-m", "ruff", "check", "."]),
        ("mypy", [str(python), "-m", "mypy"]),  # bot/, as [tool.mypy] in pyproject.toml says
        ("content", [str(python), "-m", "bot", "check-content"]),
        ("pytest", [str(python), "-m", "pytest", *pytest_args]),
    ]
    failed: list[str] = []
    first_code = 0
    for name, argv in steps:
        say(f"{name}: {' '.join(argv[1:])}")
        code = subprocess.call(argv, cwd=ROOT)
        if code != 0:
            failed.append(f"{name} (exit {code})")
            first_code = first_code or code
    if failed:
        say("FAILED: " + ", ".join(failed))
    return first_code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "i18n"}:
        print(USAGE, file=sys.stderr)
        return 2
    python = setup()
    if argv[0] == "run":
        return run(python, argv[1:])
    if argv[0] == "i18n":
        return subprocess.call([str(python), "-m", "bot.i18n_catalog", "update"], cwd=ROOT)
    return test(python, argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
