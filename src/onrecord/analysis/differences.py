"""Hard differences between two linked claims, stated as sentences a reporter reads: "amount differs: €40
million vs €35 million", "duration differs: about 1 hour 15 minutes vs 1 hour 10 minutes", "date differs:
30 April vs end of May".

Precision first: a difference is shown only when each claim states exactly one fact of that kind (so the
two facts are about the same thing), the values are incompatible at the precision both give, and, for
places, when the two names can be compared (both countries, or both written in the same language). Who
initiated and who said it are compared only when both sides name someone and the names resolve to
different parties of the event. A fact only one side states is a `detail`, not a difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onrecord.analysis.facts import Fact, Facts, entity_keys, fold

__all__ = ["Difference", "describe", "differences", "one_sided", "party_of"]

_KINDS = ("amount", "count", "percent", "duration", "date", "weekday", "time", "place")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SYMBOL = {"EUR": "€", "USD": "$", "GBP": "£"}


@dataclass(frozen=True)
class Difference:
    kind: str
    a: str  # the value as shown (normalized, English)
    b: str
    a_text: str  # as written
    b_text: str
    sentence: str
    a_claim: str | None = None
    b_claim: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "sentence": self.sentence,
            "claims": [c for c in (self.a_claim, self.b_claim) if c],
        }


def _num(v: float) -> str:
    from babel.numbers import format_compact_decimal, format_decimal

    if v >= 1e6:
        return str(format_compact_decimal(v, format_type="long", locale="en", fraction_digits=2))
    return str(format_decimal(v, locale="en"))


def _minutes(m: float) -> str:
    if m >= 1440 and m % 1440 == 0:
        d = int(m // 1440)
        if d % 7 == 0 and d < 365:
            return f"{d // 7} week{'s' * (d // 7 != 1)}"
        return f"{d} day{'s' * (d != 1)}"
    h, mi = int(m // 60), round(m % 60)
    parts = []
    if h:
        parts.append(f"{h} hour{'s' * (h != 1)}")
    if mi or not h:
        parts.append(f"{mi} minute{'s' * (mi != 1)}")
    return " ".join(parts)


def describe(f: Fact) -> str:
    """A fact's value in plain English: "€40 million", "about 1 hour 15 minutes", "end of May"."""
    about = "about " if f.approx else ""
    if f.kind == "amount":
        cur, v = str(f.value[0]), float(f.value[1])  # type: ignore[arg-type]
        sym = _SYMBOL.get(cur)
        return about + (f"{sym}{_num(v)}" if sym else f"{_num(v)} {cur}")
    if f.kind == "count":
        return about + _num(float(f.value[0]))  # type: ignore[arg-type]
    if f.kind == "percent":
        return about + f"{_num(float(f.value[0]))}%"  # type: ignore[arg-type]
    if f.kind == "duration":
        return about + _minutes(float(f.value[0]))  # type: ignore[arg-type]
    if f.kind == "date":
        y, mo, d, part = f.value
        if d and not mo:
            return f"the {_ordinal(int(d))}"  # type: ignore[call-overload]
        out = ""
        if mo:
            month = _MONTHS[int(mo) - 1]  # type: ignore[call-overload]
            if d:
                out = f"{d} {month}"
            elif part:
                out = {"early": f"early {month}", "mid": f"mid-{month}", "late": f"end of {month}"}[str(part)]
            else:
                out = month
        return f"{out} {y}".strip() if y else out
    if f.kind == "weekday":
        return _WEEKDAYS[int(f.value[0]) - 1]  # type: ignore[call-overload]
    if f.kind == "time":
        h, mi, zone = f.value
        return f"{int(h):02d}:{int(mi):02d}" + (f" ({zone})" if zone else "")  # type: ignore[call-overload]
    return f.text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def _dates_conflict(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    ya, ma, da, pa = a
    yb, mb, db, pb = b
    if ya and yb and ya != yb:
        return True
    if ma and mb and ma != mb:
        return True
    if da and db and not (ma and mb):
        return bool(da != db)  # "the 23rd" against "yesterday, 22 October"
    if not (ma and mb):
        return False
    if da and db:
        return bool(da != db)
    if pa and pb:
        return bool(pa != pb)
    if da and pb:
        lo, hi = _PART_DAYS[pb]
        return not lo <= da <= hi
    if db and pa:
        lo, hi = _PART_DAYS[pa]
        return not lo <= db <= hi
    return False


def _values_differ(kind: str, fa: Fact, fb: Fact) -> bool:
    if kind == "amount":
        if fa.value[0] != fb.value[0]:
            return False  # different currencies: maybe a conversion, not shown
        return _far(float(fa.value[1]), float(fb.value[1]), fa.approx or fb.approx)  # type: ignore[arg-type]
    if kind in ("count", "percent"):
        return _far(float(fa.value[0]), float(fb.value[0]), fa.approx or fb.approx)  # type: ignore[arg-type]
    if kind == "duration":
        va, vb = float(fa.value[0]), float(fb.value[0])  # type: ignore[arg-type]
        # "about 30 minutes" is a rounded figure, but not so rough that "25 minutes" is the same length: a
        # rounded half hour tolerates a tenth (27-33 minutes), as a reporter would read it
        rough = (fa.approx and va % 30 == 0) or (fb.approx and vb % 30 == 0)
        return _far(va, vb, rough, DURATION_SLACK)
    if kind == "date":
        return _dates_conflict(fa.value, fb.value)
    if kind == "weekday":
        return fa.value != fb.value
    if kind == "time":
        if fa.value[2] != fb.value[2]:
            return False  # different or unstated time zones
        return fa.value[:2] != fb.value[:2]
    if kind == "place":
        return fa.value != fb.value
    return False


def _one_day_apart(a: Fact, b: Fact) -> bool:
    da, db = a.value[2], b.value[2]
    return isinstance(da, int) and isinstance(db, int) and abs(da - db) in (1, 27, 28, 29, 30)


DURATION_SLACK = 0.1  # share of a rounded duration ("about 30 minutes") that still counts as the same length
APPROX_SLACK = 0.2  # share of an approximate amount or count that still counts as the same


def _far(a: float, b: float, approx: bool, slack: float = APPROX_SLACK) -> bool:
    if a == b:
        return False
    if approx:
        return abs(a - b) > slack * max(abs(a), abs(b))
    return True


def _comparable_dates(fs: Sequence[Fact]) -> list[Fact]:
    """Dates with a month or a day (a bare year next to a full date is the same date's year)."""
    full = [f for f in fs if f.value[1]]
    return full or list(fs)


def differences(
    fa: Facts, fb: Facts, text_a: str, text_b: str, lang_a: str, lang_b: str, ids: tuple[str, str] | None = None
) -> list[Difference]:
    """The hard differences between two linked claims."""
    out: list[Difference] = []
    for kind in _KINDS:
        xa, xb = list(fa.of(kind)), list(fb.of(kind))
        if kind == "date":
            xa, xb = _comparable_dates(xa), _comparable_dates(xb)
        if len(xa) != 1 or len(xb) != 1:
            continue
        a, b = xa[0], xb[0]
        if kind == "place" and not _places_comparable(a, b, lang_a, lang_b, fa, fb):
            continue
        if kind == "count" and not _counts_comparable(a, b, fa, fb):
            continue
        if not _values_differ(kind, a, b):
            continue
        da, db = describe(a), describe(b)
        if da == db:
            continue
        sentence = f"{_NAME[kind]} differs: {da} vs {db}"
        if kind == "date" and _one_day_apart(a, b):
            sentence += " (one day apart: time zones can explain it)"
        out.append(Difference(kind, da, db, a.text, b.text, sentence, *(ids or (None, None))))
    return out


_NAME = {
    "amount": "amount",
    "count": "number",
    "percent": "percentage",
    "duration": "duration",
    "date": "date",
    "weekday": "day",
    "time": "time",
    "place": "place",
}


def _places_comparable(a: Fact, b: Fact, lang_a: str, lang_b: str, fa: Facts, fb: Facts) -> bool:
    ka, kb = str(a.value[0]), str(b.value[0])
    if len(ka) == 2 and len(kb) == 2:
        return True  # two countries
    if lang_a != lang_b or len(ka) == 2 or len(kb) == 2:
        return False  # names translated differently across languages ("Genf" / "Geneva") are no difference
    return f"n:{ka}" not in fb.keys and f"n:{kb}" not in fa.keys


def _counts_comparable(a: Fact, b: Fact, fa: Facts, fb: Facts) -> bool:
    """Counts differ only when nothing else countable is around (no amount, percentage or duration on either
    side) and neither is a round "dozens"-style figure."""
    others = ("amount", "percent", "duration")
    return not any(fa.of(k) or fb.of(k) for k in others)


def one_sided(fa: Facts, fb: Facts) -> tuple[list[Fact], list[Fact]]:
    """Facts of a kind that only one claim states (details, not differences)."""

    def alone(f: Fact, other: Facts) -> bool:
        if f.kind not in _KINDS or other.of(f.kind):
            return False
        if f.kind == "place":  # a place the other side names without a preposition ("the Corvena summit")
            key = str(f.value[0])
            return key not in other.keys and f"n:{key}" not in other.keys
        return True

    return [f for f in fa.facts if alone(f, fb)], [f for f in fb.facts if alone(f, fa)]


# --- parties: who initiated, who said it ------------------------------------------------------------


def _title_keys(phrase: str) -> frozenset[str]:
    return frozenset(w for w in fold(phrase).split() if len(w) >= 4)


def party_of(phrase: str, lang: str, parties: Sequence[tuple[frozenset[str], str]]) -> int | None:
    """Which party of the event (index into `parties`: (keys, the opening's words)) a phrase names, when its
    names, countries or, failing those, its title words single one out."""
    keys = entity_keys(phrase, lang)
    hits = {n for n, (pk, _) in enumerate(parties) if keys & pk}
    if len(hits) == 1:
        return hits.pop()
    if not keys:
        tk = _title_keys(phrase)
        hits = {n for n, (_, words) in enumerate(parties) if tk and tk & _title_keys(words)}
        if len(hits) == 1:
            return hits.pop()
    return None
