"""Events (issue 12): group 10,000 items on one core, place one new item, and the full scenario's scores.

    .venv/bin/python benchmarks/bench_events.py [--items 10000] [--db sqlite|postgresql ...] [--sim] [--write]

Items come from the seeded multilingual world of `onrecord.sim.eventsworld` (readouts in five languages
with names in their own scripts, relays, unrelated statements of the same governments close in time),
stored as items, versions and `new` findings in a fresh database. Then:

  group   one `Events.update` round over all but the last 50 items: placing, writing events, item
          places and expectations, in one process on one core (the catch-up `onrecord events` does)
  place   the last 50 items one at a time, each as one round after its `new` finding (what `watch`
          does after a check): p50/p95 per item
  score   pairwise grouping precision/recall/F1 of the result against the world's event labels

With --sim, also `onrecord sim run events` (the 60-event scenario over real HTTP on virtual time) and its
grouping and overdue/met scores. PostgreSQL runs in a throwaway schema of the `test` database.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from markdown_section import replace_section  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from onrecord.detect import text_hash  # noqa: E402
from onrecord.events import Events  # noqa: E402
from onrecord.sim.eventsworld import generate  # noqa: E402
from onrecord.sim.score import pairwise  # noqa: E402
from onrecord.store import Store  # noqa: E402
from onrecord.store.tables import FindingRow, ItemRow, VersionRow  # noqa: E402

SECTION = "## Events and expectations (issue 12)"
PG_URL = os.environ.get("ONRECORD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TAIL = 50


def world(n_items: int) -> dict[str, Any]:
    events = max(10, int(n_items / 4.0))
    doc = generate(events=events, seed=7)
    while len([e for e in doc["events"]]) < n_items:
        events = int(events * 1.1) + 1
        doc = generate(events=events, seed=7)
    doc["events"] = doc["events"][:n_items]
    return doc


def load(store: Store, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Sources, items, versions and `new` findings for the world's publishes; returns them in time order."""
    at0 = datetime.fromisoformat(doc["start"].replace("Z", "+00:00"))
    srcs = {}
    for s in doc["sources"]:
        if s["kind"] != "feed":
            continue
        srcs[s["site"]] = store.add_source(
            name=s["name"],
            url=f"http://127.0.0.1:1/{s['site']}/feed",
            kind="feed",
            actor=s["actor"],
            every=600,
            selector=None,
            ignore=None,
            now=at0,
        )
    rows = []
    for i, p in enumerate(doc["events"], start=1):
        at = datetime.fromisoformat(p["at"].replace("Z", "+00:00"))
        rows.append({**p, "id": i, "at_dt": at, "source": srcs[p["site"]]})
    return rows


def insert_items(store: Store, rows: list[dict[str, Any]]) -> None:
    items, vers, finds = [], [], []
    for r in rows:
        src = r["source"]
        url = f"http://127.0.0.1:1/{r['site']}/statements/{r['item']}"
        items.append(
            {
                "id": r["id"],
                "source_id": src.id,
                "key": r["item"],
                "url": url,
                "title": r["title"],
                "state": "live",
                "first_seen": r["at_dt"],
                "last_seen": r["at_dt"],
                "gone_count": 0,
                "flaps": 0,
            }
        )
        vers.append(
            {
                "id": r["id"],
                "item_id": r["id"],
                "seq": 1,
                "at": r["at_dt"],
                "title": r["title"],
                "text": r["text"],
                "text_hash": text_hash(r["text"]),
                "origin": "page",
            }
        )
        finds.append(
            {
                "at": r["at_dt"],
                "kind": "new",
                "source_id": src.id,
                "source": src.name,
                "item_id": r["id"],
                "item": r["item"],
                "url": url,
                "detail": {},
            }
        )
    with store.session() as s:
        s.execute(insert(ItemRow.__table__), items)
        s.execute(insert(VersionRow.__table__), vers)
        s.execute(text("UPDATE items SET current_version = id WHERE current_version IS NULL"))
        s.execute(insert(FindingRow.__table__), finds)


