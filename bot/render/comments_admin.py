"""/comments for the drafting committee (BOT_ADMINS): the counts in one message, and the export's caption.

Per stance, per part, per section (the most commented first, as many as fit a phone's screen; all of
them in the workbook), per day, and the sections with the most "Không tán thành".
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.comments.labels import STANCE_MARKS
from bot.comments.stats import SectionTally, Summary, Tally
from bot.content import ContentPack
from bot.i18n import Translator
from bot.render.comments import CommentsExport, command, stance_text, where
from bot.render.common import Page, Row, button, markup
from bot.render.text import esc
from bot.store.comments_repo import STANCES

#: Sections listed by count in the message; the workbook has them all.
SECTIONS_SHOWN = 12
#: Days listed (the latest); the workbook's dates have them all.
DAYS_SHOWN = 14
BAR = "▇"
BAR_WIDTH = 10


def _tally(tally: Tally, tr: Translator) -> str:
    """``12: ✅ 5 · ❌ 4 · 🔶 3``."""
    return f"{tr.number(tally.total)}: " + " · ".join(f"{STANCE_MARKS[s]} {tr.number(tally.of(s))}" for s in STANCES)


def _section(pack: ContentPack, tr: Translator, s: SectionTally) -> str:
    return esc(where(pack, tr, s.place))


def stats_page(pack: ContentPack, tr: Translator, summary: Summary, tz: tzinfo, now: datetime) -> Page:
    title = "📊 <b>" + esc(tr.gettext("Comments on the draft")) + "</b>"
    lines = [title, "<i>" + esc(pack.meta_text(tr.lang).document_kind) + "</i>", ""]
    total = summary.total
    if not total.total:
        lines.append(esc(tr.gettext("No comments yet.")))
        return "\n".join(lines), None
    lines.append("<b>" + esc(tr.ngettext("{n} comment from {people} people", "{n} comments from {people} people",
                                         total.total).format(n=tr.number(total.total),
                                                             people=tr.number(summary.people))) + "</b>")
    lines += [esc(f"{stance_text(s, tr)}: {tr.number(total.of(s))}") for s in STANCES]
    lines += ["", "<b>" + esc(tr.gettext("By part:")) + "</b>"]
    lines += [f"• {esc(p.label)} — {esc(_tally(p.tally, tr))}" for p in summary.parts]
    ranked = sorted(summary.sections, key=lambda s: -s.tally.total)
    lines += ["", "<b>" + esc(tr.gettext("By section ({n} with comments):").format(
        n=tr.number(len(ranked)))) + "</b>"]
    lines += [f"• {_section(pack, tr, s)} — {esc(_tally(s.tally, tr))}" for s in ranked[:SECTIONS_SHOWN]]
    if len(ranked) > SECTIONS_SHOWN:
        more = len(ranked) - SECTIONS_SHOWN
        lines.append(esc(tr.ngettext("… and {n} more section: all of them in the workbook.",
                                     "… and {n} more sections: all of them in the workbook.", more)
                         .format(n=tr.number(more))))
    if summary.most_disagreed:
        lines += ["", "<b>" + esc(tr.gettext("Most disagreed with:")) + "</b>"]
        lines += [f"{n}. {_section(pack, tr, s)} — {STANCE_MARKS['disagree']} {esc(tr.number(s.tally.disagree))}"
                  for n, s in enumerate(summary.most_disagreed, start=1)]
    days = summary.days[-DAYS_SHOWN:]
    peak = max(count for _, count in days)
    lines += ["", "<b>" + esc(tr.gettext("By day (first sent):")) + "</b>"]
    lines += [f"<code>{esc(_day(day, tr))}</code> {BAR * max(1, round(BAR_WIDTH * count / peak))} "
              f"{esc(tr.number(count))}" for day, count in days]
    lines += ["", "<i>" + esc(tr.gettext("As of {when} ({zone}).").format(when=tr.when(now), zone=tr.zone(tz)))
              + "</i>"]
    rows: list[Row] = [[button(tr.gettext("📥 Export (Excel and CSV)"), CommentsExport(), pack)]]
    return "\n".join(lines), markup(rows)


def _day(day: date, tr: Translator) -> str:
    """``24/11/2026`` / ``Nov 24, 2026``."""
    return tr.date(day, "dd/MM/yyyy" if tr.lang == "vi" else "MMM d, y")


def usage(tr: Translator) -> str:
    return esc(tr.gettext("{stats} shows the counts; {export} sends the workbook (Excel) and a CSV.").format(
        stats=command(tr, "comments"), export=command(tr, "comments", tr.gettext("export"))))


def export_caption(tr: Translator, summary: Summary, now: datetime, named: bool) -> str:
    total = summary.total.total
    text = tr.ngettext("Comments on the draft: {n} comment from {people} people, as of {when}.",
                       "Comments on the draft: {n} comments from {people} people, as of {when}.", total).format(
        n=tr.number(total), people=tr.number(summary.people), when=tr.when(now))
    who = (tr.gettext("Commenters are shown by their Telegram id.") if named else
           tr.gettext("Commenters are shown by a pseudonym drawn for this export only."))
    return "📊 " + esc(text) + "\n" + esc(who)


def private_only(tr: Translator) -> str:
    return esc(tr.gettext("Send this in a private chat with me: the comments are not for the group."))


def preparing(tr: Translator) -> str:
    return tr.gettext("Preparing the document…")
