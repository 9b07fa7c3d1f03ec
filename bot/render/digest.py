"""The daily digest and its settings screens: pure renderers, HTML-escaped here.

Every word of the report comes from the content pack (labels, values, titles, summaries, references);
this module only arranges them. The digest is one message of at most ``DIGEST_LIMIT`` characters:
when the four pieces are long, their summaries are shortened until it fits, never the references.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton

from bot.content import ContentPack, Figure, Item
from bot.content.digest_spec import Heading
from bot.digest.compose import Digest, FigureChange, Piece
from bot.digest.schedule import time_of_minute
from bot.digest.service import DigestSettings, Notice
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, button, command_name, home_button, localized, markup, status_notice
from bot.render.figures import (
    comparison_lines,
    note_lines,
    notes_on,
    shown_value,
    status_label,
    value_html,
)
from bot.render.numbers import figure_value, format_value, with_unit
from bot.render.text import esc, shorten

#: Telegram's limit is 4096 characters after entities are parsed; we measure the HTML we send, which
#: is always longer, so staying under this keeps a margin.
DIGEST_LIMIT = 4000
#: Changed figures listed by name in the "what changed" line before "and N more".
CHANGES_LISTED = 5


class DigestButton(cb.Callback):
    """Every digest button: they answer whatever the pack's fingerprint (a subscription outlives packs)."""


@cb.register("d")
class DigestHome(DigestButton):
    """The chat's digest settings, or what the digest is and the offer to subscribe."""


@cb.register("dtp")
class DigestTimes(DigestButton):
    """The time picker."""


@cb.register("dtm")
class DigestSetTime(DigestButton):
    """A time of the picker (minute of the day): the subscription's new time, or a subscription."""

    minute: int


@cb.register("dsb")
class DigestSubscribe(DigestButton):
    """Subscribe at a minute of the day."""

    minute: int


@cb.register("dwd")
class DigestWeekdays(DigestButton):
    """Weekdays only, or every day."""


@cb.register("dfl")
class DigestField(DigestButton):
    """Add or remove a field of the report."""

    field: str = cb.ident(24)


@cb.register("dpa")
class DigestPause(DigestButton):
    pass


@cb.register("dre")
class DigestResume(DigestButton):
    pass


@cb.register("dun")
class DigestUnsubscribe(DigestButton):
    pass


@cb.register("dla")
class DigestLanguage(DigestButton):
    """The language the chat's digest is written in."""

    lang: str = cb.ident(8)


@cb.register("dnw")
class DigestNow(DigestButton):
    """Today's digest, as a new message."""


@cb.register("dop")
class DigestOpen(DigestButton):
    """The settings, as a new message (under a digest)."""


@cb.register("dfg")
class DigestFigure(DigestButton):
    """A figure of a digest, as a new message under it: the digest stays readable in the chat."""

    figure: str


@cb.register("dit")
class DigestItem(DigestButton):
    """An item of a digest, as a new message under it."""

    item: str


#: The buttons that change a chat's subscription: in a group only administrators may press them.
CHANGES: tuple[type[DigestButton], ...] = (DigestSetTime, DigestSubscribe, DigestWeekdays, DigestField,
                                          DigestPause, DigestResume, DigestUnsubscribe, DigestLanguage)
#: Of those, the ones pressed on the settings screen itself: when nothing changed, nothing is edited.
TOGGLES: tuple[type[DigestButton], ...] = (DigestWeekdays, DigestField, DigestPause, DigestResume,
                                          DigestUnsubscribe, DigestLanguage)


def subscribe_hint(tr: Translator) -> str:
    """How to choose another time, with an example (no ``HH:MM`` placeholder)."""
    return tr.gettext("Or type /subscribe with a time, for example /subscribe 6:45.")


# ---------------------------------------------------------------------------------------------
# The digest


def _changes_line(pack: ContentPack, changes: Sequence[FigureChange], tr: Translator) -> str:
    shown = []
    for change in changes[:CHANGES_LISTED]:
        fig = change.figure
        words = pack.figure_text(fig.id, tr.lang) if fig.id in pack.figures else fig
        old_value = format_value(change.old_value, tr)
        old = None if old_value is None else with_unit(old_value, words.unit)
        new = (shown_value(pack, fig, tr) if fig.id in pack.figures
               else figure_value(fig, tr, words, rank=pack.role(fig) == "rank"))
        old_text = old if old is not None else tr.gettext("not given")
        new_text = new if new is not None else tr.gettext("not given")
        if old == new and change.old_status != fig.status:
            shown.append(f"{esc(words.label)}: {esc(status_label(fig, tr) or '—')}")
        else:
            shown.append(f"{esc(words.label)}: {esc(old_text)} → <b>{esc(new_text)}</b>")
    more = len(changes) - len(shown)
    line = "🔄 <b>" + esc(tr.gettext("New in the report since your last digest:")) + "</b> " + "; ".join(shown)
    if more > 0:
        line += esc(tr.ngettext("; and {n} more", "; and {n} more", more).format(n=tr.number(more)))
    return line


