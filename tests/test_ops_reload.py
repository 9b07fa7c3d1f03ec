"""/reload (/tailai) and SIGHUP: a valid changed pack is swapped in with every cache built from it; an invalid
YAML file, a duplicate id or a figure whose value is not in the source is refused with file:line errors while
the old pack keeps serving; a non-administrator gets the unknown-command answer; old buttons say they are
out of date."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from bot import context as ctx
from bot.content.pack import load_pack
from bot.fakeapi import FakeBotAPI
from bot.handlers import ops as ops_handlers
from bot.handlers.charts import CHARTS
from bot.ops.reload import Counts, Refused, reload_pack
from bot.render import figures as figures_view
from bot.render import info
from bot.render import ops as view
from bot.simulate import fake_api, press, running, send
from bot.store.digest_repo import SnapshotRepository
from tests.conftest import FakeTime, make_app

MINIPACK = Path(__file__).resolve().parent / "fixtures" / "minipack"
ADMIN, MEMBER = 1001, 2002


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(MINIPACK, target)
    return target


@pytest.fixture
def admin_settings(settings: Any, pack_dir: Path) -> Any:
    return dataclasses.replace(settings, admins=frozenset({ADMIN}), content_dir=pack_dir)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def start(admin_settings: Any, pack_dir: Path, catalogues: Any, errors: list[BaseException]) -> Any:
    return make_app(admin_settings, FakeBotAPI(), load_pack(pack_dir), catalogues, errors, time=FakeTime())


async def test_valid_changed_pack_is_swapped_in_with_its_index_and_caches(admin_settings, pack_dir, catalogues,
                                                                            handler_errors):
    app = await start(admin_settings, pack_dir, catalogues, handler_errors)
    async with running(app):
        old_pack, old_index = app.bot_data[ctx.PACK], app.bot_data[ctx.SEARCH]
        menu = await send(app, "/menu", user_id=MEMBER)
        menu_id = menu[-1].result["message_id"]
        old_button = menu[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        figures_view.figure_groups(old_pack)
        assert figures_view.figure_groups.cache_info().currsize >= 1
        app.bot_data[CHARTS] = object()  # a chart cache built from the old pack
        edit(pack_dir / "meta.yaml", 'version: "0.1.0"', 'version: "0.2.0"')
        edit(pack_dir / "figures" / "figures.yaml", "label: Tốc độ tăng trưởng kinh tế bình quân",
             "label: Tăng trưởng kinh tế bình quân cả nhiệm kỳ")
        calls = await send(app, "/tailai", user_id=ADMIN)
        texts = [c.params["text"] for c in calls if c.method == "sendMessage"]
        assert len(texts) == 2  # "checking…", then what changed
        assert "0.1.0" in texts[1] and "0.2.0" in texts[1]
        new_pack = app.bot_data[ctx.PACK]
        assert new_pack is not old_pack and new_pack.meta.version == "0.2.0"
        assert new_pack.fingerprint in texts[1] and old_pack.fingerprint in texts[1]
        assert app.bot_data[ctx.SEARCH] is not old_index
        assert figures_view.figure_groups.cache_info().currsize == 0
        assert CHARTS not in app.bot_data
        # the new figure values are remembered, so tomorrow's digest can say what changed
        assert SnapshotRepository(app.bot_data[ctx.STORE].db).load(new_pack.fingerprint)
        # the new wording is what a lookup finds now, through the new index
        answer = await send(app, "tăng trưởng cả nhiệm kỳ", user_id=MEMBER)
        assert any("cả nhiệm kỳ" in c.params.get("text", "") for c in answer if c.method == "sendMessage")
        # a button of the menu sent before the reload: out of date, and a fresh menu comes
        pressed = await press(app, old_button, message=menu_id, user_id=MEMBER)
        answered = [c for c in pressed if c.method == "answerCallbackQuery"]
        assert answered and answered[0].params.get("text") == info.stale_button(catalogues.get("vi"))
        fresh = [c for c in pressed if c.method in {"sendMessage", "editMessageText"}]
        assert fresh and fresh[0].params["reply_markup"]["inline_keyboard"]
        assert fresh[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"][:4] == new_pack.fingerprint[:4]
        # the same pack again: said so, nothing swapped
        again = await send(app, "/reload", user_id=ADMIN)
        assert app.bot_data[ctx.PACK].fingerprint == new_pack.fingerprint
        assert "0.2.0" in again[-1].params["text"]


@pytest.mark.parametrize(("case", "where"), [
    ("invalid yaml", "figures/figures.yaml:"),
    ("duplicate id", "items/items.yaml:"),
    ("figure not in source", "figures/figures.yaml:"),
])
async def test_a_broken_pack_is_refused_and_the_old_one_keeps_serving(admin_settings, pack_dir, catalogues,
                                                                      handler_errors, case, where):
    app = await start(admin_settings, pack_dir, catalogues, handler_errors)
    async with running(app):
        old_pack, old_index = app.bot_data[ctx.PACK], app.bot_data[ctx.SEARCH]
        figures = pack_dir / "figures" / "figures.yaml"
        if case == "invalid yaml":
            edit(figures, "  - id: muc-tieu-tang-truong\n", "  - id: muc-tieu-tang-truong\n    label: [unclosed\n")
        elif case == "duplicate id":
            edit(pack_dir / "items" / "items.yaml", "  - id: giam-ngheo", "  - id: kinh-te")
        else:
            edit(figures, 'value: "7,5"', 'value: "9,9"')
        calls = await send(app, "/reload", user_id=ADMIN)
        text = calls[-1].params["text"]
        assert "⛔" in text and where in text, text
        assert any(ch.isdigit() for ch in text.split(where, 1)[1][:3]), "a line number follows the file"
        assert str(pack_dir) not in text  # paths relative to the pack: short, and no server layout shown
        assert app.bot_data[ctx.PACK] is old_pack and app.bot_data[ctx.SEARCH] is old_index
        assert "0.1.0" in text
        # the old pack still answers
        answer = await send(app, "tăng trưởng", user_id=MEMBER)
        assert any(c.method == "sendMessage" for c in answer)


async def test_non_admin_gets_the_unknown_command_answer_and_nothing_reloads(admin_settings, pack_dir, catalogues,
                                                                            handler_errors):
    app = await start(admin_settings, pack_dir, catalogues, handler_errors)
    async with running(app):
        old_pack = app.bot_data[ctx.PACK]
        edit(pack_dir / "meta.yaml", 'version: "0.1.0"', 'version: "0.3.0"')
        for command in ("/reload", "/tailai"):
            calls = await send(app, command, user_id=MEMBER)
            unknown = await send(app, command.replace("reload", "nosuch").replace("tailai", "nosuch2"),
                                 user_id=MEMBER)
            assert [c.params["text"] for c in calls] == [
                c.params["text"].replace("/nosuch2", command).replace("/nosuch", command) for c in unknown]
        assert app.bot_data[ctx.PACK] is old_pack


async def test_sighup_reloads_and_tells_the_admins(admin_settings, pack_dir, catalogues, handler_errors):
    app = await start(admin_settings, pack_dir, catalogues, handler_errors)
    app.bot_data[ops_handlers.SIGHUP_RELOAD] = True
    async with running(app):
        edit(pack_dir / "meta.yaml", 'version: "0.1.0"', 'version: "0.4.0"')
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            task = app.bot_data.get(ops_handlers.SIGHUP_TASK)
            if task is not None and task.done():
                break
            await asyncio.sleep(0.01)
        assert app.bot_data[ctx.PACK].meta.version == "0.4.0"
        told = fake_api(app).calls("sendMessage", chat_id=ADMIN)
        assert told and "0.4.0" in told[-1].params["text"]


def test_a_long_error_list_is_trimmed_to_one_message(catalogues):
    errors = tuple(f"figures/f{n}.yaml:{n}: figure 'x{n}': value '1' is not in the quoted sentence <b>"
                   for n in range(500))
    text = view.refused(catalogues.get("en"), Refused("0.1.0", errors))
    assert len(text) < 4096
    assert "&lt;b&gt;" in text and "<b>" in text  # the errors are escaped, the heading is bold
    assert "more" in text and "check-content" in text


async def test_reload_without_the_content_folder_is_refused(admin_settings, pack_dir, catalogues, handler_errors):
    app = await start(admin_settings, pack_dir, catalogues, handler_errors)
    async with running(app):
        old = app.bot_data[ctx.PACK]
        shutil.rmtree(pack_dir)
        outcome = await reload_pack(app)
        assert isinstance(outcome, Refused) and outcome.errors
        assert app.bot_data[ctx.PACK] is old


def test_counts_of_a_pack(content_pack):
    counts = Counts.of(content_pack)
    assert counts.figures == len(content_pack.figures) and counts.questions > 0
