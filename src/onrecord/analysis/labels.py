"""Label an aligned pair of claims: agree, partial or conflict, with reasons.

Reasons are strings "code: detail". Conflict codes: `negation` (one side negates), `numbers` (both give
numbers, different ones), `dates` (both give dates, different ones), `agent` (different actors propose,
call or invite), `hedge` (distancing on one side only: "allegedly", "якобы", "angeblich"), `initiative`
(both name whose request or initiative it was, differently). Partial codes: `detail_only_a` /
`detail_only_b` (a number, date or initiative stated by one side only) and `part` (many-to-one: the
claim covers part of the other). Cue lists cover en, de, ru, fr, zh; numbers are normalized across
languages (separators, decimal commas, number words two to twelve, thousand/million/billion words).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from onrecord.analysis.lexicon import month_names, number_words, scale_words, weekday_names

__all__ = [
    "CONFLICT_REASONS",
    "LABELS",
    "Label",
    "extract_dates",
    "extract_numbers",
    "find_agent",
    "find_initiative",
    "hedges",
    "is_negated",
    "label_pair",
    "title_holders",
    "unnegated",
]

LABELS = ("agree", "partial", "conflict", "only_a", "only_b")
CONFLICT_REASONS = ("negation", "numbers", "dates", "agent", "hedge", "initiative")


@dataclass(frozen=True)
class Label:
    label: str
    reasons: tuple[str, ...] = ()


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)?", text.lower())


# --- negation -----------------------------------------------------------------------------------

_NEG_WORDS = frozenset(
    [
        "not",
        "no",
        "never",
        "neither",
        "nor",
        "none",
        "nobody",
        "nothing",
        "cannot",
        "refused",
        "refuses",
        "rejected",
        "rejects",
        "denied",
        "denies",
        "nicht",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "nie",
        "niemals",
        "weder",
        "lehnte",
        "lehnten",
        "abgelehnt",
        "verweigerte",
        "не",
        "нет",
        "ни",
        "никогда",
        "отказался",
        "отказалась",
        "отказались",
        "отверг",
        "отвергла",
        "отвергли",
        "отклонил",
        "отклонила",
        "ne",
        "pas",
        "jamais",
        "aucun",
        "aucune",
        "ni",
        "refusé",
        "rejeté",
        "refusent",
        "rejette",
        "nunca",
        "ningún",
        "ninguna",
        "ninguno",
        "tampoco",
        "rechazó",
        "rechazaron",
        "negó",
        "non",
        "nessun",
        "nessuna",
        "nessuno",
        "respinto",
        "respinta",
        "rifiutato",
        "rifiutò",
    ]
)
_NEG_EXCEPT = (
    "not only",
    "nicht nur",
    "не только",
    "non seulement",
    "no doubt",
    "no later than",
    "не позднее",
    "nicht später",
    "ни один из",
    "no solo",
    "no sólo",
    "non solo",
    "non soltanto",
)
_ZH_NEG = re.compile(r"不|没|未|无|非|拒绝|否认")
_ZH_NEG_EXCEPT = re.compile(r"不断|不仅|不但|未来|非常|无论|并不意外|不少")


# Turkish negates inside the verb ("verilmemiştir", "düşürmemesi", "yapılmadı"); read only in Turkish text
# (dotless i, s-cedilla or g-breve present), where these endings cannot be English "medi(cal)".
_TR_TEXT = re.compile(r"[ışğİŞĞ]")
_TR_NEG = re.compile(
    r"\w+?(?:memiş|mamış|medi|madı|miyor|mıyor|meyecek|mayacak|memesi|maması|memeli|mamalı|mez|maz)\w*|"
    r"\b(?:değil\w*|yok)\b",
    re.I,
)


def is_negated(text: str) -> bool:
    """Does the sentence carry a negation (or a refusal verb)?"""
    if _TR_TEXT.search(text) and _TR_NEG.search(text):
        return True
    low = re.sub(r"\bnon[-‐]", "non", text.lower())  # "non-proliferation", "non-agression": no negation
    for exc in _NEG_EXCEPT:
        low = low.replace(exc, " ")
    if any(w in _NEG_WORDS or w.endswith("n't") for w in _words(low)):
        return True
    if re.search(r"\bn['’]", low):  # French elision: n'a pas, n’ont
        return True
    zh = _ZH_NEG_EXCEPT.sub("", text)
    return bool(_ZH_NEG.search(zh))


_UNNEGATE = [
    (re.compile(r"\b(?:not|never|no longer)\s+|n['’]t\b|\b(?:nicht|nie|niemals)\s+", re.I), ""),
    (re.compile(r"\bk(ein\w*)", re.I), r"\1"),  # "keine Einigung" -> "eine Einigung"
    (re.compile(r"(?<!\w)(?:не|ни|никогда)\s+", re.I), ""),
    (re.compile(r"\bn(?:e\s+|['’])|\s+(?:pas|jamais)\b", re.I), " "),
    (re.compile(r"(?<!\w)aucun(e?)\b", re.I), r"un\1"),
    (re.compile(r"\b(?:no|non|nunca)\s+(?=\w)", re.I), ""),  # es / it: "no se discutió", "non è stato"
]
_ZH_UNNEGATE = re.compile(r"没有|(?<!不)[不没未](?!断|仅|但|来|少)")


def unnegated(text: str) -> str:
    """The sentence with its plain negation removed ("did not discuss" -> "did discuss", "keine Einigung"
    -> "eine Einigung", "не обсуждали" -> "обсуждали", "n'ont pas discuté" -> "ont discuté", "没有讨论" ->
    "讨论"), so that alignment can find the positive counterpart of a negated claim. Refusal verbs stay."""
    out = text
    for pat, rep in _UNNEGATE:
        out = pat.sub(rep, out)
    out = _ZH_UNNEGATE.sub("", out)
    return " ".join(out.split())


# --- hedging / distancing -----------------------------------------------------------------------

_HEDGE = re.compile(
    r"\b(?:allegedly|alleged|so-called|so called|purported(?:ly)?|supposedly|reportedly|claimed to be|"
    r"angeblich\w*|sogenannt\w*|so genannt\w*|vermeintlich\w*|mutmaßlich\w*|"
    r"якобы|так называем\w*|т\.\s?н\.|мним\w*|предполагаем\w*|"
    r"prétendu\w*|prétendument|soi-disant|présumé\w*|supposé\w*|"
    r"supuestamente|supuest[oa]s?|presunt\w*|así llamad[oa]s?|cosiddett\w*|sedicent\w*|"
    r"alegadamente|supostamente|alegad[oa]s?|pretens[oa]s?|teri(?:a|am) sido|sözde|iddia edilen|iddiaya göre|"
    r"rzekom\w*|tzw\.|tak zwan\w*|domniema\w*|zogenaamd\w*|vermeend\w*|naar verluidt|нібито|начебто|"
    r"так зван\w*)(?!\w)"
    r"|所谓|据称|声称|涉嫌|いわゆる|とされる",
    re.I,
)


def hedges(text: str) -> tuple[str, ...]:
    """The distancing cues in the text, in order."""
    return tuple(m.group(0).lower() for m in _HEDGE.finditer(text))


# --- numbers and dates ----------------------------------------------------------------------------

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
    ["de", "fr", "ru", "uk", "es", "it", "pt", "nl", "pl", "bg", "cs", "tr", "sv", "da", "nb", "ro"]
)

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
for _lang in ("de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ru", "uk", "tr", "sv", "da"):
    _by = _NUMBER_WORDS_BY_LANG.setdefault(_lang, {})
    for _f, _v in number_words(_lang).items():
        if _f not in _NUMBER_WORDS:
            _by.setdefault(_f, _v)
_NUMBER_WORDS_BY_LANG.setdefault("pt", {}).update({"duas": 2.0, "dúzia": 12.0})
_NUMBER_WORDS_BY_LANG.setdefault("pl", {}).update({"dwie": 2.0, "dwóch": 2.0, "trzech": 3.0, "czterech": 4.0})
_SCALE_WORDS = scale_words()
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
_ZH_DATE = re.compile(
    r"(?:(" + _CN_NUM + r")年)?(" + _CN_NUM + r")月(?:(" + _CN_NUM + r")[日号]|(底|末|初|上旬|中旬|下旬|中))?"
)
_ZH_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?![0-9〇零一二两三四五六七八九十]+月)")
# The end of the year ("by the end of the year", "bis Ende des Jahres", "до конца года", "年底"): late December.
_YEAR_END = re.compile(
    r"\b(?:end of (?:the |this )?year|year-end|ende (?:des|dieses) jahres|jahresende|fin (?:de l['’]|d['’])ann[ée]e|"
    r"конц[ае] (?:этого |текущего )?года|fine (?:dell['’]|d['’])anno|finales? (?:de|del) (?:este )?año)\b|年底|年末",
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
            r"gelecek yıl\w*|наступного року|у наступному році)\b|明年|来年",
            re.I,
        ),
        "Y+1",
    ),
    (
        re.compile(
            r"\b(?:this year|(?:in )?diesem jahr|dieses jahr(?:es)?|cette année|este año|quest['’]anno|"
            r"(?:в )?(?:этом|текущем) году|este ano|w tym roku|dit jaar|bu yıl\w*|цього року|у цьому році)\b|"
            r"今年|年内|本年",
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
    "r3-5": "spring springtime frühling frühjahr printemps весна весной весну весенний весеннем primavera",
    "r6-8": "summer sommer été ete лето летом летний летнем verano",
    "r9-11": "autumn fall herbst automne осень осенью осенний осеннем otoño autunno",
    "r12-2": "winter hiver зима зимой зимний зимнем зимний invierno inverno",
}.items():
    for _f in _forms.split():
        _SEASONS[_f] = _range
_ZH_SEASONS = {"春季": "r3-5", "春天": "r3-5", "夏季": "r6-8", "夏天": "r6-8", "秋季": "r9-11", "秋天": "r9-11"}
_ZH_SEASONS |= {"冬季": "r12-2", "冬天": "r12-2", "上半年": "r1-6", "下半年": "r7-12"}
_HALF = re.compile(
    r"\b(?:(?P<en>first|second) half of|in the (?P<en2>first|second) half|(?P<de>erste|ersten|zweite|zweiten) "
    r"(?:jahres)?(?:hälfte|halbjahr)|(?P<fr>premier|second|deuxième|primer|segundo|primo|secondo) semestre|"
    r"(?P<ru>перв|втор)\w* полугоди\w*)",
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
_FIRST = ("first", "erste", "ersten", "premier", "primer", "primo", "перв")
# a count before a measure word; not 第一 / 下一 / 上一 ("first", "the next", "the last")
_ZH_COUNT = re.compile(
    r"(?<![下上第])(" + _CN_NUM + r")(万|亿)?(?=个|项|名|份|次|架|艘|座|家|条|位|人|吨|辆|%|％|国|点|批|轮|周年)"
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DOT_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
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


def _scan(text: str, lang: str) -> tuple[set[float], set[str]]:
    numbers: set[float] = set()
    dates: set[str] = set()
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
        if prev in ("the", "der", "dem", "le", "l") and i > 1:  # "in the spring", "in der Winterpause" no
            prev = low[i - 2]
        cue = prev in _SEASON_CUES | _MONTH_CUES | {"au"} or t.endswith(("ой", "ом", "ью"))
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
        elif low[i] in _NUMBER_WORDS or low[i] in words_here:
            val = _NUMBER_WORDS.get(low[i]) or words_here[low[i]]
            if val == 2 and _means_both(low, i):
                continue
            # "treinta y cinco", "quarenta e cinco"
            k = i + 2 if i + 2 < len(low) and low[i + 1] in ("y", "e") and lang in ("es", "pt") else i + 1
            nxt = (_NUMBER_WORDS.get(low[k]) or words_here.get(low[k]) or 0) if k < len(low) else 0
            if 20 <= val <= 90 and val % 10 == 0 and 1 <= nxt <= 9:  # "forty-five", "сорок пять"
                used.update(range(i + 1, k + 1))
                numbers.add((val + nxt) * _scale_after(low, k))
                continue
            numbers.add(val * _scale_after(low, i))
    return numbers, dates


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


# --- initiative and agents ------------------------------------------------------------------------

_INITIATIVE = [
    re.compile(r"\b(?:at|upon|on) the (?:request|initiative|invitation|suggestion) of (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:at|upon) (?P<x>[^,.;]{2,40}?)['’]s? (?:request|initiative|invitation)", re.I),
    re.compile(r"\b(?:initiated|requested) by (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bauf (?:Wunsch|Initiative|Bitte|Anfrage|Einladung|Anregung) (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bпо (?:инициативе|просьбе|приглашению|предложению) (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bà (?:la |l['’])(?:demande|initiative|invitation) (?:de |du |des |d['’])(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:a|por) (?:petición|solicitud|iniciativa|invitación) (?:de |del )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bsu (?:richiesta|iniziativa|invito) (?:di |del |della |dello )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"应(?P<x>[^，。,]{1,20}?)(?:的)?(?:邀请|请求|要求|之约)"),
    re.compile(r"在(?P<x>[^，。,]{1,20}?)(?:的)?(?:倡议|提议|请求)下"),
    re.compile(r"(?P<x>应约)"),
]


def find_initiative(text: str) -> str | None:
    """Whose request or initiative the sentence names ("at the request of X" -> "X"), if any."""
    for pat in _INITIATIVE:
        m = pat.search(text)
        if m:
            return " ".join(m.group("x").split()[:4])
    return None


_AGENT_VERB = re.compile(
    r"(?:^|[,;:]\s*|\b(?:that|dass|что|que)\s+)(?P<x>[^,;:]{2,60}?)\s+(?:first\s+)?"
    r"(?:proposed|suggested|offered|invited|called|initiated|requested|phoned|"
    r"schlug|schlugen|regte|lud|bot|rief|"
    r"предложил\w*|пригласил\w*|позвонил\w*|выступил\w* с инициативой|"
    r"a proposé|ont proposé|a suggéré|a invité|ont invité|a appelé|a offert|"
    r"propuso|propusieron|sugirió|invitó|ofreció|ha propuesto|ha invitado|"
    r"ha proposto|hanno proposto|propose|ha suggerito|ha invitato|invitò|ha offerto)\b",
    re.I,
)
_AGENT_ZH = re.compile(r"(?:^|[，,])(?P<x>[^，。,]{2,20}?)(?:提议|建议|提出|邀请|致电)")

_GENERIC = frozenset(
    [
        "the",
        "side",
        "sides",
        "party",
        "president",
        "presidents",
        "minister",
        "prime",
        "foreign",
        "chancellor",
        "government",
        "delegation",
        "head",
        "state",
        "leader",
        "leaders",
        "of",
        "and",
        "our",
        "their",
        "its",
        "his",
        "her",
        "die",
        "der",
        "den",
        "des",
        "seite",
        "seiten",
        "präsident",
        "präsidentin",
        "minister",
        "kanzler",
        "kanzlerin",
        "regierung",
        "сторона",
        "стороны",
        "стороной",
        "президент",
        "президента",
        "министр",
        "канцлер",
        "правительство",
        "глава",
        "la",
        "le",
        "les",
        "partie",
        "parties",
        "président",
        "présidente",
        "ministre",
        "chancelier",
        "gouvernement",
        "de",
        "du",
        "des",
        "côté",
    ]
)

_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def _fold(text: str) -> str:
    """Lowercased, transliterated (Cyrillic), accent-free."""
    s = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLIT))
    return "".join(c for c in s if not unicodedata.combining(c))


# Titles and offices: a mention made only of these ("the President", "die Präsidentin", "президент", "le
# président", "总统") names no one by itself; it refers to whoever holds the title in the statement.
_TITLES = frozenset(
    [
        "president",
        "presidents",
        "chancellor",
        "premier",
        "minister",
        "ministers",
        "secretary",
        "king",
        "queen",
        "emir",
        "prince",
        "governor",
        "mayor",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "ambassador",
        "envoy",
        "counterpart",
        "colleague",
        "prasident",
        "prasidentin",
        "prasidenten",
        "bundesprasident",
        "bundesprasidentin",
        "kanzler",
        "kanzlerin",
        "bundeskanzler",
        "bundeskanzlerin",
        "premierminister",
        "premierministerin",
        "ministerprasident",
        "ministerprasidentin",
        "aussenminister",
        "aussenministerin",
        "ministerin",
        "regierungschef",
        "regierungschefin",
        "amtskollege",
        "amtskollegin",
        "sprecher",
        "sprecherin",
        "presidente",
        "ministre",
        "chanceliere",
        "premier-ministre",
        "porte-parole",
        "presidenta",
        "canciller",
        "cancelliere",
        "ministro",
        "portavoz",
        "portavoce",
        "homologue",
        "prezident",
        "prezidenta",
        "prezidentom",
        "prezidentu",
        "kantsler",
        "kantslera",
        "kantslerom",
        "premer",
        "premera",
        "ministra",
        "ministrom",
        "kollega",
        "kollegi",
    ]
)
_GENERIC_KEYS = frozenset(_fold(w) for w in _GENERIC) | _TITLES
_ZH_TITLES = ("国家主席", "主席", "总统", "总理", "首相", "总书记", "外长", "部长", "国王")


def _entity_keys(span: str) -> frozenset[str]:
    """Language-neutral keys of the names in a span: transliterated, accent-free, first four letters.
    Titles and generic words ("the President", "die Präsidentin") give no key."""
    if any("\u4e00" <= c <= "\u9fff" for c in span):
        for t in _ZH_TITLES:
            span = span.replace(t, "")
        return frozenset(c for c in span if "\u4e00" <= c <= "\u9fff" and c not in "方总统理长国的与同和双两")
    keys = set()
    for w in re.findall(r"[a-z]+(?:-[a-z]+)?", _fold(span)):
        if len(w) >= 4 and w not in _GENERIC_KEYS and w.replace("-", "") not in _GENERIC_KEYS:
            keys.add(w[:4])
    return frozenset(keys)


def _title(word: str) -> str | None:
    """The title a word names, case endings of Russian titles removed ("президентом" -> "prezident")."""
    w = _fold(word)
    if w not in _TITLES:
        return None
    if any("\u0400" <= c <= "\u04ff" for c in word):
        return re.sub(r"(?:om|oi|a|u|e|y)$", "", w)
    for end in ("en", "s"):  # "dem Präsidenten", "the presidents": the title, not another one
        if w.endswith(end) and w[: -len(end)] in _TITLES:
            return w[: -len(end)]
    return w


def _title_words(span: str) -> list[str]:
    if any("\u4e00" <= c <= "\u9fff" for c in span):
        return [t for t in _ZH_TITLES if t in span][:1]
    return [t for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", span) if (t := _title(w))]


def title_holders(spans: Iterable[str | None]) -> dict[str, frozenset[str]]:
    """Who holds which title, from a statement's own event metadata (who / with whom / initiative of its
    opening): "President Maren Holt", "Chancellor Jonas Falk of Vestmark" -> {"president": {mare, holt},
    "chancellor": {jona, falk}}. A title two different people hold in the opening is left out."""
    found: list[tuple[str, frozenset[str]]] = []
    for span in spans:
        if not span:
            continue
        if any("\u4e00" <= c <= "\u9fff" for c in span):
            for part in re.split(r"[同与和，、]", span):
                for t in _ZH_TITLES:
                    if t in part:
                        keys = _entity_keys(part.split(t, 1)[1])
                        if keys:
                            found.append((t, keys))
                        break
            continue
        toks = re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", span)
        i = 0
        while i < len(toks):
            title = _title(toks[i])
            if title is None:
                i += 1
                continue
            j = i + 1
            while j < len(toks) and (more := _title(toks[j])):  # "Prime Minister", "Premier ministre"
                title = more
                j += 1
            names = []
            while j < len(toks) and toks[j][0].isupper() and _fold(toks[j]) not in _TITLES:
                names.append(toks[j])
                j += 1
            keys = _entity_keys(" ".join(names))
            if keys:
                found.append((title, keys))
            i = max(j, i + 1)
    out: dict[str, frozenset[str]] = {}
    clash: set[str] = set()
    for title, keys in found:
        if title in out and not (out[title] & keys):
            clash.add(title)
        out[title] = out.get(title, frozenset()) | keys
    return {t: k for t, k in out.items() if t not in clash}


def _actor_keys(span: str, holders: dict[str, frozenset[str]] | None) -> frozenset[str] | None:
    """Name keys of an actor span; a title-only span resolves through `holders`, else None (unknown)."""
    keys = _entity_keys(span)
    if keys:
        return keys
    if holders:
        found = set()
        for t in _title_words(span):
            if t in holders:
                found.add(holders[t])
            else:  # a shortened title: "der Kanzler" for "Bundeskanzler", "the Minister" for "Foreign Minister"
                found |= {k for title, k in holders.items() if _shortens(t, title)}
        if len(found) == 1:
            return found.pop()
    return None


def _shortens(short: str, title: str) -> bool:
    """Is `short` a shortened form of the title `title`: its head (last part of a compound or of a
    multi-word title), ignoring a feminine ending: "kanzler" / "bundeskanzlerin", "minister" /
    "aussenministerin"."""
    base = short[:-2] if short.endswith("in") and short[:-2] in _TITLES else short
    for t in (title, title[:-2] if title.endswith("in") else title):
        if len(base) >= 4 and t != base and t.replace("-", "").endswith(base):
            return True
    return False


_MEDIATOR = [
    re.compile(r"\b(?:mediated|brokered|facilitated) by (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:mediation|good offices) of (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:Vermittlung|Mediation) (?:von |des |der )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bпри посредничестве (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:médiation|bons offices) (?:de la |de l['’]|du |des |de |d['’])(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bmediaci[oó]n (?:de la |del |de )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bmediazione (?:della |dello |del |di )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"在(?P<x>[^，。,]{1,20}?)的?斡旋下"),
]


# "on the proposal of X", "auf Vorschlag Nordecks", "sur proposition du Rhunland": X proposed.
_PROPOSAL_OF = [
    re.compile(r"\b(?:at|on|upon) the (?:proposal|suggestion) of (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:at|on|upon) (?P<x>[^,.;]{2,40}?)['’]s? (?:proposal|suggestion)", re.I),
    re.compile(r"\b(?:proposed|suggested) by (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bauf (?:Vorschlag|Anregung) (?:von |des |der )?(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bsur (?:la )?proposition (?:de la |du |de l['’]|des |de |d['’])(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\ba propuesta (?:de la |del |de )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bsu proposta (?:della |dello |del |di )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\b(?:por|sob) proposta (?:do |da |de )(?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bop voorstel van (?P<x>[^,.;]{2,60})", re.I),
    re.compile(r"\bна пропозицію (?P<x>[^,.;]{2,60})", re.I),
]


def _name_run(span: str) -> str:
    """The name at the start of a span: words up to the first lower-case word after a capitalized one
    ("Nordecks soll die Schonzeit ..." -> "Nordecks", "the Azurnan side" -> "the Azurnan side")."""
    out: list[str] = []
    seen_cap = False
    for w in span.split():
        if seen_cap and not w[0].isupper():
            break
        seen_cap |= w[0].isupper()
        out.append(w)
    return " ".join(out) if seen_cap else span.strip()


def find_agent(text: str) -> str | None:
    """Who proposes, calls, invites or mediates in the sentence, as written."""
    m = _AGENT_VERB.search(text) or _AGENT_ZH.search(text)
    if not m:
        for pat in _PROPOSAL_OF:
            if mm := pat.search(text):
                return _name_run(mm.group("x"))
        m = next((mm for pat in _MEDIATOR if (mm := pat.search(text))), None)
    if not m:
        return None
    return m.group("x").strip()


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


_DATE_NAMES = frozenset(_fold(w) for w in (*_MONTHS, *_WEEKDAYS, *_SEASONS))


def _places(text: str) -> frozenset[str]:
    out: set[str] = set()
    for m in _PLACE.finditer(text):
        name = m.group("x")
        if _fold(name.split()[0]) in _DATE_NAMES:
            continue
        out |= _entity_keys(name)
    return frozenset(out)


def _names(text: str) -> frozenset[str]:
    """Name keys of the capitalized words after the first (titles and generic words give none)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return frozenset(k for w in words[1:] if w[0].isupper() and _fold(w) not in _DATE_NAMES for k in _entity_keys(w))


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


