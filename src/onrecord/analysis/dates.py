"""Date words and how two sides' dates compare.

The words `quantities._scan` reads dates by: months and weekdays (hand lists plus CLDR names through
`lexicon`), parts of a month ("end of May", "mi-avril"), seasons and half-years, years relative to the
event ("next year", "明年"), and the words after which a bare month name, season or year is a date.
Dates are normalized strings: "y2024", "m3", "m3-d5", "m5-late", "wd2" (weekday), "r6-8" (a month
range), "Y+1" (relative year). `_dates_compatible`, `_finer` and `_resolve_relative` compare two sides.
"""

from __future__ import annotations

import re

from onrecord.analysis.lexicon import month_names, weekday_names

__all__: list[str] = []

_MONTHS: dict[str, int] = {}
for _m, _forms in enumerate(
    [
        "january jan januar janvier enero gennaio января январь январе",
        "february feb februar février fevrier febrero febbraio февраля февраль феврале",
        "march mar märz mars marzo марта март марте",
        "april apr avril abril aprile апреля апрель апреле",
        "may mai мая май мае mayo maggio",
        "june jun juni juin junio giugno июня июнь июне",
        "july jul juli juillet julio luglio июля июль июле",
        "august aug août aout agosto августа август августе",
        "september sep sept septembre septiembre setiembre settembre сентября сентябрь сентябре",
        "october oct oktober octobre octubre ottobre октября октябрь октябре",
        "november nov novembre noviembre ноября ноябрь ноябре",
        "december dec dezember décembre decembre diciembre dicembre декабря декабрь декабре",
    ],
    start=1,
):
    for _f in _forms.split():
        _MONTHS[_f] = _m
_WEEKDAYS: dict[str, int] = {}
for _d, _forms in enumerate(
    [
        "monday montag lundi lunes lunedì lunedi понедельник понедельника 周一 星期一",
        "tuesday dienstag mardi martes martedì martedi вторник вторника 周二 星期二",
        "wednesday mittwoch mercredi miércoles miercoles mercoledì mercoledi среду среда среды 周三 星期三",
        "thursday donnerstag jeudi jueves giovedì giovedi четверг четверга 周四 星期四",
        "friday freitag vendredi viernes venerdì venerdi пятницу пятница пятницы 周五 星期五",
        "saturday samstag samedi sábado sabato субботу суббота субботы 周六 星期六",
        "sunday sonntag dimanche domingo domenica воскресенье воскресенья 周日 星期日 星期天",
    ],
    start=1,
):
    for _f in _forms.split():
        _WEEKDAYS[_f] = _d
# CLDR names of the languages we wrote no list for ("października", "março", "Ekim", "woensdag", "水曜日")
for _f, _m in month_names().items():
    _MONTHS.setdefault(_f, _m)
for _f, _d in weekday_names().items():
    _WEEKDAYS.setdefault(_f, _d)
# A month name that is also a common word or name: read as a month only beside a day or year, or after a
# date word ("in May", "end of May").
_MODAL_MONTHS = frozenset(["may", "mai", "maj", "maja", "mei", "mart"])
# One pattern for every weekday name (latin and cyrillic as whole words, CJK as substrings).
_WEEKDAY_RE = re.compile(
    "|".join(
        re.escape(w) if "\u3040" <= w[0] <= "\u9fff" else rf"(?<!\w){re.escape(w)}(?!\w)"
        for w in sorted(_WEEKDAYS, key=len, reverse=True)
        if w.isalpha()
    ),
    re.I,
)

