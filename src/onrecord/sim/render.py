"""What the simulated press offices send: HTML pages, RSS 2.0, Atom, JSON Feed, robots.txt, sitemaps.

Strings only; the server encodes them in each site's charset. Field names follow SOURCES.md section 1.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape

from onrecord.sim.scenario import SiteSpec
from onrecord.sim.world import ItemState

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
WORDS = (
    "ministry statement council agreement cooperation partners regional security trade energy delegation "
    "minister talks framework support progress commitment dialogue reform budget infrastructure transport "
    "health education climate water border customs treaty review"
)


def guid(item_id: str) -> str:
    return f"urn:sim:{item_id}"


def http_date(dt: datetime) -> str:
    return format_datetime(dt, usegmt=True)


def _stated(s: ItemState) -> tuple[datetime | None, datetime | None]:
    """(published, modified) as the feed states them: the true times, a scripted wrong date (kept with
    its own offset), or none."""
    if s.stated == "none":
        return None, None
    if s.stated is not None:
        dt = datetime.fromisoformat(s.stated.replace("Z", "+00:00"))
        return dt, dt
    return s.published, s.modified


def _stated_rss(s: ItemState) -> str:
    pub, _ = _stated(s)
    return "" if pub is None else f"<pubDate>{format_datetime(pub, usegmt=pub.utcoffset() == timedelta(0))}</pubDate>\n"


def _stated_atom(s: ItemState) -> str:
    pub, mod = _stated(s)
    if pub is None or mod is None:
        return ""
    return f"<published>{pub.isoformat()}</published>\n<updated>{mod.isoformat()}</updated>\n"


def _stated_json(s: ItemState) -> dict[str, str]:
    pub, mod = _stated(s)
    if pub is None or mod is None:
        return {}
    return {"date_published": pub.isoformat(), "date_modified": mod.isoformat()}


def _human(dt: datetime) -> str:
    return dt.strftime("%d %B %Y, %H:%M UTC")


def _head(site: SiteSpec, title: str, base: str, canonical: str | None = None) -> str:
    meta = f'<meta charset="{site.charset_declared or site.charset}">' if site.charset_meta else ""
    feed_type = FEED_TYPES
    canon = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{site.lang}">\n<head>\n{meta}\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="alternate" type="{feed_type[site.feed]}" title="{escape(site.title)}" '
        f'href="{base}{site.feed_path}">\n{canon}\n'
        f'<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n'
        f'<header class="site-header">\n<a class="brand" href="/">{escape(site.title)}</a>\n'
        f'<nav><a href="/">Home</a> <a href="/statements/">Statements</a> <a href="/press/">Press</a> '
        f'<a href="/contact/">Contact</a></nav>\n</header>\n'
    )


def footer(site: SiteSpec, generated: datetime | None) -> str:
    stamp = f" Page generated at <time>{generated.isoformat()}</time>." if generated else ""
    return (
        f'<footer class="site-footer"><p>&#169; {escape(site.title)}. All rights reserved.'
        f"{stamp}</p></footer>\n</body>\n</html>\n"
    )


def page(site: SiteSpec, st: ItemState, related: list[ItemState], base: str) -> str:
    """An item page without its footer. Cosmetic revisions move only the `.meta` stamp, the view
    counter and the related block; the statement text lives in `article.statement` h1 + p."""
    reviewed = st.changed if st.cosmetic else st.modified
    views = 1000 + 137 * st.cosmetic + len(st.text) % 97
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in st.paragraphs)
    rel = "\n".join(f'<li><a href="{base}{r.path}">{escape(r.title)}</a></li>' for r in related[:3])
    return (
        _head(site, f"{st.title} | {site.title}", base, base + st.path) + '<main>\n<article class="statement">\n'
        f"<h1>{escape(st.title)}</h1>\n"
        f'<div class="meta"><time datetime="{st.published.isoformat()}">{_human(st.published)}</time>'
        f' · <span class="reviewed">Page reviewed {_human(reviewed)}</span>'
        f' · <span class="views">{views} views</span></div>\n'
        f"{paras}\n</article>\n"
        f'<aside class="related"><h2>Related</h2><ul>\n{rel}\n</ul></aside>\n</main>\n'
    )


def home(site: SiteSpec, items: list[ItemState], base: str) -> str:
    rows = "\n".join(
        f'<li><a href="{base}{s.path}">{escape(s.title)}</a> <time>{_human(s.published)}</time></li>'
        for s in items[: site.feed_window]
    )
    return (
        _head(site, site.title, base, base + "/")
        + f'<main>\n<h1>{escape(site.title)}</h1>\n<section class="latest"><h2>Latest statements</h2>\n'
        f"<ul>\n{rows}\n</ul></section>\n</main>\n"
    )


def error_page(site: SiteSpec, status: int, base: str) -> str:
    title = {404: "Page not found", 410: "Page removed"}.get(status, "Service unavailable")
    text = {
        404: "The page you requested could not be found.",
        410: "This page has been removed and is no longer available.",
    }.get(status, "The service is temporarily unavailable. Please try again later.")
    return (
        _head(site, f"{title} | {site.title}", base)
        + f'<main>\n<div class="error error-{status}"><h1>{title}</h1><p>{text}</p></div>\n</main>\n'
    )


def _window(site: SiteSpec, items: list[ItemState]) -> list[ItemState]:
    out = items[: site.feed_window]
    if site.duplicate_guids:
        out = [s for s in out for _ in range(2)]
    return out


def rss(site: SiteSpec, items: list[ItemState], base: str, built: datetime, encoding: str) -> str:
    entries = []
    for s in _window(site, items):
        html = "".join(f"<p>{escape(p)}</p>" for p in s.paragraphs)
        entries.append(
            f"<item>\n<title>{escape(s.title)}</title>\n<link>{base}{s.path}</link>\n"
            f'<guid isPermaLink="false">{guid(s.id)}</guid>\n{_stated_rss(s)}'
            f"<description>{escape(chr(10).join(s.paragraphs))}</description>\n"
            f"<content:encoded><![CDATA[{html}]]></content:encoded>\n</item>"
        )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{escape(site.title)}</title>\n<link>{base}/</link>\n"
        f"<description>Statements from {escape(site.title)}</description>\n<language>{site.lang}</language>\n"
        f"<lastBuildDate>{http_date(built)}</lastBuildDate>\n"
        f'<atom:link href="{base}/feed.xml" rel="self" type="application/rss+xml"/>\n'
        + "\n".join(entries)
        + "\n</channel>\n</rss>\n"
    )


def atom(site: SiteSpec, items: list[ItemState], base: str, built: datetime, encoding: str) -> str:
    entries = []
    for s in _window(site, items):
        html = "".join(f"<p>{escape(p)}</p>" for p in s.paragraphs)
        entries.append(
            f"<entry>\n<id>{guid(s.id)}</id>\n<title>{escape(s.title)}</title>\n"
            f'<link rel="alternate" href="{base}{s.path}"/>\n'
            f"{_stated_atom(s)}"
            f'<content type="html">{escape(html)}</content>\n</entry>'
        )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        f'xml:lang="{site.lang}">\n<id>urn:sim:site:{site.id}</id>\n<title>{escape(site.title)}</title>\n'
        f"<updated>{built.isoformat()}</updated>\n"
        f'<link rel="self" href="{base}/feed.atom"/>\n<link rel="alternate" href="{base}/"/>\n'
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def json_feed(site: SiteSpec, items: list[ItemState], base: str) -> str:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/feed.json",
        "language": site.lang,
        "items": [
            {
                "id": guid(s.id),
                "url": f"{base}{s.path}",
                "title": s.title,
                "content_html": "".join(f"<p>{escape(p)}</p>" for p in s.paragraphs),
                "content_text": "\n\n".join(s.paragraphs),
                **_stated_json(s),
                "language": s.lang,
            }
            for s in _window(site, items)
        ],
    }
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def sitemap(items: list[ItemState], base: str) -> str:
    urls = "\n".join(f"<url><loc>{base}{s.path}</loc><lastmod>{s.modified.isoformat()}</lastmod></url>" for s in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n'
    )


def robots(site: SiteSpec, base: str) -> str:
    rules = "".join(f"Disallow: {p}\n" for p in site.robots_disallow) or "Disallow:\n"
    return f"User-agent: *\n{rules}\nSitemap: {base}/sitemap.xml\n"


def malformed(feed: str) -> str:
    """A feed cut off mid-entry, with a stray ampersand: what a crashed CMS template sends."""
    return feed[: max(200, len(feed) // 2)] + "\n<item><title>Broken & unfinished</title><link>"


def scale_text(n: int, size: int) -> str:
    """Deterministic prose of about `size` characters for scale pages."""
    words = WORDS.split(" ")
    out: list[str] = []
    length, i = 0, n * 7919
    while length < size:
        sent = " ".join(words[(i + k * 13) % len(words)] for k in range(12))
        sent = sent[0].upper() + sent[1:] + f" (ref {n}-{len(out)})."
        out.append(sent)
        length += len(sent) + 1
        i += 31
    paras = [" ".join(out[j : j + 6]) for j in range(0, len(out), 6)]
    return "\n\n".join(paras)
