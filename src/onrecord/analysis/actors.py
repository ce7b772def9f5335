"""Who did what: the actor a claim names and whether two claims name the same one.

`find_agent` reads who proposes, calls, invites or mediates ("X proposed", "auf Vorschlag Nordecks",
"при посредничестве X"). Names become language-neutral keys (`_entity_keys`: transliterated,
accent-free, first four letters), so "Holt" and "Хольт" meet; titles alone ("the President", "die
Präsidentin") name no one and resolve through `title_holders` of the statement's opening. `event_parties`
groups the keys into the event's two sides, so a person and their country count as one actor.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from onrecord.analysis.dates import _MONTHS, _SEASONS, _WEEKDAYS

__all__ = ["event_parties", "find_agent", "title_holders"]

_AGENT_VERB = re.compile(
    r"(?:^|[,;:]\s*|\b(?:that|dass|что|que)\s+)(?P<x>[^,;:]{2,60}?)\s+(?:first\s+)?"
    r"(?:proposed|suggested|offered|invited|called|initiated|requested|phoned|"
    r"schlug|schlugen|regte|lud|bot|rief|"
    r"предложил\w*|пригласил\w*|позвонил\w*|выступил\w* с инициативой|"
    r"запропонува\w*|запроси\w*|зателефонува\w*|"
    r"a propus|au propus|a invitat|au invitat|a sunat|πρότεινε|πρότειναν|κάλεσε|προσκάλεσε|"
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
            keys.add(_sound(w)[:4])
    return frozenset(keys)


_SOUNDS = [
    (re.compile(p), r) for p, r in (("ck|c(?!h)|q", "k"), ("ph", "f"), ("w", "v"), ("y", "i"), (r"(.)\1", r"\1"))
]


def _sound(word: str) -> str:
    """Spellings that transliteration changes, made one: "Alcanara" / "Алканара" (alkanara), "Westerlyn" /
    "Вестерлин" (vesterlin), "Hollberg" / "Холберг"."""
    for pat, rep in _SOUNDS:
        word = pat.sub(rep, word)
    return word


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


# Who carries out what was agreed ("coordinated by X", "X will coordinate", "coordinada por X", "поручено X").
# Bodies are often translated ("Instituto Nacional de Salud" / "National Health Institute"), so two doers
# conflict only when the event's two sides (`event_parties`) tell them apart; see `different_doers`.
_X = r"(?P<x>[^,.;:]{2,70})"
_DOER = [
    re.compile(
        r"\b(?:coordinated|carried out|conducted|led|organi[sz]ed|examined|investigated|financed|funded|chaired|"
        r"run|managed|performed|entrusted to|assigned to) (?:by )?" + _X,
        re.I,
    ),
    re.compile(
        r"(?P<x>[^,;:]{2,70}?)\s+will (?:coordinate|lead|conduct|carry out|examine|investigate|run|fund)\b", re.I
    ),
    re.compile(
        r"\b(?:coordinad[oa]s?|realizad[oa]s?|dirigid[oa]s?|financiad[oa]s?|efectuad[oa]s?|llevad[oa]s? a cabo|"
        r"coordenad[oa]s?|efetuad[oa]s?|conduzid[oa]s?|confiad[oa]s? a) (?:por|pel[oa]s?|a)? ?" + _X,
        re.I,
    ),
    re.compile(
        r"\b(?:coordonn\w*|men\w*e?s? par|conduit\w* par|réalis\w* par|effectu\w* par|financ\w* par|confi\w* à) "
        r"(?:par )?" + _X,
        re.I,
    ),
    re.compile(
        r"\b(?:coordinat[oaie]|condott[oaie]|svolt[oaie]|effettuat[oaie]|finanziat[oaie]|guidat[oaie]|"
        r"affidat[oaie]) (?:da|dal|dalla|dall['’]|dai|dalle|al|alla|all['’]|a)\s*" + _X,
        re.I,
    ),
    re.compile(
        r"\b(?:von|vom|durch) (?P<x>[^,.;:]{2,70}?) (?:koordiniert|durchgeführt|geleitet|finanziert|untersucht)\b", re.I
    ),
    re.compile(r"\b(?:koordiniert|durchgeführt|geleitet|finanziert|untersucht) (?:von|durch) " + _X, re.I),
    re.compile(r"(?:поручен[оаы]?|под руководством|силами) " + _X, re.I),
    re.compile(r"\b(?:gecoördineerd|uitgevoerd|geleid|gefinancierd) door " + _X, re.I),
    re.compile(r"\b(?:koordynowan\w*|przeprowadzon\w*|prowadzon\w*|finansowan\w*) przez " + _X, re.I),
]


def find_doer(text: str) -> str | None:
    """Who carries out, leads or examines something in the sentence, as written."""
    for pat in _DOER:
        if m := pat.search(text):
            return m.group("x").strip()
    return None


def different_doers(x: str, y: str, parties: tuple[frozenset[str], ...] | None) -> bool:
    """Two doers are different actors only when each names exactly one side of the event, and not the same."""
    if not parties:
        return False
    kx, ky = _entity_keys(x), _entity_keys(y)
    px = {n for n, keys in enumerate(parties) if kx & keys}
    py = {n for n, keys in enumerate(parties) if ky & keys}
    return len(px) == 1 and len(py) == 1 and px != py


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


# Month, weekday and season names: capitalized words that name no one.
_DATE_NAMES = frozenset(_fold(w) for w in (*_MONTHS, *_WEEKDAYS, *_SEASONS))


def _names(text: str) -> frozenset[str]:
    """Name keys of the capitalized words after the first (titles and generic words give none)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return frozenset(k for w in words[1:] if w[0].isupper() and _fold(w) not in _DATE_NAMES for k in _entity_keys(w))


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