def run_one(url: str, n: int) -> dict[str, Any]:
    store = Store(url)
    store.migrate()
    doc = world(n)
    rows = load(store, doc)
    ev = Events(store)
    for a in doc["actors"]:
        ev.db.set_actor(a["name"], a.get("aliases", []), a.get("relay", False))
    head, tail = rows[:-TAIL], rows[-TAIL:]
    insert_items(store, head)
    now = head[-1]["at_dt"] + timedelta(minutes=1)
    t0 = time.process_time()
    w0 = time.perf_counter()
    res = ev.update(now)
    group_cpu, group_wall = time.process_time() - t0, time.perf_counter() - w0
    per = []
    for r in tail:
        insert_items(store, [r])
        w = time.perf_counter()
        ev.update(r["at_dt"] + timedelta(minutes=1))
        per.append((time.perf_counter() - w) * 1000)
    truth = {f"http://127.0.0.1:1/{r['site']}/statements/{r['item']}": r["event"] for r in rows}
    placed = [(m.url, m.event_id) for m in ev.db.members()]
    score = pairwise(truth, placed)
    store.close()
    return {
        "items": len(rows),
        "grouped": res.placed,
        "group_cpu_s": group_cpu,
        "group_wall_s": group_wall,
        "place_p50_ms": statistics.median(per),
        "place_p95_ms": sorted(per)[int(len(per) * 0.95) - 1],
        "score": score,
    }


def sim_scores() -> dict[str, Any]:
    from onrecord.loop import run as run_async
    from onrecord.sim.run import run_scenario

    t = time.perf_counter()
    r = run_async(run_scenario("events"))
    k = r.report.kinds
    return {
        "wall_s": time.perf_counter() - t,
        "grouping": r.report.grouping,
        **{kind: k[kind].to_json() for kind in ("overdue", "expectation_met") if kind in k},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--sim", action="store_true")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    out: dict[str, Any] = {}
    for db in a.db:
        if db == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="bench-events-"))
            out[db] = run_one(f"sqlite:///{folder / 'onrecord.db'}", a.items)
        else:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            eng = create_engine(PG_URL)
            with eng.begin() as c:
                c.execute(text(f"CREATE SCHEMA {schema}"))
            try:
                out[db] = run_one(f"{PG_URL}?options=-csearch_path%3D{schema}", a.items)
            finally:
                with eng.begin() as c:
                    c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        print(db, out[db], flush=True)
    lines = [
        SECTION,
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores shared with other jobs, "
        f"Python {platform.python_version()}, pinned to one core; {datetime.now(UTC):%Y-%m-%d}.",
        f"Command: `.venv/bin/python benchmarks/bench_events.py --items {a.items} --db {' '.join(a.db)}"
        f"{' --sim' if a.sim else ''} --write`",
        "",
        "| database | items | group all but 50 (CPU s / wall s) | place one item p50 / p95 (ms) "
        "| pairwise P / R / F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for db, r in out.items():
        s = r["score"]
        lines.append(
            f"| {db} | {r['items']} | {r['group_cpu_s']:.1f} / {r['group_wall_s']:.1f} | "
            f"{r['place_p50_ms']:.1f} / {r['place_p95_ms']:.1f} | "
            f"{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f} |"
        )
    if a.sim:
        sim = sim_scores()
        print("sim", sim, flush=True)
        g, od, met = sim["grouping"], sim.get("overdue", {}), sim.get("expectation_met", {})
        lines += [
            "",
            f"`onrecord sim run events --json` (100 calls, {g['true_events']} true events counting the unrelated "
            f"statements, {g['items']} items; {sim['wall_s']:.0f} s wall): grouping P/R/F1 "
            f"{g['precision']:.3f} / {g['recall']:.3f} / {g['f1']:.3f}; overdue P/R {od.get('precision')} / "
            f"{od.get('recall')} ({od.get('true_positives')} of {od.get('expected')}, latency p50 "
            f"{od.get('latency_p50') or 0:.0f} s after the latest usual answer); expectation_met P/R "
            f"{met.get('precision')} / {met.get('recall')} ({met.get('true_positives')} of {met.get('expected')}).",
        ]
    report = "\n".join(lines) + "\n"
    print(report)
    if a.write:
        replace_section(ROOT / "BENCHMARKS.md", SECTION, report)


if __name__ == "__main__":
    main()
