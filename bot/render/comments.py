"""Comments on the draft, as a cadre sees them: the "Góp ý" button, the menu of parts, the stance, the
prompts, the preview, one's own comments. Pure: ``(model, translator) -> (html, keyboard)``; every piece of
a user's text is escaped here. The callback kinds of comments are declared here (prefixes ga gs gx gr gm gl ge).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo

from telegram import InlineKeyboardButton

from bot.comments.labels import STANCE_MARKS, audience_name, stance_name
from bot.comments.policy import Status, Window
from bot.comments.text import MAX_COMMENT, MAX_UNIT, Problem, one_line
from bot.content import ContentPack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, button, markup, page_slice, pager_row
from bot.render.text import esc, shorten
from bot.store.comments_repo import AUDIENCES, STANCES, Comment, Commenter, Draft, Outcome, Place, Stance

#: Sections listed per page of the comment menu, and comments per page of one's own list.
MENU_PAGE = 8
#: Characters of a comment shown in a list of one's comments.
LIST_EXCERPT = 90
NONE = "-"  # a callback field that names no section
NOT_SAID = "none"  # the đối tượng button for "not said"


# ---------------------------------------------------------------------------------------------
# Callback kinds


@cb.register("ga")
class CommentOpen(cb.Callback):
    """Comment on a section: from a card (a new message) or from the comment menu (``here``: edit it)."""

    section: str = cb.ident(24)
    here: int = 0


@cb.register("gs")
class CommentStance(cb.Callback):
    section: str = cb.ident(24)
    stance: str = cb.ident(8)


#: What the action buttons do (bot/handlers/comments_steps.py has a step for each).
ACTIONS = frozenset({"skip", "keep", "send", "edit", "change", "cancel", "resume", "withdraw", "confirm", "profile",
                     "unitkeep", "unitnone"})


@cb.register("gx")
class CommentAction(cb.Callback):
    """One of ACTIONS, on a section (or "-")."""

    action: str = cb.ident(8)
    section: str = cb.ident(24)


@cb.register("gr")
class CommentAudience(cb.Callback):
    """The đối tượng chosen ("none": not said); then the unit, then the draft on ``section`` (or "-")."""

    audience: str = cb.ident(12)
    section: str = cb.ident(24)


@cb.register("gm")
class CommentMenu(cb.Callback):
    """The menu of parts (``node`` "-") or the sections under one."""

    node: str = cb.ident(24)
    page: int = 0


@cb.register("gl")
class CommentList(cb.Callback):
    """One's own comments and drafts."""

    page: int = 0


@cb.register("ge")
class CommentsExport(cb.Callback):
    """The committee's workbook (administrators)."""


KINDS: frozenset[type[cb.Callback]] = frozenset(
    {CommentOpen, CommentStance, CommentAction, CommentAudience, CommentMenu, CommentList, CommentsExport})


def is_comment_data(data: object) -> bool:
    parsed = cb.parse(data)
    return parsed is not None and type(parsed[1]) in KINDS


# ---------------------------------------------------------------------------------------------
# Pieces


def comment_button(pack: ContentPack, tr: Translator, section_id: str) -> InlineKeyboardButton:
    """The "✍️ Góp ý mục này" button under a section's original text and an item card."""
    return button(tr.gettext("✍️ Comment on this section"), CommentOpen(section_id), pack)


def comment_row(pack: ContentPack, tr: Translator, section_id: str) -> Row:
    return [comment_button(pack, tr, section_id)]


def command(tr: Translator, name: str, words: str = "") -> str:
    """``/gopy của tôi`` / ``/comment mine``: a command as the reader's language names it."""
    text = "/" + tr.pgettext("command", name)
    return f"{text} {words}" if words else text


def mine_command(tr: Translator) -> str:
    return command(tr, "comment", tr.gettext("mine"))