def _different_entities(x: str, y: str) -> bool | None:
    """True when two spans name different actors, False when the same, None when we cannot tell."""
    kx, ky = _entity_keys(x), _entity_keys(y)
    if not kx or not ky:
        return None
    zh_x = any("\u4e00" <= c <= "\u9fff" for c in x)
    zh_y = any("\u4e00" <= c <= "\u9fff" for c in y)
    if zh_x != zh_y:
        return None  # no transliteration between Han and other scripts
    return not (kx & ky)


# --- the label ------------------------------------------------------------------------------------


# Opposite statements made without a negation word: "in breach of" / "in line with" a rule, "outside" /
# "inside" a zone. One side with a cue of one pole and the other with the opposite pole is a negation.
_POLES = [
    (
        re.compile(
            r"\b(?:breach\w*|violat\w*|infring\w*|contrary to|verstoß\w*|verstößt|verletz\w*|нарушени\w*|"
            r"нарушил\w*|наруша\w*|violation|en violation|violaci[oó]n|viola\w*|violazione|violação|"
            r"narusz\w*|schending|ihlal\w*|порушен\w*)",
            re.I,
        ),
        re.compile(
            r"\b(?:in (?:full )?(?:line|accordance|compliance|conformity|keeping) with|consistent with|"
            r"i[nm] (?:vollem |vollen )?einklang mit|gemäß|в (?:полном )?соответствии|conformément|en conformité|"
            r"de (?:acuerdo|conformidad) con|conforme a|in conformità|zgodnie z|em conformidade|de acordo com|"
            r"in overeenstemming|uygun|відповідно до)",
            re.I,
        ),
        "breach / compliance",
    ),
    (
        re.compile(
            r"\b(?:outside|beyond|außerhalb|вне|за пределами|hors d\w*|en dehors|fuera de|fora d\w*|"
            r"al di fuori|fuori d\w*|poza|buiten|dışında|поза)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:inside|within|innerhalb|внутри|в пределах|à l['’]intérieur|dans les eaux|dentro d\w*|"
            r"wewnątrz|w obrębie|binnen|içinde|всередині|в межах)\b",
            re.I,
        ),
        "outside / inside",
    ),
]


