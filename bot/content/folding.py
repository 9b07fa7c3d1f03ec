"""Vietnamese folding for matching: what a cadre types against what the report writes.

Most cadres type without diacritics, in any case, with abbreviations (GRDP, NTM, BHYT) or in
English. Everything searchable is therefore compared in a *folded* form: NFC, lower case, tone
and vowel marks stripped, ``đ`` -> ``d``, punctuation collapsed to spaces. Numbers are kept as
the report writes them (``239.163``, ``14,99``) and also as bare digits (``239163``), because a
cadre may type either.

A cadre who *does* type diacritics means them ("trồng" is not "trong"), so words are also kept in an
*exact* form (:func:`exact_form`): NFC, lower case, one spelling for the two tone placements in use
(``hóa`` = ``hoá``) and for i/y after a consonant (``tỉ`` = ``tỷ``).

What cadres mean by their words (synonyms, stopwords, places) is data: see :mod:`bot.content.lexicon`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.content.numbers import NUMBER, NUMBER_TOKEN_RE, canonical_number

# Letters and digits split apart (``covid19`` -> covid, 19); a number keeps its inner . and ,
TOKEN_RE = re.compile(rf"{NUMBER}|[^\W\d_]+")
# A word in *original* text: letters plus combining marks (NFD input), or a number.
ORIGINAL_WORD_RE = re.compile(rf"{NUMBER}|(?:[^\W\d_]|[\u0300-\u036f])+")
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss"})


class _FoldTable(dict[int, str]):
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
    for number in NUMBER_TOKEN_RE.findall(folded):
        canonical = canonical_number(number)
        if canonical != number:
            extra.append(canonical)
    return toks, extra


# Old-style tone placement on the first vowel of oa, oe, uy (hòa, thủy) -> on the second (hoà, thuỷ).
_TONE_PLACEMENT = {
    first + second: base + unicodedata.normalize("NFC", second + mark)
    for base, seconds, firsts in (
        ("o", "ae", "òóỏõọ"),
        ("u", "y", "ùúủũụ"),
    )
    for first, mark in zip(firsts, ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"), strict=True)
    for second in seconds
}
_TONE_RE = re.compile("|".join(sorted(_TONE_PLACEMENT, key=len, reverse=True)))
# i/y after an initial consonant at the end of a word (tỷ/tỉ, kỹ/kĩ, lý/lí): one spelling.
_FINAL_Y = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
_FINAL_Y_RE = re.compile(r"^(?:ch|gh|kh|ng|nh|ph|th|tr|[bcdđghklmnprstvx])[yýỳỷỹỵ]$")


@lru_cache(maxsize=1 << 16)  # the report has some 6,000 distinct words; queries add a few each
def exact_form(word: str) -> str:
    """A word compared *with* its diacritics: ``Hoá`` -> ``hoá``, ``hóa`` -> ``hoá``, ``Tỷ`` -> ``tỉ``."""
    word = unicodedata.normalize("NFC", word).lower()
    if word.isascii():
        return word
    word = _TONE_RE.sub(lambda m: _TONE_PLACEMENT[m.group()], word)
    if _FINAL_Y_RE.match(word):
        word = word[:-1] + word[-1].translate(_FINAL_Y)
    return word


def exact_tokens(text: str) -> list[str]:
    """Tokens in order in their exact form (see :func:`exact_form`); numbers as written."""
    return [exact_form(t) for t in TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())]


def is_accented(word: str) -> bool:
    """Typed with diacritics (or any letter folding changes, such as đ)."""
    return not word.isascii()


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    return "".join(TOKEN_RE.findall(fold_chars(word)))


def aligned_tokens(text: str) -> tuple[list[str], list[str]]:
    """``(folded, exact)`` tokens of ``text``, one to one (words only; see :func:`token_forms`)."""
    raw = TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())
    return [_fold_word(w) for w in raw], [exact_form(w) for w in raw]


def word_pairs(text: str) -> list[tuple[str, str, str]]:
    """``(folded, exact, as written)`` for each word of ``text``, in order; numbers as written.

    One pass over the original words, so a cadre's word keeps both forms side by side."""
    out = []
    for match in ORIGINAL_WORD_RE.finditer(unicodedata.normalize("NFC", text)):
        written = match.group()
        for folded in TOKEN_RE.findall(fold_chars(written)):
            out.append((folded, exact_form(written) if folded == fold(written) else folded, written))
    return out