def _slot(heading: str, rest: str) -> str:
    """``<b>📊 Figure of the day</b> — …``: the slot's name leads its first line, never alone on one."""
    return f"<b>{esc(heading)}</b> — {rest}"


def heading_text(pack: ContentPack, heading: Heading, tr: Translator) -> str:
    """``📊 Con số hôm nay`` / ``🎯 A target for the 2025-2030 term``: a slot's heading (digest.yaml)."""
    return f"{heading.icon} {localized(heading.title, tr).format(term=pack.meta.term)}"


def _figure_block(pack: ContentPack, piece: Piece, fig: Figure, tr: Translator) -> list[str]:
    lang = tr.lang
    words = pack.figure_text(fig.id, lang)
    period = f" ({esc(words.period)})" if words.period else ""
    shown = f"{esc(words.label)}: {value_html(pack, fig, tr)}{period}"
    lines = [_slot(heading_text(pack, piece.slot.heading, tr), shown)]
    if (status := status_label(fig, tr)) is not None:
        lines.append(esc(status))
    lines += comparison_lines(pack, fig, tr)
    lines += note_lines(pack, notes_on(pack, [fig.id]), tr)
    lines.append("📍 " + esc(tr.gettext("Source: {reference}").format(reference=pack.figure_reference(fig, lang))))
    return lines


def _item_block(pack: ContentPack, piece: Piece, item: Item, tr: Translator, summary_limit: int | None) -> list[str]:
    text = pack.item_text(item.id, tr.lang)
    summary = text.summary if summary_limit is None else shorten(text.summary, summary_limit)
    return [
        _slot(heading_text(pack, piece.slot.heading_for(item.kind), tr), f"<b>{esc(text.title)}</b>"),
        esc(summary),
        "📍 " + esc(tr.gettext("Source: {reference}").format(reference=pack.item_reference(item, tr.lang))),
    ]


def digest_text(pack: ContentPack, digest: Digest, tr: Translator, summary_limit: int | None = None) -> str:
    lines = [
        "📰 <b>" + esc(tr.gettext("Digest No. {n}").format(n=tr.number(digest.issue_no))) + "</b> — "
        + esc(tr.date(digest.day, "full")),
        "<i>" + esc(pack.meta_text(tr.lang).document_kind) + "</i>",
    ]
    if (notice := status_notice(pack, tr)) is not None:
        lines.append(notice)
    if digest.changes:
        lines += ["", _changes_line(pack, digest.changes, tr)]
    for piece in digest.pieces:
        if piece.figure is not None:
            lines += ["", *_figure_block(pack, piece, piece.figure, tr)]
        elif piece.item is not None:
            lines += ["", *_item_block(pack, piece, piece.item, tr, summary_limit)]
    lines += ["", "<i>" + esc(tr.gettext("Tap a button to read more. Settings: /digest settings")) + "</i>"]
    return "\n".join(lines)


def render_digest(pack: ContentPack, digest: Digest, tr: Translator) -> Page:
    """The digest message and its buttons (each piece opens under it), under DIGEST_LIMIT."""
    text = digest_text(pack, digest, tr)
    limit = 600
    while len(text) > DIGEST_LIMIT and limit >= 60:
        text = digest_text(pack, digest, tr, summary_limit=limit)
        limit -= 100
    rows: list[Row] = []
    for piece in digest.pieces:
        data: DigestButton
        if piece.figure is not None:
            label, icon = pack.figure_text(piece.figure.id, tr.lang).label, piece.slot.heading.icon
            data = DigestFigure(piece.figure.id)
        elif piece.item is not None:
            label, icon = pack.item_text(piece.item.id, tr.lang).title, piece.slot.heading_for(piece.item.kind).icon
            data = DigestItem(piece.item.id)
        else:
            continue
        rows.append([button(shorten(f"{icon} {label}", 46), data, pack)])
    rows.append([button(tr.gettext("⚙️ Digest settings"), DigestOpen(), pack)])
    return text, markup(rows)


