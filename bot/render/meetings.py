"""/meeting's answers and the header of a meeting's brief: pure, escaped here.

Dates are written the Vietnamese way ("08:00, thứ Hai, ngày 28 tháng 12 năm 2026") or the English
one; every example a cadre is shown is built from the present moment and the pack's own brief names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.content import ContentPack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import Row, button
from bot.render.text import esc, shorten
from bot.store.meetings_repo import ChatSettings, Meeting, Post, Reader

#: Readers named in /meeting readers before "and N more" (the message stays short in a big group).
READERS_LISTED = 60


@cb.register("mr")
class MeetingRead(cb.Callback):
    """"Đã đọc" under a meeting's brief: the member confirms having read it before the meeting."""

    meeting: int


@cb.register("mh")
class MeetingHandout(cb.Callback):
    """The handout of a meeting's brief (by meeting, so it works after restarts and for topics)."""

    meeting: int


def local(moment: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(moment, tz)


def duration_text(minutes: int, tr: Translator) -> str:
    """``24 giờ`` / ``1 hour 30 minutes``."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(tr.ngettext("{n} hour", "{n} hours", hours).format(n=hours))
    if rest or not hours:
        parts.append(tr.ngettext("{n} minute", "{n} minutes", rest).format(n=rest))
    return " ".join(parts)


def example_command(moment: datetime, topic: str) -> str:
    return f"/meeting {moment.day:02d}/{moment.month:02d} {moment.hour:02d}:{moment.minute:02d} {topic}"


# ---------------------------------------------------------------------------------------------
# Answers to /meeting


def usage(example: str, tr: Translator) -> str:
    lines = [
        "📅 <b>" + esc(tr.gettext("Meetings of this group")) + "</b>",
        esc(tr.gettext("An administrator schedules a meeting on a field or topic; I post its brief 24 hours "
                       "and 30 minutes before, pin it, and unpin it after the meeting.")),
        "",
        f"<code>{esc(example)}</code>",
        esc(tr.gettext("The time can also be written 28/12/2026 8h, mai 8h, tomorrow 8:00 or thứ 6 14h.")),
        "",
        "<code>/meeting list</code> — " + esc(tr.gettext("meetings ahead")),
        "<code>/meeting cancel 1</code> — " + esc(tr.gettext("cancel meeting 1 of the list")),
        "<code>/meeting readers</code> — " + esc(tr.gettext("who confirmed reading the brief")),
        "<code>/meeting readers off</code> — " + esc(tr.gettext("no “Read” button under the briefs")),
        "<code>/meeting remind 24h 30m</code> — " + esc(tr.gettext("when the briefs are posted")),
    ]
    return "\n".join(lines)


def groups_only(tr: Translator) -> str:
    return esc(tr.gettext("Meetings are scheduled in a group: add me to the group and send /meeting there."))


def admins_only(tr: Translator) -> str:
    return esc(tr.gettext("Sorry, comrade: only the group's administrators can manage its meetings."))


def bad_when(reason: str, example: str, tr: Translator) -> str:
    first = {
        "past": tr.gettext("That time has already passed."),
        "far": tr.gettext("That is more than a year ahead."),
        "no_time": tr.gettext("Please add the time of the meeting."),
    }.get(reason, tr.gettext("I could not read the time of the meeting."))
    return esc(first) + "\n" + esc(tr.gettext("For example:")) + f"\n<code>{esc(example)}</code>"


def no_topic(example: str, tr: Translator) -> str:
    return (esc(tr.gettext("Please add the field or topic of the meeting after its time, for example:"))
            + f"\n<code>{esc(example)}</code>")


def unknown_topic(words: str, fields: Sequence[str], tr: Translator) -> str:
    lines = [esc(tr.gettext("I found nothing in the report on “{words}”.").format(words=shorten(words, 60))),
             esc(tr.gettext("Fields with a ready brief:")) + " " + esc(", ".join(fields))]
    return "\n".join(lines)


def too_many(limit: int, tr: Translator) -> str:
    return esc(tr.gettext("This group already has {n} meetings ahead; cancel one first (/meeting list).")
               .format(n=limit))


def duplicate(tr: Translator) -> str:
    return esc(tr.gettext("This meeting is already scheduled (/meeting list)."))


def scheduled(meeting: Meeting, title: str, posts: Sequence[Post], tz: tzinfo, readers: bool,
              tr: Translator) -> str:
    lines = ["✅ <b>" + esc(tr.gettext("Meeting scheduled")) + "</b>",
             "📅 " + esc(tr.listed(local(meeting.starts_at, tz))) + " — " + esc(title)]
    briefs = [p for p in posts if p.kind != "unpin" and p.status == "due"]
    if briefs:
        times = "; ".join(tr.listed(local(p.due_at, tz)) for p in briefs)
        lines.append(esc(tr.gettext("I will post the brief at: {times}.").format(times=times)))
        lines.append(esc(tr.gettext("The latest brief is pinned and unpinned after the meeting.")))
    else:
        lines.append(esc(tr.gettext("No brief will be posted before it (see /meeting remind).")))
    if readers:
        lines.append(esc(tr.gettext("Members can press “Read” under the brief; /meeting readers shows who did.")))
    return "\n".join(lines)


def meeting_list(meetings: Sequence[tuple[Meeting, str]], tz: tzinfo, example: str, tr: Translator) -> str:
    if not meetings:
        return esc(tr.gettext("No meetings ahead. Schedule one, for example:")) + f"\n<code>{esc(example)}</code>"
    lines = ["📅 <b>" + esc(tr.gettext("Meetings ahead")) + "</b>"]
    lines += [f"{n}. {esc(tr.listed(local(m.starts_at, tz)))} — {esc(title)}"
              for n, (m, title) in enumerate(meetings, 1)]
    lines.append("<i>" + esc(tr.gettext("To cancel one: /meeting cancel <number>.")) + "</i>")
    return "\n".join(lines)


def bad_number(count: int, tr: Translator) -> str:
    if count == 0:
        return esc(tr.gettext("There are no meetings ahead to cancel."))
    return esc(tr.gettext("Please give a number from 1 to {n}, as in /meeting list.").format(n=count))


def cancelled(meeting: Meeting, title: str, tz: tzinfo, tr: Translator) -> str:
    return "🗑 " + esc(tr.gettext("Cancelled: {when} — {title}.").format(
        when=tr.listed(local(meeting.starts_at, tz)), title=title))


def readers(meeting: Meeting | None, title: str, people: Sequence[Reader], tz: tzinfo, tr: Translator) -> str:
    if meeting is None:
        return esc(tr.gettext("No meeting yet: schedule one with /meeting."))
    lines = ["👥 <b>" + esc(tr.gettext("Who confirmed reading the brief")) + "</b>",
             esc(tr.listed(local(meeting.starts_at, tz))) + " — " + esc(title)]
    if not people:
        lines.append(esc(tr.gettext("Nobody yet.")))
        return "\n".join(lines)
    lines.append(esc(tr.ngettext("{n} member", "{n} members", len(people)).format(n=len(people))))
    for n, person in enumerate(people[:READERS_LISTED], 1):
        at = local(person.read_at, tz)
        lines.append(f"{n}. {esc(person.name)} ({at.hour:02d}:{at.minute:02d} {at.day:02d}/{at.month:02d})")
    if len(people) > READERS_LISTED:
        more = len(people) - READERS_LISTED
        lines.append(esc(tr.ngettext("… and {n} more", "… and {n} more", more).format(n=more)))
    return "\n".join(lines)


def readers_switched(on: bool, tr: Translator) -> str:
    return esc(tr.gettext("The “Read” button is on for this group's briefs.") if on
               else tr.gettext("The “Read” button is off for this group's briefs."))


def reminders(settings: ChatSettings, changed: int, tr: Translator) -> str:
    times = [duration_text(m, tr) for m in (settings.first_minutes, settings.second_minutes) if m]
    text = tr.gettext("Briefs are posted {times} before each meeting.").format(
        times=(" " + tr.gettext("and") + " ").join(times))
    if changed:
        text += " " + tr.ngettext("{n} meeting ahead was re-planned.", "{n} meetings ahead were re-planned.",
                                  changed).format(n=changed)
    return esc(text)


def bad_reminders(tr: Translator) -> str:
    return esc(tr.gettext("Give two lead times, the longer first, e.g. /meeting remind 24h 30m "
                          "(or /meeting remind off 30m for one brief only)."))


# ---------------------------------------------------------------------------------------------
# The meeting's own messages


def post_header(meeting: Meeting, now: int, tz: tzinfo, readers_on: bool, tr: Translator) -> list[str]:
    minutes = max((meeting.starts_at - now + 59) // 60, 0)
    lines = ["📅 <b>" + esc(tr.gettext("Meeting at {when}").format(when=tr.listed(local(meeting.starts_at, tz))))
             + "</b>",
             esc(tr.gettext("In {duration}. Please read the brief below before the meeting.")
                 .format(duration=duration_text(minutes, tr)))]
    if readers_on:
        lines.append("<i>" + esc(tr.gettext("Press “Read” when you have read it.")) + "</i>")
    return [*lines, ""]


def post_rows(pack: ContentPack, meeting: Meeting, readers_on: bool, tr: Translator) -> list[Row]:
    row: Row = []
    if readers_on:
        row.append(button(tr.gettext("✅ Read"), MeetingRead(meeting.id), pack))
    row.append(button(tr.gettext("📄 Handout (Word)"), MeetingHandout(meeting.id), pack))
    return [row]


def cannot_pin(tr: Translator) -> str:
    return "📌 " + esc(tr.gettext("I cannot pin messages in this group, so the briefs stay unpinned. An "
                                 "administrator can give me the right to pin messages."))


def no_brief_now(title: str, tr: Translator) -> str:
    return esc(tr.gettext("The report no longer holds a brief on “{title}”; please check the topic (/briefing).")
               .format(title=title))


def read_thanks(tr: Translator) -> str:
    return tr.gettext("Thank you, comrade: noted that you have read the brief.")


def read_already(tr: Translator) -> str:
    return tr.gettext("You have already confirmed reading this brief.")


def read_closed(tr: Translator) -> str:
    return tr.gettext("This meeting was cancelled.")
