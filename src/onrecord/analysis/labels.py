"""Label an aligned pair of claims: agree, partial or conflict, with reasons.

Reasons are strings "code: detail". Conflict codes: `negation` (one side negates), `numbers` (both give
numbers, different ones), `dates` (both give dates, different ones), `agent` (different actors propose,
call or invite), `hedge` (distancing on one side only: "allegedly", "якобы", "angeblich"), `initiative`
(both name whose request or initiative it was, differently). Partial codes: `detail_only_a` /
`detail_only_b` (a number, date or initiative stated by one side only) and `part` (many-to-one: the
claim covers part of the other). Cue lists cover en, de, ru, fr, zh; numbers are normalized across
languages (separators, decimal commas, number words two to twelve, thousand/million/billion words).

The readings come from `cues` (negation, hedges, opposite terms, initiative), `quantities` and `dates`
(numbers and dates) and `actors` (who did what); this module weighs them into a label and reads the
details one side states alone (place, acceptance, list size).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onrecord.analysis.actors import (
    _DATE_NAMES,
    _different_actors,
    _different_entities,
    _entity_keys,
    _fold,
    _names,
    different_doers,
    find_agent,
    find_doer,
)
from onrecord.analysis.cues import _opposite_poles, find_initiative, hedges, is_negated
from onrecord.analysis.dates import _dates_compatible, _finer, _resolve_relative, _years_as_dates
from onrecord.analysis.quantities import _fmt, _scan

__all__ = ["CONFLICT_REASONS", "LABELS", "Label", "detail_kinds", "label_pair"]

LABELS = ("agree", "partial", "conflict", "only_a", "only_b")
CONFLICT_REASONS = ("negation", "numbers", "dates", "agent", "hedge", "initiative")


@dataclass(frozen=True)
class Label:
    label: str
    reasons: tuple[str, ...] = ()


# --- details one side states alone ----------------------------------------------------------------

# An acceptance after an invitation ("accepted the invitation", "nahm die Einladung an"): a consequence
# the other side may leave out, so a detail of the side that states it.
_ACCEPTED = re.compile(
    r"\baccept(?:ed|s)\b[^.;]{0,40}\binvitation|\bnahm\w*\b[^.;]{0,40}\bEinladung\w*\b[^.;]{0,60}\ban\b|"
    r"\bEinladung\w*\b[^.;]{0,30}\bangenommen|принял\w*\s+приглашени\w*|"
    r"\ba(?:vait|) accepté\b[^.;]{0,30}\binvitation|\bont accepté\b[^.;]{0,30}\binvitation|"
    r"\baccept[óo]\b[^.;]{0,30}\binvitaci[óo]n|\bha(?:nno)? accettato\b[^.;]{0,30}\binvito|接受了?[^，。]{0,10}邀请|"
    r"\binvitation\b[^.;]{0,30}\b(?:was|were|has been|had been) accepted|\baccepted(?: it)?\s*[.;]?\s*$|"
    r"\bprzyj\w*[^.;]{0,20}\bzaproszeni\w*|\bzaproszeni\w*[^.;]{0,30}\bprzyjęt\w*|"
    r"\baceit\w*[^.;]{0,30}\bconvite|\bconvite\b[^.;]{0,30}\baceite|"
    r"\b(?:nam|namen|aanvaardde\w*)\b[^.;]{0,30}\buitnodiging\b|\buitnodiging\b[^.;]{0,30}\baanvaard|"
    r"\bdavet\w*[^.;]{0,30}\bkabul|прийня\w*\s+запрошення|запрошення[^.;]{0,30}прийнят\w*|招待を受け入れ|招待に応じ",
    re.I,
)
# A place stated by one side only: a capitalized name after a place preposition ("to be based in
# Hollesund", "in Port Aster", "à Lorn", "в Кесселе", "a Castelvero").
_PLACE = re.compile(
    r"(?:\b(?:in|at|to|near|nach|bei|à|en|près de|в|во|a|presso)\s+)"
    r"(?P<x>[A-ZÄÖÜÀ-ÝА-ЯЁ][\w'’-]+(?:\s+[A-ZÄÖÜÀ-ÝА-ЯЁ][\w'’-]+)?)"
)


def _places(text: str) -> frozenset[str]:
    out: set[str] = set()
    for m in _PLACE.finditer(text):
        name = m.group("x")
        if _fold(name.split()[0]) in _DATE_NAMES:
            continue
        out |= _entity_keys(name)
    return frozenset(out)


def _place_detail(a: str, b: str) -> str | None:
    """The side that names a place ("in Hollesund", "à Lorn", "в Кесселе": a capitalized name, no article,
    after a place preposition) the other does not mention, when every name of the other side is also on
    this side (so a name translated rather than transliterated, "Ostmeer" / "Восточное море", or a
    German noun, makes no detail). None when one side is Chinese (no transliteration)."""
    if any("\u4e00" <= c <= "\u9fff" for c in a + b):
        return None
    ka, kb = _entity_keys(a), _entity_keys(b)
    only_a, only_b = _places(a) - kb, _places(b) - ka
    if bool(only_a) == bool(only_b):
        return None
    if only_a:
        return "a" if _names(b) <= ka else None
    return "b" if _names(a) <= kb else None


def detail_kinds(text: str, lang: str = "und") -> set[str]:
    """The kinds of checkable detail a claim states ("numbers", "date", "place", "acceptance", "list",
    "initiative"), as named in `detail_only_*` reasons."""
    nums, dates = _scan(text, lang)
    out = {k for k, v in (("numbers", nums), ("date", dates)) if v}
    if _places(text):
        out.add("place")
    if _ACCEPTED.search(text):
        out.add("acceptance")
    if _list_size(text) > 1:
        out.add("list")
    if find_initiative(text):
        out.add("initiative")
    return out


# Coordinated lists of short items ("students and researchers", "les étudiants, les chercheurs et les
# artistes"): a side that lists more members gives a detail.
_CONJ = r"(?:and|und|sowie|et|и|y|e|or|oder|ou|или|o)"
_ITEM = r"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,2}"
_LIST_RUN = re.compile(rf"{_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s+{_CONJ}\s+{_ITEM}", re.I)


def _list_size(text: str) -> int:
    best = 1
    for m in _LIST_RUN.finditer(text):
        best = max(best, m.group(0).count(",") + 2 - (1 if re.search(rf",\s*{_CONJ}\s", m.group(0)) else 0))
    return best


# --- the label ------------------------------------------------------------------------------------

def label_pair(
    a: str,
    b: str,
    lang_a: str = "und",
    lang_b: str = "und",
    mutual: bool = True,
    holders_a: dict[str, frozenset[str]] | None = None,
    holders_b: dict[str, frozenset[str]] | None = None,
    year: int | None = None,
    parties: tuple[frozenset[str], ...] | None = None,
) -> Label:
    """Label an aligned pair of claims (texts and languages). `holders_a` / `holders_b`: who holds which
    title on each side (`title_holders` of the statement's opening), to resolve "the President". `year`:
    the event's year, to read "next year" / "this year". `parties`: name keys of the event's two sides
    (`event_parties`), to tell whether two agents belong to one side."""
    conflict: list[str] = []
    partial: list[str] = []
    neg_a, neg_b = is_negated(a, lang_a), is_negated(b, lang_b)
    if neg_a != neg_b:
        conflict.append(f"negation: only {'a' if neg_a else 'b'} negates")
    elif not neg_a and (poles := _opposite_poles(a, b)):
        conflict.append(f"negation: opposite terms ({poles})")
    nums_a, dates_a = _scan(a, lang_a)
    nums_b, dates_b = _scan(b, lang_b)
    dates_a, dates_b = _resolve_relative(dates_a, dates_b, year)  # first: "来年" may be the other side's "2026"
    nums_a, dates_a, nums_b, dates_b = _years_as_dates(nums_a, dates_a, nums_b, dates_b)
    if nums_a and nums_b and nums_a != nums_b:
        if nums_a < nums_b or nums_b < nums_a:
            partial.append(f"detail_only_{'b' if nums_a < nums_b else 'a'}: numbers {_fmt(nums_a ^ nums_b)}")
        else:
            conflict.append(f"numbers: a {_fmt(nums_a)} / b {_fmt(nums_b)}")
    elif nums_a != nums_b:
        partial.append(f"detail_only_{'a' if nums_a else 'b'}: numbers {_fmt(nums_a or nums_b)}")
    if dates_a and dates_b and not _dates_compatible(dates_a, dates_b):
        conflict.append(f"dates: a {', '.join(sorted(dates_a))} / b {', '.join(sorted(dates_b))}")
    elif dates_a and dates_b and (finer := _finer(dates_a, dates_b)):
        partial.append(f"detail_only_{finer}: date {', '.join(sorted(dates_a if finer == 'a' else dates_b))}")
    elif bool(dates_a) != bool(dates_b):
        partial.append(f"detail_only_{'a' if dates_a else 'b'}: date {', '.join(sorted(dates_a or dates_b))}")
    hedge_a, hedge_b = hedges(a), hedges(b)
    if bool(hedge_a) != bool(hedge_b):
        conflict.append(f"hedge: only {'a' if hedge_a else 'b'} distances ({', '.join(hedge_a or hedge_b)})")
    init_a, init_b = find_initiative(a), find_initiative(b)
    if init_a and init_b:
        if _different_entities(init_a, init_b):
            conflict.append(f"initiative: a {init_a!r} / b {init_b!r}")
    elif init_a or init_b:
        partial.append(f"detail_only_{'a' if init_a else 'b'}: initiative {init_a or init_b!r}")
    ag_a, ag_b = find_agent(a), find_agent(b)
    if ag_a and ag_b and _different_actors(ag_a, ag_b, holders_a, holders_b, parties):
        conflict.append(f"agent: a {ag_a!r} / b {ag_b!r}")
    elif (do_a := find_doer(a)) and (do_b := find_doer(b)) and different_doers(do_a, do_b, parties):
        conflict.append(f"agent: a {do_a!r} / b {do_b!r}")
    acc_a, acc_b = bool(_ACCEPTED.search(a)), bool(_ACCEPTED.search(b))
    if acc_a != acc_b:
        partial.append(f"detail_only_{'a' if acc_a else 'b'}: acceptance")
    if (place := _place_detail(a, b)) is not None:
        partial.append(f"detail_only_{place}: place")
    size_a, size_b = _list_size(a), _list_size(b)
    if size_a > 1 and size_b > 1 and size_a != size_b:
        partial.append(f"detail_only_{'a' if size_a > size_b else 'b'}: list of {max(size_a, size_b)}")
    if not mutual:
        partial.append("part: one claim covers part of the other")
    if conflict:
        return Label("conflict", tuple(conflict + partial))
    if partial:
        return Label("partial", tuple(partial))
    return Label("agree")
