"""The "📖 Đọc trong ứng dụng" button: opens the reader (the Mini App, bot/webapp/) at a section.

Telegram allows a ``web_app`` button only in a private chat between a user and the bot (a group
refuses the message with BUTTON_TYPE_INVALID). So a card in a private chat gets a Mini App button,
and a card in a group gets a plain link to the bot's private chat (``t.me/<bot>?start=read-<id>``),
where /start answers with the Mini App button for that section (bot/handlers/read.py). Where the
reader is not set up (no BOT_WEBAPP_URL), there is no button at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from telegram import InlineKeyboardButton, WebAppInfo

from bot.content import ContentPack
from bot.content.folding import fold
from bot.i18n import Translator
from bot.render.common import Page, Row, markup, status_notice
from bot.render.text import esc, shorten

#: /start payload of a link that opens the reader: ``read`` (contents) or ``read-<id>`` with the
#: section id's dots written as "_" (Telegram allows A-Za-z0-9_- in a payload; ids have no "_").
PAYLOAD_PREFIX = "read"
_PAYLOAD_RE = re.compile(r"^read(?:-([A-Za-z0-9][A-Za-z0-9_]{0,23}))?$")


@dataclass(frozen=True)
class ReaderLink:
    """How a card in this chat opens the reader: ``app_url`` in a private chat (a Mini App button),
    ``bot_username`` in a group (a link to the private chat)."""

    app_url: str | None = None
    bot_username: str | None = None


def app_url(base: str, section_id: str | None = None) -> str:
    """The reader's address, opening at ``section_id`` (``?s=<id>``) or at the contents."""
    return base if section_id is None else f"{base}?s={quote(section_id, safe='')}"


def payload(section_id: str | None = None) -> str:
    return PAYLOAD_PREFIX if section_id is None else f"{PAYLOAD_PREFIX}-{section_id.replace('.', '_')}"


def section_from_payload(text: str) -> str | None:
    """The section a ``read-<id>`` payload names (not checked against the pack), or None."""
    m = _PAYLOAD_RE.match(text.strip())
    return m.group(1).replace("_", ".") if m and m.group(1) else None


def is_reader_payload(text: str) -> bool:
    return bool(_PAYLOAD_RE.match(text.strip()))


def reader_button(tr: Translator, link: ReaderLink | None, section_id: str | None = None,
                  label: str | None = None) -> InlineKeyboardButton | None:
    if link is None:
        return None
    text = label or tr.gettext("📖 Read in the app")
    if link.app_url:
        return InlineKeyboardButton(text, web_app=WebAppInfo(app_url(link.app_url, section_id)))
    if link.bot_username:
        return InlineKeyboardButton(text, url=f"https://t.me/{link.bot_username}?start={payload(section_id)}")
    return None


def reader_row(tr: Translator, link: ReaderLink | None, section_id: str | None) -> Row:
    """The 📖 row under a section's original text or an item card ([] without a reader)."""
    found = reader_button(tr, link, section_id)
    return [found] if found is not None else []


def read_page(pack: ContentPack, tr: Translator, link: ReaderLink | None, section_id: str | None = None,
              unknown: str | None = None, group: bool = False) -> Page:
    """/read: what the reader is, and the button that opens it (at a section when one was named)."""
    lines = ["📖 <b>" + esc(tr.gettext("Read the whole report in the app")) + "</b>"]
    if link is None:
        lines.append(esc(tr.gettext("The reader is not switched on for this bot yet; its administrator can "
                                    "switch it on. Meanwhile, 📜 Original text under each section shows the "
                                    "report as written.")))
        return "\n".join(lines), None
    heading = None
    if section_id is not None:  # as render/original.py heads a section (not imported: it imports us)
        label, title = pack.section_label(section_id, tr.lang), pack.section_title(section_id, tr.lang)
        heading = f"{label}. {title}" if label != title else title
    lines.append("<i>" + esc(heading or pack.meta_text(tr.lang).document_kind) + "</i>")
    if (notice := status_notice(pack, tr)) is not None:
        lines.append(notice)
    if unknown:
        lines += ["", esc(tr.gettext("No section of the report is called “{words}”; the reader opens at the "
                                     "contents.").format(words=shorten(unknown, 60)))]
    lines += ["", esc(tr.gettext("The contents, the original text section by section with its footnotes in "
                                 "place, every figure a tap away, the summaries beside it, and search."))]
    if group:
        lines.append(esc(tr.gettext("Telegram opens the reader from a private chat with the bot: the button "
                                    "takes you there.")))
    return "\n".join(lines), markup([reader_row(tr, link, section_id)])


def find_section(pack: ContentPack, words: str) -> str | None:
    """The section a cadre names after /read: its number as the report writes it ("I.1.1", "II.3"), or
    words of its title typed with or without diacritics ("cong nghiep"); the first in the report's
    order, so a heading comes before its subsections."""
    wanted = fold(words)
    if not wanted:
        return None
    compact = wanted.replace(" ", "")
    for section in pack.sections.values():
        if fold(section.label).replace(" ", "") == compact or section.id.lower() == words.strip().lower():
            return str(section.id)
    needed = wanted.split()
    for section in pack.sections.values():
        title = set(fold(f"{section.title} {pack.section_title(section.id, 'en')}").split())
        if all(w in title for w in needed):
            return str(section.id)
    return None
