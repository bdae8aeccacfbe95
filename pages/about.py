"""About (/about): the data and where they come from, the methods, the demo generator's assumptions,
and a data dictionary generated from the reference tables and the chart registry."""
import dash
import pandas as pd
from dash import html

import queries
from dashboard import accessibility, registry
from dashboard.components import data_table
from data import demo, reference
from data.sources import pilot

dash.register_page(__name__, path="/about", name="About", title="About the data and methods - Health and work dashboard",
                   nav_order=90)

METHODS = [
    ("Rates and intervals",
     "Long-term sickness is shown as the share of people aged 16-64 who are economically inactive because of "
     "long-term sickness. Survey estimates have 95% confidence intervals by Wilson's score method on the "
     "respondents behind each estimate, as OHID's Fingertips does for proportions; counts of events use "
     "Byar's method (exact below 10)."),
    ("Reliability flags",
     "As on Nomis: '!' an estimate from 0-2 respondents (not shown), '*' from 3-9 respondents (unreliable), "
     "'~' an estimate under 500 people."),
    ("Disclosure control",
     "Counts of people below national level are rounded to the nearest 5, and counts of 1-7 are suppressed and "
     "shown as '*' (NHS Digital's rule); national counts are not rounded."),
    ("Job outcomes",
     "A job outcome is paid work started within 12 months of joining a programme; sustained means the job lasted "
     "26 weeks. Rates count only people who started at least 12 months before the data cut-off, as DWP advises: "
     "people who started recently have not had 12 months yet."),
    ("Areas",
     "Integrated Care Boards do not nest in ONS regions. Each ICB is given its best-fit region (for example "
     "North East and North Cumbria is counted in the North East), and region figures are built from ICBs."),
    ("Local authorities in published files",
     "Published files by local authority are loaded at that level. Where a Nomis APS file gives local authorities "
     "but not ICBs, the build sums their survey counts (numerators and denominators, never rates) to ICBs by best "
     "fit: each local authority is counted once, whole, in the ICB that holds most of it (ONS's LSOA lookups, "
     "data/reference/lad_icb.csv; 13 of 296 are split, East Suffolk nearly evenly). An ICB gets a value only when "
     "every local authority it is given has published counts, and has no interval; the chart says which values "
     "were summed. Rows for areas the dashboard does not draw (local authorities, NHS regions, Wales) are kept."),
    ("Comparison with England",
     "As Fingertips does, an area is 'better' or 'worse' than England when its 95% interval excludes England's "
     "value (lower is better for long-term sickness), 'similar' when it contains it, and 'not compared' when the "
     "estimate is unreliable. The recent trend is a chi-squared test for trend over the last five quarters at 99.8%."),
    ("Statistical process control",
     "Trends follow NHS England's 'Making Data Count' as the NHSRplotthedots package implements it: an XmR chart "
     "with process limits at the mean plus or minus 2.66 times the mean moving range; special cause when a point "
     "is beyond a limit, 7 or more points sit on one side of the mean, 7 or more points rise or fall in a row, or "
     "two of three points are beyond two sigma on the same side. Limits are trial limits under 12 points."),
    ("Statistical neighbours",
     "An ICB's five most similar ICBs before 2024, by standardised distance on the long-term-sick rate and the age "
     "mix of the population. In the demo data every area has the same age mix, so neighbours match on rate alone."),
    ("Map",
     "The map is a hex cartogram: one hexagon for each ICB, laid out roughly geographically "
     "(data/reference/icb_hex.csv), so it needs no boundary files or map tiles. At region level each ICB is "
     "shaded by its best-fit region."),
    ("Funnel plots",
     "ICBs' job outcome rates are plotted against their number of participants with 95% and 99.8% control "
     "limits around the national rate (PHEindicatormethods' funnel method); ICBs beyond the 99.8% limits are "
     "labelled as outliers."),
    ("Time to work",
     "Kaplan-Meier curves (statsmodels) of days from starting a programme to starting work, with 95% intervals; "
     "people who have not found work are censored at 12 months or at the data cut-off, whichever comes first."),
    ("Cost and return",
     "Cost per participant, per job outcome and per sustained outcome. The return on investment adds benefit "
     "savings and earnings gained over one year against cost; its assumptions are listed beside the chart, each "
     "with its source or marked as an assumption."),
    ("Did the accelerators work?",
     "A difference-in-differences estimate compares the change in the long-term-sick rate in the three "
     "accelerator ICBs after they started with the change in comparison ICBs (all others, or those most alike "
     "before the start). With only three treated ICBs, clustered errors give intervals that are too narrow, so the "
     "interval comes from Donald and Lang's two-step method: each ICB's change (mean after minus mean before) "
     "regressed on the accelerator flag by least squares (statsmodels). "
     "It is only as good as the assumption that the two groups would have moved in parallel without the "
     "accelerators; the event-study chart shows the gap quarter by quarter so you can judge that."),
    ("Conditions",
     "Main health condition follows the Labour Force Survey's list of main health problems (HEALTH20). "
     "Reason for inactivity and main health condition come from separate survey questions, and many people "
     "report several conditions: 53% of the long-term sick report depression, bad nerves or anxiety, mostly as "
     "a secondary condition, and 38% report five or more."),
]