def where(pack: ContentPack, tr: Translator, place: Place | str) -> str:
    """``Phần I, mục I.1.1 — Công nghiệp - xây dựng`` (plain): a section of the pack (by id) in the reader's
    language; a comment's place as it stood when written, marked, when the current pack no longer has it."""
    section_id = place if isinstance(place, str) else place.section_id
    if section_id in pack.sections:
        return f"{pack.reference(section_id, lang=tr.lang)} — {pack.section_title(section_id, tr.lang)}"
    if isinstance(place, str):
        return place
    return f"{place.reference} — {place.title} " + tr.gettext("(no longer in the current text)")


def stance_text(stance: Stance, tr: Translator) -> str:
    return f"{STANCE_MARKS[stance]} {stance_name(stance, tr)}"


def deadline_line(status: Status, tr: Translator) -> str:
    """Short enough for a button's answer (200 characters)."""
    if status.window is Window.OFF:
        return tr.gettext("Comments on the draft are switched off.")
    if status.until is None:
        return ""
    day = tr.date(status.until, "long")
    if status.window is Window.CLOSED:
        return tr.gettext("Comments closed at the end of {date}.").format(date=day)
    return tr.gettext("Comments are taken until the end of {date}.").format(date=day)


def _quote(text: str) -> str:
    return f"<blockquote>{esc(text)}</blockquote>"


def _who_line(who: Commenter, tr: Translator) -> str:
    parts = []
    if who.audience is not None:
        parts.append(tr.gettext("As: {audience}").format(audience=audience_name(who.audience, tr)))
    if who.unit:
        parts.append(tr.gettext("Unit: {unit}").format(unit=who.unit))
    return esc(" · ".join(parts))


def _when(moment: int, tz: tzinfo, tr: Translator) -> str:
    return tr.when(datetime.fromtimestamp(moment, tz))


# ---------------------------------------------------------------------------------------------
# The menu of parts and sections


def menu_page(pack: ContentPack, tr: Translator, node: str, page: int, status: Status,
              commented: frozenset[str]) -> Page | None:
    """/comment: the parts of the draft, or the sections under one; a ✔ marks those one commented on."""
    title = "✍️ <b>" + esc(tr.gettext("Comments on the draft")) + "</b>"
    if node == NONE:
        lines = [title, "<i>" + esc(pack.meta_text(tr.lang).document_kind) + "</i>", "",
                 esc(tr.gettext("Choose the part of the draft you want to comment on. On each section you give one "
                                "opinion (agree, disagree or partly agree), which you can change or withdraw "
                                "until comments close."))]
        children = [s.id for s in pack.top_sections()]
        back: cb.Callback | None = None
    else:
        section = pack.sections.get(node)
        if section is None:
            return None
        lines = [title, "<b>" + esc(where(pack, tr, node)) + "</b>", "",
                 esc(tr.gettext("Comment on this whole section, or choose a smaller one:"))]
        children = list(section.children)
        back = CommentMenu(section.parent or NONE, 0)
    if (line := deadline_line(status, tr)):
        lines += ["", "<i>" + esc(line) + "</i>"]
    shown, page, pages = page_slice(children, page, MENU_PAGE)
    rows: list[Row] = []
    if node != NONE:
        rows.append([button(tr.gettext("✍️ Comment on this section"), CommentOpen(node, 1), pack)])
    for child in shown:
        mark = "✔️ " if child in commented else ""
        label = shorten(mark + _section_label(pack, tr, child), 56)
        data: cb.Callback = CommentMenu(child, 0) if pack.sections[child].children else CommentOpen(child, 1)
        rows.append([button(label, data, pack)])
    rows.append(pager_row(pack, page, pages, lambda p: CommentMenu(node, p)))
    last: Row = []
    if back is not None:
        last.append(button(tr.gettext("⬅️ Back"), back, pack))
    last.append(button(tr.gettext("📋 My comments"), CommentList(0), pack))
    rows.append(last)
    return "\n".join(lines), markup(rows)


_NUMBERING_RE = re.compile(r"^[IVXLC\d.]+$")


