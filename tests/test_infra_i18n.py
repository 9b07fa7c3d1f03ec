"""Catalogues are complete, current and compiled; locale resolution and Babel formatting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.i18n import Catalogues, I18nError, normalize_language, resolve_language
from bot.i18n_catalog import check, extract


def test_catalogues_are_complete_current_and_compiled():
    problems = check()
    assert problems == [], "\n".join(problems) + "\nrun `python3 dev.py i18n`, then translate the vi entries"


def test_the_check_catches_a_stale_or_untranslated_catalogue(tmp_path: Path):
    """The test above could not fail if check() never found anything: prove it does."""
    root = tmp_path / "proj"
    (root / "bot").mkdir(parents=True)
    (root / "bot" / "x.py").write_text('def f(tr):\n    return tr.gettext("A brand new string")\n')
    problems = check(locales=tmp_path / "nowhere", root=root)
    assert any("missing" in p for p in problems)
    from bot.i18n_catalog import update

    problems = update(locales=tmp_path / "loc", root=root)
    assert any("untranslated" in p and "vi" in p for p in problems)
    assert not any("/en/" in p for p in problems), "English is filled from the msgids"
    (root / "bot" / "x.py").write_text('def f(tr):\n    return tr.gettext("Another string")\n')
    problems = check(locales=tmp_path / "loc", root=root)
    assert any("not in the catalogue" in p for p in problems)
    assert any("no longer in the code" in p for p in problems)


def test_extraction_finds_strings_marked_in_the_code():
    ids = {m.id for m in extract() if m.id}
    assert "Welcome and main menu" in ids  # N_() in the command table
    assert "This menu is out of date. Here is a fresh one." in ids


@pytest.mark.parametrize(("stored", "code", "expected"), [
    (None, None, "vi"), (None, "en", "en"), (None, "en-GB", "en"), (None, "vi-VN", "vi"),
    (None, "fr", "vi"), (None, "garbage!!", "vi"), ("en", "vi", "en"), ("vi", "en", "vi"),
    ("xx", "en", "en"),
])
def test_language_resolution(stored, code, expected):
    assert resolve_language(stored, code) == expected


def test_normalize_language_rejects_junk():
    assert normalize_language("") is None
    assert normalize_language("e") is None
    assert normalize_language("EN_us") == "en"


def test_numbers_and_dates_follow_the_locale(catalogues):
    vi, en = catalogues["vi"], catalogues["en"]
    assert vi.number(239163) == "239.163"
    assert en.number(239163) == "239,163"
    assert vi.number(7.5) == "7,5"
    assert vi.number(2, decimals=1) == "2,0"
    assert en.percent(0.571, decimals=1) == "57.1%"
    assert vi.date(dt.date(2025, 5, 1), "long") == "ngày 1 tháng 5 năm 2025"  # as Vietnamese writes a date
    assert en.date(dt.date(2025, 5, 1), "long") == "May 1, 2025"


def test_translations_differ_per_language(catalogues):
    assert catalogues["en"].gettext("Commands") == "Commands"
    assert catalogues["vi"].gettext("Commands") != "Commands"
    assert catalogues.get("fr").lang == "vi"


def test_missing_catalogue_refuses_to_start(tmp_path: Path):
    with pytest.raises(I18nError, match=r"bot\.mo"):
        Catalogues.load(tmp_path)
