"""Helpers for the import tests (no tests here): small CSV, XLSX and SPSS files made in the test, and a plain
questionnaire like the conftest's small_version.

small_version's questions: kind (single, required), introduced (single yes/no/dont_know, required), types
(multiple: service/process/dont_know, routed on introduced=yes), enablers (scale: items technology, competence;
choices large/some/little/not_at_all/dont_know), staff (number 0–100000), comments (text).
"""

import io
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # ships no type information
import polars
import pyreadstat

from barometer.answers import QuestionSpec
from barometer.imports.readers import Questionnaire

HEADER = ["id", "kunta", "kind", "introduced", "types_service", "types_process", "enablers_technology", "staff"]


def csv_bytes(rows: Sequence[Sequence[Any]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    text = "\n".join(delimiter.join("" if cell is None else str(cell) for cell in row) for row in rows) + "\n"
    return text.encode(encoding)


def xlsx_bytes(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sav_bytes(
    columns: dict[str, list[Any]],
    labels: dict[str, dict[float, str]] | None = None,
    *,
    variable_labels: dict[str, str | None] | None = None,
    missing: dict[str, list[Any]] | None = None,
) -> bytes:
    """An SPSS file as analysts have them: value labels, variable labels (the question's text) and user-missing
    values (e.g. 9 = "En osaa sanoa")."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.sav"
        pyreadstat.write_sav(
            polars.DataFrame(columns),
            str(path),
            variable_value_labels=labels or {},
            column_labels=variable_labels,
            missing_ranges=missing,
        )
        return path.read_bytes()


def plain_questionnaire() -> Questionnaire:
    """small_version without the database, with Finnish, Swedish and English labels for `introduced`."""
    yes_no = ("yes", "no", "dont_know")
    questions = [
        QuestionSpec("kind", "single", ("municipality", "joint_authority"), required=True),
        QuestionSpec("introduced", "single", yes_no, required=True),
        QuestionSpec("types", "multiple", ("service", "process", "none"), exclusive=frozenset({"none"})),
        QuestionSpec(
            "enablers",
            "scale",
            ("large", "some", "little", "not_at_all", "dont_know"),
            items=("technology", "competence"),
        ),
        QuestionSpec("staff", "number", min_value=Decimal("0.00"), max_value=Decimal("100000.00")),
        QuestionSpec("comments", "text"),
    ]
    conditions: dict[str, dict[str, Any]] = {spec.code: {} for spec in questions}
    conditions["types"] = {"question": "introduced", "any_of": ["yes"]}
    labels = {
        "introduced": {
            "yes": ("Kyllä", "Ja", "Yes"),
            "no": ("Ei", "Nej", "No"),
            "dont_know": ("En osaa sanoa", "", ""),
        },
        "types": {"service": ("Palvelu", "Tjänst", "Service"), "process": ("Prosessi", "Process", "Process")},
    }
    texts = {
        "kind": ("Organisaation tyyppi", "Organisationens typ", "Type of organisation"),
        "introduced": (
            "Onko organisaationne ottanut käyttöön innovaatioita?",
            "Har er organisation infört innovationer?",
            "Has your organisation introduced innovations?",
        ),
        "types": ("Innovaation tyyppi", "Innovationens typ", "Type of innovation"),
        "enablers": ("Mikä edisti innovaatiota?", "Vad främjade innovationen?", "What enabled the innovation?"),
        "staff": ("Henkilöstön määrä", "Antal anställda", "Number of staff"),
        "comments": ("Kommentit", "Kommentarer", "Comments"),
    }
    items = {"enablers": {"technology": ("Teknologia", "Teknik", "Technology"), "competence": ("Osaaminen", "", "")}}
    return Questionnaire(questions, conditions, labels, texts, items)


# --- with the database ------------------------------------------------------------------------------------------


def upload(actor: Any, round_: Any, data: bytes, name: str = "vastaukset.csv") -> Any:
    """A file uploaded through the service, as the page and the command line do."""
    from barometer.imports import services

    return services.import_upload(actor=actor, round_=round_, file=io.BytesIO(data), file_name=name)


def label_choices(version: Any) -> None:
    """Gives small_version's `introduced` options real labels in Finnish, Swedish and English."""
    labels = {
        "yes": ("Kyllä", "Ja", "Yes"),
        "no": ("Ei", "Nej", "No"),
        "dont_know": ("En osaa sanoa", "Vet inte", "Don't know"),
    }
    for choice in version.questions.get(code="introduced").choices.all():
        choice.label_fi, choice.label_sv, choice.label_en = labels[choice.code]
        choice.save()


def frame_rows(round_: Any, organisations: Sequence[Any], count: int, *, start: int = 0) -> list[list[Any]]:
    """`count` good rows in HEADER's columns, spread over the organisations (by municipality code)."""
    kinds = ("municipality", "joint_authority")
    rows: list[list[Any]] = [HEADER]
    for n in range(start, start + count):
        organisation = organisations[n % len(organisations)]
        introduced = "yes" if n % 3 else "no"
        rows.append(
            [
                f"R{n:05d}",
                organisation.municipality_code,
                kinds[n % 2],
                introduced,
                1 if introduced == "yes" else "",
                n % 2 if introduced == "yes" else "",
                ("large", "some", "little")[n % 3],
                n % 500,
            ]
        )
    return rows
