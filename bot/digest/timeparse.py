"""Times as cadres type them: ``7``, ``7h``, ``7:30``, ``07.30``, ``19h15``, ``7 giờ 30``, ``7pm``."""

from __future__ import annotations

import re
import unicodedata
from datetime import time

_TIME_RE = re.compile(
    r"^(?P<h>\d{1,2})"
    r"(?:\s*(?:[:.hg]|gio|giờ)\s*(?P<m>\d{1,2})?\s*(?:p|ph|phut|phút|m)?)?"
    r"\s*(?P<ampm>am|pm|sang|sáng|chieu|chiều|toi|tối)?$"
)


class TimeFormatError(ValueError):
    """The text is not a time of day; the handler answers with an example of the right form."""


def parse_time(text: str) -> time:
    """Read a time of day; raise TimeFormatError for anything else (25:00, 7:75, abc)."""
    cleaned = unicodedata.normalize("NFC", text).strip().lower()
    if len(cleaned) > 20:
        raise TimeFormatError(text)
    match = _TIME_RE.match(cleaned)
    if not match:
        raise TimeFormatError(text)
    hour = int(match.group("h"))
    minute = int(match.group("m") or 0)
    suffix = match.group("ampm")
    if suffix in {"pm", "chieu", "chiều", "toi", "tối"}:
        if not 1 <= hour <= 12:
            raise TimeFormatError(text)
        hour = hour % 12 + 12
    elif suffix in {"am", "sang", "sáng"}:
        if not 1 <= hour <= 12:
            raise TimeFormatError(text)
        hour = hour % 12
    if hour > 23 or minute > 59:
        raise TimeFormatError(text)
    return time(hour, minute)