def _opposite_poles(a: str, b: str) -> str | None:
    for neg, pos, name in _POLES:
        na, pa, nb, pb = (bool(p.search(t)) for p, t in ((neg, a), (pos, a), (neg, b), (pos, b)))
        if (na and not pa and pb and not nb) or (pa and not na and nb and not pb):
            return name
    return None


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
    neg_a, neg_b = is_negated(a), is_negated(b)
    if neg_a != neg_b:
        conflict.append(f"negation: only {'a' if neg_a else 'b'} negates")
    elif not neg_a and (poles := _opposite_poles(a, b)):
        conflict.append(f"negation: opposite terms ({poles})")
    nums_a, dates_a = _scan(a, lang_a)
    nums_b, dates_b = _scan(b, lang_b)
    nums_a, dates_a, nums_b, dates_b = _years_as_dates(nums_a, dates_a, nums_b, dates_b)
    dates_a, dates_b = _resolve_relative(dates_a, dates_b, year)
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


def event_parties(*openings: tuple[str | None, str | None]) -> tuple[frozenset[str], ...] | None:
    """The two sides of an event as name keys, from (who, with whom) of each statement's opening ("Minister
    Paolo Ferrante of Azurna" / "dem azurnischen Minister Ferrante"; demonyms share their country's key,
    "azur"). An opening counts when both its spans name someone (a capitalized word); keys its two spans
    share are dropped. A later opening joins when each of its spans meets a different side. None unless two
    sides come out."""
    sides: list[set[str]] = []
    for who, with_whom in openings:
        if not (who and with_whom and _names(" " + who) and _names(" " + with_whom)):
            continue
        kw, kx = set(_entity_keys(who)), set(_entity_keys(with_whom))
        kw, kx = kw - kx, kx - kw
        if not kw or not kx:
            continue
        if not sides:
            sides = [kw, kx]
            continue
        hit_w = [n for n, g in enumerate(sides) if g & kw]
        hit_x = [n for n, g in enumerate(sides) if g & kx]
        if len(hit_w) == 1 and len(hit_x) == 1 and hit_w != hit_x:
            sides[hit_w[0]] |= kw
            sides[hit_x[0]] |= kx
    if len(sides) != 2:
        return None
    both = sides[0] & sides[1]
    a, b = frozenset(sides[0] - both), frozenset(sides[1] - both)
    return (a, b) if a and b else None


