"""`onrecord demo --social`: a leader's post on a Mastodon-compatible server (Truth Social speaks the same
API) is edited, deleted and re-posted under a new id, while servers have outages and bot protection; told as a
timeline, with the evidence folder of the deleted post. The world is the simulator's `social` scenario
(sim/social.toml), the same one `onrecord sim run social` scores."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from onrecord.app import Onrecord
from onrecord.demo import command_prefix, fresh_demo_folder
from onrecord.errors import OnrecordError
from onrecord.loop import run as run_async
from onrecord.records import Finding
from onrecord.sim.run import SimResult, run_scenario, sim_settings

__all__ = ["run_social_demo"]

LEADER = "President of Aldoria"  # the actor whose accounts the story follows (sim/social.toml)
FAULTS = ("unreachable", "recovered", "blocked")  # every server's faults: the story shows none became a deletion


def _quote(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text[: width - 1]}…”" if len(text) > width else f"“{text}”"


def sentence(app: Onrecord, f: Finding) -> list[str]:
    """What one finding means, as lines a reporter reads (the first one short, then the details)."""
    d = f.detail or {}
    text = ""
    if f.item_id is not None:
        versions = app.store.versions(f.item_id)
        text = _quote(versions[-1].text) if versions else ""
    if f.kind == "new":
        return [f"{f.source} posted", text, f.url]
    if f.kind == "edited":
        return [f"{f.source} edited a post", text, f.url]
    if f.kind == "deleted":
        return [f"{f.source} deleted a post", text, f.url, "answers 404 while the account answers: gone"]
    if f.kind == "republished":
        how = "the same text, unchanged" if d.get("unchanged") else f"{float(d.get('similarity', 0)):.0%} same text"
        return [f"{f.source} re-posted {how}", f"new id: {f.url}", f"old id: {d.get('matched_key') or '?'}"]
    if f.kind == "unreachable" and d.get("account_state"):
        state = d["account_state"]
        return [f"{f.source}: the account is {state}", "one account state, not a deletion of each of its posts"]
    if f.kind == "unreachable":
        reason = str(d.get("reason") or d.get("error") or "no answer")
        return [f"{f.source} stopped answering", reason, "an outage: no post was marked deleted"]
    if f.kind == "recovered":
        return [f"{f.source} answers again"]
    if f.kind == "blocked":
        return [f"{f.source} sent a bot-protection page", "instead of JSON: blocked, never deleted"]
    return [f"{f.source}: {f.kind}", text]


def _timeline(app: Onrecord, findings: Sequence[Finding], console: Console) -> None:
    for f in findings:
        first, *rest = [line for line in sentence(app, f) if line]
        console.print(Text(f"{f.at:%H:%M} ", style="dim") + Text(f"{f.kind:<12}", style="bold") + Text(first))
        for line in rest:
            console.print(Text(f"{'':18}{line}"), soft_wrap=True)  # URLs stay whole, for copying


def run_social_demo(folder: Path, console: Console) -> SimResult:
    fresh_demo_folder(folder)
    console.rule("[bold]onrecord demo --social[/]")
    console.print(
        "A made-up world on 127.0.0.1: the President of Aldoria posts on a Mastodon-compatible server (the "
        "API Truth Social speaks) and on Bluesky; other accounts post, boost and get suspended. Four hours of "
        "simulated time, played in seconds.\n"
    )
    seen: list[Finding] = []
    result = run_async(run_scenario("social", data=folder, on_finding=seen.append))
    deleted: Finding | None = None
    with Onrecord(sim_settings(folder)) as app:
        leader = {s.name for s in app.sources() if s.actor == LEADER}
        story = sorted((f for f in seen if f.source in leader or f.kind in FAULTS), key=lambda f: (f.at, f.id or 0))
        console.rule("[bold]What the President's accounts did, and the outages meanwhile[/]", align="left")
        _timeline(app, story, console)
        if len(seen) > len(story):
            console.print(Text(f"\n{len(seen) - len(story)} more findings on the other accounts (boosts, a "
                               "rate limit, a busy press office): `findings` below.", style="dim"))
        deleted = next((f for f in story if f.kind == "deleted" and f.item_id is not None), None)
        if deleted is not None:
            where = folder / "evidence" / f"item-{deleted.item_id}"
            console.print()
            console.rule("[bold]Evidence of the deleted post[/]", align="left")
            try:
                app.evidence(str(deleted.item_id), where)
                console.print(Text(f"Written from the archive alone, without the network: {where}"), soft_wrap=True)
                console.print(Text("  versions.txt, version-N.png, captures.wacz, manifest.json, SHA256SUMS"))
            except OnrecordError as exc:
                console.print(Text(f"evidence not written: {exc}", style="yellow"))
    base = f"{command_prefix()} --data {shlex.quote(str(folder))}"
    cmds = [f"{base} findings", f"{base} sources"]
    if deleted is not None:
        cmds.append(f"{base} show {deleted.item_id}")
    console.print(Text("\nExplore (copy and paste):"))
    for cmd in cmds:
        console.print(Text(f"  {cmd}"), soft_wrap=True)
    return result
