"""Rules added to generalize beyond the tuning set (issue 4): number words above twelve, scaled Chinese
numbers, "the two X" as both parties, seasons and half-years as dates, dates at different precision as
`partial`, shortened titles. Every example is new (not taken from the tuning or development sets)."""

from __future__ import annotations

import numpy as np
import pytest

from onrecord.analysis.actors import title_holders
from onrecord.analysis.align import Match
from onrecord.analysis.claims import extract_claims, split_clauses
from onrecord.analysis.compare import Statement, _keep_order, _sibling_matches, compare
from onrecord.analysis.cues import unnegated
from onrecord.analysis.embed import default_encoder
from onrecord.analysis.labels import label_pair
from onrecord.analysis.quantities import extract_dates, extract_numbers


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


# --- alignment ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("The mayors did not discuss the ferry timetable.", "The mayors did discuss the ferry timetable."),
        ("They haven't signed the treaty.", "They have signed the treaty."),
        ("Über die Zölle wurde nicht gesprochen.", "Über die Zölle wurde gesprochen."),
        ("Es gab keine Einigung über die Quoten.", "Es gab eine Einigung über die Quoten."),
        ("Вопрос о квотах не обсуждался.", "Вопрос о квотах обсуждался."),
        ("Les maires n'ont pas évoqué les horaires.", "Les maires ont évoqué les horaires."),
        ("双方没有讨论关税问题。", "双方讨论关税问题。"),
        ("双方将不断加强合作。", "双方将不断加强合作。"),  # 不断 "continuously" is no negation
    ],
)
def test_unnegated(text, positive):
    assert unnegated(text) == positive


def test_negated_claim_compared_in_its_positive_form_too():
    from onrecord.analysis.compare import _negation_invariant_cos

    ua = [(0, "The mayors did not discuss the new ferry timetable."), (1, "Tolva will send 30 firefighters.")]
    ub = [(0, "Die Bürgermeister erörterten den neuen Fahrplan der Fähre."), (1, "Tolva schickt 30 Feuerwehrleute.")]
    enc = default_encoder()
    va, vb = enc.encode([t for _, t in ua]), enc.encode([t for _, t in ub])
    plain = va @ vb.T
    cos = _negation_invariant_cos(ua, ub, va, vb, enc)
    assert cos[0, 0] > plain[0, 0]  # the negated unit meets its positive counterpart
    assert cos[1, 1] == pytest.approx(plain[1, 1])  # two positive units: unchanged


def _m(a: int, b: int, margin: float) -> Match:
    return Match(a, b, 0.9, margin)


def test_weak_matches_must_keep_the_order_of_strong_ones():
    units = [(i, f"u{i}") for i in range(5)]
    strong = [_m(0, 0, 1.12), _m(2, 2, 1.09), _m(4, 4, 1.10)]
    weak_in_order = _m(1, 1, 1.02)  # between two strong neighbours
    weak_crossing = _m(3, 0, 1.03)  # jumps back across (2, 2)
    strong_crossing = _m(3, 1, 1.08)  # a confident reordering stays
    kept = _keep_order([*strong, weak_in_order, weak_crossing, strong_crossing], units, units)
    assert weak_in_order in kept and strong_crossing in kept and weak_crossing not in kept
    # clauses of one claim (same claim index) never cross each other
    clauses = [(0, "x"), (1, "first clause"), (1, "second clause"), (2, "y")]
    assert _m(2, 1, 1.02) in _keep_order([_m(0, 0, 1.1), _m(1, 2, 1.1), _m(2, 1, 1.02)], clauses, units)


def test_sibling_joins_the_partner_of_its_neighbour():
    margin = np.array(
        [
            [1.10, 0.95, 0.96],
            [0.97, 1.09, 0.95],  # matched to column 1
            [0.96, 1.03, 0.97],  # alone; best is column 1, which its neighbour (row 1) holds
            [0.95, 1.02, 0.99],  # alone; best is column 1, but row 3 is not next to row 1
        ]
    )
    out = _sibling_matches([_m(0, 0, 1.10), _m(1, 1, 1.09)], (margin * 0.8, margin))
    assert [(m.a, m.b, m.mutual) for m in out] == [(2, 1, False)]


