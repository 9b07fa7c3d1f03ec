"""Content layer: the report, its curated pack and the search index. No Telegram imports here."""

from bot.content.pack import (
    ContentError,
    ContentPack,
    Figure,
    Footnote,
    Item,
    MenuEntry,
    Note,
    Section,
    load_pack,
)

__all__ = ["ContentError", "ContentPack", "Figure", "Footnote", "Item", "MenuEntry", "Note", "Section", "load_pack"]
