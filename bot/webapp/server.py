"""The reader's web server: the page, its assets and the JSON API, in the bot's own event loop.

One component, :class:`ReaderServer`: :meth:`~ReaderServer.web_app` gives an aiohttp application that
can run on its own (:meth:`~ReaderServer.start`, as ``python -m bot run`` does on BOT_WEBAPP_LISTEN)
or be mounted beside a webhook in a bigger one (``parent.add_subapp("/reader/", server.web_app())``);
every link of the page is relative, so it works under any prefix a proxy gives it.

Guarding it:
- ``/`` (the shell) and ``/assets/<key>/…`` (script, style, the page's words) hold no report text and
  are public, so Telegram's web view can load them before the page knows who is reading.
- Every ``/api/…`` request carries ``Authorization: tma <initData>``; :mod:`bot.webapp.auth` checks it
  as Telegram specifies (HMAC with the bot token, constant time, at most a day old). Without a valid
  one: 401 and no content. Then ``BOT_ACCESS`` is applied to the user it names with the gate's own
  :meth:`~bot.config.Settings.admits`: an outsider gets 403 and their id, as the bot tells them. A reader
  who hammers the API gets 429 (a token bucket per user, like the gate's).
- Every answer carries a Content-Security-Policy that allows only this origin (no inline script or
  style, no other host), frames only inside Telegram's web client, and ``nosniff``/``no-referrer``.
- Nothing a reader sends is logged: aiohttp's access log is off, refusals are counted by reason only,
  and bot/logs.py redacts initData and search words wherever a library might print them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Settings
from bot.handlers.gate import Flood, FloodGuard
from bot.i18n import LANGUAGES, Catalogues, normalize_language, resolve_language
from bot.render.reader import section_from_payload
from bot.webapp import auth
from bot.webapp.assets import ReaderAssets, encode
from bot.webapp.views import search_view

if TYPE_CHECKING:
    from bot.content.pack import ContentPack
    from bot.content.search import SearchIndex

log = logging.getLogger(__name__)

#: Requests a reader may make at once (opening the page, a few sections, a figure or two), then per
#: second: paging through sections and typing a search stay well under it, a script does not.
READER_BURST = 60
READER_RATE = 5.0
READER_MUTE = 30.0
#: Longest search the API reads (the bot's lookups take 300 characters too).
MAX_QUERY_CHARS = 300
#: Telegram's web client shows Mini Apps in a frame; other clients open them in a web view of their own.
FRAME_ANCESTORS = "https://web.telegram.org"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
       f"frame-ancestors {FRAME_ANCESTORS}")
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
READER_KEY = web.AppKey("reader", auth.Reader)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RefusalLog:
    """Refused requests, logged by reason at most once a minute with a count (never who or what)."""

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def note(self, reason: str) -> None:
        now = self.clock()
        self._count[reason] = self._count.get(reason, 0) + 1
        last = self._last.get(reason)
        if last is None or now - last >= self.every:
            log.info("reader: %d request(s) refused (%s)", self._count.pop(reason), reason)
            self._last[reason] = now


class ReaderServer:
    """The reader for one pack; see the module doc."""

    def __init__(self, settings: Settings, pack: ContentPack, catalogues: Catalogues, search: SearchIndex | None,
                 *, token: str, language_of: Callable[[int], str | None] | None = None,
                 clock: Callable[[], float] = time.time, admits: Callable[[int], bool] | None = None) -> None:
        if not token:
            raise ValueError("the reader needs the bot token to check initData")
        self.settings = settings
        self.pack = pack
        self.search = search
        self.assets = ReaderAssets(pack, catalogues)
        self._token = token
        self._language_of = language_of
        self._admits = admits or settings.admits  # the bot's Access (invite admissions too) when running
        self._clock = clock
        self._flood = FloodGuard(time.monotonic, READER_BURST, READER_RATE, READER_MUTE)
        self.refusals = RefusalLog()
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ the aiohttp application
    def web_app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers], client_max_size=16 * 1024)
        app.router.add_get("/", self._shell)
        app.router.add_get("/assets/{key}/{name}", self._asset)
        app.router.add_get("/favicon.ico", _no_icon)
        app.router.add_get("/api/contents", self._api(self._contents))
        app.router.add_get("/api/section/{id}", self._api(self._section))
        app.router.add_get("/api/figure/{id}", self._api(self._figure))
        app.router.add_get("/api/search", self._api(self._search))
        return app

    async def start(self, host: str, port: int) -> None:
        """Serve on host:port in the running event loop (the bot's)."""
        runner = web.AppRunner(self.web_app(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port, reuse_address=True).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("reader: serving on %s:%d (public address %s)", host, self.port, self.settings.webapp_url)

    @property
    def port(self) -> int:
        """The port actually bound (port 0 in tests asks the system for a free one)."""
        if self._runner is None or not self._runner.addresses:
            return 0
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ guard
    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = _json({"error": exc.reason.lower().replace(" ", "_")}, exc.status)
        response.headers.update(SECURITY_HEADERS)
        return response

    def _api(self, handler: Callable[[web.Request, auth.Reader], Awaitable[web.StreamResponse]]) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            init_data = auth.from_header(request.headers.get("Authorization"))
            try:
                reader = auth.verify(init_data, self._token, now=self._clock())
            except auth.AuthError as exc:
                self.refusals.note(exc.reason)
                body = {"error": "expired" if exc.reason == "stale" else "unauthorized"}
                response = _json(body, 401)
                response.headers["WWW-Authenticate"] = "tma"
                return response
            if not self._admits(reader.user_id):
                self.refusals.note("not admitted")
                return _json({"error": "forbidden", "id": reader.user_id}, 403)
            if reader.user_id not in self.settings.admins and self._flood.check(reader.user_id) is not Flood.OK:
                self.refusals.note("too fast")
                response = _json({"error": "slow_down"}, 429)
                response.headers["Retry-After"] = str(int(READER_MUTE))
                return response
            return await handler(request, reader)

        return guarded

    def _language(self, request: web.Request, reader: auth.Reader) -> str:
        """?lang= when the page asks for one; else the reader's /lang choice in the bot, else Telegram's."""
        asked = normalize_language(request.query.get("lang"))
        if asked in LANGUAGES:
            return asked
        stored = None
        if self._language_of is not None:
            try:
                stored = self._language_of(reader.user_id)
            except Exception as exc:  # noqa: BLE001 - a locked database: Telegram's language will do
                log.warning("reader: could not read a language choice (%s)", type(exc).__name__)
        return resolve_language(stored, reader.language_code)

    # ------------------------------------------------------------------ public
    async def _shell(self, request: web.Request) -> web.StreamResponse:
        return _cached(request, self.assets.shell.body, self.assets.shell.content_type, self.assets.shell.etag,
                       "no-cache")

    async def _asset(self, request: web.Request) -> web.StreamResponse:
        asset = self.assets.files.get(request.match_info["name"])
        if asset is None or request.match_info["key"] != self.assets.key:
            raise web.HTTPNotFound()
        return _cached(request, asset.body, asset.content_type, asset.etag, "public, max-age=31536000, immutable")

    # ------------------------------------------------------------------ API
    async def _contents(self, request: web.Request, reader: auth.Reader) -> web.StreamResponse:
        lang = self._language(request, reader)
        body = self.assets.contents(lang)
        # The language chosen and where the reader asked to start (a 📖 button's section) ride along.
        start = start_section(reader.start_param, self.pack)
        extra = encode({"lang": lang, "languages": list(LANGUAGES), "start": start})
        merged = body[:-1] + b"," + extra[1:]  # two JSON objects' members in one: {…cached…, …this reader's…}
        return _json_bytes(request, merged, self.assets.etag(lang, f"contents:{start}"))

    async def _section(self, request: web.Request, reader: auth.Reader) -> web.StreamResponse:
        lang = self._language(request, reader)
        section_id = request.match_info["id"]
        body = await asyncio.to_thread(self.assets.section, lang, section_id)
        if body is None:
            return _json({"error": "not_found"}, 404)
        return _json_bytes(request, body, self.assets.etag(lang, "section:" + section_id))

    async def _figure(self, request: web.Request, reader: auth.Reader) -> web.StreamResponse:
        lang = self._language(request, reader)
        figure_id = request.match_info["id"]
        body = self.assets.figure(lang, figure_id)
        if body is None:
            return _json({"error": "not_found"}, 404)
        return _json_bytes(request, body, self.assets.etag(lang, "figure:" + figure_id))

    async def _search(self, request: web.Request, reader: auth.Reader) -> web.StreamResponse:
        lang = self._language(request, reader)
        query = request.query.get("q", "")
        if len(query) > MAX_QUERY_CHARS:
            return _json({"error": "too_long", "limit": MAX_QUERY_CHARS}, 400)
        if self.search is None:
            return _json({"error": "unavailable"}, 503)
        tr = self.assets.catalogues.get(lang)
        index = self.search
        result = await asyncio.to_thread(search_view, self.pack, tr, index, query)
        return _json(result, 200)


async def _no_icon(request: web.Request) -> web.StreamResponse:
    """Browsers ask for one; Telegram shows the bot's picture instead."""
    return web.Response(status=204, headers={"Cache-Control": "public, max-age=86400"})


def start_section(start_param: str | None, pack: ContentPack) -> str | None:
    """The section a ``read-<id>`` start parameter names (ids write "." as "_"), if it exists."""
    section = section_from_payload(start_param or "")
    return section if section in pack.sections else None


def _json(data: object, status: int) -> web.Response:
    response = web.Response(body=encode(data), status=status, content_type="application/json", charset="utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_bytes(request: web.Request, body: bytes, etag: str) -> web.StreamResponse:
    """Content of one pack version: the page may keep it, but asks again (with its initData) each time."""
    return _cached(request, body, "application/json; charset=utf-8", etag, "private, no-cache")


def _cached(request: web.Request, body: bytes, content_type: str, etag: str, cache: str) -> web.StreamResponse:
    if etag in request.headers.get("If-None-Match", ""):
        response: web.StreamResponse = web.Response(status=304)
    else:
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = cache
    return response
