"""The reader (Mini App) in a real browser: time to first paint of a section on the local server.

    .venv/bin/python bench/bench_webapp.py                     # timings, 5 runs per section
    .venv/bin/python bench/bench_webapp.py --shots /tmp/shots  # also phone screenshots, both themes and languages

The bot's reader server runs in this process on 127.0.0.1 with the shipped pack; Debian's chromium
(headless, through Playwright) opens it at 390 x 844 with a Telegram stub carrying initData signed
with a test token. "First paint of a section" is from navigation start to the frame after the
section's text is in the page (the reader marks ``section-painted``): the shell, its three assets,
/api/contents and /api/section, and rendering. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.content.search import SearchIndex  # noqa: E402
from bot.fakeapi import FAKE_TOKEN  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.webapp import auth  # noqa: E402
from bot.webapp.server import ReaderServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
#: Telegram's own theme colours (Android defaults), as the client passes them in themeParams.
THEMES: dict[str, dict[str, str]] = {
    "light": {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#a8a8a8", "link_color": "#2481cc",
              "button_color": "#2481cc", "button_text_color": "#ffffff", "secondary_bg_color": "#f0f0f0",
              "header_bg_color": "#ffffff", "accent_text_color": "#1c93e3", "section_bg_color": "#ffffff",
              "destructive_text_color": "#cc2929"},
    "dark": {"bg_color": "#212d3b", "text_color": "#ffffff", "hint_color": "#7d8b99", "link_color": "#5eabe1",
             "button_color": "#5288c1", "button_text_color": "#ffffff", "secondary_bg_color": "#1d2733",
             "header_bg_color": "#242d39", "accent_text_color": "#64b5ef", "section_bg_color": "#1d2733",
             "destructive_text_color": "#ef5b5b"},
}
SECTIONS = ("p1.I.1.1", "p1.I.2.1", "p2.II.2")


def telegram_stub(init_data: str, theme: str, language: str = "vi") -> str:
    """A window.Telegram.WebApp as Telegram's client provides it, before the page's scripts run."""
    web_app = {"initData": init_data, "initDataUnsafe": {"user": {"id": 1001, "language_code": language}},
               "themeParams": THEMES[theme], "colorScheme": theme, "platform": "android", "version": "8.0"}
    return ("(function(){var w=" + json.dumps(web_app) + ";var noop=function(){};"
            "w.onEvent=noop;w.offEvent=noop;w.ready=noop;w.expand=noop;"
            "w.BackButton={show:noop,hide:noop,onClick:noop,offClick:noop};"
            "window.Telegram={WebApp:w};})();")


async def serve() -> ReaderServer:
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    server = ReaderServer(Settings(webapp_url="https://reader.example/"), pack, catalogues, SearchIndex.build(pack),
                          token=FAKE_TOKEN)
    server.assets.warm()
    await server.start("127.0.0.1", 0)
    return server


async def first_paint(browser: Any, base: str, section: str, theme: str = "light") -> float:
    context = await browser.new_context(viewport=PHONE)
    await context.add_init_script(telegram_stub(auth.sign_user(1001, FAKE_TOKEN), theme))
    page = await context.new_page()
    await page.goto(f"{base}?s={section}")
    await page.wait_for_selector(f"body[data-painted='{section}']")
    painted = await page.evaluate("performance.getEntriesByName('section-painted')[0].startTime")
    await context.close()
    return float(painted)


async def next_section(browser: Any, base: str, section: str, times: int) -> list[float]:
    """Within an open reader: "Next" until the section after ``times`` others is painted, each timed
    from the tap (performance marks section-requested -> section-painted)."""
    context = await browser.new_context(viewport=PHONE)
    await context.add_init_script(telegram_stub(auth.sign_user(1001, FAKE_TOKEN), "light"))
    page = await context.new_page()
    await page.goto(f"{base}?s={section}")
    await page.wait_for_selector(f"body[data-painted='{section}']")
    out = []
    for _ in range(times):
        await page.evaluate("performance.clearMarks()")
        following = await page.evaluate("document.body.getAttribute('data-section')")
        await page.click("#next")
        await page.wait_for_selector(f"body[data-painted]:not([data-painted='{following}'])")
        out.append(await page.evaluate("performance.getEntriesByName('section-painted')[0].startTime"
                                       " - performance.getEntriesByName('section-requested')[0].startTime"))
    await context.close()
    return [float(t) for t in out]


async def screenshots(browser: Any, base: str, folder: Path) -> None:
    for theme in THEMES:
        for lang in ("vi", "en"):
            context = await browser.new_context(viewport=PHONE, device_scale_factor=2)
            await context.add_init_script(telegram_stub(auth.sign_user(1001, FAKE_TOKEN, language_code=lang),
                                                        theme, lang))
            page = await context.new_page()
            await page.goto(base)
            await page.wait_for_selector("body[data-view=toc]")
            await page.screenshot(path=str(folder / f"toc-{theme}-{lang}.png"))
            await page.click("#toc button[data-section='p1.I.1.1']")
            await page.wait_for_selector("body[data-section='p1.I.1.1'] .fig")
            await page.screenshot(path=str(folder / f"section-{theme}-{lang}.png"))
            await page.click("#summary summary")
            await page.screenshot(path=str(folder / f"summary-{theme}-{lang}.png"))
            await page.click("#summary summary")
            await page.click(".fn")
            await page.wait_for_selector(".fn-open")
            await page.locator(".fn-open").scroll_into_view_if_needed()
            await page.screenshot(path=str(folder / f"footnote-{theme}-{lang}.png"))
            await page.click(".fig")
            await page.wait_for_selector("#sheet:not([hidden]) .card")
            await page.screenshot(path=str(folder / f"figure-{theme}-{lang}.png"))
            await page.click("#sheet-close")
            await page.click("#search-button")
            await page.fill("#search-input", "thu nhap binh quan")
            await page.press("#search-input", "Enter")
            await page.wait_for_selector("body[data-searched]")
            await page.screenshot(path=str(folder / f"search-{theme}-{lang}.png"))
            await page.fill("#search-input", "GRDP của Hà Nội")
            await page.press("#search-input", "Enter")
            await page.wait_for_selector("body[data-searched='GRDP của Hà Nội']")
            await page.screenshot(path=str(folder / f"honest-{theme}-{lang}.png"))
            await context.close()
    print(f"screenshots in {folder}")


async def main(runs: int, shots: Path | None) -> None:
    from playwright.async_api import async_playwright

    server = await serve()
    base = f"http://127.0.0.1:{server.port}/"
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            await first_paint(browser, base, SECTIONS[0])  # the browser's own warm-up
            for section in SECTIONS:
                times = [await first_paint(browser, base, section) for _ in range(runs)]
                size = len(server.assets.section("vi", section) or b"")
                print(f"first paint of section {section} ({size / 1024:.0f} KB of JSON): "
                      f"median {statistics.median(times):.0f} ms, best {min(times):.0f} ms, worst {max(times):.0f} ms "
                      f"over {runs} fresh page loads")
            taps = await next_section(browser, base, "p1.I.1", 10)
            print(f"next section within the open reader (tap to painted, 10 sections from I.1): "
                  f"median {statistics.median(taps):.0f} ms, worst {max(taps):.0f} ms")
            if shots is not None:
                await screenshots(browser, base, shots)
            await browser.close()
    finally:
        await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shots", type=Path, default=None, help="folder for phone-size screenshots")
    args = parser.parse_args()
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.runs, args.shots))
