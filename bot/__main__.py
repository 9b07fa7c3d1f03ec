"""`python -m bot [run|console|check-content [DIR]|backup PATH|health]`.

No subcommand: the console when TELEGRAM_BOT_TOKEN is unset, live long polling when it is set.
Every problem an operator can fix (token, content pack, data dir, database, catalogues, a second
instance) ends with ONE line on stderr saying what to do and exit code 2, never a traceback, and
never the token.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings
from bot.logs import configure_logging, redact

EXIT_USAGE = 2
#: Written and removed at start: a full disk (or a file-size limit) shows before any user does.
SPACE_PROBE_BYTES = 64 * 1024


class StartupError(Exception):
    """Something the operator must fix before the bot can start; str() is the one line to print."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram bot briefing cadres on a draft Political Report. "
        "Settings come from the environment (see README).",
    )
    sub = parser.add_subparsers(dest="command", metavar="{run,console,check-content,backup,health}")
    sub.add_parser("run", help="live long polling (needs TELEGRAM_BOT_TOKEN)")
    sub.add_parser("console", help="talk to the bot in this terminal, no Telegram needed")
    check = sub.add_parser("check-content", help="validate a content pack and list every error")
    check.add_argument("dir", nargs="?", help="content pack folder (default: BOT_CONTENT_DIR or content/)")
    saving = sub.add_parser("backup", help="copy the database consistently, also while the bot runs")
    saving.add_argument("path", help="the copy's file name, or a folder for a time-stamped file in it")
    sub.add_parser("health", help="read-only check of the database schema and the content pack (exit 0/1)")
    return parser.parse_args(argv)


