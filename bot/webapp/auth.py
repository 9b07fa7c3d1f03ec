"""Who is reading: the Mini App's signed ``initData``, checked exactly as Telegram specifies.

Telegram hands the page a query string (``query_id=…&user={…}&auth_date=…&hash=…``) signed with the
bot's token. The check (core.telegram.org/bots/webapps, "Validating data received via the Mini App"):

    data_check_string = every received field except ``hash``, sorted by key, ``key=value`` joined by "\\n"
    secret_key        = HMAC_SHA256(key="WebAppData", msg=bot_token)
    valid            <=> hex(HMAC_SHA256(key=secret_key, msg=data_check_string)) == hash

compared in constant time. ``auth_date`` older than :data:`MAX_AGE` is refused (a copied initData is a
password for that long), as is one from the future beyond :data:`CLOCK_SKEW`. Nothing here logs: the
caller says why a request was refused without repeating what it carried.

Pure module: no web framework, no Telegram library.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

#: How long a signed initData is accepted after Telegram issued it. A day: a reader left open on the
#: phone keeps working through the working day; a leaked one stops working by the next.
MAX_AGE = 24 * 3600.0
#: Our clock and Telegram's may differ a little; an auth_date further ahead than this is refused.
CLOCK_SKEW = 300.0
#: initData is a few hundred bytes; anything far longer is not Telegram's.
MAX_LENGTH = 8192
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")


class AuthError(Exception):
    """initData that does not prove who is reading; ``reason`` is a short code, safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Reader:
    """The person the signed initData names (only what the reader needs)."""

    user_id: int
    language_code: str | None
    start_param: str | None
    auth_date: int


def secret_key(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: Mapping[str, str], token: str) -> str:
    """An initData query string for ``fields``, signed as Telegram signs it (tests, benches, the dev
    page). ``fields`` hold strings as Telegram sends them (``user`` is JSON)."""
    digest = hmac.new(secret_key(token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    return urlencode({**{k: v for k, v in fields.items() if k != "hash"}, "hash": digest})


def sign_user(user_id: int, token: str, *, auth_date: int | None = None, language_code: str | None = "vi",
              first_name: str = "An", start_param: str | None = None) -> str:
    """Signed initData for one user, as the menu button's Mini App receives it."""
    user: dict[str, object] = {"id": user_id, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    fields = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc", "user": json.dumps(user, separators=(",", ":")),
              "auth_date": str(int(time.time()) if auth_date is None else auth_date)}
    if start_param:
        fields["start_param"] = start_param
    return sign(fields, token)


def verify(init_data: str, token: str, *, now: float | None = None, max_age: float = MAX_AGE) -> Reader:
    """The reader named by a genuine, fresh ``init_data``; AuthError otherwise."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise AuthError("missing" if not init_data else "too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise AuthError("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated key: which one did Telegram sign?
        raise AuthError("malformed")
    received = fields.get("hash", "")
    if not _HASH_RE.match(received):
        raise AuthError("unsigned")
    expected = hmac.new(secret_key(token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, received):
        raise AuthError("forged")
    # Signed by Telegram from here on: the fields can be read.
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        raise AuthError("no date") from None
    moment = time.time() if now is None else now
    if auth_date < moment - max_age:
        raise AuthError("stale")
    if auth_date > moment + CLOCK_SKEW:
        raise AuthError("from the future")
    try:
        user = json.loads(fields.get("user", ""))
        user_id = user["id"]
    except (ValueError, TypeError, KeyError):
        raise AuthError("no user") from None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise AuthError("no user")
    language = user.get("language_code")
    start = fields.get("start_param")
    return Reader(user_id, language if isinstance(language, str) else None, start or None, auth_date)


def from_header(value: str | None) -> str:
    """The initData of an ``Authorization: tma <initData>`` header ("" when there is none)."""
    if not value:
        return ""
    scheme, _, rest = value.strip().partition(" ")
    return rest.strip() if scheme.lower() == "tma" else ""
