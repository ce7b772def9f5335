"""Deletions under random faults (issue 9): simulator scores of the `flaky`, `demo` and `faults` scenarios
on SQLite and PostgreSQL, with the wall time of each run.

    .venv/bin/python benchmarks/bench_faults.py [--pg URL] [--scenarios flaky demo faults] [--write]

`--pg` defaults to $ONRECORD_TEST_PG or postgresql+psycopg://postgres@127.0.0.1:5432/test; each run uses
a throwaway schema there (dropped after). `--write` replaces the section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from onrecord.sim.run import run_scenario

sys.path.insert(0, str(Path(__file__).parent))
from markdown_section import replace_section

SECTION = "## Deletions under random faults (issue 9)"
PG = os.environ.get("ONRECORD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


ABLATIONS = {
    "flaky, old rules (2 in a row, no flap memory, no mass check)": {
        "deletion_confirmations": 2,
        "flap_confirmations": 2,
        "mass_gone_min": 10**9,
    },
    "flaky, no flap memory (3 in a row)": {"flap_confirmations": 3},
}


def run_one(name: str, db: str, pg: str, label: str | None = None, **rules: object) -> dict[str, object]:
    schema = None
    url = None
    admin = None
    if db == "postgresql":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{pg}{'&' if '?' in pg else '?'}options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as tmp:
            t0 = time.perf_counter()
            res = asyncio.run(run_scenario(name, data=Path(tmp) / "d", db=url, **rules))
            wall = time.perf_counter() - t0
    finally:
        if admin is not None:
            with admin.connect() as c:
                c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()
    k = res.report.kinds
    d = k.get("deleted")
    every = res.report.kinds.get("all")
    false = sum(v.false_positives for n, v in k.items() if n != "all")
    return {
        "scenario": label or name,
        "db": db,
        "deleted": f"{d.true_positives}/{d.expected}" if d else "0/0",
        "del_p": _pct(d.precision if d else None),
        "del_r": _pct(d.recall if d else None),
        "all_p": _pct(every.precision if every else None),
        "all_r": _pct(every.recall if every else None),
        "false": false,
        "checks": res.checks,
        "wall": f"{wall:.1f}",
    }


def report(rows: list[dict[str, object]]) -> str:
    head = (
        f"{SECTION}\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()}, 2 shared cores, Python "
        f"{platform.python_version()}, with `.venv/bin/python benchmarks/bench_faults.py --write`.\n"
        "The `flaky` scenario (benchmarks/gen_flaky.py, seed 9): 24 simulated hours, one host answering 404 at\n"
        "random to 30 % of requests for its 50 items with 15 real deletions among them (3 of them soft: a 200\n"
        "'not found' page; 3 a redirect home), a soft-404 flapping host, a mass 404 while the feed lists the\n"
        "items, a real mass deletion of 6 items and a site-wide 404 right after an outage. Goal: `deleted`\n"
        "precision 1.0 and recall >= 0.99. Default rules: deletion_confirmations 3, flap_confirmations 5,\n"
        "deletion_gap 10m, flap_memory 7d, mass_gone_min 5, mass_gone_share 0.5. The last rows run the same\n"
        "world with weaker rules, to show what each part is worth. Before this change (main at d46347b,\n"
        "`onrecord sim run --json demo|faults`) demo and faults scored the same as here: all P 1.00 R 1.00,\n"
        "deleted 1/1, 0 false findings (15 and 14 expected).\n\n"
        "| scenario | database | deleted found/expected | deleted P | deleted R | all P | all R "
        "| false findings | checks | wall s |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r['scenario']} | {r['db']} | {r['deleted']} | {r['del_p']} | {r['del_r']} | {r['all_p']} | "
        f"{r['all_r']} | {r['false']} | {r['checks']} | {r['wall']} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", default=PG)
    ap.add_argument("--scenarios", nargs="+", default=["flaky", "demo", "faults"])
    ap.add_argument("--dbs", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--no-ablation", action="store_true", help="skip the flaky runs with weaker rules (SQLite)")
    ap.add_argument("--write", action="store_true", help="replace the section of BENCHMARKS.md")
    a = ap.parse_args()
    rows = []
    for name in a.scenarios:
        for db in a.dbs:
            rows.append(run_one(name, db, a.pg))
            print(rows[-1], flush=True)
    if not a.no_ablation and "flaky" in a.scenarios:
        for label, rules in ABLATIONS.items():
            rows.append(run_one("flaky", "sqlite", a.pg, label, **rules))
            print(rows[-1], flush=True)
    out = report(rows)
    print(out)
    if a.write:
        replace_section(Path(__file__).resolve().parents[1] / "BENCHMARKS.md", SECTION, out)


if __name__ == "__main__":
    main()
