"""Pure detection: (a source's observations, its stored state, now) -> changes and findings.

No I/O here. The pipeline gathers observations; the store applies the result in one transaction.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from onrecord.parse.normalize import substance
from onrecord.records import Capture, Finding, Item, Source, UrlState
from onrecord.republish import resemblance_to, words

# What one check saw for one item.
OK, GONE, FAILED = "ok", "gone", "failed"


@dataclass(frozen=True)
class StoredItem:
    """An item with the text of its current version (what detect compares against)."""

    item: Item
    text: str | None
    text_hash: str | None
    origin: str | None
    version_seq: int


@dataclass(frozen=True)
class Observation:
    """One item as this check saw it.

    status: ok (text read), gone (404/410 from the item URL), failed (no usable answer),
    listed (seen in a listing only; no text of its own fetched).
    """

    key: str
    url: str
    status: str
    title: str = ""
    text: str | None = None
    origin: str = "page"  # page | feed
    capture: int | None = None  # index into the check's capture list
    host_ok: bool = True  # the item's host answered another request normally in this round
    http_status: int | None = None
    soft: str | None = None  # gone-suspect without a 404: why ("not-found page", "redirect to home")
    at: datetime | None = None  # when this text came to be, by the service (an edit history); None: now
    # the date the publisher states for it (a feed entry's date); None: none stated, or not from a feed
    stated: datetime | None = None
    dated: bool = False  # read from a feed entry that could state a date (so None means "no date given")


@dataclass(frozen=True)
class NewVersion:
    title: str
    text: str
    text_hash: str
    origin: str
    capture: int | None
    diff: list[list[str]] | None
    at: datetime | None = None  # the version's time when not the check's (an edit history's created_at)


@dataclass(frozen=True)
class ItemChange:
    key: str
    url: str
    title: str
    state: str
    gone_count: int
    gone_since: datetime | None
    last_seen: datetime
    last_checked: datetime
    first_seen: datetime
    item_id: int | None = None
    version: NewVersion | None = None
    version_seq: int = 0  # the new version's number for this item (0: let the store count)
    flaps: int = 0
    flapped_at: datetime | None = None


@dataclass
class SourceChange:
    status: str
    fail_count: int
    last_error: str | None


@dataclass
class Changes:
    items: list[ItemChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    source: SourceChange | None = None


@dataclass
class CheckWrite:
    """Everything one check writes, applied by the store together with other checks' writes."""

    source: Source
    captures: list[Capture]
    url_states: dict[str, UrlState]
    changes: Changes
    now: datetime
    next_check: datetime
    source_change: SourceChange | None
    moved_to: str | None = None


@dataclass(frozen=True)
class Rules:
    deletion_confirmations: int = 3
    deletion_gap: float = 600.0
    unreachable_after: int = 2
    republish_similarity: float = 0.7
    republish_min_words: int = 5
    flap_confirmations: int = 5  # for an item (or a source's host) that flapped within flap_memory
    flap_memory: float = 7 * 86400.0
    mass_gone_min: int = 5
    mass_gone_share: float = 0.5


def text_hash(text: str) -> str:
    """Hash of the text's substance: cosmetic churn (counters, 'updated at' stamps) does not change it."""
    return hashlib.sha256(substance(text).encode("utf-8")).hexdigest()


_WORD = re.compile(r"\S+")


