"""Near-duplicate sketches for re-publication: MinHash over word pairs, banded for LSH lookup.

A statement's words (case folded, punctuation dropped) give a set
of word pairs ("shingles"). A 64-value MinHash of that set (rensa, in Rust) is cut into 16 bands of
4 values; each band, hashed together with the actor's scope, is one 63-bit key. Two texts whose
shingle sets overlap with Jaccard similarity J share at least one band key with probability
1 - (1 - J^4)^16: 0.99 at J = 0.7, 0.64 at J = 0.4, 0.04 at J = 0.2. The store keeps the keys in an
indexed table, so a lookup is one indexed query whatever the archive's size; the candidates it
returns are then compared exactly (`resemblance`), so the similarity reported is measured, not
estimated.

Pure functions, no I/O: the store and detect both use them.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import struct
from collections.abc import Callable

from rensa import RMinHash

__all__ = ["BANDS", "NUM_PERM", "ROWS", "band_keys", "resemblance", "resemblance_to", "scope_of", "shingles", "words"]

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SEED = 20261204  # fixed forever: stored keys depend on it (changing it needs a re-index)

_WORD = re.compile(r"\w+")
_PACK = struct.Struct(f"<{ROWS}I")


@functools.lru_cache(maxsize=2048)
def words(text: str) -> tuple[str, ...]:
    """The words that count: case folded, punctuation dropped. (Cosmetic churn such as a view counter
    changes a word pair or two of a statement; `unchanged` is decided on the normalized text's hash.)

    Cached: one new text is read by the lookup, the exact measure and the index write in turn."""
    return tuple(_WORD.findall(text.casefold()))


def shingles(ws: tuple[str, ...] | list[str]) -> set[str]:
    """Consecutive word pairs; a one-word text is its word."""
    if len(ws) < 2:
        return set(ws)
    return {f"{a} {b}" for a, b in itertools.pairwise(ws)}


def resemblance(a: str, b: str) -> float:
    """Exact Jaccard similarity of the two texts' word-pair sets (1.0: the same words in the same order)."""
    return resemblance_to(a)(b)


def resemblance_to(a: str) -> Callable[[str], float]:
    """`resemblance(a, .)` with `a`'s word pairs computed once, for many candidates."""
    sa = shingles(words(a))

    def to(b: str) -> float:
        sb = shingles(words(b))
        if not sa or not sb:
            return 0.0
        inter = len(sa & sb)
        return inter / (len(sa) + len(sb) - inter)

    return to


def scope_of(actor: str | None, source_id: int) -> str:
    """Who a text is matched within: the actor, or the source alone when it has no actor."""
    return f"actor:{actor}" if actor else f"source:{source_id}"


@functools.lru_cache(maxsize=2048)
def band_keys(scope: str, text: str) -> tuple[int, ...]:
    """The LSH keys of `text` within `scope` (empty for a text without words)."""
    sh = shingles(words(text))
    if not sh:
        return ()
    mh = RMinHash(num_perm=NUM_PERM, seed=SEED)
    mh.update(sorted(sh))
    sig = mh.digest()
    prefix = scope.encode("utf-8") + b"\x1f"
    keys = []
    for b in range(BANDS):
        h = hashlib.blake2b(prefix + bytes((b,)) + _PACK.pack(*sig[b * ROWS : (b + 1) * ROWS]), digest_size=8)
        keys.append(int.from_bytes(h.digest(), "little", signed=True) >> 1)  # 63 bits: fits BIGINT
    return tuple(keys)
