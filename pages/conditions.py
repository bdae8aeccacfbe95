"""Conditions (/conditions): which main health conditions keep people out of work, where, and for whom."""
import dash
from dash import html

from dashboard import components, content, registry

PAGE = registry.page("/conditions")
dash.register_page(__name__, path=PAGE.path, name="Conditions",
                   title="Conditions - Health and work dashboard", nav_order=2)


def note() -> html.Aside:
    return html.Aside([
        html.H2("Reading these figures", className="h5"),
        content.markdown("conditions_note", className="conditions-note-text", **content.rule_values()),
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
