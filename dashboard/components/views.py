"""What a chart card shows for a view, in one place for the page's layout and for its callback.

A page's first paint needs no callback round trip: the layout carries the finished figure, summary, links and source
line of the charts at the top of the page (``INLINE``), rendered as the callback would render them (the render
cache answers the views people open most: every default view is warmed at start). The other cards start "waiting"
and are drawn when they come near the screen (``assets/lazy.js`` sets their ``chart-lazy`` store to "seen", which
runs the card's callback), so a reader who never scrolls costs the server one or two charts, not six.
"""
from __future__ import annotations

from dash import html

import queries
from dashboard import access, figures, registry
from dashboard.components.share import share_links
from dashboard.components.tables import chart_table
from dashboard.filters import FilterError, Filters

# Charts drawn in the layout: those at the top of a page, above the fold of a laptop screen (1280 x 900) on every
# page (the filter bar, and a note or the headline figures, come first; the second card starts below 900 px).
INLINE = 1
LAZY = "chart-lazy"  # the pattern-matching type of a card's store: "inline", "waiting" or "seen"
INLINE_STATE, WAITING, SEEN = "inline", "waiting", "seen"


def lazy_id(chart_id: str) -> dict:
    return {"type": LAZY, "chart": chart_id}


def card_view(chart_id: str, search: str | None, *, table: bool = False) -> tuple:
    """A card on the view in ``search`` (a query string): (figure, text summary, download links and embed code,
    source line, table), labelled synthetic only when its rows are; the table ("Show as table") only when asked
    for, else None. A viewer who may not see a restricted chart gets its reason and no links; a view that cannot be
    read says so; never an exception. One render for all of it: one access, one line in the audit trail."""
    try:
        filters = Filters.from_query(search or "")
    except FilterError as error:
        return (figures.empty(f"Filters not accepted: {error}"), str(error), share_links(chart_id, ""), None,
                html.P(str(error)) if table else None)
    except queries.WarehouseUnavailable as error:
        message = f"The data cannot be read just now: {error}"
        return figures.empty(message), message, [], None, html.P(message) if table else None
    try:
        rendered = registry.render(chart_id, filters)
    except queries.WarehouseUnavailable as error:
        message = f"The data cannot be read just now: {error}"
        return figures.empty(message), message, share_links(chart_id, search), None, html.P(message) if table else None
    except access.Denied as denied:  # unpublished returns this viewer may not see: say so, no links
        note = access_note(denied)
        return figures.empty(denied.reason), note, [], None, html.P(note) if table else None  # no source to take out
    from dashboard.rendering import page_figure  # the page's copy of a figure, straight from the render cache

    source = f"{figures.DEMO_NOTE + '. ' if rendered.demo else ''}Source: {rendered.chart.source}"
    shown = chart_table(rendered) if table else None
    if rendered.data.empty and not rendered.chart.synthetic:
        # A published series that is not loaded: the card folds to its title and one line saying what it would
        # show and how to load it (assets/style.css hides its empty chart, table and downloads).
        return (page_figure(rendered), html.Span(rendered.summary, className="empty-published"),
                share_links(chart_id, "", rendered.summary), source, shown)
    return page_figure(rendered), rendered.summary, share_links(chart_id, search, rendered.summary), source, shown


def access_note(denied: access.Denied) -> html.Span:
    """A restricted chart's state for a viewer who may not see it: the reason, and a sign-in link if they are not
    signed in (back to the page it is on)."""
    from dashboard import auth

    link = auth.sign_in_url(access.settings()) if denied.status == 401 else None
    return html.Span([denied.reason, " ", html.A("Sign in", href=link, className="access-sign-in") if link else None],
                     className="access-denied")