# ---------------------------------------------------------------------------------------------
# Settings


def _fields_summary(pack: ContentPack, fields: tuple[str, ...], tr: Translator) -> str:
    chosen = [f for f in pack.fields.values() if f.id in fields]
    if not fields or not chosen or len(chosen) == len(pack.fields):
        return tr.gettext("all fields")
    return ", ".join(localized(f.title, tr) for f in chosen)


def settings_page(pack: ContentPack, view: DigestSettings, tr: Translator) -> Page:
    """The digest settings (or, when not subscribed, what the digest is and a subscribe button)."""
    title = "📰 <b>" + esc(tr.gettext("Daily digest")) + "</b>"
    about = esc(localized(pack.digest.about, tr)) if pack.digest.about is not None else ""
    if not view.subscribed:
        lines = [title, "", about, "",
                 esc(tr.gettext("This chat is not subscribed."))]
        if view.group:
            lines.append(esc(tr.gettext("In a group, only an administrator can subscribe.")))
        lines.append(esc(subscribe_hint(tr)))
        rows: list[Row] = [
            [button(tr.gettext("✅ Subscribe at {time}").format(time=tr.time(time_of_minute(view.minute))),
                    DigestSubscribe(view.minute), pack)],
            [button(tr.gettext("🕖 Choose another time"), DigestTimes(), pack)],
            [button(tr.gettext("📰 Today's digest"), DigestNow(), pack), home_button(pack, tr)],
        ]
        return "\n".join(lines), markup(rows)

    status = tr.gettext("⏸ Paused") if view.paused else tr.gettext("✅ On")
    days = tr.gettext("Monday to Friday") if view.weekdays_only else tr.gettext("every day")
    lines = [
        title, "",
        esc(tr.gettext("Status: {status}").format(status=status)),
        esc(tr.gettext("Time: {time} ({zone}), {days}").format(time=tr.time(time_of_minute(view.minute)),
                                                                 zone=tr.zone(view.timezone), days=days)),
        esc(tr.gettext("Fields: {fields}").format(fields=_fields_summary(pack, view.fields, tr))),
        esc(tr.gettext("Language: {language}").format(language=LANGUAGE_NAMES.get(view.lang, view.lang))),
    ]
    if view.paused:
        lines.append(esc(tr.gettext("Next digest: when you resume.")))
    elif view.next_due is not None:
        lines.append(esc(tr.gettext("Next digest: {when}").format(when=tr.when(view.next_due))))
    if view.group:
        lines += ["", "<i>" + esc(tr.gettext("Only group administrators can change these settings.")) + "</i>"]

    rows = [
        [button(tr.gettext("🕖 Time: {time}").format(time=tr.time(time_of_minute(view.minute))),
                DigestTimes(), pack),
         button(("☑️ " if view.weekdays_only else "⬜ ") + tr.gettext("Weekdays only"), DigestWeekdays(), pack)],
    ]
    field_buttons = [
        button(("☑️ " if (not view.fields or f.id in view.fields) else "⬜ ") + shorten(localized(f.title, tr), 28),
               DigestField(f.id), pack)
        for f in pack.fields.values()
    ]
    rows += [field_buttons[i:i + 2] for i in range(0, len(field_buttons), 2)]
    rows.append([
        button(tr.gettext("▶️ Resume"), DigestResume(), pack) if view.paused
        else button(tr.gettext("⏸ Pause"), DigestPause(), pack),
        button(tr.gettext("🚫 Unsubscribe"), DigestUnsubscribe(), pack),
    ])
    rows.append([button(("✓ " if lang == view.lang else "") + LANGUAGE_NAMES[lang], DigestLanguage(lang),
                        pack) for lang in LANGUAGES])
    rows.append([button(tr.gettext("📰 Today's digest"), DigestNow(), pack), home_button(pack, tr)])
    return "\n".join(lines), markup(rows)


def time_picker(pack: ContentPack, current: int | None, tr: Translator, zone: str) -> Page:
    """Common times as buttons; any other time is typed with /subscribe HH:MM."""
    lines = ["🕖 <b>" + esc(tr.gettext("When should the digest come?")) + "</b>",
             esc(tr.gettext("Times are in {zone}.").format(zone=tr.zone(zone))),
             esc(subscribe_hint(tr))]
    buttons: list[InlineKeyboardButton] = []
    for minute in pack.digest.times:  # offered as buttons; any other time is typed with /subscribe
        label = ("✓ " if minute == current else "") + tr.time(time_of_minute(minute))
        buttons.append(button(label, DigestSetTime(minute), pack))
    rows: list[Row] = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    rows.append([button(tr.gettext("⬅️ Back"), DigestHome(), pack), home_button(pack, tr)])
    return "\n".join(lines), markup(rows)


