"""Content layer: the report, its curated pack and the search index. No Telegram imports here.

The package exports the pack's types (bot/content/model.py); a pack is loaded and checked with
``bot.content.pack.load_pack``, which also loads the features' own files (briefings, study).
"""

from bot.content.model import ContentError, ContentPack, Figure, Footnote, Item, MenuEntry, Note, Section

__all__ = ["ContentError", "ContentPack", "Figure", "Footnote", "Item", "MenuEntry", "Note", "Section"]
