"""Accelerators (/accelerators): did the Health and Growth Accelerators lower long-term sickness in their
three ICBs, and how do the three compare on their participants."""
import dash
from dash import html

from dashboard import components, registry

PAGE = registry.page("/accelerators")
dash.register_page(__name__, path=PAGE.path, name="Accelerators",
                   title="Health and Growth Accelerators - Health and work dashboard", nav_order=4)

CAVEAT = [
    html.H2("How far to trust the estimate", className="h4", id="accelerators-caveat-title"),
    html.P(
        "The estimate compares how the long-term-sick rate changed in the three accelerator ICBs after the "
        "accelerators started with how it changed in comparison ICBs over the same quarters. It is only a fair "
        "measure of what the accelerators did if, without them, the accelerator areas would have moved in step "
        "with the comparison areas (the parallel-trends assumption). Nobody can check that directly. The quarter-"
        "by-quarter chart below helps: before the start the gap should wander around zero with no steady drift. "
        "If it was already falling or rising, the estimate mixes that older trend with any effect."),
    html.P(
        "Other things that changed at the same time in the same places (other programmes such as WorkWell, a "
        "local employer closing, changes to benefits) would also show up in the estimate. There are only three "
        "accelerator areas, so the intervals are wide. They come from comparing each area's own change, after "
        "the start against before it (Donald and Lang's two-step method), and assume the comparison areas vary "
        "as much as the accelerator areas do; the usual clustered errors would be too narrow with only three. The matched comparison uses, for each accelerator ICB, the three other ICBs whose "
        "rate before the start was closest to it; if the two estimates disagree, treat both with care."),
]


def layout(**query):
    return components.page(
        PAGE,
        "The three Health and Growth Accelerators (South Yorkshire, West Yorkshire, and North East and North "
        "Cumbria) against comparable areas: the change in long-term sickness since they started, the gap quarter "
        "by quarter, and the three side by side on their participants, job outcomes and costs.",
        query,
        before={"accelerators-event-study": html.Section(CAVEAT, id="accelerators-caveat", className="chart-card",
                                                         **{"aria-labelledby": "accelerators-caveat-title"})},
    )
