"""About (/about): the data and where they come from, the methods, the demo generator's assumptions,
and a data dictionary generated from the reference tables and the chart registry."""
import base64
from pathlib import Path
from urllib.parse import quote

import dash
import pandas as pd
from dash import html

import queries
from dashboard import accessibility, registry
from dashboard.components import data_table
from dashboard.domain import domain
from dashboard.stats import quality

dash.register_page(__name__, path="/about", name="About", title="About the data and methods - Health and work dashboard",
                   nav_order=90)

METHODS = [
    ("Rates and intervals",
     "Long-term sickness is shown as the share of people aged 16-64 who are economically inactive because of "
     "long-term sickness. Survey estimates have 95% confidence intervals by Wilson's score method, as OHID's "
     "Fingertips does for proportions, on the effective number of respondents: the respondents divided by the "
     "square of the survey's design factor (see Survey quality). Programme rates (job outcomes) have Wilson "
     "intervals on the participants behind them."),
    ("Survey quality",
     "The Annual Population Survey interviews whole households at sampled addresses, so its estimates vary "
     "more than a simple random sample of the same size would. Every survey standard error is multiplied by a "
     "design factor, {deft:g} here: ONS publishes design factors for Labour Force Survey estimates (LFS User "
     "Guide, Volume 1, section 8); {deft_source} Each estimate carries its coefficient of variation (CV, the "
     "standard error over the estimate) and ONS's quality band, the key printed on ONS's survey tables: CV up to "
     "5% precise, up to 10% reasonably precise, up to 20% acceptable (marked '*': use with caution), over 20% "
     "unreliable (marked 'u', drawn with an open marker). As Nomis does, an estimate from 0-2 respondents with "
     "the characteristic is not shown at all, and neither are the numbers of people and population behind it. "
     "The band is drawn on the league, map, trend, SPC, heatmap and condition charts, and is the quality column "
     "of every table and export."),
    ("Disclosure control",
     "One rule, applied to every chart, table, download, image, slide, embed and the data API (NHS Digital's "
     "rule): a count of people of 1 to 7 is suppressed (shown as '*' on charts, blank in tables, CSV and "
     "Excel), 8 or more is rounded to the nearest 5, and 0 stays 0. Counts from programme records are controlled at every level, "
     "England included, so a national total cannot be set against controlled ICB figures (in one output, or "
     "two outputs for the same filters) to give a suppressed cell by subtraction; survey estimates of people "
     "are rounded below national level. Rates, shares and means are computed from the unrounded counts (8 of 12 "
     "is 67%, not 10 of 10), and a rate, mean or interval is left out where its denominator is under 8, or where "
     "the people with the outcome, or without it, number 1 to 7 (the rate times the published count would give "
     "them back). Where a total (England, a region, all programmes together) has an ICB part with a "
     "suppressed count, an exact rate would pin the total's counts and, less the parts shown, give the "
     "suppressed part back: such a total's rate and interval (and the funnel's national line) are computed from "
     "its rounded counts instead (secondary suppression). For digital MSK apps, when the job rate of users or "
     "of non-users is hidden, so is the other's. Funnel limits are drawn at the published (rounded) numbers of "
     "participants. Survey respondent counts are published for England only."),
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
     "estimate is unreliable (CV over 20%) or not shown; published Nomis values flagged '*' (3-9 respondents) or "
     "'!' are not compared either. The recent trend is a chi-squared test for trend over "
     "the last five quarters at 99.8%, on the effective numbers of respondents."),
    ("Differences between two survey estimates",
     "Where both sides of a comparison are survey estimates with sampling error, the difference is judged by a "
     "two-sided z test at 95%: the difference over the square root of the sum of the two squared standard errors, "
     "less twice their covariance where one sample contains the other (an ICB within its region, an area within "
     "England: the covariance is the area's share of the larger sample, taken as its share of the population or "
     "of the long-term sick, times the area's variance). So tested: the headline change on a year earlier "
     "(the two years taken as independent, which is conservative when the panel carries respondents over), the "
     "chosen area against its region and the accelerator ICBs against the rest on the overview, each "
     "statistical neighbour against the chosen area, and "
     "each heatmap cell against England (shaded only when significant, marked 'ns' when not). Overlapping "
     "intervals are never read as a test. Unreliable estimates are not compared."),
    ("Statistical process control",
     "Trends follow NHS England's 'Making Data Count' as the NHSRplotthedots package implements it: an XmR chart "
     "with process limits at the mean plus or minus 2.66 times the mean moving range, after moving ranges of 3.267 "
     "times their mean or more are screened out. The mean and limits are fixed on a baseline, every quarter before "
     "the accelerators started, whatever range of quarters is shown, and the rules look only at quarters up to the "
     "last one shown. The limits are not recalculated at any other point, because the data record no other known "
     "change. Limits from fewer than 15 baseline quarters are called trial "
     "limits. A point is special cause when it is beyond a limit, when it is one of 7 or more points in a row on "
     "one side of the mean, when it is one of 7 or more points in a row each higher (or each lower) than the one "
     "before, or when, of three points in a row all on the same side of the mean, at least two lie beyond the "
     "two-sigma line but within the limit (those points are flagged). Every special-cause point is coloured by "
     "its own side of the mean, whichever rule found it: above the mean is concern and below it improvement, "
     "since lower long-term sickness is better. The survey estimates are rolling 12-month periods, so "
     "neighbouring quarters share most of their respondents; the chart says so, and its signals are a prompt to "
     "look, not a finding."),
    ("Statistical neighbours",
     "An ICB's five most similar ICBs before 2024, by standardised distance on the long-term-sick rate and the age "
     "mix of the population. In the demo data every area has the same age mix, so neighbours match on rate alone. "
     "Each neighbour's rate now is compared with the chosen area's by a z test on the difference."),
    ("Map",
     "The map is a hex cartogram: one hexagon for each ICB, laid out roughly geographically "
     "(data/reference/icb_hex.csv), so it needs no boundary files or map tiles. At region level each ICB is "
     "shaded by its best-fit region."),
    ("Funnel plots",
     "ICBs' job outcome rates are plotted against their number of participants with 12 months' follow-up, with "
     "95% and 99.8% control limits around the national rate. The limits are exact binomial limits (Spiegelhalter "
     "2005), interpolated between counts. Overdispersion is tested as Spiegelhalter recommends: z-scores are "
     "winsorised at the 10th and 90th percentiles and their mean square compared with chi-squared on the number "
     "of ICBs minus one; when it is significant at 5%, a between-ICB variance is added and the limits widen, and "
     "the chart and its summary say which limits are drawn. ICB rates, the national rate and the comparison with "
     "the limits all come from the same unrounded counts; the published counts are disclosure-controlled, limits "
     "are drawn at the published number of participants, and an ICB whose count is suppressed has no rate shown "
     "and is not compared. ICBs beyond the 99.8% limits are labelled by name."),
    ("Time to work",
     "Kaplan-Meier curves of days from starting a programme to starting work, with Greenwood 95% intervals on the "
     "log(-log) scale; people who have not found work are censored at 12 months or at the data cut-off, "
     "whichever comes first. As OpenSAFELY's Kaplan-Meier action does, the curves are computed from "
     "disclosure-controlled counts: the running totals of people who found work and of people censored are "
     "rounded (0 below 8, then to the nearest 5), so no step of a curve stands for fewer than 5 people, and "
     "each curve stops before fewer than 8 people remain at risk. Groups of fewer than 8 people are not drawn."),
    ("Cost and return",
     "Cost per participant, per job outcome and per sustained outcome. The return on investment is an estimate, "
     "shown as a range, following HM Treasury's Green Book and DWP's social cost-benefit analysis framework. Its "
     "headline perspective is society's: the gross earnings of people in sustained work who would not otherwise "
     "have been, per pound spent. Beside it is the Exchequer's: benefits no longer paid plus income tax and "
     "National Insurance received (2025/26 rates), per pound spent. Benefit savings are a transfer, so they are "
     "counted only in the Exchequer's view and never added to earnings. A sustained outcome evidences 26 weeks in "
     "work; how long the job lasts beyond that is an assumption. Outcomes are reduced by deadweight, the share who "
     "would have found work anyway: the pilot data have no comparison group, so it is a stated assumption. Later "
     "years are discounted at 3.5% a year. Displacement is assumed nil and forgone leisure is not valued. The low "
     "case takes the less favourable deadweight, persistence and benefit savings together, and the high case the "
     "more favourable; earnings and the discount rate are the same in every case. The "
     "assumptions, their defaults and sources are beside the chart; they can be changed there, are kept in the "
     "page's address, and are recorded in every download, image, slide and embed of the chart."),
    ("Did the accelerators work?",
     "A difference-in-differences estimate compares the change in the long-term-sick rate in the three "
     "accelerator ICBs after they started with the change in comparison ICBs (all others, or those most alike "
     "before the start). With only three treated ICBs, clustered errors give intervals that are too narrow, so the "
     "interval comes from Donald and Lang's two-step method: each ICB's change (mean after minus mean before) "
     "regressed on the accelerator flag by least squares (statsmodels). "
     "Beside the interval is a randomisation-inference p-value: the same estimate with every set of three "
     "comparison ICBs standing in for the accelerators (with 39 comparison ICBs, all 9,139 sets), the share at "
     "least as far from zero as the real one. Every ICB-quarter with respondents is used, its rate from the "
     "survey's weighted count, including those too small to show on other pages, so that which quarters are left "
     "out cannot depend on the rate itself. "
     "The estimate is only as good as the assumption that the two groups would have moved in parallel without "
     "the accelerators; the event-study chart shows the gap quarter by quarter so you can judge that, with a joint "
     "F test (statsmodels MANOVA, Wilks' lambda) that all the gaps before the start are zero, on as many of those "
     "quarters as the number of ICBs allows."),
    ("Conditions",
     "Main health condition follows the Labour Force Survey's list of main health problems (HEALTH20). "
     "Reason for inactivity and main health condition come from separate survey questions, and many people "
     "report several conditions: 53% of the long-term sick report depression, bad nerves or anxiety, mostly as "
     "a secondary condition, and 38% report five or more."),
]


