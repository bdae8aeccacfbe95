"""The area profile on a warehouse built from the real-layout files alone (tests/fixtures/sources/real): the spine
chart and the summary draw the published measure, named as published, with its period label, interval, rank and
class against England, checked number for number against the files (read here with the csv module, not the app's
reader); what the files do not publish says so, never a synthetic number. And each source's release date as the
file states it."""
import csv
from datetime import date

import numpy as np
import pytest

import queries
from dashboard import registry
from dashboard.charts import profile
from dashboard.filters import ENGLAND, Filters
from dashboard.stats import compare
from data import build
from tests import warehouses

MEASURE = "% of economically inactive who are long-term sick"
SOUTH_YORKSHIRE = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
WEST_YORKSHIRE = ("Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield")


def _rows(name: str, first: str) -> list[list[str]]:
    with (warehouses.REAL_FILES / name).open(newline="") as handle:
        rows = list(csv.reader(handle))
    header = next(i for i, row in enumerate(rows) if row and row[0] == first)
    return [row for row in rows[header + 1:] if len(row) > 2]


def regions_file() -> dict[str, tuple[float, float]]:
    """nomis_query_regions.csv: area code -> (percent, Conf: the 95% half-width), '!' left out."""
    return {row[1]: (float(row[2]), float(row[3])) for row in _rows("nomis_query_regions.csv", "region")
            if row[2] not in ("!", "-")}


def icb_from_las(names) -> float:
    """nomis_query_la.csv: an ICB's percentage from its local authorities' numerators and denominators."""
    rows = {row[0].split(":", 1)[1]: row for row in _rows("nomis_query_la.csv",
                                                          "local authority: district / unitary (as of April 2023)")}
    numerator = sum(float(rows[n][2].replace(",", "")) for n in names)
    denominator = sum(float(rows[n][3].replace(",", "")) for n in names)
    return 100 * numerator / denominator


def measured(frame):
    return frame[frame["value"].notna()].set_index("indicator")


def test_profile_published_1_region_spine_is_the_nomis_figure_against_england(real_files):
    published = regions_file()
    ne, england = published["E12000001"], published[ENGLAND]
    rendered = registry.render("profile-spine", Filters(geo="E12000001"))
    assert not rendered.demo
    rows = measured(rendered.data)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert MEASURE in rows.index[0] and row["measure"] == MEASURE and row["period_label"] == "year to Jun 2024"
    assert row["value"] == ne[0] and row["england"] == england[0]
    assert (row["lower"], row["upper"]) == pytest.approx((ne[0] - ne[1], ne[0] + ne[1]))
    assert row["compared_with_england"] == compare.WORSE  # 33.3-38.9 above 27.9
    # The spread and rank are across the regions published in the same measure and period (South West is '!').
    regions = sorted(v for code, (v, _) in published.items() if code.startswith("E12"))
    assert regions == [18.9, 30.4, 36.1] and row["icbs"] == 3 and row["peers"] == "regions"
    assert (row["icb_min"], row["icb_median"], row["icb_max"]) == (18.9, 30.4, 36.1)
    assert row["icb_q1"] == pytest.approx(np.quantile(regions, 0.25))
    assert row["rank"] == 1 and not row["synthetic"]
    assert "nomis_query_regions.csv" in row["files"]
    # Indicators the files lack are listed as not published, with no number.
    missing = rendered.data[rendered.data["value"].isna()]
    assert len(missing) == len(profile.indicators()) - 1
    assert missing["note"].str.startswith("Not published at this level").all()
    assert missing[["lower", "upper", "england", "icb_min", "icb_max"]].isna().all().all()
    assert "year to Jun 2024" in rendered.summary and MEASURE in rendered.summary
    assert "ranks 1st highest of the 3 regions published" in rendered.summary


def test_profile_published_2_icb_summed_from_local_authorities(real_files):
    rendered = registry.render("profile-spine", Filters(geo="E54000061"))
    row = measured(rendered.data).iloc[0]
    sy, wy = icb_from_las(SOUTH_YORKSHIRE), icb_from_las(WEST_YORKSHIRE)
    assert row["value"] == pytest.approx(sy) and row["period_label"] == "year to Dec 2024"
    assert np.isnan(row["lower"]) and np.isnan(row["upper"])  # sums of local authorities carry no interval
    # England is published for the year to Jun 2024 only: not compared, never a value from another period.
    assert np.isnan(row["england"]) and row["compared_with_england"] == compare.NOT_COMPARED
    assert row["icbs"] == 2 and (row["icb_min"], row["icb_max"]) == pytest.approx((wy, sy)) and row["rank"] == 1
    assert row["peers"] == "ICBs" and row["aggregated"]
    fig = rendered.figure
    markers = [t for t in fig.data if t.type == "scatter"]
    assert markers and markers[0].customdata[0][0] == pytest.approx(sy)
    assert "Not published at this level" in " ".join(a.text for a in fig.layout.annotations)
    sentences = profile.headline(Filters(geo="E54000061"))
    assert f"{sy:.1f}%" in sentences[0] and MEASURE in sentences[0] and "year to Dec 2024" in sentences[0]
    assert "aged 16-64" not in sentences[0] and "no value for England" in sentences[0]
    assert any("ranks 1st highest of the 2 ICBs published" in s for s in sentences)
    assert any(s.startswith("Main condition, age band and sex: not published at this level") for s in sentences)


