"""Where Back goes, and the breadcrumb above a card: the screen it was opened from, carried in its button.

A card (figure, item, note, original text) can be opened from many places: a list, another card, a
typed lookup, a digest. Its callback data carries a short code of that place (``back``), so Back
returns to where the cadre was and the breadcrumb names the way they came, with no state kept on the
server. A code is a chain of segments, newest first, joined by ``_``; each segment is a letter and
numbers that index the pack (``i57`` the 58th item, ``m2.1`` page 2 of the third menu entry). The
chain is cut to fit 64 bytes of callback data; where it was cut, Back goes to the natural place in
the menu tree from there on. Indexes are safe because buttons from another pack are stale anyway
(callbacks.py checks the pack's fingerprint).

    "-"        the natural place: the list the thing belongs to
    "t"        typed (a lookup) or shown under a digest: there is nothing to go back to, no breadcrumb
    "f12_t"    opened from the typed answer showing figure 12
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.content import ContentPack
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render.common import bare, localized
from bot.render.text import shorten

NATURAL = "-"
TYPED = "t"
SEP = "_"
#: Breadcrumb parts shown (the newest), each shortened to a phone's width.
TRAIL_PARTS = 3
TRAIL_PART_CHARS = 32

_SEGMENT_RE = re.compile(r"^([a-z])(\d{1,4}(?:\.\d{1,4}){0,2})?$")


class _Index:
    """Positions of everything a segment can name, in pack order (built once per pack)."""

    def __init__(self, pack: ContentPack) -> None:
        self.entries = [e.id for e in pack.menu]
        self.fields = list(pack.fields)
        self.items = list(pack.items)
        self.figures = list(pack.figures)
        self.notes = [n.id for n in pack.notes]
        self.sections = list(pack.sections)
        self.pos = {
            kind: {value: n for n, value in enumerate(values)}
            for kind, values in (("e", self.entries), ("d", self.fields), ("i", self.items),
                                 ("f", self.figures), ("n", self.notes), ("s", self.sections))
        }


@lru_cache(maxsize=4)
def _index(pack: ContentPack) -> _Index:
    return _Index(pack)


def segment(pack: ContentPack, here: cb.Callback) -> str | None:
    """The code of one screen, or None for screens Back cannot return to (search pages, settings)."""
    ix = _index(pack).pos
    try:
        if isinstance(here, cb.Home):
            return "h"
        if isinstance(here, cb.MenuPage):
            return f"m{ix['e'][here.entry]}.{here.page}"
        if isinstance(here, cb.GroupPage):
            return f"g{ix['e'][here.entry]}.{ix['d'][here.field]}.{here.page}"
        if isinstance(here, cb.FigureGroups):
            return f"a{here.page}"
        if isinstance(here, cb.FigureSection):
            return f"s{ix['s'][here.section]}.{here.page}"
        if isinstance(here, cb.ItemCard):
            return f"i{ix['i'][here.item]}"
        if isinstance(here, cb.ItemFigures):
            return f"j{ix['i'][here.item]}.{here.page}"
        if isinstance(here, cb.FigureCard | cb.FigureQuote):
            return f"f{ix['f'][here.figure]}"
        if isinstance(here, cb.NotesList):
            return f"l{here.page}"
        if isinstance(here, cb.NoteCard):
            return f"n{ix['n'][here.note]}"
        if isinstance(here, cb.Original):
            return f"o{ix['s'][here.section]}.{here.part}"
        if isinstance(here, cb.Subsections):
            return f"u{ix['s'][here.section]}.{here.page}"
    except KeyError:
        return None
    return None


def push(pack: ContentPack, here: cb.Callback, back: str = NATURAL, limit: int = cb.BACK_LEN) -> str:
    """The ``back`` for a button on screen ``here`` (itself opened with ``back``): here, then the way
    that led here, cut to ``limit`` characters."""
    seg = segment(pack, here)
    if seg is None:
        return NATURAL
    return fit([seg, *chain(back)], limit)


def fit(parts: list[str], limit: int = cb.BACK_LEN) -> str:
    """Join segments, dropping the oldest until the code fits ``limit`` characters."""
    parts = list(parts)
    while parts and len(SEP.join(parts)) > limit:
        parts.pop()
    return SEP.join(parts) or NATURAL


def chain(back: str) -> list[str]:
    return [] if back in (NATURAL, "") else back.split(SEP)


def _numbers(seg: str) -> tuple[str, list[int]] | None:
    m = _SEGMENT_RE.match(seg)
    if m is None:
        return None
    return m.group(1), [int(n) for n in (m.group(2) or "").split(".") if n]


def _at(values: list[str], n: int) -> str | None:
    return values[n] if 0 <= n < len(values) else None


def decode(pack: ContentPack, back: str) -> cb.Callback | None:
    """The screen a ``back`` code names (carrying the rest of the chain), or None when it names nothing."""
    parts = chain(back)
    if not parts or parts == [TYPED]:
        return None
    parsed = _numbers(parts[0])
    if parsed is None:
        return None
    rest = fit(parts[1:])
    letter, nums = parsed
    ix = _index(pack)

    def need(count: int) -> bool:
        return len(nums) == count

    if letter == "h" and need(0):
        return cb.Home()
    if letter == "m" and need(2) and (entry := _at(ix.entries, nums[0])):
        return cb.MenuPage(entry, nums[1])
    if letter == "g" and need(3) and (entry := _at(ix.entries, nums[0])) and (f := _at(ix.fields, nums[1])):
        return cb.GroupPage(entry, f, nums[2])
    if letter == "a" and need(1):
        return cb.FigureGroups(nums[0])
    if letter == "s" and need(2) and (section := _at(ix.sections, nums[0])):
        return cb.FigureSection(section, nums[1])
    if letter == "i" and need(1) and (item := _at(ix.items, nums[0])):
        return cb.ItemCard(item, rest)
    if letter == "j" and need(2) and (item := _at(ix.items, nums[0])):
        return cb.ItemFigures(item, nums[1], fit(parts[1:], 9))
    if letter == "f" and need(1) and (fig := _at(ix.figures, nums[0])):
        return cb.FigureCard(fig, rest)
    if letter == "l" and need(1):
        return cb.NotesList(nums[0])
    if letter == "n" and need(1) and (note := _at(ix.notes, nums[0])):
        return cb.NoteCard(note, rest)
    if letter == "o" and need(2) and (section := _at(ix.sections, nums[0])):
        return cb.Original(section, nums[1], rest)
    if letter == "u" and need(2) and (section := _at(ix.sections, nums[0])):
        return cb.Subsections(section, nums[1], rest)
    return None


def back_target(pack: ContentPack, back: str, natural: cb.Callback | None) -> cb.Callback | None:
    """Where the Back button of a screen opened with ``back`` goes: None (no Back) for a typed answer."""
    if back == TYPED:
        return None
    if back == NATURAL:
        return natural
    return decode(pack, back) or natural


# ---------------------------------------------------------------------------------------------
# Breadcrumbs: the titles of the way a cadre came


def entry_with(pack: ContentPack, flag: str) -> Any | None:
    """The menu entry that shows the figures (``flag="figures"``) or the notes (``"notes"``)."""
    return next((e for e in pack.menu if getattr(e, flag)), None)


def item_home_trail(pack: ContentPack, item: Any, tr: Translator) -> list[str]:
    """The menu titles an item is listed under (entry, then field)."""
    for menu_entry in pack.menu:
        if item.kind in menu_entry.kinds:
            trail = [localized(menu_entry.title, tr)]
            if menu_entry.group_by == "field" and item.field in pack.fields:
                trail.append(localized(pack.fields[item.field].title, tr))
            return trail
    return []


def _entry_title(pack: ContentPack, flag: str, tr: Translator) -> list[str]:
    found = entry_with(pack, flag)
    return [localized(found.title, tr)] if found else []


def screen_trail(pack: ContentPack, tr: Translator, data: cb.Callback | None) -> list[str]:
    """The breadcrumb of a screen, itself included: what a card opened from it shows above its title."""
    lang = tr.lang
    if data is None or isinstance(data, cb.Home):
        return []
    if isinstance(data, cb.MenuPage):
        found = next((e for e in pack.menu if e.id == data.entry), None)
        return [localized(found.title, tr)] if found else []
    if isinstance(data, cb.GroupPage):
        found = next((e for e in pack.menu if e.id == data.entry), None)
        field = pack.fields.get(data.field)
        return [localized(t.title, tr) for t in (found, field) if t is not None]
    if isinstance(data, cb.FigureGroups):
        return [*_entry_title(pack, "figures", tr), tr.gettext("All figures by section")]
    if isinstance(data, cb.FigureSection):
        return [*_entry_title(pack, "figures", tr), pack.section_title(data.section, lang)]
    if isinstance(data, cb.NotesList):
        return _entry_title(pack, "notes", tr)
    if isinstance(data, cb.ItemCard | cb.ItemFigures):
        item = pack.items[data.item]
        return [*card_trail(pack, tr, data.back, item_home_trail(pack, item, tr)),
                pack.item_text(item.id, lang).title]
    if isinstance(data, cb.FigureCard | cb.FigureQuote):
        natural = [*_entry_title(pack, "figures", tr)]
        return [*card_trail(pack, tr, data.back, natural), pack.figure_text(data.figure, lang).label]
    if isinstance(data, cb.NoteCard):
        return [*card_trail(pack, tr, data.back, _entry_title(pack, "notes", tr)),
                pack.note_text(data.note, lang).title]
    if isinstance(data, cb.Original | cb.Subsections):
        return [*card_trail(pack, tr, data.back, []), tr.gettext("Original text") + " "
                + pack.section_label(data.section, lang)]
    return []


def card_trail(pack: ContentPack, tr: Translator, back: str, natural: list[str]) -> list[str]:
    """The breadcrumb of a card opened with ``back``: the trail of where it came from."""
    if back == TYPED:
        return []
    target = decode(pack, back) if back != NATURAL else None
    return screen_trail(pack, tr, target) if target is not None else natural


def trail_line(parts: list[str]) -> list[str]:
    """The breadcrumb's titles as shown: the newest few, each short enough for a phone."""
    shown = [shorten(bare(p), TRAIL_PART_CHARS) for p in parts[-TRAIL_PARTS:]]
    return (["…"] if len(parts) > TRAIL_PARTS else []) + shown
