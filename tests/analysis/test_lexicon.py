"""Dates, numbers and actors in languages without hand-written lists (CLDR names through Babel, number
words from num2words), relative years, and the event's two sides."""

from __future__ import annotations

import pytest

from onrecord.analysis.actors import event_parties
from onrecord.analysis.claims import extract_claims, split_sentences
from onrecord.analysis.labels import label_pair
from onrecord.analysis.lexicon import month_names, number_words, scale_words, weekday_names
from onrecord.analysis.quantities import event_year, extract_dates, extract_numbers


def test_lexicon_comes_from_cldr_and_num2words():
    months = month_names()
    assert months["października"] == 10 and months["październik"] == 10  # Polish genitive and nominative
    assert months["março"] == 3 and months["ekim"] == 10 and months["березня"] == 3
    assert "mar" not in months  # abbreviations are not taken (Portuguese "mar" is the sea)
    assert weekday_names()["woensdag"] == 3 and weekday_names()["水曜日"] == 3
    assert scale_words()["mln"] == 1e6 and scale_words()["milhões"] == 1e6 and scale_words()["億"] == 1e8
    assert number_words("pt")["seis"] == 6 and number_words("nl")["vijfenveertig"] == 45
    assert number_words("xx") == {}


@pytest.mark.parametrize(
    "text, lang, numbers",
    [
        ("W rejestrze figuruje 6,3 mln osób.", "pl", {6.3e6}),
        ("Uma ajuda de 12 milhões de euros.", "pt", {12e6}),
        ("Een lening van 2,5 miljard euro.", "nl", {2.5e9}),
        ("2,5 milyar dolarlık yatırım.", "tr", {2.5e9}),
        ("Допомога на 12 млн гривень.", "uk", {12e6}),
        ("50億円の支援", "ja", {5e9}),
        ("Uma equipa com 85 elementos e seis cães.", "pt", {85.0, 6.0}),
        ("Quarenta e cinco dias.", "pt", {45.0}),
    ],
)
def test_numbers_in_more_languages(text, lang, numbers):
    assert extract_numbers(text, lang) == numbers


@pytest.mark.parametrize(
    "text, lang, dates",
    [
        ("Kolejne spotkanie zaplanowano na 16 października.", "pl", {"m10-d16"}),
        ("A ponte aérea funcionará a partir de 9 de março.", "pt", {"m3-d9"}),
        ("Op woensdag 15 oktober 2025 sprak de minister.", "nl", {"wd3", "m10-d15", "y2025"}),
        ("Görüşme 15 Ekim 2025 tarihinde yapıldı.", "tr", {"m10-d15", "y2025"}),
        ("Зустріч відбулася 3 березня 2026 року.", "uk", {"m3-d3", "y2026"}),
    ],
)
def test_dates_in_more_languages(text, lang, dates):
    assert extract_dates(text, lang) == dates


def test_wrong_day_in_portuguese_is_a_date_conflict():
    lab = label_pair(
        "A ponte aérea entre Harbury e Solvane funcionará a partir de 9 de março.",
        "The air bridge between Harbury and Solvane will operate from 8 March.",
        "pt",
        "en",
    )
    assert lab.label == "conflict" and lab.reasons[0].startswith("dates")


def test_scaled_numbers_agree_across_formats():
    assert label_pair("Rejestr liczy 6,3 mln wyborców.", "6.3 million voters are registered.", "pl", "en").label == (
        "agree"
    )


def test_a_year_read_as_a_number_on_one_side_is_the_same_year():
    lab = label_pair(
        "Trade between the two countries reached 4.1 billion euros in 2023.",
        "Das Handelsvolumen belief sich 2023 auf 4,1 Mrd. Euro.",
        "en",
        "de",
    )
    assert lab.label == "agree", lab


def test_relative_years_resolve_against_the_event_year():
    a = "The next round of talks will take place in Osterlund next year."
    b = "La próxima ronda tendrá lugar en Osterlund en 2027."
    assert label_pair(a, b, "en", "es", year=2026).label == "agree"
    lab = label_pair(a, b, "en", "es", year=2025)
    assert lab.label == "conflict" and lab.reasons[0].startswith("dates")
    # without the event's year the two cannot be compared: not a difference
    assert label_pair(a, b, "en", "es").label == "agree"
    zh, en = "双方同意年内召开工作组首次会议。", "The working group will first meet in 2027."
    lab = label_pair(zh, en, "zh", "en", year=2026)
    assert lab.label == "conflict" and lab.reasons[0].startswith("dates")


