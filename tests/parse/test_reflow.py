"""Markup layout is not an edit: the same statement re-flowed by a CMS reads the same, and a check of
the re-flowed page (served by a real server) reports nothing, while a real edit still counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.app import Onrecord
from onrecord.config import Settings
from onrecord.parse.feed import html_to_text
from onrecord.parse.normalize import collapse_html_whitespace
from onrecord.parse.page import parse_page

# As published: one line per paragraph.
COMPACT = "\n".join(
    [
        "<!DOCTYPE html><html><head><title>Readout of the call | Office of the President</title></head>",
        '<body><nav><a href="/">Home</a></nav><main><article class="statement">',
        "<h1>Readout of President Holt's Call with Chancellor Falk</h1>",
        "<p>President Maren Holt spoke by telephone today with Chancellor Jonas Falk of Vestmark, "
        "who had requested the call.</p>",
        "<p>The two leaders discussed the situation along the shared border following last week's "
        "flooding in the Tarsk valley, and the President expressed Aldoria's condolences.</p>",
        "<p>President Holt announced that Aldoria will provide <strong>€40 million</strong> in "
        "reconstruction support.<br>The funds will be disbursed through the joint regional fund.</p>",
        "</article></main></body></html>",
    ]
)

# The same page after a CMS update: wrapped at 80 columns, indented, inline tags on their own lines,
# the title split over two lines, a non-breaking space where a space was.
REFLOWED = """<!DOCTYPE html>
<html>
  <head>
    <title>
      Readout of the call | Office of the President
    </title>
  </head>
  <body>
    <nav><a href="/">Home</a></nav>
    <main>
      <article class="statement">
        <h1>
          Readout of President Holt's Call
          with Chancellor Falk
        </h1>
        <p>
          President Maren Holt spoke by telephone today with Chancellor Jonas Falk of
          Vestmark, who had requested the call.
        </p>
        <p>The two leaders discussed the situation along the shared border following
           last week's flooding in the Tarsk valley, and the President expressed
           Aldoria's condolences.</p>
        <p>
          President Holt announced that Aldoria will provide
          <strong>
            €40&nbsp;million
          </strong>
          in reconstruction support.<br/>
          The funds will be disbursed through the joint regional fund.
        </p>
      </article>
    </main>
  </body>
</html>"""

EDITED = REFLOWED.replace("€40&nbsp;million", "€35&nbsp;million")
SELECTOR = "article.statement h1, article.statement p"


def test_reflowed_html_reads_the_same() -> None:
    a, b = parse_page(COMPACT.encode(), "http://x/"), parse_page(REFLOWED.encode(), "http://x/")
    assert a.title == b.title == "Readout of President Holt's Call with Chancellor Falk"
    assert a.text == b.text
    sa = parse_page(COMPACT.encode(), "http://x/", selector=SELECTOR)
    sb = parse_page(REFLOWED.encode(), "http://x/", selector=SELECTOR)
    assert sa.text == sb.text
    lines = sa.text.splitlines()
    assert lines[1].startswith("President Maren Holt spoke") and lines[1].endswith("requested the call.")
    assert "reconstruction support.\nThe funds" in sa.text  # <br> still ends a line
    assert html_to_text("<p>a\n  b</p><p>c</p>") == "a b\nc"


@pytest.fixture
async def cms() -> AsyncIterator[tuple[str, dict[str, str]]]:
    state = {"html": COMPACT}

    async def page(_r: web.Request) -> web.Response:
        return web.Response(text=state["html"], content_type="text/html")

    app = web.Application()
    app.router.add_get("/readout", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/readout", state
    await runner.cleanup()


@pytest.mark.parametrize("selector", [None, SELECTOR])
async def test_a_reflowed_page_is_no_edit_but_a_changed_figure_is(
    cms: tuple[str, dict[str, str]], tmp_path: Path, selector: str | None
) -> None:
    url, state = cms
    app = Onrecord(Settings(data=tmp_path, allow_private_addresses=True))
    try:
        app.add_source(url, kind="page", name="readout", selector=selector, sniff=False)
        first = await app.check()
        assert [f.kind for r in first for f in r.findings] == ["new"]
        state["html"] = REFLOWED
        assert [f.kind for r in await app.check() for f in r.findings] == []
        state["html"] = EDITED
        [edit] = [f for r in await app.check() for f in r.findings]
        assert edit.kind == "edited" and edit.detail["words_removed"] >= 1 and edit.detail["words_added"] >= 1
    finally:
        app.close()


_HTMLISH = st.text(alphabet=st.sampled_from(list("ab <>/p\n\t pre br\u00a0&;")), max_size=200)


@settings(max_examples=200, deadline=None)
@given(_HTMLISH)
def test_layout_collapse_is_idempotent_and_html_to_text_never_fails(doc: str) -> None:
    once = collapse_html_whitespace(doc)
    assert collapse_html_whitespace(once) == once
    assert isinstance(html_to_text(doc), str)
