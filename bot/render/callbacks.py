"""Callback data: a small typed codec with short prefixes, stale-button detection, and a registry.

Every payload is ``<fp4><prefix>[:<field>]*`` where ``fp4`` is the first four characters of the
content pack's fingerprint. A button pressed after the pack changed decodes to ``None`` (the handler
answers "this menu is out of date" and shows a fresh menu), as does anything malformed or forged.

Kinds are frozen dataclasses whose fields are ``str`` (ids: ASCII ``A-Za-z0-9._-``, at most 40, or
less with ``ident(n)``) or ``int`` (pages and parts, 0..9999). Other modules (digest, meetings,
admin) declare their own kinds with ``@register`` and a prefix of their own, without editing this
file. Telegram allows 64 bytes of callback data; ``max_payload_bytes`` tells how long a kind can get
and a test keeps every kind under the limit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform, get_type_hints

MAX_BYTES = 64
FP_LEN = 4
MAX_ID = 40
MAX_INT = 9999
SEP = ":"

_PREFIX_RE = re.compile(r"^[a-z]{1,3}$")
_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,48}$")  # each field also has its own max length
_INT_RE = re.compile(r"^(0|[1-9][0-9]{0,3})$")
_FP_RE = re.compile(r"^[0-9a-f]{4}$")


class CallbackError(ValueError):
    """A kind that cannot be encoded (bad id, duplicate prefix): a programming error, not user input."""


class Callback:
    """Base of every callback kind; subclasses are frozen dataclasses registered with a prefix."""

    prefix: ClassVar[str] = ""
    _fields: ClassVar[tuple[tuple[str, type, int], ...]] = ()


def ident(max_len: int = MAX_ID) -> Any:
    """A str field whose ids are at most ``max_len`` characters (the schema's own limit)."""
    return dataclasses.field(metadata={"max": max_len})


#: Longest "where Back goes" code (bot/render/nav.py) a card carries; "-" is its natural place.
BACK_LEN = 14
NATURAL_BACK = "-"


def back_field(max_len: int = BACK_LEN, *, default: str) -> Any:
    """The screen a card was opened from, as a short code (bot/render/nav.py); ``NATURAL_BACK``: its
    natural place. The default is written where the field is, so a type checker sees it."""
    return dataclasses.field(default=default, metadata={"max": max_len})


_REGISTRY: dict[str, type[Callback]] = {}
C = TypeVar("C", bound=Callback)


@dataclass_transform(frozen_default=True, field_specifiers=(ident, back_field))
def register(prefix: str) -> Callable[[type[C]], type[C]]:
    """Class decorator: make ``cls`` a frozen dataclass callback kind with this prefix (a type checker
    sees its fields and ``__init__``, as for a dataclass)."""
    if not _PREFIX_RE.match(prefix):
        raise CallbackError(f"callback prefix {prefix!r} must be 1-3 lowercase letters")

    def wrap(cls: type[C]) -> type[C]:
        if prefix in _REGISTRY and _REGISTRY[prefix].__qualname__ != cls.__qualname__:
            raise CallbackError(f"callback prefix {prefix!r} is already used by {_REGISTRY[prefix].__name__}")
        data_cls = dataclasses.dataclass(frozen=True)(cls)
        hints = get_type_hints(data_cls)
        fields = []
        for f in dataclasses.fields(data_cls):  # type: ignore[arg-type]  # a dataclass: made so just above
            kind = hints[f.name]
            if kind not in (str, int):
                raise CallbackError(f"{cls.__name__}.{f.name}: callback fields are str or int only")
            fields.append((f.name, kind, int(f.metadata.get("max", MAX_ID))))
        data_cls.prefix = prefix
        data_cls._fields = tuple(fields)
        _REGISTRY[prefix] = data_cls
        return data_cls

    return wrap


def registered() -> dict[str, type[Callback]]:
    """Every kind known so far, by prefix (for tests and diagnostics)."""
    return dict(_REGISTRY)


def fp4(fingerprint: str) -> str:
    return (fingerprint or "0000")[:FP_LEN].lower().ljust(FP_LEN, "0")


def encode(obj: Callback, fingerprint: str) -> str:
    """The callback_data string for ``obj`` under the pack ``fingerprint``."""
    cls = type(obj)
    if _REGISTRY.get(cls.prefix) is not cls:
        raise CallbackError(f"{cls.__name__} is not a registered callback kind")
    parts = [fp4(fingerprint) + cls.prefix]
    for name, kind, max_len in cls._fields:
        value = getattr(obj, name)
        if kind is int:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INT:
                raise CallbackError(f"{cls.__name__}.{name}={value!r}: must be an int in 0..{MAX_INT}")
            parts.append(str(value))
        else:
            if not isinstance(value, str) or not _ID_RE.match(value) or len(value) > max_len:
                raise CallbackError(
                    f"{cls.__name__}.{name}={value!r}: ids are ASCII A-Za-z0-9._-, at most {max_len}"
                )
            parts.append(value)
    data = SEP.join(parts)
    if len(data.encode()) > MAX_BYTES:  # cannot happen with the limits above; kept as a guard
        raise CallbackError(f"callback data {data!r} is over {MAX_BYTES} bytes")
    return data


def parse(data: object) -> tuple[str, Callback] | None:
    """``(fp4, object)`` for well-formed data of a known kind, whatever its fingerprint; else None."""
    if not isinstance(data, str) or not 0 < len(data) <= MAX_BYTES or not data.isascii():
        return None
    head, *values = data.split(SEP)
    fp, prefix = head[:FP_LEN], head[FP_LEN:]
    if not _FP_RE.match(fp):
        return None
    cls = _REGISTRY.get(prefix)
    if cls is None or len(values) != len(cls._fields):
        return None
    kwargs: dict[str, Any] = {}
    for (name, kind, max_len), raw in zip(cls._fields, values, strict=True):
        if kind is int:
            if not _INT_RE.match(raw):
                return None
            kwargs[name] = int(raw)
        else:
            if not _ID_RE.match(raw) or len(raw) > max_len:
                return None
            kwargs[name] = raw
    return fp, cls(**kwargs)


def decode(data: object, fingerprint: str) -> Callback | None:
    """The object behind ``data``, or None when it is malformed, unknown, forged or from another pack."""
    parsed = parse(data)
    if parsed is None or parsed[0] != fp4(fingerprint):
        return None
    return parsed[1]


def max_payload_bytes(cls: type[Callback]) -> int:
    """The longest payload a kind can produce: every id at 40 characters, every int at 9999."""
    sample = {name: ("x" * max_len if kind is str else MAX_INT) for name, kind, max_len in cls._fields}
    return len(encode(cls(**sample), "ffff").encode())


# --- the UI's own kinds ------------------------------------------------------------------------


@register("h")
class Home(Callback):
    """The main menu."""


@register("m")
class MenuPage(Callback):
    """A main-menu entry: its field groups or its items, one page of them."""

    entry: str = ident(16)
    page: int = 0


@register("g")
class GroupPage(Callback):
    """The items of one field inside a menu entry."""

    entry: str = ident(16)
    field: str = ident(24)
    page: int = 0


@register("i")
class ItemCard(Callback):
    item: str
    back: str = back_field(default=NATURAL_BACK)


@register("if")
class ItemFigures(Callback):
    """Every figure an item cites, when there are too many for buttons on its card."""

    item: str
    page: int = 0
    back: str = back_field(9, default=NATURAL_BACK)  # the item card's own back, as far as 64 bytes allow


@register("fg")
class FigureGroups(Callback):
    """All figures, grouped by the report's sections."""

    page: int = 0


@register("fs")
class FigureSection(Callback):
    """The figures whose source lies in one section's subtree."""

    section: str = ident(24)
    page: int = 0


@register("f")
class FigureCard(Callback):
    figure: str
    back: str = back_field(default=NATURAL_BACK)


@register("q")
class FigureQuote(Callback):
    """The exact source sentence of a figure."""

    figure: str
    back: str = back_field(default=NATURAL_BACK)


@register("o")
class Original(Callback):
    """Nguyên văn: a section's own paragraphs and footnotes, one part of them."""

    section: str = ident(24)
    part: int = 0
    back: str = back_field(default=NATURAL_BACK)


@register("os")
class Subsections(Callback):
    """The subsections of a section with too many to show as buttons under its original text."""

    section: str = ident(24)
    page: int = 0
    back: str = back_field(default=NATURAL_BACK)


@register("s")
class SearchPage(Callback):
    """A page of /search results; ``token`` names the query kept in the user's data."""

    token: str
    page: int = 0


@register("n")
class NotesList(Callback):
    page: int = 0


@register("nn")
class NoteCard(Callback):
    note: str
    back: str = back_field(default=NATURAL_BACK)


@register("x")
class Inert(Callback):
    """A button that only shows something (a pager's "2/5"): answered, nothing is edited."""


@register("lg")
class Settings(Callback):
    """The language chooser, from the main menu."""


@register("ln")
class Language(Callback):
    """A language of the chooser: the bot speaks it with this user from now on."""

    lang: str = ident(8)
