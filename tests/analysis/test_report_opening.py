"""Report check with the real default model: the opening of a statement ("X spoke by telephone with Y")
shares the participants with every point of a report and resembles each one. It supports a point only when
the point speaks of the call or meeting itself; a point about something else (background, what one leader
will do) is matched against the other sentences, whose own margin decides. A sentence that is about as
close to the report's other points as to this one (a generic one) does not support it either (issue 14, goal 7)."""

from __future__ import annotations

import pytest

from onrecord.analysis.compare import Statement
from onrecord.analysis.report_check import Primary, _about_the_event, check_report

READOUT = (
    "President Aldo Verin of Aldoria spoke by telephone today with Chancellor Kasimir Brandt of Vestmark. "
    "The two leaders agreed to an exchange of prisoners between the two countries. "
    "They discussed energy supplies for the coming winter. "
    "President Verin thanked Chancellor Brandt for the humanitarian aid delivered to the border regions. "
    "The leaders agreed that their ministers of trade will meet next month."
)
OPENING = "President Aldo Verin of Aldoria spoke by telephone today"
POINTS = [
    "Verin and Brandt spoke by telephone on Tuesday.",
    # background stated nowhere, nearest to the opening (a leader's name, a country): each was supported
    # through the opening alone (margin 1.04-1.08) before the rule, whatever other points the report has
    "Verin became president of Aldoria after a close election.",
    "Brandt's party lost seats in Vestmark's regional vote.",
    "The leaders agreed to swap prisoners.",
]


def _check(text: str, points: list[str]) -> dict[str, dict]:
    """Each point's verdict (as `check-report --json` gives it) against one version of one primary."""
    primary = Primary("aldoria", (Statement(text, lang="en", source="aldoria", date="2025-03-18", version=1),))
    r = check_report(Statement(" ".join(points), lang="en"), [primary], points=points)
    return {p.point.text: p.to_json() for p in r.points}


@pytest.fixture(scope="module")
def checked() -> dict[str, dict]:
    return _check(READOUT, POINTS)


def test_a_point_about_the_call_is_supported_by_the_opening(checked):
    js = checked["Verin and Brandt spoke by telephone on Tuesday."]
    assert js["verdict"] == "supported", js
    assert js["sentence"].startswith(OPENING) and js["version"] == 1


@pytest.mark.parametrize(
    "point",
    [
        "Verin became president of Aldoria after a close election.",
        "Brandt's party lost seats in Vestmark's regional vote.",
    ],
)
def test_the_opening_alone_does_not_support_a_point_about_something_else(checked, point):
    js = checked[point]
    assert js["verdict"] == "not_found", js
    assert js["sentence"] is None and js["claim"] is None
    assert [v["verdict"] for v in js["versions"]] == ["not_found"]


def test_a_point_stated_in_a_later_sentence_keeps_that_sentence(checked):
    js = checked["The leaders agreed to swap prisoners."]
    assert js["verdict"] == "supported"
    assert js["sentence"].startswith("The two leaders agreed to an exchange of prisoners")


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("During a 20-minute teleconference with Russian President Putin", True),
        ("習近平下午與馬克宏(Emmanuel Macron)通電話", True),  # traditional characters
        ("习近平同马克龙通电话", True),
        ("Merkel und Putin haben heute telefoniert.", True),
        ("Chancellor Brandt will visit Aldoria in the spring.", False),
        ("Putin évoque un risque de catastrophe", False),
    ],
)
def test_what_speaks_of_the_call_itself(text, about):
    assert _about_the_event(text) is about


# --- a generic sentence resembles every point alike -------------------------------------------------------

GENERIC = "The leaders affirmed the enduring strength of the relations between Aldoria and Vestmark."
HUB_POINTS = [
    "Verin and Brandt spoke by telephone on Tuesday.",
    "Verin became president of Aldoria after a close election.",
    "Brandt's party lost seats in Vestmark's regional vote.",
    "The leaders agreed to swap prisoners.",
    "Vestmark's parliament approved a new budget last week.",
    "The exchange shows that Aldoria and Vestmark remain united in their pursuit of stability in the region.",
    "Relations between the two countries have been tense for years.",
    "Energy supplies for the winter were discussed.",
]


@pytest.fixture(scope="module")
def hub_checked() -> dict[str, dict]:
    return _check(READOUT + " " + GENERIC, HUB_POINTS)


def test_a_generic_sentence_does_not_support_background(hub_checked):
    # off the opening, the point's nearest sentence is the generic one (margin 1.02, over the cut-off), which
    # is about as close to the report's other points: not a source for this one
    js = hub_checked["Verin became president of Aldoria after a close election."]
    assert js["verdict"] == "not_found", js
    assert js["sentence"] is None
    assert js["reasons"] == ["the nearest sentence is about as close to the report's other points"]


@pytest.mark.parametrize(
    ("point", "sentence"),
    [
        ("Verin and Brandt spoke by telephone on Tuesday.", OPENING),
        ("The leaders agreed to swap prisoners.", "The two leaders agreed to an exchange of prisoners"),
        ("Energy supplies for the winter were discussed.", "They discussed energy supplies"),
    ],
)
def test_a_sentence_that_states_the_point_still_supports_it(hub_checked, point, sentence):
    js = hub_checked[point]
    assert js["verdict"] == "supported", js
    assert js["sentence"].startswith(sentence)
