"""Serve a scale world (onrecord.sim) in its own process, with a small control endpoint.

    python benchmarks/sim_serve.py --sources 1000 [--sites 1] [--cpu 1]

Prints one JSON line when ready: {"control": "http://127.0.0.1:PORT", "pid": ...}. Control routes
(all on 127.0.0.1, JSON answers):

    GET  /sources                  the sources to add (sim.source_urls(), `add_at` as ISO text)
    POST /advance?s=SECONDS        move the world's virtual clock forward
    POST /change?fraction=F&seed=S edit F of the watched pages now; returns the ground truth URLs
    GET  /requests                 requests served so far, per site
    POST /quit                     stop serving and exit

The watcher under test runs in another process, so its CPU time is only its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from datetime import datetime

from aiohttp import web

from onrecord.clock import VirtualClock
from onrecord.sim.scale import generate_scale_scenario
from onrecord.sim.server import SimServer


async def serve(args: argparse.Namespace) -> None:
    # change_fraction=0: no scripted edits; the benchmark edits pages itself with /change.
    sc = generate_scale_scenario(args.sources, 0.0, size=args.size, sites=args.sites, seed=args.seed)
    clock = VirtualClock(sc.start)
    stop = asyncio.Event()
    async with SimServer(sc, clock) as sim:

        async def sources(_: web.Request) -> web.Response:
            out = []
            for s in sim.source_urls():
                s = dict(s)
                if isinstance(s.get("add_at"), datetime):
                    s["add_at"] = s["add_at"].isoformat()
                out.append(s)
            return web.json_response(out)

        async def advance(request: web.Request) -> web.Response:
            clock.advance(float(request.query.get("s", "0")))
            return web.json_response({"now": clock.now().isoformat()})

        async def change(request: web.Request) -> web.Response:
            fraction = float(request.query.get("fraction", "0.1"))
            seed = int(request.query.get("seed", "0"))
            truth = sim.change_pages(fraction, seed)
            return web.json_response(
                {"now": clock.now().isoformat(), "edited": [e.url for e in truth if e.kind == "edited"]}
            )

        async def requests(_: web.Request) -> web.Response:
            return web.json_response(dict(sim.requests))

        async def quit_(_: web.Request) -> web.Response:
            stop.set()
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_get("/sources", sources)
        app.router.add_post("/advance", advance)
        app.router.add_post("/change", change)
        app.router.add_get("/requests", requests)
        app.router.add_post("/quit", quit_)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print(json.dumps({"control": f"http://127.0.0.1:{port}", "pid": os.getpid()}), flush=True)
        # Exit on our own if the parent goes away (stdin closes) or after a hard ceiling.
        loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(1) else None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), args.max_seconds)
        await runner.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--sites", type=int, default=1)
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cpu", type=int, default=None, help="pin to this CPU (default: leave as is)")
    ap.add_argument("--uvloop", action="store_true", help="serve with uvloop (the server side only)")
    ap.add_argument("--max-seconds", type=float, default=7200.0, help="exit after this long regardless")
    args = ap.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {args.cpu})
    if args.uvloop:
        import uvloop

        uvloop.run(serve(args))
    else:
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
