"""Light language identification: writing system first, then stopwords for Latin and Cyrillic text.

No model to load, so it costs nothing on a cold start. It knows the languages readouts come in; anything
else is reported as a script-level guess or "und" (undetermined), and `handled_poorly` says when the
default embedding model (multilingual-e5-small, trained on the XLM-R 100 languages) is likely weak.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["XLMR_LANGS", "detect_language", "handled_poorly", "script_of"]

# Languages of the XLM-R / multilingual-e5 training data (ISO 639-1 where one exists).
XLMR_LANGS = frozenset(
    [
        "af",
        "am",
        "ar",
        "as",
        "az",
        "be",
        "bg",
        "bn",
        "br",
        "bs",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "fi",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gu",
        "ha",
        "he",
        "hi",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ja",
        "jv",
        "ka",
        "kk",
        "km",
        "kn",
        "ko",
        "ku",
        "ky",
        "la",
        "lo",
        "lt",
        "lv",
        "mg",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "my",
        "ne",
        "nl",
        "no",
        "om",
        "or",
        "pa",
        "pl",
        "ps",
        "pt",
        "ro",
        "ru",
        "sa",
        "sd",
        "si",
        "sk",
        "sl",
        "so",
        "sq",
        "sr",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "th",
        "tl",
        "tr",
        "ug",
        "uk",
        "ur",
        "uz",
        "vi",
        "xh",
        "yi",
        "zh",
    ]
)

# Scripts that point to one language (or to a language the model lacks: bo, chr, iu, dv, zgh, nqo ...).
_SCRIPT_LANG = {
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "GREEK": "el",
    "HEBREW": "he",
    "ARABIC": "ar",
    "THAI": "th",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "SINHALA": "si",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "ETHIOPIC": "am",
    "KHMER": "km",
    "LAO": "lo",
    "MYANMAR": "my",
    "TIBETAN": "bo",
    "CHEROKEE": "chr",
    "CANADIAN": "iu",
    "THAANA": "dv",
    "TIFINAGH": "zgh",
    "NKO": "nqo",
    "OL": "sat",
}

_STOPWORDS = {
    "en": "the of and to in is that for on with as was by it are be this from at have has had not "
    "will which their its also said were been they he she we an or but",
    "de": "der die das und ist nicht zu den mit von sich des auf für im dem ein eine als auch es an "
    "wurde werden hat sie er wir bei zur zum über dass",
    "fr": "le la les et des est un une du en que qui dans pour pas sur au avec ce il elle ont sont été "
    "a aux par se ne plus leur nous",
    "es": "el la los las y de que en un una es por con para no se del al lo su como más pero sus",
    "it": "il lo la gli le e di che è per un una non con del della sono anche ha si al nel",
    "pt": "o a os as e de que em um uma é para com não do da dos das no na se por mais foi",
    "nl": "de het een en van in is dat op te voor met zijn niet aan er die ook werd heeft",
    "pl": "i w na z że nie się do jest to o jak przez dla od po ale są oraz",
    "ru": "и в не на что с по как это он она они к за из у о от для же было был была были также "
    "стороны который которые",
    "uk": "і й в не на що з по як це він вона вони до за від для є було був також які",
    "bg": "и в не на че с по как това той тя те за от да се е са",
    "tr": "ve bir bu da de ile için olarak olan ki daha çok gibi en ise ayrıca olduğunu tarafından iki",
    "cs": "a v se na je že s z do o k to i jako pro by po ale jsou byl bylo byla také které který při",
    "sv": "och i att det som en på är av för med till den har de inte om ett var sig också vid från",
    "ro": "și în de la cu pe care este a fost nu o un să din pentru au mai ca sau această acest celor",
}
_STOP = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_LATIN_LANGS = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "cs", "sv", "ro")
# Letters that only one of those languages uses: they count as two stopwords for it.
_LATIN_LETTERS = {"cs": "ěřůťčň", "tr": "ığ", "pl": "łąęśźż", "sv": "å", "de": "ß", "pt": "ãõ", "ro": "ășțţ"}
_UKR_LETTERS = set("іїєґ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def script_of(ch: str) -> str:
    """The Unicode script of one letter, as the first word of its Unicode name (LATIN, CYRILLIC, CJK ...)."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "HAN"
    return first


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            s = script_of(ch)
            counts[s] = counts.get(s, 0) + 1
    return counts


def detect_language(text: str, default: str = "und", prefer: str | None = None) -> str:
    """Guess the language of `text` as an ISO 639 code; `default` when there is nothing to go on.

    Handles scripts with one main language directly, Han (zh, or ja when kana appear), Cyrillic
    (ru/uk/bg by letters and stopwords) and Latin (en, de, fr, es, it, pt, nl, pl, tr, cs, sv, ro by stopwords).
    `prefer` (the document's language, for one sentence of it) wins unless the text clearly says otherwise.
    """
    counts = _script_counts(text)
    if not counts:
        return default
    script = max(counts, key=lambda s: counts[s])
    if script == "HAN":
        return "ja" if counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0) > 0 else "zh"
    if script in ("HIRAGANA", "KATAKANA"):
        return "ja"
    if script in _SCRIPT_LANG:
        return _SCRIPT_LANG[script]
    words = [w.lower() for w in _WORD.findall(text)]
    if script == "CYRILLIC":
        if any(ch in _UKR_LETTERS for ch in text.lower()):
            return "uk"
        return _best_by_stopwords(words, ("ru", "bg", "uk"), "ru", prefer)
    if script == "LATIN":
        low = text.lower()
        bonus = {lang: 2 for lang, letters in _LATIN_LETTERS.items() if any(ch in low for ch in letters)}
        return _best_by_stopwords(words, _LATIN_LANGS, default, prefer, bonus)
    return default


def _best_by_stopwords(
    words: list[str],
    langs: tuple[str, ...],
    fallback: str,
    prefer: str | None = None,
    bonus: dict[str, int] | None = None,
) -> str:
    if prefer in langs:
        fallback = prefer
    if not words:
        return fallback
    scores = {lang: sum(1 for w in words if w in _STOP[lang]) + (bonus or {}).get(lang, 0) for lang in langs}
    best = max(langs, key=lambda lang: scores[lang])
    if scores[best] == 0:
        return fallback
    if prefer in langs and (scores[best] < 2 or scores[prefer] * 2 >= scores[best]):
        return prefer
    return best


def handled_poorly(lang: str) -> bool:
    """True when the default model was not trained on `lang` (or the language is unknown)."""
    return lang not in XLMR_LANGS
