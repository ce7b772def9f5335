"""Numbers and dates read from a sentence, normalized across languages.

`_scan` (and `extract_numbers` / `extract_dates`) reads digits with any separator convention ("1,500",
"1.500" in German, "1 500"), number words and compounds ("two", "fünfundvierzig", "quatre-vingt-dix",
"两"), scale words ("million", "млн", "万"), Chinese numerals and dates, and the date words of `dates`.
Numbers that belong to a date are not counted again; "the two sides" is no quantity. `event_year` reads
the year of an opening sentence.
"""

from __future__ import annotations

import re

from onrecord.analysis.actors import _TITLES, _fold
from onrecord.analysis.dates import (
    _ADVERBIAL_SEASONS,
    _DOT_DATE,
    _FIRST,
    _FR_AUX,
    _HALF,
    _ISO_DATE,
    _MODAL_MONTHS,
    _MONTH_CUES,
    _MONTHS,
    _OF,
    _PERIOD_WORDS,
    _REL_YEAR,
    _SEASON_CUES,
    _SEASONS,
    _WEEKDAY_RE,
    _WEEKDAYS,
    _YEAR_ARTICLES,
    _YEAR_CUES,
    _YEAR_END,
    _ZH_PERIOD,
    _ZH_SEASONS,
    _ZH_YEAR,
)
from onrecord.analysis.lexicon import number_words, ordinal_words, scale_words

__all__ = ["event_year", "extract_dates", "extract_numbers"]

_NUMBER_WORDS: dict[str, float] = {}
for _value, _forms in {
    2: "two zwei два две двух двум двумя deux 两 二",
    3: "three drei три трёх трех трем тремя trois 三",
    4: "four vier четыре четырёх четырех quatre 四",
    5: "five fünf пять пяти cinq 五",
    6: "six sechs шесть шести 六",
    7: "seven sieben семь семи sept 七",
    8: "eight acht восемь восьми huit 八",
    9: "nine neun девять девяти neuf 九",
    10: "ten zehn десять десяти dix 十",
    11: "eleven elf одиннадцать onze",
    12: "twelve zwölf двенадцать douze dozen дюжина",
    13: "thirteen dreizehn тринадцать treize",
    14: "fourteen vierzehn четырнадцать quatorze",
    15: "fifteen fünfzehn пятнадцать quinze",
    16: "sixteen sechzehn шестнадцать seize",
    17: "seventeen siebzehn семнадцать",
    18: "eighteen achtzehn восемнадцать",
    19: "nineteen neunzehn девятнадцать",
    20: "twenty zwanzig двадцать двадцати vingt",
    30: "thirty dreißig dreissig тридцать тридцати trente 三十",
    40: "forty vierzig сорок сорока quarante 四十",
    50: "fifty fünfzig пятьдесят пятидесяти cinquante 五十",
    60: "sixty sechzig шестьдесят шестидесяти soixante 六十",
    70: "seventy siebzig семьдесят семидесяти septante 七十",
    80: "eighty achtzig восемьдесят восьмидесяти huitante octante 八十",
    90: "ninety neunzig девяносто девяноста nonante 九十",
    100: "hundred hundert сто cent",
}.items():
    for _f in _forms.split():
        _NUMBER_WORDS[_f] = float(_value)

