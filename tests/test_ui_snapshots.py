"""Snapshots: every figure card and every item card, in Vietnamese and English, as a cadre reads them.

The files under tests/snapshots/ are plain text (what Telegram shows, then the buttons), one per
language and kind, reviewed by reading them. Any change in what a cadre reads shows up in their diff
and fails here until the files are regenerated and the diff is read:

    UPDATE_SNAPSHOTS=1 python3 dev.py test -k snapshot

Cards are opened through the real Application as from their list (Back to that list). The shipped
pack's English falls back to Vietnamese wherever content/en/ has no translation yet; the fixture pack
(tests/fixtures/minipack, with a draft notice, a rank, a forecast and a note added) is complete.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.content.pack import load_pack
from tests.ui_helpers import app_with, as_read, card_calls, ui_minipack

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
REGENERATE = "UPDATE_SNAPSHOTS=1 python3 dev.py test -k snapshot"
KIND_NAMES = {"figure": "Figure cards", "item": "Item cards"}


async def render_cards(app: Any, pack: Any, kinds: tuple[str, ...], lang: str, title: str) -> str:
    blocks = [f"# {title}, {lang}: what a cadre reads, then the buttons. Regenerate: {REGENERATE}", ""]
    for kind in kinds:
        for ident, call in (await card_calls(app, pack, kind, lang)).items():
            blocks += [f"═══ {kind} {ident} ═══", as_read(call), ""]
    return "\n".join(blocks)


def compare(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing; create it with {REGENERATE} and read it"
    old = path.read_text(encoding="utf-8")
    if old != text:
        diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), f"{name} (reviewed)",
                                         f"{name} (now)", lineterm="", n=2))
        shown = "\n".join(diff[:150]) + ("\n…" if len(diff) > 150 else "")
        pytest.fail(f"what a cadre reads changed; read the diff, then {REGENERATE}\n{shown}")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", ["figure", "item"])
async def test_snapshot_of_every_card_of_the_shipped_pack(app, content_pack, kind, lang):
    text = await render_cards(app, content_pack, (kind,), lang, f"{KIND_NAMES[kind]} of the shipped pack")
    compare(f"{kind}s.{lang}.txt", text)


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_snapshot_of_every_card_of_the_fixture_pack(tmp_path, settings, catalogues, lang):
    pack = load_pack(ui_minipack(tmp_path / "pack"))
    async with app_with(pack, settings, catalogues) as app:
        text = await render_cards(app, pack, ("figure", "item"), lang, "Cards of the fixture pack")
    compare(f"minipack.{lang}.txt", text)


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_a_place_is_said_once(app, content_pack, lang):
    """A target written "đứng thứ 15" keeps "thứ" as its hedge, and ranks add it too: never twice."""
    text = await render_cards(app, content_pack, ("figure", "item"), lang, "every card")
    doubled = re.findall(r"\bthứ thứ\b|\bNo\. \d+(?:st|nd|rd|th)\b", text)
    assert not doubled, doubled
