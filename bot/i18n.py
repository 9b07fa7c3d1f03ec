"""Translations (gettext catalogues compiled from locales/<lang>/LC_MESSAGES/bot.po) and locale formatting.

Strings are written in English in the code and marked with `tr.gettext(...)` / `tr._(...)` /
`tr.ngettext(...)`, or `N_(...)` where the translation happens later (tables built before a user is
known). Vietnamese is the default locale. See README "Translations" for the pybabel workflow.

This module is the one owner of how dates, times and numbers read in each language; renderers never
build a date or a time themselves:

| what | vi | en |
|---|---|---|
| ``tr.date(d, "long")`` | ``ngày 2 tháng 12 năm 2026`` (as Vietnamese writes a date) | ``December 2, 2026`` (Babel) |
| ``tr.date(d, "full")`` | ``Thứ Tư, ngày 2 tháng 12 năm 2026`` | ``Wednesday, December 2, 2026`` (Babel) |
| ``tr.time(t)`` | ``07:30`` (24-hour, two digits: as cadres type it) | ``07:30`` |
| ``tr.when(dt)`` | ``07:00 thứ Sáu, ngày 27 tháng 11 năm 2026`` | ``Friday, November 27, 2026 at 07:00`` |
| ``tr.listed(dt)`` | ``08:00, thứ Hai, ngày 28 tháng 12 năm 2026`` | ``08:00, Monday 28 December 2026`` |
| ``tr.zone(tz)`` | ``giờ Việt Nam`` (Babel's zone name, never the IANA id) | ``Vietnam Time`` |
| ``tr.number(n)`` | ``239.163``, ``7,5`` (Babel ``vi``) | ``239,163``, ``7.5`` (Babel ``en``) |
| ``tr.ordinal(n)`` | ``thứ 12`` | ``12th`` |

Babel's ``vi`` date patterns ("2 tháng 12, 2026") follow CLDR, not the way Vietnamese documents write a
date, so ``long`` and ``full`` use our own patterns in Vietnamese; every other style and language is
Babel's. A figure's value from the report is formatted in bot/render/numbers.py (as written in
Vietnamese, re-formatted by ``tr.number`` in English).
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import get_timezone_location as _zone_location
from babel.messages.mofile import read_mo
from babel.numbers import format_decimal as _format_decimal
from babel.numbers import format_percent as _format_percent

DOMAIN = "bot"
LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
#: The language of the msgids in the code: its catalogue may be empty, the others may not.
SOURCE_LANGUAGE = "en"
#: What each language is called in its own language (for the /lang buttons); not translated on purpose.
LANGUAGE_NAMES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}


#: Date patterns (Babel/CLDR syntax) where Babel's own do not read as the language writes a date.
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "vi": {
        "long": "'ngày' d 'tháng' M 'năm' y",
        "full": "EEEE, 'ngày' d 'tháng' M 'năm' y",
    },
}


class I18nError(Exception):
    """A catalogue is missing or unreadable; str(error) is one line saying what to do."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translate later with tr.gettext)."""
    return message


