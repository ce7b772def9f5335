"""Regressions for the errors the demo readout pair showed (issue 4): month periods in dates, title-only
agents, compound sentences aligned clause by clause, leftover alignment, row order. Stand-in encoder;
the real-model check of the demo pair itself is in test_eval.py."""

from __future__ import annotations

import pytest

from onrecord.analysis.actors import title_holders
from onrecord.analysis.claims import split_clauses
from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.embed import HashEncoder
from onrecord.analysis.labels import label_pair
from onrecord.analysis.quantities import extract_dates

ENC = HashEncoder()


@pytest.mark.parametrize(
    ("text", "lang", "dates"),
    [
        ("bis Ende Mai", "de", {"m5-late"}),
        ("Anfang Juni", "de", {"m6-early"}),
        ("Mitte März", "de", {"m3-mid"}),
        ("by the end of May", "en", {"m5-late"}),
        ("in early June", "en", {"m6-early"}),
        ("in mid-October", "en", {"m10-mid"}),
        ("в конце мая", "ru", {"m5-late"}),
        ("в начале июня", "ru", {"m6-early"}),
        ("fin mai", "fr", {"m5-late"}),
        ("début juin", "fr", {"m6-early"}),
        ("à la mi-mars", "fr", {"m3-mid"}),
        ("五月底", "zh", {"m5-late"}),
        ("6月初", "zh", {"m6-early"}),
        ("3月中旬", "zh", {"m3-mid"}),
        ("im Juni", "de", {"m6"}),
        ("in June", "en", {"m6"}),
        ("en mai", "fr", {"m5"}),
        ("They may meet in the spring.", "en", {"r3-5"}),  # "may" the verb; the season is a date
        ("The summit may take place.", "en", set()),
        ("la libération de sept prisonniers", "fr", set()),  # seven, not September (found on held-out)
        ("by 3 Sept 2025", "en", {"m9-d3", "y2025"}),
    ],
)
def test_month_periods(text, lang, dates):
    assert extract_dates(text, lang) == dates


@pytest.mark.parametrize(
    ("a", "b", "la", "lb", "label"),
    [
        (
            "The panel will meet again by 12 March.",
            "Das Gremium soll bis Ende April wieder tagen.",
            "en",
            "de",
            "conflict",
        ),
        ("The panel will meet in early May.", "Le comité se réunira fin mai.", "en", "fr", "conflict"),
        ("The fair opens in June.", "Die Messe öffnet im Juni.", "en", "de", "agree"),
        # a day inside the other side's part of the month: compatible, the day is a detail (partial)
        ("The talks resume on 14 October.", "Переговоры возобновятся в середине октября.", "en", "ru", "partial"),
        ("The talks resume at the end of October.", "会谈将于十月底恢复。", "en", "zh", "agree"),
        ("The talks resume at the end of October.", "会谈将于十月初恢复。", "en", "zh", "conflict"),
    ],
)
def test_dates_compared_at_the_granularity_both_give(a, b, la, lb, label):
    got = label_pair(a, b, la, lb)
    assert got.label == label, got
    if label == "conflict":
        assert got.reasons[0].startswith("dates:")


def test_title_only_agent_is_no_conflict():
    a = "Premier Ansel Korr invited Queen Ilva to the harbour festival."
    for b, lb in [
        ("Der Premier lud die Königin zum Hafenfest ein.", "de"),
        ("Le premier ministre a invité la reine au festival du port.", "fr"),
        ("Премьер пригласил королеву на праздник порта.", "ru"),
    ]:
        assert label_pair(a, b, "en", lb).label == "agree", b
    # the president of one side, by title, against the same person named on the other
    assert label_pair("President Odile Marsan proposed a ceasefire.", "总统提议停火。", "en", "zh").label == "agree"


def test_agents_resolved_through_the_opening():
    holders = title_holders(["Kanzlerin Britta Lohm", "dem Präsidenten Paul Ferrand von Sauvonne"])
    assert holders["kanzlerin"] and holders["prasident"]
    a = "President Ferrand proposed a joint naval exercise."
    same = label_pair(a, "Der Präsident schlug eine gemeinsame Marineübung vor.", "en", "de", holders_b=holders)
    assert same.label == "agree", same
    swapped = label_pair(a, "Die Kanzlerin schlug eine gemeinsame Marineübung vor.", "en", "de", holders_b=holders)
    assert swapped.label == "conflict" and swapped.reasons[0].startswith("agent"), swapped
    # two different named people still conflict; a title two people hold in the opening resolves to no one
    assert label_pair(a, "Kanzlerin Lohm schlug eine gemeinsame Marineübung vor.", "en", "de").label == "conflict"
    both = title_holders(["President Ana Pell", "President Rui Costa"])
    assert "president" not in both


def test_split_clauses():
    s = (
        "The ministers reviewed the harvest after the drought in the Ossel plain, "
        "and the Minister offered seed aid to farmers."
    )
    assert split_clauses(s) == [
        "The ministers reviewed the harvest after the drought in the Ossel plain",
        "the Minister offered seed aid to farmers.",
    ]
    assert split_clauses("They discussed trade, energy, and the climate.") == [
        "They discussed trade, energy, and the climate."
    ]
    de = "Die Minister sprachen über die Ernte nach der Dürre, und der Minister bot Saatgut für die Bauern an."
    assert len(split_clauses(de)) == 2
    assert len(split_clauses("双方讨论了港口和航运合作问题，并同意年内举行第二轮会谈。")) == 2


def test_compound_sentence_aligns_to_two_claims_many_to_one():
    a = (
        "The ministers reviewed grain harvest drought damage in the Ossel plain, "
        "and the Minister offered seed aid to farmers.\nRail freight tariffs were cut by ten percent."
    )
    b = (
        "Grain harvest drought damage in the Ossel plain was reviewed.\n"
        "Seed aid to farmers was offered by the Minister.\nRail freight tariffs were cut by ten percent."
    )
    c = compare(Statement(a, lang="en"), Statement(b, lang="en"), ENC)
    rows = [(p.a, p.b, p.label) for p in c.pairs]
    # one row per covered claim, each labelled on its own clause (the clause convention)
    assert rows[:2] == [("a1", "b1", "agree"), ("a1", "b2", "agree")], rows
    assert rows[2] == ("a2", "b3", "agree")
    assert c.claim("a1").text.endswith("seed aid to farmers.")  # the row shows the whole sentence


def test_only_b_rows_sit_next_to_their_neighbours():
    a = "Weather forecast umbrellas rain clouds.\nEnergy cooperation gas pipeline north.\nTrade grew twelve percent."
    b = "Football match stadium tonight crowd.\nEnergy cooperation gas pipeline north.\nTrade grew twelve percent."
    c = compare(Statement(a, lang="en"), Statement(b, lang="en"), ENC)
    rows = [(p.a, p.b, p.label) for p in c.pairs]
    assert rows == [
        ("a1", None, "only_a"),
        (None, "b1", "only_b"),
        ("a2", "b2", "agree"),
        ("a3", "b3", "agree"),
    ], rows
    b2 = "Energy cooperation gas pipeline north.\nFootball match stadium tonight crowd.\nTrade grew twelve percent."
    rows2 = [(p.a, p.b, p.label) for p in compare(Statement(a, lang="en"), Statement(b2, lang="en"), ENC).pairs]
    assert rows2.index((None, "b2", "only_b")) == rows2.index(("a2", "b1", "agree")) + 1, rows2
