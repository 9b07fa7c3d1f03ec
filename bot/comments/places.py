"""Where a comment stands in the report, and the deep link that opens a section's comment from a group.

A deep link's payload is at most 64 characters of ``A-Za-z0-9_-`` (Telegram). Section ids are ASCII
letters, digits and dots, at most 24 (bot/content/schema.py, SECTION_ID_PATTERN), so ``c_`` and the id
with each dot written as a hyphen fits, reads, and goes back without loss; anything else is refused.
"""

from __future__ import annotations

import re

from bot.content import ContentPack
from bot.store.comments_repo import Place

#: The payload of the deep link to the comment menu; a section's is DEEP_LINK + "_" + its id.
DEEP_LINK = "c"
_PAYLOAD_RE = re.compile(r"^c_([A-Za-z0-9][A-Za-z0-9-]{0,23})$")
_SECTION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.]{0,23}$")
MAX_PAYLOAD = 64


def payload(section_id: str | None) -> str:
    """``c_p1-I-1-1`` for section ``p1.I.1.1``; ``c`` for the menu of parts."""
    if section_id is None:
        return DEEP_LINK
    if not _SECTION_RE.match(section_id):
        raise ValueError(f"section id {section_id!r} cannot travel in a deep link")
    return f"{DEEP_LINK}_{section_id.replace('.', '-')}"


def section_of(text: str) -> str | None:
    """The section id a payload names, or None when it is not one of ours (whether it exists is the pack's
    business)."""
    m = _PAYLOAD_RE.match(text)
    return m.group(1).replace("-", ".") if m else None


def link(bot_username: str, section_id: str | None) -> str:
    return f"https://t.me/{bot_username}?start={payload(section_id)}"


def place_of(pack: ContentPack, section_id: str) -> Place:
    """The section as the pack names it now (in the report's own language: this is what the committee
    reads), to be stored with a comment."""
    part = pack.part_of(section_id)
    return Place(section_id, pack.section_label(section_id), pack.reference(section_id),
                 pack.section_title(section_id), part.id, pack.section_label(part.id))


def exists(pack: ContentPack, section_id: str) -> bool:
    return section_id in pack.sections


def order(pack: ContentPack) -> dict[str, int]:
    """Sections in reading order (the pack's order), for sorting comments as the report runs."""
    return {section_id: n for n, section_id in enumerate(pack.sections)}
