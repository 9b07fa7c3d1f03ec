"""Per-pack memo for what renderers derive from the pack again and again (groupings, splits, indexes).

The pack is read-only once loaded, so a derived value can be kept as long as the pack lives; a new
pack (another object) gets a fresh memo. Pure: no I/O, nothing at import time beyond an empty dict.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_MEMOS: dict[int, tuple[weakref.ref[Any], dict[Hashable, Any]]] = {}


def memo(pack: Any, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per pack and key."""
    pack_id = id(pack)
    entry = _MEMOS.get(pack_id)
    if entry is None or entry[0]() is not pack:
        try:
            ref = weakref.ref(pack, lambda _r: _MEMOS.pop(pack_id, None))
        except TypeError:  # an object without weakref support: compute every time
            return build()
        entry = (ref, {})
        _MEMOS[pack_id] = entry
    values = entry[1]
    if key not in values:
        values[key] = build()
    return values[key]
