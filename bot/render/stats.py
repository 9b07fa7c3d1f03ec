"""/stats for administrators: who uses the bot, digests delivered, what people look up. Pure."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render.text import esc
from bot.store.stats_repo import Figures

#: Lookups listed per list: a phone's screen.
LOOKUPS_SHOWN = 10


def _counts(label: str, sent: int, failed: int, uncertain: int, tr: Translator) -> str:
    return esc(tr.gettext("{label}: {sent} sent, {failed} failed, {uncertain} uncertain").format(
        label=label, sent=tr.number(sent), failed=tr.number(failed), uncertain=tr.number(uncertain)))


def _lookups(title: str, rows: list[tuple[str, int]], tr: Translator) -> list[str]:
    lines = ["", f"<b>{esc(title)}</b>"]
    if not rows:
        return [*lines, esc(tr.gettext("none yet"))]
    return lines + [f"{tr.number(n)} × {esc(q)}" for q, n in rows[:LOOKUPS_SHOWN]]


def stats_page(figures: Figures, found: list[tuple[str, int]], missed: list[tuple[str, int]],
               admitted: int, mode: str, version: str, tr: Translator) -> str:
    s = figures.subscribers
    lines = ["📈 <b>" + esc(tr.gettext("Bot statistics")) + "</b>", ""]
    lines.append(esc(tr.gettext("Users: {active} active ({total} ever)").format(
        active=tr.number(figures.users_active), total=tr.number(figures.users))))
    lines.append(esc(tr.gettext("Access: {mode}; {n} admitted by invite").format(mode=mode, n=tr.number(admitted))))
    lines.append(esc(tr.gettext("Digest subscribers: {private} private, {groups} groups").format(
        private=tr.number(s.private), groups=tr.number(s.groups))))
    if s.paused_by_access:
        lines.append(esc(tr.gettext("Paused (no longer admitted): {n}").format(n=tr.number(s.paused_by_access))))
    lines += ["", "<b>" + esc(tr.gettext("Digests")) + "</b>"]
    t, w = figures.today, figures.week
    lines.append(_counts(tr.gettext("Today"), t.sent, t.failed, t.sending, tr))
    lines.append(_counts(tr.gettext("7 days"), w.sent, w.failed, w.sending, tr))
    lines += _lookups(tr.gettext("Most looked up"), found, tr)
    lines += _lookups(tr.gettext("Looked up, not in the report (content to add?)"), missed, tr)
    lines += ["", esc(tr.gettext("Comments on the draft: {n}").format(n=tr.number(figures.comments))),
              "<i>" + esc(tr.gettext("Content version {version}.").format(version=version)) + "</i>"]
    return "\n".join(lines)