def check_data_dir(path: Path) -> None:
    """The database lives here: make sure we can create files and that the disk takes new data."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-") as probe:
            probe.write(b"\0" * SPACE_PROBE_BYTES)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if exc.errno in {28, 27, 122}:  # ENOSPC, EFBIG, EDQUOT
            raise StartupError(
                f"data directory {path} cannot take new data ({reason}); free space on its disk "
                "(or raise the file-size limit) and start again"
            ) from None
        raise StartupError(
            f"data directory {path} is not writable ({reason}); create it with write permission "
            "or set BOT_DATA_DIR to a writable folder"
        ) from None


def lock_data_dir(path: Path) -> Any:
    """Hold BOT_DATA_DIR for this process: a second bot on the same data stops here, in one line."""
    from bot.store.lock import AlreadyRunning, DataDirLock

    try:
        return DataDirLock(path).acquire()
    except AlreadyRunning as exc:
        raise StartupError(str(exc)) from None
    except OSError as exc:
        raise StartupError(f"cannot lock data directory {path} ({exc.strerror}); check its permissions") from None


def open_store(settings: Settings) -> Any:
    """Open the database, check its integrity and that a write goes through, apply migrations."""
    from bot.store import DatabaseProblem, MigrationError, Store

    try:
        return Store.open(settings.database_path, check=True)
    except (DatabaseProblem, MigrationError) as exc:
        raise StartupError(str(exc)) from None


def load_content(path: Path) -> Any:
    from bot.content import ContentError
    from bot.content.pack import load_pack

    if not path.is_dir():
        raise StartupError(
            f"content pack {path} not found; run from the repository folder or set BOT_CONTENT_DIR"
        )
    try:
        return load_pack(path)
    except ContentError as exc:
        first = exc.errors[0] if exc.errors else "unknown error"
        raise StartupError(
            f"content pack {path} has {len(exc.errors)} error(s), first: {first}; "
            f"run `python -m bot check-content {path}` to see them all"
        ) from None
    except OSError as exc:
        raise StartupError(f"content pack {path} is unreadable ({exc.strerror}); check its permissions") from None


def load_catalogues(settings: Settings) -> Any:
    from bot.i18n import Catalogues, I18nError

    try:
        return Catalogues.load(settings.locales_dir)
    except I18nError as exc:
        raise StartupError(str(exc)) from None


def run(settings: Settings) -> int:
    """Live long polling against Telegram (or TELEGRAM_API_BASE_URL)."""
    if not settings.token:
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and export its token, "
            "or run `python -m bot console` to try the bot without Telegram"
        )
    catalogues = load_catalogues(settings)
    check_data_dir(settings.data_dir)
    lock = lock_data_dir(settings.data_dir)
    try:
        pack = load_content(settings.content_dir)
        store = open_store(settings)
        return _poll(settings, pack, catalogues, store)
    finally:
        lock.release()


def _poll(settings: Settings, pack: Any, catalogues: Any, store: Any) -> int:
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot import context as ctx
    from bot.app import ALLOWED_UPDATES, build_application
    from bot.handlers.ops import SIGHUP_RELOAD
    from bot.handlers.read import ReaderStartError
    from bot.store import DatabaseProblem
    from bot.store.database import problem

    app = build_application(settings, pack=pack, catalogues=catalogues)
    app.bot_data[ctx.STORE] = store  # closed by post_shutdown
    app.bot_data[SIGHUP_RELOAD] = True  # SIGHUP reloads the content pack (bot/handlers/ops.py)
    try:
        # run_polling's first request is getMe: a wrong token or URL raises here, before any update
        # (PTB's own traceback of it is dropped by bot/logs.py; the line below says what to do)
        if settings.webhook_url:  # Telegram posts updates to us (bot/ops/webhook.py); the secret is checked
            from bot.ops.webhook import webhook_args

            app.run_webhook(**webhook_args(settings), allowed_updates=list(ALLOWED_UPDATES))
        else:
            app.run_polling(allowed_updates=list(ALLOWED_UPDATES))
    except InvalidToken:
        raise StartupError(
            "Telegram rejected TELEGRAM_BOT_TOKEN; copy the token again from @BotFather (/token)"
        ) from None
    except NetworkError as exc:
        raise StartupError(
            f"cannot reach the Bot API ({exc}); check the network or TELEGRAM_API_BASE_URL"
        ) from None
    except TelegramError as exc:
        raise StartupError(
            f"the Bot API did not answer as Telegram does ({exc}); check TELEGRAM_API_BASE_URL "
            "and any proxy in between"
        ) from None
    except sqlite3.Error as exc:  # post_init's first writes (the figure snapshot), or shutdown's last
        raise StartupError(str(problem(exc, settings.database_path))) from None
    except DatabaseProblem as exc:
        raise StartupError(str(exc)) from None
    except ReaderStartError as exc:  # BOT_WEBAPP_LISTEN taken or not ours
        raise StartupError(str(exc)) from None
    except OSError as exc:  # BOT_WEBHOOK_LISTEN taken or not ours
        host, port = settings.webhook_listen
        raise StartupError(f"the webhook server cannot listen on {host}:{port} ({exc.strerror or exc}); free that "
                           "port or set BOT_WEBHOOK_LISTEN to another host:port") from None
    finally:
        if ctx.STORE in app.bot_data:  # start-up failed before post_shutdown could close it
            app.bot_data.pop(ctx.STORE).close()
    return 0


def backup(target: str, settings: Settings) -> int:
    """A consistent copy of the database (SQLite's online backup API), also while the bot runs."""
    from bot.store import DatabaseProblem
    from bot.store.backup import backup as copy_database

    try:
        result = copy_database(settings.database_path, Path(target))
    except DatabaseProblem as exc:
        raise StartupError(str(exc)) from None
    except OSError as exc:
        raise StartupError(f"cannot write the backup {target} ({exc.strerror}); choose another place") from None
    print(f"backup written: {result.path} ({result.size:,} bytes, {result.subscriptions} active subscriptions)")
    return 0


def console(settings: Settings) -> int:
    catalogues = load_catalogues(settings)
    pack = load_content(settings.content_dir)
    from bot.console import run_console

    return run_console(settings, pack=pack, catalogues=catalogues)


def check_content(directory: str | None, settings: Settings) -> int:
    from bot.content.validate import main as validate

    return validate(directory or str(settings.content_dir))


def health(env: dict[str, str]) -> int:
    """The container's HEALTHCHECK: exit 0 healthy, 1 unhealthy, one line either way."""
    from bot.ops.health import check

    try:
        result = check(Settings.from_env(env))
    except ConfigError as exc:
        print(f"unhealthy: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    print(result.line, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "health":
        return health({k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"})
    try:
        env = dict(os.environ)
        if args.command in {"console", "check-content"}:
            env.pop("TELEGRAM_BOT_TOKEN", None)  # the console never talks to Telegram
        settings = Settings.from_env(env)
        command = args.command or ("run" if settings.token else "console")
        configure_logging(settings.log_level, [settings.token or "", settings.webhook_secret or ""],
                          quiet_console=command != "run")
        if command == "check-content":
            return check_content(args.dir, settings)
        if command == "console":
            return console(settings)
        if command == "backup":
            return backup(args.path, settings)
        return run(settings)
    except (ConfigError, StartupError) as exc:
        print(f"error: {redact(' '.join(str(exc).split()), [os.environ.get('TELEGRAM_BOT_TOKEN', '')])}",
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
