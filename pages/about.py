"""About (/about): the data and where they come from, the methods, the demo generator's assumptions,
and a data dictionary generated from the reference tables and the chart registry."""
import base64
from pathlib import Path
from urllib.parse import quote

import dash
import pandas as pd
from dash import html

import queries
from dashboard import accessibility, content, facts, figures, registry
from dashboard.components import data_table
from dashboard.domain import domain

dash.register_page(__name__, path="/about", name="About", title="About the data and methods - Health and work dashboard",
                   nav_order=90)


TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"


def _template_href(kind: str) -> str:
    """A data: URI of the blank pilot-returns template (data/templates), so the page offers it as a download."""
    if kind == "csv":
        return "data:text/csv;charset=utf-8," + quote((TEMPLATES / "pilot_returns_template.csv").read_text("utf-8"))
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return f"data:{mime};base64," + base64.b64encode((TEMPLATES / "pilot_returns_template.xlsx").read_bytes()).decode()


def _dictionary() -> list:
    loaded = domain()
    areas = loaded.areas
    icbs = loaded.areas_at("icb").rename(columns={"parent": "ons_region"}).merge(loaded.nhs_regions.rename(
        columns={"code": "nhs_region", "name": "NHS region"}), on="nhs_region", how="left")
    icbs = icbs.merge(loaded.areas_at("region")[["code", "name"]].rename(
        columns={"code": "ons_region", "name": "ONS region (best fit)"}), on="ons_region").sort_values("code")
    icb_table = icbs[["code", "ods", "name", "NHS region", "ONS region (best fit)", "accelerator", "workwell"]].rename(
        columns={"code": "GSS code", "ods": "ODS code", "name": "ICB", "accelerator": "Accelerator",
                 "workwell": "WorkWell"}).replace({True: "Yes", False: ""})
    regions = areas[areas["level"] != "icb"][["code", "name"]].rename(columns={"code": "GSS code", "name": "Area"})
    conditions = loaded.conditions.merge(
        loaded.condition_groups[["id", "name"]].rename(columns={"id": "group_id", "name": "Group"}),
        on="group_id")[["code", "name", "Group", "subgroup"]].rename(
        columns={"code": "LFS code", "name": "Main health problem", "subgroup": "Shown within"})
    programmes = loaded.programmes[["name", "where", "start", "end", "calibration", "source_name"]].rename(
        columns={"name": "Programme", "where": "Where", "start": "From", "end": "To",
                 "calibration": "Figures used in the demo data", "source_name": "Source"})
    charts = pd.DataFrame([{**c.catalogue_entry(), "drawn_from": facts.drawn_from(c)} for c in registry.charts()]
                          ).rename(columns={"id": "Chart id", "title": "Title", "page": "Page",
                                            "description": "What it shows",
                                            "drawn_from": "Drawn from, in this copy (levels and periods)"})
    sources = facts.coverage()[["publisher", "dataset", "files", "level", "period_type", "measures", "first_period",
                                "last_period", "areas", "released"]].rename(columns={
        "publisher": "Publisher", "dataset": "Dataset", "files": "Files", "level": "Level",
        "period_type": "Period type", "measures": "Measures (as published)", "first_period": "First period",
        "last_period": "Last period", "areas": "Areas", "released": "Release date (as the file states)"})
    return [
        html.H3("Charts", id="dictionary-charts"),
        html.P(["Each chart is also at ", html.Code("/embed/<chart id>"), " and in the JSON catalogue at ",
                html.A(html.Code("/api/charts"), href=dash.get_relative_path("/api/charts")), "."]),
        data_table(charts, "Charts in the dashboard and what feeds each in this copy", index="Chart id"),
        html.H3("Long-term sickness in this copy, by source", id="dictionary-sources"),
        data_table(sources, "Each source's long-term-sickness figures: level, period type and periods",
                   index="Dataset"),
        html.H3("England and regions"),
        data_table(regions, "England and the 9 ONS regions", index="GSS code"),
        html.H3("Integrated Care Boards"),
        data_table(icb_table, "The 42 Integrated Care Boards with their codes, regions and programme flags",
                   index="GSS code"),
        html.H3("Main health conditions"),
        data_table(conditions, "LFS main health problem codes and the groups the dashboard uses", index="LFS code"),
        html.H3("Programmes"),
        data_table(programmes, "Back-to-work programmes compared", index="Programme"),
    ]


WHATS_NEW_BUILDS = 5


def _whats_new() -> list:
    """The latest builds of the data and what each changed: the same record as the change feed (/feed.atom)."""
    from dashboard import changes

    try:
        builds = changes.builds()
    except queries.WarehouseUnavailable:
        builds = []
    return [
        html.H2("What's new", id="whats-new"),
        html.P(["Each build of the data, newest first. Follow new builds in a feed reader: ",
                html.A("data updates (Atom feed)", href=dash.get_relative_path("/feed.atom"), className="feed-link"),
                "; the numbers are also in the ", html.A("data API", href=dash.get_relative_path("/api")), "."]),
        *[html.Section([html.H3(build.title(), className="h6"), html.Ul([html.Li(s) for s in build.sentences()])],
                       id=build.anchor, className="build-entry") for build in builds[:WHATS_NEW_BUILDS]],
    ]


def _settings_contact() -> str | None:
    import flask

    settings = flask.current_app.config.get("DASHBOARD_SETTINGS") if flask.has_app_context() else None
    return getattr(settings, "accessibility_contact", None)


def layout(**_query):
    try:
        meta = queries.warehouse().meta
    except queries.WarehouseUnavailable:
        meta = {}
    sources = domain().sources
    return html.Div([
        html.H1("About the data and methods"),
        content.markdown("about_intro", className="lead"),
        html.H2("The data in this copy"),
        html.Ul([
            html.Li(["Data version ", html.Code(meta.get("data_version", "none")), ", built ",
                     meta.get("built_at", "never"), "."]),
            html.Li(html.Strong(figures.DEMO_SENTENCE)
                    if meta.get("is_demo") == "true" else "Loaded from published and returned files."),
        ]),
        *_whats_new(),
        html.H2("Where the data come from"),
        html.Ul([html.Li([html.A(s["name"], href=s["url"]), f" ({s['publisher']}; {s['licence']}). ",
                          s["used_for"], "."]) for s in sources.to_dict("records")]),
        html.H2("Methods"),
        content.markdown("methods", **content.methods_values()),
        html.H2("Send your own data"),
        content.markdown("about_own_data"),
        html.P([html.A("Pilot returns template (CSV)", href=_template_href("csv"),
                       download="pilot_returns_template.csv"), ", ",
                html.A("Pilot returns template (Excel)", href=_template_href("xlsx"),
                       download="pilot_returns_template.xlsx")]),
        html.H2("What the demo data assume", id="demo-assumptions"),
        content.markdown("about_demo", seed=meta.get("seed", ""),
                         participants=meta.get("participants", "N")),
        html.Ul([html.Li(a) for a in domain().assumptions]),
        html.H2("Data dictionary"),
        *_dictionary(),
        *accessibility.statement(_settings_contact()),
        content.markdown("about_calibration", className="small"),
    ])
