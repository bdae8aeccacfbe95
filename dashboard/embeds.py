"""Embeds that fit an intranet: oEmbed for CMSs that embed a pasted link by themselves, and the host-page script
that sizes an embed's iframe to its content.

``/oembed?url=...&format=json[&maxwidth=W&maxheight=H]`` answers the oEmbed 1.0 spec (https://oembed.com/): a
"rich" response whose ``html`` is the chart's iframe, for a link to an embed (``/embed/<id>?filters``) or to a page
(the page's first chart, or the chart named by a ``#card-<id>`` fragment), with the view's filters kept.

Every page with charts names its oEmbed address in its head (``oembed_discovery``, a Dash index hook), as
does each embed page.

``/embed.js`` (``HOST_SCRIPT``) is the script an intranet page includes once: each embed posts its height to its
parent window (``exports.embed_html``), and the script sets the height of the iframe that sent it, only for
messages from this dashboard's origin and from an iframe on the page.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from urllib.parse import quote, urlsplit

import dash
import flask

import queries
from dashboard import exports, registry
from dashboard.filters import FilterError, Filters
from dashboard.problems import Problem, base_url
from dashboard.safety import quoted

PROVIDER_NAME = "Health and work commissioning dashboard"
DEFAULT_WIDTH = 960
EMBED_CHROME = 96  # pixels of an embed around its chart: the title above, the source and links below
CACHE_AGE = 3600
MESSAGE = "health-work-embed:height"

HOST_SCRIPT = """\
/* Health and work dashboard: size embedded charts to their content.

   Include once on a page that shows one or more of the dashboard's embeds:
     <iframe src="https://DASHBOARD/embed/overview-trend?geo=E54000050" title="..." width="100%" height="560"
             style="border:0"></iframe>
     <script src="https://DASHBOARD/embed.js" async></script>
   Each embed posts {type: "health-work-embed:height", height: N} to its parent whenever its content changes
   size. This script sets the height of the iframe that sent the message, and only for messages from the origin
   this script was loaded from and from an iframe on this page. Without it an embed keeps the height it was given
   (and scrolls if its content is taller). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var origin = new URL(script.src, document.baseURI).origin;
  function frameOf(source) {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === source) { return frames[i]; }
    }
    return null;
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "MESSAGE") { return; }
    if (typeof data.height !== "number" || !isFinite(data.height)) { return; }
    var frame = frameOf(event.source);
    if (!frame) { return; }
    var height = Math.max(120, Math.min(Math.ceil(data.height), 8000));
    frame.style.height = height + "px";
    frame.setAttribute("height", String(height));
  });
  // Embeds that finished loading before this script ran: ask them for their height again. The question carries
  // nothing private, so any frame may receive it ("*": a frame still loading has not got the embed's origin yet).
  var frames = document.getElementsByTagName("iframe");
  for (var i = 0; i < frames.length; i++) {
    if (frames[i].contentWindow) { frames[i].contentWindow.postMessage({type: "health-work-embed:ask"}, "*"); }
  }
})();
""".replace("MESSAGE", MESSAGE)


def host_script_tag(base: str) -> str:
    return f'<script src="{escape(base)}embed.js" async></script>'


def iframe_html(src: str, title: str, width: int | str, height: int, *, script_base: str | None) -> str:
    """The iframe an intranet page shows, and the resizing script when its height may follow the content."""
    frame = (f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
             f'style="border:0;max-width:100%" loading="lazy"></iframe>')
    return frame + (host_script_tag(script_base) if script_base else "")


def _dimension(args: Mapping[str, str], name: str) -> int | None:
    text = args.get(name)
    if text in (None, ""):
        return None
    if not re.fullmatch(r"[0-9]{1,6}", text) or int(text) < 1:
        raise Problem(400, "Bad parameter", f"{name}: {quoted(text)} is not a whole number of pixels",
                       parameter=name, accepted="a whole number of pixels, 1 to 999999")
    return int(text)


def resolve(url: str, base: str, prefix: str) -> tuple[registry.Chart, Filters]:
    """The chart and filters a dashboard link shows; a 404 problem for a link that is not one of this site's."""
    home = urlsplit(base)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1": not a URL at all
        parts = None
    if not home.netloc:  # no trusted public address: an embed code would point nowhere (or somewhere forged)
        raise Problem(404, "Public address unknown", "This dashboard does not know its public address: set "
                      "DASHBOARD_PUBLIC_URL (or DASHBOARD_ALLOWED_HOSTS) for oEmbed.", parameter="url",
                      accepted="a link to this dashboard, once its public address is set")
    if parts is None or (parts.scheme, parts.netloc) != (home.scheme, home.netloc) \
            or not parts.path.startswith(prefix):
        raise Problem(404, "Not this dashboard", f"{quoted(url)} is not a link to this dashboard ({base}).",
                       parameter="url", accepted=f"a link to a page or embed of {base}")
    rest = parts.path[len(prefix):].strip("/")
    if rest.startswith("embed/"):
        chart_id = registry.RENAMED.get(rest[len("embed/"):], rest[len("embed/"):])
        chart = next((c for c in registry.charts() if c.id == chart_id), None)
    else:
        on_page = registry.charts("/" + rest)
        wanted = registry.RENAMED.get(parts.fragment.removeprefix("card-"), parts.fragment.removeprefix("card-"))
        chart = next((c for c in on_page if c.id == wanted), on_page[0] if on_page else None)
    if chart is None:
        raise Problem(404, "No chart at this link", f"{quoted(url)} is neither an embed nor a page with charts.",
                       parameter="url", accepted=f"{base}embed/<chart id> or a page such as {base}regions")
    try:
        filters = Filters.from_query(parts.query)
    except FilterError as error:
        raise Problem(404, "No chart at this link", f"The link's filters are not accepted: {error}",
                       parameter="url", accepted="a link copied from the dashboard") from None
    return chart, filters


def oembed(args: Mapping[str, str], base: str, prefix: str) -> dict:
    """The oEmbed response for ``args`` (url, format, maxwidth, maxheight)."""
    fmt = (args.get("format") or "json").lower()
    if fmt != "json":
        raise Problem(501, "Format not implemented", f"format={fmt!r}: only JSON is served.",
                       parameter="format", accepted=["json"])
    if not args.get("url"):
        raise Problem(400, "Bad parameter", "url: give the address of a page or embed of this dashboard.",
                       parameter="url", accepted=f"a link to a page or embed of {base}")
    max_width, max_height = _dimension(args, "maxwidth"), _dimension(args, "maxheight")
    chart, filters = resolve(args["url"], base, prefix)
    rendered = registry.render(chart, filters)
    natural = int(rendered.figure.layout.height or 450) + EMBED_CHROME
    width = min(DEFAULT_WIDTH, max_width or DEFAULT_WIDTH)
    height = min(natural, max_height or natural)
    query = filters.query_string()
    src = f"{base}embed/{chart.id}{query}"
    # With a maximum height the iframe must keep to it: no resizing script then.
    html = iframe_html(src, f"{chart.title}: {filters.describe()}", width, height,
                       script_base=None if max_height else base)
    out = {"version": "1.0", "type": "rich", "html": html, "width": width, "height": height,
           "title": chart.title, "provider_name": PROVIDER_NAME, "provider_url": base, "cache_age": CACHE_AGE}
    # The PNG export's own size (its height grows with the chart's), as the spec asks of a thumbnail.
    thumb_height = int(exports.image_figure(rendered, exports.Context.now(src)).layout.height)
    if (max_width is None or max_width >= exports.IMAGE_WIDTH) and (max_height is None or max_height >= thumb_height):
        out.update(thumbnail_url=f"{base}export/{chart.id}.png{query}", thumbnail_width=exports.IMAGE_WIDTH,
                   thumbnail_height=thumb_height)
    return out


def discovery_href(base: str, embed_url: str) -> str:
    """The oEmbed discovery link an embed page carries in its head."""
    return f"{base}oembed?url={quote(embed_url, safe='')}&format=json"


@dash.hooks.index()
def oembed_discovery(index: str) -> str:
    """Every dashboard page names its oEmbed address in its head, so a CMS given a pasted page link finds it."""
    if not flask.has_request_context() or "DASHBOARD_SETTINGS" not in flask.current_app.config:
        return index
    base = base_url()
    try:
        resolve(flask.request.url, base, flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix)
    except Problem:
        return index  # a page without charts (About), or a link whose filters are not accepted
    except queries.WarehouseUnavailable:
        return index  # filters are checked against the data: none to check against just now
    href = discovery_href(base, flask.request.url)
    link = f'<link rel="alternate" type="application/json+oembed" href="{escape(href)}" title="{PROVIDER_NAME}">'
    return index.replace("</head>", f"{link}\n</head>", 1)
