"""Benchmarks for issue 8: ``python -m bench.run`` writes bench/REPORT.md and bench/report.png."""
