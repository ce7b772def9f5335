"""Checkable facts read from one claim by deterministic parsers: amounts, counts, percentages, durations,
dates, times of day and places, plus the name keys that tie two sides' claims together.

Words come from CLDR through Babel (months, weekdays, duration units, currency names, country names,
number separators), num2words (number words) and the language files (`langdata`: approximators,
duration words, parts of a month, place prepositions, country aliases). Values are normalized so that
two languages compare: an amount is (currency, value), a duration is minutes, a date is (year, month,
day, part of month). Parsers prefer to miss a fact rather than misread one: a hard difference is shown
only between facts both sides state.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date as _date
from functools import cache
from typing import Any

from onrecord.analysis import langdata
from onrecord.analysis.lexicon import (
    currency_words,
    month_names,
    number_symbols,
    number_words,
    scale_words,
    territory_names,
    unit_words,
    weekday_names,
)

__all__ = ["Fact", "Facts", "entity_keys", "fold", "name_key", "read_facts"]


@dataclass(frozen=True)
class Fact:
    """One fact: `kind` amount | count | percent | duration | date | time | place; `value` normalized
    (see the module doc); `text` the words as written; `approx` when hedged ("about", "more than")."""

    kind: str
    value: tuple[object, ...]
    text: str
    approx: bool = False
    start: int = 0


@dataclass(frozen=True)
class Facts:
    facts: tuple[Fact, ...]
    keys: frozenset[str]  # name and place keys, country codes, numbers and dates: what two claims can share

    def of(self, kind: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.kind == kind)


# --- names --------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case ASCII (any script transliterated by anyascii), accents dropped."""
    from anyascii import anyascii

    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return str(anyascii(s)).lower()


def name_key(word: str) -> str:
    """A key that meets across scripts and inflection: transliterated, first five letters ("Тарск" /
    "Tarsk-Tal" -> "tarsk"; "Женеве" -> "zhene")."""
    return re.sub(r"[^a-z0-9]", "", fold(word))[:5]


@cache
def _territory_prefixes() -> dict[str, str]:
    """Folded country names (5-letter prefixes of one-word names, whole multi-word names) -> code."""
    out: dict[str, str] = {}
    for name, code in territory_names().items():
        f = fold(name)
        if " " in f or "-" in f:
            out.setdefault(f, code)
        elif len(f) >= 4:
            out.setdefault(f[:5], code)
    return out


