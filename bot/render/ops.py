"""What /reload answers an administrator: what changed, or why the old pack keeps serving."""

from __future__ import annotations

from bot.i18n import Translator
from bot.ops.reload import Counts, Refused, Reloaded
from bot.render.text import esc

#: A Telegram message holds 4096 characters; the error list stops well before, with a count of the rest.
ERRORS_BUDGET = 3500


def _counts_line(tr: Translator, label: str, old: int, new: int) -> str:
    if old == new:
        return f"• {esc(label)}: {tr.number(new)}"
    return f"• {esc(label)}: {tr.number(old)} → <b>{tr.number(new)}</b>"


def reloaded(tr: Translator, done: Reloaded) -> str:
    if done.unchanged:
        return "🔄 " + esc(tr.gettext("Content reloaded and checked: nothing changed (version {version}, {fp}).")
                          .format(version=done.new_version, fp=done.new_fingerprint))
    lines = ["🔄 <b>" + esc(tr.gettext("New content is serving")) + "</b>",
             esc(tr.gettext("Version {old} → {new}")).format(old=f"<code>{esc(done.old_version)}</code>",
                                                               new=f"<code>{esc(done.new_version)}</code>")
             + f" (<code>{esc(done.old_fingerprint)}</code> → <code>{esc(done.new_fingerprint)}</code>)"]
    old, new = done.old, done.new
    rows: list[tuple[str, int, int]] = [
        (tr.gettext("Sections"), old.sections, new.sections),
        (tr.gettext("Items"), old.items, new.items),
        (tr.gettext("Figures"), old.figures, new.figures),
        (tr.gettext("Notes"), old.notes, new.notes),
        (tr.gettext("Quiz questions"), old.questions, new.questions),
    ]
    lines += [_counts_line(tr, label, a, b) for label, a, b in rows]
    lines.append(esc(tr.gettext("Buttons of older messages now say they are out of date and open a fresh menu.")))
    return "\n".join(lines)


def refused(tr: Translator, failed: Refused) -> str:
    """The errors as file:line lines, as many as fit one message, and how many more there are."""
    n = len(failed.errors)
    head = ["⛔ <b>" + esc(tr.ngettext("The new content has {n} error; nothing was changed.",
                                          "The new content has {n} errors; nothing was changed.", n)
                            .format(n=tr.number(n))) + "</b>",
            esc(tr.gettext("Still serving version {version}.").format(version=failed.version)), ""]
    used = sum(len(line) + 1 for line in head)
    shown: list[str] = []
    for error in failed.errors:
        line = "• <code>" + esc(error if len(error) <= 400 else error[:399] + "…") + "</code>"
        if used + len(line) + 1 > ERRORS_BUDGET:
            break
        shown.append(line)
        used += len(line) + 1
    tail: list[str] = []
    if len(shown) < n:
        more = n - len(shown)
        tail = ["", esc(tr.ngettext("…and {n} more: run python -m bot check-content to see every one.",
                                    "…and {n} more: run python -m bot check-content to see every one.", more)
                        .format(n=tr.number(more)))]
    return "\n".join(head + shown + tail)


def reload_busy(tr: Translator) -> str:
    return esc(tr.gettext("Checking the content pack… (this takes a few seconds)"))


__all__ = ["Counts", "refused", "reload_busy", "reloaded"]
