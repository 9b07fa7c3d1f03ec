"""Logging set-up: the token never reaches a log line, and a problem that repeats is reported, not spammed.

The token travels in every Bot API URL (`…/bot<TOKEN>/getMe`), so any library that logs a URL, an
exception or a response body may print it: python-telegram-bot at DEBUG ("Set Bot API URL"), httpx,
and PTB's "Can not load invalid JSON data" when a proxy answers with a page that echoes the path.
`RedactingFilter` sits on every handler (a filter on a *logger* would miss records that propagate
from library loggers) and rewrites the message, its arguments and the formatted traceback.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable

#: Anything shaped like a bot token (bot id, colon, 30+ URL-safe characters): redacted even when it
#: is not ours, e.g. a token in a URL the operator pasted into TELEGRAM_API_BASE_URL.
TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "<TOKEN>"
#: The reader's (bot/webapp/) signed initData names a person and works as a password for a day: an
#: ``Authorization: tma <initData>`` header, or its fields in a query string, never reach a log line;
#: nor does what a reader searched for (``?q=``).
INIT_DATA_SHAPE = re.compile(r"\btma\s+[^\s'\"]+", re.IGNORECASE)
INIT_DATA_FIELDS = re.compile(
    r"\b(tgWebAppData|user|hash|signature|auth_date|query_id|chat_instance|chat_type|start_param|receiver|chat|q)"
    r"(=|%3D)[^&\s'\"]*")
REDACTED_INIT_DATA = "tma <INITDATA>"
#: An invite code (bot/access/codes.py) admits whoever holds it: python-telegram-bot logs the text of
#: the /invite answer and of the /start update at DEBUG, so the code's shape is redacted too.
INVITE_SHAPE = re.compile(r"(?<![A-Za-z0-9_-])inv[A-Za-z0-9_-]{36}(?![A-Za-z0-9_-])")
REDACTED_INVITE = "inv<INVITE>"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret and every token-shaped string replaced by <TOKEN>, and the reader's
    initData (and search words) by placeholders."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = INIT_DATA_SHAPE.sub(REDACTED_INIT_DATA, text)
    text = INIT_DATA_FIELDS.sub(lambda m: f"{m.group(1)}{m.group(2)}<REDACTED>", text)
    text = INVITE_SHAPE.sub(REDACTED_INVITE, text)
    return TOKEN_SHAPE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record so neither its message nor its traceback can carry a secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record must still be logged, redacted
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message, self.secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


#: How PTB's retry loop starts the message it logs (with a traceback) before raising when a start-up
#: call fails: a wrong token, an unreachable TELEGRAM_API_BASE_URL.
BOOTSTRAP_FAILURE = "Network Retry Loop (Bootstrap"


class BootstrapFailureFilter(logging.Filter):
    """Drops PTB's traceback of a failed start-up call: the exception reaches ``python -m bot run``,
    which says in one line what to do (bot/__main__.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR and record.name.startswith("telegram")
                    and record.getMessage().startswith(BOOTSTRAP_FAILURE))


def configure_logging(level: str, secrets: Iterable[str] = (), *, quiet_console: bool = False) -> None:
    """Log to stderr at `level`, every handler redacting `secrets` (the token) and token shapes."""
    logging.basicConfig(
        level=logging.WARNING if quiet_console else getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    install_redaction(secrets)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, BootstrapFailureFilter) for f in handler.filters):
            handler.addFilter(BootstrapFailureFilter())
    # httpx logs every request URL at INFO: noise (redacted all the same).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def install_redaction(secrets: Iterable[str] = (), logger: logging.Logger | None = None) -> RedactingFilter:
    """Put one RedactingFilter on every handler of `logger` (default: the root logger)."""
    target = logger or logging.getLogger()
    redacting = RedactingFilter(secrets)
    for handler in target.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(redacting)
    return redacting


class Throttled:
    """Reports one kind of recurring problem at most once per `every` seconds, with a count.

    A full disk or a locked database fails every write; logging each would write tens of thousands
    of lines (and fill the disk further). The first occurrence of a kind is logged at once; later
    ones are counted and summed up in one line when `every` seconds have passed.
    """

    def __init__(self, logger: logging.Logger, every: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.every = every
        self.clock = clock
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def error(self, kind: str, message: str) -> bool:
        """Log `message` unless `kind` was logged less than `every` seconds ago; True if logged."""
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
            return False
        suppressed = self._suppressed.pop(kind, 0)
        if suppressed and last is not None:  # only a kind seen before has suppressed messages
            message += f" ({suppressed} more like this in the last {now - last:.0f} s)"
        self._last[kind] = now
        self.logger.error("%s", message)
        return True
