"""Show a comparison or a report check: a Rich table for the terminal, a self-contained HTML page.

All archived text is HTML-escaped; the page has no scripts and no external assets.
"""

from __future__ import annotations

import html

from rich.table import Table
from rich.text import Text

from onrecord.analysis.compare import Comparison
from onrecord.analysis.report_check import ReportCheck

__all__ = ["comparison_html", "comparison_table", "report_table"]

_STYLE = {
    "agree": "green",
    "partial": "yellow",
    "conflict": "bold red",
    "only_a": "cyan",
    "only_b": "magenta",
    "supported": "green",
    "not_found": "yellow",
}
_COLOUR = {
    "agree": "#e6f4ea",
    "partial": "#fff6d6",
    "conflict": "#fde2e1",
    "only_a": "#e3f0fb",
    "only_b": "#f3e5f5",
}


# Wide enough for every label and verdict ("not_found", "supported", "conflict") and a score: the
# column never wraps or truncates, the text columns share the rest (readable at 80 columns).
_LABEL_WIDTH = max(len(x) for x in _STYLE)


def comparison_table(c: Comparison) -> Table:
    title = f"{c.a.title or c.a.ref or 'A'} ({c.a.lang})  ↔  {c.b.title or c.b.ref or 'B'} ({c.b.lang})"
    t = Table(title=title, show_lines=True, expand=True)
    t.add_column("A", ratio=5)
    t.add_column("label", width=_LABEL_WIDTH, no_wrap=True)
    t.add_column("B", ratio=5)
    t.add_column("why", ratio=3, overflow="fold")
    for p in c.pairs:
        ca, cb = c.claim(p.a), c.claim(p.b)
        t.add_row(
            Text(ca.text if ca else ""),
            Text(p.label + (f"\n{p.score:.3f}" if p.score is not None else ""), style=_STYLE[p.label]),
            Text(cb.text if cb else ""),
            Text("\n".join(p.reasons)),
        )
    caption = [f"model {c.model_name} {c.model_version}" + (f", NLI {c.nli[0]} {c.nli[1]}" if c.nli else "")]
    caption += [f"event: {r}" for r in c.event_reasons]
    caption += [f"warning: {w}" for w in c.warnings]
    t.caption = "\n".join(caption)
    return t


def report_table(r: ReportCheck) -> Table:
    t = Table(title="Report check", show_lines=True, expand=True)
    t.add_column("reported point", ratio=5)
    t.add_column("verdict", width=_LABEL_WIDTH, no_wrap=True)
    t.add_column("primary sentence", ratio=5)
    t.add_column("why", ratio=3, overflow="fold")
    for pc in r.points:
        src = f"{pc.sentence}\n— {pc.source}" if pc.sentence else ""
        t.add_row(
            Text(pc.point.text),
            Text(pc.verdict + (f"\n{pc.score:.3f}" if pc.score else ""), style=_STYLE[pc.verdict]),
            Text(src),
            Text("\n".join(pc.reasons)),
        )
    t.caption = f"model {r.model_name} {r.model_version}" + (f", NLI {r.nli[0]} {r.nli[1]}" if r.nli else "")
    return t


def _e(s: str | None) -> str:
    return html.escape(s or "", quote=True)


def comparison_html(c: Comparison) -> str:
    """A self-contained page: aligned rows side by side, coloured by label."""
    rows = []
    for p in c.pairs:
        ca, cb = c.claim(p.a), c.claim(p.b)
        score = "" if p.score is None else f"{p.score:.3f}"
        reasons = "".join(f"<li>{_e(r)}</li>" for r in p.reasons)
        rows.append(
            f'<tr class="{_e(p.label)}">'
            f'<td lang="{_e(ca.lang if ca else "")}">{_e(ca.text if ca else "")}</td>'
            f'<td class="lab"><b>{_e(p.label)}</b><br><small>{score}</small><ul>{reasons}</ul></td>'
            f'<td lang="{_e(cb.lang if cb else "")}">{_e(cb.text if cb else "")}</td></tr>'
        )
    counts = ", ".join(f"{k}: {v}" for k, v in c.counts().items())
    notes = "".join(f"<li>event: {_e(r)}</li>" for r in c.event_reasons)
    notes += "".join(f"<li>warning: {_e(w)}</li>" for w in c.warnings)
    events = ""
    for name, side in (("A", c.a), ("B", c.b)):
        if side.event:
            ev = side.event
            events += (
                f"<p><b>{name} opening</b>: {_e(ev.text)}<br><small>who: {_e(ev.who)} · with: "
                f"{_e(ev.with_whom)} · date: {_e(ev.date)} · initiative: {_e(ev.initiative)}</small></p>"
            )
    css = "".join(f"tr.{k} td{{background:{v}}}" for k, v in _COLOUR.items())
    head_a = _e(c.a.title or c.a.ref or "A")
    head_b = _e(c.b.title or c.b.ref or "B")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>onrecord compare: {head_a} / {head_b}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.5em;vertical-align:top}td.lab{width:14%}"
        f"ul{{margin:.2em 0;padding-left:1.2em;font-size:.85em}}{css}</style></head><body>"
        f"<h1>{head_a} ({_e(c.a.lang)}) ↔ {head_b} ({_e(c.b.lang)})</h1>{events}"
        f"<p>{_e(counts)}</p><ul>{notes}</ul>"
        f"<table><thead><tr><th>A</th><th>label</th><th>B</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p><small>model {_e(c.model_name)} {_e(c.model_version)}"
        + (f", NLI {_e(c.nli[0])} {_e(c.nli[1])}" if c.nli else "")
        + "</small></p></body></html>\n"
    )
