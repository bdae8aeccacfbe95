"""The interventions page's return-on-investment assumptions: a number input for each, pre-filled from the
link, with its default, the rule for the low and high cases and its source.

Each input is a page filter (``{"type": "filter", "name": <URL parameter>}``), so the shared filter callback
writes it into the query string: the chart, its exports and its embed code all carry the values used.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.components import dom_id, parse_lenient
from dashboard.stats import economics


def _input(setting: economics.Setting, value: float) -> dbc.Input:
    # A text box with a decimal keypad, as the GOV.UK Design System advises for numbers (browsers' number inputs
    # change value on scroll and drop what they cannot parse); the value reaches the filters as text, like every
    # other control, and the filters check it.
    return dbc.Input(id={"type": "filter", "name": setting.param}, type="text", value=format(round(value, 4), "g"),
                     inputMode="decimal", debounce=True, autoComplete="off")


def assumptions_form(query: dict) -> html.Section:
    filters, _ = parse_lenient(query)
    used = filters.roi_assumptions()
    rows = []
    for s in economics.SETTINGS:
        control = _input(s, getattr(used, s.key) * s.scale)
        default = economics.table(economics.DEFAULT).set_index("Assumption").at[s.label, "Default"]
        rows.append(html.Tr([
            html.Th(html.Label(f"{s.label} ({s.unit})", htmlFor=dom_id(control.id)), scope="row"),
            html.Td([control, html.Small(f"{s.minimum:g} to {s.maximum:g}", className="text-muted")],
                    style={"minWidth": "7rem"}),
            html.Td(default),
            html.Td(s.range_rule),
            html.Td(s.source, className="small"),
        ]))
    return html.Section([
        html.H3("Assumptions behind the estimated return", className="h5"),
        html.P("Change any value: the chart, its summary, its downloads and its embed code use the values here "
               "(they are kept in the page's address). A value outside the range shown under its box is not used: the "
               "chart keeps the last accepted value, and its summary says which values it used.",
               className="small"),
        html.Div(dbc.Table([
            html.Caption("Return on investment assumptions: the value used, the default, how the low and high "
                         "cases are set, and the source"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in
                                ("Assumption", "Value used", "Default", "Low and high cases", "Source")])),
            html.Tbody(rows),
        ], size="sm", striped=True, className="caption-top"), className="table-responsive"),
        html.P("Return to society = (1 - deadweight) x gross earnings a week x weeks in work, each later year "
               "discounted at the discount rate, divided by the cost per sustained outcome. Return to the "
               "Exchequer counts the benefits saved and the income tax and National Insurance received over the "
               "same weeks instead of earnings. Benefit savings are a transfer, so they are never added to "
               "earnings. The low-return case takes the less favourable deadweight, persistence and benefit savings "
               "together, the high-return case the more favourable.", className="small"),
    ], className="mb-4", id="interventions-assumptions")
