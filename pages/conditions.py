"""Conditions (/conditions): which main health conditions keep people out of work, where, and for whom."""
import dash
from dash import html

from dashboard import components, registry

PAGE = registry.page("/conditions")
dash.register_page(__name__, path=PAGE.path, name="Conditions",
                   title="Conditions - Health and work dashboard", nav_order=2)


def note() -> html.Aside:
    return html.Aside([
        html.H2("Reading these figures", className="h5"),
        html.P(
            "Reason for inactivity and main health condition come from separate survey questions: people give "
            "long-term sickness as their reason for being out of work, and separately name the health problem "
            "that affects them most. Many people report several conditions: 53% of the long-term sick report "
            "depression, bad nerves or anxiety, mostly as a secondary condition, and 38% report five or more. "
            "The charts show the main condition only.", className="mb-1"),
        html.P(
            "Shares are of all the long-term sick, from the unrounded survey estimates; numbers of people are "
            "rounded to the nearest 5 below national level. A share from 0-2 respondents is not shown ('*'), "
            "'*' after a share marks an acceptable estimate (CV 10-20%: use with caution) and 'u' an unreliable "
            "one (CV over 20%), which is not compared. The condition filter is not used here: every chart shows "
            "all condition groups.", className="mb-0"),
    ], className="alert alert-info conditions-note", id="conditions-note",
        **{"aria-label": "About condition data"})


def layout(**query):
    return components.page(
        PAGE,
        "Which main health conditions keep people aged 16-64 out of work in the chosen area, how that compares "
        "with England, how it has moved since 2019, and how it differs by age, sex and area.",
        query,
        before={PAGE.charts[0]: note()},
    )
