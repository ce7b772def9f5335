"""Opposed positions, only on clear evidence: one claim negates (or refuses) what the linked claim states,
or the two use the two poles of an explicit opposite ("in line with" / "in breach of", "welcomed" /
"condemned"). Everything else stays `both`: the texts side by side, for the reader to weigh.

Negation, refusal and opposite words come from the language files (`langdata`); exceptions ("not only",
"no later than", 不断) are removed before looking.
"""

from __future__ import annotations

import re
from functools import cache

from onrecord.analysis import langdata

__all__ = ["hedges", "is_negated", "meaning_keys", "opposed", "unnegated"]


@cache
def _except_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    lg = langdata.for_text(lang)
    alts = sorted(lg.negation_except, key=len, reverse=True)
    return tuple(p for a in alts if (p := langdata.phrase_regex((a,), lg.spaced)) is not None)


def _clean(text: str, lang: str) -> str:
    """The text without its negation exceptions, the longest first, each on its own: overlapping exceptions
    ("させなければ" inside "変更させなければならない") must not leave a piece ("ならない") that reads as a
    negation."""
    for pat in _except_patterns(lang):
        text = pat.sub(" ", text)
    return text


def _langs(lang: str) -> tuple[str, ...]:
    """The claim's language; for an undetermined one, every language file."""
    if lang and lang != "und" and lang.split("-")[0] in langdata.available():
        return (lang,)
    return ("und",)


LITOTES_GAP = 2  # words (characters x 1.5 in a language written without spaces) between a negation and a
# refusal word that negates the refusal ("had never rejected", "did not refuse", "拒否しない")


def _litotes(t: str, lg: str) -> list[tuple[int, int]]:
    """The spans of negations that negate a refusal word next to them: "never rejected" says "accepted", a
    double negative, not the negation of what the sentence states."""
    neg, ref = langdata.compiled(lg, "negation"), langdata.compiled(lg, "refusal")
    if neg is None or ref is None:
        return []
    spaced = langdata.for_text(lg).spaced
    refusals = [(m.start(), m.end()) for m in ref.finditer(t)]
    out = []
    for m in neg.finditer(t):
        for a, b in refusals:
            gap = t[m.end() : a] if a >= m.end() else t[b : m.start()] if b <= m.start() else None
            if gap is None:
                continue
            far = len(gap.split()) if spaced else len(gap.strip()) / 1.5
            if far <= LITOTES_GAP and not re.search(r"[,;:.!?，。；：]", gap):
                out.append((m.start(), m.end()))
                break
    return out


def _negated_refusals(text: str, lang: str) -> list[str]:
    """The negations of the text that negate a refusal word ("never" of "never rejected")."""
    out: list[str] = []
    for lg in _langs(lang):
        t = _clean(text, lg)
        out += [t[i:j].lower() for i, j in _litotes(t, lg)]
    return out


def negation_words(text: str, lang: str, refusal: bool = True) -> list[str]:
    """The negation (and refusal) words found (exceptions removed first). Without `refusal`, a negation of a
    refusal word ("never rejected") is no negation: the two make an affirmation."""
    out: list[str] = []
    for lg in _langs(lang):
        t = _clean(text, lg)
        for name in ("negation", "refusal") if refusal else ("negation",):
            pat = langdata.compiled(lg, name)
            if pat is not None:
                skip = set() if refusal else set(_litotes(t, lg))
                out += [m.group(0) for m in pat.finditer(t) if (m.start(), m.end()) not in skip]
    return out


def is_negated(text: str, lang: str = "und") -> bool:
    return bool(negation_words(text, lang))


def unnegated(text: str, lang: str = "und") -> str:
    """The sentence without its plain negation words (refusal verbs stay), so that alignment can find the
    positive counterpart of a negated claim: "did not discuss" -> "did discuss"."""
    out = text
    for lg in _langs(lang):
        pat = langdata.compiled(lg, "negation")
        if pat is not None:
            out = pat.sub(" ", _clean(out, lg))
    return " ".join(out.split())


def disagreement(text: str, lang: str = "und") -> list[str]:
    """The words with which the text says the two parties disagree ("despite their differing views on the
    referendum", "unterschiedlichen Auffassungen", "разногласия"): `[disagreement]` of the language files."""
    out: list[str] = []
    for lg in _langs(lang):
        pat = langdata.compiled(lg, "disagreement")
        if pat is not None:
            out += [m.group(0) for m in pat.finditer(text)]
    return out