@cache
def _alias_patterns(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    lg = langdata.for_text(lang)
    out = []
    for code, words in lg.place_aliases.items():
        pat = langdata.phrase_regex(words, lg.spaced)
        if pat is not None:
            out.append((re.compile(pat.pattern), code))  # aliases keep their case: "US" is no "us"
    return tuple(out)


_CAP_WORD = re.compile(r"(?<![\w'’])([A-ZÀ-ÝА-ЯЁΑ-ΩĀ-Ž][\w'’-]*)")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def entity_keys(text: str, lang: str = "und") -> frozenset[str]:
    """Keys of the names in `text`: country codes (CLDR names in any language, language-file aliases such as
    "American", "российский", "美方"), and name keys of capitalized words that are not the first word."""
    keys: set[str] = set()
    for pat, code in _alias_patterns(lang):
        if pat.search(text):
            keys.add(code)
    terr = _territory_prefixes()
    words = _CAP_WORD.findall(text)
    first = re.match(r"\W*([\w'’-]+)", text)
    titles = _title_words(lang)
    for w in words:
        f = re.sub(r"[^a-z0-9]", "", fold(w))
        if len(f) < 3:
            continue
        tc = terr.get(f[:5])
        if tc:
            keys.add(tc)
            continue
        if (first and w == first.group(1)) or f in titles or len(f) < 4:
            continue
        if _is_calendar_word(w):
            continue
        keys.add("n:" + f[:5])
    runs = _CJK_RUN.findall(text)
    if runs:
        for name, code in _cjk_territories():
            if any(name in run for run in runs):
                keys.add(code)
    return frozenset(keys)


@cache
def _cjk_territories() -> tuple[tuple[str, str], ...]:
    """The country names written in Han characters (two or more), with their codes: the only names a CJK run
    can hold, picked once instead of on every claim."""
    return tuple(
        (name, code) for name, code in territory_names().items() if len(name) >= 2 and "\u4e00" <= name[0] <= "\u9fff"
    )


@cache
def _title_words(lang: str) -> frozenset[str]:
    lg = langdata.for_text(lang)
    return frozenset(re.sub(r"[^a-z0-9]", "", fold(w)) for t in lg.titles for w in t.split())


def _is_calendar_word(w: str) -> bool:
    low = w.lower()
    return low in month_names() or low in weekday_names()


# --- numbers ------------------------------------------------------------------------------------

_CJK_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_NUM = re.compile(r"[〇零一二两三四五六七八九十百千]+")


def _cjk_value(s: str) -> float | None:
    total, cur = 0, 0
    for ch in s:
        if ch in _CJK_DIGITS:
            cur = _CJK_DIGITS[ch]
        elif ch in _CJK_UNITS:
            total += (cur or 1) * _CJK_UNITS[ch]
            cur = 0
        else:
            return None
    return float(total + cur)


@dataclass(frozen=True)
class _Num:
    start: int
    end: int
    value: float
    digits: bool


def _digit_value(tok: str, lang: str) -> float | None:
    dec, _group = number_symbols(lang) if lang and lang != "und" else ("", "")
    t = tok.replace("\u202f", " ").replace("\xa0", " ").replace("’", "'")
    if dec == "," or (not dec and re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", t)):
        t = t.replace(".", "").replace(" ", "").replace("'", "").replace(",", ".")
    else:
        t = t.replace(",", "").replace(" ", "").replace("'", "")
    try:
        return float(t)
    except ValueError:
        return None


_NB = r"(?<![0-9A-Za-z\u00c0-\u024f\u0370-\u04ff_.,])"  # no letter of a spaced script, digit or separator before
_DIGITS = re.compile(_NB + r"\d{1,3}(?:[ ,.\u202f\xa0'’]\d{3})+(?:[.,]\d+)?(?![\d])|" + _NB + r"\d+(?:[.,]\d+)?(?!\d)")


@cache
def _word_numbers(lang: str) -> dict[str, float]:
    lg = langdata.for_text(lang)
    out = dict(number_words(lang)) if lang != "und" else {}
    for k, v in lg.number_words.items():
        out.setdefault(k.lower(), v)
    return out


@cache
def _scales(lang: str) -> dict[str, float]:
    out = {k.lower(): v for k, v in langdata.for_text(lang).scales.items()}
    base = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "trillion": 1e12}
    for k, v in {**base, **scale_words()}.items():
        out.setdefault(k, v)
    return out


def _numbers(text: str, lang: str) -> list[_Num]:
    out: list[_Num] = []
    for m in _DIGITS.finditer(text):
        v = _digit_value(m.group(0), lang)
        if v is not None:
            out.append(_Num(m.start(), m.end(), v, True))
    for m in _CJK_NUM.finditer(text):
        v = _cjk_value(m.group(0))
        if v is not None and v > 0:
            out.append(_Num(m.start(), m.end(), v, False))
    words = _word_numbers(lang)
    if words:
        for m in re.finditer(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", text):
            w = m.group(0).lower()
            if w in words and not any(n.start <= m.start() < n.end for n in out):
                out.append(_Num(m.start(), m.end(), words[w], False))
        for phrase, v in words.items():
            if " " in phrase:
                for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I):
                    out = [n for n in out if not (m.start() <= n.start < m.end())]
                    out.append(_Num(m.start(), m.end(), v, False))
    out.sort(key=lambda n: n.start)
    return out


def _scaled(text: str, n: _Num, lang: str) -> tuple[float, int]:
    """The number times a scale word right after it ("40 million", "1,5 Mrd.", "4000万"), and where it ends."""
    m = re.match(r"\s*([万亿千]|[^\W\d_]+\.?)", text[n.end :])
    if m:
        w = m.group(1).lower()
        sc = _scales(lang)
        for cand in (w, w.rstrip("."), w[:1] if "\u4e00" <= w[:1] <= "\u9fff" else w):
            if cand in sc:
                return n.value * sc[cand], n.end + m.end()
    return n.value, n.end


# --- dates --------------------------------------------------------------------------------------

_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)(?!\d)")
_CJK_DATE = re.compile(
    r"(?:((?:19|20)\d\d)\s*年\s*)?(\d{1,2}|[一二三四五六七八九十]+)\s*月(?:\s*(\d{1,2}|[一二三四五六七八九十]+)\s*[日号])?"
    r"(初|上旬|中旬|下旬|底|末)?"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)(?:\s*(?:年|г\.|года|году|r\.))?")
