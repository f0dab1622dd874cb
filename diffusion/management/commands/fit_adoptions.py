"""`manage.py fit_adoptions FILE [--population N | --population-file FILE] [--output fits.csv|fits.json]`:
the Bass model, its flags and the adopter categories for every innovation of an adoption table, so researchers can
run the platform's analysis on their own data.

FILE is a CSV of adoptions: organisation, innovation and date (ISO) or year (`diffusion.maths.adoption_table`
describes the format; other column names by --organisation-column and the like). Without --output a readable table
is printed; --output writes CSV or JSON by its suffix (JSON also holds each curve, its fit and band per year).
--categories writes each organisation's Rogers category per innovation, and its category by the fitted curve's
take-off, peak and slow-down (non-adopters too when --population-file lists the population), --innovativeness each organisation's Walker score. Every problem in a file is named by row
and column; nothing is fitted then.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diffusion.maths.adoption_table import (
    AdoptionEvent,
    AdoptionTableError,
    events_by_innovation,
    read_adoption_csv,
    read_population_csv,
)
from diffusion.maths.bass import METHODS, BassFit, fit_bass_many
from diffusion.maths.categories import (
    CATEGORIES,
    bass_boundaries,
    bass_categories,
    rogers_categories,
    walker_scores,
)

FIT_COLUMNS = [
    "innovation",
    "adopters",
    "first_year",
    "last_year",
    "method",
    "p",
    "se_p",
    "q",
    "se_q",
    "m",
    "se_m",
    "peak_year",
    "past_inflection",
    "take_off_year",
    "slow_down_year",
    "converged",
    "flags",
    *CATEGORIES[:-1],
    "non_adopter",
]


def _number(value: float | None, digits: int = 6) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


class Command(BaseCommand):
    help = (
        "Fits the Bass model to every innovation of an adoption table (CSV) and reports flags and adopter categories."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV of adoptions: organisation, innovation, date or year")
        population = parser.add_mutually_exclusive_group()
        population.add_argument("--population", type=int, help="N, the organisations that could adopt")
        population.add_argument(
            "--population-file", type=Path, help="CSV listing the organisations that could adopt (column organisation)"
        )
        parser.add_argument("--method", choices=METHODS, default="auto", help="estimator (default: hazard MLE)")
        parser.add_argument(
            "--estimate-m", action="store_true", help="estimate the market potential m ≤ N instead of m = N"
        )
        parser.add_argument("--first", type=int, help="first period for every innovation (default: its first year)")
        parser.add_argument("--last", type=int, help="last period observed (default: each innovation's last year)")
        parser.add_argument("--output", type=Path, help="write the fits to this .csv or .json file")
        parser.add_argument("--categories", type=Path, help="write each organisation's category per innovation (CSV)")
        parser.add_argument("--innovativeness", type=Path, help="write each organisation's Walker score (CSV)")
        for field in ("organisation", "innovation", "date", "year", "source"):
            parser.add_argument(f"--{field}-column", help=f"the column holding the {field}")
        parser.add_argument("--language", default="en", choices=["fi", "sv", "en"], help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        output: Path | None = options["output"]
        if output is not None and output.suffix.lower() not in (".csv", ".json"):
            raise CommandError(_("The output file must end in .csv or .json: %(path)s") % {"path": output})
        columns = {
            field: options[f"{field}_column"]
            for field in ("organisation", "innovation", "date", "year", "source")
            if options[f"{field}_column"]
        }
        events = self._read(options["file"], columns)
        population_names = self._population_names(options["population_file"], events)
        population: int | None = options["population"]
        if population is not None and population < 1:
            raise CommandError(_("The population must be at least 1."))
        if population_names is not None:
            population = len(population_names)
        started = time.perf_counter()
        rows, fits, categories = self._fit_all(events, population, population_names, options)
        elapsed = time.perf_counter() - started
        if output is None:
            self._print_table(rows)
        elif output.suffix.lower() == ".csv":
            self._write(output, self._csv(FIT_COLUMNS, rows))
        else:
            self._write(output, self._json(rows, fits))
        if options["categories"] is not None:
            self._write(
                options["categories"],
                self._csv(["innovation", "organisation", "year", "category", "bass_category"], categories),
            )
        if options["innovativeness"] is not None:
            self._write(options["innovativeness"], self._csv(*self._innovativeness(events, population_names)))
        flags = Counter(flag for row in rows for flag in str(row["flags"]).split() if flag)
        summary = ", ".join(f"{flag} {count}" for flag, count in sorted(flags.items())) or "-"
        self.stderr.write(
            ngettext(
                "%(count)d innovation fitted in %(seconds).2f s; flags: %(flags)s",
                "%(count)d innovations fitted in %(seconds).2f s; flags: %(flags)s",
                len(rows),
            )
            % {"count": len(rows), "seconds": elapsed, "flags": summary},
            style_func=str,  # a summary, not an error: not in red
        )

    def _read(self, path: Path, columns: dict[str, str]) -> list[AdoptionEvent]:
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        try:
            return read_adoption_csv(path, columns=columns)
        except AdoptionTableError as error:
            raise CommandError(self._problems(path, error)) from error

    def _problems(self, path: Path, error: AdoptionTableError) -> str:
        lines = [_("%(path)s cannot be used:") % {"path": path}]
        lines.extend(f"  {problem}" for problem in error.problems)
        return "\n".join(lines)

    def _population_names(self, path: Path | None, events: Sequence[AdoptionEvent]) -> list[str] | None:
        if path is None:
            return None
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        try:
            names = read_population_csv(path)
        except AdoptionTableError as error:
            raise CommandError(self._problems(path, error)) from error
        known = set(names)
        outside = sorted({event.organisation for event in events} - known)
        if outside:
            raise CommandError(
                ngettext(
                    "%(count)d adopter is not in the population file: %(names)s",
                    "%(count)d adopters are not in the population file, e.g. %(names)s",
                    len(outside),
                )
                % {"count": len(outside), "names": ", ".join(outside[:5])}
            )
        return names

    def _fit_all(
        self,
        events: Sequence[AdoptionEvent],
        population: int | None,
        population_names: list[str] | None,
        options: dict[str, Any],
    ) -> tuple[list[dict[str, Any]], dict[str, BassFit | None], list[dict[str, Any]]]:
        rows: list[dict[str, Any]] = []
        fits: dict[str, BassFit | None] = {}
        category_rows: list[dict[str, Any]] = []
        groups = events_by_innovation(events)
        for innovation, group in groups.items():
            if population is not None and len(group) > population:
                raise CommandError(
                    _("%(innovation)s has more adopters (%(count)d) than the population (%(population)d).")
                    % {"innovation": innovation, "count": len(group), "population": population}
                )
        try:
            # All at once: the NLS runs batched over every innovation (see bass.fit_bass_many).
            all_fits = fit_bass_many(
                [[event.year for event in group] for group in groups.values()],
                population=population,
                method=options["method"],
                estimate_m=True if options["estimate_m"] else None,
                first=options["first"],
                last=options["last"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for (innovation, group), fit in zip(groups.items(), all_fits, strict=True):
            years = [event.year for event in group]
            fits[innovation] = fit
            times: dict[str, float | None] = {event.organisation: float(event.year) for event in group}
            if population_names is not None:
                for name in population_names:
                    times.setdefault(name, None)
            categories = rogers_categories(times)
            by_bass = bass_categories(times, fit) if fit is not None else {}
            counts = Counter(categories.values())
            row: dict[str, Any] = {
                "innovation": innovation,
                "adopters": len(years),
                "first_year": min(years),
                "last_year": max(years),
                "method": options["method"] if fit is None else fit.method,
                "flags": "no_convergence" if fit is None else " ".join(fit.flags),
                **{code: counts.get(code, 0) for code in CATEGORIES},
            }
            if population_names is None:
                row["non_adopter"] = None if population is None else population - len(years)
            if fit is not None:
                boundaries = bass_boundaries(fit)
                row.update(
                    p=_number(fit.p),
                    se_p=_number(fit.se_p),
                    q=_number(fit.q),
                    se_q=_number(fit.se_q),
                    m=_number(fit.m, 3),
                    se_m=_number(fit.se_m, 3),
                    peak_year=_number(fit.peak_year, 2),
                    past_inflection=fit.past_inflection,
                    take_off_year=_number(boundaries.get("take_off"), 2),
                    slow_down_year=_number(boundaries.get("slow_down"), 2),
                    converged=fit.converged,
                )
            rows.append(row)
            category_rows.extend(
                {
                    "innovation": innovation,
                    "organisation": organisation,
                    "year": None if times[organisation] is None else int(times[organisation] or 0),
                    "category": category,
                    "bass_category": by_bass.get(organisation),
                }
                for organisation, category in sorted(categories.items())
            )
        return rows, fits, category_rows

    def _innovativeness(
        self, events: Sequence[AdoptionEvent], population_names: list[str] | None
    ) -> tuple[list[str], list[dict[str, Any]]]:
        names = population_names or sorted({event.organisation for event in events})
        scores = walker_scores(events, names)
        adopted = Counter(event.organisation for event in {(e.organisation, e.innovation): e for e in events}.values())
        rows = [
            {
                "organisation": name,
                "walker_score": _number(scores.get(name)),
                "innovations_adopted": adopted.get(name, 0),
            }
            for name in sorted(names, key=lambda name: (-(scores.get(name) or -1.0), name))
        ]
        return ["organisation", "walker_score", "innovations_adopted"], rows

    @staticmethod
    def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if row.get(key) is None else row[key] for key in columns})
        return buffer.getvalue()

    @staticmethod
    def _json(rows: list[dict[str, Any]], fits: dict[str, BassFit | None]) -> str:
        documents = []
        for row in rows:
            fit = fits[row["innovation"]]
            document = {key: row.get(key) for key in FIT_COLUMNS}
            document["flags"] = [flag for flag in str(row["flags"]).split() if flag]
            if fit is not None:
                document["curve"] = {
                    "periods": list(fit.periods),
                    "observed": list(fit.observed),
                    "fitted": [round(value, 6) for value in fit.fitted],
                    "cumulative_low": [round(value, 6) for value in fit.cumulative_low],
                    "cumulative_high": [round(value, 6) for value in fit.cumulative_high],
                }
            documents.append(document)
        return json.dumps(documents, ensure_ascii=False, indent=1) + "\n"

    def _write(self, path: Path, text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
            ) from error

    def _print_table(self, rows: list[dict[str, Any]]) -> None:
        header = f"{'innovation':<32} {'n':>4} {'years':<9} {'p':>8} {'q':>8} {'m':>8} {'peak':>7}  flags"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))

        def cell(value: Any, width: int, digits: int) -> str:
            return f"{value:>{width}.{digits}f}" if isinstance(value, float) else f"{'–':>{width}}"

        for row in rows:
            name = str(row["innovation"])
            name = name if len(name) <= 32 else name[:31] + "…"
            years = f"{row['first_year']}–{str(row['last_year'])[-2:]}"
            self.stdout.write(
                f"{name:<32} {row['adopters']:>4} {years:<9} {cell(row.get('p'), 8, 4)} {cell(row.get('q'), 8, 4)}"
                f" {cell(row.get('m'), 8, 1)} {cell(row.get('peak_year'), 7, 1)}  {row['flags']}"
            )
