"""The import-linter contract of the apps' layers (pyproject.toml, `make lint`) holds, and breaks when a lower app
imports a higher one: checked on a copy of the project's Python files, the real contract, with and without a
module that imports upward."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy(target: Path) -> None:
    """The root packages' Python files and pyproject.toml (with its contract), nothing else."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for package in config["tool"]["importlinter"]["root_packages"]:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=lambda folder, names: [
                name for name in names if not name.endswith(".py") and not (Path(folder) / name).is_dir()
            ],
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    # From the copy's folder, which lint-imports puts first on the path: the copy's packages are the ones read.
    return subprocess.run(  # noqa: S603 - our own venv's executable, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=where, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("layers")
    _copy(target)
    return target


def test_the_contract_is_kept(project: Path) -> None:
    result = _lint(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "imports", "broken"),
    [
        ("core/upward.py", "import demo.registry", "core is not allowed to import demo"),
        ("innovations/upward.py", "from ideas import selectors", "innovations is not allowed to import ideas"),
        # Hidden in a function, as the experiments ↔ ideas cycle was: still an import.
        (
            "organisations/upward.py",
            "def later():\n    from notifications import services\n",
            "organisations is not allowed to import notifications",
        ),
    ],
)
def test_a_lower_app_importing_a_higher_one_breaks_it(project: Path, module: str, imports: str, broken: str) -> None:
    probe = project / module
    probe.write_text(imports + "\n")
    try:
        result = _lint(project)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout + result.stderr
    assert "Contracts: 0 kept, 1 broken." in result.stdout


def test_the_record_cores_tables_may_not_import_its_pages(project: Path) -> None:
    """records/ spans two layers (its tables and writes below organisations, its pages and forms above): an import
    from the lower half into the upper one breaks the contract too."""
    models = project / "records" / "models.py"
    original = models.read_text()
    models.write_text(original + "\nfrom records import views  # noqa: E402\n")
    try:
        result = _lint(project)
    finally:
        models.write_text(original)
    assert result.returncode != 0
    assert "records.models is not allowed to import records.views" in result.stdout, result.stdout + result.stderr