def _dictionary() -> list:
    areas = reference.areas()
    icbs = reference.icbs().merge(reference.regions()[["code", "name"]].rename(
        columns={"code": "nhs_region", "name": "NHS region"}), on="nhs_region")
    icbs = icbs.merge(reference.regions("ons_region")[["code", "name"]].rename(
        columns={"code": "ons_region", "name": "ONS region (best fit)"}), on="ons_region")
    icb_table = icbs[["code", "ods", "name", "NHS region", "ONS region (best fit)", "accelerator", "workwell"]].rename(
        columns={"code": "GSS code", "ods": "ODS code", "name": "ICB", "accelerator": "Accelerator",
                 "workwell": "WorkWell"}).replace({True: "Yes", False: ""})
    regions = areas[areas["level"] != "icb"][["code", "name"]].rename(columns={"code": "GSS code", "name": "Area"})
    conditions = reference.conditions().merge(
        reference.condition_groups()[["id", "name"]].rename(columns={"id": "group_id", "name": "Group"}),
        on="group_id")[["code", "name", "Group", "subgroup"]].rename(
        columns={"code": "LFS code", "name": "Main health problem", "subgroup": "Shown within"})
    programmes = reference.programmes()[["name", "where", "start", "end", "calibration", "source_name"]].rename(
        columns={"name": "Programme", "where": "Where", "start": "From", "end": "To",
                 "calibration": "Figures used in the demo data", "source_name": "Source"})
    charts = pd.DataFrame([c.catalogue_entry() for c in registry.charts()]).rename(
        columns={"id": "Chart id", "title": "Title", "page": "Page", "description": "What it shows"})
    return [
        html.H3("Charts", id="dictionary-charts"),
        html.P(["Each chart is also at ", html.Code("/embed/<chart id>"), " and in the JSON catalogue at ",
                html.A(html.Code("/api/charts"), href=dash.get_relative_path("/api/charts")), "."]),
        data_table(charts, "Charts in the dashboard", index="Chart id"),
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
    sources = reference.sources()
    return html.Div([
        html.H1("About the data and methods"),
        html.P("This dashboard helps ICB commissioners, ministers' analysts and intranet editors see where "
               "long-term sickness keeps working-age people out of work, which conditions drive it, and which "
               "back-to-work programmes get people into sustained work.", className="lead"),
        html.H2("The data in this copy"),
        html.Ul([
            html.Li(["Data version ", html.Code(meta.get("data_version", "none")), ", built ",
                     meta.get("built_at", "never"), "."]),
            html.Li(html.Strong("Synthetic demo data: not official statistics.")
                    if meta.get("is_demo") == "true" else "Loaded from published and returned files."),
        ]),
        *_whats_new(),
        html.H2("Where the data come from"),
        html.Ul([html.Li([html.A(s["name"], href=s["url"]), f" ({s['publisher']}; {s['licence']}). ",
                          s["used_for"], "."]) for s in sources.to_dict("records")]),
        html.H2("Methods"),
        *[el for title, text in METHODS for el in (html.H3(title), html.P(text))],
        html.H2("Send your own data"),
        html.P(["Pilot sites send returns in the project's template: one row per ICB, quarter, programme and "
                "condition group with referrals, starts, job outcomes, sustained outcomes and cost. ",
                html.A("Pilot returns template (CSV)", href=pilot.template_href("csv"),
                       download="pilot_returns_template.csv"), ", ",
                html.A("Pilot returns template (Excel)", href=pilot.template_href("xlsx"),
                       download="pilot_returns_template.xlsx"),
                ". Load published and returned files with ", html.Code("python -m data.build --source DIR "
                "--report problems.csv"), ": a file with errors is refused with every problem listed, and the "
                "current data stay in place."]),
        html.H2("What the demo data assume", id="demo-assumptions"),
        html.P("The demo generator is deterministic (seed " + str(demo.SEED) + ") and calibrated to the published "
               "figures listed below. Rebuild it with ", className="mb-1"),
        html.Pre(html.Code("python -m data.build --participants 200000")),
        html.Ul([html.Li(a) for a in demo.ASSUMPTIONS]),
        html.H2("Data dictionary"),
        *_dictionary(),
        *accessibility.statement(_settings_contact()),
        html.P("Figures calibrated from: ONS labour market statistics (INAC01, APS), DWP Work and Health "
               "Programme statistics, and the programme sources listed above.", className="small"),
    ])