def _section_label(pack: ContentPack, tr: Translator, section_id: str) -> str:
    """``I.1. Kinh tế`` where the report numbers the section, else its name alone (``Phần thứ nhất: …``)."""
    label, title = pack.section_label(section_id, tr.lang), pack.section_title(section_id, tr.lang)
    return f"{label}. {title}" if _NUMBERING_RE.match(label) else title


# ---------------------------------------------------------------------------------------------
# Writing one


def stance_page(pack: ContentPack, tr: Translator, section_id: str, status: Status,
                current: Stance | None = None, note: str = "") -> Page:
    """The section and the three stances (the one of a draft being edited marked)."""
    lines = ["✍️ <b>" + esc(tr.gettext("Comments on the draft")) + "</b>",
             "<b>" + esc(where(pack, tr, section_id)) + "</b>", ""]
    if note:
        lines += [esc(note), ""]
    lines.append(esc(tr.gettext("What is your opinion on this section?")))
    if (line := deadline_line(status, tr)):
        lines += ["", "<i>" + esc(line) + "</i>"]
    rows: list[Row] = [[button(("• " if s == current else "") + stance_text(s, tr), CommentStance(section_id, s), pack)]
                       for s in STANCES]
    rows.append([button(tr.gettext("📜 Original text"), cb.Original(section_id), pack),
                 button(tr.gettext("✖️ Cancel"), CommentAction("cancel", section_id), pack)])
    return "\n".join(lines), markup(rows)


def text_prompt(pack: ContentPack, tr: Translator, draft: Draft, current_body: str | None) -> Page:
    """After the stance: write the text (optional when agreeing; the current one can be kept when editing)."""
    lines = ["✍️ <b>" + esc(where(pack, tr, draft.section_id)) + "</b>",
             esc(tr.gettext("Opinion: {stance}").format(stance=stance_text(draft.stance, tr))), "",
             esc(tr.gettext("Send your comment as your next message (or as a reply to this one), up to {limit} "
                            "characters.").format(limit=tr.number(MAX_COMMENT)))]
    if draft.stance == "agree":
        lines.append(esc(tr.gettext("When you agree, a text is optional.")))
    if current_body:
        lines += ["", esc(tr.gettext("Current text:")), _quote(current_body)]
    rows: list[Row] = []
    if current_body:
        rows.append([button(tr.gettext("↩️ Keep the current text"), CommentAction("keep", draft.section_id), pack)])
    if draft.stance == "agree":
        rows.append([button(tr.gettext("➡️ No text"), CommentAction("skip", draft.section_id), pack)])
    rows.append([button(tr.gettext("✖️ Cancel"), CommentAction("cancel", draft.section_id), pack)])
    return "\n".join(lines), markup(rows)


def problem_text(problem: Problem, length: int, tr: Translator, *, unit: bool = False) -> str:
    if unit:
        return esc(tr.gettext("A unit is a name in words, at most {limit} characters. Send it again, or press "
                              "a button above.").format(limit=tr.number(MAX_UNIT)))
    if problem is Problem.TOO_LONG:
        return esc(tr.gettext("Your comment has {n} characters; at most {limit} are taken. Please shorten it and "
                              "send it again.").format(n=tr.number(length), limit=tr.number(MAX_COMMENT)))
    if problem is Problem.NO_WORDS:
        return esc(tr.gettext("Please write your comment in words: emoji or symbols alone are not a comment."))
    return esc(tr.gettext("Your comment is empty. Please write it as your next message, or press Cancel."))


def audience_prompt(pack: ContentPack, tr: Translator, then: str, current: Commenter | None = None) -> Page:
    """Who one comments as (asked once; ``then``: the section whose preview follows, or "-")."""
    lines = ["👤 " + esc(tr.gettext("You comment as (optional; asked once, you can change it with {command}):")
                        .format(command=mine_command(tr)))]
    chosen = current.audience if current is not None else None
    rows: list[Row] = [[button(("• " if a == chosen else "") + audience_name(a, tr), CommentAudience(a, then), pack)]
                       for a in AUDIENCES]
    rows.append([button(tr.gettext("Not said"), CommentAudience(NOT_SAID, then), pack)])
    return "\n".join(lines), markup(rows)