# Number words of one language only, where the same word means something else in another ("due", "once",
# "sei", "otto" are English, German or a name elsewhere).
_NUMBER_WORDS_BY_LANG: dict[str, dict[str, float]] = {
    "es": {
        w: float(v)
        for v, ws in {
            2: "dos",
            3: "tres",
            4: "cuatro",
            5: "cinco",
            6: "seis",
            7: "siete",
            8: "ocho",
            9: "nueve",
            10: "diez",
            11: "once",
            12: "doce",
            13: "trece",
            14: "catorce",
            15: "quince",
            20: "veinte",
            30: "treinta",
            40: "cuarenta",
            50: "cincuenta",
            60: "sesenta",
            70: "setenta",
            80: "ochenta",
            90: "noventa",
            100: "cien ciento",
        }.items()
        for w in ws.split()
    },
    "it": {
        w: float(v)
        for v, ws in {
            2: "due",
            3: "tre",
            4: "quattro",
            5: "cinque",
            6: "sei",
            7: "sette",
            8: "otto",
            9: "nove",
            10: "dieci",
            11: "undici",
            12: "dodici",
            20: "venti",
            30: "trenta",
            40: "quaranta",
            50: "cinquanta",
            60: "sessanta",
            70: "settanta",
            80: "ottanta",
            90: "novanta",
            100: "cento",
        }.items()
        for w in ws.split()
    },
}
_IT_COMPOUND = re.compile(
    r"(?<!\w)(venti?|trenta?|quaranta?|cinquanta?|sessanta?|settanta?|ottanta?|novanta?)"
    r"(uno|due|tré|tre|quattro|cinque|sei|sette|otto|nove)(?!\w)",
    re.I,
)  # "trentacinque" = 35, "ventotto" = 28
_SCALE = [
    (re.compile(r"^(?:thousand|tausend|тысяч\w*|тыс|mille|milliers?|mil|mila|千)$", re.I), 1e3),
    (re.compile(r"^(?:million|millions|mio|millionen|миллион\w*|млн|mill[oó]n\w*|milion\w*|百万)$", re.I), 1e6),
    (re.compile(r"^(?:billion|billions|mrd|milliarde\w*|миллиард\w*|млрд|milliards?|miliard\w*)$", re.I), 1e9),
    (re.compile(r"^万$"), 1e4),
    (re.compile(r"^亿$"), 1e8),
]
_DECIMAL_COMMA = frozenset(
    ["de", "fr", "ru", "uk", "es", "it", "pt", "nl", "pl", "bg", "cs", "tr", "sv", "da", "nb", "ro", "el"]
)
# num2words number words of more languages, where the word is not in the lists above
for _lang in ("de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ru", "uk", "tr", "sv", "da", "ro", "ar"):
    _by = _NUMBER_WORDS_BY_LANG.setdefault(_lang, {})
    for _f, _v in number_words(_lang).items():
        if _f not in _NUMBER_WORDS:
            _by.setdefault(_f, _v)
for _lang in ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "tr", "sv", "da", "ro", "ar"):
    _by = _NUMBER_WORDS_BY_LANG.setdefault(_lang, {})
    for _f, _v in ordinal_words(_lang).items():
        if _f not in _NUMBER_WORDS:
            _by.setdefault(_f, _v)
# "centenary" states the number that "100周年" / "100th anniversary" states
_CENTENARY = frozenset(
    ["centenary", "centennial", "centenaire", "centenario", "centenário", "hundertjahrfeier", "столетие", "столетия",
     "сторіччя", "століття", "stulecie", "stulecia", "eeuwfeest", "100-летие", "100-річчя"]
)
_NUMBER_WORDS_BY_LANG.setdefault("pt", {}).update({"duas": 2.0, "dúzia": 12.0})
_NUMBER_WORDS_BY_LANG.setdefault("pl", {}).update({"dwie": 2.0, "dwóch": 2.0, "trzech": 3.0, "czterech": 4.0})
_SCALE_WORDS = scale_words()