def word_diff(old: str, new: str) -> list[list[str]]:
    """Word-level diff as [op, text] runs; op is '=', '-' or '+'."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[list[str]] = []
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.append(["=", " ".join(a[i1:i2])])
        else:
            if i2 > i1:
                out.append(["-", " ".join(a[i1:i2])])
            if j2 > j1:
                out.append(["+", " ".join(b[j1:j2])])
    return out


def diff_stats(diff: list[list[str]]) -> dict[str, int]:
    return {
        "words_removed": sum(len(t.split()) for op, t in diff if op == "-"),
        "words_added": sum(len(t.split()) for op, t in diff if op == "+"),
    }


def detect_source_health(
    source: Source,
    answered: bool,
    error: str | None,
    status: str,
    fail_count: int,
    now: datetime,
    rules: Rules,
) -> tuple[SourceChange, Finding | None]:
    """Source-level: `unreachable` after `unreachable_after` failed checks in a row, `recovered` after."""
    if answered:
        if status == "unreachable":
            return SourceChange("ok", 0, None), Finding(
                "recovered",
                now,
                source.name,
                None,
                source.url,
                {"failed_checks": fail_count},
                source_id=source.id,
            )
        return SourceChange("ok", 0, None), None
    fails = fail_count + 1
    if status != "unreachable" and fails >= rules.unreachable_after:
        return SourceChange("unreachable", fails, error), Finding(
            "unreachable",
            now,
            source.name,
            None,
            source.url,
            {"error": error, "failed_checks": fails},
            source_id=source.id,
        )
    return SourceChange(status if status == "unreachable" else "failing", fails, error), None


def detect_items(
    source: Source,
    observations: list[Observation],
    stored: dict[str, StoredItem],
    now: datetime,
    rules: Rules,
) -> Changes:
    """Turn this check's item observations into item changes and findings."""
    changes = Changes()
    seen: set[str] = set()
    host_flapped = any(_flapped_lately(s.item, now, rules) for s in stored.values())
    for obs in observations:
        if obs.key in seen:  # duplicate ids in one listing: first one wins
            continue
        seen.add(obs.key)
        prev = stored.get(obs.key)
        change, findings = _one(source, obs, prev, now, rules, host_flapped)
        if change is not None:
            changes.items.append(change)
        changes.findings.extend(findings)
    return changes


def _flapped_lately(item: Item, now: datetime, rules: Rules) -> bool:
    return item.flapped_at is not None and (now - item.flapped_at) <= timedelta(seconds=rules.flap_memory)


def confirmations_needed(item: Item, now: datetime, rules: Rules, host_flapped: bool = False) -> int:
    """Gone answers in a row that confirm a deletion: more for an item, or a source's host, that
    flapped (answered gone, then came back) within `flap_memory`: random flapping rarely repeats."""
    if host_flapped or _flapped_lately(item, now, rules):
        return max(rules.flap_confirmations, rules.deletion_confirmations)
    return rules.deletion_confirmations


def mass_gone(
    observations: list[Observation], stored: dict[str, StoredItem], listed: set[str], rules: Rules
) -> tuple[list[Observation], str | None]:
    """A site or section answering gone at once while its feed still lists the items is a fault
    (a broken deploy, a redesign), not N deletions: those answers count as failures, and the reason
    is returned for the source's health (reported once, as `unreachable`)."""
    asked = [
        o
        for o in observations
        if o.key in stored
        and o.key in listed
        and o.http_status is not None
        and o.status in (OK, GONE)
        and stored[o.key].item.state != "deleted"
    ]
    gone = [o for o in asked if o.status == GONE]
    if len(gone) < rules.mass_gone_min or len(gone) < rules.mass_gone_share * len(asked):
        return observations, None
    keys = {o.key for o in gone}
    out = [replace(o, status=FAILED) if o.key in keys and o.status == GONE else o for o in observations]
    return out, f"mass 404: {len(gone)} of {len(asked)} listed items answer gone while the feed still lists them"


def _finding(kind: str, source: Source, obs: Observation, now: datetime, **detail: Any) -> Finding:
    return Finding(kind, now, source.name, obs.key, obs.url, detail, source_id=source.id)


