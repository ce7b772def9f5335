"""Time per evidence folder: `onrecord evidence ITEM --out DIR` as the installed command.

    .venv/bin/python benchmarks/bench_evidence.py [--runs 5] [--write]

Builds an archive from the simulator's demo world (Aldoria's feed, checked before and after the
readout is edited: an item with 2 versions), stops the simulator, then writes the readout's evidence
folder `--runs` times (2 PNGs, WACZ, manifest) and as many times with `--version 2` (one image).
Prints wall and CPU seconds (the child's and its children's, Chromium included) per folder;
`--write` replaces the section "Evidence folders (issue 10)" of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.simthread
BIN = Path(sys.executable).parent / "onrecord"
SECTION = "## Evidence folders (issue 10)"
ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2"]


def run(data: Path, *args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([str(BIN), "--data", str(data), *ALLOW, *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"onrecord {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    from tests.simthread import ThreadedSim

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "d"
        with ThreadedSim("demo") as world:
            world.clock.advance(30 * 60)
            readout = world.url("aldoria", "/statements/readout-holt-falk-call")
            run(data, "add", world.url("aldoria", "/feed.xml"), "--kind", "feed")
            run(data, "check")
            world.clock.advance(25 * 60)  # the readout is edited
            run(data, "check")
        rows = []
        for label, extra in (("2 versions, 2 images", []), ("2 versions, --version 2 (1 image)", ["--version", "2"])):
            got = [
                run(data, "evidence", readout, *extra, "--out", f"{tmp}/ev-{len(rows)}-{i}") for i in range(args.runs)
            ]
            walls, cpus = [w for w, _ in got], [c for _, c in got]
            rows.append(
                f"| {label} | {min(walls):.2f} | {statistics.median(walls):.2f} | {max(walls):.2f} "
                f"| {statistics.median(cpus):.2f} |"
            )
    report = "\n".join(
        [
            SECTION,
            "",
            f"- date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}",
            f"- machine: nproc={os.cpu_count()}, {platform.machine()}, Python {platform.python_version()}, "
            "shared with other jobs",
            "- command: `.venv/bin/python benchmarks/bench_evidence.py --write`",
            f"- {args.runs} runs each of `onrecord evidence ITEM --out DIR` (new process, simulator stopped); "
            "CPU is the process's and its children's (Chromium) user + system",
            "",
            "| folder | wall s min | wall s median | wall s max | CPU s median |",
            "| --- | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "Most of the time is Chromium's start-up, once per folder; no goal was set in the issue.",
            "",
        ]
    )
    print(report)
    if args.write:
        from markdown_section import replace_section

        replace_section(ROOT / "BENCHMARKS.md", SECTION, report)


if __name__ == "__main__":
    main()
