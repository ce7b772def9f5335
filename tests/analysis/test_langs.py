"""Each language file's own examples, run through the engine (langdata, facts, positions, claims)."""

from __future__ import annotations

import tomllib

import pytest

from onrecord.analysis import langdata
from onrecord.analysis.claims import extract_claims, find_initiative, find_speaker, is_framing
from onrecord.analysis.facts import entity_keys, name_key, read_facts
from onrecord.analysis.positions import agreed_vs_hope, disagreement, hedges, is_negated, opposed

LANGS = langdata.available()
SECTIONS = {"code", "name", "spaced", "negation", "opposites", "hedges", "speech", "initiative", "events", "places",
            "numbers", "durations", "dates", "times", "titles", "examples", "disagreement", "modality"}


def _examples(kind: str) -> list[tuple[str, object]]:
    return [(code, ex) for code in LANGS for ex in langdata.get(code).examples.get(kind, [])]


def test_every_file_is_well_formed_and_has_examples():
    assert {"en", "de", "ru", "fr", "zh", "ja", "uk"} <= set(LANGS)
    for code in LANGS:
        data = tomllib.loads((langdata.LANGS_DIR / f"{code}.toml").read_text(encoding="utf-8"))
        assert data["code"] == code and set(data) <= SECTIONS, code
        ex = data["examples"]
        assert ex["negated"] and ex["not_negated"] and ex["opposed"], code
        for pair in data.get("opposites", {}).values():
            assert len(pair) == 2, code


def test_no_language_branches_in_the_logic():
    """The logic asks langdata; it never tests a language code itself."""
    import pathlib
    import re

    src = pathlib.Path(langdata.__file__).parent
    for f in ("facts.py", "positions.py", "differences.py", "topics.py", "compare.py", "report_check.py"):
        text = (src / f).read_text(encoding="utf-8")
        assert not re.search(r"lang\w* (?:==|!=|in) \(?[\"'](?:en|de|ru|fr|zh|ja|uk)[\"']", text), f


@pytest.mark.parametrize(("code", "text"), _examples("negated"))
def test_negated(code, text):
    assert is_negated(text, code)


@pytest.mark.parametrize(("code", "text"), _examples("not_negated"))
def test_not_negated(code, text):
    assert not is_negated(text, code)


@pytest.mark.parametrize(("code", "pair"), _examples("opposed"))
def test_opposed(code, pair):
    assert opposed(pair[0], pair[1], code, code) is not None
    assert opposed(pair[0], pair[0], code, code) is None


@pytest.mark.parametrize(("code", "pair"), _examples("agreed_vs_hope"))
def test_agreed_against_hope_examples(code, pair):
    assert agreed_vs_hope(pair[0], pair[1], code, code)
    assert agreed_vs_hope(pair[0], pair[0], code, code) is None


@pytest.mark.parametrize(("code", "text"), _examples("disagreeing"))
def test_disagreement_examples(code, text):
    assert disagreement(text, code)


@pytest.mark.parametrize(("code", "text"), _examples("hedged"))
def test_hedged(code, text):
    assert hedges(text, code)


@pytest.mark.parametrize(("code", "ex"), _examples("speakers"))
def test_speakers(code, ex):
    text, who = ex
    assert find_speaker(text) == who


@pytest.mark.parametrize(("code", "ex"), _examples("initiative"))
def test_initiative(code, ex):
    text, who = ex
    assert who in (find_initiative(text, code) or "")


@pytest.mark.parametrize(("code", "ex"), _examples("amounts"))
def test_amounts(code, ex):
    text, currency, value = ex
    assert ("amount", (currency, float(value))) in [(f.kind, f.value) for f in read_facts(text, code).facts]


@pytest.mark.parametrize(("code", "ex"), _examples("durations"))
def test_durations(code, ex):
    text, minutes = ex
    assert [f.value[0] for f in read_facts(text, code).of("duration")] == [float(minutes)]


@pytest.mark.parametrize(("code", "ex"), _examples("dates"))
def test_dates(code, ex):
    text, iso = ex
    (d,) = read_facts(text, code).of("date")
    y, mo, day, part = d.value
    got = f"{y or '-'}-{mo:02d}-{day:02d}" if day else f"{y or '-'}-{mo:02d}-{part}"
    assert got == iso.replace("--", "-") or got == iso


@pytest.mark.parametrize(("code", "ex"), _examples("days"))
def test_days_of_the_month(code, ex):
    text, day = ex
    assert [f.value[2] for f in read_facts(text, code).of("date")] == ([day] if day else [])


@pytest.mark.parametrize(("code", "ex"), _examples("times"))
def test_times(code, ex):
    text, hhmm = ex
    assert [f"{f.value[0]:02d}:{f.value[1]:02d}" for f in read_facts(text, code).of("time")] == [hhmm]


@pytest.mark.parametrize(("code", "ex"), _examples("counts"))
def test_counts(code, ex):
    text, value = ex
    assert [f.value[0] for f in read_facts(text, code).of("count")] == [float(value)]


@pytest.mark.parametrize(("code", "ex"), _examples("places"))
def test_places(code, ex):
    text, key = ex
    (p,) = read_facts(text, code).of("place")
    assert p.value[0] == name_key(key)


def test_countries_meet_across_scripts():
    assert {"DE"} <= entity_keys("Talks with Germany", "en") & entity_keys("Переговоры с Германией", "ru")
    assert "US" in entity_keys("The call took place at the request of the American side.", "en")
    assert "US" in entity_keys("по инициативе американской стороны", "ru")
    assert "n:tarsk" in entity_keys("the floods in the Tarsk valley", "en") & entity_keys("в долине Тарска", "ru")


@pytest.mark.parametrize(("code", "text"), _examples("openings"))
def test_openings(code, text):
    """A readout's first sentence that says the call took place is its opening (kind `opening`), whatever
    follows it."""
    got = extract_claims(text + "\n" + text, code, any_call_opening=True, keep_opening=True)
    assert got.event is not None and got.claims[0].kind == "opening"


@pytest.mark.parametrize(("code", "ex"), _examples("framing"))
def test_framing(code, ex):
    assert is_framing(ex[0], code) is ex[1]