def event_year(text: str | None, lang: str = "und") -> int | None:
    """The year an opening sentence names ("on 5 November 2025" -> 2025), if exactly one."""
    if not text:
        return None
    years = {int(d[1:]) for d in _scan(text, lang)[1] if d.startswith("y")}
    return years.pop() if len(years) == 1 else None


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


def _different_actors(
    x: str,
    y: str,
    holders_x: dict[str, frozenset[str]] | None,
    holders_y: dict[str, frozenset[str]] | None,
    parties: tuple[frozenset[str], ...] | None = None,
) -> bool:
    """An agent conflict needs two different named actors; a title-only mention ("die Präsidentin") is
    compatible with anyone unless the statement's own opening says who holds the title. With `parties`
    (the name keys of each side of the event, from the openings), a person and their country are one actor:
    "Minister Ferrante" and "Azurna" agree when the opening says Ferrante is Azurna's minister."""
    kx, ky = _actor_keys(x, holders_x), _actor_keys(y, holders_y)
    if kx is None or ky is None:
        return False
    zh_x = any("\u4e00" <= c <= "\u9fff" for c in x) or any("\u4e00" <= c <= "\u9fff" for k in kx for c in k)
    zh_y = any("\u4e00" <= c <= "\u9fff" for c in y) or any("\u4e00" <= c <= "\u9fff" for k in ky for c in k)
    if zh_x != zh_y:
        return False  # no transliteration between Han and other scripts
    if parties:
        px = {n for n, keys in enumerate(parties) if kx & keys}
        py = {n for n, keys in enumerate(parties) if ky & keys}
        if len(px) == 1 and len(py) == 1:
            return px != py
    return not (kx & ky)


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


def _fmt(nums: set[float]) -> str:
    return ", ".join(f"{n:g}" for n in sorted(nums))
