"""An optional model judge: asks a chat model behind an OpenAI-compatible endpoint (Ollama, llama.cpp server,
vLLM, LM Studio, a hosted service; the user's choice, off by default) to judge each topic both sides raise.

The model answers in JSON that a schema fixes (`response_format` json_schema): the two sides' position on
the topic (`same`, `different`, `opposed`, `unrelated`), the facts that differ, and one sentence why. Its
answer can only add evidence: `opposed` makes the topic opposed (and its pairs `conflict`), `unrelated`
adds a note; it never turns a topic into an agreement. Answers are cached by a hash of the model, the prompt
version and the texts, on disk when a folder is given; the model and prompt version are recorded in the
output. Requests keep onrecord's caps (a timeout, a response size cap); the API key is a secret: it is sent
as a bearer token, never logged or written out. Quality depends entirely on the model the user brings.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onrecord.errors import CompareError

if TYPE_CHECKING:
    from onrecord.analysis.compare import Pair, Side, Topic

__all__ = ["PROMPT_VERSION", "SCHEMA", "Judge"]

log = logging.getLogger(__name__)

PROMPT_VERSION = "topic-judge-1"
POSITIONS = ("same", "different", "opposed", "unrelated")
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "position": {"type": "string", "enum": list(POSITIONS)},
        "differences": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"kind": {"type": "string"}, "a": {"type": "string"}, "b": {"type": "string"}},
                "required": ["kind", "a", "b"],
                "additionalProperties": False,
            },
        },
        "explanation": {"type": "string"},
    },
    "required": ["position", "differences", "explanation"],
    "additionalProperties": False,
}
_SYSTEM = (
    "You compare two official readouts of the same call or meeting, one topic at a time. You get what side A "
    "says and what side B says on one topic. Answer in JSON: position is 'same' when both say compatible "
    "things (one giving more detail is still same), 'different' when they frame or stress it differently, "
    "'opposed' only when one clearly says the opposite of the other, 'unrelated' when the texts are not about "
    "the same matter; differences lists hard facts stated on both sides that differ (kind: amount, count, "
    "duration, date, time, place, initiative, speaker or other; a and b: the two wordings); explanation is "
    "one short sentence."
)


class Judge:
    """A chat-completions endpoint that judges topics. `url`: the API base ("http://127.0.0.1:11434/v1");
    `model`: the model name the endpoint knows; `api_key`: sent as a bearer token when given."""

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api_key: str | None = None,
        cache_dir: str | Path | None = None,
        timeout: float = 60.0,
        max_bytes: int = 1_000_000,
        concurrency: int = 4,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise CompareError(f"judge URL must start with http:// or https://, not {url!r}")
        if not model:
            raise CompareError("the judge needs a model name (--judge-model or ONRECORD_JUDGE_MODEL)")
        self.url = url.rstrip("/")
        self.model = model
        self._key = api_key
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.concurrency = concurrency
        self._memory: dict[str, dict[str, Any]] = {}
        self.asked = 0

    def __repr__(self) -> str:  # never shows the key
        return f"Judge(url={self.url!r}, model={self.model!r})"

    def info(self) -> dict[str, str]:
        return {"model": self.model, "prompt_version": PROMPT_VERSION, "endpoint": self.url}

    # -- cache -----------------------------------------------------------------------------------------
    def _key_of(self, a: list[str], b: list[str]) -> str:
        blob = json.dumps([self.model, PROMPT_VERSION, a, b], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _cached(self, key: str) -> dict[str, Any] | None:
        if key in self._memory:
            return self._memory[key]
        if self.cache_dir is not None:
            path = self.cache_dir / key[:2] / f"{key}.json"
            try:
                found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            self._memory[key] = found
            return found
        return None

    def _store(self, key: str, answer: dict[str, Any]) -> None:
        self._memory[key] = answer
        if self.cache_dir is not None:
            path = self.cache_dir / key[:2] / f"{key}.json"
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                log.warning("judge cache not written path=%s error=%s", path, exc)

    # -- the request -----------------------------------------------------------------------------------
    def _body(self, a: list[str], b: list[str]) -> dict[str, Any]:
        user = "Side A says:\n" + "\n".join(f"- {t}" for t in a) + "\n\nSide B says:\n" + "\n".join(f"- {t}" for t in b)
        return {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": user}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "topic_judgement", "strict": True, "schema": SCHEMA},
            },
        }

    async def _ask(self, session: Any, a: list[str], b: list[str]) -> dict[str, Any]:
        import aiohttp

        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        try:
            async with session.post(f"{self.url}/chat/completions", json=self._body(a, b), headers=headers) as resp:
                buf = bytearray()
                async for chunk in resp.content.iter_chunked(65536):
                    buf += chunk
                    if len(buf) > self.max_bytes:
                        raise CompareError(f"judge answer larger than {self.max_bytes} bytes")
                raw = bytes(buf)
                if resp.status != 200:
                    raise CompareError(f"judge endpoint answered HTTP {resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise CompareError(f"judge endpoint {self.url} unreachable: {type(exc).__name__}") from exc
        return _parse(raw)

    async def _ask_all(self, todo: list[tuple[str, list[str], list[str]]]) -> dict[str, dict[str, Any] | str]:
        import aiohttp

        out: dict[str, dict[str, Any] | str] = {}
        sem = asyncio.Semaphore(self.concurrency)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:

            async def one(key: str, a: list[str], b: list[str]) -> None:
                async with sem:
                    try:
                        out[key] = await self._ask(session, a, b)
                    except CompareError as exc:
                        out[key] = str(exc)

            await asyncio.gather(*(one(*t) for t in todo))
        return out

    def judge_texts(self, pairs: list[tuple[list[str], list[str]]]) -> list[dict[str, Any] | str]:
        """One answer (or an error line) per (A texts, B texts), from the cache or the endpoint."""
        keys = [self._key_of(a, b) for a, b in pairs]
        todo = {k: (k, a, b) for k, (a, b) in zip(keys, pairs, strict=True) if self._cached(k) is None}
        fresh: dict[str, dict[str, Any] | str] = {}
        if todo:
            self.asked += len(todo)
            fresh = asyncio.run(self._ask_all(list(todo.values())))
            for k, ans in fresh.items():
                if isinstance(ans, dict):
                    self._store(k, ans)
        return [self._cached(k) or fresh.get(k, "no answer") for k in keys]

    def review(
        self, side_a: Side, side_b: Side, topics: list[Topic], pairs: list[Pair]
    ) -> tuple[list[Topic], list[Pair], list[str]]:
        """Ask about every `both` topic; add what the answers give (see the module doc)."""
        texts = {c.id: c.text for c in (*side_a.claims, *side_b.claims)}
        both = [t for t in topics if t.coverage == "both"]
        answers = self.judge_texts([([texts[x] for x in t.a], [texts[y] for y in t.b]) for t in both])
        by_id = dict(zip((t.id for t in both), answers, strict=True))
        warnings: list[str] = []
        out_topics: list[Topic] = []
        opposed: set[str] = set()
        for t in topics:
            ans = by_id.get(t.id)
            if ans is None:
                out_topics.append(t)
                continue
            if isinstance(ans, str):
                if ans not in warnings:
                    warnings.append(f"judge: {ans}")
                out_topics.append(t)
                continue
            note = f"judge ({self.model}): {ans['position']}: {ans['explanation']}"
            if ans["position"] == "opposed":
                opposed.add(t.id)
                out_topics.append(replace(t, position="opposed", reasons=(note, *t.reasons), judge=ans))
            else:
                out_topics.append(replace(t, reasons=(*t.reasons, note), judge=ans))
        out_pairs = [
            replace(p, label="conflict", reasons=(f"judge ({self.model}): opposed", *p.reasons))
            if p.topic in opposed and p.a and p.b
            else p
            for p in pairs
        ]
        return out_topics, out_pairs, warnings


def _parse(raw: bytes) -> dict[str, Any]:
    """The judgement inside a chat-completions answer, checked against the schema's essentials."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        content = doc["choices"][0]["message"]["content"]
        ans = json.loads(content) if isinstance(content, str) else content
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise CompareError("judge answer is not a chat completion with JSON content") from exc
    if not isinstance(ans, dict) or ans.get("position") not in POSITIONS:
        raise CompareError("judge answer does not follow the schema (position missing or unknown)")
    diffs = ans.get("differences") or []
    if not isinstance(diffs, list):
        raise CompareError("judge answer does not follow the schema (differences is no list)")
    return {
        "position": ans["position"],
        "differences": [d for d in diffs if isinstance(d, dict) and {"kind", "a", "b"} <= set(d)],
        "explanation": str(ans.get("explanation", ""))[:500],
    }
