"""Replay an onrecord archive in pywb 2.10: does every capture, 304 revisits included, replay its page?

    .venv/bin/python benchmarks/check_replay_pywb.py [--data DIR] [--json out.json]

Without --data it plays `onrecord demo` into a fresh folder first. pywb runs from its own virtual
environment (benchmarks/.work/pywb-venv, made on first use with `pip install pywb==2.10.0`) as a
real `wayback` server on 127.0.0.1. Every capture in the index with an answer of 200 or 304 is
asked for at its own 14-digit timestamp in identity mode (`<ts>id_/<url>`), and the body pywb
serves is compared with the payload onrecord archived for it (for a revisit: the payload it points
at). A 304 kept as a bare response replays as an empty page; the counts say how many did.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".work" / "pywb-venv"
PYWB = "pywb==2.10.0"


def pywb_bin(name: str) -> Path:
    if not (VENV / "bin" / "wayback").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", PYWB], check=True)
    return VENV / "bin" / name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="an onrecord data folder (default: play the demo into a new one)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="onrecord-pywb-"))
    data = args.data
    if data is None:
        data = work / "demo"
        subprocess.run(
            [str(Path(sys.executable).with_name("onrecord")), "demo", "--data", str(data)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    from onrecord.archive import Archive
    from onrecord.store import Store

    store = Store(f"sqlite:///{data / 'onrecord.db'}")
    archive = Archive(data / "warc")
    caps = [c for c in store.captures(limit=10_000_000) if c.warc_file and c.status in (200, 304)]
    by_record = {}
    for c in caps:
        rep = archive.read(c)
        by_record[(rep.target_uri, rep.date)] = rep
    coll = work / "pywb"
    coll.mkdir()
    subprocess.run([str(pywb_bin("wb-manager")), "init", "onrecord"], cwd=coll, check=True, capture_output=True)
    warcs = [str(p) for p in archive.files()]
    subprocess.run([str(pywb_bin("wb-manager")), "add", "onrecord", *warcs], cwd=coll, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(pywb_bin("wayback")), "-p", str(port), "-b", "127.0.0.1"],
        cwd=coll,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
        for c in caps:
            rep = archive.read(c)
            if rep.record_type == "revisit":
                want = by_record.get((rep.refers_to or "", getattr(rep, "refers_to_date", None) or ""))
                body = want.body if want is not None else None
            else:
                body = rep.body
            ts = rep.date[:19].replace("-", "").replace("T", "").replace(":", "")
            kind = (
                "304 revisit"
                if c.status == 304 and rep.record_type == "revisit"
                else (
                    "304 response"
                    if c.status == 304
                    else ("200 revisit" if rep.record_type == "revisit" else "200 response")
                )
            )
            url = f"http://127.0.0.1:{port}/onrecord/{ts}id_/{rep.target_uri}"
            try:
                got = opener.open(url, timeout=10).read()
            except urllib.error.HTTPError as exc:
                got = None
                examples.setdefault(f"{kind}: HTTP {exc.code}", rep.target_uri)
            if got is None:
                verdict = "error"
            elif not got:
                verdict = "empty"
            elif body is not None and got == body:
                verdict = "same payload"
            else:
                verdict = "other payload"
            counts[f"{kind}: {verdict}"] += 1
    finally:
        server.terminate()
        server.wait(10)
        store.close()
    result = {
        "captures": len(caps),
        "warc_files": len(warcs),
        "counts": dict(sorted(counts.items())),
        "examples": examples,
        "pywb": PYWB,
        "data": str(data),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if args.data is None:
        shutil.rmtree(work, ignore_errors=True)
    bad = sum(n for k, n in counts.items() if not k.endswith("same payload"))
    return 1 if bad else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    sys.exit(main())
