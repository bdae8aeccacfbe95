"""Units behind the accessibility fixes: text colour from the fill, readable table values and headers, and the
statement's one list of known issues."""
import pandas as pd
import pytest

from dashboard import accessibility, labels, theme
from dashboard.theme import CATEGORICAL, SEQUENTIAL, Colour


def test_contrast_1_matches_wcag_reference_values():
    assert theme.contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert theme.contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # The audit's figure: white on the Analysis Function turquoise is 3.17:1 (below 4.5:1).
    assert theme.contrast("#FFFFFF", Colour.TURQUOISE) == pytest.approx(3.17, abs=0.01)
    assert theme.contrast("rgb(11, 12, 12)", "#0B0C0C") == pytest.approx(1.0)


@pytest.mark.parametrize("fill", [*CATEGORICAL, *SEQUENTIAL, Colour.MID_GREY, Colour.WHITE, Colour.DARK_GREY])
def test_ink_1_text_on_every_theme_fill_is_at_least_4_5_to_1(fill):
    assert theme.contrast(theme.ink(fill), fill) >= 4.5


def test_ink_2_turquoise_gets_dark_text_and_dark_blue_white():
    assert theme.ink(Colour.TURQUOISE) == Colour.TEXT
    assert theme.ink(Colour.DARK_BLUE) == Colour.WHITE


def test_labels_1_headers_in_words_with_units_and_distinct():
    assert labels.headers(["area_code", "roi", "sample_n", "focus"]) == [
        "Area code (GSS)", "Return per £1 spent (£)", "Survey respondents", "Chosen area"]
    # Two columns with one meaning are told apart by their names.
    assert labels.headers(["code", "area_code"]) == ["Area code (GSS) (code)", "Area code (GSS) (area_code)"]
    assert labels.column_label("participants_msk") == "Participants: msk"
    assert labels.column_label("some_new_column") == "Some new column"


def test_labels_2_values_formatted_for_reading():
    frame = pd.DataFrame({"roi": [1737812.07, 2.5], "people": [1055.0, None], "focus": [True, False],
                          "sample_n": [1200, 5], "p_value": [1.3e-10, 0.5], "ratio": [1.374, 0.5]})
    out = labels.readable(frame)
    assert out["Return per £1 spent (£)"].tolist() == ["1,737,812.1", "2.5"]
    assert out["People (rounded)"].tolist() == ["1,055", ""]  # whole numbers stay whole; missing is blank
    assert out["Chosen area"].tolist() == ["Yes", "No"]
    assert out["Survey respondents"].tolist() == ["1,200", "5"]
    assert out["p value"].tolist() == ["1.3e-10", "0.50"]
    assert out["Ratio"].tolist() == ["1.37", "0.50"]


def test_statement_1_each_known_issue_names_a_criterion_and_a_fix_date():
    ids = [issue.id for issue in accessibility.KNOWN_ISSUES]
    assert len(ids) == len(set(ids)) and ids
    for issue in accessibility.KNOWN_ISSUES:
        number = issue.criterion.split()[0]
        assert number.count(".") == 2 and number.replace(".", "").isdigit(), issue.id
        assert issue.fix_by.split()[-1].isdigit() and issue.problem and issue.meanwhile
    assert accessibility.STATUS == "partially compliant"


def test_statement_2_names_the_contact_when_set():
    from dash import html

    def text(component) -> str:
        if isinstance(component, str):
            return component
        children = getattr(component, "children", None)
        children = children if isinstance(children, list) else [children] if children is not None else []
        return "".join(text(c) for c in children)

    with_contact = "".join(text(c) for c in accessibility.statement("access@example.gov.uk"))
    assert "access@example.gov.uk" in with_contact and "5 working days" in with_contact
    without = "".join(text(c) for c in accessibility.statement(None))
    assert "DASHBOARD_ACCESSIBILITY_CONTACT" in without
    assert isinstance(accessibility.statement()[0], html.H2)


def test_page_figure_1_source_note_is_text_under_the_page_chart_and_stays_in_exports(app):
    from dashboard import components, exports, registry
    from dashboard.filters import Filters

    figure, *_ = components.update_chart("?geo=E54000061", {"type": "chart-graph", "chart": "overview-trend"})
    assert not [a for a in figure["layout"].get("annotations", []) if a.get("name") == "source-note"]
    rendered = registry.render("overview-trend", Filters())
    # The registry's figure keeps its note (exports swap it for their own provenance block under the image).
    assert [a for a in rendered.figure.layout.annotations if a.name == "source-note"]
    assert "source-note" not in str(exports.embed_figure(rendered).layout.annotations)
    card = str(components.chart_card("overview-trend"))
    assert "chart-source" in card and "Source: " in card and "data-labelledby" in card


def test_chart_table_1_row_headers_first_and_words_for_headers(app):
    from dashboard import components, registry
    from dashboard.filters import Filters

    table = components.chart_table(registry.render("regions-league", Filters()))
    head = table.children[-1].children.children[1]  # caption, thead, tbody
    headers = [th.children for th in head.children.children]
    assert headers[0] == "Area" and "Rate (%)" in headers and "Compared with England" in headers
    body = table.children[-1].children.children[2]
    first_row = body.children[0].children
    assert first_row[0].scope == "row" and all(cell.scope == "col" for cell in head.children.children)
    assert {cell.children for row in body.children for cell in row.children} & {"Yes", "No"}
