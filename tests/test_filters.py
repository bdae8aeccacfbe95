"""Filters parsed and validated once from the URL."""
import pytest

from dashboard.filters import FilterError, Filters

# Filters are checked against what the loaded warehouse holds (dashboard/domain.py): the demo warehouse here.
pytestmark = pytest.mark.usefixtures("demo_warehouse")


def test_filters_1_defaults_and_round_trip():
    assert Filters.from_query("") == Filters()
    f = Filters.from_query("?geo=e54000061&level=icb&from=2022Q1&to=2026Q2&condition=MSK&age=50-64&sex=female")
    assert (f.geo, f.level, f.period_from, f.condition, f.age, f.sex) == (
        "E54000061", "icb", "2022Q1", "msk", "50-64", "female")
    assert Filters.from_query(f.query_string()) == f


def test_filters_2_all_and_blank_mean_no_filter_and_unknown_parameters_are_ignored():
    f = Filters.from_query({"sex": "all", "age": "", "utm_source": "email", "condition": ["mental", "all"]})
    assert f == Filters()


@pytest.mark.parametrize("query, parameter, says", [
    ("geo=E99999999", "geo", "not a known area code"),
    ("geo=' OR 1=1 --", "geo", "not a known area code"),
    ("level=ward", "level", "use region or icb"),
    ("from=2024-01", "from", "use the form 2024Q1"),
    ("from=2030Q1", "from", "outside the data"),
    ("from=2025Q1&to=2024Q1", "from", "is after to=2024Q1"),
    ("condition=gout", "condition", "not a known condition group"),
    ("intervention=magic", "intervention", "not a known programme"),
    ("age=65-74", "age", "use 16-24, 25-34, 35-49, 50-64"),
    ("sex=x", "sex", "female, male or all"),
])
def test_filters_3_bad_values_name_the_parameter_and_what_is_accepted(query, parameter, says):
    with pytest.raises(FilterError) as error:
        Filters.from_query(query)
    assert says in error.value.problems[parameter]


def test_filters_4_every_problem_reported_at_once():
    with pytest.raises(FilterError) as error:
        Filters.from_query("geo=nowhere&sex=x")
    assert set(error.value.problems) == {"geo", "sex"}


def test_filters_5_described_in_words():
    f = Filters.from_query("geo=E54000061&from=2024Q1&to=2024Q4&sex=female&condition=back")
    assert f.describe() == ("South Yorkshire, Jan-Mar 2024 to Oct-Dec 2024, regions, Back or neck pain, "
                            "aged 16-64, women")
