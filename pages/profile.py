"""Area profile (/profile?geo=): everything about one ICB, region or England on one page, printable and as a PDF.

Thin: the summary comes from dashboard.charts.profile.headline and every card from the chart registry."""
import dash
from dash import Input, Output, callback, html

from dashboard import components, registry
from dashboard.charts.profile import headline
from dashboard.filters import FilterError, Filters

PAGE = registry.page("/profile")
dash.register_page(__name__, path=PAGE.path, name="Area profile",
                   title="Area profile - Health and work dashboard", nav_order=5)


def layout(**query):
    filters, _ = components.parse_lenient(query)
    return components.page(
        PAGE,
        "One area on one page: its indicators against England and the other ICBs, whether its rate is changing, "
        "its health conditions, the programmes running there and its statistical neighbours.",
        query,
        title=html.Span(f"Area profile: {filters.geo_name}", id="profile-name"),
        before={PAGE.charts[0]: html.Section([
            html.H2("Summary", className="h4"),
            html.Ul(id="profile-summary", className="profile-summary"),
            html.P(html.A("Download this profile as a PDF (A4)", id="profile-pdf", className="profile-pdf",
                          href=dash.get_relative_path("/export/profile.pdf") + filters.query_string(),
                          download=""), className="d-print-none"),
        ], className="chart-card", **{"aria-label": "Summary"})},
    )


@callback(
    Output("profile-summary", "children"),
    Output("profile-name", "children"),
    Output("profile-pdf", "href"),
    Input(components.STORE, "data"),
)
def update_summary(search):
    try:
        filters = Filters.from_query(search if isinstance(search, str) else "")
    except FilterError as error:
        return [html.Li(str(error))], "Area profile", dash.get_relative_path("/export/profile.pdf")
    return ([html.Li(sentence) for sentence in headline(filters)], f"Area profile: {filters.geo_name}",
            dash.get_relative_path("/export/profile.pdf") + filters.query_string())
