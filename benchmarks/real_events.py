"""Grouping on real text (issue 12): the two-sided readouts of real calls in tests/data/compare/real/.

    .venv/bin/python benchmarks/real_events.py

Each pair in dev/, blind/, blind2/ and blind3/pairs.json is two governments' accounts of one call (de,
en, ja, ko, ru, uk, zh); only the texts, dates and sources are read. All 22 texts go through the same grouping as
`onrecord events` (onrecord.analysis.events), in date order, and pairwise precision/recall/F1 is scored
with each pair as one event. Three settings:

  dates        each text at its own date (noon UTC), an actors table naming each leader in the scripts
               the texts use (what a user sets with `onrecord actor NAME --alias ...`)
  one day      the same, but every text at the same hour: only names and numbers can tell the calls
               apart (harder than the real set, where no two calls share a week)
  no aliases   one day, and actors known only by their source's name: no names across scripts
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from onrecord.analysis.events import ActorIndex, EventState, Grouper, item_features  # noqa: E402

ALIASES = {
    "Scholz": ["Scholz", "Шольц"],
    "Putin": ["Putin", "Путин", "プーチン", "普京"],
    "Abe": ["Abe", "安倍", "아베"],
    "Trump": ["Trump", "トランプ", "特朗普", "트럼프", "Трамп"],
    "Biden": ["Biden", "バイデン", "바이든", "Байден"],
    "Obama": ["Obama"],
    "Takaichi": ["Takaichi", "高市", "Такаїчі"],
    "Zelensky": ["Zelensk", "Зеленськ", "ゼレンスキー"],
    "Motegi": ["Motegi", "茂木"],
    "Pompeo": ["Pompeo", "ポンペオ"],
    "Moon": ["Moon", "文在寅", "문재인"],
    "Suga": ["Suga", "菅"],
    "Xi": ["Xi Jinping", "习近平", "習近平"],
    "Merkel": ["Merkel", "メルケル", "默克尔"],
}
SPEAKERS = {
    "d1": ("Scholz", "Putin"),
    "d2": ("Abe", "Trump"),
    "d3": ("Obama", "Putin"),
    "d4": ("Takaichi", "Zelensky"),
    "d5": ("Abe", "Trump"),
    "d6": ("Motegi", "Pompeo"),
    "p1": ("Abe", "Moon"),
    "p2": ("Suga", "Xi"),
    "p3": ("Xi", "Trump"),
    "p4": ("Xi", "Trump"),
    "p5": ("Suga", "Putin"),
    # blind2; b3's second side is Russia's embassy in Berlin, speaking for the Kremlin
    "b1": ("Merkel", "Putin"),
    "b2": ("Merkel", "Putin"),
    "b3": ("Merkel", "Putin"),
    "b4": ("Trump", "Putin"),
    "b5": ("Abe", "Trump"),
    "b6": ("Xi", "Trump"),
    "b7": ("Abe", "Putin"),
    # blind3
    "t1": ("Trump", "Putin"),
    "t2": ("Biden", "Putin"),
    "t3": ("Moon", "Biden"),
    "t4": ("Trump", "Zelensky"),
    "t5": ("Suga", "Biden"),
}


def texts() -> list[dict[str, str]]:
    out = []
    for part in ("dev", "blind", "blind2", "blind3"):
        path = ROOT / "tests/data/compare/real" / part / "pairs.json"
        if not path.exists():
            continue
        for p in json.loads(path.read_text(encoding="utf-8")):
            short = p["id"].split("-", 1)[0]
            for side, speaker in zip("ab", SPEAKERS[short], strict=True):
                s = p[side]
                out.append(
                    {
                        "event": p["id"],
                        "text": s["text"],
                        "date": s["date"],
                        "lang": s["lang"],
                        "source": s["source"].split(",")[0],
                        "speaker": speaker,
                    }
                )
    return sorted(out, key=lambda t: t["date"])


def group(items: list[dict[str, str]], *, one_day: bool, aliases: bool) -> dict[str, float]:
    if aliases:
        actors = ActorIndex(ALIASES)
    else:
        actors = ActorIndex({t["source"]: [] for t in items})
    g = Grouper()
    placed: list[tuple[str, int]] = []
    for i, t in enumerate(items):
        at = (
            datetime(2025, 1, 1, 12, tzinfo=UTC) + timedelta(seconds=i)
            if one_day
            else (datetime.fromisoformat(t["date"]).replace(hour=12, tzinfo=UTC))
        )
        actor = t["speaker"] if aliases else t["source"]
        f = item_features("", t["text"], actor=actor, url=f"u{i}", actors=actors, lang=t["lang"])
        p = g.place(f, at)
        g.count(f)
        eid = p.event_id if p.event_id is not None else len(g.events) + 1
        g.events.setdefault(eid, EventState(eid, at, at)).add(f, at)
        placed.append((t["event"], eid))
    tp = fp = fn = 0
    for (ta, ea), (tb, eb) in combinations(placed, 2):
        tp += ta == tb and ea == eb
        fp += ta != tb and ea == eb
        fn += ta == tb and ea != eb
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "events": len(g.events)}


def main() -> None:
    items = texts()
    print(
        f"{len(items)} texts, {len({t['event'] for t in items})} calls, languages "
        f"{', '.join(sorted({t['lang'] for t in items}))}"
    )
    for name, one_day, aliases in (("dates", False, True), ("one day", True, True), ("no aliases", True, False)):
        s = group(items, one_day=one_day, aliases=aliases)
        print(
            f"{name:>10}: pairwise P {s['precision']:.2f} R {s['recall']:.2f} F1 {s['f1']:.2f} "
            f"({s['events']:.0f} events found)"
        )


if __name__ == "__main__":
    main()