def test_event_year_needs_exactly_one_year():
    assert event_year("President Ardo spoke with Chancellor Weil on 3 May 2026.", "en") == 2026
    assert event_year("President Ardo spoke with Chancellor Weil on Monday.", "en") is None


def test_year_abbreviation_after_a_year_ends_a_polish_sentence():
    text = "Rozmowa dotyczyła wyborów zaplanowanych na 19 października 2025 r. Misja liczy 240 obserwatorów."
    assert split_sentences(text, "pl") == [
        "Rozmowa dotyczyła wyborów zaplanowanych na 19 października 2025 r.",
        "Misja liczy 240 obserwatorów.",
    ]


def test_english_abbreviations_are_words_in_other_languages():
    text = "El ministro propuso un doctorado en ciencias del mar. Los ministros visitaron el puerto."
    assert len(split_sentences(text, "es")) == 2
    assert len(split_sentences("The vote is on Mar. 5 in the capital.", "en")) == 1


@pytest.mark.parametrize(
    "opening, lang",
    [
        ("Bundespräsident Arno Weil hat vom 4. bis 6. Mai 2026 einen Staatsbesuch in Osterlund absolviert.", "de"),
        ("9–10 октября 2025 года в Лорне состоялись консультации по вопросам безопасности.", "ru"),
        ("Minister Ewa Lis spotkała się 2 października 2025 r. z ambasadorem Osterlundu Peterem Hale.", "pl"),
    ],
)
def test_dated_first_sentence_is_the_opening_in_any_language(opening, lang):
    got = extract_claims(opening + " Die Seiten berieten über Energie.", lang, any_call_opening=True)
    assert got.event is not None and got.event.text == opening
    assert len(got.claims) == 1


def test_dated_first_sentence_without_names_stays_a_claim():
    got = extract_claims("Heavy rain fell on 5 May over the port. The ministers met.", "en", any_call_opening=True)
    assert got.event is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("The President invited the Prime Minister to visit Osterlund, and he accepted.", "The President invited "
         "the Prime Minister to visit Osterlund."),
        ("Minister Hale nahm die Einladung der Regierung zu einem Besuch im Frühjahr an.", "Minister Hale was "
         "invited by the government to visit in spring."),
        ("Minister Lis przyjęła zaproszenie do złożenia wizyty.", "Minister Lis was invited to visit."),
    ],
)
def test_acceptance_is_a_detail(a, b):
    lab = label_pair(a, b, "und", "und")
    assert "detail_only_a: acceptance" in lab.reasons, lab


OPENINGS = [
    ("Il Ministro della Pesca di Ostrava, Marco Velli", "la Ministra di Lindholm, Greta Sand"),
    ("Die Ministerin Lindholms, Greta Sand", "dem ostravischen Minister Marco Velli"),
]


def test_event_parties_group_people_with_their_country():
    parties = event_parties(*OPENINGS)
    assert parties is not None
    velli = next(p for p in parties if "veli" in p)  # "Velli" keyed by sound
    assert "ostr" in velli and "mark" in velli and "sand" not in velli  # "Marco" keyed by sound: "mark"
    assert event_parties(("the two national teams met", None)) is None


def test_agent_by_proposal_is_resolved_to_the_event_side():
    parties = event_parties(*OPENINGS)
    a = "Il Ministro Velli ha proposto di estendere il fermo a 40 giorni."
    other_side = "Auf Vorschlag Lindholms soll die Schonzeit auf 40 Tage verlängert werden."
    same_side = "Auf Vorschlag Ostravas soll die Schonzeit auf 40 Tage verlängert werden."
    lab = label_pair(a, other_side, "it", "de", parties=parties)
    assert lab.label == "conflict" and lab.reasons[0].startswith("agent"), lab
    assert label_pair(a, same_side, "it", "de", parties=parties).label == "agree"


@pytest.mark.parametrize(
    "a, b, la, lb",
    [
        (
            "The minister said the detention was in breach of the 2001 consular convention.",
            "Die Festnahme stand im Einklang mit dem Konsularabkommen von 2001.",
            "en",
            "de",
        ),
        (
            "O navio encontrava-se fora da zona económica exclusiva de Ostrava.",
            "The vessel was fishing inside Ostrava's exclusive economic zone.",
            "pt",
            "en",
        ),
    ],
)
def test_opposite_terms_are_a_negation_conflict(a, b, la, lb):
    lab = label_pair(a, b, la, lb)
    assert lab.label == "conflict" and lab.reasons[0].startswith("negation: opposite terms"), lab


