"""Report check with the real default model: facts that decide a point about the call itself. A readout is
dated the day of the call, so a report that puts the call on another weekday than the statement's own date
is a conflict, unless another statement of the call (the other side, a time zone away) is dated that day;
who asked for the call is read from the statement's lead sentence even when it is not in the usual opening
form; a negated refusal ("had never rejected") is no negation of the proposition (issue 14, goal 7)."""

from __future__ import annotations

import pytest

from onrecord.analysis.compare import Statement
from onrecord.analysis.positions import negation_words, opposed
from onrecord.analysis.report_check import Primary, check_report

READOUT = (
    "Today, President Aldo Verin of Aldoria and Chancellor Kasimir Brandt of Vestmark had a telephone "
    "conversation. The two leaders agreed to an exchange of prisoners between the two countries. "
    "They discussed energy supplies for the coming winter. "
    "The leaders agreed that their ministers of trade will meet next month."
)
CALL = "Verin and Brandt spoke by telephone on {day}."


def _check(points: list[str], *dated: tuple[str, str, str]) -> dict[str, dict]:
    prims = [Primary(name, (Statement(text, lang=lang, source=name, date=d, version=1),)) for name, text, lang, d in
             [(f"s{n}", t, lang, d) for n, (t, lang, d) in enumerate(dated)]]
    r = check_report(Statement(" ".join(points), lang="en"), prims, points=points)
    return {p.point.text: p.to_json() for p in r.points}


@pytest.fixture(scope="module")
def wednesday() -> dict[str, dict]:
    # 19 March 2025 is a Wednesday
    points = [CALL.format(day="Tuesday"), CALL.format(day="Wednesday"), "The leaders agreed to swap prisoners."]
    return _check(points, (READOUT, "en", "2025-03-19"))


def test_another_weekday_than_the_statements_date_is_a_conflict(wednesday):
    js = wednesday[CALL.format(day="Tuesday")]
    assert js["verdict"] == "conflict", js
    assert js["sentence"].startswith("Today, President Aldo Verin")
    assert js["reasons"][0].startswith("day differs: Tuesday in the report vs Wednesday 19 March 2025")


def test_the_statements_own_weekday_is_supported(wednesday):
    assert wednesday[CALL.format(day="Wednesday")]["verdict"] == "supported"
    assert wednesday["The leaders agreed to swap prisoners."]["verdict"] == "supported"


def test_the_other_sides_date_a_day_apart_is_no_conflict():
    # the other side's statement is dated the 18th (a Tuesday): the call fell on the 18th in its time zone
    other = "Chancellor Brandt spoke by telephone with President Verin about prisoners and energy."
    points = [CALL.format(day="Tuesday"), "The leaders agreed to swap prisoners."]
    js = _check(points, (READOUT, "en", "2025-03-19"), (other, "en", "2025-03-18"))
    assert js[CALL.format(day="Tuesday")]["verdict"] == "supported", js


def test_who_asked_is_read_from_a_lead_sentence_out_of_the_usual_form():
    lead = (
        "President of the Russian Federation Aldo Verin had a telephone conversation with Federal Chancellor of "
        "the Federal Republic of Germany Kasimir Brandt, held for the first time since December 2022 at the initiative "
        "of the German side\n\nThe leaders had a frank exchange of views on energy supplies."  # a line, no stop
    )
    points = ["Das Gespräch fand auf Initiative der deutschen Seite statt.",
              "Das Gespräch fand auf Initiative der russischen Seite statt.",
              "Sie sprachen über Energielieferungen."]
    r = check_report(Statement(" ".join(points), lang="de"),
                     [Primary("kremlin", (Statement(lead, lang="en", source="kremlin", date="2024-11-15"),))],
                     points=points)
    got = {p.point.text: p for p in r.points}
    assert got[points[0]].verdict == "supported", got[points[0]]
    assert got[points[0]].sentence.startswith("President of the Russian Federation")
    assert got[points[1]].verdict == "conflict", got[points[1]]
    assert "who initiated differs" in got[points[1]].reasons[0]


@pytest.mark.parametrize(
    ("a", "b", "lang"),
    [
        ("Moscow has always been open to peace talks.",
         "The Russian side had never rejected and was still open to resuming the talks.", "en"),
        ("Die Regierung ist offen für Gespräche.", "Die Regierung hat Gespräche nie abgelehnt.", "de"),
    ],
)
def test_a_negated_refusal_is_not_the_opposite(a, b, lang):
    assert opposed(a, b, lang, lang) is None


def test_a_plain_negation_still_opposes():
    assert opposed("Russia is open to talks.", "Russia is not open to talks.", "en", "en")
    assert opposed("Russia rejected the talks.", "Russia never rejected the talks.", "en", "en")


def test_traditional_characters_negate_as_simplified_ones():
    report = "重申美國政府堅持一個中國政策的立場沒有改變"
    assert negation_words(report, "zh", refusal=False)
    assert opposed(report, "我愿重申,美国政府继续坚持一个中国政策,这一立场没有变化。", "zh", "zh") is None
