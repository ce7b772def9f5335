"""Start-up cost of the `onrecord` command: CPU seconds (user + system) of whole processes.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15] [--sources 100]

Each command runs `--runs` times after one warm-up; CPU time is the operating system's accounting
of the finished child (resource.getrusage(RUSAGE_CHILDREN)), so other load on the machine moves it
far less than wall time. Prints min / median / max per command, as a Markdown table for
BENCHMARKS.md. The goal (issue 13): `onrecord --help` and `onrecord sources` at most 0.3 s CPU.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "onrecord"


def cpu_of(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def seed(data: Path, n: int) -> None:
    from onrecord.app import Onrecord
    from onrecord.config import Settings

    with Onrecord(Settings(data=data, allow_private_addresses=True)) as app:
        for i in range(n):
            app.add_source(f"http://127.0.0.1:9/feed-{i}.xml", kind="feed", name=f"s{i}", sniff=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--sources", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "d"
        seed(data, args.sources)
        d = ["--data", str(data)]
        cases = [
            ("python -c pass (the floor)", [sys.executable, "-c", "pass"]),
            ("onrecord --help", [str(BIN), "--help"]),
            (f"onrecord sources ({args.sources} sources, SQLite)", [str(BIN), *d, "sources"]),
            (f"onrecord sources --json ({args.sources} sources)", [str(BIN), *d, "sources", "--json"]),
            (
                "onrecord sources via the library (--set forces it)",
                [str(BIN), *d, "--set", "timeout=30", "sources"],
            ),
            ("onrecord findings (empty log, library path)", [str(BIN), *d, "findings"]),
        ]
        print(f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}, "
              f"{time.strftime('%Y-%m-%d')}, {args.runs} runs each after 1 warm-up")
        print("\n| command | CPU s min | CPU s median | CPU s max | wall s median |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, cmd in cases:
            cpu_of(cmd)  # warm the file cache
            got = [cpu_of(cmd) for _ in range(args.runs)]
            cpus = [c for c, _ in got]
            walls = [w for _, w in got]
            print(f"| {label} | {min(cpus):.3f} | {statistics.median(cpus):.3f} | {max(cpus):.3f} | "
                  f"{statistics.median(walls):.3f} |")


if __name__ == "__main__":
    main()
