"""Settings read from the environment, checked once, with one clear line when something is wrong."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
ACCESS_MODES = ("open", "allowlist", "invite")
#: The zone digests and meetings are scheduled in unless BOT_TIMEZONE says otherwise: the one place it is written.
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
AccessMode = Literal["open", "allowlist", "invite"]

#: Every variable the bot reads, with a one-line description (README lists the same).
VARIABLES: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "token from @BotFather; unset = console mode",
    "TELEGRAM_API_BASE_URL": "Bot API base URL, e.g. http://127.0.0.1:8081/bot (token appended)",
    "TELEGRAM_API_BASE_FILE_URL": "Bot API file base URL, e.g. http://127.0.0.1:8081/file/bot",
    "BOT_DATA_DIR": "where the SQLite database lives (default ./data)",
    "BOT_CONTENT_DIR": "the content pack (default ./content)",
    "BOT_LOCALES_DIR": "compiled gettext catalogues (default: locales/ of the checkout)",
    "BOT_TIMEZONE": f"IANA time zone for schedules (default {DEFAULT_TIMEZONE})",
    "BOT_ADMINS": "comma-separated Telegram user ids of administrators",
    "BOT_ACCESS": "open | allowlist | invite (default open)",
    "BOT_ALLOWLIST": "comma-separated Telegram user and group ids (groups: -100...) admitted when BOT_ACCESS is "
                     "allowlist or invite",
    "BOT_LOG_LEVEL": "DEBUG | INFO | WARNING | ERROR (default INFO)",
    "BOT_WEBAPP_URL": "public HTTPS URL of the reader (Mini App); unset = no reader",
    "BOT_WEBAPP_LISTEN": "host:port the reader's web server listens on (default 127.0.0.1:8080)",
    "BOT_COMMENTS": "on | off: cadres may comment on the draft (default on)",
    "BOT_COMMENTS_UNTIL": "last day comments are taken, e.g. 2026-11-30 (BOT_TIMEZONE); unset = open",
    "BOT_COMMENTS_NAMED": "1: comment exports carry Telegram ids; 0 (default): a pseudonym per export",
    "BOT_WEBHOOK_URL": "public https:// URL Telegram posts updates to; unset = long polling",
    "BOT_WEBHOOK_LISTEN": "host:port the webhook server listens on behind the proxy (default 127.0.0.1:8443)",
    "BOT_WEBHOOK_SECRET": "secret token every webhook request must carry (1-256 of A-Za-z0-9_-); required with the URL",
    "BOT_DIGEST_CHANNEL": "@channelname or -100… id of a channel the bot administers: the day's digest as one post",
    "BOT_PAID_BROADCAST": "1: /broadcast uses Telegram's paid broadcasts (up to 1000/s, costs Stars); default 0",
}


_ON, _OFF = frozenset({"1", "on", "yes", "true"}), frozenset({"0", "off", "no", "false"})
_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$")


class ConfigError(Exception):
    """A setting is missing or invalid; str(error) is one line telling the operator what to do."""


def default_locales_dir() -> Path:
    """locales/ beside the bot package in a checkout (editable install) or the working directory."""
    beside = Path(__file__).resolve().parent.parent / "locales"
    return beside if beside.is_dir() else Path("locales")


def valid_token(token: str) -> bool:
    return bool(TOKEN_RE.match(token))


#: A Telegram user id: plain ASCII digits, positive, at most 52 significant bits (Bot API docs).
#: int() alone would take "1_000", Arabic-Indic digits and "-5", and ids no account can have.
_USER_ID_RE = re.compile(r"[0-9]{1,16}")
MAX_USER_ID = 2**52 - 1


def _ids(name: str, raw: str, *, groups: bool = False) -> frozenset[int]:
    """User ids; with `groups`, also group ids (negative: -100... for a supergroup)."""
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if groups and part.startswith("-") and _USER_ID_RE.fullmatch(part[1:]) and 0 < int(part[1:]) <= 10**13:
            ids.add(int(part))
            continue
        if not _USER_ID_RE.fullmatch(part) or not 0 < int(part) <= MAX_USER_ID:
            raise ConfigError(
                f"{name} must be comma-separated Telegram user ids, positive whole numbers in plain digits "
                f"such as 123456789 (got {part!r}); fix or unset it"
            )
        ids.add(int(part))
    return frozenset(ids)


# --- the reader (Mini App) ---------------------------------------------------------------------

DEFAULT_WEBAPP_PORT = 8080
_HOST_RE = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?)$")


def _webapp_url(raw: str | None) -> str | None:
    """BOT_WEBAPP_URL: Telegram opens Mini Apps over HTTPS only; the path ends with "/" so the page's
    relative links (assets/, api/) stay under it behind a proxy that serves it in a sub-folder."""
    if raw is None:
        return None
    parts = urlsplit(raw)
    if (parts.scheme != "https" or not parts.hostname or parts.username or parts.password
            or parts.query or parts.fragment or not _HOST_RE.match(parts.hostname)):
        raise ConfigError(
            f"BOT_WEBAPP_URL must be the reader's public https:// address, such as "
            f"https://bot.example.org/reader/, without ?query or #fragment (got {raw!r}); fix or unset it"
        )
    return raw if parts.path.endswith("/") else raw + "/"


def _listen(raw: str | None) -> tuple[str, int]:
    """BOT_WEBAPP_LISTEN: host:port, [v6]:port, or :port (all interfaces)."""
    if raw is None:
        return "127.0.0.1", DEFAULT_WEBAPP_PORT
    host, sep, port = raw.rpartition(":")
    host = host or "0.0.0.0"
    if not sep or not port.isdigit() or not 0 < int(port) <= 65535 or not _HOST_RE.match(host):
        raise ConfigError(
            f"BOT_WEBAPP_LISTEN must be host:port such as 127.0.0.1:8080 (port 1-65535; got {raw!r})"
        )
    return host.strip("[]"), int(port)


def _switch(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    if raw.lower() in _ON:
        return True
    if raw.lower() in _OFF:
        return False
    raise ConfigError(f"{name} must be on or off (also 1/0, yes/no, true/false; got {raw!r})")


def _date(name: str, raw: str | None) -> date | None:
    """2026-11-30 or 30/11/2026."""
    if raw is None:
        return None
    m = _DATE_RE.match(raw)
    try:
        if m is None:
            raise ValueError(raw)
        if m.group(1):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
    except ValueError:
        raise ConfigError(f"{name} must be a date such as 2026-11-30 (the last day, in BOT_TIMEZONE; got {raw!r}); "
                          "fix or unset it") from None


# --- running it: webhook, digest channel (bot/ops) ----------------------------------------------

DEFAULT_WEBHOOK_PORT = 8443
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_CHANNEL_RE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100[0-9]{5,16})$")


def _webhook(url: str | None, listen: str | None, secret: str | None) -> tuple[str | None, tuple[str, int], str | None]:
    """BOT_WEBHOOK_URL (https, as Telegram requires), BOT_WEBHOOK_LISTEN, BOT_WEBHOOK_SECRET."""
    if url is not None:
        parts = urlsplit(url)
        if (parts.scheme != "https" or not parts.hostname or parts.username or parts.password
                or parts.query or parts.fragment or not _HOST_RE.match(parts.hostname)):
            raise ConfigError(f"BOT_WEBHOOK_URL must be a public https:// address such as "
                              f"https://bot.example.org/telegram, without ?query or #fragment (got {url!r}); "
                              "fix or unset it to use long polling")
        if secret is None:
            raise ConfigError("BOT_WEBHOOK_URL is set but BOT_WEBHOOK_SECRET is not; set it to a random string of "
                              "1-256 letters, digits, _ or - (e.g. `openssl rand -hex 32`)")
    if secret is not None and not _SECRET_RE.match(secret):
        raise ConfigError("BOT_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                          "(e.g. `openssl rand -hex 32`)")
    host, port = "127.0.0.1", DEFAULT_WEBHOOK_PORT
    if listen is not None:
        try:
            host, port = _listen(listen)
        except ConfigError:
            raise ConfigError(f"BOT_WEBHOOK_LISTEN must be host:port such as 127.0.0.1:8443 "
                              f"(port 1-65535; got {listen!r})") from None
    return url, (host, port), secret


def _channel(raw: str | None) -> str | None:
    if raw is not None and not _CHANNEL_RE.match(raw):
        raise ConfigError(f"BOT_DIGEST_CHANNEL must be a channel's @username or its -100… id, such as "
                          f"@bantin_baocao or -1001234567890 (got {raw!r}); fix or unset it")
    return raw


@dataclass(frozen=True)
class Settings:
    """Everything configurable; built by from_env() in main, or directly in tests."""

    token: str | None = None
    api_base_url: str | None = None
    api_base_file_url: str | None = None
    data_dir: Path = Path("data")
    content_dir: Path = Path("content")
    locales_dir: Path = field(default_factory=default_locales_dir)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    admins: frozenset[int] = frozenset()
    access: AccessMode = "open"
    allowlist: frozenset[int] = frozenset()
    log_level: str = "INFO"
    # The reader (Mini App, bot/webapp/): its public URL, and where its server listens behind the proxy.
    webapp_url: str | None = None
    webapp_listen: tuple[str, int] = ("127.0.0.1", DEFAULT_WEBAPP_PORT)
    # COMMENTS on the draft (bot/comments): switched on, taken until the end of `comments_until` in
    # `timezone` (None: open), exported with Telegram ids only when `comments_named`.
    comments: bool = True
    comments_until: date | None = None
    comments_named: bool = False
    # RUNNING IT (bot/ops): webhook instead of polling, the digest channel, paid broadcasts.
    webhook_url: str | None = None
    webhook_listen: tuple[str, int] = ("127.0.0.1", DEFAULT_WEBHOOK_PORT)
    webhook_secret: str | None = None
    digest_channel: str | None = None
    paid_broadcast: bool = False

    def admits(self, user_id: int | None) -> bool:
        """open: everyone. allowlist/invite: administrators and BOT_ALLOWLIST. The running bot asks
        bot/access/policy.py's Access instead, which adds the ids admitted by invites."""
        if self.access == "open":
            return True
        return user_id is not None and (user_id in self.admins or user_id in self.allowlist)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every variable; raise ConfigError on the first invalid one."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None and not valid_token(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN looks malformed (expected 123456789:ABC... from @BotFather); "
                "copy it again from BotFather or unset it to use the console"
            )
        base_url = get("TELEGRAM_API_BASE_URL")
        base_file_url = get("TELEGRAM_API_BASE_FILE_URL")
        for name, url in (("TELEGRAM_API_BASE_URL", base_url), ("TELEGRAM_API_BASE_FILE_URL", base_file_url)):
            if url is not None and not re.match(r"^https?://[^\s/]+", url):
                raise ConfigError(
                    f"{name} must be an http(s) URL such as http://127.0.0.1:8081/bot (got {url!r})"
                )

        tz_name = get("BOT_TIMEZONE") or DEFAULT_TIMEZONE
        try:
            timezone = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"BOT_TIMEZONE={tz_name!r} is not a known IANA time zone; use e.g. {DEFAULT_TIMEZONE}"
            ) from None

        access = (get("BOT_ACCESS") or "open").lower()
        if access not in ACCESS_MODES:
            raise ConfigError(f"BOT_ACCESS must be one of {', '.join(ACCESS_MODES)} (got {access!r})")
        allowlist = _ids("BOT_ALLOWLIST", get("BOT_ALLOWLIST") or "", groups=True)
        admins = _ids("BOT_ADMINS", get("BOT_ADMINS") or "")
        if access != "open" and not allowlist and not admins:
            raise ConfigError(
                f"BOT_ACCESS={access} but BOT_ALLOWLIST and BOT_ADMINS are empty, so nobody could use the bot; "
                "add user ids to BOT_ALLOWLIST or set BOT_ACCESS=open"
            )

        log_level = (get("BOT_LOG_LEVEL") or "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(f"BOT_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR (got {log_level!r})")

        webapp_url = _webapp_url(get("BOT_WEBAPP_URL"))
        webapp_listen = _listen(get("BOT_WEBAPP_LISTEN"))
        comments = _switch("BOT_COMMENTS", get("BOT_COMMENTS"), True)
        comments_until = _date("BOT_COMMENTS_UNTIL", get("BOT_COMMENTS_UNTIL"))
        comments_named = _switch("BOT_COMMENTS_NAMED", get("BOT_COMMENTS_NAMED"), False)

        webhook_url, webhook_listen, webhook_secret = _webhook(
            get("BOT_WEBHOOK_URL"), get("BOT_WEBHOOK_LISTEN"), get("BOT_WEBHOOK_SECRET"))
        if webhook_url is not None and webapp_url is not None and webhook_listen == webapp_listen:
            host, port = webhook_listen
            raise ConfigError(f"BOT_WEBHOOK_LISTEN and BOT_WEBAPP_LISTEN are both {host}:{port}; the webhook and "
                              "the reader are two servers: give them different ports")
        locales = get("BOT_LOCALES_DIR")
        return cls(
            token=token,
            api_base_url=base_url,
            api_base_file_url=base_file_url,
            data_dir=Path(get("BOT_DATA_DIR") or "data"),
            content_dir=Path(get("BOT_CONTENT_DIR") or "content"),
            locales_dir=Path(locales) if locales else default_locales_dir(),
            timezone=timezone,
            admins=admins,
            access=access,  # type: ignore[arg-type]  # a str checked against ACCESS_MODES above
            allowlist=allowlist,
            log_level=log_level,
            webapp_url=webapp_url,
            webapp_listen=webapp_listen,
            comments=comments,
            comments_until=comments_until,
            comments_named=comments_named,
            webhook_url=webhook_url,
            webhook_listen=webhook_listen,
            webhook_secret=webhook_secret,
            digest_channel=_channel(get("BOT_DIGEST_CHANNEL")),
            paid_broadcast=_switch("BOT_PAID_BROADCAST", get("BOT_PAID_BROADCAST"), False),
        )
