"""What access says: to an outsider, to a group nobody admitted, to whoever opens an invite link, and
to administrators about invites (/invite, /invites, /revoke, /remove). Pure: (model, translator) -> HTML."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.i18n import Translator
from bot.render.common import command_name
from bot.render.text import esc
from bot.store.access_repo import Invite, Redeemed, Revoked

#: A callback query's alert holds at most 200 characters.
ALERT_CHARS = 200


def outsider(mode: str, user_id: int, tr: Translator) -> str:
    """The one message an outsider gets: how to get access, with the id an administrator needs."""
    ident = f"<code>{user_id}</code>"
    if mode == "invite":
        text = tr.gettext("🔒 This bot is for members, by invitation. Open the invite link (or scan the QR code) "
                          "an administrator gave you. If you have none, ask an administrator for one; your "
                          "Telegram id is {id}.")
    else:
        text = tr.gettext("🔒 This bot is for members only. Ask an administrator to admit your Telegram id "
                          "{id}, or to give you an invite link.")
    return esc(text).replace("{id}", ident)


def outsider_alert(mode: str, user_id: int, tr: Translator) -> str:
    """The same, as plain text for a button's alert."""
    text = tr.gettext("This bot is for members only. Ask an administrator for an invite link; your Telegram "
                      "id is {id}.").format(id=user_id)
    return text[:ALERT_CHARS]


def group_not_admitted(chat_id: int, tr: Translator) -> str:
    return esc(tr.gettext(
        "🔒 This group is not admitted to use the bot, so the bot is leaving it. To admit the group, an "
        "administrator of the bot adds it to the group, or puts the group's id {id} in BOT_ALLOWLIST."
    )).replace("{id}", f"<code>{chat_id}</code>")


# ------------------------------------------------------------------ opening an invite link

def welcome_in(tr: Translator) -> str:
    return esc(tr.gettext("✅ Welcome: the invite link admitted you. You can use the bot from now on."))


def already_in(tr: Translator) -> str:
    return esc(tr.gettext("You already have access: the invite link was not needed (nor spent)."))


def forged(tr: Translator) -> str:
    return esc(tr.gettext("⚠️ This invite link is damaged or incomplete (perhaps cut off when it was copied). "
                          "Open it again from where you got it, or ask an administrator for a new one."))


def refused(outcome: Redeemed, invite: Invite | None, tr: Translator, tz: tzinfo) -> str:
    """Unknown, expired, exhausted or revoked: each says what happened and what to do."""
    ask = tr.gettext("Ask an administrator for a new one.")
    if outcome is Redeemed.EXPIRED and invite is not None:
        day = tr.date(datetime.fromtimestamp(invite.expires_at, tz).date())
        text = tr.gettext("⌛ This invite link expired on {date}.").format(date=day)
    elif outcome is Redeemed.EXHAUSTED:
        text = tr.gettext("🚫 This invite link has been used as many times as it allowed.")
    elif outcome is Redeemed.REVOKED:
        text = tr.gettext("🚫 This invite link was withdrawn by an administrator.")
    else:
        text = tr.gettext("❓ This invite link is not one the bot knows (from another bot, or deleted).")
    return esc(f"{text} {ask}")


def busy(tr: Translator) -> str:
    return esc(tr.gettext("The bot cannot check the invite link right now. Please open it again in a minute."))


# ------------------------------------------------------------------ administrators

def private_only(command: str, tr: Translator) -> str:
    return esc(tr.gettext("Send /{command} in a private chat with the bot: invite links are not for a group.")
               .format(command=command_name(tr, command)))


def invite_usage(tr: Translator, problem: str | None, max_uses: int, max_days: int) -> str:
    lines = [esc(problem)] if problem else []
    lines.append(esc(tr.gettext(
        "Usage: /invite [people] [days]. /invite alone: one person, within 7 days. /invite 30 14: up to 30 "
        "people, within 14 days (for a printed notice). People: 1 to {uses}; days: 1 to {days}.")
        .format(uses=max_uses, days=max_days)))
    return "\n".join(lines)


def bad_number(arg: str, tr: Translator) -> str:
    return tr.gettext("“{arg}” is not a whole number.").format(arg=arg[:40])


