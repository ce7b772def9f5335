"""Wording cues of a claim: negation, hedges, opposite terms and whose initiative it was.

`is_negated` reads a negation or refusal verb (en, de, ru, fr, es, it, zh, Turkish verb endings);
`unnegated` drops the plain negation so alignment can find a claim's positive counterpart. `hedges` are
distancing words ("allegedly", "якобы", "angeblich"); `_opposite_poles` pairs opposite terms said
without a negation word ("in breach of" / "in line with"); `find_initiative` names whose request or
initiative it was ("at the request of X" -> "X").
"""

from __future__ import annotations

import re

__all__ = ["find_initiative", "hedges", "is_negated", "unnegated"]


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
        # pt, nl, sv, pl, uk, cs (whole words; Czech verb negation is read below)
        "não",
        "nenhum",
        "nenhuma",
        "recusou",
        "rejeitou",
        "negou",
        "niet",
        "geen",
        "nooit",
        "weigerde",
        "verwierp",
        "afgewezen",
        "inte",
        "ej",
        "aldrig",
        "ingen",
        "inget",
        "inga",
        "avvisade",
        "vägrade",
        "nigdy",
        "żaden",
        "żadnego",
        "żadnej",
        "żadnych",
        "odrzucił",
        "odrzuciła",
        "odrzucili",
        "odmówił",
        "odmówiła",
        "odmówili",
        "ні",
        "ніколи",
        "жодного",
        "жодних",
        "відмовився",
        "відмовилася",
        "відхилив",
        "відхилила",
        "nikdy",
        "odmítl",
        "odmítla",
        "odmítli",
    ]
)
_NEG_EXCEPT = (
    # "unconfirmed" in words: a hedge (see _EPISTEMIC), not a negation of the claim
    "no confirmad",
    "non confermat",
    "não confirmad",
    "non confirmé",
    "не подтвержд",
    "nicht bestätigt",
    # "not only" and "especially" in ro and ar
    "nu numai",
    "nu doar",
    "nu mai puțin",
    "لا سيما",
    "لاسيما",
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
_ZH_NEG_EXCEPT = re.compile(r"不断|不仅|不但|未来|非常|无论|并不意外|不少|无条件|无人机|无偿|无缝|无线|不可或缺|不懈")


# Turkish negates inside the verb ("verilmemiştir", "düşürmemesi", "yapılmadı"); read only in Turkish text
# (dotless i, s-cedilla or g-breve present), where these endings cannot be English "medi(cal)".
_TR_TEXT = re.compile(r"[ışğİŞĞ]")
_TR_NEG = re.compile(
    r"\w+?(?:memiş|mamış|medi|madı|miyor|mıyor|meyecek|mayacak|memesi|maması|memeli|mamalı|mez|maz)\w*|"
    r"\b(?:değil\w*|yok)\b",
    re.I,
)


# Czech negates with the prefix ne- ("nebyl", "nepodepsali", "není"); read only in Czech text (ě, ř or ů
# present), not in "nebo" (or), "než" (than), "nejen" (not only), superlatives "nej-", nor in nouns and
# adverbs built on ne- ("nemocnice", "nedávno", "nebezpečí", "nezávislý").
_CS_TEXT = re.compile(r"[ěřůĚŘŮ]")
_CS_NEG = re.compile(
    r"\bne(?!j|bo\b|boť|ž\b|dávn|dalek|děl|moc|hod|utr|bezpeč|zbytn|závisl)[a-záčďéěíňóřšťúůýž]{2,}|\bžádn\w+", re.I
)
# Japanese and Korean negate in the verb ending: "合意しなかった", "署名していない", "ません"; "않았다", "못했다",
# "없다", "아니다". Not "少ない" (few), "間違いない" (certainly), "だけでなく" (not only), "뿐만 아니라" (not only).
_JA_NEG = re.compile(r"(?<![少違])(?:ない|なかった|ません|ず[、。に])|拒否|否定")
_JA_NEG_EXCEPT = re.compile(r"だけでなく|のみならず|間違いない|に違いない|ないし")
_KO_NEG = re.compile(r"않|못(?:했|한|하)|없[었다는]|아니[다었며]|거부|거절")
_KO_NEG_EXCEPT = re.compile(r"뿐만 아니라|뿐 아니라|아니라")


# Romanian "nu" is Dutch "now": read only in Romanian text (ă, ș or ț present) or when the language says so.
_RO_TEXT = re.compile(r"[ășțşţĂȘȚ]")
_RO_NEG = re.compile(r"(?<!\w)(?:nu|n-|niciun\w*|nicio|niciodată|refuzat|respins)(?!\w)", re.I)
# Greek and Arabic: their own scripts, so their negations cannot be another language's words.
_EL_AR_NEG = re.compile(r"(?<!\w)(?:δεν|μην|ουδέποτε|κανένα|καμία|αρνήθηκε|απέρριψε|لا|لم|لن|ليس|ليست|رفض|رفضت)(?!\w)")


def is_negated(text: str, lang: str = "und") -> bool:
    """Does the sentence carry a negation (or a refusal verb)? `lang` helps where the letters do not tell
    the language (Czech without ě, ř or ů)."""
    if _TR_TEXT.search(text) and _TR_NEG.search(text):
        return True
    if (lang == "cs" or _CS_TEXT.search(text)) and _CS_NEG.search(text):
        return True
    if _JA_NEG.search(_JA_NEG_EXCEPT.sub("", text)) or _KO_NEG.search(_KO_NEG_EXCEPT.sub("", text)):
        return True
    low = re.sub(r"\bnon[-‐]", "non", text.lower())  # "non-proliferation", "non-agression": no negation
    for exc in _NEG_EXCEPT:
        low = low.replace(exc, " ")
    if (lang == "ro" or _RO_TEXT.search(text)) and _RO_NEG.search(low):
        return True
    if _EL_AR_NEG.search(low):
        return True
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
    (re.compile(r"(?<!\w)(?:não|niet|inte|nie|nooit|aldrig)\s+", re.I), ""),  # pt / nl / sv / pl
    (re.compile(r"\bgeen\b", re.I), "een"),  # nl: "geen akkoord" -> "een akkoord"
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
    r"так зван\w*|påstådd\w*|så kallad\w*|s\.k\.|enligt uppgift|údajn\w*|takzvan\w*|tzv\.|domněl\w*|"
    r"supost[oa]s?)(?!\w)"
    r"|(?<!\w)(?:δήθεν|φερόμεν\w*|υποτιθέμεν\w*|λεγόμεν\w*|pretins\w*|așa-zis\w*|aşa-zis\w*|presupus\w*|"
    r"المزعوم\w*|مزعوم\w*|ما يسمى|ما يُسمى|يُزعم|يزعم)(?!\w)"
    r"|所谓|据称|声称|涉嫌|いわゆる|とされる|이른바|소위|주장하는|알려진",
    re.I,
)


