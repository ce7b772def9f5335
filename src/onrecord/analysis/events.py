"""Events: which items talk about the same real-world happening. Pure logic, no SQL, no model.

An item is reduced to what survives translation exactly (docs/events.md):

- its **parties**: the speaking actor (unless it is a relay, a news outlet carrying others' words) and
  the actors it names in its headline or lead sentence, found through each actor's aliases in any
  script (names are folded to Latin with anyascii, then spelled alike: "Хольтом" -> "holtom" starts
  with "holt");
- its **keys**: numbers and capitalised names other than actor names, folded the same way and cut to
  six letters, weighted by how rare they are (inverse document frequency);
- its time (when onrecord first saw it) and its URL (a feed entry and the page it points to are one
  statement).

An item joins the best recent event that shares two parties with it and enough rare keys, or whose text
it shares almost entirely (the same statement on another channel); otherwise it starts an event. The
sentence embedding is not used here: on formulaic readouts it ranks two English readouts of different
calls above a German and a Russian readout of one call, and it costs 40-80 ms an item on one core.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anyascii import anyascii

__all__ = [
    "STATED_TOLERANCE",
    "ActorIndex",
    "EventState",
    "Features",
    "Grouper",
    "date_doubt",
    "fold",
    "item_features",
    "relayed_speaker",
]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
PRIOR_DOCS = 20  # rarity as if 20 unrelated items came first: the first items of a database are not all rare
_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
# spellings that differ between transliterations of one name (Хольт -> Khol't, Шольц -> Shol'ts)
_SPELL = (("tsch", "ch"), ("sch", "sh"), ("kh", "h"), ("ts", "z"), ("ph", "f"), ("ck", "k"), ("w", "v"))


def fold(word: str) -> str:
    """One spelling for a name in any script: Latin letters, lower case, transliteration quirks evened.
    A possessive loses its 's first ("Holt's" is Holt; folded whole, "holts" would read "holz")."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    w = anyascii(word).lower()
    w = "".join(ch for ch in w if ch.isalnum())
    for a, b in _SPELL:
        w = w.replace(a, b)
    return w


def _unspaced(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF


@dataclass(frozen=True)
class _Alias:
    actor: str
    words: tuple[str, ...]  # folded words; one word matches a word's start, several match in a row


class ActorIndex:
    """Actors and the names they go by (aliases, any script); which of them are relays (news outlets)."""

    def __init__(self, aliases: Mapping[str, Iterable[str]], relays: Iterable[str] = ()) -> None:
        self.relays = frozenset(relays)
        self.actors = frozenset(aliases)
        self._by_first: dict[str, list[_Alias]] = {}
        self._unspaced: list[tuple[str, str]] = []  # (alias, actor) in scripts written without spaces
        for actor, names in aliases.items():
            for name in {actor, *names}:
                if any(_unspaced(ch) for ch in name):
                    self._unspaced.append((name, actor))
                    continue
                words = tuple(fold(w) for w in _WORD.findall(name))
                words = tuple(w for w in words if w)
                if not words or (len(words) == 1 and len(words[0]) < 3):
                    continue
                self._by_first.setdefault(words[0][:3], []).append(_Alias(actor, words))

    def mentions_unspaced(self, text: str) -> set[str]:
        """Actors named in Chinese, Japanese or Korean text, where a name is a run inside a longer word."""
        return {actor for alias, actor in self._unspaced if alias in text}

    def mentions(self, words: list[str]) -> tuple[set[str], set[int]]:
        """Actors named in a list of folded capitalised-or-not words; also the positions used up."""
        found: set[str] = set()
        used: set[int] = set()
        for i, w in enumerate(words):
            for al in self._by_first.get(w[:3], ()):
                n = len(al.words)
                if n == 1:
                    # inflected forms (Хольтом) of names of four letters or more; a shorter name
                    # matches only as written (Abe, not "Abend")
                    slack = 3 if len(al.words[0]) >= 4 else 0
                    ok = w.startswith(al.words[0]) and len(w) - len(al.words[0]) <= slack
                else:
                    ok = tuple(words[i : i + n]) == al.words
                if ok:
                    found.add(al.actor)
                    used.update(range(i, i + n))
        return found, used


@dataclass(frozen=True)
class Features:
    """What grouping needs of one item; stored with the item's place in its event."""

    actor: str | None  # who speaks through the source
    parties: frozenset[str]  # speaker (unless a relay) and actors named in headline or lead
    named: frozenset[str]  # every actor named anywhere
    keys: frozenset[str]  # numbers and other names, folded
    url: str
    lang: str = "und"

    def to_json(self) -> dict[str, object]:
        return {
            "actor": self.actor,
            "parties": sorted(self.parties),
            "named": sorted(self.named),
            "keys": sorted(self.keys),
            "url": self.url,
            "lang": self.lang,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, object]) -> Features:
        def fs(k: str) -> frozenset[str]:
            v = d.get(k) or []
            assert isinstance(v, list)
            return frozenset(str(x) for x in v)

        actor = d.get("actor")
        return cls(
            actor=str(actor) if actor is not None else None,
            parties=fs("parties"),
            named=fs("named"),
            keys=fs("keys"),
            url=str(d.get("url") or ""),
            lang=str(d.get("lang") or "und"),
        )


