"""The search over a content pack, in four parts: :mod:`.query` reads what a cadre typed,
:mod:`.index` holds the documents and finds candidates, :mod:`.rank` orders them (every weight in one
:class:`Ranking`, with its reason), :mod:`.scope` decides whether the report answers at all.

Pure package: no Telegram imports, nothing happens at import time.
"""

from bot.content.search.highlight import highlight_spans
from bot.content.search.index import KINDS, Hit, SearchIndex
from bot.content.search.rank import RANKING, Ranking
from bot.content.search.scope import Lookup, TextSearch

__all__ = ["KINDS", "RANKING", "Hit", "Lookup", "Ranking", "SearchIndex", "TextSearch", "highlight_spans"]
