"""Language knowledge as data: one TOML file per language in `analysis/langs/<code>.toml`, loaded here.

A file holds what CLDR (through Babel) and num2words do not give: negation and refusal words, explicit
opposites, hedges, reported-speech verbs, whose-initiative patterns, call and meeting words for openings,
place prepositions and country aliases, approximators and duration words, parts of a month, clock markers
("午後2時35分", "오후 2시 35분"), titles, and
its own `[examples]`, which tests/analysis/test_langs.py runs through the engine. docs/compare.md has the
checklist for adding a language.

Phrases are plain text with three marks: `*` ends a word stem ("discuss*" matches "discussed"), `{x}`
captures a name (up to the next punctuation, at most eight words), and `|` separates alternatives inside
one entry. Languages written without spaces (`spaced = false`) match phrases anywhere; the others match
whole words. The logic never branches on a language code: it asks this module for the file of a claim's
language, or for all files together when the language is unknown.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Lang", "available", "compiled", "for_text", "get", "merged", "phrase_patterns", "phrase_regex"]

LANGS_DIR = Path(__file__).resolve().parent / "langs"
_NAME = r"(?P<x>[^,.;:!?()\[\]«»\"“”„،。，、；：]{2,80}?)"
# a name that opens a phrase ("{x}, who had requested the call"): at most six words, whole words
# a name that ends a phrase ("at the request of {x}"): at most four words, up to punctuation
_TAIL_NAME = r"(?P<x>[^\s,.;:!?()«»\"“”„]+(?:\s+[^\s,.;:!?()«»\"“”„]+){0,3})"
_LEAD_NAME = r"(?<!\w)(?P<x>(?:[^\s,.;:!?()«»\"“”„]+\s+){0,5}[^\s,.;:!?()«»\"“”„]+)"


@dataclass(frozen=True)
class Lang:
    """One language's words (empty tuples where the file says nothing)."""

    code: str
    name: str = ""
    spaced: bool = True
    negation: tuple[str, ...] = ()
    negation_except: tuple[str, ...] = ()
    refusal: tuple[str, ...] = ()
    opposites: dict[str, tuple[str, str]] = field(default_factory=dict)  # meaning -> (pole, other pole)
    hedges: tuple[str, ...] = ()
    disagreement: tuple[str, ...] = ()  # the parties say they disagree ("differing views")
    agreed: tuple[str, ...] = ()  # they agreed (an undertaking) ...
    hope: tuple[str, ...] = ()  # ... against one side's wish or hope
    say: tuple[str, ...] = ()
    according_to: tuple[str, ...] = ()
    initiative: tuple[str, ...] = ()
    call: tuple[str, ...] = ()
    meeting: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    framing: tuple[str, ...] = ()  # a sentence about the call itself: "exchanged views", "as follows"
    with_words: tuple[str, ...] = ()
    time_words: tuple[str, ...] = ()
    place_prepositions: tuple[str, ...] = ()
    place_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    approx: tuple[str, ...] = ()
    more_than: tuple[str, ...] = ()
    number_words: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    half: tuple[str, ...] = ()
    quarter: tuple[str, ...] = ()
    months: dict[str, int] = field(default_factory=dict)
    month_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relative_days: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "-1" -> yesterday's words
    day_markers: tuple[str, ...] = ()  # written after a bare day of the month ("3일" : the 3rd)
    # clock times written with markers ("午後2時35分", "오후 2시 35분", "下午3点半"): before-noon and after-noon
    # words, the hour and minute markers, the half hour, "about" after the time
    clock_am: tuple[str, ...] = ()
    clock_pm: tuple[str, ...] = ()
    clock_hour: tuple[str, ...] = ()
    clock_minute: tuple[str, ...] = ()
    clock_half: tuple[str, ...] = ()
    clock_approx: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    examples: dict[str, Any] = field(default_factory=dict)

    def words(self, name: str) -> tuple[str, ...]:
        out: tuple[str, ...] = getattr(self, name)
        return out


def _tuple(x: Any) -> tuple[str, ...]:
    if x is None:
        return ()
    if isinstance(x, str):
        return tuple(w for w in x.split() if w)
    return tuple(str(w) for w in x)