# ---------------------------------------------------------------------------------------------
# Short answers (plain text escaped here, for the handlers)


def subscribed_page(pack: ContentPack, view: DigestSettings, tr: Translator) -> Page:
    """The confirmation of /subscribe, with a button to the settings."""
    return subscribed(view, tr), markup([[button(tr.gettext("⚙️ Digest settings"), DigestHome(), pack)]])


def subscribed(view: DigestSettings, tr: Translator) -> str:
    days = tr.gettext("Monday to Friday") if view.weekdays_only else tr.gettext("every day")
    lines = ["✅ " + esc(tr.gettext("Subscribed: the digest comes at {time} ({zone}), {days}.").format(
        time=tr.time(time_of_minute(view.minute)), zone=tr.zone(view.timezone), days=days))]
    if view.next_due is not None:
        lines.append(esc(tr.gettext("Next digest: {when}").format(when=tr.when(view.next_due))))
    lines.append(esc(tr.gettext("Change it with /digest settings; stop with /unsubscribe.")))
    return "\n".join(lines)


def notice(value: Notice, tr: Translator) -> str:
    """A change's notice, short enough for answerCallbackQuery (plain text)."""
    if value is Notice.UNSUBSCRIBED:
        return tr.gettext("Unsubscribed.")
    if value is Notice.KEEP_ONE_FIELD:
        return tr.gettext("Keep at least one field.")
    return tr.gettext("This chat is not subscribed. Send /subscribe to get a daily digest.")


def unsubscribed(tr: Translator) -> str:
    return esc(tr.gettext("Done: no more daily digests here. Send /subscribe to start again."))


def not_subscribed(tr: Translator) -> str:
    return esc(tr.gettext("This chat is not subscribed. Send /subscribe to get a daily digest."))


def bad_time(text: str, tr: Translator) -> str:
    return esc(tr.gettext("I cannot read “{text}” as a time of day. Write it like this: /subscribe 7:30 "
                          "(or 7, 7h, 19h15).").format(text=shorten(text, 40)))


def digest_usage(typed: str, admin: bool, tr: Translator, command: str = "digest") -> str:
    """/digest (or /unsubscribe) with words it does not know: what the digest commands do know."""
    lines = [esc(tr.gettext("I do not know “{words}” after /{command}. You can send:").format(
        words=shorten(typed, 40), command=command_name(tr, command))),
        esc(tr.gettext("/digest: today's digest")),
        esc(tr.gettext("/digest settings: time, days, fields, pause, language")),
        esc(tr.gettext("/subscribe 7:30: a daily digest at 7:30")),
        esc(tr.gettext("/unsubscribe: no more daily digests"))]
    if admin:
        lines.append(esc(tr.gettext("/digest status: today's deliveries (administrators)")))
    return "\n".join(lines)


def admins_only(tr: Translator) -> str:
    return esc(tr.gettext("Sorry, only an administrator of this group can subscribe, change or cancel "
                          "its daily digest."))


def status_page(counts: Any, uncertain: int, active: int, day: Any, tr: Translator,
                uncertain_chats: Sequence[tuple[int, str]] = ()) -> str:
    lines = ["📊 <b>" + esc(tr.gettext("Digest status for {date}").format(date=tr.date(day, "long"))) + "</b>",
             esc(tr.gettext("Sent: {n}").format(n=tr.number(counts.sent))),
             esc(tr.gettext("Sending now: {n}").format(n=tr.number(counts.sending))),
             esc(tr.gettext("Failed: {n}").format(n=tr.number(counts.failed))),
             esc(tr.gettext("Uncertain (interrupted by a restart, not resent): {n}").format(n=tr.number(uncertain))),
             esc(tr.gettext("Active subscribers: {n}").format(n=tr.number(active)))]
    if uncertain_chats:  # by chat, so an admin can ask those chats whether it arrived
        lines.append(esc(tr.gettext("Uncertain, by chat:")))
        lines += [f"• <code>{chat_id}</code> ({esc(local_date)})" for chat_id, local_date in uncertain_chats]
        if uncertain > len(uncertain_chats):
            lines.append(esc(tr.gettext("…and {n} more").format(n=tr.number(uncertain - len(uncertain_chats)))))
    return "\n".join(lines)
