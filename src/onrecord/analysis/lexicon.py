"""Month and weekday names, number words and scale words ("mln", "milhões", "万") for many languages, taken
from CLDR (through Babel) and num2words instead of typed by hand.

`dates` and `quantities` keep their hand lists for forms these libraries do not give (Russian
prepositional months "в мае", "dozen", number words of several cases) and add everything here to them,
so a language we never wrote a list for still gets its dates and numbers read: "16 października",
"4 de março", "15 Ekim", "6,3 mln", "12 milhões", "sześć".

Only wide (unabbreviated) month and day names are taken: abbreviations such as "mar" (Portuguese for
"sea") or "set" collide with ordinary words.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from functools import cache, wraps
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["LANGUAGES", "month_names", "number_words", "ordinal_words", "scale_words", "weekday_names"]

# Languages whose names and number words are loaded. Adding one here is all a new language needs.
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ru", "uk", "tr", "sv", "da", "nb")
LANGUAGES += ("ro", "ja", "ar", "el")
_NUM2WORDS = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ru", "uk", "tr", "sv", "da", "ro", "ar")


# The tables of all languages above (month, weekday, country, unit, currency and scale words) cost about a
# tenth of a second of CLDR loading on each cold start, so they also ship as data, written from CLDR by
# `write_snapshot` (`python -m onrecord.analysis.lexicon`). The file is used only while it was written by
# this very module (hash of this file) from this very Babel release; otherwise the tables are read from
# CLDR as before.
SNAPSHOT = Path(__file__).with_name("data") / "cldr-tables.json"
_V = TypeVar("_V")
_COMPUTE: dict[str, Callable[[], dict[str, Any]]] = {}


def snapshot_key() -> dict[str, str]:
    """What the shipped tables must have been written from: this module's source and the Babel release."""
    import babel

    return {"babel": str(babel.__version__), "lexicon": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}


@cache
def _snapshot() -> dict[str, Any]:
    try:
        data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != snapshot_key() or not isinstance(data.get("tables"), dict):
        return {}
    tables: dict[str, Any] = data["tables"]
    return tables


def _shipped(fn: Callable[[], dict[str, _V]]) -> Callable[[], dict[str, _V]]:
    """A table of all languages: from the shipped snapshot when it is current, else read from CLDR."""
    _COMPUTE[fn.__name__] = fn

    @cache
    @wraps(fn)
    def table() -> dict[str, _V]:
        shipped = _snapshot().get(fn.__name__)
        if isinstance(shipped, dict):
            return shipped
        return fn()

    return table


