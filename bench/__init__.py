"""Benchmarks: scripts that measure and print a table (see docs/benchmarks.md).

Run them from the repository root with the project's interpreter, e.g.
``.venv/bin/python bench/ingest.py --help``. They are not tests and are not
collected by pytest.
"""
