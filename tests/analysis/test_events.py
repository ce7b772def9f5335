"""Grouping and due times as pure logic: names across scripts, parties, keys, placement, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onrecord.analysis.events import (
    ActorIndex,
    EventState,
    Features,
    Grouper,
    date_doubt,
    fold,
    item_features,
    relayed_speaker,
)
from onrecord.analysis.expect import due_time, human, overdue_text

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
ACTORS = ActorIndex(
    {
        "President of Aldoria": ["Holt"],
        "Chancellor of Vestmark": ["Falk"],
        "President of Rusovia": ["Громов", "Gromov"],
        "The Northern Ledger": [],
    },
    relays=["The Northern Ledger"],
)


def test_fold_spells_one_name_alike_across_scripts() -> None:
    assert fold("Хольт") == fold("Holt") == "holt"
    assert fold("Шольц") == fold("Scholz")
    assert fold("Фальком").startswith(fold("Falk"))
    assert fold("Holt's") == fold("Holt’s") == "holt"  # a possessive is the name, not "holz"


def test_mentions_find_inflected_names_in_other_scripts_but_not_longer_words() -> None:
    words = [fold(w) for w in ["Телефонный", "разговор", "с", "канцлером", "Фальком", "и", "Хольтом"]]
    assert ACTORS.mentions(words)[0] == {"Chancellor of Vestmark", "President of Aldoria"}
    assert ACTORS.mentions([fold("Holtzmannsdorf")])[0] == set()


def test_parties_come_from_headline_and_lead_not_a_passing_mention() -> None:
    readout = item_features(
        "Telefonat mit Präsident Holt",
        "Am 4. Mai sprach Bundeskanzler Falk mit Präsident Holt. Es ging um 250 Fachleute.",
        actor="Chancellor of Vestmark",
        url="u1",
        actors=ACTORS,
    )
    assert readout.parties == {"Chancellor of Vestmark", "President of Aldoria"}
    assert {"250", "4"} <= readout.keys
    aside = item_features(
        "Bundeskanzler eröffnet Krankenhaus in Steinau",
        "Das Krankenhaus hat 120 Betten. Der Kanzler erinnerte an Gespräche mit Holt.",
        actor="Chancellor of Vestmark",
        url="u2",
        actors=ACTORS,
    )
    assert aside.parties == {"Chancellor of Vestmark"}
    assert "President of Aldoria" in aside.named
    relay = item_features(
        "Holt and Falk discuss the pipeline",
        "Holt and Falk discussed it, 250 experts.",
        actor="The Northern Ledger",
        url="u3",
        actors=ACTORS,
    )
    assert relay.parties == {"Chancellor of Vestmark", "President of Aldoria"}  # the outlet is no party


def test_a_german_and_a_russian_readout_of_one_call_join_and_a_home_statement_does_not() -> None:
    g = Grouper()
    actors = ActorIndex({"President of Rusovia": ["Gromow", "Громов"], "Chancellor of Vestmark": ["Falk"]})
    de = item_features(
        "Telefonat mit Präsident Gromow",
        "Am 4. Mai telefonierte Bundeskanzler Falk mit Präsident Gromow. Besprochen wurden 312 Fachleute und "
        "740 Millionen.",
        actor="Chancellor of Vestmark",
        url="de",
        actors=actors,
    )
    ru = item_features(
        "Телефонный разговор с канцлером Фальком",
        "4 мая Президент Громов провёл переговоры с канцлером Фальком. Обсуждались 312 специалистов и 740 миллионов.",
        actor="President of Rusovia",
        url="ru",
        actors=actors,
    )
    home = item_features(
        "Президент Громов открыл больницу в Северске",
        "Президент Громов открыл больницу на 200 коек. Проект стоил 55 миллионов.",
        actor="President of Rusovia",
        url="home",
        actors=actors,
    )
    assert g.place(de, T0).event_id is None
    g.count(de)
    g.events[1] = EventState(1, T0, T0)
    g.events[1].add(de, T0)
    p = g.place(ru, T0 + timedelta(minutes=50))
    assert p.event_id == 1, p.why
    g.count(ru)
    g.events[1].add(ru, T0 + timedelta(minutes=50))
    assert g.place(home, T0 + timedelta(minutes=70)).event_id is None
    # the same address (a feed entry and its page) joins whatever the text
    assert g.place(de, T0 + timedelta(hours=3)).event_id == 1
    # too late: outside the window
    assert g.place(ru, T0 + timedelta(days=3)).event_id is None


def test_due_time_from_history_rule_or_nothing() -> None:
    d = due_time(T0, [1800, 3600, 5400], asked=3, rule_s=None)
    assert d.basis == "history" and d.usual_s == 5400
    assert d.due == T0 + timedelta(seconds=2 * 5400)
    assert "usually within 1 h 30 min" in d.why()
    short = due_time(T0, [1800], asked=1, rule_s=7200)
    assert short.basis == "rule" and short.due == T0 + timedelta(hours=2)
    assert due_time(T0, [1800], asked=1, rule_s=None).due is None  # no history, no rule: never fires
    rarely = due_time(T0, [1800, 1800, 1800], asked=9, rule_s=None)
    assert rarely.due is None  # answers a third of the time: nothing to expect
    assert overdue_text(d, 9 * 3600) == "usually within 1 h 30 min; 9 h so far"
    assert human(45 * 60) == "45 min" and human(2 * 86400) == "2 d"


def test_a_late_answer_in_the_history_is_not_the_usual_delay() -> None:
    d = due_time(T0, [1800, 3600, 5400, 8 * 3600], asked=4, rule_s=None)
    assert d.usual_s == 5400  # the 8 h answer was itself late


def test_two_accounts_that_differ_on_a_figure_still_join_but_another_call_with_other_figures_does_not() -> None:
    actors = ActorIndex({"President of Aldoria": ["Holt"], "Chancellor of Vestmark": ["Falk"]})
    g = Grouper()
    for i in range(30):  # what else was said lately: rarity means something
        g.count(Features("Someone", frozenset(), frozenset(), frozenset({str(500 + i), "2020"}), f"bg{i}"))
    en = item_features(
        "Readout of President Holt's Call with Chancellor Falk",
        "President Holt spoke today with Chancellor Falk. Aldoria will provide 40 million; the 2019 treaty stands.",
        actor="President of Aldoria",
        url="en",
        actors=actors,
    )
    g.count(en)
    g.events[1] = EventState(1, T0, T0)
    g.events[1].add(en, T0)
    de = item_features(
        "Bundeskanzler Falk telefoniert mit Präsidentin Holt",
        "Bundeskanzler Falk hat mit Präsidentin Holt telefoniert. Aldorien gibt 35 Millionen; Vertrag von 2019.",
        actor="Chancellor of Vestmark",
        url="de",
        actors=actors,
    )
    assert g.place(de, T0 + timedelta(minutes=15)).event_id == 1  # 35 against 40: a difference, not an event
    other = item_features(
        "Telefonat mit Präsidentin Holt",
        "Bundeskanzler Falk sprach mit Präsidentin Holt über 312 Fachleute und 741 Millionen.",
        actor="Chancellor of Vestmark",
        url="de2",
        actors=actors,
    )
    assert g.place(other, T0 + timedelta(hours=2)).event_id is None  # none of its figures: another call


def test_a_short_name_is_not_the_start_of_another_word() -> None:
    actors = ActorIndex({"Prime Minister of Japan": ["Abe"], "President of Russia": ["Putin"]})
    f = item_features(
        "", "Die Kanzlerin hat gestern Abend mit Präsident Putin telefoniert.", actor=None, url="x", actors=actors
    )
    assert f.named == {"President of Russia"}


def test_relayed_speaker_is_the_actor_a_claim_attributes_words_to() -> None:
    ru = "Помощник президента Громова Сорокин заявил, что разговор с Хольтом был конструктивным."
    assert relayed_speaker("Помощник Громова о разговоре", ru, "ru", ACTORS) == "President of Rusovia"
    en = "The talks with Falk covered energy, Holt's spokesman said."
    assert relayed_speaker("Talks on energy", en, "en", ACTORS) == "President of Aldoria"
    # words attributed to no known actor, or to the relay itself: no speaker
    assert (
        relayed_speaker("Holt and Falk talk", "Holt and Falk discussed energy, their offices said.", "en", ACTORS)
        is None
    )
    assert relayed_speaker("x", "Energy was discussed, The Northern Ledger said.", "en", ACTORS) is None


def test_date_doubt_names_missing_future_and_distant_stated_dates() -> None:
    assert date_doubt(T0, None, dated=False) is None  # a page: nothing stated, nothing to doubt
    assert date_doubt(T0, None, dated=True) == "no stated date"
    assert date_doubt(T0, T0 - timedelta(minutes=40), dated=True) is None  # within a slow poll
    assert date_doubt(T0, T0 - timedelta(hours=5), dated=True) == "stated date differs by 5 h"
    assert date_doubt(T0, T0 + timedelta(minutes=5), dated=True) is None  # clocks differ a little
    assert date_doubt(T0, T0 + timedelta(hours=3), dated=True) == (
        "stated date is 3 h after it was first seen (in the future)"
    )
