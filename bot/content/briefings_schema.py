"""The schema of ``content/briefings.yaml``: which figures and items a brief takes, the targets at a
glance, the last term's targets, and the words printed on a handout.

What a brief holds is a curator's choice about the report, so it lives in the pack, not in Python.
Limits keep a brief on one screen: at most five figures, three results, two limitations, three tasks.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.content.schema import ID_PATTERN, Strict

#: Brief ids travel in callback data next to a prefix (bot/render/briefing.py): short ASCII.
BRIEF_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,23}$"


class Text(Strict):
    """A short text in the pack's language and in English (as menu.yaml's titles are written)."""

    vi: str = Field(min_length=1, max_length=120)
    en: str = Field(min_length=1, max_length=120)


class BriefSpec(Strict):
    id: str = Field(pattern=BRIEF_ID_PATTERN)
    # A field of menu.yaml (its title is the brief's title), or none for a topic brief with a title.
    field: str | None = None
    title: Text | None = None
    # Words a cadre types after /briefing to get this brief (no diacritics needed).
    aliases: list[str] = Field(default_factory=list, max_length=20)
    figures: list[str] = Field(default_factory=list, max_length=5)
    results: list[str] = Field(default_factory=list, max_length=3)
    limitations: list[str] = Field(default_factory=list, max_length=2)
    tasks: list[str] = Field(default_factory=list, max_length=3)
    breakthrough: str | None = Field(default=None, pattern=ID_PATTERN)

    @field_validator("aliases")
    @classmethod
    def _aliases_short(cls, aliases: list[str]) -> list[str]:
        for alias in aliases:
            if not 1 <= len(alias.strip()) <= 40:
                raise ValueError(f"alias {alias!r} must be 1-40 characters")
        return aliases


class TargetValue(Strict):
    """One value on a target's line: a 2030 figure, and the figure the report gives for now beside it."""

    figure: str = Field(pattern=ID_PATTERN)
    label: Text | None = None
    baseline: str | None = Field(default=None, pattern=ID_PATTERN)


class TargetSpec(Strict):
    number: int = Field(ge=1, le=99)
    item: str | None = Field(default=None, pattern=ID_PATTERN)
    name: Text
    values: list[TargetValue] = Field(min_length=1, max_length=6)


class PreviousTarget(Strict):
    """A target of the last term: what the report says was reached, against what was aimed at."""

    result: str = Field(pattern=ID_PATTERN)
    target: str | None = Field(default=None, pattern=ID_PATTERN)


class PreviousTerm(Strict):
    title: Text
    # Figures shown first, with their note (e.g. how many targets are expected not to be reached).
    summary: list[str] = Field(default_factory=list, max_length=4)
    targets: list[PreviousTarget] = Field(min_length=1, max_length=30)


class HandoutText(Strict):
    """The words of a printed handout that belong to the organisation, not to the bot."""

    heading: Text          # top line, e.g. the Party organisation
    brief_title: Text      # "{title}" stands for the brief's title
    targets_title: Text
    footer: Text


class BriefingsFile(Strict):
    briefings: list[BriefSpec] = Field(min_length=1)
    targets_title: Text | None = None
    targets: list[TargetSpec] = Field(default_factory=list, max_length=40)
    previous_term: PreviousTerm | None = None
    handout: HandoutText
