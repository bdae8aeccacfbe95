"""Interventions (/interventions): which back-to-work programmes get people into work, where, how fast and at
what cost, compared on the same footing (cohorts with equal time since starting)."""
import dash

from dashboard import components, registry
from pages._roi import assumptions_form

PAGE = registry.page("/interventions")
dash.register_page(__name__, path=PAGE.path, name="Interventions",
                   title="Interventions - Health and work dashboard", nav_order=3)


def layout(**query):
    return components.page(
        PAGE,
        "Participants, job outcomes and costs for every programme, which ICBs stand out, how quickly people "
        "get into work and what digital MSK apps achieve, from participant records and ICB pilot returns. Rates "
        "from participant records count only people who started long enough ago to have had the full time, as "
        "DWP advises; pilot returns give outcomes as of the return.",
        query,
        before={"interventions-digital-msk": assumptions_form(query)},
    )