_PART_OF = {"early": "early", "mid": "mid", "late": "late"}
_CJK_PART = {"初": "early", "上旬": "early", "中旬": "mid", "下旬": "late", "底": "late", "末": "late"}


@cache
def _month_regex() -> re.Pattern[str]:
    names = sorted(month_names(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names if len(n) >= 3) + r")(?!\w)", re.I)


@cache
def _part_patterns(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    lg = langdata.for_text(lang)
    out = []
    for part, words in lg.month_parts.items():
        pat = langdata.phrase_regex(words, lg.spaced)
        if pat is not None and part in _PART_OF:
            out.append((pat, part))
    return tuple(out)


def _dates(text: str, lang: str) -> list[Fact]:
    out: list[Fact] = []
    used: list[tuple[int, int]] = []

    def add(f: Fact, s: int, e: int) -> None:
        if not any(a < e and s < b for a, b in used):
            out.append(f)
            used.append((s, e))

    for m in _ISO.finditer(text):
        add(
            Fact("date", (int(m.group(1)), int(m.group(2)), int(m.group(3)), None), m.group(0), start=m.start()),
            m.start(),
            m.end(),
        )
    for m in _DOTTED.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            add(Fact("date", (y, mo, d, None), m.group(0), start=m.start()), m.start(), m.end())
    for m in _CJK_DATE.finditer(text):
        cmo = _int_or_cjk(m.group(2))
        day = _int_or_cjk(m.group(3)) if m.group(3) else None
        if cmo is None or not 1 <= cmo <= 12:
            continue
        cy = int(m.group(1)) if m.group(1) else None
        add(
            Fact("date", (cy, cmo, day, _CJK_PART.get(m.group(4) or "")), m.group(0), start=m.start()),
            m.start(),
            m.end(),
        )
    months = month_names()
    extra = {k.lower(): v for k, v in langdata.for_text(lang).months.items()}
    for phrase, emo in extra.items():
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I):
            add(Fact("date", (None, emo, None, None), m.group(0), start=m.start()), m.start(), m.end())
    for m in _month_regex().finditer(text):
        mmo = months.get(m.group(1).lower())
        if mmo is None:
            continue
        s, e = m.start(), m.end()
        before, after = text[max(0, s - 12) : s], text[e : e + 14]
        day = None
        dm = re.search(r"(\d{1,2})(?:st|nd|rd|th|er|\.)?\s*$", before)
        if dm:
            day, s = int(dm.group(1)), s - (len(before) - dm.start())
        else:
            am = re.match(r"\s*(\d{1,2})(?:st|nd|rd|th)?(?!\d)", after)
            if am:
                day, e = int(am.group(1)), e + am.end()
        ym = re.match(r",?\s*((?:19|20)\d\d)(?!\d)(?:\s*(?:года|г\.|r\.|год))?", text[e : e + 16])
        year = None
        if ym:
            year, e = int(ym.group(1)), e + ym.end()
        part = None
        for pat, name in _part_patterns(lang):
            hits = list(pat.finditer(text[max(0, s - 24) : s]))
            pm = hits[-1] if hits else None
            if pm is not None and pm.end() >= len(text[max(0, s - 24) : s]) - 2:
                part = name
                s = max(0, s - 24) + pm.start()
                break
        if day is not None and not 1 <= day <= 31:
            day = None
        # a bare month name that is also a common word ("may", "mai", "march") needs a day, year or part
        if (
            day is None
            and year is None
            and part is None
            and m.group(1).islower()
            and m.group(1).lower() in ("may", "mai", "march", "mars", "august")
        ):
            continue
        add(Fact("date", (year, mmo, day, part), text[s:e].strip(), start=s), s, e)
    for m in _YEAR.finditer(text):
        if any(a <= m.start() < b for a, b in used):
            continue
        after = text[m.end() : m.end() + 12].lower()
        if re.match(r"\s*(?:%|percent|per cent|million|billion|млн|млрд|тыс)", after):
            continue
        add(Fact("date", (int(m.group(1)), None, None, None), m.group(0), start=m.start()), m.start(), m.end())
    wd = weekday_names()
    for m in re.finditer(r"[^\W\d_]+", text):
        w = m.group(0).lower()
        if w in wd and len(w) >= 5:
            add(Fact("weekday", (wd[w],), m.group(0), start=m.start()), m.start(), m.end())
    return out


