"""A real browser drives the reader: Debian's chromium, headless, through Playwright.

The reader's server runs on 127.0.0.1 in the test's event loop; a ``window.Telegram.WebApp`` stub,
injected before the page loads, carries initData signed with the test token (as Telegram's client
would). Without /usr/bin/chromium these tests are SKIPPED with the line that installs it; CI's
.ci/run installs it first.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bot.config import Settings
from bot.fakeapi import FAKE_TOKEN
from bot.webapp import auth
from bot.webapp.server import ReaderServer

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get update && apt-get install -y --no-install-recommends chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999", "link_color": "#2481cc",
         "button_color": "#2481cc", "button_text_color": "#ffffff", "secondary_bg_color": "#efeff3"}
DARK = {"bg_color": "#212d3b", "text_color": "#ffffff", "hint_color": "#7d8b99", "link_color": "#5eabe1",
        "button_color": "#5288c1", "button_text_color": "#ffffff", "secondary_bg_color": "#1d2733"}


def _missing() -> str | None:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        return (f"the reader's browser tests need Debian's chromium at {CHROMIUM}, which is missing; "
                f"add it with: {INSTALL}")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the reader's browser tests need the playwright package: python3 dev.py installs it (.[dev])"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


def stub(init_data: str, theme: dict[str, str], scheme: str, language: str = "vi") -> str:
    web_app = {"initData": init_data, "initDataUnsafe": {"user": {"id": 1001, "language_code": language}},
               "themeParams": theme, "colorScheme": scheme, "platform": "android", "version": "8.0"}
    return ("(function(){var w=" + json.dumps(web_app) + ";var noop=function(){};w.onEvent=noop;"
            "w.offEvent=noop;w.ready=noop;w.expand=noop;w.BackButton={show:noop,hide:noop,onClick:noop,"
            "offClick:noop};window.Telegram={WebApp:w};})();")


@pytest.fixture
async def base(content_pack: Any, catalogues: Any, search_index: Any) -> AsyncIterator[str]:
    server = ReaderServer(Settings(webapp_url="https://reader.example.org/"), content_pack, catalogues,
                          search_index, token=FAKE_TOKEN)
    await server.start("127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.port}/"
    await server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        await chromium.close()


async def open_page(browser: Any, script: str | None) -> tuple[Any, Any, list[str]]:
    """A phone-sized page; ``problems`` collects console errors, uncaught exceptions and CSP refusals."""
    context = await browser.new_context(viewport=PHONE)
    if script is not None:
        await context.add_init_script(script)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


async def test_a_cadre_reads_a_section_opens_a_footnote_and_a_figure_searches_and_switches_language(
        browser: Any, base: str, content_pack: Any):
    context, page, problems = await open_page(browser, stub(auth.sign_user(1001, FAKE_TOKEN), LIGHT, "light"))
    await page.goto(base)
    # The table of contents, under the draft's status.
    await page.wait_for_selector("body[data-view=toc]")
    assert await page.locator("#toc button").count() == len(content_pack.sections)
    assert (await page.inner_text("#notice")).endswith(content_pack.meta.status_notice)
    # A section: its original text, figures highlighted.
    await page.click("#toc button[data-section='p1.I.1.1']")
    await page.wait_for_selector("body[data-painted='p1.I.1.1']")
    assert await page.inner_text("#section-title") == "I.1.1. Công nghiệp - xây dựng"
    first = content_pack.sections["p1.I.1.1"].paragraphs[0].plain
    assert (await page.inner_text(".para p")).startswith(first[:60])
    assert await page.locator(".fig").count() >= 8
    # A footnote opens in place, under its paragraph.
    await page.click(".fn[data-footnote='2']")
    box = page.locator(".para + .fn-open[data-footnote='2']")
    await box.wait_for()
    assert content_pack.footnotes[2].text[:50] in await box.inner_text()
    # A figure opens its card.
    await page.click(".fig[data-figure^='cong-nghiep-tang-truong-2021-2025']")
    await page.wait_for_selector("#sheet:not([hidden]) .card")
    fig = content_pack.figures["cong-nghiep-tang-truong-2021-2025"]
    assert await page.inner_text("#sheet-title") == fig.label
    assert await page.inner_text(".card-value") == "20,1%/năm"
    assert fig.quote in await page.inner_text(".card blockquote")
    await page.click("#sheet-close")
    assert await page.locator("#sheet").is_hidden()
    # Copy with citation: the paragraph as written, then where it stands.
    await page.click(".para .copy")
    copied = await page.evaluate("window.__readerCopied")
    assert copied == f"“{first}”\n— Báo cáo chính trị (dự thảo), {content_pack.meta.committee}; Phần I, mục I.1.1"
    await page.wait_for_selector("#toast:not([hidden])")
    # Search, with the bot's engine: the figure that answers, passages to open.
    await page.click("#search-button")
    await page.fill("#search-input", "grdp binh quan")
    await page.press("#search-input", "Enter")
    await page.wait_for_selector("body[data-searched='grdp binh quan']")
    assert await page.locator(".result[data-figure='grdp-tang-truong-2021-2025']").count() == 1
    passage = page.locator(".result.passage").first
    target = await passage.get_attribute("data-section")
    await passage.click()
    await page.wait_for_selector(f"body[data-painted='{target}']")
    await page.wait_for_selector(".para.flash, .fn-open")
    # English: the interface and the curated words; the report's own text stays Vietnamese.
    await page.click("#lang-button")
    await page.wait_for_selector("html[lang=en]")
    await page.wait_for_selector(f"body[data-painted='{target}']")
    heading = await page.inner_text("#section-title")
    assert content_pack.section_title(target, "en") in heading
    assert await page.inner_text(".original-mark") == "Original (Vietnamese):"
    assert await page.get_attribute("#search-button", "aria-label") == "Search"
    await page.click("#toc-button")
    await page.wait_for_selector("body[data-view=toc]")
    assert await page.inner_text("#bar-title") == "Contents"
    assert not problems, problems
    await context.close()


async def test_dark_theme_and_a_buttons_section_in_english(browser: Any, base: str, content_pack: Any):
    init_data = auth.sign_user(1001, FAKE_TOKEN, language_code="en", start_param="read-p1_I_2")
    context, page, problems = await open_page(browser, stub(init_data, DARK, "dark", "en"))
    await page.goto(base)  # the 📖 link's section comes in initData's start_param
    await page.wait_for_selector("body[data-painted='p1.I.2']")
    assert await page.get_attribute("html", "data-scheme") == "dark"
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(33, 45, 59)"
    assert await page.inner_text("#section-title") == "I.2. " + content_pack.section_title("p1.I.2", "en")
    await page.goto(base + "?s=p2.II.2")  # a Mini App button's own section
    await page.wait_for_selector("body[data-painted='p2.II.2']")
    assert not problems, problems
    await context.close()


async def test_the_reader_reads_telegrams_launch_parameters_itself(browser: Any, base: str):
    """No stub: the page's own bridge (telegram.js) reads initData and the theme from the URL fragment."""
    context, page, problems = await open_page(browser, None)
    fragment = ("#tgWebAppData=" + quote(auth.sign_user(1001, FAKE_TOKEN), safe="") + "&tgWebAppVersion=8.0"
                "&tgWebAppPlatform=tdesktop&tgWebAppThemeParams=" + quote(json.dumps(DARK), safe=""))
    await page.goto(base + "?s=p1.I.1.1" + fragment)
    await page.wait_for_selector("body[data-painted='p1.I.1.1']")
    assert await page.get_attribute("html", "data-scheme") == "dark"
    assert not problems, problems
    await context.close()


async def test_outside_telegram_the_page_shows_nothing_of_the_report(browser: Any, base: str,
                                                                     content_pack: Any):
    context, page, _ = await open_page(browser, None)
    answers: list[tuple[str, int]] = []
    page.on("response", lambda r: answers.append((r.url, r.status)))
    await page.goto(base + "?s=p1.I.1.1")
    await page.wait_for_selector("body[data-view=error]")
    text = await page.inner_text("body")
    assert "mở trình đọc này từ bot" in text
    assert content_pack.sections["p1.I.1.1"].title not in text
    assert not [u for u, s in answers if "/api/" in u and s == 200]
    await context.close()
    # A forged initData: the API refuses, the page says so.
    forged = auth.sign_user(1001, "987654321:" + "B" * 35)
    context, page, _ = await open_page(browser, stub(forged, LIGHT, "light"))
    await page.goto(base)
    await page.wait_for_selector("body[data-view=error]")
    await context.close()