def normalize_language(code: str | None) -> str | None:
    """Map a Telegram language_code or stored value ("vi", "en-US", "vi_VN") to a supported language."""
    if not code or not isinstance(code, str):
        return None
    try:
        language = Locale.parse(code.strip().replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return language if language in LANGUAGES else None


def language_from_words(text: str) -> str | None:
    """``/lang en``, ``/ngonngu tiếng việt``, ``/lang English``, ``tieng anh``: a supported language or None."""
    code = normalize_language(text)
    if code is not None:
        return code

    def folded(words: str) -> str:
        decomposed = unicodedata.normalize("NFD", words.replace("đ", "d").replace("Đ", "D"))
        return "".join(c for c in decomposed if c.isalnum()).lower()

    wanted = folded(text)
    for lang in LANGUAGES:
        names = {LANGUAGE_NAMES[lang], *(Locale.parse(lang).get_display_name(other) or "" for other in LANGUAGES)}
        if wanted and wanted in {folded(n) for n in names}:
            return lang
    return None


def resolve_language(stored: str | None, language_code: str | None) -> str:
    """The user's stored choice, else Telegram's language_code, else Vietnamese."""
    return normalize_language(stored) or normalize_language(language_code) or DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    """gettext for one language plus Babel number/date formatting in that locale."""

    lang: str
    translations: _gettext.NullTranslations = field(repr=False)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def number(self, value: int | float | Decimal, decimals: int | None = None) -> str:
        """239163 -> "239.163" (vi) / "239,163" (en); decimals fixes the digits after the separator."""
        if decimals is None:
            return _format_decimal(value, locale=self.lang)
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return _format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, value: float | Decimal, decimals: int = 0) -> str:
        """0.571 -> "57%" / with decimals=1 "57,1%" (vi)."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
        return _format_percent(value, format=pattern, locale=self.lang)

    def ordinal(self, value: int) -> str:
        """A rank: ``thứ 12`` (vi) / ``12th`` (en)."""
        if self.lang == "en":
            suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
            return f"{self.number(value)}{suffix}"
        return self.gettext("no. {n}").format(n=self.number(value))

    def date(self, value: dt.date, format: str = "long") -> str:
        """``ngày 2 tháng 12 năm 2026`` / ``December 2, 2026``; "full" adds the weekday (see the table)."""
        pattern = DATE_PATTERNS.get(self.lang, {}).get(format, format)
        text = _format_date(value, format=pattern, locale=self.lang)
        return text.replace("Chủ Nhật", "Chủ nhật") if self.lang == "vi" else text

    def time(self, value: dt.time) -> str:
        """``07:30`` in every language: 24-hour, as cadres type a time (/subscribe 7:30)."""
        return f"{value.hour:02d}:{value.minute:02d}"

    def when(self, moment: dt.datetime) -> str:
        """A moment in a sentence: ``07:00 thứ Sáu, ngày 27 tháng 11 năm 2026`` / ``Friday, … at 07:00``."""
        day = self.date(moment.date(), "full")
        if self.lang == "vi":  # inside a sentence Vietnamese writes "thứ Sáu", "Chủ nhật"
            day = day.replace("Thứ", "thứ", 1)
        return self.gettext("{date} at {time}").format(date=day, time=self.time(moment.time()))

    def listed(self, moment: dt.datetime) -> str:
        """A moment leading a line of a list, the time first: ``08:00, thứ Hai, ngày 28 tháng 12 năm 2026``
        / ``08:00, Monday 28 December 2026``."""
        hhmm = self.time(moment.time())
        if self.lang == "vi":
            weekday = self.date(moment.date(), "EEEE")  # "Thứ Hai" … "Chủ nhật"
            weekday = "thứ " + weekday[4:] if weekday.startswith("Thứ ") else weekday.capitalize()
            return f"{hhmm}, {weekday}, {self.date(moment.date())}"
        return f"{hhmm}, {self.date(moment.date(), 'EEEE d MMMM y')}"

    def zone(self, tz: dt.tzinfo | str) -> str:
        """A time zone as people name it (``giờ Việt Nam``, ``Vietnam Time``), never its IANA id."""
        key = str(getattr(tz, "key", tz))
        if key in {"UTC", "Etc/UTC", "GMT", "Etc/GMT"}:
            return "UTC"
        name = _zone_location(tz, locale=self.lang)
        if self.lang == "vi" and name[:1].isupper():
            name = name[0].lower() + name[1:]
        return name

    def datetime(self, value: dt.datetime, format: str = "medium") -> str:
        return _format_datetime(value, format=format, locale=self.lang, tzinfo=value.tzinfo)


class Catalogues:
    """The compiled catalogue of every supported language, loaded once at start-up."""

    def __init__(self, translators: dict[str, Translator]) -> None:
        self._translators = translators

    @classmethod
    def load(cls, locales_dir: Path) -> Catalogues:
        """Load every language's bot.mo; refuse (I18nError) when one is missing, as a half-translated
        bot is worse than one that does not start."""
        translators: dict[str, Translator] = {}
        for lang in LANGUAGES:
            mo = Path(locales_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.is_file():
                raise I18nError(
                    f"translation catalogue {mo} is missing; run `python3 dev.py run` (it compiles them) "
                    f"or `pybabel compile -d locales -D {DOMAIN}`"
                )
            try:
                with mo.open("rb") as fh:
                    translations = _gettext.GNUTranslations(fh)
                    fh.seek(0)
                    translated = sum(1 for m in read_mo(fh) if m.id and m.string)
            except (OSError, ValueError) as exc:
                raise I18nError(f"translation catalogue {mo} is unreadable ({exc}); recompile it") from None
            if lang != SOURCE_LANGUAGE and not translated:  # it would silently serve English
                raise I18nError(
                    f"translation catalogue {mo} translates nothing; fill in locales/{lang}/LC_MESSAGES/"
                    f"{DOMAIN}.po and run `python3 dev.py i18n` (or `pybabel compile -d locales -D {DOMAIN}`)"
                )
            translators[lang] = Translator(lang, translations)
        return cls(translators)

    @classmethod
    def null(cls) -> Catalogues:
        """English msgids everywhere: for tools that must not depend on compiled catalogues."""
        return cls({lang: Translator(lang, _gettext.NullTranslations()) for lang in LANGUAGES})

    def get(self, lang: str | None) -> Translator:
        return self._translators.get(lang or DEFAULT_LANGUAGE) or self._translators[DEFAULT_LANGUAGE]

    def __getitem__(self, lang: str) -> Translator:
        return self.get(lang)
