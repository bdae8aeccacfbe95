"""Period keys in words on warehouses built from published files alone (tests/fixtures/sources/real): each key is
named by the type of figure loaded for it, so a UK three-month figure is never called a rolling year because the
area figures are rolling years; and a warehouse with no period at all describes its filters without an error."""
import shutil

from dashboard.domain import domain, period_label
from dashboard.filters import Filters
from tests import warehouses


def test_period_labels_1_each_key_is_named_by_the_figures_loaded_for_it(real_files):
    # nomis_query_regions.csv: Jul 2023-Jun 2024 (a rolling year ending 2024Q2); nomis_query_la.csv: Jan-Dec 2024;
    # inac01sa_2025_05.xls and the LF6A series: UK three-month periods, the latest Jan-Mar 2025.
    known = domain()
    assert known.label("2024Q2") == "year to Jun 2024"
    assert known.label("2024Q4") == "year to Dec 2024"  # the ICBs' year; the UK's Oct-Dec is a UK-only figure
    assert known.label("2025Q1") == "Jan-Mar 2025"  # only the UK three-month figures end here
    assert Filters(period_to="2025Q1").describe().split(", ")[1].endswith("to Jan-Mar 2025")


def test_period_labels_2_a_key_of_two_types_at_one_level_says_so():
    assert period_label("2025Q1", "rolling_year") == "year to Mar 2025"
    assert period_label("2025Q1", "three_month") == "Jan-Mar 2025"
    assert period_label("2025Q1", ("rolling_year", "three_month")) == "Jan-Mar 2025 and the year to Mar 2025"


def test_period_labels_3_no_period_loaded(tmp_path, monkeypatch, client):
    """A Fingertips export alone: no period of long-term sickness. Titles say so; the API answers, not a 500."""
    shutil.copy(warehouses.REAL_FILES / "fingertips_website_icb.csv", tmp_path)
    with warehouses.opened(warehouses.built(tmp_path, tmp_path), monkeypatch):
        assert "no period loaded" in Filters().describe()
        response = client.get("/api/v1/charts/regions-league")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
