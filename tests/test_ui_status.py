"""The draft's status wherever a cadre might quote it (issue 8, point 1): /start, every 2030 target and task
card, the target pages and every digest carry meta.yaml's status_notice, in the reader's language; a
final document carries none."""

from __future__ import annotations

import pytest

from bot.content.pack import load_pack
from bot.fakeapi import parse_html
from bot.render import callbacks as cb
from bot.simulate import press, send
from tests.ui_helpers import MINIPACK, app_with, check_html, screen, ui_minipack

FORWARD_ITEMS = ("target", "task")


def notice(pack, lang: str) -> str:
    text = pack.meta_text(lang).status_notice
    assert pack.meta.status == "draft" and text, "the shipped pack is a draft with a notice"
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_start_says_what_the_document_is(app, content_pack, lang):
    calls = await send(app, "/start", lang=lang)
    welcome = parse_html(calls[0].text)
    assert notice(content_pack, lang) in welcome
    assert "/about" in welcome


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_every_2030_target_and_task_card_carries_the_notice(app, content_pack, lang):
    line = notice(content_pack, lang)
    await send(app, "/menu", lang=lang)
    targets = [f for f in content_pack.figures.values() if content_pack.role(f) == "target"]
    items = [i for i in content_pack.items.values() if i.kind in FORWARD_ITEMS]
    assert targets and items
    for fig in targets:
        call = screen(await press(app, cb.encode(cb.FigureCard(fig.id), content_pack.fingerprint), lang=lang))
        assert line in check_html(call.text), fig.id
    for item in items:
        call = screen(await press(app, cb.encode(cb.ItemCard(item.id), content_pack.fingerprint), lang=lang))
        assert line in check_html(call.text), item.id
    result = next(f for f in content_pack.figures.values() if f.kind == "result")
    call = screen(await press(app, cb.encode(cb.FigureCard(result.id), content_pack.fingerprint), lang=lang))
    assert line not in check_html(call.text), "a result of the past term is what the draft reports"


async def test_the_target_pages_carry_the_notice(app, content_pack):
    line = notice(content_pack, "vi")
    await send(app, "/menu")
    for entry in content_pack.menu:
        forward = set(entry.kinds) & set(FORWARD_ITEMS)
        call = screen(await press(app, cb.encode(cb.MenuPage(entry.id), content_pack.fingerprint)))
        shown = check_html(call.text)
        assert (line in shown) == bool(forward), entry.id
        if forward and entry.group_by == "field":
            field = next(d for d in (cb.decode(b["callback_data"], content_pack.fingerprint) for b in call.buttons)
                         if isinstance(d, cb.GroupPage))
            group = screen(await press(app, cb.encode(field, content_pack.fingerprint)))
            assert line in check_html(group.text)


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_every_digest_carries_the_notice(app, content_pack, lang):
    calls = await send(app, "/digest", lang=lang)
    digest = next(c for c in calls if c.method == "sendMessage")
    shown = check_html(digest.text)
    assert notice(content_pack, lang) in shown
    assert shown.index(notice(content_pack, lang)) < shown.index("📍"), "at the top, before the first piece"


async def test_a_final_document_carries_no_notice(settings, catalogues):
    pack = load_pack(MINIPACK)
    assert pack.meta.status == "final"
    async with app_with(pack, settings, catalogues) as app:
        welcome = parse_html((await send(app, "/start"))[0].text)
        assert "⚠️" not in welcome
        target = next(f for f in pack.figures.values() if pack.role(f) == "target")
        await send(app, "/menu")
        card = check_html(screen(await press(app, cb.encode(cb.FigureCard(target.id), pack.fingerprint))).text)
        assert "⚠️" not in card


async def test_the_notice_follows_the_pack_not_the_code(tmp_path, settings, catalogues):
    """Another pack's notice, word for word, in each language: nothing about the report is in the code."""
    pack = load_pack(ui_minipack(tmp_path / "pack"))
    async with app_with(pack, settings, catalogues) as app:
        for lang in ("vi", "en"):
            welcome = parse_html((await send(app, "/start", lang=lang))[0].text)
            assert " ".join(pack.meta_text(lang).status_notice.split()) in welcome
