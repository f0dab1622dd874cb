"""`manage.py fetch_business_ids`: fills the missing business IDs of reference_data/public_organisations.csv from
YTJ (organisations/ytj.py). Prints what it found; `--write` saves the file, then `load_reference_data` loads it."""

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.reference_data import REFERENCE_DIR
from organisations.ytj import YTJ_API, look_up


class Command(BaseCommand):
    help = (
        "Looks up the missing business IDs of the public organisations in YTJ by their Finnish name. An ID is "
        "taken only when exactly one organisation has that current name and the ID passes its check digit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=REFERENCE_DIR, help="Folder of the reference CSV files.")
        parser.add_argument("--url", default=YTJ_API, help="The YTJ open data API's address (v3).")
        parser.add_argument("--write", action="store_true", help="Save the IDs found into the CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["data_dir"] / "public_organisations.csv"
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                fields, rows = list(reader.fieldnames or []), list(reader)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if "business_id" not in fields or "name_fi" not in fields:
            raise CommandError(f"{path} has no business_id and name_fi columns.")
        held = {row["business_id"] for row in rows if row["business_id"]}
        missing = [row for row in rows if not row["business_id"]]
        found = 0
        for row, lookup in zip(
            missing, look_up([row["name_fi"] for row in missing], base_url=options["url"]), strict=True
        ):
            if lookup.business_id and lookup.business_id in held:
                self.stdout.write(f"  {row['name_fi']}: {lookup.business_id} is already another row's ID, left empty")
                continue
            if lookup.business_id:
                row["business_id"] = lookup.business_id
                held.add(lookup.business_id)
                found += 1
            self.stdout.write(f"  {row['name_fi']}: {lookup.business_id or lookup.why}")
        self.stdout.write(
            f"{found} of {len(missing)} missing business IDs found; {len(rows) - len(missing)} were known."
        )
        if options["write"] and found:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            path.write_text(buffer.getvalue(), encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Saved {path}. Load it with: manage.py load_reference_data"))
