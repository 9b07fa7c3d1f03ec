"""The words for stances and đối tượng, in the reader's language (the committee's export uses them too)."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.store.comments_repo import Audience, Stance

#: The stances of the national consultation on the 2025 congress drafts (VNeID), in that order.
STANCE_WORDS: dict[Stance, str] = {
    "agree": N_("Agree"),
    "disagree": N_("Disagree"),
    "partly": N_("Partly agree"),
}
STANCE_MARKS: dict[Stance, str] = {"agree": "✅", "disagree": "❌", "partly": "🔶"}
AUDIENCE_WORDS: dict[Audience, str] = {
    "party_member": N_("Party member"),
    "cadre": N_("Cadre, civil servant"),
    "citizen": N_("Citizen"),
}


def stance_name(stance: Stance, tr: Translator) -> str:
    return tr.gettext(STANCE_WORDS[stance])


def audience_name(audience: Audience | None, tr: Translator) -> str:
    return tr.gettext(AUDIENCE_WORDS[audience]) if audience is not None else ""
