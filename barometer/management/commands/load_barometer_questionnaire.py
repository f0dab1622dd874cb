"""`manage.py load_barometer_questionnaire [path] [--organiser …]`: imports a questionnaire file (by default the
shipped municipal-sector barometer, barometer/fixtures/municipal_barometer.json).

Idempotent: loading the same file again changes nothing; a changed file updates the draft version, or makes a new
version when the loaded one is already in use (see services.questionnaires.questionnaire_import).

The organiser (whose editors and administrators are the questionnaire's barometer team) is --organiser: a business
ID, an address name (slug) or a name in any language, exact or a unique part of it. Without it: Kuntaliitto (the
Association of Finnish Municipalities, which runs the municipal barometer) if it is in the registry, else the
Ministry of Finance (its partner in the barometer), else the first ministry by name.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from accounts.models import Operator
from barometer.questionnaires import file as qf
from barometer.questionnaires.services import InvalidQuestionnaireError, questionnaire_import
from organisations.models import Organisation, OrganisationKind

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "municipal_barometer.json"
NAME_FIELDS = ("name_fi", "name_sv", "name_en")


def _names(value: str, lookup: str) -> Q:
    query = Q()
    for name in NAME_FIELDS:
        query |= Q(**{f"{name}__{lookup}": value})
    return query


def find_organiser(value: str | None) -> Organisation:
    if value:
        exact = Organisation.objects.filter(Q(business_id=value) | Q(slug=value) | _names(value, "iexact"))
        found = list(exact[:2]) or list(Organisation.objects.filter(_names(value, "icontains")).order_by("name")[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise CommandError(f"No organisation matches “{value}”: give its business ID, address name or name.")
        raise CommandError(
            f"Several organisations match “{value}” ({', '.join(str(o) for o in found)}, …): be more exact."
        )
    default = (
        Organisation.objects.filter(_names("kuntaliitto", "icontains")).order_by("pk").first()
        or Organisation.objects.filter(kind=OrganisationKind.MINISTRY, name_fi="Valtiovarainministeriö").first()
        or Organisation.objects.filter(kind=OrganisationKind.MINISTRY).order_by("name_fi").first()
    )
    if default is None:
        raise CommandError(
            "Neither Kuntaliitto nor a ministry is in the registry: name the organiser with --organiser."
        )
    return default


class Command(BaseCommand):
    help = "Imports a questionnaire file (default: the municipal-sector innovation barometer). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE), help="The questionnaire file (JSON).")
        parser.add_argument(
            "--organiser",
            help="Business ID, address name or name of the organiser (default: Kuntaliitto, else a ministry).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = qf.loads(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except qf.FileError as error:
            raise CommandError(f"{path}: {error.problem}") from error
        organiser = find_organiser(options.get("organiser"))
        try:
            result = questionnaire_import(actor=Operator(), organiser=organiser, data=data)
        except InvalidQuestionnaireError as error:
            raise CommandError(
                f"{path} has {len(error.problems)} problem(s); nothing was loaded:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        version = result.version
        message = {
            "created": "Created the questionnaire “{q}” (version {n}, organiser {o}).",
            "new_version": "Created version {n} of “{q}” (the earlier version is in use).",
            "updated": "Updated the draft version {n} of “{q}”.",
            "unchanged": "“{q}” version {n} already holds this file: nothing changed.",
        }[result.outcome].format(q=version.questionnaire.code, n=version.number, o=version.questionnaire.organiser)
        self.stdout.write(self.style.SUCCESS(message) if result.outcome != "unchanged" else message)
