"""Settings.from_env: defaults, parsing, and one clear line for each invalid value."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import VARIABLES, ConfigError, Settings

TOKEN = "123456789:" + "A" * 35


def test_defaults():
    s = Settings.from_env({})
    assert s.token is None
    assert s.data_dir == Path("data")
    assert s.content_dir == Path("content")
    assert s.timezone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert s.access == "open"
    assert s.admins == frozenset()
    assert s.api_base_url is None


def test_every_value_parsed():
    s = Settings.from_env({
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "TELEGRAM_API_BASE_FILE_URL": "http://127.0.0.1:8081/file/bot", "BOT_DATA_DIR": "/var/bot",
        "BOT_CONTENT_DIR": "/srv/pack", "BOT_TIMEZONE": "Europe/Berlin", "BOT_ADMINS": "1, 2,3",
        "BOT_ACCESS": "Allowlist", "BOT_ALLOWLIST": "4;5", "BOT_LOG_LEVEL": "debug", "BOT_LOCALES_DIR": "/l",
    })
    assert s.token == TOKEN
    assert s.api_base_url == "http://127.0.0.1:8081/bot"
    assert s.data_dir == Path("/var/bot")
    assert s.database_path == Path("/var/bot/bot.sqlite3")
    assert s.timezone.key == "Europe/Berlin"
    assert s.admins == {1, 2, 3}
    assert s.access == "allowlist"
    assert s.allowlist == {4, 5}
    assert s.log_level == "DEBUG"
    assert s.locales_dir == Path("/l")


def test_largest_telegram_user_id_is_accepted():
    assert Settings.from_env({"BOT_ADMINS": str(2**52 - 1)}).admins == {2**52 - 1}
    assert Settings.from_env({"BOT_ACCESS": "allowlist", "BOT_ADMINS": "7"}).allowlist == frozenset()


def test_blank_values_mean_default():
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": "  ", "BOT_TIMEZONE": ""}).token is None


@pytest.mark.parametrize(("env", "names"), [
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "123:short"}, "TELEGRAM_BOT_TOKEN"),
    ({"BOT_TIMEZONE": "Mars/Olympus"}, "BOT_TIMEZONE"),
    ({"BOT_ACCESS": "everyone"}, "BOT_ACCESS"),
    ({"BOT_ADMINS": "1,abc"}, "BOT_ADMINS"),
    ({"BOT_ALLOWLIST": "@me"}, "BOT_ALLOWLIST"),
    ({"TELEGRAM_API_BASE_URL": "localhost:8081"}, "TELEGRAM_API_BASE_URL"),
    ({"BOT_LOG_LEVEL": "LOUD"}, "BOT_LOG_LEVEL"),
    # int() would take each of these silently
    ({"BOT_ADMINS": "1_000"}, "BOT_ADMINS"),
    ({"BOT_ADMINS": "١٢٣٤٥"}, "BOT_ADMINS"),  # Arabic-Indic digits
    ({"BOT_ADMINS": "-5"}, "BOT_ADMINS"),
    ({"BOT_ADMINS": "0"}, "BOT_ADMINS"),
    ({"BOT_ADMINS": "1" * 26}, "BOT_ADMINS"),
    ({"BOT_ALLOWLIST": "+7", "BOT_ACCESS": "allowlist"}, "BOT_ALLOWLIST"),
    ({"BOT_ALLOWLIST": "１２３", "BOT_ACCESS": "allowlist"}, "BOT_ALLOWLIST"),  # full-width digits
    # a restricted bot that admits nobody
    ({"BOT_ACCESS": "allowlist"}, "BOT_ALLOWLIST"),
    ({"BOT_ACCESS": "invite", "BOT_ALLOWLIST": " , "}, "BOT_ACCESS=invite"),
])
def test_invalid_values_raise_one_clear_line(env, names):
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    message = str(info.value)
    assert names in message
    assert "\n" not in message
    if "TOKEN" in names:
        assert "not-a-token" not in message, "never echo a secret"


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings.from_env({}).token = "x"  # type: ignore[misc]


def test_readme_documents_every_variable():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in VARIABLES:
        assert name in readme, name
