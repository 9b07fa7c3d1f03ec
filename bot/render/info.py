"""The bot's own pages (welcome, help, about, language, short notices): pure, HTML-escaped here.

Each function returns (html, keyboard or None). Nothing about the report is written here: titles,
committee, term and examples all come from the content pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import ContentPack
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.render import callbacks as cb
from bot.render.common import button, status_notice

Page = tuple[str, InlineKeyboardMarkup | None]

#: How language buttons were written before they went through the codec ("lang:vi"): still answered.
LEGACY_LANG_PREFIX = "lang:"


#: A first name longer than Telegram allows (64) is cut, so the welcome never overflows a message.
MAX_NAME_CHARS = 64


def welcome(pack: ContentPack, tr: Translator, first_name: str | None) -> str:
    """The greeting above the main menu; names the document so nobody mistakes a draft for the final."""
    words = pack.meta_text(tr.lang)
    if first_name and len(first_name) > MAX_NAME_CHARS:  # Telegram's own limit; longer ones are forged
        first_name = first_name[:MAX_NAME_CHARS - 1] + "…"
    hello = (tr.gettext("Hello, {name}!").format(name=escape(first_name)) if first_name
             else tr.gettext("Hello!"))
    lines = [
        f"<b>{hello}</b>",
        tr.gettext("I brief you on the {kind}: {title}.").format(
            kind=escape(words.document_kind), title=f"<i>{escape(words.title)}</i>"
        ),
        tr.gettext("Find any part of the report in a few taps, or send me a word such as a figure's "
                   "name to look it up."),
    ]
    notice = status_notice(pack, tr)
    if notice is not None:
        lines.append(notice + " " + escape(tr.gettext("See /about.")))
    elif pack.meta.status == "draft":
        lines.append("⚠️ " + tr.gettext("This is a draft; some figures are still blank in it. See /about."))
    return "\n\n".join(lines)


def help_page(commands: Sequence[tuple[str, str]], examples: Sequence[str], tr: Translator) -> Page:
    """What the bot does, every listed command (tappable), and example lookups to tap or copy."""
    lines = [
        "<b>" + tr.gettext("What this bot does") + "</b>",
        tr.gettext("It summarises the report section by section, shows its figures with their source, "
                   "and finds passages by keyword. The report's text stays in Vietnamese."),
        "",
        "<b>" + tr.gettext("Commands") + "</b>",
    ]
    lines += [f"/{name} — {escape(description)}" for name, description in commands]
    buttons: list[list[InlineKeyboardButton]] = []
    if examples:
        lines += ["", "<b>" + tr.gettext("Try these") + "</b>"]
        lines += [f"<code>{escape(example)}</code>" for example in examples]
        lines.append(tr.gettext("Tap an example to copy it, or a button below to search it right here."))
        buttons = [[InlineKeyboardButton("🔎 " + example, switch_inline_query_current_chat=example)]
                   for example in examples[:3]]
    return "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None


def about_page(pack: ContentPack, tr: Translator) -> Page:
    """What the document is (from pack.meta), its status, and the content version."""
    meta, words = pack.meta, pack.meta_text(tr.lang)
    status = tr.gettext("draft") if meta.status == "draft" else tr.gettext("final")
    rows = [
        (tr.gettext("Document"), words.title),
        (tr.gettext("Kind"), words.document_kind),
        (tr.gettext("Status"), status),
        (tr.gettext("Issued by"), words.committee),
        (tr.gettext("Congress"), words.congress),
        (tr.gettext("Term"), meta.term),
    ]
    lines = ["<b>" + tr.gettext("About this document") + "</b>", ""]
    lines += [f"<b>{escape(label)}:</b> {escape(value)}" for label, value in rows]
    lines += ["", escape(words.summary)]
    if words.context:
        lines += ["", "ℹ️ " + escape(words.context)]
    lines += ["", "<i>" + escape(tr.gettext("Content version {version} of {date}.").format(
        version=meta.version, date=_date(meta.date, tr))) + "</i>"]
    return "\n".join(lines), None


def _date(value: str, tr: Translator) -> str:
    import datetime as dt

    try:
        return tr.date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def language_page(pack: ContentPack, current: str, tr: Translator) -> Page:
    """The /lang chooser: one button per language, the current one ticked."""
    buttons = [button(("✓ " if lang == current else "") + LANGUAGE_NAMES[lang], cb.Language(lang), pack)
               for lang in LANGUAGES]
    text = tr.gettext("Choose the language of the bot's buttons, messages and the report's content. "
                      "Quotes from the report stay in Vietnamese.")
    return text, InlineKeyboardMarkup([buttons])


def language_set(tr: Translator) -> str:
    """Confirmation, already in the new language."""
    return tr.gettext("Done: I will speak English with you.") if tr.lang == "en" else tr.gettext(
        "Done: I will speak Vietnamese with you.")


def unknown_command(command: str, tr: Translator) -> str:
    return tr.gettext("I do not know the command {command}. Send /help to see what I can do.").format(
        command=f"<code>{escape(command[:64])}</code>")


def text_not_understood(tr: Translator) -> str:
    return tr.gettext("I could not find anything for that. Send /help for examples, or /start for the menu.")


def too_long(limit: int, tr: Translator) -> str:
    return tr.gettext("That message is too long for a lookup (over {limit} characters). "
                      "Send a few words, for example a figure's name.").format(limit=tr.number(limit))


def not_text(tr: Translator) -> str:
    return tr.gettext("I understand text messages and commands only. Send /help to see what I can do.")


def stale_button(tr: Translator) -> str:
    """Short enough for answerCallbackQuery (200 characters)."""
    return tr.gettext("This menu is out of date. Here is a fresh one.")


def apology(tr: Translator) -> str:
    return tr.gettext("Sorry, something went wrong on my side. Please try again, or send /start.")


def not_allowed(user_id: int, tr: Translator) -> str:
    return tr.gettext("This bot is private. Ask an administrator to add your Telegram id: {id}").format(
        id=f"<code>{user_id}</code>")