def _party_names(span: str) -> set[str]:
    """Keys of the capitalized words of an opening span (Han text: its name characters): the words of a span
    that runs on ("held a video call today", "on the outbreak in Serraluz province") weigh less than names."""
    if any("\u4e00" <= c <= "\u9fff" for c in span):
        return set(_entity_keys(span))
    return set(_names("x " + span))  # "x": _names skips the first word, and a span starts with a name


def _side_of(keys: set[str], sides: list[set[str]]) -> int | None:
    """The side a span's keys meet most (an opening span may run on and meet the other side too); None on a
    tie or no overlap. Tried on the span's names first, then on all its keys."""
    overlap = sorted(((len(g & keys), n) for n, g in enumerate(sides)), reverse=True)
    if not overlap or overlap[0][0] == 0 or (len(overlap) > 1 and overlap[1][0] == overlap[0][0]):
        return None
    return overlap[0][1]


def _side_of_span(span: str, keys: set[str], sides: list[set[str]]) -> int | None:
    by_names = _side_of(_party_names(span) & keys, sides)
    return by_names if by_names is not None else _side_of(keys, sides)


def event_parties(*openings: tuple[str | None, str | None]) -> tuple[frozenset[str], ...] | None:
    """The two sides of an event as name keys, from (who, with whom) of each statement's opening ("Minister
    Paolo Ferrante of Azurna" / "dem azurnischen Minister Ferrante"; demonyms share their country's key,
    "azur"). An opening counts when both its spans name someone (a capitalized word); keys its two spans
    share are dropped. A later opening joins when each of its spans meets a different side most. None unless
    two sides come out."""
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
        hit_w, hit_x = _side_of_span(who, kw, sides), _side_of_span(with_whom, kx, sides)
        if hit_w is not None and hit_x is not None and hit_w != hit_x:
            sides[hit_w] |= kw
            sides[hit_x] |= kx
    if len(sides) != 2:
        return None
    both = sides[0] & sides[1]
    a, b = frozenset(sides[0] - both), frozenset(sides[1] - both)
    return (a, b) if a and b else None
