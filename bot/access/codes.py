"""Invite codes: unguessable, URL-safe, short enough for a deep link, never stored or logged in clear.

A code is ``inv`` + 32 characters of ``secrets.token_urlsafe`` (192 bits) + a 4-character check
(36 + 3 = 39 characters: Telegram's start parameter takes 64 of ``A-Za-z0-9_-``). The check is not a
secret: it only tells a code that was mistyped or made up ("forged") from a well-formed one the bot
does not know ("unknown"). The database keeps the SHA-256 of the code; lookups compare hashes with
``hmac.compare_digest``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

PREFIX = "inv"
#: Bytes of randomness: 24 bytes = 192 bits (at least 128 are asked for), 32 URL-safe characters.
RANDOM_BYTES = 24
CHECK_CHARS = 4
#: Anything that starts like an invite, to tell "a forged invite" from any other /start payload.
LOOKS_LIKE = re.compile(rf"^{PREFIX}[A-Za-z0-9_-]*$")
_WELL_FORMED = re.compile(rf"^{PREFIX}([A-Za-z0-9_-]{{32}})([A-Za-z0-9_-]{{{CHECK_CHARS}}})$")
#: Telegram's limit for a start parameter.
MAX_START_PARAMETER = 64


def _check(body: str) -> str:
    digest = hashlib.sha256(("invite-check:" + body).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:CHECK_CHARS]


def new_code() -> str:
    body = secrets.token_urlsafe(RANDOM_BYTES)
    return f"{PREFIX}{body}{_check(body)}"


def well_formed(code: str) -> bool:
    """The shape and the check are right (a code this bot could have made)."""
    m = _WELL_FORMED.match(code)
    return m is not None and hmac.compare_digest(m.group(2), _check(m.group(1)))


def digest(code: str) -> str:
    """What the database keeps: the SHA-256 of the code, hex."""
    return hashlib.sha256(code.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Two hashes compared in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())


def link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