def test_one_sentence_for_two_list_points_gives_a_row_per_point():
    """A French sentence that sums up two English list points (no clause split: "qu'... et qu'..."): one row
    per point, each labelled on its own part (the place and the number belong to different points)."""
    a = (
        "The health ministers of Perlan and Oskia held a call on Friday.\n"
        "They agreed on the following steps:\n"
        "- Perlan will open a training centre for paramedics in Vask.\n"
        "- Oskia will donate 40 ambulances.\n"
        "The ministers also discussed the winter flu season."
    )
    b = (
        "Les ministres de la Santé de Perlan et d'Oskia se sont entretenus vendredi.\n"
        "Ils sont convenus qu'un centre de formation pour ambulanciers ouvrira à Vask et qu'Oskia donnera 40 "
        "ambulances.\n"
        "La saison de la grippe hivernale a également été évoquée."
    )
    c = compare(Statement(a, lang="en"), Statement(b, lang="fr"), default_encoder())
    assert c.a.event is not None and c.b.event is not None  # both openings are event metadata
    rows = {(p.a, p.b): p for p in c.pairs}
    assert rows[("a2", "b1")].label == "agree" and rows[("a3", "b1")].label == "agree"
    assert rows[("a4", "b2")].label == "agree"


# --- openings in other wordings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("President Ilse Marr and Premier Odo Venn spoke by telephone on Monday.", "en"),
        ("Telefonat zwischen Kanzlerin Ilse Marr und Premier Odo Venn am Montag.", "de"),
        ("Президент Ильзе Марр провела в понедельник беседу по телефону с премьером Одо Венном.", "ru"),
        ("La présidente Ilse Marr et le Premier ministre Odo Venn ont eu lundi un échange téléphonique.", "fr"),
        ("La presidenta Ilse Marr mantuvo una conversación telefónica con el primer ministro Odo Venn.", "es"),
        ("La presidente Ilse Marr ha avuto un colloquio telefonico con il premier Odo Venn.", "it"),
    ],
)
def test_any_call_opening_is_event_metadata_for_readouts(text, lang):
    from onrecord.analysis.claims import extract_claims

    body = f"{text}\nThe two sides discussed the new canal tolls.\nThey will meet again in Ostra."
    got = extract_claims(body, lang, prefix="a", any_call_opening=True)
    assert got.event is not None and got.event.text == text
    assert len(got.claims) == 2
    # news reports keep the sentence as a point to check
    assert extract_claims(body, lang, prefix="p").claims[0].text == text


def test_call_sentence_with_content_is_a_claim():
    from onrecord.analysis.claims import extract_claims

    body = "During the phone call the leaders discussed the canal tolls.\nThey will meet again in Ostra."
    got = extract_claims(body, "en", prefix="a", any_call_opening=True)
    assert got.event is None and len(got.claims) == 2


# --- Spanish and Italian cues ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "numbers"),
    [
        ("Se enviarán treinta y cinco médicos.", "es", {35.0}),
        ("Saranno inviati trentacinque medici.", "it", {35.0}),
        ("Saranno consegnate ventotto navi.", "it", {28.0}),
        ("La ayuda asciende a tres mil millones de euros.", "es", {3e9}),
        ("L'aiuto ammonta a due miliardi di euro.", "it", {2e9}),
        ("The match was postponed due to the rain.", "en", set()),  # "due" is Italian only
        ("Los dos presidentes hablaron.", "es", set()),
    ],
)
def test_spanish_italian_numbers(text, lang, numbers):
    assert extract_numbers(text, lang) == numbers


