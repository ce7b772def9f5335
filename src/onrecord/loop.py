"""Running onrecord's coroutines: on uvloop when it is installed (the `fast` extra), else asyncio.

uvloop roughly doubles the requests one core can make (see BENCHMARKS.md); behaviour is the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)
