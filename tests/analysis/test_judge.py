"""The model judge's plumbing against a real local server on 127.0.0.1 that speaks the OpenAI chat-completions
protocol (a tiny aiohttp app): request shape (model, JSON schema, bearer key), answers applied to topics,
the cache by content hash, caps and clear errors. The server's "model" is a rule: it answers `opposed` when
one side's text says "not", else `same`."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.embed import HashEncoder
from onrecord.analysis.judge import PROMPT_VERSION, SCHEMA, Judge
from onrecord.errors import CompareError

ENC = HashEncoder()
A = "The sides discussed gas supplies. The ministers will meet in May."
B = "The sides did not discuss gas supplies. The ministers will meet in May."


class Server:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.mode = "ok"
        self.url = ""

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
        position = "opposed" if " not " in user else "same"
        answer = {"position": position, "differences": [], "explanation": f"rule says {position}"}
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": json.dumps(answer)}}]})


@pytest.fixture
def server() -> Iterator[Server]:
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
    body = server.requests[0]
    assert body["model"] == "tiny-rule" and body["temperature"] == 0
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert server.headers[0]["Authorization"] == "Bearer sk-secret"
    gas = next(t for t in c.topics if "gas" in (c.claim(t.a[0]).text if t.a else ""))
    assert gas.position == "opposed" and gas.judge["position"] == "opposed"
    assert c.to_json()["model"]["judge"] == {"model": "tiny-rule", "prompt_version": PROMPT_VERSION,
                                            "endpoint": server.url}
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
