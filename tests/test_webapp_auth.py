"""The reader's initData check (bot/webapp/auth.py): Telegram's HMAC scheme, freshness, and odd input."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.webapp import auth

TOKEN = "123456789:" + "A" * 35
OTHER_TOKEN = "987654321:" + "B" * 35
NOW = 1_800_000_000


def fields_of(init_data: str) -> dict[str, str]:
    return dict(parse_qsl(init_data, keep_blank_values=True))


def test_a_genuine_init_data_names_its_user():
    data = auth.sign_user(1001, TOKEN, auth_date=NOW - 60, language_code="en", start_param="read-p1_I_1")
    reader = auth.verify(data, TOKEN, now=NOW)
    assert reader == auth.Reader(1001, "en", "read-p1_I_1", NOW - 60)


def test_the_check_is_telegrams_own_scheme():
    """Computed here from the documentation, independently of auth.sign: secret = HMAC("WebAppData",
    token); hash = HMAC(secret, sorted "key=value" lines)."""
    user = json.dumps({"id": 42, "first_name": "Bình", "language_code": "vi"}, ensure_ascii=False)
    fields = {"query_id": "AAH", "user": user, "auth_date": str(NOW), "signature": "c2lnbmF0dXJl"}
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    data = urlencode({**fields, "hash": digest})
    assert auth.verify(data, TOKEN, now=NOW).user_id == 42


@pytest.mark.parametrize("change", ["user", "auth_date", "add", "drop", "hash"])
def test_a_forged_init_data_is_refused(change: str):
    fields = fields_of(auth.sign_user(1001, TOKEN, auth_date=NOW))
    if change == "user":
        fields["user"] = fields["user"].replace("1001", "1002")
    elif change == "auth_date":
        fields["auth_date"] = str(NOW + 1)
    elif change == "add":
        fields["start_param"] = "read-p2"
    elif change == "drop":
        del fields["query_id"]
    else:
        fields["hash"] = "0" * 64
    with pytest.raises(auth.AuthError) as refused:
        auth.verify(urlencode(fields), TOKEN, now=NOW)
    assert refused.value.reason == "forged"


def test_another_bots_init_data_is_refused():
    with pytest.raises(auth.AuthError, match="forged"):
        auth.verify(auth.sign_user(1001, OTHER_TOKEN, auth_date=NOW), TOKEN, now=NOW)


def test_stale_and_future_init_data_are_refused():
    day = auth.MAX_AGE
    assert auth.verify(auth.sign_user(1, TOKEN, auth_date=NOW - int(day) + 5), TOKEN, now=NOW)
    with pytest.raises(auth.AuthError, match="stale"):
        auth.verify(auth.sign_user(1, TOKEN, auth_date=NOW - int(day) - 1), TOKEN, now=NOW)
    with pytest.raises(auth.AuthError, match="future"):
        auth.verify(auth.sign_user(1, TOKEN, auth_date=NOW + int(auth.CLOCK_SKEW) + 60), TOKEN, now=NOW)


@pytest.mark.parametrize(("data", "reason"), [
    ("", "missing"),
    ("x" * (auth.MAX_LENGTH + 1), "too long"),
    ("query_id=1&user=%7B%7D", "unsigned"),
    ("a=1&hash=XYZ", "unsigned"),
    ("no-equals-sign", "malformed"),
    ("a=1&a=2&hash=" + "0" * 64, "malformed"),
])
def test_odd_init_data_is_refused_with_a_reason(data: str, reason: str):
    with pytest.raises(auth.AuthError) as refused:
        auth.verify(data, TOKEN, now=NOW)
    assert refused.value.reason == reason


@pytest.mark.parametrize("user", ["", "not json", '{"first_name": "x"}', '{"id": -5}', '{"id": "5"}', '{"id": true}'])
def test_signed_data_without_a_user_is_refused(user: str):
    fields = {"auth_date": str(NOW), "user": user}
    with pytest.raises(auth.AuthError, match="no user"):
        auth.verify(auth.sign(fields, TOKEN), TOKEN, now=NOW)


def test_signed_data_without_a_date_is_refused():
    with pytest.raises(auth.AuthError, match="no date"):
        auth.verify(auth.sign({"user": '{"id": 1}'}, TOKEN), TOKEN, now=NOW)


@pytest.mark.parametrize(("header", "expected"), [
    ("tma abc=1", "abc=1"), ("TMA  abc=1 ", "abc=1"), ("Bearer abc", ""), ("tma", ""), (None, ""), ("", ""),
])
def test_the_authorization_header(header: str | None, expected: str):
    assert auth.from_header(header) == expected


@given(st.dictionaries(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=8)
                       .filter(lambda k: k != "hash"),
                       st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20), max_size=5),
       st.integers(1, 2**52 - 1))
def test_anything_telegram_signs_verifies_and_any_change_does_not(extra: dict[str, str], user_id: int):
    fields = {**extra, "user": json.dumps({"id": user_id}), "auth_date": str(int(time.time()))}
    data = auth.sign(fields, TOKEN)
    assert auth.verify(data, TOKEN).user_id == user_id
    with pytest.raises(auth.AuthError):
        auth.verify(data + "0", TOKEN)
