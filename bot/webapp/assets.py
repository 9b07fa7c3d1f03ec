"""Everything the reader serves, built once from the pack at start and named by a cache key.

The key is a hash of the pack's fingerprint, the page's files and its translated words: a new pack
(or a new release of the page) gets a new key, so the page's assets live at ``assets/<key>/…`` and can
be cached for good, and every JSON answer carries the key in its ETag. The JSON of each section,
figure and table of contents is encoded once per language on first use and kept for the life of the
process (the pack never changes while it runs).

The HTML shell holds no report text: only the page's frame and links to its assets.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.i18n import LANGUAGES, Catalogues
from bot.webapp import views
from bot.webapp.ui import strings

if TYPE_CHECKING:
    from bot.content.pack import ContentPack

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The page's own files, served under assets/<key>/ (index.html is the shell, served at the root).
STATIC_FILES: dict[str, str] = {
    "reader.js": "text/javascript; charset=utf-8",
    "telegram.js": "text/javascript; charset=utf-8",
    "look.js": "text/javascript; charset=utf-8",
    "reader.css": "text/css; charset=utf-8",
}
KEY_PLACEHOLDER = "{{KEY}}"


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def _asset(body: bytes, content_type: str) -> Asset:
    return Asset(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class ReaderAssets:
    """The shell, the page's files and the JSON of one pack, under one cache key."""

    def __init__(self, pack: ContentPack, catalogues: Catalogues, static_dir: Path = STATIC_DIR) -> None:
        self.pack = pack
        self.catalogues = catalogues
        words = encode(strings(catalogues))
        sources = {name: (static_dir / name).read_bytes() for name in STATIC_FILES}
        shell = (static_dir / "index.html").read_text(encoding="utf-8")
        digest = hashlib.sha256()
        for part in (pack.fingerprint.encode(), pack.meta.version.encode(), words, shell.encode(),
                     *(sources[n] for n in sorted(sources))):
            digest.update(hashlib.sha256(part).digest())
        self.key = digest.hexdigest()[:16]
        self.files: dict[str, Asset] = {name: _asset(body, STATIC_FILES[name]) for name, body in sources.items()}
        self.files["strings.js"] = _asset(b"window.READER_STRINGS=" + words + b";\n",
                                          "text/javascript; charset=utf-8")
        self.shell = _asset(shell.replace(KEY_PLACEHOLDER, self.key).encode(), "text/html; charset=utf-8")
        self._json: dict[tuple[str, str, str], bytes | None] = {}
        self._lock = threading.Lock()

    def etag(self, lang: str, what: str) -> str:
        return f'"{self.key}-{lang}-{hashlib.sha1(what.encode()).hexdigest()[:8]}"'

    def _cached(self, key: tuple[str, str, str], build: Callable[[], Any]) -> bytes | None:
        with self._lock:
            if key in self._json:
                return self._json[key]
        data = build()
        body = None if data is None else encode(data)
        with self._lock:
            self._json[key] = body
        return body

    def contents(self, lang: str) -> bytes:
        """The document's status and the table of contents."""
        tr = self.catalogues.get(lang)
        body = self._cached(("contents", lang, ""), lambda: {
            "key": self.key, "meta": views.meta_view(self.pack, tr), "toc": views.toc_view(self.pack, tr)})
        assert body is not None
        return body

    def section(self, lang: str, section_id: str) -> bytes | None:
        if section_id not in self.pack.sections:
            return None
        tr = self.catalogues.get(lang)
        return self._cached(("section", lang, section_id), lambda: views.section_view(self.pack, tr, section_id))

    def figure(self, lang: str, figure_id: str) -> bytes | None:
        if figure_id not in self.pack.figures:
            return None
        tr = self.catalogues.get(lang)
        return self._cached(("figure", lang, figure_id), lambda: views.figure_view(self.pack, tr, figure_id))

    def warm(self) -> None:
        """Encode every section (with its figures) in every language now, not on a reader's first tap."""
        for lang in LANGUAGES:
            self.contents(lang)
            for section_id in self.pack.sections:
                self.section(lang, section_id)
