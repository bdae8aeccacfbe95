"""The benchmark's plumbing (no timings here: speed is measured by ``python -m bench.run``, never asserted)."""
from __future__ import annotations

import ast
from pathlib import Path

from bench import common

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench_imports(path: Path) -> set[str]:
    """The bench modules ``path`` imports (read from its source: bench.locustfile imports locust, which patches
    the standard library with gevent on import)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "bench":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("bench."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("bench.")}
    return found


def test_bench_1_one_helper_module_and_no_import_cycle():
    graph = {p.stem: _bench_imports(p) for p in BENCH.glob("*.py") if p.stem != "__init__"}
    assert graph["common"] == set(), "bench/common.py must not import the rest of bench/"
    for module, imports in graph.items():
        assert module == "common" or "common" in imports or not imports, module
    # Depth-first search for a cycle.
    state: dict[str, int] = {}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert state.get(node) != 1, f"import cycle: {' -> '.join((*trail, node))}"
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in graph.get(node, ()):
            visit(nxt, (*trail, node))
        state[node] = 2

    for module in graph:
        visit(module, ())


def test_bench_2_the_browser_tests_and_the_benchmark_share_one_set_of_browser_settings():
    from bench import browser
    from tests import conftest

    assert conftest.launch_chromium is common.launch_chromium and browser.launch_chromium is common.launch_chromium
    assert conftest.VIEWPORT is common.VIEWPORT is browser.VIEWPORT
    for path in (*BENCH.glob("*.py"), Path(conftest.__file__)):
        if path.name != "common.py":
            assert "--no-sandbox" not in path.read_text(), f"{path.name} has its own Chromium flags"


def test_bench_3_summaries_and_verdicts():
    assert common.pct([1, 2, 3, 4], 50) == 2.5 and common.pct([], 95) is None
    s = common.summarise([10.0, 20.0, 30.0, 40.0, 1000.0], failures=1)
    assert s["requests"] == 5 and s["failures"] == 1 and s["p50"] == 30.0 and s["max"] == 1000.0
    assert common.verdict(120, 150, " ms") == "met"
    assert common.verdict(300, 150, " ms") == "missed by 150 ms (2.00x the target)"
    assert common.verdict(None, 150) == "not measured"


def test_bench_3b_the_least_a_filter_change_could_take_is_its_work_over_the_cores():
    """Hand-worked: two charts answering in 100 and 60 ms alone and drawing in 30 and 50 ms are 240 ms of work,
    at least 120 ms on 2 cores; the page with the most work is the one reported, and a chart without a timing
    leaves its page out."""
    from bench import browser

    charts = {"a": {"draw_p50_ms": 30.0}, "b": {"draw_p50_ms": 50.0}}
    result = {"cpus": 2, "pages": {"/p": {"charts_in_changes": charts, "change_p50_ms": 400.0},
                                   "/q": {"charts_in_changes": {"c": {"draw_p50_ms": 500.0}}, "change_p50_ms": 9.0}}}
    first, change = browser.budget_lines(result, {"a": 100.0, "b": 60.0}, 610.0)
    assert "run until 610 ms" in first and "target of 500 ms" in first
    assert "on `/p` its 2 charts' answers need 160 ms of server CPU" in change
    assert "draws 80 ms" in change and "240 ms of work for 2 cores, so at least 120 ms" in change
    assert "took 400 ms (p50)" in change
    assert browser.budget_lines(result, {}, None) == []


def test_bench_4_the_readme_block_is_replaced_by_the_report_s_targets(tmp_path):
    from bench import run

    readme = tmp_path / "README.md"
    readme.write_text(f"# X\n\nbefore\n\n{run.README_START}\nold numbers typed by hand\n{run.README_END}\n\nafter\n")
    report = ("# Benchmark\n\nMeasured 2026-11-30 12:00 UTC on a test machine.\n\n## Targets\n\n"
              "| target | measured | result |\n| --- | --- | --- |\n| a | 1 ms | met |\n\n## Next\n\nmore\n")
    assert run.update_readme(report, readme)
    text = readme.read_text()
    assert "old numbers" not in text and "| a | 1 ms | met |" in text and "## Next" not in text
    assert text.startswith("# X\n\nbefore\n\n") and text.endswith("\n\nafter\n")
    assert "Measured 2026-11-30 12:00 UTC" in text
    run.update_readme(report, readme)  # idempotent: the block is replaced, not appended to
    assert readme.read_text() == text
    plain = tmp_path / "plain.md"
    plain.write_text("no block here\n")
    assert not run.update_readme(report, plain) and plain.read_text() == "no block here\n"


def test_bench_5_the_project_readme_has_the_generated_block():
    from bench import run

    text = run.README.read_text()
    assert text.count(run.README_START) == 1 and text.count(run.README_END) == 1