_CN_DIGITS = {
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


def _cn_number(s: str) -> float | None:
    if s.isdigit():
        return float(s)
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        elif ch == "千":
            total += (cur or 1) * 1000
            cur = 0
        else:
            return None
    return float(total + cur)


_CN_NUM = r"[0-9〇零一二两三四五六七八九十百千]+"
# Chinese dates ("2025年3月5日", "五月底") are written with these numerals.
_ZH_DATE = re.compile(
    r"(?:(" + _CN_NUM + r")年)?(" + _CN_NUM + r")月(?:(" + _CN_NUM + r")[日号]|(底|末|初|上旬|中旬|下旬|中))?"
)
_ZH_ORDINAL = re.compile(r"第(" + _CN_NUM + r")(?=次|届|轮|阶段|批|期|号)")
# a count before a measure word; not 第一 / 下一 / 上一 ("first", "the next", "the last")
_ZH_COUNT = re.compile(
    r"(?<![下上第〇零一二两三四五六七八九十百千0-9])(" + _CN_NUM + r")(万|亿)?"
    r"(?=个|项|名|份|次|架|艘|座|家|条|位|人|吨|辆|%|％|国|点|批|轮|周年|阶段|届)"
)
_DIGITS = re.compile(r"(?<![\w.,])\d{1,3}(?:(?:[ \u00a0\u202f’'](?=\d{3}\b))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")
_TOKEN = re.compile(r"\d+(?:[ \u00a0\u202f’'.,]\d+)*|[^\W\d_]+\.?", re.UNICODE)


def _parse_digits(tok: str, lang: str) -> float | None:
    t = tok.replace("\u00a0", " ").replace("\u202f", " ").replace("’", " ").replace("'", " ")
    if " " in t:
        parts = t.split(" ")
        if all(len(p) == 3 for p in parts[1:]):
            t = "".join(parts)
        else:
            return None
    if "," in t and "." in t:
        t = t.replace(",", "") if t.rfind(".") > t.rfind(",") else t.replace(".", "").replace(",", ".")
    elif "," in t:
        head, _, tail = t.rpartition(",")
        if lang in _DECIMAL_COMMA and t.count(",") == 1:
            t = head + "." + tail
        elif len(tail) == 3:
            t = t.replace(",", "")
        else:
            t = head.replace(",", "") + "." + tail
    elif "." in t:
        head, _, tail = t.rpartition(".")
        if t.count(".") > 1 or (lang in _DECIMAL_COMMA and len(tail) == 3):
            t = t.replace(".", "")
    try:
        return float(t)
    except ValueError:
        return None


def extract_dates(text: str, lang: str = "und") -> set[str]:
    """Normalized dates: "m3-d5", "m3", "y2024", "wd2" (weekday). Numbers that belong to dates are not
    counted again by `extract_numbers`."""
    return _scan(text, lang)[1]


def extract_numbers(text: str, lang: str = "und") -> set[float]:
    """Normalized quantities (date parts excluded): "1,500" / "1.500" (de) / "1 500" / "two" / "两" ..."""
    return _scan(text, lang)[0]


_UNITS_DE = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
_TENS_DE = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70}
_TENS_DE |= {"achtzig": 80, "neunzig": 90}
_DE_COMPOUND = re.compile(
    r"(?<!\w)(" + "|".join(_UNITS_DE) + r")und(" + "|".join(_TENS_DE) + r")(?!\w)", re.I
)  # "fünfundvierzig" = 45
_FR_COMPOUND = re.compile(
    r"(?<!\w)(?:(quatre-vingts?)(?:-(dix|onze|douze|treize|quatorze|quinze|seize|un|deux|trois|quatre|cinq|six|sept|"
    r"huit|neuf|dix-sept|dix-huit|dix-neuf))?|dix-(sept|huit|neuf)|(soixante)-(dix|onze|douze|treize|quatorze|quinze|"
    r"seize|et-onze|dix-sept|dix-huit|dix-neuf))(?!\w)",
    re.I,
)  # "quatre-vingt-dix" = 90, "dix-sept" = 17, "soixante-dix" = 70
_FR_SMALL = {"un": 1, "et-onze": 11, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "sept": 7, "huit": 8, "neuf": 9}
_FR_SMALL |= {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10, "onze": 11, "douze": 12}
_FR_SMALL |= {"treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
_THOUSANDS_BEFORE_SCALE = re.compile(r"\d{1,3}(?:,\d{3})+(?=\s*(?:억|만|亿|万|億|萬))")  # "1,860억", "1,860亿"
_ZH_SCALED = re.compile(r"(\d+(?:\.\d+)?|" + r"[〇零一二两三四五六七八九十百千]+" + r")\s*(万|亿|萬|億)")
_ZH_BOTH = re.compile(r"两(?=国|方|党|军|岸|院|位领导人|国元首)")  # 两国 "the two countries": both sides


def _compound_words(text: str) -> str:
    """Number words written as one compound ("fünfundvierzig", "quatre-vingt-dix") -> digits."""

    def de(m: re.Match[str]) -> str:
        return str(_TENS_DE[m.group(2).lower()] + _UNITS_DE[m.group(1).lower()])

    def fr(m: re.Match[str]) -> str:
        if m.group(1):
            return str(80 + _FR_SMALL.get((m.group(2) or "").lower(), 0))
        if m.group(3):
            return str(10 + _FR_SMALL[m.group(3).lower()])
        return str(60 + _FR_SMALL[m.group(5).lower()])

    def it(m: re.Match[str]) -> str:
        tens = next(v for w, v in _NUMBER_WORDS_BY_LANG["it"].items() if v >= 20 and w.startswith(m.group(1)[:4]))
        unit = {"uno": 1, "tré": 3}.get(m.group(2).lower()) or _NUMBER_WORDS_BY_LANG["it"][m.group(2).lower()]
        return str(int(tens + unit))

    return _IT_COMPOUND.sub(it, _FR_COMPOUND.sub(fr, _DE_COMPOUND.sub(de, text)))


# Korean writes dates and large numbers like Chinese, with Hangul markers: "2026년 3월 15일", "3월 말",
# "15억 달러", "3만 명", "5천". They are rewritten to the Chinese forms read below.
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KO_FORMS = [
    (re.compile(r"(\d{4})\s*년(?=\s*\d{1,2}\s*월)"), r"\1年"),
    (re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일"), r"\1月\2日"),
    (re.compile(r"(\d{1,2})\s*월\s*(?:말|하순)"), r"\1月底"),
    (re.compile(r"(\d{1,2})\s*월\s*(?:초|상순)"), r"\1月初"),
    (re.compile(r"(\d{1,2})\s*월\s*중순"), r"\1月中旬"),
    (re.compile(r"(\d{1,2})\s*월"), r"\1月"),
    (re.compile(r"((?:19|20)\d\d)\s*년"), r"\1年"),
    (re.compile(r"(\d+(?:[.,]\d+)?)\s*억"), r"\1亿"),  # "1,860억": `_scan` drops the thousands comma first
    (re.compile(r"(\d+(?:[.,]\d+)?)\s*만(?=\s|[^\uac00-\ud7a3]|$|명|톤|달러|원|유로)"), r"\1万"),
    (re.compile(r"제\s*(\d+)\s*차"), r"第\1次"),
    (re.compile(r"(\d+)\s*단계"), r"第\1阶段"),
    (re.compile(r"(\d+)\s*주년"), r"\1周年"),
    (re.compile(r"상반기"), "上半年"),
    (re.compile(r"하반기"), "下半年"),
]


def _korean_as_cjk(text: str) -> str:
    for pat, rep in _KO_FORMS:
        text = pat.sub(rep, text)
    return text


_MORE_SEASON_CUES = frozenset(["au", "under", "i", "na", "v", "w", "we"])  # "under hösten", "na jaře"


def _word_value(word: str, words_here: dict[str, float]) -> float:
    return _NUMBER_WORDS.get(word) or words_here.get(word) or 0.0


def _hundreds(low: list[str], i: int, words_here: dict[str, float]) -> tuple[float, int] | None:
    """A number word of hundreds at `i` and what follows: "cent vingt-sept" (127), "deux cents" (200),
    "two hundred and forty" (240), "сто двадцать" (120). None when `i` starts no such number."""
    val = _word_value(low[i], words_here)
    j = i
    if 2 <= val <= 9 and i + 1 < len(low) and _word_value(low[i + 1].rstrip("s"), words_here) == 100:
        total, j = val * 100, i + 1
    elif val == 100:
        total = 100.0
    else:
        return None
    k = j + 1
    if k < len(low) and low[k] in ("and", "und", "e", "y", "et"):
        k += 1
    rest = _word_value(low[k], words_here) if k < len(low) else 0.0
    if 1 <= rest < 100:
        nxt = _word_value(low[k + 1], words_here) if k + 1 < len(low) else 0.0
        if rest % 10 == 0 and 1 <= nxt <= 9:
            return total + rest + nxt, k + 1
        return total + rest, k
    return (total, j) if j > i else None


def _scan(text: str, lang: str) -> tuple[set[float], set[str]]:
    numbers: set[float] = set()
    dates: set[str] = set()
    text = _THOUSANDS_BEFORE_SCALE.sub(lambda m: m.group(0).replace(",", ""), text)  # "1,860억" -> "1860억"
    if _HANGUL.search(text):
        text = _korean_as_cjk(text)
    text = _ZH_BOTH.sub("双", _compound_words(text))
    rest = text
    for m in _ISO_DATE.finditer(text):
        dates.update({f"y{int(m.group(1))}", f"m{int(m.group(2))}-d{int(m.group(3))}"})
    rest = _ISO_DATE.sub(" ", rest)
    for m in _DOT_DATE.finditer(rest):
        dates.update({f"y{int(m.group(3))}", f"m{int(m.group(2))}-d{int(m.group(1))}"})
    rest = _DOT_DATE.sub(" ", rest)
    for m in _ZH_DATE.finditer(rest):
        month = _cn_number(m.group(2))
        if month is None or not 1 <= month <= 12:
            continue
        if m.group(1):
            year = _cn_number(m.group(1))
            if year:
                dates.add(f"y{int(year)}")
        day = _cn_number(m.group(3)) if m.group(3) else None
        period = _ZH_PERIOD.get(m.group(4) or "")
        dates.add(f"m{int(month)}-d{int(day)}" if day else f"m{int(month)}-{period}" if period else f"m{int(month)}")
    rest = _ZH_DATE.sub(" ", rest)
    for m in _ZH_YEAR.finditer(rest):
        dates.add(f"y{int(m.group(1))}")
    rest = _ZH_YEAR.sub(" ", rest)
    for pat, key in _REL_YEAR:
        if pat.search(rest):
            dates.add(key)
            rest = pat.sub(" ", rest)
    if _YEAR_END.search(rest):
        dates.add("m12-late")
        rest = _YEAR_END.sub(" ", rest)
    for m in _ZH_SCALED.finditer(rest):
        val = _cn_number(m.group(1)) if not m.group(1)[0].isdigit() else float(m.group(1))
        if val is not None:
            numbers.add(val * (1e4 if m.group(2) in "万萬" else 1e8))
    rest = _ZH_SCALED.sub(" ", rest)
    for m in _ZH_ORDINAL.finditer(rest):  # 第十五次 "the fifteenth", as "15th" is read; 第一 names no count
        val = _cn_number(m.group(1))
        if val is not None and val >= 2:
            numbers.add(val)
    rest = _ZH_ORDINAL.sub(" ", rest)
    for m in _ZH_COUNT.finditer(rest):
        val = _cn_number(m.group(1))
        if val is not None:
            numbers.add(val * (1e4 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1))
    rest = _ZH_COUNT.sub(" ", rest)
    for zh, rng in _ZH_SEASONS.items():
        if zh in rest:
            dates.add(rng)
            rest = rest.replace(zh, " ")
    for m in _HALF.finditer(rest):
        word = next(g for g in m.groups() if g)
        dates.add("r1-6" if word.lower().startswith(_FIRST) else "r7-12")
    rest = _HALF.sub(" ", rest)
    for m in _WEEKDAY_RE.finditer(rest):
        dates.add(f"wd{_WEEKDAYS[m.group(0).lower()]}")
    toks = [t.rstrip(".") if not t[0].isdigit() else t for t in _TOKEN.findall(rest)]
    low = [t.lower() for t in toks]
    used: set[int] = set()
    for i, t in enumerate(low):
        if (
            t in _MONTHS
            and not (t == "may" and lang != "en" and i == 0)
            and not (t in ("mar", "sept") and lang != "en")
        ):
            # "mar" / "sept" are month abbreviations in English only ("sept prisonniers": seven)
            prev = low[i - 1] if i > 0 else ""
            if t in _MODAL_MONTHS and not _near_digit(toks, i):
                # "may" the modal verb: "May" / "mai" as a month only with a day or year beside it, or
                # after a date word ("in May", "end of May", "Ende Mai", "fin mai")
                cue = prev in _MONTH_CUES or (prev in _OF and i > 1 and low[i - 2] in _PERIOD_WORDS)
                if not cue or (t == "may" and toks[i] != "May"):
                    continue
            month = _MONTHS[t]
            day = None
            near = (i - 1, i + 1, i - 2) if prev in ("de", "del") else (i - 1, i + 1)  # "15 de abril"
            for j in near:
                if 0 <= j < len(toks) and toks[j].rstrip(".").isdigit() and 1 <= int(toks[j].rstrip(".")) <= 31:
                    day = int(toks[j].rstrip("."))
                    used.add(j)
                    break
            for j in (i + 1, i + 2):
                if 0 <= j < len(toks) and toks[j].isdigit() and len(toks[j]) == 4:
                    dates.add(f"y{int(toks[j])}")
                    used.add(j)
                    break
            period = _PERIOD_WORDS.get(prev)
            if period is None and prev in _OF and i > 1:
                period = _PERIOD_WORDS.get(low[i - 2])  # "end of May", "début de juin"
            dates.add(f"m{month}-d{day}" if day else f"m{month}-{period}" if period else f"m{month}")
            used.add(i)
    for i, t in enumerate(low):
        prev = low[i - 1] if i else ""
        if prev in ("the", "der", "dem", "le", "l", "het") and i > 1:  # "in the spring", "in het voorjaar"
            prev = low[i - 2]
        cue = prev in _SEASON_CUES | _MONTH_CUES | _MORE_SEASON_CUES or t.endswith(("ой", "ом", "ью"))
        cue = cue or t in _ADVERBIAL_SEASONS
        if t in ("été", "ete") and low[i - 1] in _FR_AUX:
            cue = False
        if t in _SEASONS and i not in used and cue:
            dates.add(_SEASONS[t])
            used.add(i)
            for j in (i + 1, i + 2):  # "im Herbst 2026", "au printemps 2026"
                if j < len(toks) and toks[j].isdigit() and len(toks[j]) == 4:
                    dates.add(f"y{int(toks[j])}")
                    used.add(j)
                    break
    words_here = _NUMBER_WORDS_BY_LANG.get(lang, {})
    for i, t in enumerate(toks):
        if i in used:
            continue
        if t[0].isdigit():
            prev = low[i - 2] if i > 1 and low[i - 1] in _YEAR_ARTICLES else low[i - 1] if i else ""
            if len(t) == 4 and t.isdigit() and 1900 <= int(t) <= 2100 and prev in _YEAR_CUES:
                dates.add(f"y{int(t)}")
                continue
            val = _parse_digits(t.rstrip(".,"), lang)
            if val is None:
                continue
            val *= _scale_after(low, i)
            numbers.add(val)
        elif low[i] in _CENTENARY:
            numbers.add(100.0)
        elif low[i] in _NUMBER_WORDS or low[i] in words_here:
            val = _NUMBER_WORDS.get(low[i]) or words_here[low[i]]
            if val == 2 and _means_both(low, i):
                continue
            if (hundreds := _hundreds(low, i, words_here)) is not None:  # "cent vingt-sept", "deux cents"
                value, last = hundreds
                used.update(range(i + 1, last + 1))
                numbers.add(value * _scale_after(low, last))
                continue
            # "treinta y cinco", "quarenta e cinco", "patruzeci și cinci"
            joined = i + 2 < len(low) and low[i + 1] in ("y", "e", "și", "şi") and lang in ("es", "pt", "ro")
            k = i + 2 if joined else i + 1
            nxt = (_NUMBER_WORDS.get(low[k]) or words_here.get(low[k]) or 0) if k < len(low) else 0
            if 20 <= val <= 90 and val % 10 == 0 and 1 <= nxt <= 9:  # "forty-five", "сорок пять"
                used.update(range(i + 1, k + 1))
                numbers.add((val + nxt) * _scale_after(low, k))
                continue
            numbers.add(val * _scale_after(low, i))
    return numbers, dates


_PARTY_NOUNS: tuple[str, ...] = (
    "side", "part", "сторон", "seite", "lead", "pays", "countr", "стран", "dirig", "руковод", "лидер",
    "ülke", "taraf", "lider", "kraj", "stron", "країн", "сторін", "país", "land", "partij",
)  # fmt: skip
_PAIR_ARTICLES: tuple[str, ...] = (
    "the", "these", "those", "les", "ces", "die", "den", "der", "beiden", "los", "las", "i", "gli", "le", "os", "as",
    "de", "het",
)  # fmt: skip


def _means_both(low: list[str], i: int) -> bool:
    """ "the two sides", "les deux parties", "две стороны": both parties, not a quantity."""
    nxt = low[i + 1] if i + 1 < len(low) else ""
    if nxt.startswith(_PARTY_NOUNS):
        return True
    # "the two" + a noun names a known pair ("the two capitals", "les deux chefs de gouvernement", "die zwei
    # Minister"), not a quantity; without an article, office holders still do ("два президента")
    prev = low[i - 1] if i > 0 else ""
    if prev in _PAIR_ARTICLES:
        return not any(pat.match(nxt) for pat, _ in _SCALE)
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in nxt)  # Russian writes no article
    return cyrillic and (nxt.startswith(_OFFICES) or _fold(nxt) in _TITLES)


_OFFICES = (
    "chef",
    "head",
    "presid",
    "président",
    "präsident",
    "президент",
    "minist",
    "министр",
    "govern",
    "gouvern",
    "regierung",
    "правительств",
    "глав",
    "deleg",
    "делегац",
    "premier",
    "chancel",
    "kanzler",
    "канцлер",
)


def _near_digit(toks: list[str], i: int) -> bool:
    return any(0 <= j < len(toks) and toks[j][0].isdigit() for j in (i - 1, i + 1))


def _scale_after(low: list[str], i: int) -> float:
    if i + 2 < len(low) and low[i + 1] == "mil" and low[i + 2].startswith("mill"):
        return 1e9  # Spanish "mil millones": a thousand millions
    if i + 1 < len(low):
        nxt = low[i + 1].rstrip(".")
        for pat, mult in _SCALE:
            if pat.match(nxt):
                return mult
        return _SCALE_WORDS.get(nxt, 1.0)
    return 1.0


def event_year(text: str | None, lang: str = "und") -> int | None:
    """The year an opening sentence names ("on 5 November 2025" -> 2025), if exactly one."""
    if not text:
        return None
    years = {int(d[1:]) for d in _scan(text, lang)[1] if d.startswith("y")}
    return years.pop() if len(years) == 1 else None


def _fmt(nums: set[float]) -> str:
    return ", ".join(f"{n:g}" for n in sorted(nums))
