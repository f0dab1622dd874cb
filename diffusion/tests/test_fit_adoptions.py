"""The fit_adoptions command: all 728 SPID policies, the known hard cases flagged, categories written, clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

SPID = Path(settings.BASE_DIR) / "reference_data" / "spid"


def metadata_code(description: str) -> str:
    """A policy's code in SPID's metadata, found by the words of its description."""
    with (SPID / "spid_v1_metadata.csv").open(encoding="utf-8") as source:
        matches = [row["policy"] for row in csv.DictReader(source) if description in row["description"]]
    assert len(matches) == 1, matches
    return matches[0]


@pytest.fixture(scope="module")
def spid_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spid")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "fit_adoptions",
        str(SPID / "spid_v1_policies.csv"),
        "--population",
        "50",
        "--output",
        str(folder / "fits.json"),
        "--categories",
        str(folder / "categories.csv"),
        "--innovativeness",
        str(folder / "innovativeness.csv"),
        stdout=out,
        stderr=err,
    )
    fits = {row["innovation"]: row for row in json.loads((folder / "fits.json").read_text(encoding="utf-8"))}
    with (folder / "categories.csv").open(encoding="utf-8") as source:
        categories = list(csv.DictReader(source))
    with (folder / "innovativeness.csv").open(encoding="utf-8") as source:
        innovativeness = list(csv.DictReader(source))
    return fits, categories, innovativeness, err.getvalue()


def test_fits_every_spid_policy(spid_run):
    fits, _, _, summary = spid_run
    assert len(fits) == 728
    assert "728 innovations fitted" in summary
    for row in fits.values():
        assert row["method"] == "hazard_mle"
        assert row["p"] > 0
        assert row["q"] >= 0
        assert row["m"] == 50
        assert len(row["curve"]["fitted"]) == len(row["curve"]["periods"])


def test_amber_alert_is_a_burst(spid_run):
    fits = spid_run[0]
    amber = fits[metadata_code("Abduction Of A Minor")]
    assert amber["adopters"] == 48
    assert "burst" in amber["flags"]
    assert "two_waves" not in amber["flags"]


def test_medical_marijuana_came_in_two_waves(spid_run):
    fits = spid_run[0]
    medical = fits[metadata_code("Symbolic Medical Marijuana Policy")]
    assert "two_waves" in medical["flags"]
    assert "burst" not in medical["flags"]


def test_adopter_categories_are_reported(spid_run):
    fits, categories, innovativeness, _ = spid_run
    amber = metadata_code("Abduction Of A Minor")
    rows = [row for row in categories if row["innovation"] == amber]
    assert len(rows) == 48
    counts = {code: sum(row["category"] == code for row in rows) for code in {row["category"] for row in rows}}
    assert counts == {
        code: fits[amber][code]
        for code in ("innovator", "early_adopter", "early_majority", "late_majority", "laggard")
        if fits[amber][code]
    }
    assert fits[amber]["non_adopter"] == 2
    # Boehmke & Skinner's most innovative states lead Walker's score here too.
    assert {row["organisation"] for row in innovativeness[:3]} <= {
        "California",
        "New York",
        "Massachusetts",
        "Connecticut",
    }


def test_prints_a_table_and_writes_csv(tmp_path):
    table = tmp_path / "adoptions.csv"
    table.write_text(
        "organisation;innovation;date\n"
        + "".join(f"org{i};kotihoito;{2010 + i // 4}-05-01\n" for i in range(30))
        + "".join(f"org{i};chat;{2015 + i}-01-01\n" for i in range(3)),
        encoding="utf-8",
    )
    population = tmp_path / "population.csv"
    population.write_text("organisation\n" + "".join(f"org{i}\n" for i in range(40)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("fit_adoptions", str(table), "--population-file", str(population), stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:2] == ["innovation", "n"]
    assert lines[2].startswith("chat")
    assert "too_few" in lines[2]
    assert lines[3].startswith("kotihoito")
    fits_csv, categories = tmp_path / "fits.csv", tmp_path / "categories.csv"
    call_command(
        "fit_adoptions",
        str(table),
        "--population-file",
        str(population),
        "--method",
        "nls",
        "--output",
        str(fits_csv),
        "--categories",
        str(categories),
        stdout=out,
        stderr=err,
    )
    with fits_csv.open(encoding="utf-8") as source:
        rows = {row["innovation"]: row for row in csv.DictReader(source)}
    assert rows["kotihoito"]["method"] == "nls"
    assert float(rows["kotihoito"]["m"]) <= 40
    assert rows["kotihoito"]["non_adopter"] == "10"
    with categories.open(encoding="utf-8") as source:
        written = list(csv.DictReader(source))
    assert sum(row["innovation"] == "kotihoito" for row in written) == 40  # non-adopters listed, kept apart
    assert {row["category"] for row in written if row["year"] == ""} == {"non_adopter"}
    assert {row["bass_category"] for row in written if row["year"] == ""} == {"non_adopter"}
    assert {row["bass_category"] for row in written if row["year"]} <= {
        "early_adopter",
        "early_majority",
        "late_majority",
        "laggard",
    }


def test_errors_name_the_row_and_column(tmp_path):
    table = tmp_path / "bad.csv"
    table.write_text("organisation,innovation,year\nA,x,2020\nB,x,twenty\nC,,2021\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("fit_adoptions", str(table), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(caught.value)
    assert "row 3, column 'year': 'twenty' is not a year" in message
    assert "row 4, column 'innovation': the innovation is empty" in message


def test_other_errors_are_clear(tmp_path):
    table = tmp_path / "ok.csv"
    table.write_text("organisation,innovation,year\nA,x,2020\nB,x,2021\nC,x,2021\n", encoding="utf-8")
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    with pytest.raises(CommandError, match="There is no file"):
        call_command("fit_adoptions", str(tmp_path / "missing.csv"), **quiet)
    with pytest.raises(CommandError, match=r"must end in \.csv or \.json"):
        call_command("fit_adoptions", str(table), "--output", str(tmp_path / "fits.xlsx"), **quiet)
    with pytest.raises(CommandError, match=r"more adopters \(3\) than the population \(2\)"):
        call_command("fit_adoptions", str(table), "--population", "2", **quiet)
    population = tmp_path / "population.csv"
    population.write_text("organisation\nA\nB\n", encoding="utf-8")
    with pytest.raises(CommandError, match="adopter is not in the population file: C"):
        call_command("fit_adoptions", str(table), "--population-file", str(population), **quiet)
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="the file is empty"):
        call_command("fit_adoptions", str(tmp_path / "empty.csv"), **quiet)
