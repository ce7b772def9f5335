"""Split a statement into claims: sentences and list points.

- The sentence splitter knows abbreviations in English, German, Russian, French and Chinese punctuation
  ("Joseph R. Biden, Jr.", "U.S.", "z. B.", "т. е.", "M. Dupont", "。！？").
- Boilerplate openings ("The President had a telephone conversation with ...", "Состоялся телефонный
  разговор ...") become event metadata (who, with whom, date, who took the initiative), not claims (for a
  comparison, also a claim of kind `opening`). A readout's first sentence (or the first after an attribution
  line ending in ":") that says a call or meeting took place in other words is the opening too: the call,
  meeting, time and content words are the language file's `[events]` lists (with tables here for languages
  without a file), so "문재인 대통령은 오늘 ... 전화 통화를 했습니다" and "У мене була ... розмова з
  президентом" are openings. `is_framing` tells a sentence about the call itself ("exchanged views").
- Speaker attribution is recorded when the text relays someone ("the aide said", "so der Sprecher").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from onrecord.analysis.lang import detect_language

__all__ = [
    "Claim",
    "Claims",
    "EventMeta",
    "extract_claims",
    "find_initiative",
    "find_speaker",
    "split_clauses",
    "split_inline_list",
    "split_sentences",
]


@dataclass(frozen=True)
class Claim:
    """One checkable unit of a statement."""

    id: str
    text: str
    lang: str
    kind: str = "sentence"  # sentence | list_item | headline
    speaker: str | None = None


@dataclass(frozen=True)
class EventMeta:
    """What a boilerplate opening says about the event itself."""

    text: str
    who: str | None = None
    with_whom: str | None = None
    date: str | None = None
    initiative: str | None = None  # whose request / initiative the text names, verbatim

    def to_json(self) -> dict[str, str | None]:
        return {
            "text": self.text,
            "who": self.who,
            "with": self.with_whom,
            "date": self.date,
            "initiative": self.initiative,
        }


@dataclass(frozen=True)
class Claims:
    """A statement split: its claims, the event its opening describes, its language."""

    claims: tuple[Claim, ...]
    lang: str
    event: EventMeta | None = None


# --- abbreviations -------------------------------------------------------------------------------

# Never end a sentence (lowercased, without the final period).
_ABBREV = {
    "en": "mr mrs ms dr prof st sen rep gov gen lt col maj capt sgt adm amb hon rev messrs no nos vol "
    "approx vs e.g i.e a.m p.m dept est fig jan feb mar apr jun jul aug sep sept oct nov dec mt ft",
    "de": "z.b u.a d.h bzw ca vgl nr hr fr dr prof abs art bd str s u.ä usw evtl ggf inkl mio mrd "
    "sog insb gem lt zit ehem jh tsd",
    "ru": "т.е т.к т.н т.п т.д т.ч г гг ул им др тыс млн млрд руб стр см напр ок проф акад пр чел "
    "ст ред зам нач пос обл",
    "fr": "m mm mme mlle dr pr st ste p av env cf éd etc n° no vol réf art",
    "es": "sr sra srta dra dr lic ing dña sres excmo excma",
    "it": "sig sigg dott dott.ssa avv ing on prof.ssa",
    "pt": "sr sra dra exmo exma eng",
    "pl": "mgr inż prof dr hab płk gen",
    "nl": "dhr mevr drs ir mr",
}
# May end a sentence: split only before a typical sentence opener.
_ENDING = {"etc", "jr", "sr", "inc", "ltd", "co", "corp", "usw", "т.д", "т.п", "др", "г", "гг", "bzw"}
_ABBREVS = frozenset(w for words in _ABBREV.values() for w in words.split())
# English abbreviations that are ordinary words elsewhere (Spanish "mar" sea, French "est" and "vol", Italian
# "col", Spanish/Italian "no"): abbreviations in other languages only before a number ("mar. 5", "no. 12").
_ENGLISH_ONLY = frozenset(["mar", "est", "no", "nos", "vol", "col", "gen", "sen", "rev", "fig", "maj", "dec", "mt"])

_OPENERS = frozenset(
    [
        "the",
        "they",
        "he",
        "she",
        "it",
        "we",
        "this",
        "these",
        "both",
        "in",
        "on",
        "at",
        "a",
        "an",
        "our",
        "his",
        "her",
        "its",
        "their",
        "after",
        "during",
        "president",
        "der",
        "die",
        "das",
        "sie",
        "er",
        "es",
        "wir",
        "beide",
        "am",
        "im",
        "in",
        "nach",
        "während",
        "ein",
        "eine",
        "bei",
        "dabei",
        "zudem",
        "в",
        "во",
        "на",
        "он",
        "она",
        "они",
        "мы",
        "стороны",
        "обе",
        "президент",
        "после",
        "также",
        "кроме",
        "при",
        "этом",
        "les",
        "le",
        "la",
        "il",
        "elle",
        "ils",
        "nous",
        "ces",
        "les",
        "deux",
        "au",
        "après",
        "le",
        "président",
    ]
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
)

_CJK_END = "。！？"
_END = ".!?…"
_CLOSERS = "\"'”’»)]」』）"
_BULLET = re.compile(
    r"^\s*(?:(?:[-–—•*·▪●◦]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[A-Z]\)|[一二三四五六七八九十]+[、.])\s+|\d{1,2}\s+(?=[\u3040-\u9fff]))"
)
_TOKEN_BEFORE = re.compile(r"(\S+)$")


# Languages that write ordinals with a period ("am 3. März", "19. Jahrhundert", "3. října").
_ORDINAL_PERIOD = frozenset(
    [
        "de",
        "da",
        "no",
        "nb",
        "nn",
        "fi",
        "cs",
        "sk",
        "sl",
        "hr",
        "sr",
        "bs",
        "hu",
        "is",
        "et",
        "lv",
        "tr",
        "pl",
    ]
)
# Nouns that may follow even a four-digit ordinal ("der 1000. Besucher" is rare, "zum 1000. Mal" too).
_ORDINAL_NOUNS = frozenset(
    [
        "mal",
        "tag",
        "jahrestag",
        "geburtstag",
        "todestag",
        "jubiläum",
        "sitzung",
        "besucher",
        "folge",
        "ausgabe",
        "jahrhundert",
    ]
)


def _is_abbrev(prev: str, next_word: str, lang: str) -> bool:
    """Is the period that ends `prev` part of an abbreviation, given the word after it?"""
    # the Latin token only: "大統領(H.E. Mr. Putin" is "H.E." (no space between the scripts)
    tok = _LATIN_TAIL.split(prev.rstrip("."))[-1].lstrip("(\"'«„“")
    low = tok.lower()
    nxt = next_word.lstrip("(\"'«„“").rstrip(".,;:").lower()
    if not tok:
        return False
    if tok.isdigit():
        if lang not in _ORDINAL_PERIOD:
            return False  # "in 2019. The ...", "à 12. Le ...": a number then a capital ends a sentence
        # Ordinals and dates: "am 3. März", "der 2. Weltkrieg", "19. Jahrhundert". Not before an article
        # or pronoun ("auf 12. Die ..."), nor after a year ("von 2019. Die Präsidentin ...").
        if nxt in _OPENERS:
            return False
        return not (len(tok) == 4 and nxt not in _ORDINAL_NOUNS and nxt not in _MONTHS)
    if low in _ENDING:
        return nxt not in _OPENERS
    if len(tok) == 1 and tok.isalpha():
        return True  # initials: "Joseph R. Biden", "M. Dupont", "z. B.", "т. е."
    if "." in tok and all(len(p) <= 3 for p in tok.split(".") if p):
        return nxt not in _OPENERS  # U.S., U.N., i.e., т.е., z.B.
    if low in _ENGLISH_ONLY and lang not in ("en", "und") and not nxt[:1].isdigit():
        return False
    return low in _ABBREVS


def split_sentences(text: str, lang: str = "und") -> list[str]:
    """Split running text (one paragraph) into sentences."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _CJK_END or ch in _END:
            j = i + 1
            while j < n and (text[j] in _END or text[j] in _CJK_END):
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            cut = False
            if ch in _CJK_END or (j < n and _is_cjk(text[j]) and ch in "!?") or j >= n:
                cut = True
            elif text[j] == " ":
                k = j + 1
                nxt = text[k:].split(" ", 1)[0] if k < n else ""
                if nxt and _starts_sentence(nxt) and not _quote_tail(text, i, j, k):
                    prev = _prev_token(text, start, i + 1)
                    cut = ch != "." or _year_end(text, start, i, prev) or not _is_abbrev(prev, nxt, lang)
            if cut:
                sent = text[start:j].strip()
                if sent:
                    out.append(sent)
                start = j
                i = j
                continue
            i = j
            continue
        i += 1
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


