"""Reloading the content pack while the bot runs (/reload, SIGHUP).

The new pack is read and checked completely (``load_pack``: the checks of ``python -m bot
check-content``) and its search index built, both off the event loop; only when everything
succeeded is it swapped in, in one synchronous step (no ``await`` in between, so no update sees half
of it): the pack, the search index, and every cache built from the old pack. On any error nothing is
touched and the old pack keeps serving.

Buttons of older messages: every UI button carries the first four characters of the pack's
fingerprint (bot/render/callbacks.py), so after a change they decode to nothing and the handler
answers "out of date" with a fresh menu; digest, meeting and language buttons outlive packs on purpose.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import context as ctx
from bot.content import ContentPack
from bot.content.model import ContentError
from bot.content.pack import load_pack
from bot.content.search import SearchIndex
from bot.digest.compose import _candidate_lists, figure_values
from bot.handlers.charts import CHARTS
from bot.handlers.read import SERVER as READER
from bot.render import figures as figures_view
from bot.render import nav, original
from bot.store import Store
from bot.store.digest_repo import SnapshotRepository

log = logging.getLogger(__name__)

LOCK = "reload_lock"            # bot_data: one reload at a time
FREEZE_GC = "freeze_gc"         # the flag bot/app.py sets for a live bot (gc.freeze after start-up)

#: functools caches whose key is a pack: correct after a swap (a new pack is a new key), but each
#: would keep old packs alive; they are emptied at the swap.
PACK_CACHES: tuple[Callable[..., Any], ...] = (
    figures_view.figure_groups, figures_view.figure_places, figures_view.ranks,
    nav._index, original.original_parts, _candidate_lists,
)


@dataclass(frozen=True)
class Counts:
    sections: int
    items: int
    figures: int
    notes: int
    questions: int

    @classmethod
    def of(cls, pack: ContentPack) -> Counts:
        questions = len(pack.study.question_ids()) if pack.study is not None else 0
        return cls(len(pack.sections), len(pack.items), len(pack.figures), len(pack.notes), questions)


@dataclass(frozen=True)
class Reloaded:
    """The pack was swapped in (or was the same)."""

    old_version: str
    new_version: str
    old_fingerprint: str
    new_fingerprint: str
    old: Counts
    new: Counts

    @property
    def unchanged(self) -> bool:
        return self.old_fingerprint == self.new_fingerprint


@dataclass(frozen=True)
class Refused:
    """The pack has errors; the old one keeps serving. ``errors`` are ``file:line: what``."""

    version: str
    errors: tuple[str, ...]


Outcome = Reloaded | Refused


def _relative(error: str, root: Path) -> str:
    """``/srv/bot/content/figures/x.yaml:12: ...`` -> ``figures/x.yaml:12: ...``: short enough for a chat."""
    for prefix in (str(root.resolve()) + "/", str(root) + "/"):
        error = error.replace(prefix, "")
    return error


def _load(root: Path) -> tuple[ContentPack, SearchIndex]:
    """Everything slow, in a worker thread: read and check the pack, build its search index."""
    pack = load_pack(root)
    return pack, SearchIndex.build(pack)


async def reload_pack(app: Any) -> Outcome:
    """Load, check and index the pack in BOT_CONTENT_DIR, then swap it in; see the module doc."""
    lock: asyncio.Lock = app.bot_data.setdefault(LOCK, asyncio.Lock())
    async with lock:
        old: ContentPack = app.bot_data[ctx.PACK]
        root = Path(app.bot_data[ctx.SETTINGS].content_dir)
        try:
            pack, index = await asyncio.to_thread(_load, root)
        except ContentError as exc:
            errors = tuple(_relative(e, root) for e in exc.errors) or ("unknown error",)
            log.warning("reload refused: %d error(s) in %s, first: %s", len(errors), root, errors[0])
            return Refused(old.meta.version, errors)
        except OSError as exc:
            log.warning("reload refused: %s unreadable (%s)", root, exc.strerror)
            return Refused(old.meta.version, (f"{root}: {exc.strerror or type(exc).__name__}",))
        reader = app.bot_data.get(READER)
        assets = None
        if reader is not None:  # the reader's page, words and JSON of the new pack, built before the swap
            from bot.webapp.assets import ReaderAssets

            assets = await asyncio.to_thread(ReaderAssets, pack, reader.assets.catalogues)
        store: Store | None = app.bot_data.get(ctx.STORE)
        if store is not None:  # the new figure values, so tomorrow's digest can say what changed
            await store.writer.run(_remember, store, pack)
        _swap(app, pack, index, reader, assets)
        outcome = Reloaded(old.meta.version, pack.meta.version, old.fingerprint, pack.fingerprint,
                           Counts.of(old), Counts.of(pack))
        log.info("reload: content %s (%s) -> %s (%s)", old.meta.version, old.fingerprint,
                 pack.meta.version, pack.fingerprint)
        return outcome


def _remember(store: Store, pack: ContentPack) -> None:
    SnapshotRepository(store.writer.db).save(pack.fingerprint, figure_values(pack))


def _swap(app: Any, pack: ContentPack, index: SearchIndex, reader: Any, assets: Any) -> None:
    """The swap itself: synchronous, so every update sees the old pack or the new, never a mix."""
    bot_data = app.bot_data
    bot_data[ctx.PACK] = pack
    bot_data[ctx.SEARCH] = index
    bot_data.pop(CHARTS, None)
    if reader is not None and assets is not None:
        reader.pack, reader.search, reader.assets = pack, index, assets
    for cached in PACK_CACHES:
        cached.cache_clear()  # type: ignore[attr-defined]
    from bot.briefing import handout

    handout._CACHE.clear()
    if bot_data.get(FREEZE_GC):  # the old pack was frozen at start-up: let the collector free it
        gc.unfreeze()
        gc.collect()
        gc.freeze()
