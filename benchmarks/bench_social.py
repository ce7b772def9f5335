"""API checks per CPU-second for social accounts (issue 10), next to the feed/page figures.

    .venv/bin/python benchmarks/bench_social.py --accounts 1000 [--hosts 20] [--statuses 5]
        [--service mastodon|bluesky|telegram] [--recheck-old N] [--json out.json]

The Mastodon simulator (onrecord.sim.mastodon) runs in its own process pinned to CPU 1, its clock
fixed one hour after every account posted; the watcher runs in this process pinned to CPU 0 with a
real SQLite database, WARC archive and fetcher. Round `new`: every account resolved (lookup) and its
statuses listed, all new. Round `unchanged`: the same again one poll interval later. Checks per
CPU-second = accounts checked / (user + system CPU time of this process during the round); API
requests per CPU-second counts every archived answer (Mastodon: lookup + statuses page; Bluesky:
getProfile + getAuthorFeed; Telegram: one t.me/s/ preview page). With more statuses than the
listing's first page (`--statuses 45` for Mastodon, 55 for Bluesky, 25 for Telegram) the `unchanged`
round also pays for `recheck_old` known posts outside the window, fetched one by one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {cpu % (os.cpu_count() or 1)})


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def scenario(accounts: int, hosts: int, statuses: int, service: str = "mastodon") -> Any:
    from onrecord.sim.mastodon import SocialScenario

    def name(i: int) -> str:  # Telegram channel names have at least 5 characters
        return f"chan{i:05d}" if service == "telegram" else f"a{i}"

    accts = [
        {"host": f"h{i % hosts}", "name": name(i), "actor": f"Actor {i}", "service": service} for i in range(accounts)
    ]
    events = [
        {
            "at": 60 + j * 60,
            "do": "post",
            "account": f"h{i % hosts}/{name(i)}",
            "id": f"a{i}-{j}",
            "text": f"Statement {j} of account {i}: the ministry confirms the talks continue next week.",
        }
        for i in range(accounts)
        for j in range(statuses)
    ]
    return SocialScenario.model_validate(
        {"name": "bench", "start": START, "duration": 86400, "accounts": accts, "events": events}
    )


def serve(args: argparse.Namespace) -> None:
    """The simulator process: prints its account URLs as JSON, serves until stdin closes."""
    from onrecord.clock import VirtualClock
    from onrecord.sim import mastodon
    from onrecord.sim.mastodon import MastodonSim

    pin(1)
    # This simulator's clock stands still, so its 5-minute request budget per host would never refill:
    # lift it (the headers are still sent and read on every answer).
    mastodon.RATE_LIMIT = 10**9

    async def main() -> None:
        clock = VirtualClock(START + timedelta(hours=1))
        async with MastodonSim(scenario(args.accounts, args.hosts, args.statuses, args.service), clock) as sim:
            print(json.dumps(sim.source_urls(), default=str), flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

    asyncio.run(main())


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from onrecord.app import Onrecord
    from onrecord.clock import VirtualClock
    from onrecord.fetch import Fetcher
    from onrecord.sim.run import sim_settings

    pin(0)
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--accounts",
            str(args.accounts),
            "--hosts",
            str(args.hosts),
            "--statuses",
            str(args.statuses),
            "--service",
            args.service,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    specs = json.loads(proc.stdout.readline())
    out: dict[str, Any] = {
        "service": args.service,
        "accounts": args.accounts,
        "hosts": args.hosts,
        "statuses": args.statuses,
        "rounds": {},
    }
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-social-") as tmp:
        clock = VirtualClock(START + timedelta(hours=1))
        extra = {} if args.recheck_old is None else {"recheck_old": args.recheck_old}
        app = Onrecord(sim_settings(Path(tmp), timeout=30.0, **extra), clock=clock)
        try:
            for i, spec in enumerate(specs):
                app.add_source(
                    spec["url"], kind=spec["kind"], name=f"a{i}", every=300, options=spec["options"], sniff=False
                )

            async def rounds() -> None:
                async with Fetcher(app.settings, clock) as fetcher:
                    for name in ("new", "unchanged"):
                        c0, t0 = cpu_self(), time.perf_counter()
                        results = await app.check(fetcher=fetcher)
                        cpu, wall = cpu_self() - c0, time.perf_counter() - t0
                        findings = sum(len(r.findings) for r in results)
                        errors = sum(1 for r in results if r.error)
                        requests = sum(r.fetches for r in results)
                        out["rounds"][name] = {
                            "checks": len(results),
                            "requests": requests,
                            "cpu_s": round(cpu, 3),
                            "wall_s": round(wall, 3),
                            "checks_per_cpu_s": round(len(results) / cpu, 1),
                            "requests_per_cpu_s": round(requests / cpu, 1),
                            "findings": findings,
                            "errors": errors,
                        }
                        print(name, out["rounds"][name], flush=True)
                        clock.advance(300)

            asyncio.run(rounds())
        finally:
            app.close()
            proc.stdin.close()
            proc.wait(timeout=30)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--statuses", type=int, default=5)
    ap.add_argument("--service", choices=("mastodon", "bluesky", "telegram"), default="mastodon")
    ap.add_argument("--recheck-old", type=int, help="the recheck_old setting (default: the setting's default)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args)
        return
    got = measure(args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(got, indent=2))


if __name__ == "__main__":
    main()
