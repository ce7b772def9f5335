"""Word diffs between any two versions of an item, for the history page and the API."""

from __future__ import annotations

import difflib
import re

__all__ = ["side_by_side", "word_diff"]

_WORDS = re.compile(r"\S+\s*")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) runs with op in "=", "-", "+": the words of `old` turned into those of `new`."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def side_by_side(ops: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The same runs split into the old column (= and -) and the new one (= and +)."""
    return [(op, t) for op, t in ops if op != "+"], [(op, t) for op, t in ops if op != "-"]
