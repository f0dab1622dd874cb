"""`manage.py import_barometer_responses <round slug> <file> [--mapping mapping.json] [--dry-run] [--sheet NAME]`:
the import of the pages for scripts. CSV, XLSX or SPSS .sav, one row per respondent.

Without --mapping the columns are mapped as the upload page proposes: the round's last checked mapping for the
columns it knows, then from their names (question codes, `code_choice`, `code_item`, and the usual names of an
identifier and an organisation column) or an SPSS file's variable labels; the import page offers its mapping as
a JSON file to use here. --dry-run checks every row and saves nothing (and stores no file), and lists the columns
it leaves out. Every problem is printed with its rows, column and value; the exit status is 1 when there are
problems, and then nothing is saved. Importing the same file again updates the responses it imported before.

Acts with every permission unless --user names a person, whose rights are then checked and who is recorded in
the change log.
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Actor, Operator, User
from barometer.imports import services
from barometer.models import Round
from barometer.vocabulary import ImportStatus


class Command(BaseCommand):
    help = "Imports responses made with another survey tool (CSV, XLSX or SPSS .sav) into a barometer round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="the round's short name in addresses (slug)")
        parser.add_argument("file", type=Path, help="a CSV, XLSX or SPSS .sav file, one row per respondent")
        parser.add_argument("--mapping", type=Path, help="the column mapping as JSON (default: from the column names)")
        parser.add_argument("--dry-run", action="store_true", help="check every row, list the problems, save nothing")
        parser.add_argument("--sheet", help="the sheet of an XLSX workbook (default: the first)")
        parser.add_argument("--user", help="act as this user (username), with their permissions")
        parser.add_argument("--language", default="en", choices=["fi", "sv", "en"], help="language of the messages")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        round_ = Round.objects.filter(slug=options["round"]).select_related("questionnaire_version").first()
        if round_ is None:
            raise CommandError(_("There is no round “%(slug)s”.") % {"slug": options["round"]})
        actor = self._actor(options["user"])
        mapping = self._mapping(options["mapping"], options["sheet"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        try:
            with path.open("rb") as source:
                if options["dry_run"]:
                    self._dry_run(actor, round_, source, path.name, mapping, options["sheet"])
                else:
                    self._import(actor, round_, source, path.name, mapping, options["sheet"])
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("\n".join(self._messages(error))) from None

    def _actor(self, username: str | None) -> User | Operator:
        if not username:
            return Operator()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": username})
        return user

    def _mapping(self, path: Path | None, sheet: str | None) -> dict[str, Any] | None:
        if path is None:
            return None
        try:
            mapping = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(_("The mapping file cannot be read: %(error)s") % {"error": error}) from None
        if not isinstance(mapping, dict):
            raise CommandError(services.message("not_an_object"))
        if sheet:
            mapping["sheet"] = sheet
        return mapping

    @staticmethod
    def _messages(error: ValidationError) -> list[str]:
        if hasattr(error, "error_dict"):
            return [
                f"{key}: {text}" if key not in ("__all__", "file") else text
                for key, texts in error.message_dict.items()
                for text in texts
            ]
        return list(error.messages)

    def _dry_run(self, actor: Actor, round_: Round, source: Any, name: str, mapping: Any, sheet: str | None) -> None:
        evaluation, problems = services.import_check_file(
            actor=actor, round_=round_, file=source, file_name=name, mapping=mapping, sheet=sheet
        )
        if evaluation is not None and evaluation.ignored:
            # Said every time: a column left out by a misspelt name would otherwise lose its answers unseen.
            self.stdout.write(_("Columns not imported: %(columns)s") % {"columns": ", ".join(evaluation.ignored)})
        self._report(problems)
        if evaluation is not None and not problems:
            self.stdout.write(
                _(
                    "Dry run: %(rows)s rows, no problems. The import would create %(created)s responses and update %(updated)s."
                )
                % {
                    "rows": evaluation.conversion.rows_read,
                    "created": evaluation.creates,
                    "updated": evaluation.updates,
                }
            )

    def _import(self, actor: Actor, round_: Round, source: Any, name: str, mapping: Any, sheet: str | None) -> None:
        response_import = services.import_upload(actor=actor, round_=round_, file=source, file_name=name)
        if mapping is not None:
            response_import = services.import_set_mapping(actor=actor, response_import=response_import, mapping=mapping)
        elif sheet and sheet != response_import.mapping.get("sheet"):
            response_import = services.import_set_mapping(
                actor=actor, response_import=response_import, mapping={"sheet": sheet}
            )
        response_import = services.import_start(
            actor=actor, response_import=response_import, dry_run=False, background=False, checked=False
        )
        if response_import.status != ImportStatus.DONE:
            self._report(response_import.problems or [])
            return
        self.stdout.write(
            _("Imported %(rows)s rows: %(created)s responses created, %(updated)s updated.")
            % {
                "rows": response_import.rows_total,
                "created": response_import.created,
                "updated": response_import.updated,
            }
        )

    def _report(self, problems: list[dict[str, Any]]) -> None:
        """Prints every problem; any problem ends the command with exit status 1."""
        if not problems:
            return
        for problem in problems:
            rows = ", ".join(str(row) for row in problem.get("rows") or [])
            more = int(problem.get("count", 1)) - len(problem.get("rows") or [])
            if rows and more > 0:
                rows = _("%(rows)s and %(more)s more") % {"rows": rows, "more": more}
            text = services.message(problem["code"], {"column": problem.get("column"), **problem.get("params", {})})
            where = [
                _("rows %(rows)s") % {"rows": rows} if rows else "",
                _("column “%(column)s”") % {"column": problem["column"]} if problem.get("column") else "",
                _("value “%(value)s”") % {"value": problem["value"]} if problem.get("value") else "",
            ]
            place = ", ".join(part for part in where if part)
            self.stderr.write(f"{place}: {text}" if place else text)
        total = sum(int(problem.get("count", 1)) for problem in problems)
        raise CommandError(
            ngettext("%(count)s problem: nothing was saved.", "%(count)s problems: nothing was saved.", total)
            % {"count": total},
            returncode=1,
        )
