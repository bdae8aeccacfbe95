"""The programme outcomes chart's axis labels: long programme names broken at word boundaries (so on a phone the
labels do not take the plot's width), still escaped, and the chart's summary untouched."""
import re

import pytest

import queries
from dashboard import registry, safety
from dashboard.figures import interventions as fig
from dashboard.filters import Filters


def test_labels_1_a_long_name_breaks_at_spaces_into_short_lines():
    label = fig.programme_label("Employment advisers in physio and MSK clinics", "100")
    assert label == "Employment<br>advisers in<br>physio and MSK<br>clinics (100)"
    assert fig.programme_label("WorkWell vanguards", "320") == "WorkWell<br>vanguards (320)"
    assert fig.programme_label("IPS", "*") == "IPS (*)"


def test_labels_2_no_word_is_cut_and_no_line_is_longer_than_it_must_be():
    name = "Individual Placement and Support for people with musculoskeletal conditions"
    lines = fig.programme_label(name, "1,230").split("<br>")
    assert " ".join(lines) == f"{name} (1,230)"  # every word kept whole, in order
    assert all(len(line) <= fig.LABEL_WIDTH or " " not in line for line in lines)
    assert "musculoskeletal" in lines  # longer than a line, alone on its own


def test_labels_3_escaped_text_stays_escaped_and_only_line_breaks_are_added():
    hostile = safety.plotly_text('<a href="https://evil.example">Advisers</a> & <img src=x> coaches')
    label = fig.programme_label(hostile, "45")
    assert re.findall(r"<[^>]*>", label) == ["<br>"] * label.count("<br>")  # the only markup is the breaks
    assert "&lt;a" in label and "&amp;" in label and "&lt;img" in label
    assert label.replace("<br>", " ") == f"{hostile} (45)"


@pytest.fixture()
def demo(demo_warehouse):
    queries.use(demo_warehouse)
    return demo_warehouse


def test_labels_4_the_chart_draws_wrapped_labels_and_keeps_its_summary(demo):
    rendered = registry.render("interventions-outcomes", Filters())
    categories = list(rendered.figure.layout.yaxis.categoryarray)
    names = rendered.data.drop_duplicates("programme")["programme_name"].tolist()
    assert len(categories) == len(names) and any("<br>" in c for c in categories)
    assert all(len(line) <= fig.LABEL_WIDTH for c in categories for line in c.split("<br>"))
    # Every point sits on its wrapped label, and the summary (the chart's accessible description) has no markup.
    assert {y for trace in rendered.figure.data for y in trace.y} <= set(categories)
    assert "<br>" not in rendered.summary and "Individual Placement and Support" in rendered.summary
    # Taller rows for taller labels: every label fits its row.
    lines = max(c.count("<br>") + 1 for c in categories)
    assert rendered.figure.layout.height >= 160 + 18 * lines * len(categories)
