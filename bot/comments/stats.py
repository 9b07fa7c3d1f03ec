"""The committee's counts: per stance, per part and section, per day, and the sections most disagreed with.

Comments on a section a later content pack no longer has are counted under the place stored with them
(``present`` False), after the sections of the current pack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.comments.places import order, place_of
from bot.content import ContentPack
from bot.store.comments_repo import STANCES, Comment, Place, Stance

#: Sections listed under "most disagreed with".
TOP = 5


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    disagree: int = 0
    partly: int = 0

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.partly

    def of(self, stance: Stance) -> int:
        return int(getattr(self, stance))

    @classmethod
    def count(cls, stances: Sequence[Stance]) -> Tally:
        c = Counter(stances)
        return cls(c["agree"], c["disagree"], c["partly"])


@dataclass(frozen=True)
class SectionTally:
    place: Place       # as the current pack names it, or as stored when the pack no longer has it
    present: bool
    tally: Tally


@dataclass(frozen=True)
class PartTally:
    part_id: str
    label: str
    tally: Tally


@dataclass(frozen=True)
class Summary:
    total: Tally
    people: int
    parts: list[PartTally]
    sections: list[SectionTally]
    days: list[tuple[date, int]]          # comments first sent on each local day, oldest first
    most_disagreed: list[SectionTally]    # most "Không tán thành" first; only sections with one


def current_place(pack: ContentPack, comment: Comment) -> tuple[Place, bool]:
    """Where the comment stands in the pack now, or where it stood (False) when the section is gone."""
    if comment.section_id in pack.sections:
        return place_of(pack, comment.section_id), True
    return comment.place, False


def summarise(comments: Sequence[Comment], pack: ContentPack, tz: tzinfo) -> Summary:
    positions = order(pack)
    by_section: dict[str, list[Stance]] = {}
    places: dict[str, tuple[Place, bool]] = {}
    by_part: dict[str, list[Stance]] = {}
    part_labels: dict[str, str] = {}
    days: Counter[date] = Counter()
    for comment in comments:
        place, present = current_place(pack, comment)
        by_section.setdefault(comment.section_id, []).append(comment.stance)
        places.setdefault(comment.section_id, (place, present))
        by_part.setdefault(place.part_id, []).append(comment.stance)
        part_labels.setdefault(place.part_id, place.part_label)
        days[datetime.fromtimestamp(comment.created_at, tz).date()] += 1

    def section_key(section_id: str) -> tuple[int, str]:
        return positions.get(section_id, len(positions)), section_id

    sections = [SectionTally(places[s][0], places[s][1], Tally.count(by_section[s]))
                for s in sorted(by_section, key=section_key)]
    parts = [PartTally(p, part_labels[p], Tally.count(by_part[p])) for p in sorted(by_part, key=section_key)]
    disagreed = sorted((s for s in sections if s.tally.disagree), key=lambda s: -s.tally.disagree)[:TOP]
    return Summary(Tally.count([c.stance for c in comments]), len({c.user_id for c in comments}), parts,
                   sections, sorted(days.items()), disagreed)


__all__ = ["STANCES", "TOP", "PartTally", "SectionTally", "Summary", "Tally", "current_place", "summarise"]
