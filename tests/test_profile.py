"""The area profile: its spine chart's numbers against the league's, and every ICB's page and summary built."""
import pytest

from dashboard import registry
from dashboard.charts import profile
from dashboard.filters import ENGLAND, Filters
from data import reference

pytestmark = pytest.mark.usefixtures("demo_warehouse")


def test_profile_1_spine_matches_the_league_and_icb_spread():
    filters = Filters(geo="E54000061", level="icb")
    spine = registry.render("profile-spine", filters).data
    assert len(spine) == len(profile.indicators()) == 9
    league = registry.render("regions-league", filters).data.set_index("code")
    overall = spine.set_index("indicator").loc["All long-term sick"]
    assert overall["value"] == pytest.approx(league.at["E54000061", "rate"])
    assert overall["england"] == pytest.approx(league["england_rate"].iloc[0])
    assert overall["icb_min"] == pytest.approx(league["rate"].min())
    assert overall["icb_max"] == pytest.approx(league["rate"].max())
    assert overall["icb_q1"] == pytest.approx(league["rate"].quantile(0.25))
    assert overall["compared_with_england"] == league.at["E54000061", "compared_with_england"]
    assert (spine["icb_min"] <= spine["icb_q1"]).all() and (spine["icb_q3"] <= spine["icb_max"]).all()
    # Every ICB has an overall rate; a rare condition's rate may be withheld for a few (disclosure control).
    assert spine["icbs"].iloc[0] == 42 and spine["icbs"].between(30, 42).all()


def test_profile_2_every_icb_region_and_england_has_a_profile(client):
    areas = reference.areas()
    icbs = areas[areas["level"] == "icb"]["code"].tolist()
    assert len(icbs) == 42
    import pages.profile as page

    for i, code in enumerate([*icbs, "E12000003", ENGLAND]):
        name = Filters(geo=code).geo_name
        sentences = profile.headline(Filters(geo=code))
        assert name in sentences[0] and "%" in sentences[0], sentences
        if code != ENGLAND:
            assert "England's" in sentences[0] and "indicators" in sentences[1], sentences
        if i % 20 == 0 or code in ("E12000003", ENGLAND):  # the page and its figure, for a sample
            assert client.get(f"/profile?geo={code}").status_code == 200
            assert f"Area profile: {name}" in str(page.layout(geo=code))
            spine = registry.render("profile-spine", Filters(geo=code))
            assert len(spine.data) == 9 and len(spine.figure.data) >= 3


def test_profile_3_status_says_accelerator_and_workwell():
    areas = reference.areas().set_index("code")
    both = areas[areas["accelerator"] & areas["workwell"]].index[0]
    neither = areas[(areas["level"] == "icb") & ~areas["accelerator"] & ~areas["workwell"]].index[0]
    assert "Health and Growth Accelerator and a WorkWell vanguard" in profile.headline(Filters(geo=both))[-1]
    assert "neither" in profile.headline(Filters(geo=neither))[-1]


def test_profile_4_bad_area_is_named_on_the_page():
    import pages.profile as page

    text = str(page.layout(geo="E54999999"))
    assert "E54999999" in text and "not a known area code" in text


def test_footer_says_the_latest_quarter_build_date_and_version(client, demo_warehouse):
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Data up to and including Apr-Jun 2026" in layout
    assert f"version {demo_warehouse.version}" in layout
    assert "Apr-Jun 2026 (latest)" in str(__import__("pages.regions", fromlist=["layout"]).layout())


def test_profile_5_one_query_gives_each_indicator_as_lts_rates_does():
    """The spine's single query (queries/profile_spine.sql) against lts_rates asked one indicator at a time."""
    from dashboard.charts.common import lts_rates

    filters = Filters(geo="E12000003")
    quarter = filters.period_to
    spine = profile.spine_data(filters).set_index("indicator")
    assert len(spine) == 9
    for label, change in profile.indicators():
        chosen = Filters(geo=filters.geo, period_from=quarter, period_to=quarter, **change)
        own = lts_rates(chosen, areas=[filters.geo]).iloc[0]
        icbs = lts_rates(chosen, level="icb")["rate"].dropna()
        england = lts_rates(chosen, areas=[ENGLAND])["rate"].iloc[0]
        row = spine.loc[label]
        assert (row["value"], row["lower"], row["upper"]) == pytest.approx((own["rate"], own["lower"], own["upper"]))
        assert (row["england"], row["icb_min"], row["icb_median"], row["icbs"]) == pytest.approx(
            (england, icbs.min(), icbs.median(), len(icbs)))
