"""Maintain the gettext catalogues: extract, update, fill English, compile, check. Developer tool only.

    python -m bot.i18n_catalog update   # after adding strings: updates locales/*/bot.po, compiles .mo
    python -m bot.i18n_catalog check    # what the test checks: stale, untranslated, fuzzy, .mo out of date

`update` writes entries sorted and without source locations, so two people adding strings rarely touch
the same lines. English msgstrs are filled with the msgid (the code is written in English); Vietnamese
ones are left empty for a person to translate; `check` lists them.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # keeps headers stable: no churn, no conflicts


def po_path(lang: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract(root: Path = ROOT) -> Catalog:
    """Every marked string under bot/ (gettext, _, ngettext, pgettext, N_ ... as in babel.cfg)."""
    template = Catalog(project="bot", domain=DOMAIN, creation_date=FIXED_DATE, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root / "bot"), method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS,
        comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
    ):
        template.add(message, None, [(f"bot/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def read(lang: str, locales: Path = LOCALES) -> Catalog:
    path = po_path(lang, locales)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="bot", creation_date=FIXED_DATE,
                       revision_date=FIXED_DATE, fuzzy=False)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _is_plural(message_id: object) -> bool:
    return isinstance(message_id, tuple | list)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True,
             include_previous=False)
    path.write_bytes(buffer.getvalue())


def compile_catalogue(lang: str, locales: Path = LOCALES) -> None:
    catalog = read(lang, locales)
    with mo_path(lang, locales).open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)


def update(locales: Path = LOCALES, root: Path = ROOT) -> list[str]:
    """Bring every .po in line with the code, fill English, compile; return what still needs a translator."""
    template = extract(root)
    for lang in LANGUAGES:
        catalog = read(lang, locales)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.creation_date = FIXED_DATE
        catalog.fuzzy = False
        if lang == "en":
            for message in catalog:
                if not message.id:
                    continue
                if _is_plural(message.id):
                    if not all(message.string or ()):
                        message.string = tuple(message.id)
                elif not message.string:
                    message.string = message.id
        _write(catalog, po_path(lang, locales))
        compile_catalogue(lang, locales)
    return check(locales, root)


def message_ids(catalog: Catalog) -> set[tuple[str, str | None]]:
    return {((m.id if isinstance(m.id, str) else m.id[0]), m.context) for m in catalog if m.id}


def check(locales: Path = LOCALES, root: Path = ROOT) -> list[str]:
    """Every problem as one line: stale .po versus code, untranslated, fuzzy, .mo differing from .po."""
    problems: list[str] = []
    wanted = message_ids(extract(root))
    for lang in LANGUAGES:
        path = po_path(lang, locales)
        if not path.exists():
            problems.append(f"{path}: missing; run `python3 dev.py i18n`")
            continue
        catalog = read(lang, locales)
        have = message_ids(catalog)
        problems += [f"{path}: not in the catalogue (run `python3 dev.py i18n`): {mid!r}"
                     for mid, _ in sorted(wanted - have, key=str)]
        problems += [f"{path}: no longer in the code (run `python3 dev.py i18n`): {mid!r}"
                     for mid, _ in sorted(have - wanted, key=str)]
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if _is_plural(message.id) else (message.string,)
            if not strings or not all(strings):
                problems.append(f"{path}: untranslated: {message.id!r}")
            if message.fuzzy:
                problems.append(f"{path}: fuzzy (review it, then remove the fuzzy flag): {message.id!r}")
        problems += _mo_problems(lang, catalog, locales)
    return problems


def _mo_problems(lang: str, catalog: Catalog, locales: Path) -> list[str]:
    path = mo_path(lang, locales)
    if not path.exists():
        return [f"{path}: missing; run `python3 dev.py i18n` or `pybabel compile -d locales -D bot`"]
    with path.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]  # private: not in typeshed
    expected = io.BytesIO()
    write_mo(expected, catalog, use_fuzzy=False)
    expected.seek(0)
    wanted = gettext.GNUTranslations(expected)._catalog  # type: ignore[attr-defined]  # private: not in typeshed
    if compiled != wanted:
        return [f"{path}: differs from {po_path(lang, locales).name}; recompile (`python3 dev.py i18n`)"]
    return []


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        problems = update()
        print(f"updated {', '.join(str(po_path(lang)) for lang in LANGUAGES)} and compiled them")
    elif command == "check":
        problems = check()
    else:
        print("usage: python -m bot.i18n_catalog [update|check]", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