_YEAR_ABBREV = frozenset(["r.", "rr.", "г.", "гг.", "р."])  # Polish "2025 r.", Russian "2025 г.", Ukrainian "р."
_YEAR_BEFORE = re.compile(r"(?:1[89]|20)\d\d\s+\S+$")


def _year_end(text: str, start: int, i: int, prev: str) -> bool:
    """ "... 19 października 2025 r. Misja liczy ...": the year abbreviation after a year, then a capital,
    ends the sentence (inside a sentence a capital rarely follows it), unless the date opens the sentence
    ("В 2024 г. Алдория приняла ...")."""
    head = text[start : i + 1]
    return prev.lower() in _YEAR_ABBREV and bool(_YEAR_BEFORE.search(head)) and len(head.split()) > 5


_LATIN_TAIL = re.compile(r"[(\uff08\u3000-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_QUOTE_CLOSERS = "\"”’»」』"
_TAIL_END = re.compile(r"[.!?。！？]")


def _quote_tail(text: str, i: int, j: int, k: int) -> bool:
    """A sentence end inside a quotation followed by a short uncased reporting tail is one sentence:
    “… 무한하다.” 고 강조하셨습니다. (a tail that starts with a capital is a new sentence)."""
    if not any(c in _QUOTE_CLOSERS for c in text[i + 1 : j]) or not text[k : k + 1].isalpha():
        return False
    if text[k].isupper() or text[k].islower():
        return False
    m = _TAIL_END.search(text, k)
    return m is not None and m.start() - k <= 20


def _prev_token(text: str, start: int, end: int) -> str:
    m = _TOKEN_BEFORE.search(text[start:end])
    return m.group(1) if m else ""


def _starts_sentence(word: str) -> bool:
    w = word.lstrip("\"'«„“‘([—–-")
    if not w:
        return bool(word) and word[0] in "\"'«„“‘([—–-"
    c = w[0]
    return c.isupper() or c.isdigit() or _is_cjk(c)


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3040" <= c <= "\u30ff" or "\uac00" <= c <= "\ud7af"


# --- speaker attribution ------------------------------------------------------------------------

_NAME = r"(?P<who>[^,.;:!?«»\"“”„]{2,60}?)"
_SAY_EN = r"(?:said|says|stated|noted|added|told reporters|announced|stressed|emphasized|explained)"
_SPEAKER_PATTERNS = [
    # English
    re.compile(r",\s*" + _NAME + r"\s+" + _SAY_EN + r"\s*[.!]?\s*$", re.I),
    re.compile(r",\s*" + _SAY_EN + r"\s+" + _NAME + r"\s*[.!]?\s*$", re.I),
    re.compile(r"^according to " + _NAME + r",", re.I),
    re.compile(r"^" + _NAME + r"\s+" + _SAY_EN + r"\s+(?:that\s+)?", re.I),
    # German
    re.compile(r",\s*(?:so|sagte|erklärte|betonte|teilte)\s+" + _NAME + r"(?:\s+mit)?\s*[.!]?\s*$", re.I),
    re.compile(r"^(?:laut|nach Angaben (?:von|des|der))\s+" + _NAME + r"\s", re.I),
    re.compile(r"^" + _NAME + r"\s+(?:sagte|erklärte|betonte),\s", re.I),
    # Russian
    re.compile(
        r",\s*[—–-]?\s*(?:заявил|заявила|сказал|сказала|отметил|отметила|сообщил|сообщила|"
        r"подчеркнул|подчеркнула)\s+" + _NAME + r"\s*[.!]?\s*$",
        re.I,
    ),
    re.compile(r"^по словам\s+" + _NAME + r",", re.I),
    re.compile(
        r"^" + _NAME + r"\s+(?:заявил|заявила|сказал|сказала|отметил|отметила|сообщил|сообщила)"
        r",?\s+(?:что\s+)?",
        re.I,
    ),
    # French
    re.compile(r",\s*(?:a déclaré|a dit|a affirmé|a souligné|a précisé|selon)\s+" + _NAME + r"\s*[.!]?\s*$", re.I),
    re.compile(r",\s*(?:a-t-il|a-t-elle)\s+(?:dit|déclaré|ajouté|souligné)\s*[.!]?\s*$", re.I),
    re.compile(r"^selon\s+" + _NAME + r",", re.I),
    # Chinese: 发言人表示，… / 据…称 / …说
    re.compile(r"^(?P<who>[^，。,]{2,20}?)(?:表示|指出|强调|称|说)[，,:：]"),
    re.compile(r"^据(?P<who>[^，。,]{2,20}?)(?:称|介绍|透露)"),
]


def find_initiative(text: str, lang: str = "und") -> str | None:
    """Whose request or initiative the text names ("at the request of X", "auf Wunsch von X", "по инициативе
    X", "应X邀请"), from the language file's `[initiative]` patterns; None when it names none."""
    from onrecord.analysis import langdata

    lg = langdata.for_text(lang)
    for pat in _initiative_patterns(lg.code):
        m = pat.search(text)
        if m:
            who = (m.groupdict().get("x") or m.group(0)).strip(" ,")
            return " ".join(who.split()[:6])
    return None


@cache
def _initiative_patterns(code: str) -> list[re.Pattern[str]]:
    from onrecord.analysis import langdata

    lg = langdata.for_text(code)
    return sorted(langdata.phrase_patterns(lg.initiative, lg.spaced), key=lambda p: -len(p.pattern))


def find_speaker(sentence: str) -> str | None:
    """Who the sentence relays, when it names someone: "the aide said" -> "the aide"."""
    s = sentence.strip()
    for pat in _SPEAKER_PATTERNS:
        m = pat.search(s)
        if m:
            who = m.groupdict().get("who")
            if who is None:
                return "he/she" if "-t-" in m.group(0) else None
            who = who.strip(" ,—–-")
            if who and len(who.split()) <= 8:
                return who
    return None


# --- boilerplate openings -----------------------------------------------------------------------

_WHO = r"(?P<who>[^;]{3,120}?)"
_WITH = r"(?P<with>[^;]{3,160}?)"
_DATE_EN = r"(?:On |on )?(?P<date>(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
_DATE_EN += r"yesterday|\d{1,2} [A-Z][a-z]+|[A-Z][a-z]+ \d{1,2})(?:,? \d{4})?)"
_INIT_EN = r"(?:(?:[Aa]t|[Uu]pon) the (?:request|initiative|invitation) of (?P<init>[^,.;]{3,80}?)),\s*"

_BOILERPLATE = [
    # English
    re.compile(
        r"^(?:"
        + _DATE_EN
        + r",\s*)?(?:"
        + _INIT_EN
        + r")?"
        + _WHO
        + r"\s+(?:had|held)\s+a\s+(?:telephone|phone|video)\s+(?:conversation|call)\s+with\s+"
        + _WITH
        + r"(?:\s+(?:at|upon) the (?:request|initiative) of (?P<init2>[^,.;]{3,80}?))?"
        + r"(?:\s+on\s+(?P<date2>[^.,;]{3,30}))?\s*\.?$"
    ),
    re.compile(
        r"^(?:"
        + _DATE_EN
        + r",\s*)?"
        + _WHO
        + r"\s+spoke\s+(?:by (?:tele)?phone\s+)?(?:(?:on\s+)?(?P<date3>today|yesterday|[A-Z][a-z]+day)\s+)?"
        + r"with\s+"
        + _WITH
        + r"(?:,?\s+who (?:had )?(?:requested|initiated|asked for|sought) the "
        + r"(?:call|conversation)(?P<req>))?"
        + r"(?:\s+by (?:tele)?phone)?(?:\s+(?:at|upon) the (?:request|initiative) of "
        + r"(?P<init2>[^,.;]{3,80}?))?(?:\s+on\s+(?P<date2>[^.,;]{3,30}))?\s*\.?$"
    ),
    re.compile(
        r"^(?:"
        + _DATE_EN
        + r",\s*)?(?:"
        + _INIT_EN
        + r")?a\s+(?:telephone|phone)\s+(?:conversation|call)"
        + r"\s+(?:took place|was held)\s+between\s+(?P<who>.+?)\s+and\s+"
        + _WITH
        + r"\s*\.?$",
        re.I,
    ),
    # German
    re.compile(
        r"^(?:(?:Am|am) (?P<date>[^,]{3,30}),?\s+)?(?:(?:Auf|auf) (?:Wunsch|Initiative|Bitte|Einladung) "
        r"(?P<init>[^,.;]{3,80}?),?\s+)?(?:hat\s+)?"
        + _WHO
        + r"\s+(?:hat\s+)?(?:am (?P<date2>[^,]{3,30}?)\s+|(?P<date4>heute|gestern)\s+)?"
        r"(?:auf (?:Wunsch|Initiative|Bitte|Einladung) (?P<init3>[^,.;]{3,80}?)\s+)?"
        r"(?:telefonierte|mit\s+(?P<with2>.+?)\s+telefoniert|führte\s+ein\s+Telefonat)"
        r"(?:\s+(?:am (?P<date3>[^,]{3,30}?)\s+)?mit\s+" + _WITH + r")?"
        r"(?:,?\s+auf (?:Wunsch|Initiative|Bitte) (?P<init2>[^,.;]{3,80}?))?\s*\.?$"
    ),
    # Russian
    re.compile(
        r"^(?:(?P<date>\d{1,2} [а-я]+(?: \d{4} г(?:ода|\.)?)?) )?(?:(?:По|по) (?:инициативе|просьбе|"
        r"приглашению) (?P<init>[^,.;]{3,80}?),?\s+)?[Сс]остоялся\s+телефонный\s+разговор\s+"
        + _WHO
        + r"\s+с\s+"
        + _WITH
        + r"\s*\.?$"
    ),
    re.compile(
        r"^(?:(?:По|по) (?:инициативе|просьбе) (?P<init>[^,.;]{3,80}?),?\s+)?"
        + _WHO
        + r"\s+(?:провёл|провел|провела)\s+телефонный\s+разговор\s+с\s+"
        + _WITH
        + r"\s*\.?$"
    ),
    # French
    re.compile(
        r"^(?:(?:Le |le )?(?P<date>\d{1,2}(?:er)? [a-zéû]+(?: \d{4})?),?\s+)?(?:(?:À|A|à) la (?:demande|"
        r"initiative) (?P<init>[^,.;]{3,80}?),?\s+)?"
        + _WHO
        + r"\s+(?:s'est entretenue?|s’est entretenue?|a eu un entretien téléphonique)"
        + r"(?:\s+(?:par|au) téléphone)?\s+avec\s+"
        + _WITH
        + r"(?:,?\s+à la (?:demande|initiative) (?P<init2>[^,.;]{3,80}?))?\s*\.?$"
    ),
    # Chinese: 3月5日，A应约同B通电话。 / A与B通电话
    re.compile(
        r"^(?:(?P<date>[0-9一二三四五六七八九十]+月[0-9一二三四五六七八九十]+日)(?:[上下]午|晚)?[，,]?)?"
        r"(?P<who>[^，。]{2,40}?)(?P<init>应约|应邀)?[同与和](?P<with>[^，。]{2,40}?)"
        r"(?:通电话|通话|举行视频通话)。?$"
    ),
]


# A first sentence that only reports that a call or meeting took place, in wordings the patterns above do
# not know ("X and Y spoke by telephone on Monday", "Telefonat zwischen X und Y", "X met Y in Kessel on 12
# May", "X hat am Dienstag in Lorn mit Y Gespräche geführt", "12 мая X провёл переговоры с Y", "X ha
# incontrato oggi Y", "3月18日，X同Y举行会谈"): a call or meeting word, or a time expression (today, a
# weekday, a date) with "with" / "between" ("Today an exchange between X and Y took place"); no word that
# reports content, not a list intro, and short.
_CALL_WORDS = re.compile(
    r"\b(?:tele)?phone\b|\bphone call|\bvideo ?(?:call|conference|link)|\bby telephone|"
    r"telefon\w*|videokonferenz\w*|videoschalte|"
    r"телефонн\w+ разговор\w*|по телефону|видеоконференц\w*|"
    r"téléphon\w*|visioconférence|"
    r"conversaci[oó]n telef[oó]nica|llamada telef[oó]nica|videoconferencia|"
    r"colloquio telefonico|conversazione telefonica|telefonata|videochiamata|"
    r"conversa telef[oó]nica|telefonema|videoconfer[eê]ncia|rozmow\w* telefoniczn\w*|telefoongesprek|"
    r"telefon görüşme\w*|телефонн\w+ розмов\w*|\bspoke (?:to|with)\b|\bsprach mit\b|"
    r"通电话|通话|视频会晤|视频通话|電話会談|電話会議|テレビ会議",
    re.I,
)
_MEETING_WORDS = re.compile(
    r"\b(?:met|meets|meeting|held talks|talks|summit|visit(?:ed)?|summoned)\b|\b(?:held|had) an? call\b|"
    r"\b(?:consultations|Konsultationen|консультаци\w*|consultas|consultazioni|konsultacj\w*|consultaties)\b|"
    r"\b(?:traf(?:en)?|getroffen|Treffen|Gespräch\w*|Gipfel\w*|besucht\w*|einbestellt|gebeten)\b|"
    r"\b(?:встретил\w*|встреч\w+|переговор\w*|визит\w*|приглашён\w*|приглашен\w*|вызван\w*)|"
    r"\b(?:rencontré\w*|rencontre|entretenue?s?|entretien|sommet|s['’]est rendue?|convoqué\w*)\b|"
    r"\b(?:se reuni[óo]|reunión|cumbre|visita|incontrat[oa]|incontro|vertice|colloquio)\b|"
    r"\b(?:spotka\w*|spotkani\w*|reuniu|encontro|ontmoet\w*|ontving|bijeenkomst|görüştü|bir araya|"
    r"зустр\w*|переговор\w*)|"
    r"会谈|会见|会晤|举行|访问|召见|会談|会見|訪問",
    re.I,
)
_TIME_WORDS = re.compile(
    r"\b(?:today|yesterday|tonight|this (?:morning|afternoon|evening)|heute|gestern|aujourd['’]hui|hier|"
    r"сегодня|вчера|hoy|ayer|oggi|ieri|hoje|ontem|dziś|dzisiaj|wczoraj|vandaag|gisteren|bugün|dün|сьогодні|"
    r"вчора)\b|今天|今日|昨天|本日|昨日|午前|午後",
    re.I,
)
_CONTENT_WORDS = re.compile(
    r"\b(?:discuss\w*|agreed?|welcomed?|stressed|reviewed|addressed|expressed|raised|condemned|exchanged|"
    r"signed|adopted|decided|announced|pledged|thanked|congratulated|confirmed|reaffirmed|urged|"
    r"besprach\w*|erörtert\w*|vereinbart\w*|begrüßt\w*|betont\w*|unterzeichnet\w*|verständigt\w*|"
    r"beschloss\w*|beschlossen|kündigt\w*|dankt\w*|gratulier\w*|"
    r"обсуди\w*|обсужда\w*|договорил\w*|приветствова\w*|подчеркну\w*|подписа\w*|решил\w*|заяви\w*|"
    r"discuté\w*|évoqué\w*|convenu\w*|salué\w*|souligné\w*|signé\w*|adopté\w*|décidé\w*|annoncé\w*|"
    r"discutie\w*|acordaron|abordaron|analizaron|firmaron|firmado|discusso|concordato|esaminato|firmato|"
    r"omówi\w*|podpisa\w*|uzgodni\w*|zgodzi\w*|podkreśli\w*|discutiram|assinaram|acordaram|concordaram|"
    r"bespraken|ondertekend\w*|besproken|overeengekomen|imzala\w*|anlaş\w*|обговори\w*|підписа\w*|"
    r"домови\w*|наголоси\w*)\b"
    r"|讨论|同意|欢迎|强调|表示|交换|签署|决定|宣布",
    re.I,
)
_CALL_WITH = re.compile(r"\s(?:with|mit|с|со|avec|con|между|between|zwischen|entre|tra|fra)\s+|[同与和]")


def _generic_opening(sentence: str, lang: str = "und") -> EventMeta | None:
    """The event of a first sentence that says a call or meeting took place (see `_CALL_WORDS`,
    `_MEETING_WORDS`, `_TIME_WORDS`); who and with whom split at "with" / "mit" / "с" / "avec" / "con" /
    "同" when there is one.

    A readout's opening says who met whom and when, and sometimes what they did on the way ("a signé le 22
    septembre, avec son homologue, l'accord ..."). So a first sentence with a time, a name and a call,
    meeting or counterpart word (or a "with") is the opening even when it reports content; otherwise only
    one without content words: a dated sentence naming someone, or one with a call or meeting word."""
    s = sentence.strip()
    if s.endswith((":", "：")):
        return None
    cjk = any(_is_cjk(c) for c in s)
    # a parenthesis (a leader's full name and title in another script: "(H.E. Mr. Putin, Vladimir
    # Vladimirovich, President of the Russian Federation)") does not make the sentence longer
    bare = _PARENS.sub("", s)
    if len(bare.split()) > 45 or (cjk and len(bare) > 120):
        return None
    timed = bool(_TIME_WORDS.search(s) or _events(lang, "time_words", s) or _has_date(s, lang))
    named = cjk or bool(_names(s))
    met = bool(_CALL_WORDS.search(s) or _MEETING_WORDS.search(s))
    met = met or _events(lang, "call", s) or _events(lang, "meeting", s)
    if not (timed and named and (met or _COUNTERPART.search(s) or _CALL_WITH.search(s))):
        if _CONTENT_WORDS.search(s) or _events(lang, "content", s):
            return None
        if not (met or (timed and named)):
            return None
    m = _CALL_WITH.search(s)
    who, with_whom = (s[: m.start()].strip(), s[m.end() :].strip(" .。")) if m else (s, None)
    return EventMeta(text=s, who=who or None, with_whom=with_whom or None)


def _events(lang: str, name: str, sentence: str) -> bool:
    """Whether `sentence` has a word of the language file's `[events]` list `name` (call, meeting, content,
    time_words); the tables above are the fallback for languages without a file."""
    from onrecord.analysis import langdata

    pat = langdata.compiled(lang, name)
    return bool(pat and pat.search(sentence))


_PARENS = re.compile(r"\([^()]*\)|（[^（）]*）")
_COUNTERPART = re.compile(
    r"\b(?:counterpart|homolog\w*|homólog\w*|omolog\w*|amtskolleg\w*|коллег\w*|odpowiedni\w*|ambtgeno\w*|"
    r"mevkida\w*|колег\w*)",
    re.I,
)


def _names(sentence: str) -> frozenset[str]:
    from onrecord.analysis.facts import entity_keys  # facts does not import claims; kept local anyway

    return entity_keys(sentence)


def _has_date(sentence: str, lang: str) -> bool:
    from onrecord.analysis.facts import read_facts

    return any(f.kind in ("date", "weekday") for f in read_facts(sentence, lang).facts)


def _parse_boilerplate(sentence: str) -> EventMeta | None:
    s = sentence.strip()
    for pat in _BOILERPLATE:
        m = pat.match(s)
        if not m:
            continue
        g = {k: (v.strip() if v else None) for k, v in m.groupdict().items()}
        init = g.get("init") or g.get("init2") or g.get("init3")
        who = g.get("who")
        with_whom = g.get("with") or g.get("with2")
        if init in ("应约", "应邀"):
            init = with_whom  # "A 应约 同 B 通电话": A called at B's request
        if m.groupdict().get("req") is not None:
            init = with_whom  # "A spoke with B, who had requested the call"
        date = g.get("date") or g.get("date2") or g.get("date3") or g.get("date4")
        return EventMeta(text=s, who=who, with_whom=with_whom, date=date, initiative=init)
    return None


def is_framing(sentence: str, lang: str = "und") -> bool:
    """Whether `sentence` speaks of the call itself rather than of a topic: a word of the language file's
    `[events] framing` list ("the two leaders exchanged views on ...", "意見交換を行いました", "the summary is
    as follows"). Right after a readout's opening, such a sentence belongs to the call's topic."""
    return _events(lang, "framing", sentence)


# --- claims ---------------------------------------------------------------------------------------


_INLINE_LIST = re.compile(r"^(?P<intro>[^:：;；]{2,120}?)\s*[:：]\s*(?P<body>.+)$", re.S)
_LIST_AND = re.compile(
    r"^(?:and|or|as well as|und|sowie|oder|et|ou|ainsi que|и|а также|или|以及|及|和)\s*[,，]?\s*", re.I
)
_TERMINAL = _END + _CJK_END + _CLOSERS + ":：;；"


def split_inline_list(sentence: str) -> list[str] | None:
    """The points of a colon-introduced list separated by semicolons ("The main points: A; B; and C."),
    or None when the sentence is not such a list. Each point keeps its own words; a leading "and" /
    "und" / "et" / "и" / "以及" is dropped, and the intro ("The main points") is not a point."""
    m = _INLINE_LIST.match(sentence.strip())
    if not m or len(m.group("intro").split()) > 12:
        return None
    parts = [p.strip() for p in re.split(r"[;；]", m.group("body"))]
    parts = [_LIST_AND.sub("", p).strip() for p in parts if p]
    if len(parts) < 2 or not all(_clause_like(p) for p in parts):
        return None
    return parts


def _clause_like(part: str) -> bool:
    if any(_is_cjk(c) for c in part):
        return sum(1 for c in part if _is_cjk(c)) >= 4
    return len(part.split()) >= 3


def _units(text: str, lang: str, title: str | None = None) -> list[tuple[str, str]]:
    """(kind, text) units: headline, list points and sentences, in order.

    A line break ends a sentence (archived text has one paragraph per line, and a headline has no final
    period), except when the next line starts with a lowercase letter: then the text was wrapped
    mid-sentence and the lines are joined. A first line of one sentence without final punctuation, followed
    by more text, is a `headline` (a paragraph of several sentences whose last lost its period is not);
    when it repeats the document `title` it is dropped, the title is shown anyway.
    """
    units: list[tuple[str, str]] = []
    lines = [ln.strip() for ln in text.splitlines()]
    paras: list[tuple[bool, str]] = []  # (is bullet item, text)
    cur: list[str] = []

    def flush() -> None:
        if cur:
            paras.append((False, " ".join(cur)))
            cur.clear()

    for line in lines:
        if not line:
            flush()
            continue
        m = _BULLET.match(line)
        if m:
            flush()
            paras.append((True, line[m.end() :].strip()))
            continue
        if cur and not (line[0].islower() and not cur[-1].endswith(tuple(_TERMINAL))):
            flush()
        cur.append(line)
    flush()
    for n, (bullet, para) in enumerate(paras):
        if bullet:
            units.extend(("list_item", s) for s in split_sentences(para, lang))
            continue
        sentences = split_sentences(para, lang)
        if n == 0 and len(paras) > 1 and not para.endswith(tuple(_TERMINAL)) and len(sentences) == 1:
            if not (title and _same_text(para, title)):
                units.append(("headline", para))
            continue
        for s in sentences:
            items = split_inline_list(s)
            if items:
                units.extend(("list_item", it) for it in items)
            else:
                units.append(("sentence", s))
    return units


def _same_text(x: str, y: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s.casefold()).strip()

    return norm(x) == norm(y)


def _headlines(units: list[tuple[str, str]]) -> int:
    return sum(1 for k, _ in units if k == "headline")


def _is_content(sentence: str) -> bool:
    return sum(1 for c in sentence if c.isalnum()) >= 2


def extract_claims(
    text: str,
    lang: str | None = None,
    prefix: str = "c",
    title: str | None = None,
    *,
    any_call_opening: bool = False,
    keep_opening: bool = False,
) -> Claims:
    """Split `text` into claims with ids `prefix1`, `prefix2`, ... and pull out a boilerplate opening.

    `any_call_opening`: also take a first sentence that only says a call took place, in any wording
    (`_generic_opening`), as the opening; for readouts, not for news reports (whose first sentence
    "X and Y spoke by phone" is a point to check).

    `lang` is the statement's language if known; each claim also gets its own detected language, so a
    mixed-language statement keeps a language per claim. A first line that repeats `title` is dropped.
    `keep_opening`: the opening is also a claim (kind `opening`), so that "the call itself" can be a topic.
    """
    doc_lang = lang or detect_language(text)
    units = [(k, s) for k, s in _units(text, doc_lang, title) if _is_content(s)]
    event: EventMeta | None = None
    claims: list[Claim] = []
    for idx, (kind, sentence) in enumerate(units):
        if idx < 3 and event is None and kind == "sentence" and idx - _headlines(units[:idx]) < 2:
            meta = _parse_boilerplate(sentence)
            # the first sentence, or the first after an attribution line ("Regierungssprecher X teilte
            # mit:")
            first = all(u.rstrip().endswith((":", "：")) for _, u in units[_headlines(units[:idx]) : idx])
            if meta is None and any_call_opening and first:
                meta = _generic_opening(sentence, doc_lang)
            if meta is not None:
                event = meta
                if not keep_opening:
                    continue
                kind = "opening"
        claim_lang = detect_language(sentence, default=doc_lang, prefer=doc_lang) if lang is None else lang
        claims.append(
            Claim(
                id=f"{prefix}{len(claims) + 1}",
                text=sentence,
                lang=claim_lang,
                kind=kind,
                speaker=find_speaker(sentence),
            )
        )
    return Claims(claims=tuple(claims), lang=doc_lang, event=event)


# --- clauses (for alignment only) -----------------------------------------------------------------

# ", and the President expressed ...": a coordinating conjunction after a comma, then a new subject (an
# article, a pronoun or a capitalized word). A list ("trade, energy, and the climate") is not split: each
# side must be long enough to be a clause.
_CLAUSE_SPLIT = re.compile(
    r",\s+(?:and|but|while)\s+(?=(?:the|both|they|he|she|it|we|[A-Z])\w*\s)"
    r"|,\s+(?:und|aber|während)\s+(?=(?:der|die|das|beide|er|sie|es|wir|man|[A-ZÄÖÜ])\w*\s)"
    r"|,\s+(?:et|mais|tandis que)\s+(?=(?:le|la|les|l['’]|il|elle|ils|elles|nous|on|[A-ZÉÈ])\w*\s)"
    r"|,\s+(?:и|а|но)\s+(?=(?:он|она|они|мы|стороны|обе|[А-ЯЁ])\w*\s)"
    r"|[，,]\s*(?:并且|并|同时)(?=\S)"
    r"|\s*[;；]\s*"
)


def split_clauses(sentence: str) -> list[str]:
    """The coordinated main clauses of a compound sentence, for alignment: "The leaders discussed X, and
    the President expressed Y." -> ["The leaders discussed X", "the President expressed Y."]; a semicolon
    between two clauses splits too ("X invited Y; Y accepted the invitation."). A sentence
    that is not compound, or whose parts would be too short to be clauses, comes back whole."""
    parts: list[str] = []
    start = 0
    for m in _CLAUSE_SPLIT.finditer(sentence):
        head = sentence[start : m.start()].strip()
        if not _long_clause(head) or not _long_clause(sentence[m.end() :]):
            continue
        parts.append(head)
        start = m.end()
    parts.append(sentence[start:].strip())
    return parts if len(parts) > 1 else [sentence]


def _long_clause(part: str) -> bool:
    if any(_is_cjk(c) for c in part):
        return sum(1 for c in part if _is_cjk(c)) >= 6
    return len(part.split()) >= 5
