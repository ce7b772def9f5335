"""Expectations: when should an actor have spoken, after a counterpart spoke about an event? Pure logic.

The due time comes from the actor's own history after the same counterpart: in past events where the
counterpart spoke first and named the actor, how long the actor took to speak (its delays), and how
often it spoke at all. With at least `min_history` answers, and answers in at least half of those
events, the actor is "usually within" the 90th percentile of its delays (the longest one while there
are fewer than ten), leaving out exceptions (a delay over three times the median, itself a late
answer), and is due twice that long (at least 30 minutes more) after the counterpart's statement: a
few past delays understate the longest usual one, and a false `overdue` costs more trust than a late
one. With less history a user rule (`onrecord expect ACTOR --after OTHER --within 3h`) gives the due
time; with neither, the expectation is kept but can never fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Due", "due_time", "human"]

MIN_MARGIN = 1800.0


def human(seconds: float) -> str:
    """A delay as people say it: 40 min, 2 h, 9 h, 1 h 30 min, 3 d."""
    s = max(0.0, float(seconds))
    if s < 3600:
        return f"{max(1, round(s / 60))} min"
    if s < 86400:
        h, m = divmod(round(s / 60), 60)
        return f"{h} h" if m == 0 or h >= 10 else f"{h} h {m} min"
    return f"{s / 86400:.1f} d".replace(".0 d", " d")


def _p90(values: list[float]) -> float:
    """The usual delay: the 90th percentile (the longest while there are fewer than ten) of the delays
    that are not exceptions; a delay over three times the median was itself late, not usual."""
    ordered = sorted(values)
    median = ordered[len(ordered) // 2] if len(ordered) % 2 else sum(ordered[len(ordered) // 2 - 1 :][:2]) / 2
    ordered = [v for v in ordered if v <= 3 * median] or ordered
    if len(ordered) < 10:
        return ordered[-1]
    rank = -(-len(ordered) * 90 // 100)
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class Due:
    due: datetime | None  # None: nothing to go on, never fires
    usual_s: float | None  # "usually within"
    basis: str  # history | rule | none
    answered: int  # past events where the actor spoke after the counterpart
    asked: int  # past events where the counterpart named the actor first
    confidence: str  # high | medium | low | none

    def to_json(self) -> dict[str, object]:
        return {
            "due": self.due.isoformat() if self.due else None,
            "usual_s": self.usual_s,
            "basis": self.basis,
            "answered": self.answered,
            "asked": self.asked,
            "confidence": self.confidence,
        }

    def why(self) -> str:
        if self.basis == "history":
            return f"usually within {human(self.usual_s or 0)} ({self.answered} of {self.asked} past events answered)"
        if self.basis == "rule":
            return f"rule: within {human(self.usual_s or 0)}"
        return f"too little history ({self.answered} past answers) and no rule"


def due_time(opened: datetime, delays: list[float], asked: int, rule_s: float | None, *, min_history: int = 3) -> Due:
    n = len(delays)
    if n >= min_history and asked > 0 and n * 2 >= asked:
        usual = _p90(delays)
        margin = max(usual, MIN_MARGIN)
        conf = "high" if n >= 10 and n * 10 >= asked * 9 else "medium" if n >= 5 else "low"
        return Due(opened + timedelta(seconds=usual + margin), usual, "history", n, asked, conf)
    if rule_s is not None:
        return Due(opened + timedelta(seconds=rule_s), rule_s, "rule", n, asked, "rule")
    return Due(None, None, "none", n, asked, "none")


def overdue_text(due: Due, silent_s: float) -> str:
    if due.basis == "rule":
        return f"expected within {human(due.usual_s or 0)} (rule); {human(silent_s)} so far"
    return f"usually within {human(due.usual_s or 0)}; {human(silent_s)} so far"
