"""Report check, with the real default model: a point is supported only when the version states the figures
the point asserts (amounts, counts, durations, times of day, dates written in digits). A point that is a near
paraphrase of a sentence but adds a figure the statement lacks is `not_found` (issue 14, goal 7)."""

from __future__ import annotations

from onrecord.analysis.compare import Statement
from onrecord.analysis.report_check import Primary, check_report

READOUT = (
    "President Aldo Verin spoke today with President Kasimir Brandt of Vestmark. "
    "The two presidents agreed to an exchange of prisoners between the two countries. "
    "They discussed energy supplies for the coming winter. "
    "President Verin thanked President Brandt for the humanitarian aid delivered to the border regions. "
    "The leaders agreed that their ministers of trade will meet next month."
)


def _check(point: str, text: str = READOUT, date: str = "2025-03-18") -> tuple[str, tuple[str, ...], dict]:
    primary = Primary("aldoria", (Statement(text, lang="en", source="aldoria", date=date, version=1),))
    r = check_report(Statement(point, lang="en"), [primary], points=[point])
    (p,) = r.points
    return p.verdict, p.reasons, p.to_json()


def test_a_paraphrase_is_supported_with_its_sentence_and_version():
    verdict, _, js = _check("The presidents agreed to exchange prisoners.")
    assert verdict == "supported"
    assert js["sentence"].startswith("The two presidents agreed to an exchange of prisoners")
    assert js["version"] == 1 and js["source"] == "aldoria"
    assert [v["verdict"] for v in js["versions"]] == ["supported"]


def test_a_figure_the_statement_does_not_state_is_not_found():
    verdict, reasons, js = _check("The presidents agreed to exchange 175 prisoners for 175.")
    assert verdict == "not_found", js
    assert js["sentence"] is None and js["versions"][0]["verdict"] == "not_found"
    assert any("175" in r for r in reasons), reasons


def test_the_same_figure_stated_anywhere_in_the_version_supports_it():
    text = READOUT + " The exchange will cover 175 prisoners on each side."
    verdict, _, _ = _check("The presidents agreed to exchange 175 prisoners for 175.", text)
    assert verdict == "supported"


def test_a_duration_the_statement_lacks_is_not_found():
    verdict, reasons, _ = _check("President Verin spoke with President Brandt for 90 minutes.")
    assert verdict == "not_found"
    assert any("90 minutes" in r and "duration" in r for r in reasons), reasons
    verdict, _, _ = _check("President Verin spoke with President Brandt.")
    assert verdict == "supported"


def test_the_statements_own_date_dates_the_point():
    # the readout is dated 18 March and its sentences name no day: a point on 18 March (or, across time zones,
    # the 17th or 19th) is dated by the statement itself; another day is a detail the statement does not give
    text = READOUT.replace(" today", "")
    assert _check("President Verin spoke with President Brandt on 18 March.", text)[0] == "supported"
    assert _check("President Verin spoke with President Brandt on 19 March.", text)[0] == "supported"
    verdict, reasons, _ = _check("President Verin spoke with President Brandt on 25 March.", text)
    assert verdict == "not_found" and any("25 March" in r for r in reasons), reasons