def _one(
    source: Source, obs: Observation, prev: StoredItem | None, now: datetime, rules: Rules, host_flapped: bool = False
) -> tuple[ItemChange | None, list[Finding]]:
    if prev is None:
        if obs.status != OK or obs.text is None:
            return None, []  # never seen alive: nothing to report yet
        version = NewVersion(obs.title, obs.text, text_hash(obs.text), obs.origin, obs.capture, None, obs.at)
        change = ItemChange(obs.key, obs.url, obs.title, "live", 0, None, now, now, now, version=version, version_seq=1)
        extra: dict[str, Any] = {}
        if obs.dated:
            extra["stated"] = obs.stated.isoformat() if obs.stated else None
        return change, [_finding("new", source, obs, now, title=obs.title, version=1, **extra)]

    item = prev.item
    base = ItemChange(
        item.key,
        obs.url or item.url,
        item.title,
        item.state,
        item.gone_count,
        item.gone_since,
        item.last_seen,
        now,
        item.first_seen,
        item_id=item.id,
        flaps=item.flaps,
        flapped_at=item.flapped_at,
    )
    if obs.status == FAILED or (obs.status == GONE and not obs.host_ok):
        return base, []  # host trouble: neither a deletion nor a sign of life

    if obs.status == GONE:
        count = item.gone_count + 1
        since = item.gone_since or now
        if item.state == "deleted":
            return replace(base, gone_count=count, gone_since=since), []
        need = confirmations_needed(item, now, rules, host_flapped)
        confirmed = count >= need and (now - since) >= timedelta(seconds=rules.deletion_gap)
        if confirmed:
            extra = {"soft": obs.soft} if obs.soft else {}
            return replace(base, state="deleted", gone_count=count, gone_since=since), [
                _finding(
                    "deleted",
                    source,
                    obs,
                    now,
                    title=item.title,
                    http_status=obs.http_status,
                    first_gone=since.isoformat(),
                    confirmations=count,
                    last_version=prev.version_seq,
                    **extra,
                )
            ]
        return replace(base, state="missing", gone_count=count, gone_since=since), []

    # The item answered.
    findings: list[Finding] = []
    change = replace(base, state="live", gone_count=0, gone_since=None, last_seen=now, title=obs.title or item.title)
    if item.state == "missing":  # it answered gone, and now it is back: remember the flap
        change = replace(change, flaps=item.flaps + 1, flapped_at=now)
    if item.state == "deleted":
        gone_at = (item.gone_since or now).isoformat()
        findings.append(_finding("restored", source, obs, now, title=obs.title or item.title, deleted_since=gone_at))
    if obs.text is None:
        return change, findings
    h = text_hash(obs.text)
    if h == prev.text_hash:
        return change, findings
    if prev.text is not None and substance(prev.text).split() == substance(obs.text).split():
        return change, findings  # the same words, laid out anew (line breaks, spaces): not an edit
    if prev.origin != obs.origin:
        # The same statement read from another place (feed summary -> full page): a new version, not an edit.
        version = NewVersion(obs.title, obs.text, h, obs.origin, obs.capture, None, obs.at)
        return replace(change, version=version, version_seq=prev.version_seq + 1), findings
    diff = word_diff(prev.text or "", obs.text)
    version = NewVersion(obs.title, obs.text, h, obs.origin, obs.capture, diff, obs.at)
    findings.append(
        _finding(
            "edited",
            source,
            obs,
            now,
            title=obs.title or item.title,
            old_version=prev.version_seq,
            new_version=prev.version_seq + 1,
            **diff_stats(diff),
        )
    )
    return replace(change, version=version, version_seq=prev.version_seq + 1), findings


@dataclass(frozen=True)
class Candidate:
    """An earlier item of the same actor that a new item may re-publish."""

    item_id: int
    key: str
    url: str
    state: str
    text: str
    source: str
    version_id: int | None = None


def detect_republished(
    source: Source,
    new: list[ItemChange],
    candidates: list[list[Candidate]],
    now: datetime,
    rules: Rules | None = None,
) -> list[Finding]:
    """A new item whose text equals or nearly equals an earlier item of the same actor (another address).

    `candidates[i]` are the earlier versions the sketch index found for `new[i]`; each is measured
    exactly here. Texts under `rules.republish_min_words` words never match: short formulas
    ("Thank you!") repeat without being re-publications.
    """
    rules = rules or Rules()
    out = []
    for ch, cands in zip(new, candidates, strict=True):
        if ch.version is None or len(words(ch.version.text)) < rules.republish_min_words:
            continue
        best: tuple[float, Candidate] | None = None
        measure = resemblance_to(ch.version.text)
        for c in cands:
            if c.url == ch.url or c.key == ch.key:
                continue
            sim = 1.0 if text_hash(c.text) == ch.version.text_hash else measure(c.text)
            if sim < rules.republish_similarity:
                continue
            # equal similarity: a deleted original is the more telling match (a re-post after deletion)
            deleted_first = c.state == "deleted" and best is not None and best[1].state != "deleted"
            if best is None or sim > best[0] or (sim == best[0] and deleted_first):
                best = (sim, c)
        if best is not None:
            sim, c = best
            out.append(
                Finding(
                    "republished",
                    now,
                    source.name,
                    ch.key,
                    ch.url,
                    {
                        "title": ch.title,
                        "matched_item": c.item_id,
                        "matched_key": c.key,
                        "matched_url": c.url,
                        "matched_state": c.state,
                        "matched_source": c.source,
                        "matched_version_id": c.version_id,
                        "similarity": round(sim, 3),
                        "unchanged": text_hash(c.text) == ch.version.text_hash,
                    },
                    source_id=source.id,
                )
            )
    return out