def test_profile_published_3_england_and_an_icb_the_files_do_not_cover(real_files):
    england = regions_file()[ENGLAND]
    row = measured(registry.render("profile-spine", Filters(geo=ENGLAND)).data).iloc[0]
    assert row["value"] == england[0] and row["compared_with_england"] == compare.NOT_COMPARED
    assert (row["lower"], row["upper"]) == pytest.approx((england[0] - england[1], england[0] + england[1]))
    assert row["icbs"] == 3 and row["peers"] == "regions"
    # North East and North Cumbria: Hartlepool alone is in the file, so no ICB value is published or summed.
    rendered = registry.render("profile-spine", Filters(geo="E54000050"))
    assert rendered.data["value"].isna().all() and not rendered.demo
    sentences = profile.headline(Filters(geo="E54000050"))
    assert sentences[0].startswith("Not published at this level: the loaded files give no "
                                   f"{MEASURE} for North East and North Cumbria")
    assert not any("%" in s and "aged 16-64" in s for s in sentences)


def test_profile_published_4_pdf_document_says_the_published_figure(real_files):
    from dashboard import exports, profile_pdf

    ctx = exports.Context.now("http://intranet.example/profile?geo=E12000001")
    assert ctx.demo is False
    page = profile_pdf.document(Filters(geo="E12000001"), ctx)
    assert "36.1%" in page and MEASURE in page and "year to Jun 2024" in page
    assert "SYNTHETIC" not in page.upper() and "aged 16-64 in North East" not in page
    assert "nomis_query_regions.csv" in page and "release date not stated in the file" in page
    assert ("Published figures: Office for National Statistics, via Nomis, Annual Population Survey "
            "(nomis_query_la.csv, nomis_query_regions.csv; release date not stated in the file)") in page


def test_sources_release_date_read_from_each_file(real_files):
    cur = real_files.cursor()
    try:
        released = dict(cur.execute("SELECT id, release_date FROM sources").fetchall())
        files = dict(cur.execute("SELECT file, release_date FROM source_files").fetchall())
    finally:
        cur.close()
    # inac01sa_2025_05.xls's note sheet: 'Release date: 13 May 2025'; ons_timeseries_lf6a.csv: 'Release date',
    # '13-05-2025'; the Nomis query downloads state none (only the day they were downloaded).
    assert released == {"inac01": date(2025, 5, 13), "ons_series": date(2025, 5, 13), "nomis_aps": None}
    assert files["inac01sa_2025_04.xls [People]"] == date(2025, 4, 15)
    assert files["inac01sa_2025_05.xls [Women]"] == date(2025, 5, 13)
    assert files["nomis_query_la.csv"] is None and files["fingertips_website_icb.csv"] is None
    from dashboard import facts

    coverage = facts.coverage().drop_duplicates("source_id").set_index("source_id")
    assert coverage.loc["inac01", "released"] == "13 May 2025"
    assert coverage.loc["nomis_aps", "released"] == "not stated in the file"
    # The About page's data dictionary says what feeds the spine in this copy: the published measure.
    drawn = facts.drawn_from(registry.get("profile-spine"))
    assert drawn.startswith("Office for National Statistics, via Nomis, Annual Population Survey (England, year to Jun")
    assert drawn.endswith("by main condition, age band and sex: not published at this level")


def test_profile_demo_frame_keeps_its_columns(demo_warehouse):
    frame = registry.render("profile-spine", Filters(geo="E54000061")).data
    assert list(frame.columns) == profile.SPINE_COLUMNS
    assert profile.headline(Filters(geo="E54000061"))[0].startswith("In Apr-Jun 2026, ")


def test_profile_published_5_a_warehouse_with_no_period_prints_a_profile(tmp_path, monkeypatch):
    """A Fingertips export alone has no period of long-term sickness: the summary and the PDF say so, no error."""
    import shutil

    from dashboard import exports, profile_pdf

    shutil.copy(warehouses.REAL_FILES / "fingertips_website_icb.csv", tmp_path)
    path = tmp_path / "w.duckdb"
    assert build.main(["--db", str(path), "--source", str(tmp_path)]) == 0
    wh = queries.Warehouse(path)
    monkeypatch.setattr(queries, "_default", wh)
    try:
        filters = Filters(geo="E54000061")
        assert filters.period_to is None
        assert profile.headline(filters)[0].startswith("Not published at this level")
        page = profile_pdf.document(filters, exports.Context.now("http://intranet.example/profile"))
    finally:
        wh.close()
    assert "No period of long-term sickness or programme starts is loaded." in page and "SYNTHETIC" not in page


def test_profile_published_6_exports_carry_the_published_rows(real_files, client):
    import io

    import pandas as pd

    response = client.get("/export/profile-spine.csv?geo=E54000061")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "SYNTHETIC DEMO" not in text.upper()
    frame = pd.read_csv(io.StringIO(text), skiprows=lambda i: i == 1 and text.splitlines()[1].startswith("Indicator"))
    frame = frame[frame["area_code"] == "E54000061"]
    row = frame[frame["value"].notna()].iloc[0]
    assert float(row["value"]) == pytest.approx(icb_from_las(SOUTH_YORKSHIRE))
    assert row["measure"] == MEASURE and row["period_label"] == "year to Dec 2024"
    assert frame["note"].dropna().str.startswith("Not published at this level").sum() == len(profile.indicators()) - 1
    assert set(frame["period"]) == {"2024Q4"}  # every row dated, none blank (the API's period covered)
    document = client.get("/api/v1/charts/profile-spine?geo=E54000061").get_json()
    assert document["demo"] is False and document["period_covered"] == {"first": "2024Q4", "last": "2024Q4"}