@pytest.mark.parametrize(
    ("text", "lang", "dates"),
    [
        ("El puerto reabrirá el 15 de abril de 2027.", "es", {"m4-d15", "y2027"}),
        ("La cumbre será a finales de mayo.", "es", {"m5-late"}),
        ("Il vertice si terrà all'inizio di giugno.", "it", {"m6-early"}),
        ("Il porto riaprirà nel secondo semestre.", "it", {"r7-12"}),
        ("Las obras empezarán en primavera.", "es", {"r3-5"}),
        ("La reunión será el jueves.", "es", {"wd4"}),
    ],
)
def test_spanish_italian_dates(text, lang, dates):
    assert extract_dates(text, lang) == dates


@pytest.mark.parametrize(
    ("a", "b", "la", "lb", "reason"),
    [
        ("Se firmó un acuerdo sobre el agua.", "No se firmó ningún acuerdo sobre el agua.", "es", "es", "negation"),
        ("È stato firmato un accordo.", "Non è stato firmato alcun accordo.", "it", "it", "negation"),
        ("El ataque contra el convoy.", "El supuesto ataque contra el convoy.", "es", "es", "hedge"),
        ("Il corridoio per il grano.", "Il cosiddetto corridoio per il grano.", "it", "it", "hedge"),
        ("The talks end on 3 May.", "Los diálogos terminan el 3 de junio.", "en", "es", "dates"),
    ],
)
def test_spanish_italian_conflicts(a, b, la, lb, reason):
    got = label_pair(a, b, la, lb)
    assert got.label == "conflict" and got.reasons[0].startswith(reason), got


def test_non_prefix_is_no_negation():
    from onrecord.analysis.cues import is_negated

    assert not is_negated("Both signed the non-proliferation treaty.")
    assert not is_negated("Les deux ont signé le pacte de non-agression.")
    assert is_negated("Non è stato firmato.")


# --- rules from development set 2 (blind/ until 2026-11-25); new examples, none copied from a set ---------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Trade Minister Odile Parn met Finance Minister Ruslan Teck in Varo on 3 June.", "en"),
        ("Minister Anja Holm hat am Freitag in Brask mit ihrem Amtskollegen Piet Lorn Gespräche geführt.", "de"),
        ("4 июня в Варо министр финансов Руслан Тек провёл переговоры с министром торговли Одиль Парн.", "ru"),
        ("Le ministre Piet Lorn a rencontré jeudi à Brask la ministre Anja Holm.", "fr"),
        ("Yesterday an exchange of letters between Oskia and Perlan took place in Vask.", "en"),
        ("El ministro Piet Lorn se reunió ayer en Brask con la ministra Anja Holm.", "es"),
        ("6月4日，奥斯基亚外长同佩尔兰外长在瓦斯克举行会谈。", "zh"),
    ],
)
def test_meeting_opening_is_event_metadata(text, lang):
    """A readout's first sentence that only says who met whom, where and when is the opening."""
    got = extract_claims(text + "\nThe ministers agreed to open a consulate.", lang, any_call_opening=True)
    assert got.event is not None and got.event.text == text
    assert [c.text for c in got.claims] == ["The ministers agreed to open a consulate."]


@pytest.mark.parametrize(
    "text",
    [
        "Today the ministers of Oskia and Perlan signed a treaty on fisheries.",  # reports content
        "The ministers of Oskia and Perlan met and agreed on the following:",  # a list intro
        "Heavy rain fell tonight over the port.",  # a time, but no meeting and no "with"
    ],
)
def test_first_sentence_with_content_stays_a_claim(text):
    got = extract_claims(text + "\nThe ministers agreed to open a consulate.", "en", any_call_opening=True)
    assert got.event is None and got.claims[0].text == text


def test_initial_at_line_start_is_no_list_marker():
    got = extract_claims("Le fonds a été créé.\nM. Brask a annoncé une aide.\nA) premier point", "fr")
    assert [c.text for c in got.claims][:2] == ["Le fonds a été créé.", "M. Brask a annoncé une aide."]