def _int_or_cjk(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    v = _cjk_value(s)
    return int(v) if v is not None else None


# --- times --------------------------------------------------------------------------------------

_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])[:.h]([0-5]\d)(?![\d:])(?:\s*(a\.?m\.?|p\.?m\.?))?", re.I)
_AMPM = re.compile(r"(?<![\d:])(1[0-2]|0?[1-9])\s*(a\.m\.|p\.m\.|am\b|pm\b)", re.I)
_UHR = re.compile(r"(?<![\d:])([01]?\d|2[0-3])\s*(?:Uhr|heures?|h)(?!\w)(?:\s*([0-5]\d))?")
_TZ = re.compile(
    r"\b(?:UTC|GMT|CET|CEST|EST|EDT|PST|PDT|MSK)\b|Moscow time|московскому времени|北京时间|Ortszeit|local time", re.I
)


@cache
def _marked_clock() -> tuple[re.Pattern[str] | None, frozenset[str]]:
    """Clock times written with markers, from the language files' `[times]` ("午後2時35分", "오후 2시 35분",
    "下午3点半"), and the after-noon words."""
    lg = langdata.merged()
    if not lg.clock_hour:
        return None, frozenset()

    def alt(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"

    pat = re.compile(
        rf"({alt(lg.clock_am + lg.clock_pm)})?\s*(\d{{1,2}})\s*(?:{alt(lg.clock_hour)})\s*"
        rf"(?:(\d{{1,2}})\s*(?:{alt(lg.clock_minute)})|({alt(lg.clock_half)}))?\s?({alt(lg.clock_approx)})?"
    )
    return pat, frozenset(lg.clock_pm)


def _times(text: str) -> list[Fact]:
    out: list[Fact] = []
    tz = _TZ.search(text)
    zone = tz.group(0).lower() if tz else ""
    clock, after_noon = _marked_clock()
    for m in clock.finditer(text) if clock is not None else ():
        h = int(m.group(2))
        if h > 24 or (m.group(1) is None and m.group(3) is None and not m.group(4)):
            continue  # "3点" alone is too often a count ("three points"), "2時間" a duration
        if m.group(1) in after_noon and h < 12:
            h += 12
        mi = int(m.group(3)) if m.group(3) else (30 if m.group(4) else 0)
        out.append(Fact("time", (h, mi, zone), m.group(0), bool(m.group(5)), m.start()))
    for m in _CLOCK.finditer(text):
        h, mi = int(m.group(1)), int(m.group(2))
        if m.group(3) and m.group(3).lower().startswith("p") and h < 12:
            h += 12
        if m.group(0)[len(m.group(1))] == "." and not m.group(3):
            continue  # "12.30" is too often a decimal
        out.append(Fact("time", (h, mi, zone), m.group(0), start=m.start()))
    for m in _AMPM.finditer(text):
        if any(f.start <= m.start() < f.start + len(f.text) for f in out):
            continue
        h = int(m.group(1)) % 12 + (12 if m.group(2).lower().startswith("p") else 0)
        out.append(Fact("time", (h, 0, zone), m.group(0), start=m.start()))
    for m in _UHR.finditer(text):
        if any(f.start <= m.start() < f.start + len(f.text) for f in out):
            continue
        out.append(Fact("time", (int(m.group(1)), int(m.group(2) or 0), zone), m.group(0), start=m.start()))
    return out


# --- quantities ---------------------------------------------------------------------------------


@cache
def _approx_regex(lang: str) -> re.Pattern[str] | None:
    lg = langdata.for_text(lang)
    return langdata.phrase_regex(lg.approx + lg.more_than, lg.spaced)


def _approx_before(text: str, start: int, lang: str) -> bool:
    pat = _approx_regex(lang)
    if pat is None:
        return False
    head = text[max(0, start - 24) : start]
    return any(m.end() >= len(head.rstrip()) - 1 for m in pat.finditer(head))


def _currency_at(text: str, start: int, end: int) -> str | None:
    cw = currency_words()
    before = text[max(0, start - 6) : start].rstrip()
    for sym in ("US$", "€", "$", "£", "₽", "¥", "₴", "₹"):
        if before.endswith(sym):
            return cw.get(sym.lower(), cw.get(sym))
    bm = re.search(r"\b([A-Z]{3})\s*$", text[max(0, start - 6) : start])
    if bm and bm.group(1) in cw:
        return cw[bm.group(1)]
    after = text[end : end + 40]
    am = re.match(r"\s*(?:of\s+|d['’]\s*|de\s+)?([^\W\d_][\w$-]*(?:\s+[^\W\d_][\w-]*)?)", after)
    if am:
        phrase = am.group(1)
        for cand in (phrase, phrase.split()[0]):
            if cand.isupper() and len(cand) == 3:
                if cand in cw:
                    return cw[cand]
                continue
            if cand.lower() in cw:
                return cw[cand.lower()]
    sm = re.match(r"\s*([€$£₽¥₴₹])", after)
    if sm:
        return cw.get(sm.group(1))
    cm = re.match(r"\s*(欧元|美元|卢布|人民币|元)", after)
    if cm:
        return {"欧元": "EUR", "美元": "USD", "卢布": "RUB"}.get(cm.group(1), "CNY")
    return None


_PERCENT = re.compile(r"\s*(?:%|％|per ?cent|percent|Prozent|процент\w*|pour ?cent|por ciento|per cento)", re.I)
_CJK_PERCENT = re.compile(r"百分之([0-9〇零一二两三四五六七八九十百点.]+)")


@cache
def _unit_lookup(lang: str) -> dict[str, str]:
    out = dict(unit_words())
    for unit, words in langdata.for_text(lang).units.items():
        for w in words:
            out.setdefault(w.lower(), unit)
    return out


_MINUTES = {
    "second": 1 / 60,
    "minute": 1.0,
    "hour": 60.0,
    "day": 1440.0,
    "week": 10080.0,
    "month": 43200.0,
    "year": 525600.0,
}


def _unit_after(text: str, end: int, lang: str) -> tuple[str, int] | None:
    m = re.match(r"\s*(?:-\s*)?([^\W\d_][\w.]*|[\u4e00-\u9fff]{1,3})", text[end:])
    if not m:
        return None
    units = _unit_lookup(lang)
    w = m.group(1).lower()
    for cand in (w, w.rstrip(".")):
        if cand in units:
            return units[cand], end + m.end() - (len(w) - len(cand))
    if "\u4e00" <= w[:1] <= "\u9fff":
        for k in sorted((k for k in units if "\u4e00" <= k[:1] <= "\u9fff"), key=len, reverse=True):
            if w.startswith(k):
                return units[k], end + m.start(1) + len(k)
        if w.startswith("个半"):
            u = _unit_after(text, end + m.start(1) + 2, lang)
            return (u[0] + "+half", u[1]) if u is not None else None
        if w.startswith("个"):
            return _unit_after(text, end + m.start(1) + 1, lang)
    return None


@cache
def _half_regex(lang: str) -> re.Pattern[str] | None:
    lg = langdata.for_text(lang)
    return langdata.phrase_regex(lg.half, lg.spaced)


@cache
def _quarter_regex(lang: str) -> re.Pattern[str] | None:
    lg = langdata.for_text(lang)
    return langdata.phrase_regex(lg.quarter, lg.spaced)


_PARTIES = re.compile(r"\s*(?:sides|parties|countries|leaders|presidents|Seiten|стороны|сторон)")


def _quantities(text: str, lang: str, date_spans: list[tuple[int, int]]) -> list[Fact]:
    out: list[Fact] = []
    nums = [n for n in _numbers(text, lang) if not any(a <= n.start < b for a, b in date_spans)]
    taken_until = -1
    i = 0
    while i < len(nums):
        n = nums[i]
        i += 1
        if n.start < taken_until:
            continue
        value, end = _scaled(text, n, lang)
        approx = _approx_before(text, n.start, lang)
        cur = _currency_at(text, n.start, end)
        if cur:
            out.append(Fact("amount", (cur, value), text[n.start : end].strip(), approx, n.start))
            taken_until = end
            continue
        pm = _PERCENT.match(text[end:])
        if pm:
            out.append(Fact("percent", (value,), text[n.start : end + pm.end()].strip(), approx, n.start))
            taken_until = end + pm.end()
            continue
        unit = _unit_after(text, end, lang)
        if unit is not None:
            if unit[0].endswith("+half"):
                unit = (unit[0][:-5], unit[1])
                value += 0.5
            minutes = value * _MINUTES[unit[0]]
            stop = unit[1]
            tail = text[stop : stop + 30]
            hq = _half_regex(lang)
            qq = _quarter_regex(lang)
            hm = hq.match(tail.lstrip()) if hq else None
            qm = qq.match(tail.lstrip()) if qq else None
            if hm and unit[0] == "hour":
                minutes += 30
                stop += len(tail) - len(tail.lstrip()) + hm.end()
            elif qm and unit[0] == "hour":
                minutes += 15
                stop += len(tail) - len(tail.lstrip()) + qm.end()
            else:
                # "1 hour 15 minutes", "1 час 10 минут", "eine Stunde und 15 Minuten"
                nxt = next((x for x in nums[i : i + 1]), None)
                if nxt is not None and re.fullmatch(r"\s*(?:and|und|и|et|y|e|,)?\s*", text[stop : nxt.start]):
                    u2 = _unit_after(text, nxt.end, lang)
                    if u2 is not None and _MINUTES[u2[0]] < _MINUTES[unit[0]]:
                        minutes += nxt.value * _MINUTES[u2[0]]
                        stop = u2[1]
                        i += 1
            before = text[max(0, n.start - 12) : n.start]
            if hq and unit[0] == "hour" and (hb := hq.search(before)) and hb.end() >= len(before.rstrip()) - 1:
                minutes += 30 if n.value >= 1 else 0
            out.append(Fact("duration", (round(minutes, 2),), text[n.start : stop].strip(), approx, n.start))
            taken_until = stop
            continue
        if value in (1.0, 0.5) and not n.digits:
            continue  # "a", "one", "half": too often no count
        if n.digits and 1900 <= value <= 2100 and value == int(value):
            continue  # a year the date reader did not take
        if not n.digits and _PARTIES.match(text[end:]):
            continue  # "the two sides": the parties, not a quantity
        out.append(Fact("count", (value,), text[n.start : end].strip(), approx, n.start))
        taken_until = end
    for m in _CJK_PERCENT.finditer(text):
        v = _cjk_value(m.group(1)) if not m.group(1)[0].isdigit() else float(m.group(1))
        if v is not None:
            out.append(Fact("percent", (v,), m.group(0), False, m.start()))
    return out


# --- places ---------------------------------------------------------------------------------------


@cache
def _place_regex(lang: str) -> re.Pattern[str] | None:
    lg = langdata.for_text(lang)
    if not lg.place_prepositions:
        return None
    preps = "|".join(re.escape(p) for p in sorted(lg.place_prepositions, key=len, reverse=True))
    if not lg.spaced:
        return re.compile(rf"(?:{preps})(?P<x>[\u4e00-\u9fff]{{2,6}}?)(?=举行|召开|会晤|会谈|访问)")
    return re.compile(rf"(?<!\w)(?:{preps})\s+(?P<x>[A-ZÀ-ÝА-ЯЁ][\w'’-]+(?:\s+[A-ZÀ-ÝА-ЯЁ][\w'’-]+)?)")


def _places(text: str, lang: str) -> list[Fact]:
    pat = _place_regex(lang)
    if pat is None:
        return []
    out = []
    titles = _title_words(lang)
    for m in pat.finditer(text):
        name = m.group("x")
        head = name.split()[0]
        if _is_calendar_word(head) or re.sub(r"[^a-z]", "", fold(head)) in titles:
            continue
        keys = entity_keys(name, lang)
        code = next((k for k in keys if not k.startswith("n:")), None)
        key = code or name_key(head)
        out.append(Fact("place", (key,), name, False, m.start("x")))
    return out


_CJK_DAY = re.compile(r"(?<![月\d])(\d{1,2})\s*日(?![本曜])")


@cache
def _day_regex(lang: str) -> re.Pattern[str]:
    """A bare day of the month: "25日" in any language, and the language file's own day markers ("3일"), the
    marker ending the word (so "3일간", three days, stays a duration)."""
    marks = langdata.for_text(lang).day_markers
    if not marks:
        return _CJK_DAY
    alt = "|".join(re.escape(w) for w in marks)
    return re.compile(_CJK_DAY.pattern + r"|(?<![\d.:])(\d{1,2})\s*(?:" + alt + r")(?![\w])")


@cache
def _relative_regex(lang: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    lg = langdata.for_text(lang)
    out = []
    for offset, words in lg.relative_days.items():
        pat = langdata.phrase_regex(words, lg.spaced)
        if pat is not None:
            out.append((pat, int(offset)))
    return tuple(out)


def iso_day(iso: str | None) -> _date | None:
    """The calendar day of an ISO date or timestamp ("2025-03-18", "2025-03-18T21:00:00Z"); None when absent
    or unreadable."""
    try:
        return _date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def _relative_dates(text: str, lang: str, ref: str) -> list[Fact]:
    """ "today", "yesterday", "heute", "вчера", "昨日" resolved against the statement's own date (ISO)."""
    from datetime import timedelta

    day = iso_day(ref)
    if day is None:
        return []
    out = []
    for pat, offset in _relative_regex(lang):
        for m in pat.finditer(text):
            d = day + timedelta(days=offset)
            out.append(Fact("date", (d.year, d.month, d.day, None), m.group(0), start=m.start()))
    return out[:1]


def _weekday_of(value: tuple[Any, ...], ref_date: str | None) -> int | None:
    """ISO weekday of a date with a month and a day; its year is the stated one, else the statement's (the
    year before when that puts the date more than half a year after the statement). None when unknown."""
    year, month, day = value[0], value[1], value[2]
    if not (isinstance(month, int) and isinstance(day, int)):
        return None
    ref = iso_day(ref_date)
    if not isinstance(year, int):
        if ref is None:
            return None
        year = ref.year
        try:
            if (_date(year, month, day) - ref).days > 183:
                year -= 1
        except ValueError:
            return None
    try:
        return _date(year, month, day).isoweekday()
    except ValueError:
        return None


def read_facts(text: str, lang: str = "und", ref_date: str | None = None) -> Facts:
    """All facts of one claim, and its keys (names, places, countries, numbers, dates). `ref_date`: the
    statement's date (ISO), to resolve "today" and "yesterday"."""
    dates = _dates(text, lang)
    if not dates:
        dates = [
            Fact("date", (None, None, int(m.group(m.lastindex or 1)), None), m.group(0), start=m.start())
            for m in _day_regex(lang).finditer(text)
            if 1 <= int(m.group(m.lastindex or 1)) <= 31
        ][:1]
    if not dates and ref_date:
        dates = _relative_dates(text, lang, ref_date)
    spans = [(f.start, f.start + len(f.text)) for f in dates]
    times = _times(text)
    spans += [(f.start, f.start + len(f.text)) for f in times]
    quantities = _quantities(text, lang, spans)
    places = _places(text, lang)
    facts = tuple(sorted((*dates, *times, *quantities, *places), key=lambda f: f.start))
    keys = set(entity_keys(text, lang))
    for f in facts:
        if f.kind in ("amount", "count", "percent") and f.value[-1] not in (1.0, 2.0):
            keys.add(f"#{f.value[-1]:g}")
        elif f.kind == "date":
            keys.add("d:" + "-".join(str(x) for x in f.value[:3] if x is not None))
            wd = _weekday_of(f.value, ref_date)
            if wd is not None:
                keys.add(f"wd:{wd}")
        elif f.kind == "weekday":
            keys.add(f"wd:{f.value[0]}")
        elif f.kind == "place":
            keys.add(str(f.value[0]) if len(str(f.value[0])) == 2 else "n:" + str(f.value[0]))
    return Facts(facts, frozenset(keys))
