"""The reader page's own words (buttons, headings, messages), translated like every string of the bot.

The page is static JavaScript; it reads its words from ``strings.js``, built at start from the
gettext catalogues (:func:`strings`). A key names each string for the page; the msgid is English,
marked with ``N_`` so ``python3 dev.py i18n`` extracts it. Where the bot already says the same thing,
the same msgid is used, so the reader and the chat read alike.
"""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Catalogues

#: key used by reader.js -> English msgid.
STRINGS: dict[str, str] = {
    "contents": N_("Contents"),
    "search": N_("Search"),
    "search_placeholder": N_("Words of the report, a figure…"),
    "search_hint": N_("Words may be typed without diacritics."),
    "searching": N_("Searching…"),
    "figures_answer": N_("Figures"),
    "passages": N_("Passages"),
    "perhaps": N_("Perhaps you need:"),
    "summary": N_("Summary"),
    "original": N_("Original text"),
    "subsections": N_("Subsections"),
    "previous": N_("Previous"),
    "next": N_("Next"),
    "close": N_("Close"),
    "back": N_("⬅️ Back"),
    "footnote": N_("Footnote {n}"),
    "copy": N_("Copy with citation"),
    "copied": N_("Copied with its citation."),
    "copy_failed": N_("Could not copy; select the text and copy it by hand."),
    "compared": N_("Compared with:"),
    "note": N_("Note:"),
    "source": N_("Source: {reference}"),
    "exact": N_("Exact source sentence"),
    "not_given": N_("not given yet"),
    "pending": N_("The draft does not give this figure yet."),
    "open_section": N_("Open this section"),
    "no_text": N_("(This heading has no text of its own.)"),
    "offline": N_("The reader could not reach the bot. Check the connection and try again."),
    "retry": N_("Try again"),
    "outside": N_("Open this reader from the bot in Telegram: the menu button, /read, or 📖 under a section."),
    "expired": N_("This reader was opened too long ago. Close it and open it again from the bot."),
    "forbidden": N_("This reader is private. Ask an administrator to add your Telegram id: {id}"),
    "slow": N_("You are sending too much too fast. Please wait a minute, then try again."),
    "language": N_("Language"),
    "figure": N_("Figure"),
}


def strings(catalogues: Catalogues) -> dict[str, dict[str, str]]:
    """Every language's words for the page: {"vi": {key: text}, "en": {...}}, plus each language's
    own name under ``language_name`` (for the switch, not translated on purpose)."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        tr = catalogues.get(lang)
        words = {key: tr.gettext(msgid) for key, msgid in STRINGS.items()}
        words["language_name"] = LANGUAGE_NAMES[lang]
        out[lang] = words
    return out
