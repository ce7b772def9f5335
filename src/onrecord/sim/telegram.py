"""Telegram public-channel preview routes of the social simulator (SOURCES.md section 5), with the
markup t.me serves. Called by `MastodonSim` for hosts whose accounts have `service = "telegram"`.

    GET /s/NAME[?before=ID]   a window of WINDOW messages, oldest first, in
                              section.tgme_channel_history; older ones linked by
                              a.tme_messages_more[data-before] and <link rel="prev">
    GET /NAME/ID?embed=1      the single-message widget, or .tgme_widget_message_error "Post not found"
    GET /NAME                 the channel's info page (no history): where /s/NAME redirects once
                              previews are off (the `suspend` event)

Message ids are the scenario's snowflakes (numeric, growing with time), so paging by id works as on
t.me. An edit shows the word "edited" in the message's meta line; a deleted id just disappears.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from onrecord.sim.mastodon import MastodonSim, _Account, _Status

WINDOW = 20


def route(sim: MastodonSim, host: str, request: web.Request, now: datetime, fault: str | None) -> web.StreamResponse:
    accounts = {a.name: a for a in sim.accounts.values() if a.host == host and a.service == "telegram"}
    parts = [p for p in request.path.split("/") if p]
    if fault == "outage":
        return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
    if fault == "ratelimit":
        return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "60"})
    if len(parts) == 2 and parts[0] == "s" and parts[1] in accounts:
        a = accounts[parts[1]]
        if _off(a, now):
            raise web.HTTPFound(f"/{a.name}")
        if fault == "malformed":
            return _page("<div class='tgme_page'>temporarily unavailable</div>")
        return _window(a, request, now)
    if len(parts) == 1 and parts[0] in accounts:
        a = accounts[parts[0]]
        return _page(f"<div class='tgme_page'><div class='tgme_page_title'>{html.escape(a.name)}</div></div>")
    if len(parts) == 2 and parts[0] in accounts and parts[1].isdigit():
        a = accounts[parts[0]]
        st = next((s for s in a.statuses if s.id == parts[1]), None)
        if st is None or st.at(now) is None or _off(a, now):
            return _page('<div class="tgme_widget_message_error">Post not found</div>')
        return _page(_message(sim, a, st, now))
    return web.Response(status=404, text="Not Found")


def _off(a: _Account, now: datetime) -> bool:
    return a.suspended_at is not None and now >= a.suspended_at


def _window(a: _Account, request: web.Request, now: datetime) -> web.Response:
    rows = sorted((s for s in a.statuses if s.at(now) is not None), key=lambda s: int(s.id))
    before = request.query.get("before", "")
    if before.isdigit():
        rows = [s for s in rows if int(s.id) < int(before)]
    page = rows[-WINDOW:]
    more = ""
    if len(rows) > len(page):
        b = page[0].id
        more = (
            f'<link rel="prev" href="/s/{a.name}?before={b}">'
            f'<div class="tme_messages_more_wrap"><a class="tme_messages_more js-messages_more" '
            f'data-before="{b}" href="/s/{a.name}?before={b}"></a></div>'
        )
    body = "".join(
        f'<div class="tgme_widget_message_wrap js-widget_message_wrap">{_message(None, a, s, now)}</div>' for s in page
    )
    if not page:
        body = '<div class="tme_no_messages_found">No messages found</div>'
    return _page(
        f'<div class="tgme_channel_info"><div class="tgme_channel_info_header_title">{html.escape(a.name)}</div></div>'
        f'<section class="tgme_channel_history js-message_history">{more}{body}</section>'
    )


def _message(sim: MastodonSim | None, a: _Account, st: _Status, now: datetime) -> str:
    seen = st.at(now)
    assert seen is not None
    created, content, edited = seen
    views = f"{(int(now.timestamp()) % 97) / 10:.1f}K"  # volatile
    mark = '<span class="tgme_widget_message_edited">edited</span> ' if edited else ""
    when = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    text = content.replace("</p><p>", "<br/><br/>").removeprefix("<p>").removesuffix("</p>")
    return (
        f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{a.name}/{st.id}" '
        f'data-view="eyJjIjotMTAwfQ">'
        f'<div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
        f'<div class="tgme_widget_message_footer"><div class="tgme_widget_message_info">'
        f'<span class="tgme_widget_message_views">{views}</span>'
        f'<span class="tgme_widget_message_meta">{mark}<a class="tgme_widget_message_date" '
        f'href="https://t.me/{a.name}/{st.id}"><time datetime="{when}" class="time">{created:%H:%M}</time></a></span>'
        f"</div></div></div></div>"
    )


def _page(inner: str) -> web.Response:
    doc = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram</title></head><body>{inner}</body></html>'
    return web.Response(text=doc, content_type="text/html")
