"""The embed page (the chart alone, for an iframe) from the template ``templates/embed.html``, every value
escaped by Jinja's autoescaping; and the code an intranet editor pastes (the iframe, or a picture linking to the
live view)."""
from __future__ import annotations

import html
from pathlib import Path

import jinja2
import plotly.graph_objects as go

from dashboard import figures
from dashboard.exports.context import assumptions
from dashboard.exports.images import IMAGE_WIDTH
from dashboard.registry import Rendered
from dashboard.theme import Colour

TEMPLATES = Path(__file__).with_name("templates")
# The embed page's one inline script, allowed by its hash in the embed's CSP (no 'unsafe-inline'): draw the chart,
# then tell a host page running /embed.js how tall the content is, whenever that changes (and when asked).
EMBED_SCRIPT = (TEMPLATES / "embed.js").read_text(encoding="utf-8")
SANDBOX_NOTE = ("If you sandbox this iframe, allow scripts, same-origin, popups and downloads "
                '(sandbox="allow-scripts allow-same-origin allow-popups allow-downloads") '
                "so the chart draws and its links and downloads work.")
_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                  keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def embed_figure(rendered: Rendered) -> go.Figure:
    """The chart's figure sized by its container (the iframe), not by a fixed height; no source annotation."""
    fig = go.Figure(rendered.figure)
    # The source note goes in the page's footer, where it wraps to the frame's width.
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "source-note"]
    fig.update_layout(height=None, width=None, autosize=True, margin={"b": 56})
    return fig


def embed_html(rendered: Rendered, *, plotly_src: str, dashboard_url: str, downloads: dict[str, str],
               demo: bool, a11y_src: str | None = None, oembed_href: str | None = None) -> str:
    """The chart alone, for an iframe: a small title, the figure as wide as the frame and as tall as the chart
    needs, links and the demo note. It posts its height to the parent window whenever that changes, so a host page
    with /embed.js (dashboard/embeds.py) sizes the iframe to it; ``oembed_href`` is its oEmbed discovery link.
    ``a11y_src`` (the app's ``assets/a11y.js``) makes the figure one image named by the title and described by
    the summary, as on the pages."""
    return _ENVIRONMENT.get_template("embed.html").render(
        title=rendered.chart.title, summary=rendered.summary, source=rendered.chart.source,
        assumptions=assumptions(rendered), demo_note=figures.DEMO_NOTE if demo else "",
        chart_height=int(rendered.figure.layout.height or 450), colour=Colour,
        figure_json=embed_figure(rendered).to_json().translate(_JSON_IN_HTML), script=EMBED_SCRIPT,
        plotly_src=plotly_src, a11y_src=a11y_src, dashboard_url=dashboard_url, downloads=downloads,
        oembed_href=oembed_href)


def embed_snippet(src: str, title: str, host_script: str | None = None) -> str:
    """The iframe code an intranet editor pastes, with the note about sandboxed iframes, and the script that sizes
    the iframe to the chart (``host_script``: the address of /embed.js)."""
    script = f'\n<script src="{html.escape(host_script)}" async></script>' if host_script else ""
    return (f"<!-- {html.escape(title, quote=False)}: a live chart from the health and work dashboard. {SANDBOX_NOTE} -->\n"
            f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" height="560" '
            f'style="border:0" loading="lazy"></iframe>{script}')


def image_link_snippet(png_src: str, view_url: str, alt: str, title: str) -> str:
    """For intranets that strip iframes: the chart's PNG export, described by its summary, linking to the live view."""
    return (f"<!-- {html.escape(title, quote=False)}: a picture of the chart, linking to the live dashboard (for pages "
            f"that cannot show iframes). -->\n"
            f'<a href="{html.escape(view_url)}"><img src="{html.escape(png_src)}" alt="{html.escape(alt)}" '
            f'width="{IMAGE_WIDTH}" style="max-width:100%;height:auto"></a>')
