"""Search latency with 100,000 items and 1,000,000 versions, on SQLite (FTS5) and PostgreSQL.

    .venv/bin/python benchmarks/bench_search.py [--items 100000] [--versions 10] [--queries 300]
        [--db sqlite|postgresql ...] [--pg URL] [--write]

Builds a database of `--items` items over 1,000 sources (3 kinds, 100 actors), each with
`--versions` versions of about 60 words drawn from a 30,000-word vocabulary with Zipf-like
frequencies (a few words in most versions, most words rare), through the real schema (migration
0010, FTS5 triggers / the generated tsvector). Then times `Onrecord.search` as the CLI and the web
call it (20 hits, newest first, snippets and highlighting included) over a fixed mix of queries:
common, middling and rare words, two-word AND, phrases, OR, exclusion, prefix, with and without
filters (source, actor, kind, time). Reports p50/p95/max per database; goal (issue 11): p95 ≤ 100 ms.
On PostgreSQL the GIN index is dropped during the load and made again after it (a bulk load), then
ANALYZE; on SQLite the triggers fill FTS5 row by row, as in use.
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SECTION = "## Search (issue 11)"
VOCAB = 30_000
WORDS_PER_VERSION = 60
SOURCES = 1000
START = datetime(2026, 1, 1, tzinfo=UTC)


def word(i: int) -> str:
    """A pronounceable made-up word for rank i (distinct for every i)."""
    cons, vows = "bcdfghklmnprstvz", "aeiou"
    out, n = [], i + 1
    while n:
        n, r = divmod(n, len(cons) * len(vows))
        out.append(cons[r % len(cons)] + vows[r // len(cons)])
    return "".join(out) + ("n" if i % 3 == 0 else "")


def build(url: str, items: int, per_item: int, seed: int = 7) -> dict[str, Any]:
    from sqlalchemy import text

    from onrecord.store import Store

    rng = random.Random(seed)
    vocab = [word(i) for i in range(VOCAB)]
    weights = [1 / (r + 1) ** 1.05 for r in range(VOCAB)]
    cum: list[float] = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    store = Store(url)
    store.migrate()
    pg = store.engine.dialect.name == "postgresql"
    t0 = time.perf_counter()
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (id, name, url, kind, actor, every, paused, added_at, status, fail_count) "
                "VALUES (:id, :n, :u, :k, :a, 300, false, :t, 'ok', 0)"
            ),
            [
                {
                    "id": s + 1,
                    "n": f"source-{s}",
                    "u": f"https://example.org/{s}/feed.xml",
                    "k": ("feed", "page", "mastodon")[s % 3],
                    "a": f"Actor {s % 100}",
                    "t": START,
                }
                for s in range(SOURCES)
            ],
        )
    if pg:
        with store.engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_versions_search"))
    step = timedelta(seconds=(300 * 24 * 3600) / (items * per_item))
    vid = 0
    chunk = 2000
    for base in range(0, items, chunk):
        item_rows, ver_rows = [], []
        for iid in range(base + 1, min(base + chunk, items) + 1):
            sid = rng.randrange(SOURCES) + 1
            item_rows.append({"id": iid, "s": sid, "k": f"i{iid}", "u": f"https://example.org/{sid}/{iid}"})
            words = rng.choices(vocab, cum_weights=cum, k=WORDS_PER_VERSION)
            for seq in range(1, per_item + 1):
                vid += 1
                for _ in range(3):  # each edit changes a few words
                    words[rng.randrange(len(words))] = rng.choices(vocab, cum_weights=cum)[0]
                ver_rows.append(
                    {
                        "id": vid,
                        "i": iid,
                        "seq": seq,
                        "at": START + step * vid,
                        "ti": " ".join(words[:6]).capitalize(),
                        "tx": " ".join(words[6:]) + ".",
                    }
                )
            item_rows[-1]["cv"] = vid
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO items (id, source_id, key, url, title, state, first_seen, last_seen, gone_count) "
                    "VALUES (:id, :s, :k, :u, '', 'live', '2026-01-01', '2026-01-01', 0)"
                ),
                item_rows,
            )
            if pg:
                _copy(conn, ver_rows)
            else:
                conn.execute(
                    text(
                        "INSERT INTO versions (id, item_id, seq, at, title, text, text_hash, origin) "
                        "VALUES (:id, :i, :seq, :at, :ti, :tx, 'h', 'page')"
                    ),
                    ver_rows,
                )
            conn.execute(text("UPDATE items SET current_version = :cv WHERE id = :id"), item_rows)
        if base % 20000 == 0:
            print(f"  {base + len(item_rows)} items, {vid} versions, {time.perf_counter() - t0:.0f} s", flush=True)
    if pg:
        with store.engine.begin() as conn:
            conn.execute(text("CREATE INDEX ix_versions_search ON versions USING gin (search)"))
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    load = time.perf_counter() - t0
    store.close()
    return {"load_s": load, "vocab": vocab, "versions": vid}


def _copy(conn: Any, rows: list[dict[str, Any]]) -> None:
    raw = conn.connection.driver_connection
    buf = io.StringIO()
    for r in rows:
        buf.write(f"{r['id']}\t{r['i']}\t{r['seq']}\t{r['at'].isoformat()}\t{r['ti']}\t{r['tx']}\th\tpage\n")
    with raw.cursor() as cur, cur.copy(
        "COPY versions (id, item_id, seq, at, title, text, text_hash, origin) FROM STDIN"
    ) as cp:
        cp.write(buf.getvalue())


def queries(vocab: list[str], n: int, seed: int = 11) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(seed)
    common = vocab[:20]
    middle = vocab[200:2000]
    rare = vocab[5000:]
    shapes = [
        lambda: (rng.choice(common), {}),
        lambda: (rng.choice(middle), {}),
        lambda: (rng.choice(rare), {}),
        lambda: (f"{rng.choice(middle)} {rng.choice(middle)}", {}),
        lambda: (f"{rng.choice(common)} {rng.choice(rare)}", {}),
        lambda: (f'"{rng.choice(common)} {rng.choice(common)}"', {}),
        lambda: (f"{rng.choice(rare)} OR {rng.choice(rare)} OR {rng.choice(middle)}", {}),
        lambda: (f"{rng.choice(middle)} -{rng.choice(common)}", {}),
        lambda: (rng.choice(middle)[:4] + "*", {}),
        lambda: (rng.choice(middle), {"sources": [f"source-{rng.randrange(SOURCES)}"]}),
        lambda: (rng.choice(common), {"actors": [f"Actor {rng.randrange(100)}"]}),
        lambda: (rng.choice(middle), {"source_kinds": ["page"]}),
        lambda: (rng.choice(common), {"since": START + timedelta(days=rng.randrange(250))}),
        lambda: (rng.choice(middle), {"current_only": True}),
    ]
    return [shapes[i % len(shapes)]() for i in range(n)]


def measure(url: str, data: Path, qs: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    from onrecord.app import Onrecord
    from onrecord.config import Settings

    times = []
    hits = []
    with Onrecord(Settings(data=data, db=url)) as app:
        for q, kw in qs[:20]:  # warm the caches once, as a serving process is
            app.search(q, **kw)
        for q, kw in qs:
            t = time.perf_counter()
            found = app.search(q, **kw)
            times.append(time.perf_counter() - t)
            hits.append(len(found))
        worst = sorted(zip(times, (q for q, _ in qs), strict=True), reverse=True)[:3]
        rel = []
        for q, kw in qs[:60]:
            t = time.perf_counter()
            app.search(q, order="relevance", **kw)
            rel.append(time.perf_counter() - t)
    times.sort()
    rel.sort()
    return {
        "n": len(times),
        "p50": statistics.median(times) * 1000,
        "p95": times[int(len(times) * 0.95) - 1] * 1000,
        "max": times[-1] * 1000,
        "hits_mean": statistics.mean(hits),
        "worst": [(round(t * 1000, 1), q) for t, q in worst],
        "rel_p50": statistics.median(rel) * 1000,
        "rel_p95": rel[int(len(rel) * 0.95) - 1] * 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--versions", type=int, default=10, help="versions per item")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--write", action="store_true", help="replace the section in BENCHMARKS.md")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (its name is printed)")
    ap.add_argument("--schema", help="measure an existing PostgreSQL schema left by --keep (no load)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for db in args.db:
            schema = None
            if db == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'search.db'}"
            else:
                from sqlalchemy import create_engine, text

                schema = args.schema or f"bench_{uuid.uuid4().hex[:8]}"
                admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
                if not args.schema:
                    with admin.connect() as c:
                        c.execute(text(f"CREATE SCHEMA {schema}"))
                url = f"{args.pg}?options=-csearch_path%3D{schema}"
                print(f"schema {schema}", flush=True)
            try:
                if db != "sqlite" and args.schema:
                    vocab = [word(i) for i in range(VOCAB)]
                    built = {"load_s": 0.0, "vocab": vocab, "versions": args.items * args.versions}
                else:
                    print(f"{db}: loading {args.items} items x {args.versions} versions", flush=True)
                    built = build(url, args.items, args.versions)
                res = measure(url, Path(tmp) / f"d-{db}", queries(built["vocab"], args.queries))
                res.update(db=db, load_s=built["load_s"], versions=built["versions"])
                print(res, flush=True)
                rows.append(res)
            finally:
                if schema and not (args.keep or args.schema):
                    with admin.connect() as c:
                        c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                if schema:
                    admin.dispose()
    report = [
        SECTION,
        "",
        f"- date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())}",
        f"- machine: nproc=2 (shared with other work), Python {platform.python_version()}",
        f"- command: `.venv/bin/python benchmarks/bench_search.py --items {args.items} --versions {args.versions} "
        f"--queries {args.queries}`",
        f"- data: {args.items:,} items over {SOURCES:,} sources, {rows[0]['versions']:,} versions of "
        f"{WORDS_PER_VERSION} words (Zipf-like over {VOCAB:,} words); `Onrecord.search`, 20 hits with snippets",
        "",
        "| database | queries | p50 ms | p95 ms | max ms | goal p95 | relevance order p50 / p95 ms | load s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        report.append(
            f"| {r['db']} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | ≤ 100 | "
            f"{r['rel_p50']:.0f} / {r['rel_p95']:.0f} | {r['load_s']:.0f} |"
        )
    report += [
        "",
        "Queries: common, middling and rare words, AND, phrases, OR, exclusion, prefix, and the same with "
        "source, actor, kind, time and current-version filters (newest first, the default). Slowest: "
        + "; ".join(f"{r['db']} {r['worst'][0][1]!r} {r['worst'][0][0]} ms" for r in rows)
        + ". Relevance order ranks every match, so a word found in most versions costs more there.",
        "",
    ]
    text_out = "\n".join(report)
    print(text_out)
    if args.write:
        from markdown_section import replace_section

        replace_section(Path(__file__).resolve().parent.parent / "BENCHMARKS.md", SECTION, text_out)


if __name__ == "__main__":
    main()
