"""The domain read from the warehouse, and the one membership test (the ``in_area`` macro)."""
import ast
from pathlib import Path

import pytest

from dashboard.domain import ENGLAND, domain, period_label
from queries import Warehouse

ROOT = Path(__file__).resolve().parents[1]
SOUTH_YORKSHIRE, YORKSHIRE_REGION = "E54000061", "E12000003"


def test_domain_1_the_demo_warehouse_reads_its_own_range_levels_and_flags(demo_warehouse):
    d = domain(demo_warehouse)
    assert (d.first_period, d.last_period, len(d.periods)) == ("2019Q1", "2026Q2", 30)
    assert d.age_bands == ("16-24", "25-34", "35-49", "50-64") and d.sexes == ("female", "male")
    assert d.accelerator_start == "2025Q2" and d.synthetic
    assert d.areas["level"].value_counts().to_dict() == {"icb": 42, "region": 9, "england": 1}
    assert d.chain(SOUTH_YORKSHIRE) == [SOUTH_YORKSHIRE, YORKSHIRE_REGION, ENGLAND]
    survey = d.coverage["long_term_sick"]
    assert survey.levels == ("england", "region", "icb") and survey.has("condition", "icb") and survey.synthetic
    assert list(d.condition_groups["id"][:2]) == ["msk", "back"]
    assert domain(demo_warehouse) is d  # read once per data version


def test_domain_2_an_empty_warehouse_has_no_periods_and_no_coverage(tiny_con):
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny-domain'), ('is_demo', 'false')")
    d = domain(Warehouse(connection=tiny_con))
    assert d.periods == () and not d.synthetic
    assert not d.coverage["long_term_sick"].loaded and not d.coverage["programmes"].loaded


@pytest.mark.parametrize("geo, members", [
    (ENGLAND, 52), (YORKSHIRE_REGION, None), (SOUTH_YORKSHIRE, 1)])
def test_in_area_1_one_membership_test_in_the_warehouse(tiny_con, geo, members):
    """England holds every area, a region itself and its best-fit ICBs, an ICB itself; the same in Python."""
    rows = tiny_con.execute("SELECT code FROM areas WHERE in_area(code, $geo) ORDER BY code", {"geo": geo}).fetchall()
    codes = [c for (c,) in rows]
    tiny_con.execute("INSERT INTO meta VALUES ('data_version', 'tiny-members'), ('is_demo', 'false')")
    d = domain(Warehouse(connection=tiny_con))
    assert codes == sorted(c for c in d.areas["code"] if d.in_area(c, geo))
    if members is not None:
        assert len(codes) == members
    else:
        icbs = set(d.areas_at("icb").query("parent == @geo")["code"])
        assert set(codes) == icbs | {geo} and SOUTH_YORKSHIRE in codes
    assert tiny_con.execute("SELECT count(*) FROM areas WHERE in_area(code, $geo)",
                            {"geo": "' OR 1=1 --"}).fetchone()[0] == 0


def test_period_label_1_rolling_years_say_so():
    assert period_label("2023Q4") == "Oct-Dec 2023"
    assert period_label("2023Q4", "rolling_year") == "year to Dec 2023"


def test_app_1_no_module_of_the_app_imports_the_build():
    """The flow is one way: dashboard/ and pages/ read the warehouse, never data/ (the build)."""
    offenders = []
    for path in [*ROOT.glob("dashboard/**/*.py"), *ROOT.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n == "data" or n.startswith("data.")]
    assert offenders == []


def test_queries_1_membership_is_written_once():
    """No query spells out the membership test: they call in_area."""
    copies = [p.name for p in (ROOT / "queries").glob("*.sql") if "a.parent = $geo" in p.read_text()]
    assert copies == []
