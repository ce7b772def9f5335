"""Parsing off the event loop: a small thread pool, a per-parse timeout and a depth cap.

One hostile body (100,000 nested `<div>`s) must cost at most its own timeout, never the other
sources' checks. Each body is first scanned for its nesting depth (`parse_max_depth`), then parsed in
a worker thread; the check waits at most `parse_timeout` seconds for it. A parse that overruns is
abandoned: its thread finishes in the background and the pool is replaced, so later parses never
queue behind it. Results are kept by body digest for a while, so the same bytes are parsed once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from onrecord.errors import SourceError
from onrecord.parse.bounds import check_depth
from onrecord.parse.feed import parse_feed
from onrecord.parse.page import parse_page
from onrecord.records import ParsedItem

log = logging.getLogger(__name__)

T = TypeVar("T")


class ParsePool:
    """Parses pages and feeds in worker threads, each parse bounded by depth and time."""

    def __init__(self, workers: int = 2, timeout: float = 20.0, max_depth: int = 1000, memo: int = 512) -> None:
        self.workers, self.timeout, self.max_depth = max(1, workers), timeout, max_depth
        self._pool = self._new_pool()
        self._memo: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._memo_size = memo
        self.timeouts = 0

    def _new_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.workers, thread_name_prefix="onrecord-parse")

    async def page(
        self, body: bytes, url: str, content_type: str | None, selector: str | None, ignore: str | None
    ) -> ParsedItem:
        def work() -> ParsedItem:
            check_depth(body, url, self.max_depth)
            return parse_page(body, url, content_type, selector, ignore)

        return await self._run(("page", url, content_type, selector, ignore), body, url, work)

    async def feed(self, body: bytes, url: str, content_type: str | None, ignore: str | None) -> list[ParsedItem]:
        def work() -> list[ParsedItem]:
            check_depth(body, url, self.max_depth)
            return parse_feed(body, url, content_type, ignore)

        return await self._run(("feed", url, content_type, ignore), body, url, work)

    async def _run(self, key: tuple[object, ...], body: bytes, url: str, work: Callable[[], T]) -> T:
        key = (*key, hashlib.blake2b(body, digest_size=16).digest())
        if key in self._memo:
            self._memo.move_to_end(key)
            got = self._memo[key]
            if isinstance(got, SourceError):
                raise got
            return got  # type: ignore[return-value]
        pool = self._pool
        fut = asyncio.get_running_loop().run_in_executor(pool, work)
        try:
            result = await asyncio.wait_for(asyncio.shield(fut), self.timeout)
        except TimeoutError:
            self.timeouts += 1
            if pool is self._pool:  # leave the stuck thread behind; later parses get fresh workers
                self._pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=False)
            log.warning("url=%s parse took over %ss; abandoned", url, self.timeout)
            raise SourceError(
                f"parsing {url} took over {self.timeout:g} s (parse_timeout); not parsed, the capture is kept"
            ) from None
        except SourceError as exc:
            self._remember(key, exc)
            raise
        except Exception as exc:  # a parser bug on hostile bytes is this body's problem, not the check's
            log.warning("url=%s parser failed: %s: %s", url, exc.__class__.__name__, exc)
            raise SourceError(f"could not parse {url}: {exc.__class__.__name__}: {exc}") from None
        self._remember(key, result)
        return result

    def _remember(self, key: tuple[object, ...], value: object) -> None:
        self._memo[key] = value
        while len(self._memo) > self._memo_size:
            self._memo.popitem(last=False)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