def test_same_pole_on_both_sides_is_no_conflict():
    a = "The flight was in line with international rules."
    b = "Der Flug stand im Einklang mit den internationalen Regeln."
    assert label_pair(a, b, "en", "de").label == "agree"


@pytest.mark.parametrize(
    "hedged, lang",
    [
        ("Araçlarında sözde kaçak sigara bulunduğu belirtildi.", "tr"),
        ("Teriam sido encontradas a bordo 11 toneladas de pescada.", "pt"),
        ("Rzekomo przemycano papierosy.", "pl"),
        ("De zogenaamde smokkel werd besproken.", "nl"),
    ],
)
def test_hedges_in_more_languages(hedged, lang):
    lab = label_pair(hedged, "Smuggled cigarettes and 11 tonnes of hake were found.", lang, "en")
    assert any(r.startswith("hedge") for r in lab.reasons), lab


def test_turkish_negation_inside_the_verb():
    from onrecord.analysis.cues import is_negated

    assert is_negated("Konsolosluk erişimi taleplerine olumlu yanıt verilmemiştir.")
    assert not is_negated("Konsolosluk erişimi taleplerine olumlu yanıt verilmiştir.")
    assert not is_negated("The minister discussed immediate medical aid.")  # "medi" outside Turkish text


# --- negation, hedges, dates and numbers in more languages (pt, nl, sv, pl, uk, cs, ja, ko) --------

@pytest.mark.parametrize(
    "negated, plain, lang",
    [
        ("Os ministros não discutiram a questão.", "Os ministros discutiram a questão.", "pt"),
        ("De ministers hebben geen akkoord bereikt.", "De ministers hebben een akkoord bereikt.", "nl"),
        ("Ministrarna diskuterade inte frågan.", "Ministrarna diskuterade frågan.", "sv"),
        ("Ministrowie odrzucili propozycję.", "Ministrowie przyjęli propozycję.", "pl"),
        ("Сторони не підписали угоду.", "Сторони підписали угоду.", "uk"),
        ("Strany nepodepsaly dohodu.", "Strany podepsaly dohodu.", "cs"),
        ("Dohoda nebude podepsána.", "Dohoda bude podepsána.", "cs"),
        ("両国は合意しなかった。", "両国は合意した。", "ja"),
        ("양측은 합의하지 않았다.", "양측은 합의했다.", "ko"),
    ],
)
def test_negation_in_more_languages(negated, plain, lang):
    from onrecord.analysis.cues import is_negated

    assert is_negated(negated, lang) and not is_negated(plain, lang)
    lab = label_pair(negated, plain, lang, lang)
    assert lab.label == "conflict" and lab.reasons[0].startswith("negation"), lab


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ministr navštívil nemocnici a nedávno otevřené centrum.", "cs"),  # nouns and adverbs built on ne-
        ("Jednání se uskuteční v Praze nebo v Brně.", "cs"),  # "nebo" = or
        ("両国は経済だけでなく文化でも協力する。", "ja"),  # "not only"
        ("両国は少ない資源を共有する。", "ja"),  # 少ない = few
        ("양측은 경제뿐만 아니라 문화에서도 협력한다.", "ko"),  # "not only"
    ],
)
def test_no_negation_where_the_letters_only_look_like_one(text, lang):
    from onrecord.analysis.cues import is_negated

    assert not is_negated(text, lang)


@pytest.mark.parametrize(
    "hedged, lang",
    [
        ("Den så kallade gränsincidenten diskuterades.", "sv"),
        ("Údajný incident na hranici byl projednán.", "cs"),
        ("이른바 국경 사건이 논의되었다.", "ko"),
    ],
)
def test_hedges_in_sv_cs_ko(hedged, lang):
    lab = label_pair(hedged, "The border incident was discussed.", lang, "en")
    assert lab.label == "conflict" and lab.reasons[0].startswith("hedge"), lab