def unit_prompt(pack: ContentPack, tr: Translator, then: str, current: str | None) -> Page:
    lines = ["🏢 " + esc(tr.gettext("Your unit or where you live (optional), for example your Party cell or "
                                   "commune: send it as your next message, at most {limit} characters.")
                        .format(limit=tr.number(MAX_UNIT)))]
    rows: list[Row] = []
    if current:
        rows.append([button(shorten(tr.gettext("↩️ Keep: {unit}").format(unit=current), 48),
                            CommentAction("unitkeep", then), pack)])
    rows.append([button(tr.gettext("No unit"), CommentAction("unitnone", then), pack)])
    return "\n".join(lines), markup(rows)


def preview(pack: ContentPack, tr: Translator, draft: Draft, who: Commenter, sent: Comment | None,
            tz: tzinfo) -> Page:
    """The comment as it will be sent, with Send / Edit / Cancel."""
    lines = ["📝 <b>" + esc(tr.gettext("Check your comment")) + "</b>",
             esc(tr.gettext("Section: {place}").format(place=where(pack, tr, draft.section_id))),
             esc(tr.gettext("Opinion: {stance}").format(stance=stance_text(draft.stance, tr)))]
    lines.append(_quote(draft.body) if draft.body else "<i>" + esc(tr.gettext("(no text)")) + "</i>")
    if (who_line := _who_line(who, tr)):
        lines.append(who_line)
    if sent is not None:
        lines += ["", "<i>" + esc(tr.gettext("This replaces your comment sent {when}.")
                                  .format(when=_when(sent.created_at, tz, tr))) + "</i>"]
    s = draft.section_id
    rows: list[Row] = [
        [button(tr.gettext("📨 Send"), CommentAction("send", s), pack),
         button(tr.gettext("✏️ Edit"), CommentAction("edit", s), pack),
         button(tr.gettext("✖️ Cancel"), CommentAction("cancel", s), pack)],
        [button(tr.gettext("👤 Commenter details"), CommentAction("profile", s), pack)],
    ]
    return "\n".join(lines), markup(rows)


def outcome_text(tr: Translator, outcome: Outcome, place: str = "", sent_today: int = 0) -> str:
    """What became of "Send" (plain; GONE and LIMIT fit a button's answer)."""
    if outcome is Outcome.SENT:
        return "✅ " + tr.gettext("Your comment on {place} was sent. Thank you.").format(place=place)
    if outcome is Outcome.EDITED:
        return "✅ " + tr.gettext("Your comment on {place} was changed.").format(place=place)
    if outcome is Outcome.UNCHANGED:
        return tr.gettext("Your comment on {place} already says this: nothing changed.").format(place=place)
    if outcome is Outcome.LIMIT:
        return limit_reached(tr, sent_today)
    return tr.gettext("This comment was sent already.")


def limit_reached(tr: Translator, sent_today: int) -> str:
    return "⛔ " + tr.gettext("You have sent {n} comments today, the most one person can send in a day. Your draft "
                             "is kept: send it tomorrow.").format(n=tr.number(sent_today))


def outcome_page(pack: ContentPack, tr: Translator, outcome: Outcome, place: Place, status: Status,
                 sent_today: int) -> Page:
    """What became of "Send", with the way to one's comments."""
    lines = [esc(outcome_text(tr, outcome, where(pack, tr, place), sent_today))]
    if outcome in (Outcome.SENT, Outcome.EDITED):
        if status.until is not None and status.open:
            day = tr.date(status.until, "long")
            lines.append(esc(tr.gettext("You can change or withdraw it until the end of {date}: {command}.")
                             .format(date=day, command=mine_command(tr))))
        else:
            lines.append(esc(tr.gettext("You can change or withdraw it later: {command}.")
                             .format(command=mine_command(tr))))
    rows: list[Row] = [[button(tr.gettext("📋 My comments"), CommentList(0), pack),
                        button(tr.gettext("✍️ Another section"), CommentMenu(NONE, 0), pack)]]
    return "\n".join(lines), markup(rows)


