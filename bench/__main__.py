"""`python -m bench` (`make bench`): generate the bench registries if needed, count queries, measure the server,
write docs/benchmarks.md.

    python -m bench                      # full size, SQLite and PostgreSQL
    python -m bench --scale small        # 1/20 of the size: a quick run
    python -m bench --db sqlite          # one database only
    python -m bench --regenerate         # rebuild the registries even when they are current

Each step runs in its own process (each with its own DATABASE_URL) and with a time limit, so a stuck step cannot
hang the run.
"""

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence

from bench.common import DATABASES, ROOT, log, read_json, results_path, write_json

STEP_TIMEOUT_S = {"generate": 2400, "queries": 1200, "run": 2400}


def step(name: str, *args: str) -> None:
    command = [sys.executable, "-m", f"bench.{name}", *args]
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, timeout=STEP_TIMEOUT_S[name])  # noqa: S603 - our own modules
    log(f"  ({name} {' '.join(args)}: {time.monotonic() - started:.0f} s)")


def migrate(db: str, scale: str) -> None:
    """A reused registry gets the migrations added since it was made (new tables that pages read)."""
    from bench.common import bench_env

    command = [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]
    subprocess.run(command, cwd=ROOT, env=bench_env(db, scale), check=True, timeout=STEP_TIMEOUT_S["queries"])  # noqa: S603


def postgres_ready() -> bool:
    from bench.common import POSTGRES_SERVER

    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=5):
            return True
    except Exception:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("full", "small"), default="full")
    parser.add_argument("--db", choices=(*DATABASES, "both"), default="both")
    parser.add_argument("--regenerate", action="store_true", help="Rebuild the bench registries first.")
    parser.add_argument("--skip-server", action="store_true", help="Only generate and count queries.")
    args = parser.parse_args(argv)

    from bench import report
    from bench.generate import is_current

    databases = list(DATABASES) if args.db == "both" else [args.db]
    if "postgres" in databases and not postgres_ready():
        log("PostgreSQL is not reachable on 127.0.0.1:5432: skipping it (start it and run again).")
        databases.remove("postgres")
    # Query counts are compared at two sizes, so the small registry is always made too.
    scales = ["small", "full"] if args.scale == "full" else ["small"]
    for db in databases:
        log(f"== {db} ==")
        for scale in scales:
            if args.regenerate or not is_current(db, scale):
                step("generate", "--db", db, "--scale", scale)
            else:
                log(f"  the {scale} registry on {db} is current: not regenerated (--regenerate to force)")
                migrate(db, scale)
        machine = report.machine()
        for scale in scales:
            step("queries", "--db", db, "--scale", scale)
        if not args.skip_server:
            step("run", "--db", db, "--scale", args.scale)
        for scale in scales:
            results = read_json(results_path(db, scale)) or {}
            results["machine"] = machine
            write_json(results_path(db, scale), results)
    path = report.write()
    log(f"Results written to {path.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
