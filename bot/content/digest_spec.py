"""``digest.yaml``: what the daily digest carries, slot by slot, when it comes and the words it answers to.

Each slot has its own list of candidates in document order (bot/digest/compose.py): headline figures
and figures compared with another, or the items of the kinds it names. Its heading (an icon and a
title in each language; ``{term}`` is the pack's term) leads its block and its button. The default time
is a new subscriber's; BOT_TIMEZONE says in which zone (the pack never does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from pydantic import Field, field_validator

from bot.content.folding import fold_chars
from bot.content.kinds import Kinds
from bot.content.schema import Localized, Strict
from bot.content.yamlfile import YamlError, line_at, read_yaml, validated

FILE = "digest.yaml"
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
#: The only placeholder a title may hold.
TERM = "{term}"
_PLACEHOLDER_RE = re.compile(r"\{[^}]*\}")


class Heading(Strict):
    icon: str = Field(min_length=1, max_length=8)
    title: Localized

    @field_validator("title")
    @classmethod
    def _only_the_term(cls, title: Localized) -> Localized:
        for text in (title.vi, title.en):
            if any(p != TERM for p in _PLACEHOLDER_RE.findall(text)) or text.count("{") != text.count("}"):
                raise ValueError(f"a title may hold {TERM} and no other braces: {text!r}")
        return title


class SlotSpec(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,23}$")
    # true: the headline figures first, then figures compared with another (pending ones never)
    figures: bool = False
    # the item kinds (kinds.yaml) this slot shows, in document order...
    kinds: list[str] = Field(default_factory=list)
    # ...or one of each kind in turn (a limitation, then a task, ...)
    alternate: bool = False
    heading: Heading
    # where an item kind reads differently from the slot ("a task" in a limitation-or-task slot)
    headings: dict[str, Heading] = Field(default_factory=dict)


class Sentence(Strict):
    """A {vi, en} sentence (titles are short; a sentence is not)."""

    vi: str = Field(min_length=1, max_length=300)
    en: str = Field(min_length=1, max_length=300)


class Words(Strict):
    """What may follow /digest, matched folded (any case, with or without diacritics and spaces)."""

    settings: list[str] = Field(min_length=1)
    status: list[str] = Field(min_length=1)


class DigestFile(Strict):
    time: str = Field(pattern=TIME_PATTERN)
    times: list[str] = Field(min_length=1, max_length=12)
    about: Sentence  # what the digest is, under the title of its settings
    words: Words
    slots: list[SlotSpec] = Field(min_length=1, max_length=6)

    @field_validator("times")
    @classmethod
    def _times(cls, times: list[str]) -> list[str]:
        for value in times:
            if not re.match(TIME_PATTERN, value):
                raise ValueError(f"time {value!r} is not HH:MM (00:00 to 23:59)")
        return times


def minute(value: str) -> int:
    """``"07:30"`` -> 450."""
    parsed = time.fromisoformat(value)
    return parsed.hour * 60 + parsed.minute


@dataclass(frozen=True, eq=False)
class Slot:
    id: str
    figures: bool
    kinds: tuple[str, ...]
    alternate: bool
    heading: Heading
    headings: dict[str, Heading] = field(default_factory=dict)

    def heading_for(self, kind: str | None) -> Heading:
        """The heading an item of ``kind`` is shown under (the slot's, unless its kind has its own)."""
        return self.headings.get(kind or "", self.heading)


@dataclass(frozen=True)
class DigestSpec:
    """The pack's digest: its slots, the default and offered times (minutes of the day), its words."""

    slots: tuple[Slot, ...] = ()
    minute: int = 7 * 60
    times: tuple[int, ...] = ()
    about: Sentence | None = None
    settings_words: frozenset[str] = frozenset()
    status_words: frozenset[str] = frozenset()


def folded_word(words: str) -> str:
    """``Cài Đặt`` -> ``caidat``: how a word after /digest is compared."""
    return "".join(fold_chars(words).split())


def load_digest(root: Path, kinds: Kinds, errors: list[str]) -> DigestSpec:
    """The pack's digest.yaml (required); problems are appended to ``errors`` as file:line."""
    path = root / FILE
    if not path.is_file():
        errors.append(f"{path}:1: {FILE} is missing; give the digest's slots, time and words (see content/README.md)")
        return DigestSpec()
    try:
        data = read_yaml(path)
    except YamlError as exc:
        errors.append(str(exc))
        return DigestSpec()
    spec = validated(DigestFile, data, path, errors, "digest")
    if spec is None:
        return DigestSpec()
    slots: list[Slot] = []
    seen: set[str] = set()
    for n, slot in enumerate(spec.slots):
        at = f"{path}:{line_at(data, ('slots', n))}: digest: slot '{slot.id}'"
        if slot.id in seen:
            errors.append(f"{at}: the id is used twice")
        seen.add(slot.id)
        if slot.figures == bool(slot.kinds):
            errors.append(f"{at}: give either `figures: true` or the item `kinds` it shows")
        for kind in [*slot.kinds, *slot.headings]:
            if kind not in kinds.items:
                errors.append(f"{at}: item kind '{kind}' is not in kinds.yaml")
        for kind in slot.headings:
            if kind not in slot.kinds:
                errors.append(f"{at}: a heading for '{kind}', which the slot does not show")
        if slot.alternate and len(slot.kinds) < 2:
            errors.append(f"{at}: `alternate` takes turns between two kinds or more")
        slots.append(Slot(slot.id, slot.figures, tuple(slot.kinds), slot.alternate, slot.heading,
                          dict(slot.headings)))
    settings = frozenset(folded_word(w) for w in spec.words.settings)
    status = frozenset(folded_word(w) for w in spec.words.status)
    if "" in settings | status or settings & status:
        errors.append(f"{path}:{line_at(data, ('words',))}: digest: words must be non-empty, and a word "
                      "cannot mean both settings and status")
    return DigestSpec(tuple(slots), minute(spec.time), tuple(minute(t) for t in spec.times), spec.about,
                      settings, status)
