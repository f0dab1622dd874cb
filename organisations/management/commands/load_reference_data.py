"""`manage.py load_reference_data`: Finland's regions, wellbeing services counties and municipalities."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from organisations.reference_data import REFERENCE_DIR, load_reference_data


class Command(BaseCommand):
    help = (
        "Creates or updates the 19 regions, 21 wellbeing services counties, 309 municipalities and the other public "
        "organisations: counties, regional councils, ministries, state agencies (idempotent). Missing business IDs: fetch_business_ids."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=REFERENCE_DIR, help="Folder holding the reference CSV files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_reference_data(options["data_dir"])
        self.stdout.write(f"Regions: {result.regions}")
        self.stdout.write(f"Wellbeing services counties: {result.wellbeing_counties}")
        self.stdout.write(f"Municipalities: {result.municipalities}")
        self.stdout.write(f"Other public organisations: {result.public_organisations}")
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
