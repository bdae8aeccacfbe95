"""Interventions (/interventions): which back-to-work programmes get people into work, where, how fast and at
what cost, compared on the same footing (cohorts with equal time since starting)."""
import dash

from dashboard import components
from pages._roi import assumptions_form

dash.register_page(__name__, path="/interventions", name="Interventions",
                   title="Interventions - Health and work dashboard", nav_order=3)


def layout(**query):
    return components.page(
        "Back-to-work programmes: what works, where, and at what cost",
        "Participants, job outcomes and costs for every programme, which ICBs stand out, how quickly people "
        "get into work and what digital MSK apps achieve, from participant records and ICB pilot returns. Rates "
        "from participant records count only people who started long enough ago to have had the full time, as "
        "DWP advises; pilot returns give outcomes as of the return.",
        query,
        ("geo", "from", "to", "condition", "intervention", "age", "sex"),
        components.chart_card("interventions-outcomes"),
        components.chart_card("interventions-funnel"),
        components.chart_card("interventions-time-to-work"),
        components.chart_card("interventions-cost"),
        assumptions_form(query),
        components.chart_card("interventions-digital-msk"),
        path="/interventions",
    )