def draft_kept(pack: ContentPack, tr: Translator, draft: Draft) -> Page:
    """After the conversation's timeout, or when a section with a draft is opened again."""
    at = where(pack, tr, draft.section_id)
    lines = ["⏳ " + esc(tr.gettext("Your comment on {place} is not sent yet. The draft is kept: continue whenever "
                                   "you are ready.").format(place=at))]
    rows: list[Row] = [[button(tr.gettext("▶️ Continue"), CommentAction("resume", draft.section_id), pack),
                        button(tr.gettext("🗑 Discard the draft"), CommentAction("cancel", draft.section_id), pack)]]
    return "\n".join(lines), markup(rows)


def discarded(tr: Translator) -> str:
    return esc(tr.gettext("Draft discarded."))


def cancelled(tr: Translator) -> str:
    return esc(tr.gettext("Cancelled: nothing was sent."))


def stance_first(tr: Translator) -> str:
    return esc(tr.gettext("Choose your opinion with the buttons of that message first."))


# ---------------------------------------------------------------------------------------------
# One's own


def comment_page(pack: ContentPack, tr: Translator, comment: Comment, tz: tzinfo, status: Status) -> Page:
    lines = ["✍️ <b>" + esc(tr.gettext("Your comment")) + "</b>",
             "<b>" + esc(where(pack, tr, comment.place)) + "</b>",
             esc(tr.gettext("Opinion: {stance}").format(stance=stance_text(comment.stance, tr))),
             _quote(comment.body) if comment.body else "<i>" + esc(tr.gettext("(no text)")) + "</i>"]
    who = _who_line(Commenter(comment.user_id, comment.audience, comment.unit, True, None), tr)
    if who:
        lines.append(who)
    dates = tr.gettext("Sent {when}").format(when=_when(comment.created_at, tz, tr))
    if comment.updated_at != comment.created_at:
        dates += "; " + tr.gettext("changed {when}").format(when=_when(comment.updated_at, tz, tr))
    lines.append("<i>" + esc(dates) + "</i>")
    if (line := deadline_line(status, tr)):
        lines += ["", "<i>" + esc(line) + "</i>"]
    rows: list[Row] = []
    if status.open:
        actions: Row = []
        if comment.section_id in pack.sections:
            actions.append(button(tr.gettext("✏️ Edit"), CommentAction("change", comment.section_id), pack))
        actions.append(button(tr.gettext("🗑 Withdraw"), CommentAction("withdraw", comment.section_id), pack))
        rows.append(actions)
    rows.append([button(tr.gettext("📋 My comments"), CommentList(0), pack)])
    return "\n".join(lines), markup(rows)


def withdraw_page(pack: ContentPack, tr: Translator, comment: Comment) -> Page:
    lines = [esc(tr.gettext("Withdraw your comment on {place}? It is deleted; you can comment again until "
                            "comments close.").format(place=where(pack, tr, comment.place)))]
    rows: list[Row] = [[button(tr.gettext("🗑 Yes, withdraw"), CommentAction("confirm", comment.section_id), pack),
                        button(tr.gettext("⬅️ Back"), CommentOpen(comment.section_id, 1), pack)]]
    return "\n".join(lines), markup(rows)


def withdrawn(pack: ContentPack, tr: Translator, place: Place) -> Page:
    lines = [esc(tr.gettext("Your comment on {place} was withdrawn.").format(place=where(pack, tr, place)))]
    return "\n".join(lines), markup([[button(tr.gettext("📋 My comments"), CommentList(0), pack)]])


