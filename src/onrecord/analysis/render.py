"""Show a comparison or a report check to a reporter: a Rich table for the terminal (readable at 80 columns),
a self-contained HTML page (no scripts, no external assets, all archived text escaped).

Topics are the rows: what A says, what B says, and a plain-words verdict (both / only A / only B, facts
that differ, opposed positions). A legend explains the words; scores appear only when asked (`scores=True`).
"""

from __future__ import annotations

import html

from rich.table import Table
from rich.text import Text

from onrecord.analysis.compare import Comparison, Side, Topic
from onrecord.analysis.report_check import ReportCheck

__all__ = ["LEGEND", "comparison_html", "comparison_table", "report_table", "topic_verdict"]

LEGEND = (
    "both: both raise the topic (read the two texts side by side); "
    "differs: both state a fact and the facts differ; "
    "opposed: one says the opposite of the other (a negation or an explicit opposite); "
    "same: both say the same, nothing differs; "
    "only A / only B: one side alone raises it."
)
REPORT_LEGEND = (
    "supported: a primary sentence says the same; conflict: a primary sentence says otherwise; "
    "not found: no primary sentence decides it. Attributed points relay someone (said, according to, a quote)."
)

_STYLE = {
    "same": "green",
    "both": "default",
    "differs": "bold red",
    "opposed": "bold red",
    "only A": "cyan",
    "only B": "magenta",
    "supported": "green",
    "not found": "yellow",
    "conflict": "bold red",
}
_COLOUR = {
    "same": "#e6f4ea",
    "both": "#ffffff",
    "differs": "#fde2e1",
    "opposed": "#fde2e1",
    "only-A": "#e3f0fb",
    "only-B": "#f3e5f5",
}
_LABEL_WIDTH = 9


def topic_verdict(t: Topic) -> str:
    if t.coverage != "both":
        return "only A" if t.coverage == "only_a" else "only B"
    if t.position == "opposed":
        return "opposed"
    if t.differences:
        return "differs"
    if t.position == "agree":
        return "same"
    return "both"


def _why(t: Topic) -> list[str]:
    return [d.sentence for d in t.differences] + list(t.reasons)


def _side_line(name: str, s: Side) -> str:
    bits = [s.name or name]
    if s.version is not None:
        bits.append(f"version {s.version}")
    if s.date:
        bits.append(s.date[:16].replace("T", " "))
    if s.url:
        bits.append(s.url)
    elif s.ref and s.ref != s.name:
        bits.append(s.ref)
    return f"{name}: " + ", ".join(bits) + f" ({s.lang})"


def _grouping(judge: dict[str, str]) -> str:
    """Who grouped the topics, when the judge was asked to."""
    if judge.get("grouping") == "judge":
        return f"; topics grouped by the judge (prompt {judge.get('grouping_prompt_version')})"
    if judge.get("grouping") == "encoder":
        return "; topics grouped by the encoder (the judge's grouping failed)"
    return ""


def comparison_table(c: Comparison, scores: bool = False) -> Table:
    t = Table(title="Topic by topic", show_lines=True, expand=True)
    t.add_column("A says", ratio=5)
    t.add_column("topic", width=_LABEL_WIDTH, no_wrap=True)
    t.add_column("B says", ratio=5)
    for tp in c.topics:
        verdict = topic_verdict(tp)
        ca = "\n".join(x.text for cid in tp.a if (x := c.claim(cid)))
        cb = "\n".join(x.text for cid in tp.b if (x := c.claim(cid)))
        why = _why(tp)
        label = Text(verdict, style=_STYLE[verdict])
        if scores and tp.score is not None:
            label.append(f"\n{tp.score:.3f}")
        t.add_row(Text(ca), label, Text(cb + ("\n— " + "\n— ".join(why) if why else ""), style="default"))
    caption = [_side_line("A", c.a), _side_line("B", c.b)]
    caption += [f"the call: {r}" for r in c.event_reasons]
    caption += [f"warning: {w}" for w in c.warnings]
    caption.append("Legend: " + LEGEND)
    model = f"model {c.model_name} {c.model_version}" + (f", NLI {c.nli[0]} {c.nli[1]}" if c.nli else "")
    if c.judge:
        model += f", judge {c.judge.get('model')} (prompt {c.judge.get('prompt_version')})" + _grouping(c.judge)
    caption.append(model)
    t.caption = "\n".join(caption)
    return t


