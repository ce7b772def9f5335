"""Full-text search over every version: the query language, the hit record and its highlighting.

The query language is small, the one search boxes teach:

    ceasefire talks           both words (AND)
    "joint statement"         the words next to each other, in that order
    ceasefire OR truce        either one (OR binds tighter than the space: `a OR b c` is (a OR b) AND c)
    -rumour  -"fake news"     without this word or phrase
    sanction*                 words starting with "sanction"

Words are matched case-insensitively, accents aside on SQLite, in any language (no stemming: the
word is found as written). The SQL for each database lives in `onrecord.store.search`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from onrecord.errors import SearchError

__all__ = ["MARK_END", "MARK_START", "Query", "SearchHit", "Term", "parse_query"]

# Highlight markers inside snippets as the databases return them (control characters that never
# occur in stored text: normalized text keeps no C0 controls other than newlines and tabs).
MARK_START = "\x02"
MARK_END = "\x03"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")  # letters and digits: how FTS5 unicode61 and PostgreSQL split words


@dataclass(frozen=True)
class Term:
    """A word or a phrase (words in order); `prefix` matches words starting with the last one."""

    words: tuple[str, ...]
    prefix: bool = False

    def __str__(self) -> str:
        text = " ".join(self.words)
        return (f'"{text}"' if len(self.words) > 1 else text) + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """All of `groups` (each group: any of its terms), none of `exclude`."""

    groups: tuple[tuple[Term, ...], ...]
    exclude: tuple[Term, ...] = ()

    def __str__(self) -> str:
        parts = [" OR ".join(str(t) for t in g) for g in self.groups]
        parts += [f"-{t}" for t in self.exclude]
        return " ".join(parts)

    def fts5(self) -> str:
        """The query as an SQLite FTS5 MATCH expression (every word quoted: no operator injection)."""

        def term(t: Term) -> str:
            return '"' + " ".join(w.replace('"', '""') for w in t.words) + '"' + ("*" if t.prefix else "")

        ands = ["(" + " OR ".join(term(t) for t in g) + ")" for g in self.groups]
        expr = " AND ".join(ands)
        for t in self.exclude:
            expr = f"({expr}) NOT {term(t)}"
        return expr


def _term(text: str) -> Term | None:
    prefix = text.endswith("*")
    words = tuple(w.lower() for w in _WORD.findall(text))
    if not words:
        return None
    return Term(words, prefix=prefix)


def parse_query(text: str) -> Query:
    """Read a query; SearchError when nothing in it can be looked for."""
    groups: list[list[Term]] = []
    exclude: list[Term] = []
    join_next = False
    for m in _TOKEN.finditer(text):
        neg_quote, phrase, bare = m.group(1), m.group(2), m.group(3)
        if bare == "OR":
            join_next = bool(groups)
            continue
        negative = bool(neg_quote) or (bare is not None and bare.startswith("-") and len(bare) > 1)
        raw = phrase if phrase is not None else (bare[1:] if negative else bare)
        t = _term(raw or "")
        if t is None:
            continue
        if negative:
            exclude.append(t)
            join_next = False
        elif join_next and groups:
            groups[-1].append(t)
            join_next = False
        else:
            groups.append([t])
    if not groups:
        if exclude:
            raise SearchError(f"query {text!r} only excludes words: add a word to look for")
        raise SearchError(f"query {text!r} has no word to look for")
    return Query(tuple(tuple(g) for g in groups), tuple(exclude))


@dataclass(frozen=True)
class SearchHit:
    """One version whose text matches, with where it belongs and a highlighted snippet."""

    version_id: int
    item_id: int
    seq: int
    at: datetime
    title: str
    source: str
    source_kind: str
    actor: str | None
    item: str
    url: str
    item_state: str
    snippet: str  # plain text, an excerpt around the matches
    marks: tuple[tuple[int, int], ...] = field(default=())  # [start, end) of each match in `snippet`
    title_marks: tuple[tuple[int, int], ...] = field(default=())
    current: bool = False  # the item's newest version

    def snippet_html(self) -> str:
        """The snippet as HTML: escaped, each match in <mark>."""
        return _html(self.snippet, self.marks)

    def title_html(self) -> str:
        return _html(self.title, self.title_marks)

    def to_json(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "item_id": self.item_id,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "title": self.title,
            "source": self.source,
            "source_kind": self.source_kind,
            "actor": self.actor,
            "item": self.item,
            "url": self.url,
            "item_state": self.item_state,
            "current": self.current,
            "snippet": self.snippet,
            "marks": [list(m) for m in self.marks],
            "title_marks": [list(m) for m in self.title_marks],
        }


def _html(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    out, pos = [], 0
    for a, b in marks:
        out.append(html.escape(text[pos:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


def split_marks(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text with MARK_START/MARK_END pairs -> (plain text, match spans)."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0
    start: int | None = None
    for ch in marked:
        if ch == MARK_START:
            start = pos
        elif ch == MARK_END:
            if start is not None and pos > start:
                marks.append((start, pos))
            start = None
        else:
            out.append(ch)
            pos += 1
    return "".join(out), tuple(marks)


def mark_terms(text: str, query: Query) -> tuple[tuple[int, int], ...]:
    """Spans of `text` holding a word of the query (for the title, where no database snippet is made)."""
    words = {w for g in query.groups for t in g for w in t.words}
    prefixes = {t.words[-1] for g in query.groups for t in g if t.prefix}
    spans = []
    for m in _WORD.finditer(text):
        w = m.group(0).lower()
        if w in words or any(w.startswith(p) for p in prefixes):
            spans.append((m.start(), m.end()))
    return tuple(spans)