_ZH_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?![0-9〇零一二两三四五六七八九十]+月)")
# The end of the year ("by the end of the year", "bis Ende des Jahres", "до конца года", "年底"): late December.
_YEAR_END = re.compile(
    r"\b(?:end of (?:the |this )?year|year-end|ende (?:des|dieses) jahres|jahresende|fin (?:de l['’]|d['’])ann[ée]e|"
    r"конц[ае] (?:этого |текущего )?года|fine (?:dell['’]|d['’])anno|finales? (?:de|del) (?:este )?año|"
    r"final do ano|fim do ano|eind(?:e)? van (?:het|dit) jaar|końca (?:tego )?roku|кінця (?:цього )?року|"
    r"slutet av (?:året|detta år)|årsskiftet|konce (?:tohoto |letošního )?roku|yıl sonu\w*|yıl\s?sonuna)\b|"
    r"年底|年末|연말",
    re.I,
)
# Years named relative to the event: "next year", "l'année prochaine", "明年" -> "Y+1"; "this year", "年内" ->
# "Y+0". `label_pair` resolves them against the event's year (from the opening), else leaves them out.
_REL_YEAR = [
    (
        re.compile(
            r"\b(?:next year|(?:im )?(?:nächsten|kommenden) jahr(?:es)?|l['’](?:année|an) prochaine?|"
            r"(?:el )?(?:próximo|proximo) año|el año (?:próximo|que viene)|(?:il )?prossimo anno|l['’]anno prossimo|"
            r"(?:в )?(?:следующем|будущем) году|(?:no )?próximo ano|w przyszłym roku|volgend jaar|"
            r"gelecek yıl\w*|наступного року|у наступному році|nästa år|(?:v )?příštím roce|příští rok)\b|"
            r"明年|来年|내년",
            re.I,
        ),
        "Y+1",
    ),
    (
        re.compile(
            r"\b(?:this year|(?:in )?diesem jahr|dieses jahr(?:es)?|cette année|este año|quest['’]anno|"
            r"(?:в )?(?:этом|текущем) году|este ano|w tym roku|dit jaar|bu yıl\w*|цього року|у цьому році|"
            r"i år|(?:v )?letošním roce|letos)\b|今年|年内|本年|올해|금년|연내",
            re.I,
        ),
        "Y+0",
    ),
]
_ZH_PERIOD = {"底": "late", "末": "late", "下旬": "late", "初": "early", "上旬": "early", "中旬": "mid", "中": "mid"}

# Part of a month: the word before the month name ("end of May", "Ende Mai", "в конце мая", "fin mai",
# "mi-mars") -> early (days 1-10), mid (11-20), late (21-31).
_PERIOD_WORDS: dict[str, str] = {}
for _period, _forms in {
    "early": "early beginning start anfang beginn début debut начале начало principios comienzos inicios inizio",
    "mid": "mid middle mitte mi середине середина mediados metà",
    "late": "end late ende fin конце концу конец finales fines fine",
}.items():
    for _f in _forms.split():
        _PERIOD_WORDS[_f] = _period
_PERIOD_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# Words after which a bare month name is a month ("in June", "im Juni", "bis Mai", "en mai", "в мае").
_MONTH_CUES = frozenset(
    [
        "in",
        "by",
        "until",
        "till",
        "since",
        "before",
        "after",
        "during",
        "of",
        "im",
        "bis",
        "seit",
        "vor",
        "nach",
        "ab",
        "zum",
        "en",
        "depuis",
        "jusqu",
        "avant",
        "après",
        "dès",
        "hasta",
        "desde",
        "para",
        "entro",
        "fino",
        "dal",
        "a",
        "courant",
        "в",
        "до",
        "с",
        "к",
        "после",
        "next",
        "last",
        "this",
        "nächsten",
        "kommenden",
    ]
) | frozenset(_PERIOD_WORDS)
# Seasons and half-years, as month ranges "r<first>-<last>" (northern seasons; winter wraps the year).
_SEASONS: dict[str, str] = {}
for _range, _forms in {
    "r3-5": "spring springtime frühling frühjahr printemps весна весной весну весенний весеннем primavera "
    "навесні весні весна voorjaar lente wiosna wiosną wiosny våren våras jaro jaře ilkbahar ilkbaharda",
    "r6-8": "summer sommer été ete лето летом летний летнем verano verão estate влітку літо zomer lato latem "
    "sommaren léto létě yaz yazın",
    "r9-11": "autumn fall herbst automne осень осенью осенний осеннем otoño autunno outono восени осінь осені "
    "najaar herfst jesień jesienią jesieni hösten podzim sonbahar sonbaharda",
    "r12-2": "winter hiver зима зимой зимний зимнем зимний invierno inverno взимку зима zima zimą vintern zimě "
    "kış kışın",
}.items():
    for _f in _forms.split():
        _SEASONS[_f] = _range