def _lead(text: str) -> str:
    """The first sentence. A period after a short capitalised token (J., Jr., Mr., Dr.) or a number ends
    no sentence."""
    text = text.strip()
    first = text
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start()].rsplit(None, 1)[-1].rstrip(".")
        if (before[:1].isupper() and len(before) <= 3 and before.isalpha()) or before.isdigit():
            continue  # an initial or title (J., Jr.), or a German ordinal date (am 4. Mai)
        first = text[: m.start()]
        break
    first = re.split(r"(?<=[。])", first, maxsplit=1)[0]
    return first[:400]


def item_features(
    title: str, text: str, *, actor: str | None, url: str, actors: ActorIndex, lang: str = "und"
) -> Features:
    head = f"{title}\n{_lead(text)}"
    head_named, _ = actors.mentions([fold(w) for w in _WORD.findall(head)])
    head_named |= actors.mentions_unspaced(head)
    raw = _WORD.findall(f"{title}\n{text}")
    words = [fold(w) for w in raw]
    named, used = actors.mentions(words)
    named |= actors.mentions_unspaced(f"{title}\n{text}")
    keys: set[str] = set()
    for i, (r, w) in enumerate(zip(raw, words, strict=True)):
        if i in used or not w:
            continue
        if r[0].isupper() and len(w) >= 4 and not r.isdigit():
            keys.add(w[:6])
    # numbers wherever they stand (Chinese and Japanese write 10月23日 as one run)
    keys.update(str(int(n)) for n in _NUMBER.findall(f"{title}\n{text}") if len(n) <= 4)
    parties = set(head_named)
    if actor is not None and actor not in actors.relays:
        parties.add(actor)
    parties -= actors.relays
    return Features(actor, frozenset(parties), frozenset(named), frozenset(keys), url, lang)


def relayed_speaker(title: str, text: str, lang: str, actors: ActorIndex) -> str | None:
    """The actor whose words a relay's item carries: the first claim whose recorded speaker
    (`claims.find_speaker`: "Gromov's aide Sorokin told reporters", "по словам помощника Громова") names a
    known actor that is not itself a relay. None when no claim names one ("their offices said")."""
    from onrecord.analysis.claims import extract_claims

    for c in extract_claims(text, lang=None if lang == "und" else lang, title=title).claims:
        if not c.speaker:
            continue
        found, _ = actors.mentions([fold(w) for w in _WORD.findall(c.speaker)])
        found = (found | actors.mentions_unspaced(c.speaker)) - actors.relays
        if found:
            return sorted(found)[0]
    return None


# how far before first sight a stated date may lie without doubt: a source checked every few minutes
# sees an item within that; more is a backdated entry, a date in the wrong time zone, or a late first look
STATED_TOLERANCE = timedelta(hours=1)
# a stated date after first sight is never right, but clocks differ by a little
FUTURE_TOLERANCE = timedelta(minutes=10)


def date_doubt(seen: datetime, stated: datetime | None, dated: bool) -> str | None:
    """Why the publisher's stated date and onrecord's first sight disagree, or None. `dated`: the item
    came from a feed entry, which can state a date (pages and posts state none that is read)."""
    from onrecord.analysis.expect import human

    if not dated:
        return None
    if stated is None:
        return "no stated date"
    gap = stated - seen
    if gap > FUTURE_TOLERANCE:
        return f"stated date is {human(gap.total_seconds())} after it was first seen (in the future)"
    if -gap > STATED_TOLERANCE:
        return f"stated date differs by {human(-gap.total_seconds())}"
    return None


@dataclass
class EventState:
    """An event as grouping sees it: its parties, its keys with counts, its URLs and time span."""

    id: int
    started_at: datetime
    last_at: datetime
    parties: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    urls: set[str] = field(default_factory=set)
    speakers: dict[str, int] = field(default_factory=dict)
    size: int = 0

    def add(self, f: Features, at: datetime) -> None:
        if f.actor is not None:
            self.speakers[f.actor] = self.speakers.get(f.actor, 0) + 1
        for p in f.parties:
            self.parties[p] = self.parties.get(p, 0) + 1
        for k in f.keys:
            self.keys[k] = self.keys.get(k, 0) + 1
        self.urls.add(f.url)
        self.started_at = min(self.started_at, at)
        self.last_at = max(self.last_at, at)
        self.size += 1

    def remove(self, f: Features) -> None:
        spoke: frozenset[str] = frozenset() if f.actor is None else frozenset([f.actor])
        for bag, ks in ((self.parties, f.parties), (self.keys, f.keys), (self.speakers, spoke)):
            for k in ks:
                n = bag.get(k, 0) - 1
                if n > 0:
                    bag[k] = n
                else:
                    bag.pop(k, None)
        self.size = max(0, self.size - 1)


