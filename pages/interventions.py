"""Interventions (/interventions): which back-to-work programmes get people into work, where, how fast and at
what cost, compared on the same footing (cohorts with equal time since starting)."""
import dash
from dash import html

from dashboard import components
from dashboard.charts.interventions import assumptions_table

dash.register_page(__name__, path="/interventions", name="Interventions",
                   title="Interventions - Health and work dashboard", nav_order=3)


def layout(**query):
    return components.page(
        "Back-to-work programmes: what works, where, and at what cost",
        "Participants, job outcomes and costs for every programme, which ICBs stand out, how quickly people "
        "get into work and what digital MSK apps achieve. Rates count only people who started long enough "
        "ago to have had the full time, as DWP advises.",
        query,
        ("geo", "from", "to", "condition", "intervention", "age", "sex"),
        components.chart_card("interventions-outcomes"),
        components.chart_card("interventions-funnel"),
        components.chart_card("interventions-time-to-work"),
        components.chart_card("interventions-cost"),
        html.Section([
            html.H3("Assumptions behind the return on investment", className="h5"),
            components.data_table(assumptions_table(), "Return on investment assumptions, with their sources"),
            html.P(
                "Return = (earnings gained + benefit savings a year) x years the gains last x share caused by "
                "the programme, divided by the cost per sustained outcome. The assumptions are fixed on this "
                "page so that every view, embed and export of the chart shows the same numbers; to try your "
                "own, download the chart's data (CSV) and divide your benefit per sustained job by its "
                "cost_per_sustained column.", className="small"),
        ], className="mb-4", id="interventions-assumptions"),
        components.chart_card("interventions-digital-msk"),
        components.chart_card("interventions-returns"),
        path="/interventions",
    )
