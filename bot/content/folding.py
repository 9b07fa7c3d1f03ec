"""Vietnamese folding for matching: what a cadre types against what the report writes.

Most cadres type without diacritics, in any case, with abbreviations (GRDP, NTM, BHYT) or in
English. Everything searchable is therefore compared in a *folded* form: NFC, lower case, tone
and vowel marks stripped, ``đ`` -> ``d``, punctuation collapsed to spaces. Numbers are kept as
the report writes them (``239.163``, ``14,99``) and also as bare digits (``239163``), because a
cadre may type either.

The synonym table (abbreviations, English words) is data: ``search.yaml`` at the pack root.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Letters and digits split apart (``covid19`` -> covid, 19); a number keeps its inner . and ,
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
# A word in *original* text: letters plus combining marks (NFD input), or a number.
ORIGINAL_WORD_RE = re.compile(r"\d+(?:[.,]\d+)*|(?:[^\W\d_]|[\u0300-\u036f])+")
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss"})


class _FoldTable(dict):
    """``str.translate`` table filled lazily, one character at a time: folding 220 KB of text
    char by char through NFD is the slowest part of building the index otherwise."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        decomposed = unicodedata.normalize("NFD", ch.translate(_SPECIAL))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_chars(text: str) -> str:
    """NFC -> lower -> strip combining marks (incl. đ -> d). Keeps punctuation."""
    text = unicodedata.normalize("NFC", text).lower()
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_FOLD))


def fold(text: str) -> str:
    """Folded text with punctuation collapsed: ``"Tăng trưởng GRDP: 14%"`` -> ``"tang truong grdp 14"``."""
    return " ".join(TOKEN_RE.findall(fold_chars(text)))


def is_number(token: str) -> bool:
    return token[:1].isdigit()


THOUSANDS_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,(\d+))?$")


def canonical_number(token: str) -> str:
    """One spelling per number, so a cadre's ``239163`` finds the report's ``239.163``.

    Thousands grouped with dots (the report's way) become bare digits: ``239.163`` -> ``239163``,
    ``1.250,5`` -> ``1250d5``. Any other separator is a decimal mark, typed either way:
    ``14,99`` and ``14.99`` -> ``14d99`` (so ``34`` never finds ``3,4`` or section ``3.4``).
    Leading zeros go: ``03`` -> ``3`` (the report writes both).
    """
    grouped = THOUSANDS_RE.match(token)
    if grouped:
        integer = token.split(",")[0].replace(".", "").lstrip("0") or "0"
        return integer + ("d" + grouped.group(1) if grouped.group(1) else "")
    parts = re.split(r"[.,]", token)
    head = parts[0].lstrip("0") or "0"
    return "d".join([head, *parts[1:]])


def tokens(text: str) -> list[str]:
    """Folded tokens in order (numbers as written; see :func:`index_tokens` for the digits-only form)."""
    return TOKEN_RE.findall(fold_chars(text))


def index_tokens(text: str) -> list[str]:
    """Tokens as indexed: each number as written *and* in its canonical form (see canonical_number)."""
    toks, extra = token_forms(text)
    return toks + extra


def token_forms(text: str) -> tuple[list[str], list[str]]:
    """``(tokens in order, canonical forms of numbers that are not written canonically)``."""
    folded = fold_chars(text)
    toks = TOKEN_RE.findall(folded)
    extra = []
    for number in NUMBER_RE.findall(folded):
        canonical = canonical_number(number)
        if canonical != number:
            extra.append(canonical)
    return toks, extra


@dataclass(frozen=True)
class SearchLexicon:
    """Synonyms and question words, from ``search.yaml`` (all folded at load time)."""

    # folded phrase (tuple of tokens) -> alternative phrases (each a tuple of tokens)
    synonyms: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # words that carry no meaning for matching ("bao nhieu", "what is", "the")
    stopwords: frozenset[tuple[str, ...]] = frozenset()
    # words that mark a question about a target (muc tieu, chi tieu, target)
    target_words: frozenset[tuple[str, ...]] = frozenset()
    max_phrase: int = 1

    @classmethod
    def from_data(cls, data: Mapping | None) -> SearchLexicon:
        """Build from the parsed YAML: ``synonyms: {key: [alt, ...]}``, ``stopwords: [...]``.

        Synonyms work both ways: a query for an alternative also finds the key (``tong san pham``
        finds ``grdp``), and alternatives of one key are equivalent to each other. Raises
        ValueError naming the offending entry.
        """
        data = data or {}
        if not isinstance(data, Mapping):
            raise ValueError("search.yaml must be a mapping with 'synonyms:', 'stopwords:', 'target_words:'")
        unknown = set(data) - {"synonyms", "stopwords", "target_words"}
        if unknown:
            raise ValueError(
                f"unknown key {sorted(map(str, unknown))[0]!r}; use synonyms, stopwords, target_words"
            )
        groups: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        raw = data.get("synonyms") or {}
        if not isinstance(raw, Mapping):
            raise ValueError("'synonyms' must be a mapping of word -> list of alternatives")
        for key, alts in raw.items():
            if isinstance(alts, str):
                alts = [alts]
            if not isinstance(alts, list) or not all(isinstance(a, str | int | float) for a in alts):
                raise ValueError(
                    f"synonym {key!r}: alternatives must be a list of words, e.g. [tong san pham]"
                )
            phrases = {_phrase(str(key))}
            for alt in alts:
                for part in str(alt).split("|"):
                    phrases.add(_phrase(part))
            phrases.discard(())
            for phrase in phrases:
                groups.setdefault(phrase, set()).update(phrases - {phrase})
        synonyms = {k: tuple(sorted(v)) for k, v in groups.items()}
        lists = {}
        for name in ("stopwords", "target_words"):
            values = data.get(name) or []
            if not isinstance(values, list):
                raise ValueError(f"{name!r} must be a list of words or phrases")
            lists[name] = frozenset(p for p in (_phrase(str(w)) for w in values) if p)
        stopwords, target_words = lists["stopwords"], lists["target_words"]
        longest = max((len(p) for p in (*synonyms, *stopwords, *target_words)), default=1)
        return cls(synonyms=synonyms, stopwords=stopwords, target_words=target_words, max_phrase=longest)

    @classmethod
    def load(cls, root: Path | None) -> SearchLexicon:
        """Read ``search.yaml`` from a pack root; the file is optional (an empty lexicon without it).

        A broken file raises ContentError with ``file:line: what is wrong``, like the rest of the pack.
        """
        if root is None:
            return cls()
        path = Path(root) / "search.yaml"
        if not path.is_file():
            return cls()
        import yaml  # local: only needed when a pack ships a lexicon

        from bot.content.pack import ContentError  # local: the pack module is heavier than this one

        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            return cls.from_data(data)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise ContentError([f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ContentError([f"{path}:{_line_of(text, str(exc))}: {exc}"]) from None


def _line_of(text: str, message: str) -> int:
    """The line of the entry an error message quotes (``synonym 'grdp': ...``), else 1."""
    match = re.search(r"'([^']+)'", message)
    if match:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip().startswith((match.group(1) + ":", "- " + match.group(1))):
                return number
    return 1


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


def find_phrases(
    words: list[str], phrases: Iterable[tuple[str, ...]] | Mapping, max_len: int
) -> list[tuple[int, int]]:
    """Greedy longest-first spans ``(start, end)`` of ``words`` that are in ``phrases``."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in range(min(max_len, len(words) - i), 0, -1):
            if tuple(words[i : i + n]) in phrases:
                spans.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return spans
