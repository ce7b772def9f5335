"""Rules added to generalize beyond the tuning set (issue 4): number words above twelve, scaled Chinese
numbers, "the two X" as both parties, seasons and half-years as dates, dates at different precision as
`partial`, shortened titles. Every example is new (not taken from the tuning or development sets)."""

from __future__ import annotations

import pytest

from onrecord.analysis.labels import extract_dates, extract_numbers, label_pair, title_holders


@pytest.mark.parametrize(
    ("text", "lang", "numbers"),
    [
        ("The agency will hire thirty inspectors.", "en", {30.0}),
        ("They freed sixty-three sailors.", "en", {63.0}),
        ("Das Werk stellt dreiundfünfzig Techniker ein.", "de", {53.0}),
        ("Es geht um neunzehn Projekte.", "de", {19.0}),
        ("Le fonds financera soixante-quinze écoles.", "fr", {75.0}),
        ("Il reste quatre-vingt-dix jours.", "fr", {90.0}),
        ("Cinquante experts seront envoyés.", "fr", {50.0}),
        ("Будет построено сорок два моста.", "ru", {42.0}),
        ("Die Hilfe beträgt drei Milliarden Euro.", "de", {3e9}),
        ("援助总额达到12亿元。", "zh", {1.2e9}),
        ("项目投资五十万元。", "zh", {5e5}),
        ("两国外长同意加强合作。", "zh", set()),  # 两国: the two countries, both sides
        ("今年是两国友好条约签署二十周年。", "zh", {20.0}),
        ("The two foreign ministers met.", "en", set()),
        ("Les deux ministres se sont rencontrés.", "fr", set()),
        ("The two airports will reopen.", "en", set()),
        ("Two ministers will travel to the capital.", "en", {2.0}),
        ("The two billion euros were paid.", "en", {2e9}),
    ],
)
def test_number_words_and_scales(text, lang, numbers):
    assert extract_numbers(text, lang) == numbers


@pytest.mark.parametrize(
    ("text", "lang", "dates"),
    [
        ("The bridge will open in summer 2027.", "en", {"r6-8", "y2027"}),
        ("Die Gespräche gehen im Winter weiter.", "de", {"r12-2"}),
        ("La conférence aura lieu à l'automne.", "fr", set()),  # "à l'automne": no cue word we know
        ("Le sommet aura lieu au printemps.", "fr", {"r3-5"}),
        ("Переговоры продолжатся летом.", "ru", {"r6-8"}),
        ("会议将于秋季举行。", "zh", {"r9-11"}),
        ("The plant opens in the second half of the year.", "en", {"r7-12"}),
        ("Die Anlage geht in der ersten Jahreshälfte in Betrieb.", "de", {"r1-6"}),
        ("L'usine ouvrira au second semestre.", "fr", {"r7-12"}),
        ("Завод откроется во втором полугодии.", "ru", {"r7-12"}),
        ("工厂将于下半年投产。", "zh", {"r7-12"}),
        ("The Summer Palace was restored.", "en", set()),  # a name, not a date
    ],
)
def test_seasons_and_half_years(text, lang, dates):
    assert extract_dates(text, lang) == dates


@pytest.mark.parametrize(
    ("a", "b", "la", "lb", "label", "reason"),
    [
        # the same time at different precision: the more precise side gives a detail
        ("The port reopens on 9 August.", "Der Hafen öffnet im August wieder.", "en", "de", "partial", "detail_only_a"),
        ("Le port rouvrira en août.", "The port reopens on 9 August.", "fr", "en", "partial", "detail_only_b"),
        ("The port reopens in late August.", "Порт откроется 28 августа.", "en", "ru", "partial", "detail_only_b"),
        ("The port reopens in August.", "Le port rouvrira cet été.", "en", "fr", "partial", "detail_only_a"),
        ("The port reopens in August.", "Der Hafen öffnet im Sommer.", "en", "de", "partial", "detail_only_a"),
        ("The port reopens in spring.", "港口将于下半年重新开放。", "en", "zh", "conflict", "dates"),
        ("The port reopens in winter.", "Der Hafen öffnet im Januar.", "en", "de", "partial", "detail_only_b"),
        ("The port reopens in winter.", "Der Hafen öffnet im Mai.", "en", "de", "conflict", "dates"),
        ("The port reopens in autumn 2027.", "Le port rouvrira au printemps 2027.", "en", "fr", "conflict", "dates"),
        ("The port reopens on 9 August.", "Der Hafen öffnet am 9. August.", "en", "de", "agree", None),
        # number words against digits
        ("Sixty observers will be sent.", "Es werden 60 Beobachter entsandt.", "en", "de", "agree", None),
        (
            "Soixante observateurs seront envoyés.",
            "Es werden 70 Beobachter entsandt.",
            "fr",
            "de",
            "conflict",
            "numbers",
        ),
        ("Trade reached 3 billion dollars.", "贸易额达到30亿美元。", "en", "zh", "agree", None),
        ("Trade reached 4 billion dollars.", "贸易额达到30亿美元。", "en", "zh", "conflict", "numbers"),
    ],
)
def test_labels_generalize(a, b, la, lb, label, reason):
    got = label_pair(a, b, la, lb)
    assert got.label == label, got
    if reason:
        assert got.reasons[0].startswith(reason), got


def test_shortened_title_resolves_through_the_opening():
    """ "der Kanzler" / "the Minister" refer to the holder of "Bundeskanzler" / "Foreign Minister" named in
    the opening; a shortened title that fits two opening titles resolves to no one."""
    holders = title_holders(["Bundeskanzlerin Petra Lind", "Premierminister Tomas Ekberg aus Varda"])
    got = label_pair(
        "Prime Minister Ekberg suggested a joint patrol.",
        "Die Kanzlerin schlug eine gemeinsame Patrouille vor.",
        "en",
        "de",
        holders_b=holders,
    )
    assert got.label == "conflict" and got.reasons[0].startswith("agent"), got
    same = label_pair(
        "Chancellor Lind suggested a joint patrol.",
        "Die Kanzlerin schlug eine gemeinsame Patrouille vor.",
        "en",
        "de",
        holders_b=holders,
    )
    assert same.label == "agree", same
    both = title_holders(["Foreign Minister Ana Roeder", "Defence Minister Ben Itoka"])
    unclear = label_pair(
        "Minister Roeder proposed talks.",
        "The Minister proposed talks.",
        "en",
        "en",
        holders_b=both,
    )
    assert unclear.label == "agree", unclear
