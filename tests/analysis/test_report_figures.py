"""Report check with the real default model: the figures a point asserts (amounts, counts, durations, times of
day, dates, written in digits) must be stated by the version that supports it (issue 14, goal 7).

- a barely clear match (under the margin a conflict needs) with a figure the version does not state is a near
  paraphrase of the sentence in general, not a source for the point: `not_found`;
- a clear match states the point's proposition: a count or duration it adds is the report's own detail, the
  point stays `supported`;
- a date or time of day the version does not give (nor its own date, give or take a day) places the point at
  another event: `not_found` however close the wording."""

from __future__ import annotations

import pytest

from onrecord.analysis.compare import Statement
from onrecord.analysis.report_check import Primary, check_report

READOUT = (
    "President Aldo Verin spoke with President Kasimir Brandt of Vestmark. "
    "The two presidents agreed to an exchange of prisoners between the two countries. "
    "They discussed energy supplies for the coming winter. "
    "President Verin thanked President Brandt for the humanitarian aid delivered to the border regions. "
    "The leaders agreed that their ministers of trade will meet next month."
)
POINTS = [
    "The presidents agreed to exchange prisoners.",
    "The presidents agreed to exchange 175 prisoners for 175.",
    "Verin spoke with Brandt on 25 March.",
    "Verin spoke with Brandt on 19 March.",
    "The ministers of trade will meet next month.",
    "The two sides discussed 12 new pipelines.",
]


def _check(points: list[str], text: str = READOUT) -> dict[str, dict]:
    primary = Primary("aldoria", (Statement(text, lang="en", source="aldoria", date="2025-03-18", version=1),))
    r = check_report(Statement(" ".join(points), lang="en"), [primary], points=points)
    return {p.point.text: p.to_json() for p in r.points}


@pytest.fixture(scope="module")
def checked() -> dict[str, dict]:
    return _check(POINTS)


def test_a_paraphrase_is_supported_with_its_sentence_and_version(checked):
    js = checked["The presidents agreed to exchange prisoners."]
    assert js["verdict"] == "supported"
    assert js["sentence"].startswith("The two presidents agreed to an exchange of prisoners")
    assert js["version"] == 1 and js["source"] == "aldoria"
    assert [v["verdict"] for v in js["versions"]] == ["supported"]


def test_a_clear_match_keeps_support_with_the_reports_own_count(checked):
    js = checked["The presidents agreed to exchange 175 prisoners for 175."]
    assert js["verdict"] == "supported", js
    assert js["sentence"].startswith("The two presidents agreed to an exchange of prisoners")


def test_a_barely_clear_match_with_an_unstated_count_is_not_found(checked):
    js = checked["The two sides discussed 12 new pipelines."]
    assert js["verdict"] == "not_found", js
    assert js["sentence"] is None and js["versions"][0]["verdict"] == "not_found"
    assert js["reasons"] == ["the statement does not state 12 (count)"]
    assert 1.01 <= js["score"] < 1.03  # the match itself is clear enough to support the point without the 12


def test_the_same_count_stated_anywhere_in_the_version_supports_it():
    text = READOUT + " Twelve new pipelines, 12 in all, are planned."
    js = _check(POINTS, text)["The two sides discussed 12 new pipelines."]
    assert js["verdict"] == "supported", js


def test_a_date_the_statement_does_not_give_is_not_found_at_any_margin(checked):
    # the readout is dated 18 March and its sentences name no day: 19 March is its own date across time zones,
    # 25 March is another event, however close the wording
    assert checked["Verin spoke with Brandt on 19 March."]["verdict"] == "supported"
    js = checked["Verin spoke with Brandt on 25 March."]
    assert js["verdict"] == "not_found", js
    assert js["reasons"] == ["the statement does not state 25 March (date)"]
    assert js["score"] >= 1.03
    year_only = READOUT + " The agreement on prisoners runs until 2026."
    assert _check(POINTS, year_only)["Verin spoke with Brandt on 25 March."]["verdict"] == "not_found"
    stated = READOUT.replace("of Vestmark.", "of Vestmark on 25 March.")
    assert _check(POINTS, stated)["Verin spoke with Brandt on 25 March."]["verdict"] == "supported"
