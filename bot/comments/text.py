"""What a comment (or a unit) may say: cleaned of what cannot be seen, then checked.

Cleaning keeps what a reader wrote and drops what only hides or disguises it: Unicode is NFC (some
keyboards send decomposed Vietnamese), zero-width characters and bidirectional controls go (a U+202E
would show a comment backwards in the committee's spreadsheet), control characters go, runs of spaces
become one and at most one blank line stays between paragraphs. HTML is kept as typed: it is text, and
every screen escapes it (bot/render/comments.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

#: The longest comment, in characters after cleaning (the issue's limit; a Telegram message holds 4096).
MAX_COMMENT = 2000
#: The longest unit ("Chi bộ thôn Đông, xã Tân Dĩnh"): a name, not a paragraph.
MAX_UNIT = 120

# Zero-width and joiner characters, bidi marks, embeddings, overrides and isolates, the word joiner and
# invisible operators, the BOM, the Mongolian vowel separator, the Arabic letter mark.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u180e\u061c]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


class Problem(Enum):
    EMPTY = "empty"        # nothing left after cleaning (only spaces or invisible characters)
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"  # only emoji, symbols or punctuation


@dataclass(frozen=True)
class Checked:
    text: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\t", " ")
    text = _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", text))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def has_words(text: str) -> bool:
    """Some letter or digit, in any script."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def check(raw: str, limit: int = MAX_COMMENT) -> Checked:
    text = clean(raw)
    if not text:
        return Checked(text, Problem.EMPTY)
    if len(text) > limit:
        return Checked(text, Problem.TOO_LONG)
    if not has_words(text):
        return Checked(text, Problem.NO_WORDS)
    return Checked(text, None)


def one_line(text: str) -> str:
    """A comment on one line, for lists and previews of many."""
    return " ".join(text.split())
