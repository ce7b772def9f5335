"""The WARC write path alone: CPU time per archived capture, and `verify` / `export --wacz` speed.

    .venv/bin/python benchmarks/bench_archive.py [--n 20000] [--json out.json]

Writes N unchanged re-checks (a 304 with the payload known, as `watch` does for most checks), N/4
new pages of ~5 KB (a 200 with a fresh payload) and N/4 identical re-fetches (a 200 revisit) through
`onrecord.archive.Archive` into a temporary folder, and reports CPU microseconds per capture (best of
3 runs, process CPU time). To compare with another checkout, run it with `PYTHONPATH=<that>/src`.
With --tools it also times `onrecord.verify.scan_file` over what was written and a WACZ export.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from onrecord.archive import Archive, payload_digest, warc_date
from onrecord.clock import VirtualClock
from onrecord.records import FetchResult, UrlState

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def fetch(url: str, status: int, body: bytes, at: datetime) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        started_at=at,
        elapsed=0.01,
        outcome="ok" if status == 200 else "not_modified",
        status=status,
        reason="OK" if status == 200 else "Not Modified",
        request_headers=(("User-Agent", "onrecord-bench"), ("If-None-Match", '"v1"')),
        headers=(("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"'), ("Server", "sim")),
        body=body,
    )


def one_run(n: int, folder: Path) -> dict[str, float]:
    rnd = random.Random(1)
    words = [f"word{i}" for i in range(2000)]
    pages = [
        ("<html><body><p>" + " ".join(rnd.choice(words) for _ in range(700)) + "</p></body></html>").encode()
        for _ in range(max(1, n // 4))
    ]
    out: dict[str, float] = {}
    a = Archive(folder, VirtualClock(T0))
    known: dict[str, UrlState] = {}
    t = time.process_time()
    for i, body in enumerate(pages):
        url = f"http://127.0.0.1:9/p/{i}"
        a.write(fetch(url, 200, body, T0))
        known[url] = UrlState('"v1"', None, payload_digest(body), url, warc_date(T0))
    out["new_200_us"] = (time.process_time() - t) / len(pages) * 1e6
    t = time.process_time()
    for i, body in enumerate(pages):
        url = f"http://127.0.0.1:9/p/{i}"
        a.write(fetch(url, 200, body, T0 + timedelta(minutes=5)), known[url])
    out["same_200_us"] = (time.process_time() - t) / len(pages) * 1e6
    t = time.process_time()
    for i in range(n):
        url = f"http://127.0.0.1:9/p/{i % len(pages)}"
        a.write(fetch(url, 304, b"", T0 + timedelta(minutes=10, seconds=i)), known[url])
    out["unchanged_304_us"] = (time.process_time() - t) / n * 1e6
    a.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", action="store_true", help="also time verify and a WACZ export of the result")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    best: dict[str, float] = {}
    folder = Path(tempfile.mkdtemp(prefix="onrecord-bench-archive-"))
    result: dict[str, Any] = {"n": args.n, "runs": args.runs, "date": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        for _ in range(args.runs):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            got = one_run(args.n, folder)
            for k, v in got.items():
                best[k] = min(best.get(k, v), v)
        size = sum(p.stat().st_size for p in folder.glob("*.warc.gz"))
        result.update({k: round(v, 1) for k, v in best.items()})
        result["warc_bytes"] = size
        if args.tools:
            from onrecord.verify import scan_file

            t = time.perf_counter()
            records = sum(len(scan_file(p).records) for p in folder.glob("*.warc.gz"))
            el = time.perf_counter() - t
            result["verify_scan_s"] = round(el, 2)
            result["verify_records"] = records
            result["verify_mb_per_s"] = round(size / el / 1e6, 1)
            from onrecord.export import write_wacz

            t = time.perf_counter()
            res = write_wacz(folder, [], folder.parent / (folder.name + ".wacz"), now=datetime.now(UTC))
            result["wacz_s"] = round(time.perf_counter() - t, 2)
            result["wacz_bytes"] = res.bytes
            os.unlink(res.path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