# Epistemic hedges: the side is not sure of the fact ("could be due to", "podría deberse a", "presumably").
_EPISTEMIC = re.compile(
    r"\bunconfirmed\b|\bunbestätigt\w*|(?<!\w)неподтвержд\w*|\bnon confirmé\w*|\bno confirmad\w*|"
    r"\bnon confermat\w*|\bnão confirmad\w*|\bniepotwierdzon\w*|\bonbevestigd\w*|\bnicht bestätigt\w*|"
    r"(?<!\w)не подтвержд\w*|"
    # German hearsay: "soll ... gesagt haben", "soll ... ausgegangen sein" (not "soll bis Mai fertig sein")
    r"\bsoll(?:en)?\b[^.;]{0,80}\b(?:\w+(?:t|en) haben|worden sein|gewesen sein|\w*gegangen sein|\w*gekommen sein)\b|"
    r"\b(?:could|might|may) (?:be due|have been|be linked|stem)|\bprobably\b|\bpresumably\b|\bpossibly\b|"
    r"\b(?:könnte|dürfte)\b|\bwahrscheinlich\b|\bmöglicherweise\b|\bvermutlich\b|"
    r"(?<!\w)(?:вероятно|возможно|предположительно|ймовірно|можливо|імовірно)(?!\w)|"
    r"\bprobablement\b|\bpeut-être\b|\bpourrait (?:être dû|s['’]expliquer|provenir)|"
    r"\bprobablemente\b|\bposiblemente\b|\bpodría (?:deberse|haber|estar)|"
    r"\bprobabilmente\b|\bpotrebbe (?:essere dovut|derivare)|"
    r"\bprovavelmente\b|\bpossivelmente\b|\bpoderia (?:dever-se|ter)|"
    r"\bprawdopodobnie\b|\bbyć może\b|\bwaarschijnlijk\b|\bmogelijk(?:erwijze)?\b|\bmuhtemelen\b|"
    r"\bpravděpodobně\b|\bmožná\b|\btroligen\b|\bantagligen\b|\bmöjligen\b|"
    r"(?<!\w)(?:πιθανότατα|πιθανώς|ενδεχομένως|probabil|posibil|ربما|على الأرجح|يُرجح|يرجح)(?!\w)|"
    r"可能是|或许|也许|おそらく|可能性がある|아마|가능성이",
    re.I,
)


def hedges(text: str) -> tuple[str, ...]:
    """The distancing cues in the text, in order: distancing words, then epistemic hedges."""
    return tuple(m.group(0).lower() for m in (*_HEDGE.finditer(text), *_EPISTEMIC.finditer(text)))


# --- opposite terms -------------------------------------------------------------------------------

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


# --- initiative -----------------------------------------------------------------------------------

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
    re.compile(r"(?P<x>[^、。，,はがも]{1,20}?)(?:側)?の(?:要請|招待|招き|提案|申し入れ|呼びかけ)(?:により|で|を受け)"),
    re.compile(
        r"\bla (?:cererea|invitația|invitaţia|inițiativa|iniţiativa|solicitarea) (?:lui )?(?P<x>[^,.;]{2,60})", re.I
    ),
    re.compile(r"(?:κατόπιν|μετά από) (?:αιτήματος|πρόσκλησης|πρωτοβουλίας) (?:του |της |των )?(?P<x>[^,.;]{2,60})"),
    re.compile(r"με πρωτοβουλία (?:του |της |των )?(?P<x>[^,.;]{2,60})"),
    re.compile(r"(?:بناءً|بناء) على (?:طلب|دعوة) (?:من )?(?P<x>[^،,.؛]{2,60})"),
    re.compile(r"(?:بدعوة|بمبادرة) (?:من )?(?P<x>[^،,.؛]{2,60})"),
    re.compile(r"(?P<x>(?:\S+\s)?\S+?)(?: 측)?의 (?:요청|초청|제안)(?:으로|에 따라)"),
]


def find_initiative(text: str) -> str | None:
    """Whose request or initiative the sentence names ("at the request of X" -> "X"), if any."""
    for pat in _INITIATIVE:
        m = pat.search(text)
        if m:
            return " ".join(m.group("x").split()[:4])
    return None