def _methods_text(text: str) -> str:
    """A methods paragraph with the live survey design factor and whether it is the default assumption."""
    deft = quality.design_factor()
    source = ("the default of 1.2 is an assumption in the range of those published factors, not a value read "
              "from them for this estimate: set DASHBOARD_SURVEY_DESIGN_FACTOR to ONS's factor for the estimate "
              "in use." if deft == quality.DEFAULT_DESIGN_FACTOR else
              "this value was set for this service with DASHBOARD_SURVEY_DESIGN_FACTOR.")
    return text.replace("{deft:g}", f"{deft:g}").replace("{deft_source}", source)


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
    sources = domain().sources
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
        *[el for title, text in METHODS for el in (html.H3(title), html.P(_methods_text(text)))],
        html.H2("Send your own data"),
        html.P(["Pilot sites send returns in the project's template: one row per ICB, quarter, programme and "
                "condition group with referrals, starts, job outcomes, sustained outcomes and cost. ",
                html.A("Pilot returns template (CSV)", href=_template_href("csv"),
                       download="pilot_returns_template.csv"), ", ",
                html.A("Pilot returns template (Excel)", href=_template_href("xlsx"),
                       download="pilot_returns_template.xlsx"),
                ". Load published and returned files with ", html.Code("python -m data.build --source DIR "
                "--report problems.csv"), ": a file with errors is refused with every problem listed, and the "
                "current data stay in place."]),
        html.H2("What the demo data assume", id="demo-assumptions"),
        html.P("The demo generator is deterministic (seed " + str(domain().meta.get("seed", "")) + ") and calibrated to the published "
               "figures listed below. Rebuild it with ", className="mb-1"),
        html.Pre(html.Code("python -m data.build --participants 200000")),
        html.Ul([html.Li(a) for a in domain().assumptions]),
        html.H2("Data dictionary"),
        *_dictionary(),
        *accessibility.statement(_settings_contact()),
        html.P("Figures calibrated from: ONS labour market statistics (INAC01, APS), DWP Work and Health "
               "Programme statistics, and the programme sources listed above.", className="small"),
    ])