def test_korean_dates_and_numbers_read_like_chinese():
    assert extract_dates("양측은 2026년 3월 15일 회담을 열었다.", "ko") == {"y2026", "m3-d15"}
    assert extract_dates("3월 말까지 합의하기로 했다.", "ko") == {"m3-late"}
    assert extract_dates("상반기에 방문한다.", "ko") == {"r1-6"}
    assert extract_numbers("무역액은 15억 달러에 달했다.", "ko") == {1.5e9}
    assert extract_numbers("3만 명이 대피했다.", "ko") == {30000.0}
    lab = label_pair("무역액은 15억 달러에 달했다.", "Trade reached 1.2 billion dollars.", "ko", "en")
    assert lab.label == "conflict" and lab.reasons[0].startswith("numbers"), lab
    lab = label_pair("장관은 5월 중순에 방문한다.", "Der Minister besucht das Land Mitte Mai.", "ko", "de")
    assert lab.label == "agree", lab


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ministrarna träffas igen nästa år.", "sv"),
        ("Ministři se znovu setkají v příštím roce.", "cs"),
        ("장관들은 내년에 다시 만난다.", "ko"),
    ],
)
def test_next_year_in_sv_cs_ko(text, lang):
    assert "Y+1" in extract_dates(text, lang)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("De werkgroep doet voor het einde van het jaar voorstellen.", "nl"),
        ("O grupo apresentará propostas até ao final do ano.", "pt"),
        ("Grupa przedstawi propozycje do końca roku.", "pl"),
        ("Gruppen lägger fram förslag före slutet av året.", "sv"),
        ("Skupina předloží návrhy do konce roku.", "cs"),
        ("실무그룹은 연말까지 제안을 제출한다.", "ko"),
    ],
)
def test_year_end_in_more_languages(text, lang):
    assert "m12-late" in extract_dates(text, lang)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ministrarna diskuterade frågan om energi och handel.", "sv"),
        ("Bakanlar ticaret ve enerji konularını ele aldı.", "tr"),
        ("Ministr navštívil nemocnici v Brně.", "cs"),
        ("Setkání se uskuteční nebo odloží.", "cs"),
    ],
)
def test_language_detection_sv_tr_cs(text, lang):
    from onrecord.analysis.lang import detect_language

    assert detect_language(text) == lang


def test_turkish_year_end():
    assert "m12-late" in extract_dates("Müzakerelerin yıl sonuna kadar tamamlanması hedefleniyor.", "tr")


# --- who carries something out: bodies of the two sides --------------------------------------------

PARTIES_AW = event_parties(
    ("Minister Luz Ocaranza of Alcanara", "Secretary Peter Ashdown of Westerlyn"),
)


@pytest.mark.parametrize(
    "a, la",
    [
        ("La campaña será coordinada por el Instituto Nacional de Salud de Alcanara.", "es"),
        ("La campagne sera coordonnée par l'Institut national de santé d'Alcanara.", "fr"),
        ("Die Kampagne wird vom Gesundheitsinstitut Alcanaras koordiniert.", "de"),
        ("Проведение кампании поручено Национальному институту здравоохранения Алканары.", "ru"),
    ],
)
def test_doers_of_different_sides_conflict(a, la):
    b = "Experts from the Westerlyn Health Protection Agency will coordinate the campaign."
    lab = label_pair(a, b, la, "en", parties=PARTIES_AW)
    assert lab.label == "conflict" and lab.reasons[0].startswith("agent"), lab


def test_doers_need_the_event_sides():
    a = "La campaña será coordinada por el Instituto Nacional de Salud."
    b = "The National Health Institute will coordinate the campaign."  # the same body, translated
    assert label_pair(a, b, "es", "en", parties=PARTIES_AW).label == "agree"
    a2 = "La campaña será coordinada por el Instituto Nacional de Salud de Alcanara."
    b2 = "Experts from the Westerlyn Health Protection Agency will coordinate the campaign."
    assert label_pair(a2, b2, "es", "en").label == "agree"  # no openings: cannot tell the sides apart


def test_event_parties_from_an_opening_that_runs_on():
    parties = event_parties(
        (
            "La ministra de Salud, Dra. Luz Marina Ocaranza, mantuvo este jueves una videoconferencia",
            "el secretario de Salud del Reino de Westerlyn, Peter Ashdown, para coordinar la respuesta en Serraluz",
        ),
        (
            "Health Secretary Peter Ashdown held a video call today",
            "Alcanara's Minister of Health, Dr Luz Marina Ocaranza, on the outbreak in Serraluz province",
        ),
    )
    assert parties is not None
    side_a = next(p for p in parties if "okar" in p)  # keys by sound: Ocaranza -> "okar"
    assert "alka" in side_a and "vest" not in side_a  # the second opening joined, by most names