def report_table(r: ReportCheck, scores: bool = False) -> Table:
    t = Table(title="Report check", show_lines=True, expand=True)
    t.add_column("reported point", ratio=5)
    t.add_column("verdict", width=_LABEL_WIDTH, no_wrap=True)
    t.add_column("primary sentence", ratio=5)
    for pc in r.points:
        verdict = pc.verdict.replace("_", " ")
        label = Text(verdict, style=_STYLE[verdict])
        if pc.point.attributed:
            label.append("\nattrib.")
        if scores and pc.score is not None:
            label.append(f"\n{pc.score:.3f}")
        src = ""
        if pc.sentence:
            where = pc.source or ""
            if pc.version is not None:
                where += f", version {pc.version}"
            src = f"{pc.sentence}\n— {where}"
        notes = [x for x in (pc.finding, *pc.reasons) if x]
        if notes:
            src += ("\n" if src else "") + "\n".join(f"— {x}" for x in notes)
        t.add_row(Text(pc.point.text), label, Text(src))
    caption = [
        f"against {s['name']}: "
        + ", ".join(
            f"version {v['version']}" + (f" ({v['date']})" if v.get("date") else "")
            if v.get("version") is not None
            else (v.get("url") or v.get("ref") or "")
            for v in s["versions"]
        )
        for s in r.sources
    ]
    caption.append("Legend: " + REPORT_LEGEND)
    caption.append(f"model {r.model_name} {r.model_version}" + (f", NLI {r.nli[0]} {r.nli[1]}" if r.nli else ""))
    t.caption = "\n".join(caption)
    return t


def _e(s: object) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _side_html(name: str, s: Side) -> str:
    link = f' <a href="{_e(s.url)}">{_e(s.url)}</a>' if s.url and s.url.startswith(("http://", "https://")) else ""
    bits = [f"version {s.version}" if s.version is not None else "", s.date or "", s.lang]
    return (
        f"<p><b>{name}</b>: {_e(s.name or s.ref or name)}{link} "
        f"<small>{_e(' · '.join(b for b in bits if b))}</small></p>"
    )


def comparison_html(c: Comparison, scores: bool = False) -> str:
    """A self-contained page: topics as rows, A and B side by side, the verdict and why in the middle."""
    rows = []
    for tp in c.topics:
        verdict = topic_verdict(tp)
        ca = "".join(f'<p lang="{_e(x.lang)}">{_e(x.text)}</p>' for cid in tp.a if (x := c.claim(cid)))
        cb = "".join(f'<p lang="{_e(x.lang)}">{_e(x.text)}</p>' for cid in tp.b if (x := c.claim(cid)))
        why = "".join(f"<li>{_e(r)}</li>" for r in _why(tp))
        score = f"<br><small>{tp.score:.3f}</small>" if scores and tp.score is not None else ""
        rows.append(
            f'<tr class="{_e(verdict.replace(" ", "-"))}"><td>{ca}</td>'
            f'<td class="lab"><b>{_e(verdict)}</b>{score}<ul>{why}</ul></td><td>{cb}</td></tr>'
        )
    notes = "".join(f"<li>the call: {_e(r)}</li>" for r in c.event_reasons)
    notes += "".join(f"<li>warning: {_e(w)}</li>" for w in c.warnings)
    css = "".join(f"tr.{k} td{{background:{v}}}" for k, v in _COLOUR.items())
    head_a = _e(c.a.name or "A")
    head_b = _e(c.b.name or "B")
    model = f"model {_e(c.model_name)} {_e(c.model_version)}"
    model += f", NLI {_e(c.nli[0])} {_e(c.nli[1])}" if c.nli else ""
    if c.judge:
        model += f", judge {_e(c.judge.get('model'))} (prompt {_e(c.judge.get('prompt_version'))})"
        model += _e(_grouping(c.judge))
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>onrecord compare: {head_a} / {head_b}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.5em;vertical-align:top}td.lab{width:18%}"
        f"ul{{margin:.2em 0;padding-left:1.2em;font-size:.85em}}{css}</style></head><body>"
        f"<h1>{head_a} ↔ {head_b}</h1>{_side_html('A', c.a)}{_side_html('B', c.b)}<ul>{notes}</ul>"
        f"<p><small>{_e(LEGEND)}</small></p>"
        f"<table><thead><tr><th>A says</th><th>topic</th><th>B says</th></tr></thead><tbody>{''.join(rows)}"
        f"</tbody></table><p><small>{model}</small></p></body></html>\n"
    )