def write_snapshot(path: Path = SNAPSHOT) -> Path:
    """Read every shipped table from CLDR and write them, with the key they hold for."""
    tables = {name: compute() for name, compute in _COMPUTE.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": snapshot_key(), "tables": tables}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def computed(name: str) -> dict[str, Any]:
    """Table `name` read from CLDR now, whatever is shipped (for the snapshot's test)."""
    return _COMPUTE[name]()


def _locales() -> Iterator[tuple[str, Any]]:
    from babel import Locale

    for lang in LANGUAGES:
        try:
            yield lang, Locale.parse(lang)
        except (ValueError, LookupError):  # a Babel without this locale: skip it
            continue


def _word(name: str) -> str | None:
    w = name.strip().lower().rstrip(".")
    return w if w and all(c.isalpha() or c in "-'" for c in w) else None


@_shipped
def month_names() -> dict[str, int]:
    """Lower-case wide month names (format and stand-alone forms: "października" and "październik") ->
    month number."""
    out: dict[str, int] = {}
    for _, loc in _locales():
        for context in ("format", "stand-alone"):
            for num, name in loc.months.get(context, {}).get("wide", {}).items():
                w = _word(str(name))
                if w:
                    out.setdefault(w, int(num))
    return out


@_shipped
def weekday_names() -> dict[str, int]:
    """Lower-case wide weekday names -> ISO weekday (1 = Monday). Babel counts from 0 = Monday."""
    out: dict[str, int] = {}
    for _, loc in _locales():
        for context in ("format", "stand-alone"):
            for num, name in loc.days.get(context, {}).get("wide", {}).items():
                w = str(name).strip().lower()
                if w and (w.isalpha() or all("\u3040" <= c <= "\u9fff" for c in w)):
                    out.setdefault(w, int(num) + 1)
    return out


_PATTERN_WORD = re.compile(r"'([^']*)'|([^\d\s'.,#¤%+-]+)")


@_shipped
def scale_words() -> dict[str, float]:
    """Words that multiply the number before them, from CLDR's compact number formats ("0 mln" -> "mln":
    1e6, "0 milhões" -> 1e6, "0万" -> 1e4). One-letter Latin abbreviations ("K", "M", "B") are left out:
    too easily something else."""
    out: dict[str, float] = {}
    for _, loc in _locales():
        formats = loc.compact_decimal_formats or {}
        for style in ("short", "long"):
            for by_magnitude in formats.get(style, {}).values():
                for magnitude, pattern in by_magnitude.items():
                    text = str(getattr(pattern, "pattern", pattern))
                    zeros = text.count("0")
                    if not zeros:
                        continue
                    scale = float(int(magnitude)) / 10 ** (zeros - 1)
                    if scale < 1000:
                        continue
                    for quoted, bare in _PATTERN_WORD.findall(text):
                        w = (quoted or bare).strip().strip(".").lower()
                        if not w or (len(w) < 3 and w.isascii()) or " " in w:
                            continue
                        out.setdefault(w, scale)
    return out


def _num2words(lang: str, first: int, to: str) -> dict[str, float]:
    """num2words' words for first..100 in `lang` (`to`: "cardinal" or "ordinal") that are one token."""
    base = lang.split("-")[0]
    if base not in _NUM2WORDS:
        return {}
    try:
        from num2words import num2words
    except ImportError:  # pragma: no cover - a declared dependency; degrade to the hand lists
        return {}
    out: dict[str, float] = {}
    for n in range(first, 101):
        try:
            w = str(num2words(n, lang=base, to=to)).lower()
        except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
            return out
        if w.replace("'", "").isalpha():
            out.setdefault(w, float(n))
            if to == "ordinal" and base == "de":  # "sechzigste" declines: "sechzigsten", "sechzigster"
                for end in "nrsm":
                    out.setdefault(w + end, float(n))
    return out


@cache
def number_words(lang: str) -> dict[str, float]:
    """Cardinal words 2-100 of `lang` written as one token ("sześć", "vijfenveertig", "onze") -> value.
    Words of several tokens ("czterdzieści pięć") are not listed: the caller reads tens + unit itself."""
    return _num2words(lang, 2, "cardinal")


@cache
def ordinal_words(lang: str) -> dict[str, float]:
    """Ordinal words 3-100 of `lang` written as one token ("sixtieth", "sechzigste", "soixantième",
    "altmışıncı") -> value: "the sixtieth anniversary" states the number that "60周年" states. "second" and
    its kin are left out: too often not a count ("a second round", "secondo me")."""
    return _num2words(lang, 3, "ordinal")


_UNITS = {
    "duration-minute": "minute",
    "duration-hour": "hour",
    "duration-day": "day",
    "duration-week": "week",
    "duration-month": "month",
    "duration-year": "year",
    "duration-second": "second",
}


@_shipped
def unit_words() -> dict[str, str]:
    """Lower-case duration unit words of every loaded language, from CLDR's long unit patterns ("{0} hours",
    "{0} Stunden", "{0} часов", "{0}小时") -> "minute", "hour", "day", "week", "month" or "year"."""
    out: dict[str, str] = {}
    for _, loc in _locales():
        patterns = loc._data["unit_patterns"]
        for key, unit in _UNITS.items():
            for style in ("long", "short"):
                for plural, pat in dict(patterns.get(key, {}).get(style, {})).items():
                    if plural == "per":
                        continue
                    w = str(pat).replace("{0}", "").replace("\xa0", " ").strip().lower().rstrip(".")
                    if w and len(w) >= 2 and " " not in w:
                        out.setdefault(w, unit)
    return out


@_shipped
def currency_words() -> dict[str, str]:
    """Lower-case currency names (singular and plural forms, first word) and symbols of every loaded
    language -> ISO 4217 code, for the currencies readouts name (euro, dollar, rouble, yuan, pound, yen,
    hryvnia, franc). Symbols keep their case ("€", "$", "US$", "¥")."""
    codes = ("EUR", "USD", "RUB", "CNY", "GBP", "JPY", "UAH", "CHF", "INR", "TRY", "PLN")
    out: dict[str, str] = {
        "€": "EUR",
        "$": "USD",
        "us$": "USD",
        "£": "GBP",
        "₽": "RUB",
        "¥": "CNY",
        "₴": "UAH",
        "₹": "INR",
    }
    for _, loc in _locales():
        plural = loc._data.get("currency_names_plural", {})
        for code in codes:
            names = [loc.currencies.get(code, ""), *list(dict(plural.get(code, {})).values())]
            for name in names:
                name = str(name).strip().lower()
                if not name:
                    continue
                out.setdefault(name, code)
                words = name.split()
                noun = words[0] if any(w in ("de", "des", "du", "di", "do", "dos") for w in words) else words[-1]
                if len(noun) >= 3 and noun not in ("dollar", "dollars", "доллар", "unis"):
                    out.setdefault(noun, code)
    for code in codes:
        out.setdefault(code, code)  # the ISO code itself, upper case only ("EUR", not the word "try")
    # "dollar(s)" alone is the US dollar in readouts; other dollars are named with their country
    for w in (
        "dollar",
        "dollars",
        "доллар",
        "доллара",
        "долларов",
        "долар",
        "долари",
        "доларів",
        "dollaro",
        "dollari",
        "dólar",
        "dólares",
        "美元",
        "ドル",
    ):
        out.setdefault(w, "USD")
    return out


@_shipped
def territory_names() -> dict[str, str]:
    """Lower-case country and region names of every loaded language -> ISO 3166 code ("germany",
    "deutschland", "германия", "德国" -> "DE"). Only two-letter territories (countries), not regions."""
    out: dict[str, str] = {}
    for _, loc in _locales():
        for code, name in loc.territories.items():
            if len(code) == 2 and code.isalpha():
                out.setdefault(str(name).lower(), code)
    return out


@cache
def number_symbols(lang: str) -> tuple[str, str]:
    """(decimal separator, group separator) of `lang` from CLDR; ("", "") when unknown."""
    from babel import Locale

    try:
        sym = Locale.parse(lang.split("-")[0]).number_symbols["latn"]
    except (ValueError, LookupError, KeyError, TypeError):
        return "", ""
    return str(sym.get("decimal", "")), str(sym.get("group", "")).replace("\xa0", " ").replace("\u202f", " ")


if __name__ == "__main__":
    print(write_snapshot())
