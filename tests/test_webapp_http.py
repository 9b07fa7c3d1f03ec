"""The reader's server over real HTTP on 127.0.0.1: the guard, every API endpoint, headers, logs.

The server is the production component (bot/webapp/server.py) with the shipped pack and the search
index; requests carry initData signed with the test token, as Telegram's client would send them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.config import Settings
from bot.fakeapi import FAKE_TOKEN
from bot.i18n import Catalogues
from bot.webapp import auth
from bot.webapp.server import CSP, READER_BURST, ReaderServer

ADMIN, MEMBER, OUTSIDER = 1001, 2002, 3003
URL = "https://reader.example.org/app/"


def header(user_id: int = ADMIN, **kwargs: Any) -> dict[str, str]:
    return {"Authorization": "tma " + auth.sign_user(user_id, FAKE_TOKEN, **kwargs)}


async def serve(settings: Settings, pack: Any, catalogues: Catalogues, index: Any,
                language_of: Any = None) -> ReaderServer:
    server = ReaderServer(settings, pack, catalogues, index, token=FAKE_TOKEN, language_of=language_of)
    await server.start("127.0.0.1", 0)
    return server


@pytest.fixture
async def reader(content_pack: Any, catalogues: Catalogues, search_index: Any) -> AsyncIterator[tuple[str, Any]]:
    settings = Settings(webapp_url=URL, access="allowlist", admins=frozenset({ADMIN}),
                        allowlist=frozenset({MEMBER}))
    server = await serve(settings, content_pack, catalogues, search_index)
    async with aiohttp.ClientSession() as session:
        yield f"http://127.0.0.1:{server.port}/", session
    await server.stop()


async def get(reader: tuple[str, Any], path: str, headers: dict[str, str] | None = None,
              **params: str) -> tuple[int, Any, bytes]:
    base, session = reader
    async with session.get(base + path, headers=headers or {}, params=params or None) as response:
        return response.status, response.headers.copy(), await response.read()


# --- the guard ------------------------------------------------------------------------------------

API = ["api/contents", "api/section/p1.I.1.1", "api/figure/grdp-quy-mo-2025", "api/search?q=grdp"]


@pytest.mark.parametrize("path", API)
async def test_without_valid_init_data_every_endpoint_is_401_and_no_content(reader: Any, content_pack: Any, path: str):
    stale = header(auth_date=int(time.time()) - 2 * 24 * 3600)
    forged = {"Authorization": header()["Authorization"].replace("1001", "1002")}
    other_bot = {"Authorization": "tma " + auth.sign_user(ADMIN, "987654321:" + "B" * 35)}
    for headers in ({}, {"Authorization": "Bearer x"}, {"Authorization": "tma "}, forged, other_bot, stale):
        status, got, body = await get(reader, path, headers)
        assert status == 401, (headers, status)
        assert got["WWW-Authenticate"] == "tma"
        assert got["Cache-Control"] == "no-store"
        assert len(body) < 40 and b"error" in body  # a reason code, nothing of the report
    _, _, body = await get(reader, path, stale)
    assert body == b'{"error":"expired"}'


async def test_an_outsider_under_allowlist_gets_403_and_their_id(reader: Any):
    status, _, body = await get(reader, "api/section/p1.I.1.1", header(OUTSIDER))
    assert status == 403
    assert body == b'{"error":"forbidden","id":3003}'
    for user in (ADMIN, MEMBER):
        status, _, _ = await get(reader, "api/section/p1.I.1.1", header(user))
        assert status == 200


async def test_security_headers_on_every_answer(reader: Any):
    for path, headers in (("", {}), ("api/contents", {}), ("api/contents", header()), ("nowhere", {}),
                          ("assets/0000/reader.js", {})):
        _, got, _ = await get(reader, path, headers)
        assert got["Content-Security-Policy"] == CSP
        assert got["X-Content-Type-Options"] == "nosniff"
        assert got["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP and "http" not in CSP.replace(
        "frame-ancestors https://web.telegram.org", "")
    assert "frame-ancestors https://web.telegram.org" in CSP


async def test_the_shell_holds_no_report_text_and_links_only_its_own_assets(reader: Any, content_pack: Any):
    status, got, body = await get(reader, "")
    assert status == 200 and got["Content-Type"].startswith("text/html")
    shell = body.decode()
    words = [content_pack.meta.title, content_pack.meta.status_notice, content_pack.meta.province]
    words += [s.title for s in content_pack.sections.values()]
    words += [f.label for f in content_pack.figures.values()]
    assert not [w for w in words if w and w in shell]
    assert "<script>" not in shell and "style=" not in shell and "//" not in shell.replace("<!--", "")
    for asset in ("reader.js", "reader.css", "telegram.js", "look.js", "strings.js"):
        assert '"assets/' in shell
        status, headers, _ = await get(reader, f"assets/{shell.split('assets/')[1].split('/')[0]}/{asset}")
        assert status == 200 and "immutable" in headers["Cache-Control"]


async def test_assets_of_another_version_are_not_served(reader: Any):
    status, _, _ = await get(reader, "assets/0123456789abcdef/reader.js")
    assert status == 404
    status, _, _ = await get(reader, "assets/x/../../bot/config.py")
    assert status == 404


# --- each endpoint -------------------------------------------------------------------------------

async def test_contents(reader: Any, content_pack: Any):
    status, got, body = await get(reader, "api/contents", header(language_code="en"))
    assert status == 200 and got["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["lang"] == "en"  # Telegram's language when the reader chose none in the bot
    assert [e["id"] for e in data["toc"]] == list(content_pack.sections)
    assert data["meta"]["notice"] == content_pack.meta_text("en").status_notice
    assert data["meta"]["original"] == "Original (Vietnamese):"
    assert data["start"] is None and data["languages"] == ["vi", "en"]
    status, _, body = await get(reader, "api/contents", header(start_param="read-p1_I_2"), lang="vi")
    data = json.loads(body)
    assert data["lang"] == "vi" and data["start"] == "p1.I.2" and data["meta"]["original"] is None
    _, _, body = await get(reader, "api/contents", header(start_param="read-nope"))
    assert json.loads(body)["start"] is None


async def test_section(reader: Any, content_pack: Any):
    status, got, body = await get(reader, "api/section/p1.I.1.1", header())
    assert status == 200
    data = json.loads(body)
    section = content_pack.sections["p1.I.1.1"]
    assert data["heading"] == "I.1.1. Công nghiệp - xây dựng" and data["reference"] == "Phần I, mục I.1.1"
    assert [p["plain"] for p in data["paragraphs"]] == [p.plain for p in section.paragraphs]
    markers = [r["n"] for p in data["paragraphs"] for r in p["runs"] if "n" in r]
    assert markers == section.footnotes and [f["n"] for f in data["footnotes"]] == section.footnotes
    figures = {fid for p in data["paragraphs"] + data["footnotes"] for r in p["runs"] for fid in r.get("f", [])}
    assert {f.id for f in content_pack.figures.values() if f.source == "p1.I.1.1"} == figures == set(data["figures"])
    assert data["summary"] and all(i["title"] for i in data["summary"])
    assert data["cite"].endswith("Phần I, mục I.1.1") and content_pack.meta.committee in data["cite"]
    # The same content version asked again: 304 without a body.
    status, _, body = await get(reader, "api/section/p1.I.1.1", {**header(), "If-None-Match": got["ETag"]})
    assert status == 304 and body == b""


async def test_section_in_english_keeps_the_original_vietnamese(reader: Any, content_pack: Any):
    _, _, body = await get(reader, "api/section/p1.I.1.1", header(), lang="en")
    data = json.loads(body)
    assert data["heading"] == "I.1.1. " + content_pack.section_title("p1.I.1.1", "en")
    assert data["paragraphs"][0]["plain"] == content_pack.sections["p1.I.1.1"].paragraphs[0].plain
    card = data["figures"]["cong-nghiep-tang-truong-2021-2025"]
    assert card["value"] == "20.1%/year" and card["quote"].startswith("Chỉ số sản xuất")


async def test_figure(reader: Any, content_pack: Any):
    status, _, body = await get(reader, "api/figure/grdp-quy-mo-2025", header())
    assert status == 200
    card = json.loads(body)
    fig = content_pack.figures["grdp-quy-mo-2025"]
    assert card["label"] == fig.label and fig.value in card["value"]
    assert card["reference"] == content_pack.reference(fig.source, fig.footnote, "vi")
    assert card["notes"]  # the report's own error about the headline GRDP is on its card
    pending = next(f for f in content_pack.figures.values() if f.status == "pending")
    _, _, body = await get(reader, f"api/figure/{pending.id}", header())
    assert json.loads(body)["value"] is None


@pytest.mark.parametrize("path", ["api/section/p9.X", "api/figure/no-such-figure", "api/section/..%2Fx",
                                  "api/nothing"])
async def test_unknown_things_are_404(reader: Any, path: str):
    status, _, body = await get(reader, path, header())
    assert status == 404 and b"not_found" in body


async def test_search_answers_with_figures_and_passages(reader: Any):
    status, _, body = await get(reader, "api/search", header(), q="grdp binh quan")
    assert status == 200
    data = json.loads(body)
    assert data["outcome"] == "passages" and data["figures"][0]["id"] == "grdp-tang-truong-2021-2025"
    assert data["passages"] and any(r.get("m") and r["t"] == "GRDP" for r in data["passages"][0]["runs"])


async def test_search_is_as_honest_as_the_bot(reader: Any, search_index: Any):
    _, _, body = await get(reader, "api/search", header(), q="bitcoin blockchain")
    data = json.loads(body)
    assert data["outcome"] == search_index.text_search("bitcoin blockchain").outcome == "not_found"
    assert data["messages"][0] == "Báo cáo không nhắc đến: “bitcoin”, “blockchain”."
    assert not data["passages"] and not data["figures"]
    _, _, body = await get(reader, "api/search", header(), q="GRDP của Hà Nội", lang="en")
    data = json.loads(body)
    assert any("only has figures for Bắc Giang" in m for m in data["messages"]), data["messages"]
    _, _, body = await get(reader, "api/search", header(), q="xin chào")
    assert json.loads(body)["outcome"] == "greeting"
    _, _, body = await get(reader, "api/search", header(), q="đột phá thứ hai")
    assert json.loads(body)["item"]["id"].startswith("dot-pha")


@pytest.mark.parametrize("query", ["", "   ", "<script>alert(1)</script>", "&&&", "漢字", "🙂" * 50])
async def test_search_takes_any_text(reader: Any, query: str):
    status, got, body = await get(reader, "api/search", header(), q=query)
    assert status == 200 and got["Content-Type"].startswith("application/json")
    assert json.loads(body)["query"] == " ".join(query.split())  # data for textContent, never markup


async def test_search_too_long_is_a_clear_400(reader: Any):
    status, _, body = await get(reader, "api/search", header(), q="a" * 301)
    assert status == 400 and body == b'{"error":"too_long","limit":300}'


async def test_a_reader_who_hammers_the_api_is_slowed_down(reader: Any):
    statuses = [(await get(reader, "api/figure/grdp-quy-mo-2025", header(MEMBER)))[0] for _ in range(READER_BURST + 5)]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert (await get(reader, "api/figure/grdp-quy-mo-2025", header(ADMIN)))[0] == 200  # others unaffected


async def test_the_language_the_reader_chose_in_the_bot(content_pack: Any, catalogues: Catalogues, search_index: Any):
    chosen = {ADMIN: "en"}
    server = await serve(Settings(webapp_url=URL), content_pack, catalogues, search_index, chosen.get)
    try:
        async with aiohttp.ClientSession() as session:
            reader = (f"http://127.0.0.1:{server.port}/", session)
            _, _, body = await get(reader, "api/contents", header(ADMIN, language_code="vi"))
            assert json.loads(body)["lang"] == "en"
            _, _, body = await get(reader, "api/contents", header(MEMBER, language_code="vi"))
            assert json.loads(body)["lang"] == "vi"
    finally:
        await server.stop()


async def test_nothing_a_reader_sends_reaches_the_logs(reader: Any, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    secret_words = "bí mật riêng"
    good = header(MEMBER)
    forged = {"Authorization": good["Authorization"].replace("2002", "2003")}
    for headers in (good, forged, header(OUTSIDER), {}):
        await get(reader, "api/search", headers, q=secret_words)
        await get(reader, "api/section/p1.I.1.1", headers)
    text = caplog.text
    init_data = good["Authorization"].removeprefix("tma ")
    for leak in (init_data, fields_of_hash(init_data), "2002", "2003", "3003", secret_words, FAKE_TOKEN,
                 "bi mat"):
        assert leak not in text, leak
    assert "refused" in text  # refusals are counted, by reason only


def fields_of_hash(init_data: str) -> str:
    return init_data.rsplit("hash=", 1)[1]


async def test_the_reader_mounts_beside_a_webhook_under_a_prefix(content_pack: Any, catalogues: Catalogues,
                                                                 search_index: Any):
    """The component a webhook server can mount: the page's links are relative, the guard goes along."""
    from aiohttp import web

    server = ReaderServer(Settings(webapp_url=URL), content_pack, catalogues, search_index, token=FAKE_TOKEN)
    async def webhook(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    parent = web.Application()
    parent.router.add_post("/telegram-webhook", webhook)
    parent.add_subapp("/reader/", server.web_app())
    runner = web.AppRunner(parent)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            reader = (f"http://127.0.0.1:{port}/reader/", session)
            status, got, body = await get(reader, "")
            assert status == 200 and got["Content-Security-Policy"] == CSP
            key = body.decode().split("assets/")[1].split("/")[0]
            assert (await get(reader, f"assets/{key}/reader.js"))[0] == 200
            assert (await get(reader, "api/contents"))[0] == 401
            assert (await get(reader, "api/contents", header()))[0] == 200
    finally:
        await runner.cleanup()