def test_semicolon_splits_clauses_for_alignment():
    assert split_clauses("Minister Arn invited the Governor to Vask; the Governor accepted the invitation.") == [
        "Minister Arn invited the Governor to Vask",
        "the Governor accepted the invitation.",
    ]


@pytest.mark.parametrize(
    ("text", "lang", "dates"),
    [
        ("Il porto sarà ampliato entro il 2031.", "it", {"y2031"}),
        ("Le pont sera achevé d'ici 2031.", "fr", {"y2031"}),
        ("双方计划于2031年完成修建。", "zh", {"y2031"}),
        ("Die Zölle fallen bis Ende des Jahres.", "de", {"m12-late"}),
        ("Пошлины отменят до конца года.", "ru", {"m12-late"}),
        ("They will meet again next June.", "en", {"m6"}),
        ("双方同意举行下一轮磋商。", "zh", set()),
    ],
)
def test_years_and_year_end(text, lang, dates):
    assert extract_dates(text, lang) == dates
    assert extract_numbers(text, lang) == set()  # 2031 is a year, 下一轮 "the next round" no quantity


@pytest.mark.parametrize(
    ("a", "b", "la", "lb", "label", "reason"),
    [
        ("Il porto sarà ampliato entro il 2031.", "The port will grow by 2033.", "it", "en", "conflict", "dates"),
        ("Le pont sera achevé d'ici 2031.", "The bridge will be finished by 2031.", "fr", "en", "agree", None),
        (
            "Oskia will lift the duties on timber by the end of the year.",
            "Oskia will lift the duties on timber.",
            "en",
            "en",
            "partial",
            "detail_only_a",
        ),
        (
            "The Governor accepted the invitation to visit Vask.",
            "Minister Arn invited the Governor to visit Vask.",
            "en",
            "en",
            "partial",
            "detail_only_a",
        ),
        (
            "The ministers agreed to open a trade office.",
            "The ministers agreed to open a trade office in Brask.",
            "en",
            "en",
            "partial",
            "detail_only_b",
        ),
        (
            "Les ministres ont convenu d'ouvrir un bureau à Brask.",
            "The ministers agreed to open an office in Brask.",
            "fr",
            "en",
            "agree",
            None,
        ),
        (
            "Grants will go to farmers and fishers.",
            "Grants will go to farmers, fishers and foresters.",
            "en",
            "en",
            "partial",
            "detail_only_b",
        ),
        (
            "The ceasefire was mediated by Oskia.",
            "El alto el fuego fue posible gracias a la mediación de Perlan.",
            "en",
            "es",
            "conflict",
            "agent",
        ),
    ],
)
def test_details_and_agents_from_development_set_2(a, b, la, lb, label, reason):
    got = label_pair(a, b, la, lb)
    assert got.label == label, got
    if reason:
        assert any(r.startswith(reason) for r in got.reasons), got


def test_covering_claim_details_belong_to_the_matching_row():
    """One sentence covers two claims of the other side: each row is labelled on its own part, so the
    second amount is no extra detail of the first row."""
    a = (
        "The finance ministers of Oskia and Perlan met in Vask on Monday.\n"
        "Oskia will pay 12 million euros and Perlan 9 million euros into the river fund.\n"
        "The ministers discussed the flood season."
    )
    b = (
        "Les ministres des Finances d'Oskia et de Perlan se sont rencontrés lundi à Vask.\n"
        "L'Oskia versera 12 millions d'euros au fonds fluvial.\n"
        "Le Perlan versera pour sa part 9 millions d'euros.\n"
        "Les ministres ont évoqué la saison des crues."
    )
    c = compare(Statement(a, lang="en"), Statement(b, lang="fr"), default_encoder())
    rows = {(p.a, p.b): p.label for p in c.pairs}
    assert rows[("a1", "b1")] == "agree" and rows[("a1", "b2")] == "agree", c.pairs
