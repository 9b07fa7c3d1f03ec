"""The reader's assets and JSON from a pack: the cache key follows the pack, every paragraph keeps its
words, markers and figures, and the reader works on another report (the fixture pack) too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.content.pack import load_pack
from bot.i18n import LANGUAGES, Catalogues
from bot.logs import redact
from bot.webapp import views
from bot.webapp.assets import ReaderAssets
from bot.webapp.text import split_markers

MINIPACK = Path(__file__).resolve().parent / "fixtures" / "minipack"


@pytest.fixture(scope="module")
def minipack() -> Any:
    return load_pack(MINIPACK)


def test_the_cache_key_changes_with_the_pack(content_pack: Any, minipack: Any, catalogues: Catalogues,
                                             tmp_path: Path):
    shipped = ReaderAssets(content_pack, catalogues)
    assert ReaderAssets(content_pack, catalogues).key == shipped.key  # the same pack: the same key
    assert ReaderAssets(minipack, catalogues).key != shipped.key
    copy = tmp_path / "pack"
    shutil.copytree(MINIPACK, copy)
    notes = copy / "notes.yaml"
    notes.write_text(notes.read_text(encoding="utf-8").replace("text: ", "text: Sửa lại. ", 1), encoding="utf-8")
    changed = load_pack(copy)
    assert changed.fingerprint != minipack.fingerprint
    keys = {ReaderAssets(minipack, catalogues).key, ReaderAssets(changed, catalogues).key}
    assert len(keys) == 2
    assets = ReaderAssets(changed, catalogues)
    assert f"assets/{assets.key}/reader.js".encode() in assets.shell.body
    assert assets.etag("vi", "section:x").startswith(f'"{assets.key}-vi-')


def test_the_pages_words_are_in_both_languages(content_pack: Any, catalogues: Catalogues):
    body = ReaderAssets(content_pack, catalogues).files["strings.js"].body.decode()
    words = json.loads(body.removeprefix("window.READER_STRINGS=").rstrip(";\n"))
    assert set(words) == set(LANGUAGES)
    assert words["vi"]["contents"] == "Mục lục" and words["en"]["contents"] == "Contents"
    assert words["vi"]["copy"] == "Sao chép kèm trích dẫn"
    assert all(words["vi"][k] != words["en"][k] for k in ("summary", "search", "footnote", "copy"))


@pytest.mark.parametrize("which", ["content", "minipack"])
def test_every_section_keeps_its_words_markers_and_figures(which: str, content_pack: Any, minipack: Any,
                                                           catalogues: Catalogues):
    pack = content_pack if which == "content" else minipack
    placed: list[str] = []
    for lang in LANGUAGES:
        tr = catalogues.get(lang)
        for section_id, section in pack.sections.items():
            view = views.section_view(pack, tr, section_id)
            assert view is not None
            for paragraph, shown in zip(section.paragraphs, view["paragraphs"], strict=True):
                assert split_markers(paragraph.text).plain == paragraph.plain == shown["plain"]
                assert "".join(str(r.get("t", "")) for r in shown["runs"]) == paragraph.plain
                assert [r["n"] for r in shown["runs"] if "n" in r] == paragraph.footnotes
            for note in view["footnotes"]:
                assert "".join(str(r.get("t", "")) for r in note["runs"]) == pack.footnotes[note["n"]].text
            if lang == "vi":
                placed += [fid for p in view["paragraphs"] + view["footnotes"] for r in p["runs"]
                           for fid in r.get("f", [])]
            json.dumps(view)  # plain data all the way down
    assert sorted(placed) == sorted(pack.figures)  # every figure highlighted, once, where it stands


def test_a_figure_is_marked_on_its_value_and_unit(content_pack: Any, catalogues: Catalogues):
    view = views.section_view(content_pack, catalogues.get("vi"), "p1.I.1.1")
    assert view is not None
    marked = {r["t"]: r["f"] for p in view["paragraphs"] for r in p["runs"] if "f" in r}
    assert marked["20,1%/năm"] == ["cong-nghiep-tang-truong-2021-2025"]
    assert "888 nghìn tỷ đồng" in marked


def test_pending_figures_mark_the_drafts_blank(content_pack: Any, catalogues: Catalogues):
    pending = next(f for f in content_pack.figures.values() if f.status == "pending" and f.footnote is None)
    view = views.section_view(content_pack, catalogues.get("vi"), pending.source)
    assert view is not None
    runs = [r for p in view["paragraphs"] for r in p["runs"] if pending.id in r.get("f", [])]
    assert runs and set(runs[0]["t"]) <= set(".…")
    assert view["figures"][pending.id]["value"] is None


def test_english_content_comes_from_the_overlay(content_pack: Any, catalogues: Catalogues):
    tr = catalogues.get("en")
    toc = views.toc_view(content_pack, tr)
    assert toc[0]["heading"] == content_pack.section_title("open", "en")  # the label is not said twice
    section = views.section_view(content_pack, tr, "p1.I.1.1")
    assert section is not None
    assert section["summary"][0]["title"] == content_pack.item_text(section["summary"][0]["id"], "en").title
    assert section["cite"] == ("Political Report (draft), Executive Committee of the Bắc Giang Provincial Party "
                               "Organisation, XIX term; Part I, section I.1.1")


def test_init_data_and_search_words_are_redacted_from_log_lines():
    line = ("GET /api/search?q=b%C3%AD+m%E1%BA%ADt&lang=vi Authorization: tma query_id=AAH&user=%7B%22id%22"
            "%3A1001%7D&auth_date=1800000000&hash=" + "a" * 64)
    shown = redact(line)
    assert "1001" not in shown and "a" * 64 not in shown and "b%C3%AD" not in shown
    assert "tma <INITDATA>" in shown and "q=<REDACTED>" in shown
    assert redact("tgWebAppData=query_id%3DAAH%26user%3D") == "tgWebAppData=<REDACTED>"
    assert redact("user 5 blocked the bot; chat not found") == "user 5 blocked the bot; chat not found"