def mine_page(pack: ContentPack, tr: Translator, comments: Sequence[Comment], drafts: Sequence[Draft],
              who: Commenter, page: int, tz: tzinfo, status: Status) -> Page:
    """/comment mine: one's comments (paged), unsent drafts, and who one comments as."""
    lines = ["📋 <b>" + esc(tr.gettext("Your comments ({n})").format(n=tr.number(len(comments)))) + "</b>"]
    if not comments:
        lines.append(esc(tr.gettext("You have not commented yet.")))
    shown, page, pages = page_slice(list(comments), page, MENU_PAGE)
    first = page * MENU_PAGE
    rows: list[Row] = []
    for n, comment in enumerate(shown, start=first + 1):
        lines += ["", f"{n}. <b>{esc(where(pack, tr, comment.place))}</b>",
                  esc(f"{stance_text(comment.stance, tr)} · {_when(comment.updated_at, tz, tr)}")]
        if comment.body:
            lines.append("<i>" + esc(shorten(one_line(comment.body), LIST_EXCERPT)) + "</i>")
        rows.append([button(shorten(f"{n}. {comment.place.anchor} — {comment.place.title}", 56),
                            CommentOpen(comment.section_id, 1), pack)])
    rows.append(pager_row(pack, page, pages, lambda p: CommentList(p)))
    live = [d for d in drafts if d.section_id in pack.sections]
    if live and status.open:
        lines += ["", esc(tr.gettext("Drafts not sent:"))]
        for d in live[:MENU_PAGE]:
            at = where(pack, tr, d.section_id)
            lines.append("• " + esc(at))
            rows.append([button(shorten("▶️ " + at, 56), CommentAction("resume", d.section_id), pack)])
    lines.append("")
    who_line = _who_line(who, tr)
    lines.append("👤 " + (who_line or esc(tr.gettext("You have not said who you comment as."))))
    if (line := deadline_line(status, tr)):
        lines += ["", "<i>" + esc(line) + "</i>"]
    last: Row = []
    if status.open:
        last.append(button(tr.gettext("👤 Commenter details"), CommentAction("profile", NONE), pack))
        last.append(button(tr.gettext("✍️ Another section"), CommentMenu(NONE, 0), pack))
    rows.append(last)
    return "\n".join(lines), markup(rows)


def profile_saved(tr: Translator, who: Commenter) -> str:
    return esc(tr.gettext("Saved.")) + (" " + _who_line(who, tr) if _who_line(who, tr) else "")


# ---------------------------------------------------------------------------------------------
# Refusals and redirections


def closed_page(pack: ContentPack, tr: Translator, status: Status) -> Page:
    rows: list[Row] = []
    if status.window is Window.CLOSED:  # one's comments can still be read
        rows.append([button(tr.gettext("📋 My comments"), CommentList(0), pack)])
    return esc(deadline_line(status, tr)), markup(rows)


def private_only(tr: Translator, url: str) -> Page:
    """In a group: comments are written privately; the button opens the private chat."""
    text = esc(tr.gettext("Comments are written in a private chat with me, so that each is your own: tap below."))
    return text, markup([[InlineKeyboardButton(tr.gettext("✍️ Comment in a private chat"), url=url)]])


def nothing_to_withdraw(tr: Translator) -> str:
    return tr.gettext("You have no comment on this section.")


def no_draft(tr: Translator) -> str:
    return esc(tr.gettext("That text is not waiting for anything any more. To comment on the draft: {command}.")
               .format(command=command(tr, "comment")))


def section_gone(tr: Translator) -> str:
    """Plain (a button's answer, or escaped by the caller)."""
    return tr.gettext("This section is no longer in the current text of the draft.")


def usage(tr: Translator) -> str:
    return esc(tr.gettext("{menu} opens the parts of the draft to comment on; {mine} lists your comments.")
               .format(menu=command(tr, "comment"), mine=mine_command(tr)))
