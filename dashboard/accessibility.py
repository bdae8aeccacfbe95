"""The accessibility statement (GOV.UK's model), generated from one list of known issues.

``KNOWN_ISSUES`` is the single record of what does not yet meet WCAG 2.2 AA. The About page renders it;
``tests/test_accessibility_statement.py`` checks, for each entry, that the problem is still real (a check that
fails once the problem is fixed, so a fixed issue is removed from the statement rather than left in it) and
``tests/browser/test_wcag.py`` asserts in a browser what the statement claims is met.
"""
from __future__ import annotations

from dataclasses import dataclass

from dash import html

STANDARD = "Web Content Accessibility Guidelines version 2.2 AA standard"
STATUS = "partially compliant"
PREPARED = "23 November 2026"
LAST_TESTED = "30 November 2026"  # the audit and the browser checks below, run on the demo data
RESPONSE_WORKING_DAYS = 5


@dataclass(frozen=True)
class KnownIssue:
    id: str
    criterion: str  # "1.1.1 Non-text content"
    problem: str
    meanwhile: str  # what a reader can do until it is fixed
    fix_by: str


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        "chart-points-by-keyboard", "2.1.1 Keyboard",
        "The details a pointer shows over a point in a chart (a tooltip) cannot be reached one point at a time "
        "with a keyboard or a screen reader.",
        "Every number in a chart, with its interval and count, is in the chart's 'Show as table' and in its CSV "
        "and Excel downloads; the summary under each chart gives the main finding.",
        "30 June 2027"),
    KnownIssue(
        "map-select-by-pointer", "2.1.1 Keyboard",
        "Selecting a hexagon on the map of ICBs to make it the chosen area works only with a pointer.",
        "The Area filter above the charts does the same thing with a keyboard.",
        "31 March 2027"),
    KnownIssue(
        "exported-images-alt-text", "1.1.1 Non-text content",
        "Charts in slide packs (PowerPoint) have no alternative text, and PNG and SVG downloads have only the "
        "chart's title.",
        "The CSV and Excel downloads carry the numbers behind every chart.",
        "31 March 2027"),
    KnownIssue(
        "chart-text-spacing", "1.4.12 Text spacing",
        "Text inside a chart (legends, axis labels) is drawn at fixed positions: with wider letter and word "
        "spacing set by the reader's own style sheet, legend entries can overlap.",
        "The chart's heading, summary, source and table are ordinary text and take the reader's spacing.",
        "30 June 2027"),
    KnownIssue(
        "interval-bands-contrast", "1.4.11 Non-text contrast",
        "The shaded 95% confidence interval bands on line charts are light (about 1.2:1 against white).",
        "The interval for every point is in the tooltip and in 'Show as table'.",
        "31 March 2027"),
)

HOW_TESTED = (
    ("axe-core 4.12 in headless Chromium on every page, with and without filters, and on chart embeds, for the "
    "rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa and wcag22aa; the suite fails on any serious or critical "
    "problem."),
    ("Chromium's accessibility tree: each chart is exactly one image, named by its heading and described by its "
    "summary, on every page and embed."),
    ("The keyboard alone: every link, button and field on each page is reached with Tab, and one of each kind "
    "is measured to show a focus indicator of at least 3:1 against its unfocused look; the sort, copy and table "
    "controls work with Enter; moving to another page puts focus on its main heading."),
    ("Contrast measured from the rendered colours: text on the page and in the charts (against the colour "
    "drawn under it) at least 4.5:1, or 3:1 for large text."),
    ("Reflow: no page scrolls sideways at 320 pixels wide, and no text sits outside its box at 320 and 1,280 "
    "pixels."),
    "Status messages: one short message when the filters change.",
)


def _contact(contact: str | None) -> list:
    if not contact:
        return ["contact the team that runs this copy of the dashboard (its operator names an address with the ",
                html.Code("DASHBOARD_ACCESSIBILITY_CONTACT"), " setting)"]
    href = contact if "://" in contact else f"mailto:{contact}"
    return ["email or write to ", html.A(contact, href=href)]


def statement(contact: str | None = None) -> list:
    """The statement's components, for the About page (under its own heading, id ``accessibility``)."""
    return [
        html.H2("Accessibility statement", id="accessibility"),
        html.P("This accessibility statement applies to the Health and work commissioning dashboard: its pages, "
               "chart embeds and downloads. It is run for NHS and government users, who should be able to use "
               "it with a keyboard alone, a screen reader, speech recognition or magnification, and to zoom to "
               "400% without content being lost."),
        html.H3("How accessible this dashboard is"),
        html.P("We know some parts are not fully accessible:"),
        html.Ul([html.Li(issue.problem) for issue in KNOWN_ISSUES]),
        html.H3("Reporting accessibility problems and asking for another format"),
        html.P(["If you find a problem not listed here, or need a chart's information in another format, ",
                *_contact(contact), f". We will reply within {RESPONSE_WORKING_DAYS} working days."]),
        html.H3("Enforcement procedure"),
        html.P([("The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector "
                "Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the "
                "'accessibility regulations'). If you are not happy with how we respond to your complaint, "),
                html.A("contact the Equality Advisory and Support Service (EASS)",
                       href="https://www.equalityadvisoryservice.com/"),
                ". In Northern Ireland, the Equality Commission for Northern Ireland (ECNI) is responsible; ",
                html.A("contact the ECNI", href="https://www.equalityni.org/Home"), "."]),
        html.H3("Technical information about this dashboard's accessibility"),
        html.P("We are committed to making the dashboard accessible, in accordance with the accessibility "
               "regulations."),
        html.H4("Compliance status", className="h5"),
        html.P(f"This dashboard is {STATUS} with the {STANDARD}, due to the non-compliances listed below.",
               id="accessibility-status"),
        html.H4("Non-accessible content", className="h5"),
        html.P("The content listed below is known not to meet the standard, with what you can do meanwhile and "
               "when we plan to fix it."),
        html.Ul([html.Li([html.Strong(f"WCAG 2.2 success criterion {issue.criterion}. "), issue.problem, " ",
                          issue.meanwhile, f" We plan to fix this by {issue.fix_by}."],
                         **{"data-issue": issue.id}) for issue in KNOWN_ISSUES], id="accessibility-issues"),
        html.H3("How we tested this dashboard"),
        html.P(f"The dashboard was last tested on {LAST_TESTED}, by its team, with automated browser checks that "
               "run with every change (the project's test suite) and a manual audit against WCAG 2.2 AA with a "
               "keyboard and the browser's accessibility tree. The automated checks cover:"),
        html.Ul([html.Li(item) for item in HOW_TESTED]),
        html.P("It has not yet been tested by disabled users or with every screen reader; that is planned before "
               "31 March 2027."),
        html.H3("Preparation of this accessibility statement"),
        html.P(f"This statement was prepared on {PREPARED}. It was last reviewed on {LAST_TESTED}."),
    ]
