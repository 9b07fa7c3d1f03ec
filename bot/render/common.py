"""Pieces every screen shares: the codec bound to the pack, buttons, paging, breadcrumbs, titles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import ContentPack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.text import BUTTON_LABEL, esc, shorten

Page = tuple[str, InlineKeyboardMarkup | None]
Row = list[InlineKeyboardButton]
T = TypeVar("T")

#: Buttons per page of a list (TELEGRAM.md: keep keyboards short for phones).
PAGE_SIZE = 8

_LEADING_SYMBOLS_RE = re.compile(r"^[^\w(]+", re.UNICODE)


def button(text: str, data: cb.Callback, pack: ContentPack) -> InlineKeyboardButton:
    """A button whose callback data is encoded under the pack's fingerprint."""
    return InlineKeyboardButton(text, callback_data=cb.encode(data, pack.fingerprint))


def localized(title: Any, tr: Translator) -> str:
    """A {vi, en} title in the user's language (Vietnamese when that language is missing)."""
    return getattr(title, tr.lang, None) or title.vi


def bare(title: str) -> str:
    """A menu title without its leading emoji, for breadcrumbs."""
    return _LEADING_SYMBOLS_RE.sub("", title).strip() or title


def breadcrumb(parts: Sequence[str]) -> str:
    """``🏠 › Kết quả 2020-2025 › Kinh tế`` (escaped, italic)."""
    return "<i>" + " › ".join(["🏠", *(esc(bare(p)) for p in parts)]) + "</i>"


def heading(parts: Sequence[str] | None) -> list[str]:
    """The breadcrumb and a blank line above a screen; nothing for an answer to a typed question
    (``parts`` None), which has no place in the menu to show."""
    return [] if parts is None else [breadcrumb(parts), ""]


def status_notice(pack: ContentPack, tr: Translator) -> str | None:
    """The one line saying what the document is (a draft, superseded…), from meta.yaml, or None when the
    document is final or the pack gives no notice. Shown on /start, 2030 targets, tasks and digests."""
    if pack.meta.status != "draft":
        return None
    notice = pack.meta_text(tr.lang).status_notice
    return "⚠️ <i>" + esc(notice) + "</i>" if notice else None


def page_slice(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int, int]:
    """The items of ``page`` (clamped into range), that page, and the number of pages."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return list(items[page * size : (page + 1) * size]), page, pages


def pager_row(pack: ContentPack, page: int, pages: int, make: Any) -> Row:
    """◀ k/n ▶ for lists of more than one page; ``make(page)`` builds the callback of a page."""
    if pages <= 1:
        return []
    row: Row = []
    if page > 0:
        row.append(button("◀", make(page - 1), pack))
    row.append(button(f"{page + 1}/{pages}", cb.Inert(), pack))  # shows where one is; edits nothing
    if page < pages - 1:
        row.append(button("▶", make(page + 1), pack))
    return row


def differing_words(full: str, clashing: Sequence[str], words: int = 3) -> str:
    """The first words of ``full`` after what it shares with the other ``clashing`` texts."""
    mine = full.split()
    shared = 0
    for other in clashing:
        theirs = other.split()
        if theirs == mine:
            continue
        n = 0
        while n < min(len(mine), len(theirs)) and mine[n] == theirs[n]:
            n += 1
        shared = max(shared, n)
    rest = mine[shared:shared + words] or mine[-words:]
    return " ".join(rest)


def distinct(labels: list[str], candidates: Sequence[Sequence[str]], limit: int = BUTTON_LABEL) -> list[str]:
    """Button labels, each unique in its keyboard: labels that would read the same get the first of
    their ``candidates`` (a value, a period, the words that differ…) that tells them apart, after a dot."""
    out = list(labels)
    groups: dict[str, list[int]] = {}
    for n, label in enumerate(labels):
        groups.setdefault(label, []).append(n)
    for label, members in groups.items():
        if len(members) < 2:
            continue
        rounds = max(len(candidates[n]) for n in members)
        for k in range(rounds):
            extras = [candidates[n][k] if k < len(candidates[n]) else "" for n in members]
            if all(extras) and len(set(extras)) == len(extras):
                for n, more in zip(members, extras, strict=True):
                    more = shorten(more, limit // 2)
                    out[n] = shorten(label.removesuffix("…"), max(limit - len(more) - 3, limit // 2)) + " · " + more
                break
    return out


def home_button(pack: ContentPack, tr: Translator) -> InlineKeyboardButton:
    return button(tr.gettext("🏠 Home"), cb.Home(), pack)


def back_home_row(pack: ContentPack, tr: Translator, back: cb.Callback | None) -> Row:
    row: Row = []
    if back is not None:
        row.append(button(tr.gettext("⬅️ Back"), back, pack))
    row.append(home_button(pack, tr))
    return row


def markup(rows: Sequence[Row]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in rows if row])


def command_name(tr: Translator, command: str) -> str:
    """A command's name in the reader's language: /so for /figure in Vietnamese (the first alias of
    bot/app.py's table; a test keeps the two in step)."""
    names = {
        "figure": tr.pgettext("command", "figure"),
        "search": tr.pgettext("command", "search"),
        "digest": tr.pgettext("command", "digest"),
        "subscribe": tr.pgettext("command", "subscribe"),
        "unsubscribe": tr.pgettext("command", "unsubscribe"),
        "lang": tr.pgettext("command", "lang"),
        "briefing": tr.pgettext("command", "briefing"),
        "targets": tr.pgettext("command", "targets"),
        "meeting": tr.pgettext("command", "meeting"),
        "quiz": tr.pgettext("command", "quiz"),
        "chart": tr.pgettext("command", "chart"),
        "read": tr.pgettext("command", "read"),
        "comment": tr.pgettext("command", "comment"),
        "comments": tr.pgettext("command", "comments"),
        "reload": tr.pgettext("command", "reload"),
        "broadcast": tr.pgettext("command", "broadcast"),
        "invite": tr.pgettext("command", "invite"),
        "invites": tr.pgettext("command", "invites"),
        "revoke": tr.pgettext("command", "revoke"),
        "remove": tr.pgettext("command", "remove"),
        "stats": tr.pgettext("command", "stats"),
    }
    return names.get(command, command)


def usage_page(pack: ContentPack, tr: Translator, title: str, intro: str, command: str, examples: Sequence[str],
               tail: str) -> Page:
    """A command sent without words: what to type, examples as code, and the first three to tap."""
    lines = ["<b>" + esc(title) + "</b>", esc(intro)]
    lines += [f"<code>/{command_name(tr, command)} {esc(e)}</code>" for e in examples]
    lines.append(esc(tail))
    rows: list[Row] = [[InlineKeyboardButton("🔎 " + shorten(e, 40), switch_inline_query_current_chat=e)]
                       for e in examples[:3]]
    rows.append(back_home_row(pack, tr, None))
    return "\n".join(lines), markup(rows)