def _load(path: Path) -> Lang:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    neg = data.get("negation", {})
    speech = data.get("speech", {})
    ev = data.get("events", {})
    places = data.get("places", {})
    nums = data.get("numbers", {})
    dur = data.get("durations", {})
    dates = data.get("dates", {})
    clock = data.get("times", {})
    return Lang(
        code=str(data["code"]),
        name=str(data.get("name", "")),
        spaced=bool(data.get("spaced", True)),
        negation=_tuple(neg.get("words")),
        negation_except=_tuple(neg.get("except")),
        refusal=_tuple(neg.get("refusal")),
        opposites={str(k): (str(v[0]), str(v[1])) for k, v in data.get("opposites", {}).items()},
        hedges=_tuple(data.get("hedges", {}).get("words")),
        disagreement=_tuple(data.get("disagreement", {}).get("words")),
        agreed=_tuple(data.get("modality", {}).get("agreed")),
        hope=_tuple(data.get("modality", {}).get("hope")),
        say=_tuple(speech.get("say")),
        according_to=_tuple(speech.get("according_to")),
        initiative=_tuple(data.get("initiative", {}).get("patterns")),
        call=_tuple(ev.get("call")),
        meeting=_tuple(ev.get("meeting")),
        content=_tuple(ev.get("content")),
        framing=_tuple(ev.get("framing")),
        with_words=_tuple(ev.get("with")),
        time_words=_tuple(ev.get("time")),
        place_prepositions=_tuple(places.get("prepositions")),
        place_aliases={str(k): _tuple(v) for k, v in places.get("aliases", {}).items()},
        approx=_tuple(nums.get("approx")),
        more_than=_tuple(nums.get("more_than")),
        number_words={str(k): float(v) for k, v in nums.get("words", {}).items()},
        scales={str(k): float(v) for k, v in nums.get("scales", {}).items()},
        units={str(k): _tuple(v) for k, v in dur.get("units", {}).items()},
        half=_tuple(dur.get("half")),
        quarter=_tuple(dur.get("quarter")),
        months={str(k): int(v) for k, v in dates.get("months", {}).items()},
        month_parts={str(k): _tuple(v) for k, v in dates.get("parts", {}).items()},
        relative_days={str(k): _tuple(v) for k, v in dates.get("relative", {}).items()},
        day_markers=_tuple(dates.get("day")),
        clock_am=_tuple(clock.get("am")),
        clock_pm=_tuple(clock.get("pm")),
        clock_hour=_tuple(clock.get("hour")),
        clock_minute=_tuple(clock.get("minute")),
        clock_half=_tuple(clock.get("half")),
        clock_approx=_tuple(clock.get("approx")),
        titles=_tuple(data.get("titles", {}).get("words")),
        examples=dict(data.get("examples", {})),
    )


@cache
def available() -> tuple[str, ...]:
    """The language codes that have a data file."""
    return tuple(sorted(p.stem for p in LANGS_DIR.glob("*.toml")))


@cache
def get(code: str) -> Lang:
    """The data of language `code` (its base: "de-AT" -> "de"); an empty `Lang` when there is no file."""
    base = (code or "und").split("-")[0].lower()
    path = LANGS_DIR / f"{base}.toml"
    if not path.is_file():
        return Lang(code=base)
    return _load(path)


@cache
def merged() -> Lang:
    """All files together (for text whose language is unknown): lists joined, maps merged."""
    langs = [get(c) for c in available()]
    out: dict[str, Any] = {"code": "und", "spaced": True}
    for name, f in Lang.__dataclass_fields__.items():
        if name in ("code", "name", "spaced", "examples"):
            continue
        vals = [getattr(lg, name) for lg in langs]
        if f.type.startswith("dict"):
            d: dict[str, Any] = {}
            for v in vals:
                for k, x in v.items():
                    if isinstance(x, tuple) and name != "opposites":
                        d[k] = tuple(dict.fromkeys((*d.get(k, ()), *x)))
                    elif isinstance(x, tuple):
                        old = d.get(k, ("", ""))
                        d[k] = tuple("|".join(w for w in (o, n) if w) for o, n in zip(old, x, strict=True))
                    else:
                        d.setdefault(k, x)
            out[name] = d
        else:
            out[name] = tuple(dict.fromkeys(x for v in vals for x in v))
    return Lang(**out)


def for_text(code: str | None) -> Lang:
    """The file of `code`, or all files together when the language is unknown or has no file."""
    if code and code != "und" and code.split("-")[0] in available():
        return get(code)
    return merged()


def _phrase(p: str, spaced: bool) -> str:
    out = []
    toks = re.split(r"(\{x\}|\*|\s+)", p.strip())
    last = max(n for n, t in enumerate(toks) if t)
    for n, tok in enumerate(toks):
        if not tok:
            continue
        if tok == "{x}":
            out.append(_LEAD_NAME if n <= 1 and spaced else _TAIL_NAME if n == last and spaced else _NAME)
        elif tok == "*":
            out.append(r"\w*")
        elif tok.isspace():
            out.append(r"\s+")
        else:
            # an apostrophe in a phrase matches the typographic one too ("n't" meets "wasn’t")
            out.append(re.escape(tok).replace("'", "['’ʼ]"))
    body = "".join(out)
    if not spaced:
        return body
    start = r"(?<!\w)" if p[:1].isalnum() else ""
    end = r"(?!\w)" if p[-1:].isalnum() or p.endswith("*") else ""
    return start + body + end


def phrase_regex(phrases: tuple[str, ...], spaced: bool = True) -> re.Pattern[str] | None:
    """One case-insensitive pattern for a list of phrases (see the module doc); None for an empty list.
    Longer phrases are tried first. A phrase in a script without spaces (CJK) matches anywhere."""
    alts = [a.strip() for p in phrases for a in p.split("|") if a.strip()]
    if not alts:
        return None
    alts.sort(key=len, reverse=True)
    parts = [_phrase(a, spaced and not _unspaced_script(a)) for a in alts]
    return re.compile("|".join(f"(?:{x})" for x in parts), re.I)


def _unspaced_script(s: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" for c in s)


def phrase_patterns(phrases: tuple[str, ...], spaced: bool = True) -> list[re.Pattern[str]]:
    """One pattern per phrase alternative, in order (for phrases with a `{x}` capture)."""
    alts = [a.strip() for p in phrases for a in p.split("|") if a.strip()]
    return [re.compile(_phrase(a, spaced and not _unspaced_script(a)), re.I) for a in alts]


@cache
def compiled(code: str, name: str) -> re.Pattern[str] | None:
    """The cached pattern of list `name` of language `code` ("und": all languages)."""
    lg = for_text(code)
    return phrase_regex(lg.words(name), lg.spaced)
