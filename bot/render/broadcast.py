"""/broadcast (/thongbao): the announcement as sent, its preview with Confirm/Cancel, progress, final count."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import Page
from bot.render.text import esc
from bot.store.broadcast_repo import Tally

#: Telegram's limit for a message's text (after entities are parsed), in UTF-16 code units.
MESSAGE_LIMIT = 4096
#: Telegram's fee for a paid broadcast message, in Stars (allow_paid_broadcast).
STARS_PER_MESSAGE = 0.1


@cb.register("bc")
class BroadcastButton(cb.Callback):
    """Confirm ("y") or cancel ("n") broadcast ``bid``; valid whatever the pack's fingerprint."""

    bid: str = cb.ident(12)
    act: str = cb.ident(1)


CONFIRM, CANCEL = "y", "n"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def header_plain(tr: Translator) -> str:
    return "📢 " + tr.gettext("Announcement") + "\n\n"


def announcement(tr: Translator, text: str) -> tuple[str, int]:
    """The message as every subscriber gets it (``text`` escaped, under a bold header), and by how many
    characters it is over Telegram's limit (0: it fits)."""
    over = utf16_len(header_plain(tr)) + utf16_len(text) - MESSAGE_LIMIT
    html = "📢 <b>" + esc(tr.gettext("Announcement")) + "</b>\n\n" + esc(text)
    return html, max(over, 0)


def usage(tr: Translator) -> str:
    return "\n".join([
        "<b>" + esc(tr.gettext("Announcement to every subscriber")) + "</b>",
        esc(tr.gettext("Write the text after the command, e.g.:")),
        "<code>/thongbao " + esc(tr.gettext("The conference opens at 8:00 on Monday.")) + "</code>",
        esc(tr.gettext("You see a preview first; nothing is sent before you confirm.")),
    ])


def too_long(tr: Translator, over: int) -> str:
    return esc(tr.ngettext("The announcement is {n} character too long for one Telegram message; shorten it.",
                           "The announcement is {n} characters too long for one Telegram message; shorten it.",
                           over).format(n=tr.number(over)))


def private_only(tr: Translator) -> str:
    return esc(tr.gettext("Announcements are prepared in a private chat with the bot."))


def preview(tr: Translator, broadcast_id: int, recipients: int, paid: bool) -> Page:
    """Under the announcement shown as it will be sent: to how many, what it costs, and the two buttons."""
    lines = ["👆 " + esc(tr.gettext("Preview: the message above is exactly what subscribers will get.")),
             esc(tr.ngettext("Recipients: {n} chat (active subscribers, private chats and groups).",
                             "Recipients: {n} chats (active subscribers, private chats and groups).", recipients)
                 .format(n=tr.number(recipients)))]
    if paid:
        stars = recipients * STARS_PER_MESSAGE
        lines.append("⭐ " + esc(tr.gettext("Paid broadcast (up to 1,000 messages a second): Telegram charges "
                                            "0.1 Star per message, about {stars} Stars from the bot's balance.")
                                 .format(stars=tr.number(round(stars, 1)))))
    elif recipients < 29 * 60:
        lines.append(esc(tr.gettext("At Telegram's free pace (about 30 a second) this takes less than a minute.")))
    else:
        minutes = round(recipients / 29 / 60)
        lines.append(esc(tr.ngettext("At Telegram's free pace (about 30 a second) this takes about {n} minute.",
                                     "At Telegram's free pace (about 30 a second) this takes about {n} minutes.",
                                     minutes).format(n=tr.number(minutes))))
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ " + tr.gettext("Confirm and send"),
                             callback_data=cb.encode(BroadcastButton(str(broadcast_id), CONFIRM), "")),
        InlineKeyboardButton("✖️ " + tr.gettext("Cancel"),
                             callback_data=cb.encode(BroadcastButton(str(broadcast_id), CANCEL), "")),
    ]])
    return "\n".join(lines), buttons


def _counts(tr: Translator, tally: Tally) -> str:
    parts = [tr.gettext("sent {n}").format(n=tr.number(tally.sent)),
             tr.gettext("failed {n}").format(n=tr.number(tally.failed)),
             tr.gettext("blocked the bot {n}").format(n=tr.number(tally.blocked))]
    if tally.skipped:
        parts.append(tr.gettext("no longer admitted {n}").format(n=tr.number(tally.skipped)))
    return esc(", ".join(parts))


def progress(tr: Translator, tally: Tally, total: int) -> str:
    done = min(tally.done, total) if total else tally.done
    percent = round(100 * done / total) if total else 100
    return "\n".join(["📤 <b>" + esc(tr.gettext("Sending the announcement…")) + "</b>",
                      esc(tr.gettext("{done} of {total} ({percent}%)").format(
                          done=tr.number(done), total=tr.number(total), percent=percent)),
                      _counts(tr, tally)])


def finished(tr: Translator, tally: Tally, total: int) -> str:
    lines = ["✅ <b>" + esc(tr.gettext("Announcement delivered")) + "</b>",
             esc(tr.gettext("{done} of {total} chats handled.").format(done=tr.number(tally.done),
                                                                        total=tr.number(total))),
             _counts(tr, tally)]
    if tally.uncertain:
        lines.append(esc(tr.ngettext(
            "{n} chat was being sent to when the bot stopped: maybe delivered, never sent again.",
            "{n} chats were being sent to when the bot stopped: maybe delivered, never sent again.",
            tally.uncertain).format(n=tr.number(tally.uncertain))))
    return "\n".join(lines)


def cancelled(tr: Translator) -> str:
    return "✖️ " + esc(tr.gettext("Cancelled: the announcement was not sent."))


def answer_for(tr: Translator, status: str | None) -> str:
    """The answer to a button of a broadcast that is no longer a draft (or does not exist)."""
    if status == "sending":
        return tr.gettext("Already confirmed: it is being sent.")
    if status == "done":
        return tr.gettext("Already sent.")
    if status == "cancelled":
        return tr.gettext("This announcement was cancelled; send /broadcast again.")
    return tr.gettext("This announcement no longer exists; send /broadcast again.")