@pytest.mark.parametrize(
    "hedged, lang",
    [
        ("Según los primeros análisis, el brote podría deberse a una nueva cepa del virus.", "es"),
        ("The outbreak is probably caused by a new strain of the virus.", "en"),
        ("Der Ausbruch geht vermutlich auf einen neuen Virusstamm zurück.", "de"),
        ("Вспышка, вероятно, вызвана новым штаммом вируса.", "ru"),
    ],
)
def test_epistemic_hedge_on_one_side_is_a_conflict(hedged, lang):
    sure = "Sequencing has shown that the outbreak is caused by a new strain of the virus."
    lab = label_pair(hedged, sure, lang, "en")
    assert lab.label == "conflict" and lab.reasons[0].startswith("hedge"), lab


def test_modal_verbs_that_are_not_hedges():
    from onrecord.analysis.cues import hedges

    assert hedges("The agreement could be signed next year.") == ()
    assert hedges("The ministers may meet again in May.") == ()
    assert hedges("Las partes podrían firmar el acuerdo en mayo.") == ()
    assert hedges("Das Zentrum soll bis 2027 fertig sein.") == ()  # "is to be", not hearsay
    assert hedges("Die Arbeiten sollen bis Mai abgeschlossen sein.") == ()


# --- numbers, dates and cues found wanting on development set 4 (blind4/, studied after its one measurement) ---


@pytest.mark.parametrize(
    "text, lang, value",
    [
        ("Les ministres ont convenu de la restitution des cent vingt-sept pièces.", "fr", 127.0),
        ("Two hundred and forty tonnes of aid were delivered.", "en", 240.0),
        ("Deux cents bourses seront attribuées.", "fr", 200.0),
        ("The leaders marked the sixtieth anniversary of relations.", "en", 60.0),
        ("Die Staatschefs würdigten den sechzigsten Jahrestag der Beziehungen.", "de", 60.0),
        ("Con motivo del centenario de sus relaciones diplomáticas.", "es", 100.0),
        ("双方同意召开第十五次经贸联委会。", "zh", 15.0),
        ("양측은 제15차 경제무역공동위원회를 개최하기로 했다.", "ko", 15.0),
        ("양국 교역액은 지난해 1,860억 달러를 기록했다.", "ko", 1.86e11),
        ("两国贸易额达到1,860亿美元。", "zh", 1.86e11),
        ("수교 60주년을 맞았다.", "ko", 60.0),
    ],
)
def test_hundreds_ordinals_and_cjk_forms(text, lang, value):
    assert extract_numbers(text, lang) == {value}


def test_second_and_first_are_no_counts():
    assert extract_numbers("The sides held a second round of talks.", "en") == set()
    assert extract_numbers("第一次会议在北京举行。", "zh") == set()


@pytest.mark.parametrize(
    "text, lang, season",
    [
        ("Урочиста передача відбудеться навесні наступного року.", "uk", "r3-5"),
        ("De werkgroep komt in het voorjaar bijeen.", "nl", "r3-5"),
        ("Grevelius besöker Radowia under hösten.", "sv", "r9-11"),
        ("首相は来春に訪問する。", "ja", "r3-5"),
        ("총리는 가을에 방문한다.", "ko", "r9-11"),
    ],
)
def test_seasons_in_more_languages(text, lang, season):
    assert season in extract_dates(text, lang)


def test_french_ete_after_an_auxiliary_is_no_summer():
    assert extract_dates("Un accord a été signé à cette occasion.", "fr") == set()
    assert "r6-8" in extract_dates("La visite aura lieu en été.", "fr")


def test_chinese_words_with_wu_are_no_negation():
    from onrecord.analysis.cues import is_negated

    assert not is_negated("王立衡要求汐见方立即无条件释放全部被扣人员。")
    assert not is_negated("双方同意加强无人机领域合作。")
    assert is_negated("双方未能达成协议。")


@pytest.mark.parametrize(
    "a, la, b, lb",
    [
        ("本会談は、澤川側の要請により行われました。", "ja", "此次通话是应汐见方请求举行的。", "zh"),
        ("The call took place at the request of Minister Park.", "en", "이번 회담은 천 부장의 초청으로 열렸다.", "ko"),
    ],
)
def test_initiative_in_japanese_and_korean(a, la, b, lb):
    from onrecord.analysis.cues import find_initiative

    assert find_initiative(a) and find_initiative(b)


def test_initiative_japanese_vs_chinese_conflict():
    lab = label_pair("本会談は、澤川側の要請により行われました。", "此次通话是应汐见方请求举行的。", "ja", "zh")
    assert lab.label == "conflict" and lab.reasons[0].startswith("initiative"), lab


