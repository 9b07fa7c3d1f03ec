"""Search latency before and after a change, measured side by side (printed, never asserted).

    python bench/bench_search_ab.py [--base REV] [--rounds 7] [--calls lookup,text_search]

A shared machine's speed changes by half within a minute, so two benchmark runs taken minutes apart
do not compare. Here one worker process per version (this checkout, and ``--base`` checked out in a
temporary git worktree) loads the same content pack and index; they then take turns, one pass over
every evaluation query at a time, ``--rounds`` times, on the same CPU. Each query's time is its
fastest pass (thread CPU time), so both versions are timed in the same moments on the same core.
Prints p50 / p90 / p99 / max / mean of the per-query times for each version and call.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_content import pct  # noqa: E402 - the same percentile as the content bench

# Runs in the version's own checkout (its bot package first on the path); content and queries are
# this checkout's, so both versions answer the same questions over the same pack.
WORKER = r"""
import json, os, sys, time
from pathlib import Path
from unittest import mock
if hasattr(os, "sched_setaffinity"):  # every version on the same CPU: the other may be slower or busier
    os.sched_setaffinity(0, {int(sys.argv[5])})
sys.path.insert(0, sys.argv[1])
import yaml
from bot.content.pack import load_pack
from bot.content.search import SearchIndex
content, evals = Path(sys.argv[2]), Path(sys.argv[3])
with mock.patch("bot.content.pack.check_pack", return_value=[]):
    pack = load_pack(content)
index = SearchIndex.build(pack, cache_size=0)
queries = [str(e["q"]) for p in sorted(evals.glob("*.yaml"))
           for e in ((yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("queries") or [])]
calls = sys.argv[4].split(",")
for call in calls:
    for q in queries:
        getattr(index, call)(q)
print("ready", flush=True)
for line in sys.stdin:
    call = getattr(index, line.strip())
    times = []
    for q in queries:
        start = time.thread_time_ns()
        call(q)
        times.append(time.thread_time_ns() - start)
    print(json.dumps(times), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD~1", help="the git revision to compare with (default HEAD~1)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", default="lookup,text_search")
    args = parser.parse_args()
    calls = args.calls.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                       check=True, capture_output=True)
        try:
            compare({args.base: base, "this checkout": ROOT}, calls, args.rounds)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)


def compare(versions: dict[str, Path], calls: list[str], rounds: int) -> None:
    evals = ROOT / "tests" / "search_eval"
    cpu = min(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    workers = {
        name: subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(ROOT / "content"), str(evals),
                                ",".join(calls), str(cpu)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for name, path in versions.items()
    }
    for worker in workers.values():
        assert worker.stdin is not None and worker.stdout is not None
        if worker.stdout.readline().strip() != "ready":
            raise SystemExit("a worker did not start")
    print(f"{rounds} alternating passes over the evaluation queries; each query's fastest pass, thread CPU ms")
    for call in calls:
        fastest: dict[str, list[int]] = {}
        for _ in range(rounds):
            for name, worker in workers.items():
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write(call + "\n")
                worker.stdin.flush()
                times = json.loads(worker.stdout.readline())
                fastest[name] = [min(a, b) for a, b in zip(fastest[name], times, strict=True)] \
                    if name in fastest else times
        for name, times in fastest.items():
            ms = sorted(t / 1e6 for t in times)
            print(f"  {call:<12} {name:<16} p50 {pct(ms, 50):.3f}  p90 {pct(ms, 90):.3f}  p99 {pct(ms, 99):.3f}  "
                  f"max {ms[-1]:.3f}  mean {sum(ms) / len(ms):.3f}  ({len(ms)} queries)")
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()


if __name__ == "__main__":
    main()