def _found(name: str, text: str, lang: str) -> list[str]:
    out: list[str] = []
    for lg in _langs(lang):
        pat = langdata.compiled(lg, name)
        if pat is not None:
            out += [m.group(0) for m in pat.finditer(text)]
    return out


def agreed_vs_hope(point: str, sentence: str, lang_p: str, lang_s: str) -> str | None:
    """The report says they agreed; the statement's sentence records only a wish or a hope (and no agreement):
    a stronger claim than the statement makes (`[modality]` of the language files)."""
    agreed = _found("agreed", point, lang_p)
    if not agreed or _found("hope", point, lang_p) or _found("agreed", sentence, lang_s):
        return None
    hope = _found("hope", sentence, lang_s)
    if not hope:
        return None
    return f"the report says they agreed ({agreed[0]}), the statement records only a wish ({hope[0]})"


def hedges(text: str, lang: str = "und") -> list[str]:
    out: list[str] = []
    for lg in _langs(lang):
        pat = langdata.compiled(lg, "hedges")
        if pat is not None:
            out += [m.group(0).lower() for m in pat.finditer(text)]
    return out


@cache
def _poles(lang: str) -> dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]:
    lg = langdata.for_text(lang)
    return {
        k: (langdata.phrase_regex((x,), lg.spaced), langdata.phrase_regex((y,), lg.spaced))
        for k, (x, y) in lg.opposites.items()
    }


def _pole_hits(text: str, lang: str) -> dict[str, tuple[int, str]]:
    """meaning -> (pole 0 or 1, the words), for the meanings whose one pole only the text uses."""
    out = {}
    for k, (p0, p1) in _poles(lang).items():
        h0 = p0.search(text) if p0 else None
        h1 = p1.search(text) if p1 else None
        if h0 and not h1:
            out[k] = (0, h0.group(0))
        elif h1 and not h0:
            out[k] = (1, h1.group(0))
    return out


def meaning_keys(text: str, lang: str) -> frozenset[str]:
    """The explicit opposites (`[opposites]` of the language files) whose either pole the text uses, as exact
    keys ("m:breach"): two claims on compliance with the law, or on sanctions, share one whichever pole each
    takes, which is what makes them one topic (and, with the poles apart, opposed)."""
    return frozenset(f"m:{k}" for k in _pole_hits(text, lang))


def opposed(a: str, b: str, lang_a: str, lang_b: str, negation: bool = True) -> str | None:
    """A sentence saying why the two claims oppose each other, or None when the evidence is not clear.
    `negation=False`: the caller found that the negation is not of the same proposition (see
    `compare.NEGATION_GAIN`): only explicit opposites count."""
    na, nb = negation_words(a, lang_a, refusal=False), negation_words(b, lang_b, refusal=False)
    la, lb = _negated_refusals(a, lang_a), _negated_refusals(b, lang_b)
    if bool(la) != bool(lb) and negation:
        # "never rejected" against a plain "rejected": the one negates the other's refusal
        bare = negation_words(b if la else a, lang_b if la else lang_a) != (nb if la else na)
        if bare:
            return f"opposed: only {'A' if la else 'B'} negates it ({', '.join(la or lb)})"
    if bool(na) != bool(nb) and negation:
        side, words = ("A", na) if na else ("B", nb)
        ha, hb = _pole_hits(a, lang_a), _pole_hits(b, lang_b)
        neg, other = (ha, hb) if na else (hb, ha)
        if {pole for pole, _ in neg.values()} & {1 - pole for pole, _ in other.values()}:
            return None  # a negated pole is the other pole: "isn't legitimate" says what "illegal" says

        return f"opposed: only {side} negates it ({', '.join(dict.fromkeys(w.lower() for w in words))})"
    if na and nb:
        return None  # both negate: the poles below would read the same proposition twice reversed
    ha, hb = _pole_hits(a, lang_a), _pole_hits(b, lang_b)
    for k, (pole, wa) in ha.items():
        if k in hb and hb[k][0] != pole:
            return f"opposed: “{wa}” vs “{hb[k][1]}”"
    return None
