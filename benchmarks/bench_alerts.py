"""Alert delivery latency: from a finding to a local SMTP server and a local webhook receiver.

    .venv/bin/python benchmarks/bench_alerts.py [--items 40] [--db sqlite postgresql] [--write]

The real loop: `Onrecord.watch` polls a simulated feed (`onrecord.sim`, every 1 s); the benchmark
publishes one statement at a time in the simulator; each `new` finding goes through two immediate
rules, one to an aiosmtpd server and one to a webhook receiver (Apprise `mailto://`, `json://`), both
on 127.0.0.1. Latency is the receiver's arrival time minus the finding's time (`at`, when its check
ran), so the polling interval itself is not counted. Goal (issue 11): p95 ≤ 2 s for immediate rules.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SECTION = "## Alert delivery (issue 11)"


def scenario(n: int) -> Any:
    from onrecord.sim.scenario import parse_scenario

    return parse_scenario(
        {
            "name": "alerts-bench",
            "start": "2026-03-12T09:00:00Z",
            "duration": f"{n + 2}h",
            "sites": [{"id": "a", "title": "Office A", "feed_window": 5}],
            "sources": [{"site": "a", "kind": "feed", "path": "/feed.xml", "name": "A", "every": "1s"}],
            "events": [
                {
                    "at": f"{i}m",
                    "do": "publish",
                    "site": "a",
                    "item": f"s{i}",
                    "title": f"Statement {i}",
                    "text": f"Text of statement number {i}.",
                }
                for i in range(n)
            ],
        }
    )


async def run(n: int, data: Path, db: str | None) -> dict[str, list[float]]:
    from tests.receivers import Smtp, Webhook
    from tests.simthread import ThreadedSim

    from onrecord.app import Onrecord
    from onrecord.sim.run import sim_settings

    with ThreadedSim(scenario(n)) as world, Webhook() as hook, Smtp() as smtp:
        app = Onrecord(sim_settings(data, db))
        try:
            app.add_source(world.url("a", "/feed.xml"), kind="feed", every="1s", sniff=False)
            app.alerts.add("hook", [hook.url()], kinds=["new"])
            app.alerts.add("mail", [smtp.url()], kinds=["new"])
            stop = asyncio.Event()
            task = asyncio.create_task(app.watch(stop, max_sleep=0.1))
            for i in range(1, n + 1):
                ok = await asyncio.to_thread(lambda k=i: hook.wait(k, 15) and smtp.wait(k, 15))
                if not ok:
                    raise SystemExit(f"statement {i - 1} not delivered within 15 s")
                world.clock.advance(60)
            stop.set()
            await task
            at = {f.detail.get("title"): f.at.timestamp() for f in app.findings(kinds=["new"])}
        finally:
            app.close()
    hook_lat = [t - at[body["title"].split(" — ", 1)[1]] for t, _p, body in hook.got]
    mail_lat = [t - at[str(m["subject"]).split(" — ", 1)[1]] for t, m in smtp.got]
    return {"webhook": hook_lat, "smtp": mail_lat}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=40)
    ap.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = []
    for db in args.db:
        with tempfile.TemporaryDirectory() as tmp:
            if db == "sqlite":
                res = asyncio.run(run(args.items, Path(tmp) / "d", None))
            else:
                from sqlalchemy import create_engine, text

                schema = f"bench_{uuid.uuid4().hex[:8]}"
                admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
                with admin.connect() as c:
                    c.execute(text(f"CREATE SCHEMA {schema}"))
                try:
                    res = asyncio.run(run(args.items, Path(tmp) / "d", f"{args.pg}?options=-csearch_path%3D{schema}"))
                finally:
                    with admin.connect() as c:
                        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                    admin.dispose()
        for name, lat in res.items():
            rows.append((db, name, sorted(lat)))
    lines = [
        SECTION,
        "",
        f"- date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}",
        f"- machine: nproc=2 (shared with other work), Python {platform.python_version()}",
        f"- command: `.venv/bin/python benchmarks/bench_alerts.py --items {args.items} --db {' '.join(args.db)}`",
        "- from a finding's time (its check) to arrival at the receiver on 127.0.0.1, immediate rules, "
        "through `onrecord watch`'s own loop (the 1 s polling interval is not counted)",
        "",
        "| database | receiver | findings | p50 s | p95 s | max s | goal p95 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for db, name, lat in rows:
        p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
        lines.append(
            f"| {db} | {name} | {len(lat)} | {statistics.median(lat):.2f} | {p95:.2f} | {lat[-1]:.2f} | ≤ 2 |"
        )
    lines.append("")
    out = "\n".join(lines)
    print(out)
    if args.write:
        from markdown_section import replace_section

        replace_section(ROOT / "BENCHMARKS.md", SECTION, out)


if __name__ == "__main__":
    main()
