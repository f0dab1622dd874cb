"""Benchmarks: a large synthetic registry (bench.generate), the real server under a bounded load (bench.run) and
SQL query counts per page (bench.queries), on SQLite and PostgreSQL. `python -m bench --help` (or `make bench`).

Results go to docs/benchmarks.md; see there for the figures and how to reproduce them.
"""