@pytest.mark.parametrize(
    "hedged, lang",
    [
        ("Der Ausbruch soll von einem Geflügelbetrieb ausgegangen sein.", "de"),
        ("According to unconfirmed reports, the outbreak began at a poultry farm.", "en"),
        ("Según datos no confirmados, el brote comenzó en una granja avícola.", "es"),
    ],
)
def test_hearsay_and_unconfirmed_are_hedges(hedged, lang):
    lab = label_pair(hedged, "The outbreak began at a poultry farm.", lang, "en")
    assert lab.label == "conflict" and lab.reasons[0].startswith("hedge"), lab


def test_ukrainian_proposal_is_an_agent():
    from onrecord.analysis.actors import find_agent

    assert find_agent("Олена Кравецька запропонувала провести спільну виставку.") == "Олена Кравецька"


@pytest.mark.parametrize(
    "text, lang, half",
    [
        ("Ostateczna decyzja ma zapaść w pierwszej połowie 2026 r.", "pl", "r1-6"),
        ("De werkgroep rapporteert in de tweede helft van het jaar.", "nl", "r7-12"),
        ("Beslutet väntas under första halvåret.", "sv", "r1-6"),
        ("Рішення ухвалять у другому півріччі.", "uk", "r7-12"),
        ("Karar yılın ilk yarısında alınacak.", "tr", "r1-6"),
        ("決定は上半期に行われる。", "ja", "r1-6"),
    ],
)
def test_half_years_in_more_languages(text, lang, half):
    assert half in extract_dates(text, lang)


def test_relative_year_is_resolved_before_a_bare_year_is_read():
    a = "両首脳は、来年を「友好年」とすることで一致しました。"
    b = "Ambos líderes acordaron declarar 2026 como «Año de la Amistad»."
    assert label_pair(a, b, "ja", "es", year=2025).label == "agree"
    assert label_pair(a, b.replace("2026", "2027"), "ja", "es", year=2025).label != "agree"


# --- Romanian, Greek and Arabic ------------------------------------------------------------------


@pytest.mark.parametrize(
    "negated, plain, lang",
    [
        ("Părțile nu au semnat acordul.", "Părțile au semnat acordul.", "ro"),
        ("Οι δύο πλευρές δεν υπέγραψαν τη συμφωνία.", "Οι δύο πλευρές υπέγραψαν τη συμφωνία.", "el"),
        ("لم يوقع الطرفان على الاتفاق.", "وقع الطرفان على الاتفاق.", "ar"),
    ],
)
def test_negation_ro_el_ar(negated, plain, lang):
    from onrecord.analysis.cues import is_negated

    assert is_negated(negated, lang) and not is_negated(plain, lang)


def test_dutch_nu_is_no_romanian_negation():
    from onrecord.analysis.cues import is_negated

    assert not is_negated("De ministers spreken nu over handel.", "nl")


@pytest.mark.parametrize(
    "hedged, lang",
    [
        ("Așa-zisul incident a fost discutat.", "ro"),
        ("Συζητήθηκε το δήθεν επεισόδιο.", "el"),
        ("نوقش الحادث المزعوم.", "ar"),
    ],
)
def test_hedges_ro_el_ar(hedged, lang):
    lab = label_pair(hedged, "The incident was discussed.", lang, "en")
    assert lab.label == "conflict" and lab.reasons[0].startswith("hedge"), lab


@pytest.mark.parametrize(
    "text",
    [
        "Convorbirea a avut loc la cererea părții germane.",
        "Η συνομιλία έγινε κατόπιν αιτήματος της ελληνικής πλευράς.",
        "جرى الاتصال بناءً على طلب الجانب الفرنسي.",
    ],
)
def test_initiative_ro_el_ar(text):
    from onrecord.analysis.cues import find_initiative

    assert find_initiative(text)


def test_dates_and_numbers_ro_el_ar():
    assert extract_dates("في 15 مارس 2026", "ar") >= {"m3-d15"}
    assert extract_dates("στις 15 Μαρτίου", "el") == {"m3-d15"}
    assert extract_dates("pe 15 martie", "ro") == {"m3-d15"}
    assert extract_numbers("patruzeci și cinci de tone", "ro") == {45.0}


def test_not_only_and_especially_are_no_negation():
    from onrecord.analysis.cues import is_negated

    assert not is_negated("Cooperarea vizează nu numai energia, ci și transporturile.", "ro")
    assert not is_negated("ناقش الطرفان التعاون، لا سيما في مجال الطاقة.", "ar")