_ZH_SEASONS = {"春季": "r3-5", "春天": "r3-5", "夏季": "r6-8", "夏天": "r6-8", "秋季": "r9-11", "秋天": "r9-11"}
_ZH_SEASONS |= {"冬季": "r12-2", "冬天": "r12-2", "上半年": "r1-6", "下半年": "r7-12"}
_ZH_SEASONS |= {"上半期": "r1-6", "下半期": "r7-12"}
# Japanese and Korean seasons as dates: "来春", "今秋", "春に", "봄에", "가을에"
_ZH_SEASONS |= {"来春": "r3-5", "今春": "r3-5", "春に": "r3-5", "来秋": "r9-11", "今秋": "r9-11", "秋に": "r9-11"}
_ZH_SEASONS |= {"夏に": "r6-8", "冬に": "r12-2", "봄에": "r3-5", "여름에": "r6-8", "가을에": "r9-11", "겨울에": "r12-2"}
# Season words that are dates without a cue word before them (adverbial forms)
_ADVERBIAL_SEASONS = frozenset(
    ["навесні", "влітку", "восени", "взимку", "wiosną", "latem", "jesienią", "zimą", "våras", "ilkbaharda",
     "yazın", "sonbaharda", "kışın"]
)
# French "été" is also the participle of "être": "a été signé" is no summer
_FR_AUX = frozenset(["a", "ont", "avait", "avaient", "aura", "auront", "aurait", "auraient", "ayant", "eût", "est"])
_HALF = re.compile(
    r"\b(?:(?P<en>first|second) half of|in the (?P<en2>first|second) half|(?P<de>erste|ersten|zweite|zweiten) "
    r"(?:jahres)?(?:hälfte|halbjahr)|(?P<fr>premier|second|deuxième|primer|segundo|primo|secondo) semestre|"
    r"(?P<ru>перв|втор)\w* полугоди\w*|(?P<pl>pierwsz|drug)\w* połow\w*|(?P<nl>eerste|tweede) (?:helft|jaarhelft)|"
    r"(?P<sv>första|andra) halv(?:år|året)|(?P<uk>перш|друг)\w* півріч\w*|(?P<cs>první|druh)\w* pololetí|"
    r"(?P<tr>ilk|ikinci) yarı\w*|(?P<pt>primeira|segunda) metade)",
    re.I,
)
# A season word is a date after a date word ("in spring", "im Herbst", "au printemps", "next winter"), or
# in a Russian adverbial form ("весной", "осенью"), not in names ("le Printemps arabe").
_SEASON_CUES = frozenset(
    [
        "this",
        "next",
        "last",
        "coming",
        "early",
        "late",
        "mid",
        "diesem",
        "diesen",
        "nächsten",
        "kommenden",
        "letzten",
        "cet",
        "ce",
        "cette",
        "prochain",
        "prochaine",
        "dernier",
        "fin",
        "début",
        "этой",
        "этим",
        "следующей",
        "прошлой",
    ]
)
_FIRST: tuple[str, ...] = ("first", "erste", "ersten", "premier", "primer", "primo", "перв", "pierwsz", "eerste")
_FIRST += ("första", "перш", "první", "ilk", "primeira")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DOT_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_OF = ("of", "de", "du", "di", "del")  # "end of May", "début de juin", "finales de mayo", "inizio di giugno"
_YEAR_CUES = frozenset(
    [
        "in",
        "since",
        "until",
        "by",
        "of",
        "im",
        "seit",
        "bis",
        "в",
        "с",
        "до",
        "к",
        "en",
        "depuis",
        "jusqu",
        "hasta",
        "desde",
        "del",
        "nel",
        "entro",
        "dal",
        "ici",
        "before",
        "after",
        "from",
        "vor",
        "nach",
        "ab",
        "von",
        "avant",
        "après",
        "après",
        "para",
        "antes",
        "prima",
        "dopo",
        "после",
        "от",
    ]
)
_YEAR_ARTICLES = frozenset(["the", "il", "l", "le", "la", "el", "dem", "das"])  # "entro il 2030", "hasta el 2030"


# --- comparing two sides --------------------------------------------------------------------------

def _resolve_relative(dates_a: set[str], dates_b: set[str], year: int | None) -> tuple[set[str], set[str]]:
    """ "next year" (Y+1) becomes the event's year + 1. Without the event's year a relative year cannot be
    compared: it is dropped, and so are the other side's years (unknown is not a difference)."""

    rel_a = any(d.startswith("Y") for d in dates_a)
    rel_b = any(d.startswith("Y") for d in dates_b)
    if not (rel_a or rel_b):
        return dates_a, dates_b
    if year is not None:
        return (
            {f"y{year + int(d[1:])}" if d.startswith("Y") else d for d in dates_a},
            {f"y{year + int(d[1:])}" if d.startswith("Y") else d for d in dates_b},
        )
    a = {d for d in dates_a if not (d.startswith("Y") or (rel_b and d.startswith("y")))}
    b = {d for d in dates_b if not (d.startswith("Y") or (rel_a and d.startswith("y")))}
    return a, b