@dataclass(frozen=True)
class Placement:
    event_id: int | None  # None: start a new event
    score: float
    why: str


class Grouper:
    """Places items into events, one at a time, in time order; keeps key frequencies for weighting.

    `window`: how long after an event's last item a new item may still join it. `min_keys`: the share
    (0-1) of an item's key weight that an event must hold for two parties in common to be enough (none:
    real readouts of one call often share no figure). `numbers_min`: when both give figures, the share
    of the item's numbers the event must hold (two calls of one pair on one day differ in their figures).
    `same_text`: the share needed to join on keys alone (the same statement elsewhere, a relay), and for
    a second statement of a speaker who already spoke in the event.
    """

    def __init__(
        self,
        *,
        window: timedelta = timedelta(hours=36),
        min_keys: float = 0.0,
        same_text: float = 0.6,
        numbers_min: float = 0.3,
    ):
        self.window = window
        self.min_keys = min_keys
        self.same_text = same_text
        self.numbers_min = numbers_min
        self.df: dict[str, int] = {}
        self.docs = 0
        self.actor_df: dict[str | None, dict[str, int]] = {}
        self.events: dict[int, EventState] = {}

    def count(self, f: Features) -> None:
        self.docs += 1
        mine = self.actor_df.setdefault(f.actor, {})
        for k in f.keys:
            self.df[k] = self.df.get(k, 0) + 1
            mine[k] = mine.get(k, 0) + 1

    def weight(self, key: str, actor: str | None) -> float:
        """Rare overall, and new for this speaker: a source's own boilerplate ("Telefonat", "Erörtert")
        weighs little after it has been seen once or twice."""
        idf = math.log((self.docs + PRIOR_DOCS + 1) / (self.df.get(key, 0) + 1)) + 0.1
        return idf / (1 + self.actor_df.get(actor, {}).get(key, 0))

    def key_share(self, f: Features, ev: EventState) -> float:
        """The weighted share of the item's keys the event holds; numbers alone count too (they survive
        translation exactly, while a German readout's nouns never match a Greek one's)."""
        ws = {k: self.weight(k, f.actor) for k in f.keys}
        best = 0.0
        for part in (ws, {k: w for k, w in ws.items() if k.isdigit()}):
            total = sum(part.values())
            if total > 0 and (part is ws or len(part) >= 2):
                best = max(best, sum(w for k, w in part.items() if k in ev.keys) / total)
        return best

    def numbers_disagree(self, f: Features, ev: EventState) -> bool:
        """Both the item and the event give at least two numbers, and few of the item's rare ones match."""
        # a day of the month (1-31) is shared by everything said that day: it weighs a quarter
        mine = {k: self.weight(k, f.actor) * (0.25 if int(k) <= 31 else 1.0) for k in f.keys if k.isdigit()}
        theirs = sum(1 for k in ev.keys if k.isdigit())
        if len(mine) < 2 or theirs < 2:
            return False
        total = sum(mine.values())
        return total > 0 and sum(w for k, w in mine.items() if k in ev.keys) / total < self.numbers_min

    def forget_before(self, t: datetime) -> None:
        """Drop events too old to take new items (they stay in the database)."""
        for eid in [e.id for e in self.events.values() if e.last_at < t - self.window]:
            del self.events[eid]

    def place(self, f: Features, at: datetime) -> Placement:
        best: Placement = Placement(None, 0.0, "no event shares enough")
        for ev in self.events.values():
            if at - ev.last_at > self.window or ev.started_at - at > self.window:
                continue
            if f.url and f.url in ev.urls:
                return Placement(ev.id, 10.0, "same address")
            shared = sum(1 for p in f.parties if p in ev.parties)
            share = self.key_share(f, ev)
            hours = abs((at - ev.last_at).total_seconds()) / 3600
            closeness = 1.0 / (1.0 + hours / 12)
            again = f.actor is not None and f.actor in ev.speakers  # a speaker says one thing per event
            need = self.same_text if again else self.min_keys
            if not again and self.numbers_disagree(f, ev):
                need = 2.0  # both give figures, and not the same ones: two happenings, whatever the words
            if shared >= 2 and share >= need:
                score = shared + 2 * share + closeness
                why = f"{shared} parties, {share:.0%} of its names and numbers"
            elif share >= self.same_text and (shared >= 1 or not f.parties):
                score = 1 + 2 * share + closeness
                why = f"{share:.0%} of its names and numbers"
            else:
                continue
            if score > best.score:
                best = Placement(ev.id, score, why)
        return best
