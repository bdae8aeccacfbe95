"""The code passes its own lint (``[tool.ruff]`` in pyproject.toml), so a finding is fixed when it is made."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_lint_1_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_lint_2_the_check_sees_a_finding(tmp_path):
    # Not a check that passes on anything: the same command fails on a file with an unused import.
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("import os\n")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "F401" in done.stdout
