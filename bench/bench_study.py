"""Study costs: building every quiz question, loading the study file, drawing each chart, a cached send.

    .venv/bin/python bench/bench_study.py

Prints: how many questions the pack yields and the time to plan and word all of them in both
languages; the time check-content spends on study.yaml (distractor proofs); the first import of
matplotlib; each chart's drawing time and PNG size per language; /chart end to end, first (drawn) and
second (cached, Telegram file id); a 5-question group quiz through the real Application. Asserts nothing.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.pack import load_pack  # noqa: E402
from bot.fakeapi import FAKE_TOKEN, FakeBotAPI  # noqa: E402
from bot.handlers import quiz  # noqa: E402
from bot.i18n import Catalogues  # noqa: E402
from bot.render.quiz import poll  # noqa: E402
from bot.simulate import poll_answer, running, send  # noqa: E402
from bot.study.content import load_study  # noqa: E402
from bot.study.questions import plan  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def main() -> None:
    pack = load_pack(ROOT / "content")
    catalogues = Catalogues.load(ROOT / "locales")
    study = pack.study
    assert study is not None
    ids = study.question_ids()
    start = time.perf_counter()
    worded = 0
    for seed in range(3):
        for question_id in ids:
            p = plan(pack, question_id, seed)
            assert p is not None
            for lang in ("vi", "en"):
                poll(pack, p, catalogues.get(lang))
                worded += 1
    spent = time.perf_counter() - start
    print(f"questions: {len(ids)} ({sum(len(t.figures) for t in study.topics)} on figures, "
          f"{len(study.spec.quiz.questions) if study.spec.quiz else 0} hand-written); "
          f"{worded} worded polls in {ms(spent)} ({ms(spent / worded)} each)")
    times = []
    for _ in range(3):
        errors: list[str] = []
        start = time.perf_counter()
        load_study(pack, errors)
        times.append(time.perf_counter() - start)
    print(f"study.yaml load and check (distractor proofs included): {ms(min(times))}")

    start = time.perf_counter()
    import matplotlib  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    print(f"first import of matplotlib: {ms(time.perf_counter() - start)}")
    from bot.render.chart_png import render_png
    from bot.render.charts import chart_view

    for chart in study.charts:
        for lang in ("vi", "en"):
            view = chart_view(pack, chart.id, catalogues.get(lang))
            assert view is not None
            runs = []
            for _ in range(2):
                start = time.perf_counter()
                png = render_png(view)
                runs.append(time.perf_counter() - start)
            print(f"chart {chart.id:<20} {lang}: {ms(statistics.median(runs))} to draw, {len(png) // 1024} KB")

    with tempfile.TemporaryDirectory() as data:
        settings = Settings(token=FAKE_TOKEN, data_dir=Path(data), content_dir=ROOT / "content",
                            locales_dir=ROOT / "locales")
        fake = FakeBotAPI()
        app = build_application(settings, request=fake, pack=pack, rate_limiter=False, catalogues=catalogues)
        app.bot_data[quiz.SCHEDULE] = False
        clock = [1_790_000_000.0]
        app.bot_data[quiz.CLOCK] = lambda: clock[0]
        async with running(app):
            for label in ("drawn", "cached"):
                start = time.perf_counter()
                await send(app, "/chart co cau")
                print(f"/chart end to end, {label}: {ms(time.perf_counter() - start)}")
            start = time.perf_counter()
            await send(app, "/quiz 5", chat_id=-100900, chat_type="supergroup")
            for _ in range(5):
                call = fake.calls("sendPoll", -100900)[-1]
                for user in range(20):
                    await poll_answer(app, str(call.result["poll"]["id"]), [user % 4], user_id=5000 + user)
                clock[0] += 30
                await quiz.tick_now(app)
            print(f"group quiz, 5 questions x 20 players, scoreboard: {ms(time.perf_counter() - start)}; "
                  f"{len(fake.calls('sendPoll'))} polls, scoreboard sent: "
                  f"{'Bảng điểm' in (fake.last('sendMessage', -100900).text or '')}")


if __name__ == "__main__":
    asyncio.run(main())
