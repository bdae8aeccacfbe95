"""Every ``wait_for_function`` in the browser tests and the benchmark polls on a timer (``polling=``).

Playwright polls on ``requestAnimationFrame`` unless told otherwise. A headless page can stop producing frames,
and then the wait never runs its check again and its timeout (the page's own) never fires: a CI run hung for 80
minutes in one, and a local run reproduced it (the driver's log ended at ``Page.wait_for_function started``).
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _waits_without_polling(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "wait_for_function"):
            polling = next((k.value for k in node.keywords if k.arg == "polling"), None)
            if polling is None or (isinstance(polling, ast.Constant) and polling.value == "raf"):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_browser_wait_polls_on_a_timer():
    files = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").glob("*.py"))
    assert len(files) > 20
    assert [w for f in files for w in _waits_without_polling(f)] == []


def test_the_check_finds_a_wait_polled_on_frames(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("page.wait_for_function('() => true')\npage.wait_for_function('x', polling='raf')\n"
                      "page.wait_for_function('x', polling=100)\n")
    assert _waits_without_polling(sample) == ["sample.py:1", "sample.py:2"]
