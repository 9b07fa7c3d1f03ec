"""`python -m bot [run|console|check-content [DIR]]`.

No subcommand: the console when TELEGRAM_BOT_TOKEN is unset, live long polling when it is set.
Every problem an operator can fix (token, content pack, data dir, catalogues) ends with ONE line on
stderr saying what to do and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings

EXIT_USAGE = 2


class StartupError(Exception):
    """Something the operator must fix before the bot can start; str() is the one line to print."""


def configure_logging(level: str, *, quiet_console: bool = False) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet_console else getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request (with the token in the URL) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram bot briefing cadres on a draft Political Report. "
        "Settings come from the environment (see README).",
    )
    sub = parser.add_subparsers(dest="command", metavar="{run,console,check-content}")
    sub.add_parser("run", help="live long polling (needs TELEGRAM_BOT_TOKEN)")
    sub.add_parser("console", help="talk to the bot in this terminal, no Telegram needed")
    check = sub.add_parser("check-content", help="validate a content pack and list every error")
    check.add_argument("dir", nargs="?", help="content pack folder (default: BOT_CONTENT_DIR or content/)")
    return parser.parse_args(argv)


def check_data_dir(path: Path) -> None:
    """The database lives here: make sure we can create and write files before going live."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StartupError(
            f"data directory {path} is not writable ({reason}); create it with write permission "
            "or set BOT_DATA_DIR to a writable folder"
        ) from None


def load_content(path: Path) -> Any:
    from bot.content import ContentError, load_pack

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
    pack = load_content(settings.content_dir)

    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application

    app = build_application(settings, pack=pack, catalogues=catalogues)
    try:
        asyncio.run(check_bot_api(settings))
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        raise StartupError(
            "Telegram rejected TELEGRAM_BOT_TOKEN; copy the token again from @BotFather (/token)"
        ) from None
    except NetworkError as exc:
        raise StartupError(
            f"cannot reach the Bot API ({exc}); check the network or TELEGRAM_API_BASE_URL"
        ) from None
    return 0


async def check_bot_api(settings: Settings) -> None:
    """getMe once before polling, so a wrong token or URL is one line here, not PTB's retry log."""
    from telegram import Bot

    kwargs: dict[str, Any] = {}
    if settings.api_base_url:
        kwargs["base_url"] = settings.api_base_url
    if settings.api_base_file_url:
        kwargs["base_file_url"] = settings.api_base_file_url
    async with Bot(settings.token or "", **kwargs) as bot:
        logging.getLogger(__name__).info("connected as @%s", bot.username)


def console(settings: Settings) -> int:
    catalogues = load_catalogues(settings)
    pack = load_content(settings.content_dir)
    from bot.console import run_console

    return run_console(settings, pack=pack, catalogues=catalogues)


def check_content(directory: str | None, settings: Settings) -> int:
    from bot.content.validate import main as validate

    return validate(directory or str(settings.content_dir))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        env = dict(os.environ)
        if args.command in {"console", "check-content"}:
            env.pop("TELEGRAM_BOT_TOKEN", None)  # the console never talks to Telegram
        settings = Settings.from_env(env)
        command = args.command or ("run" if settings.token else "console")
        configure_logging(settings.log_level, quiet_console=command != "run")
        if command == "check-content":
            return check_content(args.dir, settings)
        if command == "console":
            return console(settings)
        return run(settings)
    except (ConfigError, StartupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
