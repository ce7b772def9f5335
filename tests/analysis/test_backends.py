"""The optional sentence-transformers backends, on real model folders the tests build (tiny_models.py).

- the embedding backend (`--model DIR`): loads through sentence-transformers, encodes, caches, compares;
- the NLI backend (`--nli DIR`): labels read from the model's config, conflicts added to `compare` and
  `check-report`, clear errors for a folder that is no model or no NLI model.
These need `pip install onrecord[st]` (the Makefile installs it; CI requires it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re

import numpy as np
import pytest
from click.testing import CliRunner

if importlib.util.find_spec("sentence_transformers") is None:
    if os.environ.get("ONRECORD_REQUIRE_EXTRAS") == "1":
        raise RuntimeError("ONRECORD_REQUIRE_EXTRAS=1 but sentence-transformers is not installed")
    pytest.skip("sentence-transformers is not installed (pip install onrecord[st])", allow_module_level=True)

from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.embed import CachedEncoder, HashEncoder, SentenceTransformerEncoder, get_encoder
from onrecord.analysis.nli import DEFAULT_THRESHOLD, CrossEncoderNLI, contradiction_scores
from onrecord.analysis.render import comparison_html
from onrecord.analysis.report_check import check_report
from onrecord.cli import cli
from onrecord.cli_compare import check_report_command, compare_command
from onrecord.errors import CompareError
from tests.analysis.tiny_models import build_nli, build_sentence_model

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

ENC = CachedEncoder(HashEncoder())
NLI3 = {0: "entailment", 1: "neutral", 2: "contradiction"}

A = (
    "The President of Aldoria held a telephone conversation with the President of Bersia on 3 March. "
    "The sides discussed the grain corridor. The ministers agreed to meet in May. Trade grew by 12 percent."
)
B = (
    "The President of Bersia held a telephone conversation with the President of Aldoria on 3 March. "
    "The sides discussed the grain corridor. The ministers agreed to meet in May. Trade grew by 12 percent."
)


@pytest.fixture(scope="module")
def st_dir(tmp_path_factory):
    return build_sentence_model(tmp_path_factory.mktemp("st") / "tiny-st")


@pytest.fixture(scope="module")
def nli_contra(tmp_path_factory):
    return build_nli(tmp_path_factory.mktemp("nli") / "tiny-nli-contra", NLI3, "contradiction")


@pytest.fixture(scope="module")
def nli_entail(tmp_path_factory):
    return build_nli(tmp_path_factory.mktemp("nli") / "tiny-nli-entail", NLI3, "entailment")


# --- embedding backend ---------------------------------------------------------------------------


def test_sentence_transformer_folder_encodes(st_dir):
    enc = SentenceTransformerEncoder(str(st_dir), device="cpu")
    assert enc.name == "sentence-transformers/tiny-st"
    assert len(enc.version) == 12 and enc.version != "unloaded"  # fingerprint of the folder
    v = enc.encode(["the sides discussed trade", "the ministers will meet in march", "the sides discussed trade"])
    assert v.shape == (3, 16)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.allclose(v[0], v[2]) and not np.allclose(v[0], v[1])


def test_sentence_transformer_backend_compares_identical_documents(st_dir, tmp_path):
    enc = get_encoder(str(st_dir), cache_dir=tmp_path / "cache")
    c = compare(Statement(A, lang="en"), Statement(A, lang="en"), enc)
    assert c.model_name == "sentence-transformers/tiny-st"
    assert [p.label for p in c.pairs] == ["agree"] * 4  # the opening ("held a telephone conversation") and 3 claims
    assert [(p.a, p.b) for p in c.pairs] == [("a1", "b1"), ("a2", "b2"), ("a3", "b3"), ("a4", "b4")]
    assert any((tmp_path / "cache").rglob("*")), "embeddings were cached on disk"


def test_sentence_transformer_bad_folder_is_one_clear_error(tmp_path):
    (tmp_path / "empty-model").mkdir()
    enc = SentenceTransformerEncoder(str(tmp_path / "empty-model"))
    with pytest.raises(CompareError, match="cannot load sentence-transformers model"):
        enc.encode(["x"])


# --- NLI backend ---------------------------------------------------------------------------------


def test_nli_labels_come_from_the_model_config(tmp_path):
    # contradiction first: a backend that assumed the usual order would read it as entailment
    odd = build_nli(tmp_path / "odd-order", {0: "CONTRADICTION", 1: "Neutral", 2: "entailment"}, "CONTRADICTION")
    (inf,) = CrossEncoderNLI(str(odd)).infer([("the sides agreed", "the sides not agreed")])
    assert inf.verdict == "contradiction" and inf.contradiction > 0.9 and inf.entailment < 0.05
    two = build_nli(tmp_path / "two-labels", {0: "entailment", 1: "contradiction"}, "entailment")
    (inf2,) = CrossEncoderNLI(str(two)).infer([("a", "b")])
    assert inf2.verdict == "entailment" and inf2.neutral == 0.0


def test_contradiction_scores_need_both_directions(nli_contra, nli_entail):
    scores = contradiction_scores(CrossEncoderNLI(str(nli_contra)), [("the sides agreed", "no"), ("a", "b")])
    assert all(s is not None and s > 0.9 for s in scores)
    assert contradiction_scores(CrossEncoderNLI(str(nli_entail)), [("the sides agreed", "no")]) == [None]


def test_nli_turns_aligned_rows_into_conflicts(nli_contra):
    plain = compare(Statement(A, lang="en"), Statement(B), ENC)
    assert [p.label for p in plain.pairs] == ["agree"] * 4
    c = compare(Statement(A, lang="en"), Statement(B), ENC, nli=CrossEncoderNLI(str(nli_contra)))
    assert [p.label for p in c.pairs] == ["conflict"] * 4
    assert all(t.position == "opposed" for t in c.topics)
    reason = re.compile(r"contradiction: NLI (0\.9\d|1\.00) \(nli/tiny-nli-contra\)")
    assert all(reason.fullmatch(p.reasons[0]) for p in c.pairs)
    assert c.to_json()["model"]["nli"]["name"] == "nli/tiny-nli-contra"
    assert "NLI nli/tiny-nli-contra" in comparison_html(c)


def test_nli_entailment_changes_nothing(nli_entail):
    text_b = B.replace("in May", "in May in Bersia").replace("12 percent", "15 percent")
    plain = compare(Statement(A, lang="en"), Statement(text_b), ENC)
    c = compare(Statement(A, lang="en"), Statement(text_b), ENC, nli=CrossEncoderNLI(str(nli_entail)))
    assert [(p.label, p.reasons) for p in c.pairs] == [(p.label, p.reasons) for p in plain.pairs]
    assert {p.label for p in c.pairs} == {"agree", "partial", "conflict"}  # cue labels kept as they were


def test_nli_threshold_is_respected(nli_contra):
    c = compare(Statement(A, lang="en"), Statement(B), ENC, nli=CrossEncoderNLI(str(nli_contra)), nli_threshold=0.999)
    assert [p.label for p in c.pairs] == ["agree"] * 4


def test_nli_not_an_nli_model_is_refused(tmp_path):
    plain = build_nli(tmp_path / "sentiment", {0: "negative", 1: "positive"}, "positive")
    with pytest.raises(CompareError, match="not an NLI model: its labels are negative, positive"):
        CrossEncoderNLI(str(plain)).infer([("a", "b")])
    with pytest.raises(CompareError, match="cannot load NLI model"):
        CrossEncoderNLI(str(tmp_path / "no-such-folder")).infer([("a", "b")])


def test_check_report_with_nli(nli_contra):
    report = Statement("Analysts were busy.\n- The sides discussed the grain corridor.")
    primary = Statement(A, lang="en")
    plain = check_report(report, [primary], ENC)
    assert [p.verdict for p in plain.points] == ["not_found", "supported"]
    r = check_report(report, [primary], ENC, nli=CrossEncoderNLI(str(nli_contra)))
    assert [p.verdict for p in r.points] == ["not_found", "conflict"]
    assert r.points[1].reasons[0].startswith("contradiction: NLI")
    assert r.to_json()["model"]["nli"]["name"] == "nli/tiny-nli-contra"


def test_cli_compare_with_both_backends(st_dir, nli_contra, tmp_path):
    fa, fb = tmp_path / "a.txt", tmp_path / "b.txt"
    fa.write_text(A, encoding="utf-8")
    fb.write_text(A, encoding="utf-8")
    res = CliRunner().invoke(cli, ["compare", str(fa), str(fb), "--model", str(st_dir), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["model"]["name"] == "sentence-transformers/tiny-st" and out["model"]["nli"] is None
    assert [p["label"] for p in out["pairs"]] == ["agree"] * 4
    res = CliRunner().invoke(cli, ["compare", str(fa), str(fb), "--nli", str(nli_contra), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert [p["label"] for p in out["pairs"]] == ["conflict"] * 4
    assert out["model"]["nli"]["name"] == "nli/tiny-nli-contra"
    res = CliRunner().invoke(cli, ["compare", str(fa), str(fb), "--nli", str(tmp_path / "missing")])
    assert res.exit_code == 1 and "cannot load NLI model" in res.output


def test_cli_threshold_default_is_the_library_default():
    for cmd in (compare_command, check_report_command):
        (opt,) = [p for p in cmd.params if p.name == "nli_threshold"]
        assert opt.default == DEFAULT_THRESHOLD
