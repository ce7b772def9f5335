"""An optional model judge: asks a chat model behind an OpenAI-compatible endpoint (Ollama, llama.cpp server,
vLLM, LM Studio, a hosted service; the user's choice, off by default) to judge each topic both sides raise.

The model answers in JSON that a schema fixes (`response_format` json_schema): the two sides' position on
the topic (`same`, `different`, `opposed`, `unrelated`), the facts that differ, and one sentence why. Its
answer can only add evidence: `opposed` makes the topic opposed (and its pairs `conflict`), `unrelated`
adds a note; it never turns a topic into an agreement. Answers are cached by a hash of the model, the prompt
version and the texts, on disk when a folder is given; the model and prompt version are recorded in the
output. Requests keep onrecord's caps (a timeout, a response size cap); the API key is a secret: it is sent
as a bearer token, never logged or written out. Quality depends entirely on the model the user brings.

The judge can also group the claims into topics (`group_topics=True`, the default): one request per document
pair with the two sides' claims numbered (A1.., B1..), answered in JSON that `GROUP_SCHEMA` fixes: topics as
lists of A and B claim numbers. The answer is checked strictly (`parse_grouping`: numbers in range, no claim
twice, nothing outside the schema); a claim it leaves out becomes a topic of its own side. On any failure the
encoder's grouping stands and the comparison carries a one-line warning.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onrecord.errors import CompareError

if TYPE_CHECKING:
    from onrecord.analysis.compare import Pair, Side, Topic

__all__ = ["GROUP_PROMPT_VERSION", "GROUP_SCHEMA", "PROMPT_VERSION", "SCHEMA", "Judge", "parse_grouping"]

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


GROUP_PROMPT_VERSION = "topic-group-1"
GROUP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "topics": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "a": {"type": "array", "items": {"type": "integer"}},
                    "b": {"type": "array", "items": {"type": "integer"}},
                },
                "required": ["a", "b"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["topics"],
    "additionalProperties": False,
}
_GROUP_SYSTEM = (
    "You compare two official readouts of the same call or meeting. Each side picks its topics and frames them. "
    "You get side A's claims numbered A1, A2, ... and side B's claims numbered B1, B2, .... Group them into "
    "topics: a topic is one matter (a conflict, a country, a deal, a visit or meeting planned, the call itself) "
    "and holds every claim of either side that is about that matter, even when the two sides frame it "
    "differently or say opposite things. One claim of a side may share a topic with several claims of the "
    "other. Put each claim in at most one topic; leave out a claim that no claim of the other side is about. "
    "Answer in JSON: topics, each with a: the numbers of its A claims and b: the numbers of its B claims "
    "(numbers only, without the letter: A3 is 3)."
)


class Judge:
    """A chat-completions endpoint that judges topics. `url`: the API base ("http://127.0.0.1:11434/v1");
    `model`: the model name the endpoint knows; `api_key`: sent as a bearer token when given; `group_topics`:
    also group the claims into topics (one request per document pair) instead of the encoder."""

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
        group_topics: bool = True,
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
        self.group_topics = group_topics
        self._memory: dict[str, dict[str, Any]] = {}
        self.asked = 0

    def __repr__(self) -> str:  # never shows the key
        return f"Judge(url={self.url!r}, model={self.model!r})"

    def info(self) -> dict[str, str]:
        """What the output records: model, prompt version(s), endpoint; never the key. With grouping on,
        the comparison adds `grouping`: `judge` when the model's topics were used, `encoder` when it fell back."""
        out = {"model": self.model, "prompt_version": PROMPT_VERSION, "endpoint": self.url}
        if self.group_topics:
            out["grouping_prompt_version"] = GROUP_PROMPT_VERSION
        return out

    # -- cache -----------------------------------------------------------------------------------------
    def _key_of(self, a: list[str], b: list[str], version: str = PROMPT_VERSION) -> str:
        blob = json.dumps([self.model, version, a, b], ensure_ascii=False)
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
    def _request(self, system: str, user: str, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "response_format": {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}},
        }

    def _body(self, a: list[str], b: list[str]) -> dict[str, Any]:
        user = "Side A says:\n" + "\n".join(f"- {t}" for t in a) + "\n\nSide B says:\n" + "\n".join(f"- {t}" for t in b)
        return self._request(_SYSTEM, user, "topic_judgement", SCHEMA)

    def _group_body(self, a: list[str], b: list[str]) -> dict[str, Any]:
        user = (
            "Side A's claims:\n" + "\n".join(f"A{n}: {' '.join(t.split())}" for n, t in enumerate(a, start=1))
            + "\n\nSide B's claims:\n" + "\n".join(f"B{n}: {' '.join(t.split())}" for n, t in enumerate(b, start=1))
        )
        return self._request(_GROUP_SYSTEM, user, "topic_grouping", GROUP_SCHEMA)

    async def _ask(
        self, session: Any, body: dict[str, Any], check: Callable[[Any], dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        import aiohttp

        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        try:
            async with session.post(f"{self.url}/chat/completions", json=body, headers=headers) as resp:
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
        content = _content(raw)
        return check(content) if check is not None else _parse(content)

    async def _ask_all(
        self, todo: list[tuple[str, dict[str, Any], Callable[[Any], dict[str, Any]] | None]]
    ) -> dict[str, dict[str, Any] | str]:
        import aiohttp

        out: dict[str, dict[str, Any] | str] = {}
        sem = asyncio.Semaphore(self.concurrency)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:

            async def one(key: str, body: dict[str, Any], check: Callable[[Any], dict[str, Any]] | None) -> None:
                async with sem:
                    try:
                        out[key] = await self._ask(session, body, check)
                    except CompareError as exc:
                        out[key] = str(exc)

            await asyncio.gather(*(one(*t) for t in todo))
        return out

    def judge_texts(self, pairs: list[tuple[list[str], list[str]]]) -> list[dict[str, Any] | str]:
        """One answer (or an error line) per (A texts, B texts), from the cache or the endpoint."""
        keys = [self._key_of(a, b) for a, b in pairs]
        todo = {
            k: (k, self._body(a, b), None) for k, (a, b) in zip(keys, pairs, strict=True) if self._cached(k) is None
        }
        fresh: dict[str, dict[str, Any] | str] = {}
        if todo:
            self.asked += len(todo)
            fresh = asyncio.run(self._ask_all(list(todo.values())))
            for k, ans in fresh.items():
                if isinstance(ans, dict):
                    self._store(k, ans)
        return [self._cached(k) or fresh.get(k, "no answer") for k in keys]

    def group(self, a: list[str], b: list[str]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """The model's topics over claim texts `a` and `b`: (A indices, B indices) from 0, each claim in at most
        one topic, from the cache or the endpoint. Raises CompareError on any failure (unreachable, timeout,
        an answer outside the schema or out of range)."""
        key = self._key_of(a, b, GROUP_PROMPT_VERSION)
        cached = self._cached(key)
        if cached is not None:
            checked = parse_grouping(cached, len(a), len(b))  # a cache file is checked like an answer
        else:
            self.asked += 1
            check = partial(parse_grouping, n=len(a), m=len(b))  # the answer is checked in `_ask`
            got = asyncio.run(self._ask_all([(key, self._group_body(a, b), check)]))
            fresh = got.get(key, "no answer")
            if isinstance(fresh, str):
                raise CompareError(fresh)
            self._store(key, fresh)
            checked = fresh
        return [(tuple(x - 1 for x in t["a"]), tuple(y - 1 for y in t["b"])) for t in checked["topics"]]

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


def _content(raw: bytes) -> Any:
    """The JSON content of a chat-completions answer."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        content = doc["choices"][0]["message"]["content"]
        return json.loads(content) if isinstance(content, str) else content
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise CompareError("judge answer is not a chat completion with JSON content") from exc


def parse_grouping(ans: Any, n: int, m: int) -> dict[str, Any]:
    """A grouping answer checked strictly against `GROUP_SCHEMA` and the claims asked about: `n` A claims and
    `m` B claims, numbered from 1; every number in range, no claim twice, no key outside the schema. Topics
    without claims are dropped. Returns {"topics": [{"a": [...], "b": [...]}, ...]}; raises CompareError."""

    def bad(why: str) -> CompareError:
        return CompareError(f"judge grouping does not follow the schema ({why})")

    if not isinstance(ans, dict) or set(ans) != {"topics"} or not isinstance(ans["topics"], list):
        raise bad("expected an object with one key, topics, a list")
    seen: set[tuple[str, int]] = set()
    out: list[dict[str, list[int]]] = []
    for t in ans["topics"]:
        if not isinstance(t, dict) or set(t) != {"a", "b"}:
            raise bad("each topic is an object with the keys a and b only")
        topic: dict[str, list[int]] = {}
        for side, limit in (("a", n), ("b", m)):
            nums = t[side]
            if not isinstance(nums, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in nums):
                raise bad(f"{side} is a list of claim numbers")
            for x in nums:
                if not 1 <= x <= limit:
                    raise CompareError(f"judge grouping names claim {side.upper()}{x}, which does not exist "
                                       f"(side {side.upper()} has {limit})")
                if (side, x) in seen:
                    raise CompareError(f"judge grouping names claim {side.upper()}{x} twice")
                seen.add((side, x))
            topic[side] = sorted(nums)
        if topic["a"] or topic["b"]:
            out.append(topic)
    return {"topics": out}


def _parse(ans: Any) -> dict[str, Any]:
    """A topic judgement, checked against the schema's essentials."""
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
