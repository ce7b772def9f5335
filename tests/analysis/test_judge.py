"""The model judge's plumbing against a real local server on 127.0.0.1 that speaks the OpenAI chat-completions
protocol (a tiny aiohttp app): request shape (model, JSON schema, bearer key), answers applied to topics,
the cache by content hash, caps and clear errors. The server's "model" is a rule: it answers `opposed` when
one side's text says "not", else `same`. Grouping requests (schema `topic_grouping`) get the answer the test
scripted (`Server.grouping`), by default claim An with claim Bn."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiohttp import web

from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.embed import HashEncoder
from onrecord.analysis.judge import GROUP_PROMPT_VERSION, GROUP_SCHEMA, PROMPT_VERSION, SCHEMA, Judge
from onrecord.errors import CompareError

from .eval_real import REAL, evaluate_real

ENC = HashEncoder()
A = "The sides discussed gas supplies. The ministers will meet in May."
B = "The sides did not discuss gas supplies. The ministers will meet in May."


class Server:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.mode = "ok"
        self.url = ""
        self.grouping: Any = None  # the scripted grouping answer: a dict, a string sent as the content as is,
        # or a function of the request's user message that returns one
        self.delay = 0.0  # seconds before answering a grouping request
        self.position: str | None = None  # when set, every topic judgement answers this position

    def grouped(self) -> list[dict]:
        return [r for r in self.requests if _schema_name(r) == "topic_grouping"]

    def judged(self) -> list[dict]:
        return [r for r in self.requests if _schema_name(r) == "topic_judgement"]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        if self.mode == "error":
            return web.Response(status=500, text="boom")
        if self.mode == "huge":
            return web.Response(text="x" * 3_000_000)
        if self.mode == "garbage":
            return web.json_response({"choices": [{"message": {"content": "not json"}}]})
        user = body["messages"][-1]["content"]
        if _schema_name(body) == "topic_grouping":
            await asyncio.sleep(self.delay)
            answer: Any = self.grouping(user) if callable(self.grouping) else self.grouping
            if answer is None:  # An with Bn
                n_a, n_b = len(re.findall(r"^A\d+: ", user, re.M)), len(re.findall(r"^B\d+: ", user, re.M))
                answer = {"topics": [{"a": [n], "b": [n]} for n in range(1, min(n_a, n_b) + 1)]}
            content = answer if isinstance(answer, str) else json.dumps(answer)
            return web.json_response({"choices": [{"message": {"role": "assistant", "content": content}}]})
        position = self.position or ("opposed" if " not " in user else "same")
        answer = {"position": position, "differences": [], "explanation": f"rule says {position}"}
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": json.dumps(answer)}}]})


def _schema_name(body: dict) -> str:
    return body["response_format"]["json_schema"]["name"]


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as srv:
        yield srv


@contextmanager
def serve() -> Iterator[Server]:
    """The server on 127.0.0.1, port 0, in a thread of its own (also used by benchmarks/judge_ceiling.py)."""
    srv = Server()
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", srv.handle)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    srv.url = f"http://127.0.0.1:{port}/v1"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield srv
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def test_judge_request_answer_and_cache(server, tmp_path):
    judge = Judge(server.url, "tiny-rule", api_key="sk-secret", cache_dir=tmp_path)
    c = compare(Statement(A, lang="en"), Statement(B, lang="en"), ENC, judge=judge)
    body = server.judged()[0]
    assert body["model"] == "tiny-rule" and body["temperature"] == 0
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert server.headers[0]["Authorization"] == "Bearer sk-secret"
    gas = next(t for t in c.topics if "gas" in (c.claim(t.a[0]).text if t.a else ""))
    assert gas.position == "opposed" and gas.judge["position"] == "opposed"
    assert c.to_json()["model"]["judge"] == {"model": "tiny-rule", "prompt_version": PROMPT_VERSION,
                                            "endpoint": server.url, "grouping_prompt_version": GROUP_PROMPT_VERSION,
                                            "grouping": "judge"}
    assert "sk-secret" not in json.dumps(c.to_json()) and "sk-secret" not in repr(judge)
    asked = len(server.requests)
    again = Judge(server.url, "tiny-rule", cache_dir=tmp_path)  # a new process: the disk cache answers
    compare(Statement(A, lang="en"), Statement(B, lang="en"), ENC, judge=again)
    assert len(server.requests) == asked and again.asked == 0


def test_judge_never_makes_an_agreement(server):
    c = compare(Statement(A, lang="en"), Statement(A, lang="en"), ENC, judge=Judge(server.url, "tiny-rule"))
    assert all(t.position != "opposed" for t in c.topics)
    assert all(any(r.startswith("judge (tiny-rule): same") for r in t.reasons) for t in c.topics)


@pytest.mark.parametrize(("mode", "message"), [("error", "HTTP 500"), ("huge", "larger than"),
                                               ("garbage", "not a chat completion")])
def test_judge_trouble_is_a_warning_and_the_comparison_stands(server, mode, message):
    server.mode = mode
    judge = Judge(server.url, "tiny-rule", max_bytes=1_000_000)
    c = compare(Statement(A, lang="en"), Statement(B, lang="en"), ENC, judge=judge)
    assert any(message in w for w in c.warnings) and c.topics


def test_judge_unreachable_and_bad_settings():
    c = compare(Statement(A, lang="en"), Statement(B, lang="en"), ENC,
                judge=Judge("http://127.0.0.1:9/v1", "m", timeout=2))
    assert any("unreachable" in w for w in c.warnings)
    with pytest.raises(CompareError, match="http"):
        Judge("file:///etc/passwd", "m")
    with pytest.raises(CompareError, match="model name"):
        Judge("http://127.0.0.1:9/v1", "")


# -- the judge groups the topics ------------------------------------------------------------------------------

GA = "The sides discussed gas supplies. The ministers will meet in May. The leaders spoke about football."
GB = "Grain exports were reviewed. Gas deliveries will continue through the winter. A summit is planned for autumn."


def _shape(c) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(t.coverage, t.a, t.b) for t in c.topics]


def test_judge_grouping_is_applied_exactly(server, tmp_path):
    # A1 and A3 with B2 (no encoder would put football with gas), A2 alone by the model's word, B1 and B3 left
    # out: they become topics of their own side
    server.grouping = {"topics": [{"a": [1, 3], "b": [2]}, {"a": [2], "b": []}]}
    judge = Judge(server.url, "tiny-rule", cache_dir=tmp_path)
    c = compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC, judge=judge)
    assert [len(c.a.claims), len(c.b.claims)] == [3, 3]
    # in reading order: B1 before the first topic both raise, B3 after the one that holds B2
    assert _shape(c) == [("only_b", (), ("b1",)), ("both", ("a1", "a3"), ("b2",)), ("only_b", (), ("b3",)),
                         ("only_a", ("a2",), ())]
    assert _shape(c) != _shape(compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC))
    both = c.topics[1]
    assert {(p.a, p.b) for p in c.pairs if p.topic == both.id} == {("a1", "b2"), ("a3", "b2")}
    assert {(p.a, p.b, p.label) for p in c.pairs if p.topic != both.id} == {
        ("a2", None, "only_a"), (None, "b1", "only_b"), (None, "b3", "only_b")}
    # the request: one per document pair, the claims numbered, the answer fixed by the JSON schema
    (body,) = server.grouped()
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "topic_grouping", "strict": True, "schema": GROUP_SCHEMA}}
    user = body["messages"][-1]["content"]
    assert "A1: The sides discussed gas supplies." in user and "B3: A summit is planned for autumn." in user
    # the per-topic judge ran on the judged topic; the output records the grouping's prompt and source
    assert len(server.judged()) == 1 and both.judge is not None
    j = c.to_json()
    assert j["model"]["judge"]["grouping"] == "judge"
    assert j["model"]["judge"]["grouping_prompt_version"] == GROUP_PROMPT_VERSION
    assert set(j) >= {"a", "b", "pairs", "topics"} and not c.warnings
    # a rerun (a new process: the disk cache) asks nothing and gives the same topics
    asked = len(server.requests)
    again = Judge(server.url, "tiny-rule", cache_dir=tmp_path)
    c2 = compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC, judge=again)
    assert len(server.requests) == asked and again.asked == 0 and _shape(c2) == _shape(c)


def test_judge_grouping_off_keeps_the_encoders_topics(server):
    plain = compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC)
    server.grouping = {"topics": [{"a": [1, 3], "b": [2]}]}
    c = compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC,
                judge=Judge(server.url, "tiny-rule", group_topics=False))
    assert not server.grouped() and _shape(c) == _shape(plain)
    assert "grouping" not in c.to_json()["model"]["judge"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"topics": [{"a": [1], "b": [4]}]}, "names claim B4, which does not exist"),
        ({"topics": [{"a": [0], "b": [1]}]}, "names claim A0, which does not exist"),
        ({"topics": [{"a": [1], "b": [1]}, {"a": [1], "b": [2]}]}, "names claim A1 twice"),
        ({"topics": [{"a": ["1"], "b": [1]}]}, "does not follow the schema"),
        ({"topics": [{"a": [True], "b": [1]}]}, "does not follow the schema"),
        ({"topics": [{"a": [1], "b": [1], "why": "x"}]}, "does not follow the schema"),
        ({"groups": []}, "does not follow the schema"),
        ("[1, 2]", "does not follow the schema"),
        ("not json", "not a chat completion"),
        ("slow", "unreachable: TimeoutError"),
    ],
)
def test_judge_grouping_failure_falls_back_with_one_warning(server, answer, message):
    plain = compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC)
    if answer == "slow":
        server.delay = 3.0
    else:
        server.grouping = answer
    c = compare(Statement(GA, lang="en"), Statement(GB, lang="en"), ENC,
                judge=Judge(server.url, "tiny-rule", timeout=1.5))
    assert _shape(c) == _shape(plain)
    (warning,) = [w for w in c.warnings if "grouping" in w]
    assert warning.startswith("judge: topic grouping failed (") and message in warning
    assert warning.endswith("the encoder's grouping stands") and "\n" not in warning
    assert c.to_json()["model"]["judge"]["grouping"] == "encoder"


def test_judge_grouping_from_the_cli(server, tmp_path):
    import click
    from click.testing import CliRunner

    from onrecord.cli_compare import register

    group = click.Group("onrecord")
    register(group)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(GA, encoding="utf-8")
    b.write_text(GB, encoding="utf-8")
    server.grouping = {"topics": [{"a": [1, 3], "b": [2]}]}
    args = ["compare", str(a), str(b), "--json", "--model", "hash", "--judge", server.url, "--judge-model", "m"]
    res = CliRunner().invoke(group, args)
    assert res.exit_code == 0, res.output
    j = json.loads(res.output)
    assert [(t["a"], t["b"]) for t in j["topics"] if t["coverage"] == "both"] == [(["a1", "a3"], ["b2"])]
    assert j["model"]["judge"]["grouping"] == "judge" and len(server.grouped()) == 1
    out = tmp_path / "r.html"
    res = CliRunner().invoke(group, [*args[:-4], "--html", str(out), *args[-4:]])
    assert res.exit_code == 0, res.output
    assert f"topics grouped by the judge (prompt {GROUP_PROMPT_VERSION})" in out.read_text(encoding="utf-8")
    asked = len(server.grouped())
    res = CliRunner().invoke(group, [*args, "--no-judge-topics"])
    assert res.exit_code == 0, res.output
    assert "grouping" not in json.loads(res.output)["model"]["judge"] and len(server.grouped()) == asked


def _gold_grouping(pairs: list[dict]) -> Callable[[str], dict]:
    """A scripted "model" that answers a grouping request with the annotator's topics: it finds the pair the
    claims come from and puts each numbered claim in the `both` topic of the annotator's claim it matches."""

    def norm(t: str) -> str:
        return re.sub(r"\W+", " ", t.casefold()).strip()

    def answer(user: str) -> dict:
        ours = {side: [norm(t) for t in re.findall(rf"^{side.upper()}\d+: (.*)$", user, re.M)] for side in "ab"}
        best = max(pairs, key=lambda p: sum(any(o and (norm(g["text"]) in o or o in norm(g["text"]))
                                                for g in p["a"]["claims"]) for o in ours["a"]))
        topics, used = [], {"a": set(), "b": set()}
        for t in best["topics"]:
            if t["label"] != "both":
                continue
            got = {}
            for side in "ab":
                gold = [norm(g["text"]) for g in best[side]["claims"] if g["id"] in t[side]]
                got[side] = [n for n, o in enumerate(ours[side], start=1) if n not in used[side]
                             and any(o and (g in o or o in g) for g in gold)]
                used[side] |= set(got[side])
            topics.append(got)
        return {"topics": topics}

    return answer


def test_the_evaluator_measures_the_judges_grouping(server):
    """bench_compare.py --set DIR --judge: the evaluator passes the judge to every comparison. A "model" that
    answers with the annotator's own topics scores what such a model would; the encoder alone far less."""
    pairs_file = REAL / "dev" / "pairs.json"
    server.grouping = _gold_grouping(json.loads(pairs_file.read_text(encoding="utf-8")))
    judge = Judge(server.url, "annotator")
    judged = evaluate_real(pairs_file, ENC, judge)["pairs"]
    plain = evaluate_real(pairs_file, ENC)["pairs"]
    assert plain["judge"] is None and judged["judge"]["grouping_fallbacks"] == 0, judged["judge"]
    assert judged["judge"]["model"] == "annotator" and len(server.grouped()) == judged["pairs"]
    links, base = judged["topic_links"], plain["topic_links"]
    assert links["precision"] >= 0.95 and links["recall"] >= 0.95, links
    assert base["precision"] < 0.8, base