def _years_as_dates(
    nums_a: set[float], dates_a: set[str], nums_b: set[float], dates_b: set[str]
) -> tuple[set[float], set[str], set[float], set[str]]:
    """A bare year read as a number on one side ("belief sich 2024 auf", "the 1998 accord") and as a date on
    the other ("in 2024", "de 1998") is the same year: count it as a date on both sides."""

    def years(nums: set[float]) -> set[float]:
        return {n for n in nums if n.is_integer() and 1900 <= n <= 2100}

    out_a, out_b = set(nums_a), set(nums_b)
    da, db = set(dates_a), set(dates_b)
    for n in years(nums_a):
        if f"y{int(n)}" in dates_b:
            out_a.discard(n)
            da.add(f"y{int(n)}")
    for n in years(nums_b):
        if f"y{int(n)}" in dates_a:
            out_b.discard(n)
            db.add(f"y{int(n)}")
    return out_a, da, out_b, db


def _day_range(d: str) -> tuple[int, int]:
    """Days of the month a month date covers: "m4-d30" -> (30, 30), "m5-late" -> (21, 31), "m5" -> all."""
    part = d.split("-", 1)[1] if "-" in d else ""
    if part.startswith("d"):
        return int(part[1:]), int(part[1:])
    return _PERIOD_DAYS.get(part, (1, 31))


def _months_of(d: str) -> set[int]:
    """Months a month or range date covers: "m4-d30" -> {4}, "r12-2" -> {12, 1, 2}."""
    if d.startswith("r"):
        lo, hi = (int(x) for x in d[1:].split("-"))
        return set(range(lo, hi + 1)) if lo <= hi else set(range(lo, 13)) | set(range(1, hi + 1))
    return {int(d[1:].split("-")[0])}


def _width(ds: set[str]) -> int:
    """How precise a side's dates are, in days: a day 1, a part of a month 10, a month 31, a season 92, a
    half-year 183; a year alone 365."""
    best = 365
    for d in ds:
        if d.startswith("r"):
            best = min(best, 31 * len(_months_of(d)))
        elif d.startswith("m"):
            lo, hi = _day_range(d)
            best = min(best, hi - lo + 1)
    return best


def _finer(x: set[str], y: set[str]) -> str | None:
    """Compatible dates given at different precision ("1 July" / "im Juli", "15 avril" / "mi-avril",
    "in March" / "in the first half of the year"): the more precise side gives a detail the other omits."""
    wx, wy = _width(x), _width(y)
    if wx == wy:
        return None
    return "a" if wx < wy else "b"


def _dates_compatible(x: set[str], y: set[str]) -> bool:
    """Dates agree when every kind both sides give (year, month, weekday) matches, and within a month
    both sides give, at the granularity both give: "30 April" / "end of May" differ (months), "15 April"
    / "mid-April" agree (the day lies in the period), "early May" / "late May" differ, "in June" / "im
    Juni" agree."""

    def split(ds: set[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {"y": set(), "m": set(), "wd": set()}
        for d in ds:
            kind = "wd" if d.startswith("wd") else d[0]
            out[kind].add(d.split("-")[0] if kind == "m" else d)
        return out

    rng_x = {d for d in x if d.startswith("r")}
    rng_y = {d for d in y if d.startswith("r")}
    x, y = x - rng_x, y - rng_y
    sx, sy = split(x), split(y)
    for kind in ("y", "m", "wd"):
        if sx.get(kind) and sy.get(kind) and sx[kind] != sy[kind]:
            return False
    # seasons and half-years: ranges must overlap each other and contain the other side's months
    mx = set().union(*(_months_of(d) for d in rng_x)) if rng_x else None
    my = set().union(*(_months_of(d) for d in rng_y)) if rng_y else None
    if mx is not None and my is not None and not (mx & my):
        return False
    for rng, other in ((mx, sy["m"]), (my, sx["m"])):
        if rng is not None and other and not all(int(m[1:]) in rng for m in other):
            return False
    for month in sx["m"] & sy["m"]:
        rx = [_day_range(d) for d in x if d.split("-")[0] == month]
        ry = [_day_range(d) for d in y if d.split("-")[0] == month]
        if not any(a0 <= b1 and b0 <= a1 for a0, a1 in rx for b0, b1 in ry):
            return False
    return True