def out_of_range(tr: Translator, max_uses: int, max_days: int) -> str:
    return tr.gettext("People must be 1 to {uses} and days 1 to {days}.").format(uses=max_uses, days=max_days)


def too_many(tr: Translator) -> str:
    return tr.gettext("/invite takes at most two numbers.")


def invite_made(invite_id: int, link: str, uses: int, expires: datetime, tr: Translator, open_mode: bool) -> str:
    head = tr.ngettext("🎟 Invite #{id}: for {n} person, until {date}.",
                       "🎟 Invite #{id}: for up to {n} people, until {date}.", uses).format(
        id=invite_id, n=uses, date=tr.date(expires.date()))
    lines = [f"<b>{esc(head)}</b>", "", esc(link), "",
             esc(tr.gettext("Send it privately. Anyone who opens it gets access until it is used up, expires or "
                            "is revoked (/revoke {id}). The QR code below is for a printed notice.")
                 .format(id=invite_id))]
    if open_mode:
        lines += ["", esc(tr.gettext("Note: BOT_ACCESS is open, so everyone may use the bot for now; invites "
                                     "matter once it is allowlist or invite."))]
    return "\n".join(lines)


def qr_caption(invite_id: int, tr: Translator) -> str:
    return esc(tr.gettext("QR code of invite #{id}: scanning it opens the bot with the invite.").format(id=invite_id))


def _status(status: str, tr: Translator) -> str:
    if status == "active":
        return tr.gettext("active")
    if status == "expired":
        return tr.gettext("expired")
    if status == "exhausted":
        return tr.gettext("used up")
    return tr.gettext("revoked")


def invites_page(invites: list[Invite], total: int, now: int, tz: tzinfo, tr: Translator) -> str:
    if not invites:
        return esc(tr.gettext("No invites yet. Make one with /invite."))
    lines = ["<b>" + esc(tr.gettext("🎟 Invites, newest first")) + "</b>", ""]
    for inv in invites:
        day = tr.date(datetime.fromtimestamp(inv.expires_at, tz).date())
        left = tr.gettext("{left} of {n} uses left").format(left=inv.uses_left, n=inv.max_uses)
        until = tr.gettext("until {date}").format(date=day)
        lines.append(f"<b>#{inv.id}</b> · {esc(left)} · {esc(until)} · {esc(_status(inv.status(now), tr))}")
    if total > len(invites):
        lines += ["", esc(tr.gettext("… and {n} older ones.").format(n=total - len(invites)))]
    lines += ["", esc(tr.gettext("/revoke <number> withdraws one, e.g. /revoke {id}.").format(id=invites[0].id))]
    return "\n".join(lines)


def revoke_usage(tr: Translator) -> str:
    return esc(tr.gettext("Usage: /revoke <number>, the invite's number in /invites (e.g. /revoke 3), or "
                          "the invite link itself."))


def revoked(outcome: Revoked, invite_id: int, tr: Translator) -> str:
    if outcome is Revoked.REVOKED:
        text = tr.gettext("Invite #{id} revoked: its link admits nobody more. People it admitted keep their "
                          "access; /remove <id> takes it back.")
    elif outcome is Revoked.ALREADY:
        text = tr.gettext("Invite #{id} was already revoked.")
    else:
        text = tr.gettext("There is no invite #{id}. /invites lists them.")
    return esc(text.format(id=invite_id))


def remove_usage(tr: Translator) -> str:
    return esc(tr.gettext("Usage: /remove <Telegram id>, the id of a person (or group) an invite admitted."))


def removed(chat_id: int, tr: Translator) -> str:
    return esc(tr.gettext("{id} no longer has access. Their digest is paused, not deleted: it resumes if they "
                          "are admitted again.").format(id=chat_id))


def configured(chat_id: int, tr: Translator) -> str:
    return esc(tr.gettext("{id} is in BOT_ALLOWLIST or BOT_ADMINS: take it out there and restart the bot.")
               .format(id=chat_id))


def not_invited(chat_id: int, tr: Translator) -> str:
    return esc(tr.gettext("{id} was not admitted by an invite: there is nothing to take back.").format(id=chat_id))
