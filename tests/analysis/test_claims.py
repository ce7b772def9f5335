# ruff: noqa: E501  (multilingual test sentences are kept whole)
"""Sentence splitting, boilerplate openings, speaker attribution, language detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onrecord.analysis.claims import extract_claims, find_speaker, split_inline_list, split_sentences
from onrecord.analysis.lang import detect_language, handled_poorly


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Joseph R. Biden, Jr. spoke. The U.S. side agreed.",
            ["Joseph R. Biden, Jr. spoke.", "The U.S. side agreed."],
        ),
        (
            "en",
            "Mr. Smith met Dr. Jones at 3.5 p.m. today. They talked.",
            ["Mr. Smith met Dr. Jones at 3.5 p.m. today.", "They talked."],
        ),
        (
            "de",
            "Sie sprachen z. B. über Gas. Am 3. März treffen sie sich.",
            ["Sie sprachen z. B. über Gas.", "Am 3. März treffen sie sich."],
        ),
        (
            "de",
            "Es geht um Energie, Handel usw. Die Seiten einigten sich.",
            ["Es geht um Energie, Handel usw.", "Die Seiten einigten sich."],
        ),
        (
            "ru",
            "Обсуждались поставки, т. е. газ и нефть. Стороны договорились.",
            ["Обсуждались поставки, т. е. газ и нефть.", "Стороны договорились."],
        ),
        (
            "ru",
            "В 2024 г. Алдория приняла т.е. одобрила план. Он доволен.",
            ["В 2024 г. Алдория приняла т.е. одобрила план.", "Он доволен."],
        ),
        (
            "fr",
            "M. Dupont a parlé avec Mme Martin. Ils ont convenu de se revoir.",
            ["M. Dupont a parlé avec Mme Martin.", "Ils ont convenu de se revoir."],
        ),
        (
            "zh",
            "双方讨论了合作。他们同意会面！会谈成功吗？",
            ["双方讨论了合作。", "他们同意会面！", "会谈成功吗？"],
        ),
        ("en", "“We agree.” The minister left.", ["“We agree.”", "The minister left."]),
    ],
)
def test_split_knows_abbreviations(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_list_points_are_claims():
    c = extract_claims(
        "The sides agreed:\n- Visas for students are abolished.\n- A working group is set up.\n2) A border crossing reopens."
    )
    assert [x.kind for x in c.claims] == ["sentence", "list_item", "list_item", "list_item"]
    assert c.claims[3].text == "A border crossing reopens."
    assert [x.id for x in c.claims] == ["c1", "c2", "c3", "c4"]


@pytest.mark.parametrize(
    ("text", "who", "with_whom", "date", "initiative"),
    [
        (
            "On Tuesday, President Joseph R. Biden, Jr. had a telephone conversation with Chancellor Anna Weiss of Bersia. They discussed trade.",
            "President Joseph R. Biden, Jr.",
            "Chancellor Anna Weiss of Bersia",
            "Tuesday",
            None,
        ),
        (
            "Präsident Karl Brun telefonierte am Montag mit Präsidentin Mira Olsen. Es ging um Gas.",
            "Präsident Karl Brun",
            "Präsidentin Mira Olsen",
            "Montag",
            None,
        ),
        (
            "По инициативе берсийской стороны состоялся телефонный разговор Президента Алдории с Канцлером Берсии. Обсуждалась торговля.",
            "Президента Алдории",
            "Канцлером Берсии",
            None,
            "берсийской стороны",
        ),
        (
            "Le président Paul Marin s'est entretenu par téléphone avec M. Jean Dupont. Ils ont parlé du gaz.",
            "Le président Paul Marin",
            "M. Jean Dupont",
            None,
            None,
        ),
        (
            "3月5日，阿尔多利亚总统应约同伯西亚总理通电话。双方讨论了合作。",
            "阿尔多利亚总统",
            "伯西亚总理",
            "3月5日",
            "伯西亚总理",
        ),
        (
            "At the request of the Aldorian side, President Lina Carter had a telephone conversation with President Tomas Varen. Trade was discussed.",
            "President Lina Carter",
            "President Tomas Varen",
            None,
            "the Aldorian side",
        ),
    ],
)
def test_boilerplate_opening_becomes_event(text, who, with_whom, date, initiative):
    c = extract_claims(text)
    assert c.event is not None
    assert (c.event.who, c.event.with_whom, c.event.date, c.event.initiative) == (
        who,
        with_whom,
        date,
        initiative,
    )
    assert len(c.claims) == 1
    assert c.event.text not in [x.text for x in c.claims]


def test_opening_later_in_text_is_a_claim():
    c = extract_claims("Trade grew. Exports rose. President A had a telephone conversation with President B.")
    assert c.event is None
    assert len(c.claims) == 3


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The leaders agreed to meet again, the aide said.", "the aide"),
        ("According to the spokesman, the talks were useful.", "the spokesman"),
        ("Man werde weiter verhandeln, so der Sprecher.", "der Sprecher"),
        ("По словам помощника президента, встреча пройдет в марте.", "помощника президента"),
        ("Les discussions ont été utiles, a déclaré le porte-parole.", "le porte-parole"),
        ("发言人表示，会谈富有成果。", "发言人"),
        ("The leaders agreed to meet again.", None),
    ],
)
def test_speaker_attribution(sentence, speaker):
    assert find_speaker(sentence) == speaker


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The sides discussed the situation on the border.", "en"),
        ("Die Seiten sprachen über die Lage an der Grenze.", "de"),
        ("Стороны обсудили ситуацию на границе.", "ru"),
        ("Les parties ont discuté de la situation à la frontière.", "fr"),
        ("双方讨论了边境局势。", "zh"),
        ("Сторони обговорили ситуацію на кордоні.", "uk"),
        ("ཕྱོགས་གཉིས་ཀྱིས་གྲོས་བསྡུར་བྱས།", "bo"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_poorly_handled_languages():
    assert handled_poorly("bo") and handled_poorly("und")
    assert not handled_poorly("de") and not handled_poorly("zh")


def test_mixed_language_statement_keeps_language_per_claim():
    c = extract_claims("The sides discussed the border. Стороны обсудили границу. 双方讨论了边境局势。")
    assert [x.lang for x in c.claims] == ["en", "ru", "zh"]


def test_empty_and_punctuation_only():
    assert extract_claims("").claims == ()
    assert extract_claims("  \n\n ... !!! \n").claims == ()


@given(st.text(max_size=300))
def test_split_never_crashes_and_keeps_letters(text):
    c = extract_claims(text)
    joined = "".join(x.text for x in c.claims) + (c.event.text if c.event else "")
    letters = [ch for ch in text if ch.isalnum()]
    # every claim's letters come from the input, in order
    assert [ch for ch in joined if ch.isalnum()] == letters or len(joined) <= len(text)


# --- line boundaries, headlines, numbers before a period, inline lists (issue 4 follow-up) ---------


def test_newline_is_a_boundary_and_headline_is_not_merged():
    text = (
        "Holt and Falk agree to revive border commission after floods\n"
        "Aldoria's President Maren Holt and Vestmark's Chancellor Jonas Falk spoke by phone on Thursday."
    )
    got = extract_claims(text, "en")
    assert [(c.kind, c.text) for c in got.claims] == [
        ("headline", "Holt and Falk agree to revive border commission after floods"),
        (
            "sentence",
            "Aldoria's President Maren Holt and Vestmark's Chancellor Jonas Falk spoke by phone on Thursday.",
        ),
    ]
    titled = extract_claims(text, "en", title="Holt and Falk agree to revive border commission after floods")
    assert [c.kind for c in titled.claims] == ["sentence"]


def test_a_first_paragraph_of_several_sentences_is_no_headline():
    # a post whose first paragraph lost its last period: its sentences are claims, the first is the opening
    text = ("У мене була змістовна розмова з президентом Холтом. Я подякував йому за підтримку. Ми домовилися "
            "працювати разом\nХолт розповів про свою поїздку.")
    got = extract_claims(text, "uk", any_call_opening=True, keep_opening=True)
    assert [c.kind for c in got.claims] == ["opening", "sentence", "sentence", "sentence"]
    one = extract_claims("Holt and Falk agree to revive border commission\nThey spoke by phone.", "en")
    assert one.claims[0].kind == "headline"


def test_wrapped_line_continues_when_next_line_is_lowercase():
    got = extract_claims("The leaders agreed to meet\nagain in May. They spoke of trade.", "en")
    assert [c.text for c in got.claims] == [
        "The leaders agreed to meet again in May.",
        "They spoke of trade.",
    ]


def test_headline_before_boilerplate_opening_keeps_it_as_event():
    text = "Readout of the call\nPresident Holt spoke by telephone today with Chancellor Falk, who had requested the call.\nThey discussed trade."
    got = extract_claims(text, "en", title="Readout of the call")
    assert got.event is not None and got.event.initiative == "Chancellor Falk"
    assert [c.text for c in got.claims] == ["They discussed trade."]


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        (
            "de",
            "Beide Seiten bekräftigten ihr Bekenntnis zum Nachbarschaftsvertrag von 2019. Die Präsidentin lud ein.",
            [
                "Beide Seiten bekräftigten ihr Bekenntnis zum Nachbarschaftsvertrag von 2019.",
                "Die Präsidentin lud ein.",
            ],
        ),
        (
            "de",
            "Am 12. März sprachen sie über das 19. Jahrhundert. Gut.",
            ["Am 12. März sprachen sie über das 19. Jahrhundert.", "Gut."],
        ),
        (
            "de",
            "Die Zahl stieg auf 12. Die Regierung schwieg.",
            ["Die Zahl stieg auf 12.", "Die Regierung schwieg."],
        ),
        ("de", "Man feierte den 1000. Geburtstag. Gut.", ["Man feierte den 1000. Geburtstag.", "Gut."]),
        (
            "en",
            "The treaty was signed in 2019. May brought new talks.",
            ["The treaty was signed in 2019.", "May brought new talks."],
        ),
        (
            "fr",
            "Le traité date de 2019. Le président a parlé.",
            ["Le traité date de 2019.", "Le président a parlé."],
        ),
        (
            "ru",
            "Договор подписан в 2019. Москва приветствовала это.",
            ["Договор подписан в 2019.", "Москва приветствовала это."],
        ),
    ],
)
def test_number_before_period(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_inline_list_after_colon():
    s = (
        "The main points: Aldoria pledged money for the border; the commission will meet again in the spring; "
        "Vestmark said transit would continue; and Holt invited Falk to the summit."
    )
    assert split_inline_list(s) == [
        "Aldoria pledged money for the border",
        "the commission will meet again in the spring",
        "Vestmark said transit would continue",
        "Holt invited Falk to the summit.",
    ]
    got = extract_claims(s, "en")
    assert [c.kind for c in got.claims] == ["list_item"] * 4
    assert split_inline_list("Note: one; two") is None  # items too short to be points
    assert split_inline_list("They discussed trade; energy was not raised.") is None  # no colon


def test_opening_with_a_name_in_parentheses_and_after_an_attribution_line():
    ja = ("3日,安倍晋三内閣総理大臣は,午前9時頃から約20分間,ドナルド・トランプ米国大統領(The Honorable Donald Trump, "
          "President of the United States of America)と電話会談を行ったところ,概要は以下のとおりです。\n"
          "両首脳は,北朝鮮情勢について意見交換を行いました。")
    got = extract_claims(ja, "ja", any_call_opening=True, keep_opening=True)
    assert [c.kind for c in got.claims] == ["opening", "sentence"]
    de = ("Zum Telefonat teilte Regierungssprecher Steffen Seibert mit:\n"
          "Bundeskanzlerin Angela Merkel und der russische Präsident Wladimir Putin haben heute ein Telefonat geführt.\n"
          "Sie sprachen über die Lage in der Ukraine.")
    got = extract_claims(de, "de", any_call_opening=True, keep_opening=True)
    assert [c.kind for c in got.claims] == ["sentence", "opening", "sentence"]
