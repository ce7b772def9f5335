"""Findings API latency (`GET /api/findings` through the real ASGI app) on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_web.py [--items 100000] [--versions 10] [--requests 300]
        [--db sqlite|postgresql ...] [--pg URL] [--write]

Builds the same database as bench_search.py (`--items` items over 1,000 sources, `--versions` each),
then logs findings as a watcher would: one `new` per item, one `edited` per later version, a `deleted`
for every 20th item. Times the findings API (50 per page, newest first) over a mix: no filter, kind,
source, actor, since, a kind plus a source, and the next page. Goal (issue 11): p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import SOURCES, START, build

SECTION = "## Web findings API (issue 11)"


def log_findings(url: str, items: int, per_item: int) -> int:
    from sqlalchemy import text

    from onrecord.store import Store

    store = Store(url)
    rows: list[dict[str, Any]] = []
    fid = 0
    rng = random.Random(5)
    with store.engine.begin() as conn:
        for iid in range(1, items + 1):
            sid = rng.randrange(SOURCES) + 1
            kinds = ["new"] + ["edited"] * (per_item - 1) + (["deleted"] if iid % 20 == 0 else [])
            for k in kinds:
                fid += 1
                rows.append(
                    {
                        "id": fid,
                        "at": START + timedelta(seconds=fid * 7),
                        "k": k,
                        "s": sid,
                        "sn": f"source-{sid - 1}",
                        "i": iid,
                        "u": f"https://example.org/{sid}/{iid}",
                    }
                )
            if len(rows) >= 5000 or iid == items:
                conn.execute(
                    text(
                        "INSERT INTO findings (id, at, kind, source_id, source, item_id, item, url, detail) "
                        "VALUES (:id, :at, :k, :s, :sn, :i, :u, :u, '{}')"
                    ),
                    rows,
                )
                rows = []
        conn.execute(text("ANALYZE"))
    store.close()
    return fid


def measure(url: str, data: Path, n: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from onrecord.app import Onrecord
    from onrecord.config import Settings
    from onrecord.web.app import create_app

    core = Onrecord(Settings(data=data, db=url))
    c = TestClient(create_app(core), base_url="http://127.0.0.1:8765")
    rng = random.Random(3)
    first = c.get("/api/findings").json()
    mix = [
        {},
        {"kind": "deleted"},
        {"kind": "edited,deleted"},
        {"source": "source-{}"},
        {"actor": "Actor {}"},
        {"since": "2026-03-01T00:00:00Z"},
        {"kind": "deleted", "source": "source-{}"},
        {"before": str(first[-1]["id"])},
    ]
    times: list[float] = []
    for i in range(n):
        q = {k: v.format(rng.randrange(100)) for k, v in mix[i % len(mix)].items()}
        t0 = time.perf_counter()
        r = c.get("/api/findings", params=q)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
    core.close()
    times.sort()
    return {"n": n, "p50": statistics.median(times), "p95": times[int(0.95 * (n - 1))], "max": times[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--write", action="store_true", help="replace the section in BENCHMARKS.md")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for db in args.db:
            schema = admin = None
            if db == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'web.db'}"
            else:
                from sqlalchemy import create_engine, text

                schema = f"bench_{uuid.uuid4().hex[:8]}"
                admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
                with admin.connect() as c:
                    c.execute(text(f"CREATE SCHEMA {schema}"))
                url = f"{args.pg}?options=-csearch_path%3D{schema}"
            try:
                built = build(url, args.items, args.versions)
                findings = log_findings(url, args.items, args.versions)
                res = measure(url, Path(tmp) / f"d-{db}", args.requests)
                res.update(db=db, versions=built["versions"], findings=findings)
                print(res, flush=True)
                rows.append(res)
            finally:
                if admin is not None:
                    with admin.connect() as c:
                        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                    admin.dispose()
    report = [
        SECTION,
        "",
        f"- date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}",
        f"- machine: nproc=2 (shared with other work), Python {platform.python_version()}",
        f"- command: `.venv/bin/python benchmarks/bench_web.py --items {args.items} --versions {args.versions} "
        f"--requests {args.requests}`",
        "",
        "| database | items | versions | findings | requests | p50 ms | p95 ms | max ms | goal p95 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        report.append(
            f"| {r['db']} | {args.items:,} | {r['versions']:,} | {r['findings']:,} | {r['n']} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['max']:.1f} | ≤ 100 |"
        )
    report.append("")
    out = "\n".join(report)
    print(out)
    if args.write:
        from markdown_section import replace_section

        replace_section(Path(__file__).resolve().parent.parent / "BENCHMARKS.md", SECTION, out)


if __name__ == "__main__":
    main()
