"""What every benchmark step shares: sizes, where the bench databases live, and Django set-up for one of them.

The databases are dedicated to benchmarks: a SQLite file under /tmp/innoverkko-bench/ and a PostgreSQL database
`innoverkko_bench` (`innoverkko_bench_small` for the small size) on the local server. They are never the
project's own db.sqlite3 or the test databases.
"""

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/innoverkko-bench"))  # noqa: S108 - throw-away data
# The local PostgreSQL server, without a database name.
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASES = ("sqlite", "postgres")


@dataclass(frozen=True)
class Size:
    organisations: int
    innovations: int
    links: int  # adoptions + partnerships


SIZES = {
    "full": Size(organisations=10_000, innovations=200_000, links=500_000),
    "small": Size(organisations=500, innovations=10_000, links=25_000),  # 1/20
}


def database_name(scale: str) -> str:
    # BENCH_DATABASE lets two people on one server keep their own bench registries apart.
    base = os.environ.get("BENCH_DATABASE", "innoverkko_bench")
    return base if scale == "full" else f"{base}_{scale}"


def database_url(db: str, scale: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'bench-{scale}.sqlite3'}"
    if db == "postgres":
        return f"{POSTGRES_SERVER}/{database_name(scale)}"
    raise ValueError(f"unknown database {db!r}")


def sqlite_path(scale: str) -> Path:
    return BENCH_DIR / f"bench-{scale}.sqlite3"


def manifest_path(db: str, scale: str) -> Path:
    return BENCH_DIR / f"manifest-{db}-{scale}.json"


def results_path(db: str, scale: str) -> Path:
    return BENCH_DIR / "results" / f"{db}-{scale}.json"


def bench_env(db: str, scale: str) -> dict[str, str]:
    """The environment a bench process (server, generator, query counter) runs with. Makes BENCH_DIR: SQLite
    cannot open a database in a folder that does not exist."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(db, scale),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        # Production settings refuse the development key; the bench's own is no secret either, but not that one.
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-key-not-for-any-real-site-0123456789abcdefghij",
        STATIC_ROOT=str(BENCH_DIR / "static"),
        MEDIA_ROOT=str(BENCH_DIR / "media"),
        PYTHONPATH=str(ROOT),
    )
    return env


def django_setup(db: str, scale: str) -> None:
    """Points this process at the bench database and sets Django up. Call before importing any model."""
    os.environ.update(bench_env(db, scale))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


def log(message: str) -> None:
    print(message, flush=True)


def collect_static(db: str, scale: str) -> None:
    """The production static storage (whitenoise's manifest) needs collectstatic before any page renders."""
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=bench_env(db, scale),
        check=True,
    )


def measured(started: "float | None" = None, load_before: "tuple[float, ...] | None" = None) -> dict[str, Any]:
    """When, on which commit and under which load (other work on the machine skews the figures) a step ran."""
    import datetime
    import subprocess

    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)  # noqa: S603
    dirty = subprocess.run([*git, "status", "--porcelain", "-uno"], capture_output=True, text=True, check=False)  # noqa: S603
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit.stdout.strip() + (" + uncommitted changes in the tree" if dirty.stdout.strip() else ""),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
