"""Loads Finland's 19 regions, 21 wellbeing services counties and 309 municipalities from reference_data/*.csv,
and the public sector's other organisations: the 21 wellbeing services counties as organisations, the 18 regional
councils, the 12 ministries and the main state agencies (public_organisations.csv, with business IDs where known).

The load is idempotent: each row is matched by its official code (municipalities by municipality_code) and
created or updated; a second run changes nothing. It runs in one transaction and in a handful of queries
(bulk inserts and updates), so tests can afford to run it once per session.

Deliberately left alone on an update: a municipality's slug (its URLs stay stable), anything the CSVs do not
hold (descriptions, websites, English county names), and municipalities that have left the list (merged ones).
"""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from core import events
from organisations.models import Organisation, OrganisationKind, Region, WellbeingCounty

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class LoadResult:
    regions: Counts = field(default_factory=Counts)
    wellbeing_counties: Counts = field(default_factory=Counts)
    municipalities: Counts = field(default_factory=Counts)
    public_organisations: Counts = field(default_factory=Counts)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _apply(obj: models.Model, values: Mapping[str, Any]) -> bool:
    """Sets the values on obj and tells whether any of them differed.

    Related objects are compared by primary key, so no query runs; they are still assigned as objects so that
    their cache is filled (Organisation.clean() reads wellbeing_county.region_id).
    """
    changed = False
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if model_field.is_relation:
            current = getattr(obj, model_field.attname)  # type: ignore[union-attr]
            new = None if value is None else value.pk
        else:
            current, new = getattr(obj, name), value
        changed = changed or current != new
        setattr(obj, name, value)
    return changed


def _save(model: type[models.Model], new: list[Any], changed: list[Any], update_fields: Iterable[str]) -> None:
    # rewrite(False): modeltranslation's queryset would otherwise turn the base column "name" into "name_<lang>"
    # in the UPDATE that bulk_update issues, leaving the base column stale.
    manager = model._default_manager.rewrite(False)  # type: ignore[attr-defined]
    if new:
        manager.bulk_create(new, batch_size=500)
    if changed:
        manager.bulk_update(changed, list(update_fields), batch_size=500)


def _load_regions(data_dir: Path, counts: Counts) -> dict[str, Region]:
    existing = {region.code: region for region in Region.objects.all()}
    new, changed = [], []
    for row in _read_csv(data_dir / "regions.csv"):
        values = {"name_fi": row["name_fi"], "name_sv": row["name_sv"], "name_en": row["name_en"] or None}
        region = existing.get(row["code"])
        if region is None:
            region = Region(code=row["code"])
            _apply(region, values)
            new.append(region)
        elif _apply(region, values):
            changed.append(region)
        else:
            counts.unchanged += 1
    _save(Region, new, changed, ["name", "name_fi", "name_sv", "name_en"])
    counts.created, counts.updated = len(new), len(changed)
    return {region.code: region for region in Region.objects.all()}


def _load_wellbeing_counties(
    data_dir: Path, regions: Mapping[str, Region], counts: Counts
) -> dict[str, WellbeingCounty]:
    existing = {county.code: county for county in WellbeingCounty.objects.all()}
    new, changed = [], []
    for row in _read_csv(data_dir / "wellbeing_counties.csv"):
        # No English names in the source: name_en and short_name_en stay empty and fall back to Finnish.
        values = {
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"],
            "short_name_fi": row["short_name_fi"],
            "short_name_sv": row["short_name_sv"],
            "region": regions[row["region_code"]],
            "population": int(row["population_2020"]) if row["population_2020"] else None,
        }
        county = existing.get(row["code"])
        if county is None:
            county = WellbeingCounty(code=row["code"])
            _apply(county, values)
            new.append(county)
        elif _apply(county, values):
            changed.append(county)
        else:
            counts.unchanged += 1
    fields = ["name", "name_fi", "name_sv", "short_name", "short_name_fi", "short_name_sv", "region", "population"]
    _save(WellbeingCounty, new, changed, fields)
    counts.created, counts.updated = len(new), len(changed)
    return {county.code: county for county in WellbeingCounty.objects.all()}


def _unique_slug(name: str, code: str, taken: set[str]) -> str:
    """slugify() folds ä→a, ö→o, å→a; a clash (with any organisation) gets the municipality code appended."""
    base = slugify(name) or f"municipality-{code}"
    candidates = [base, f"{base}-{code}"] + [f"{base}-{code}-{n}" for n in range(2, 100)]
    slug = next(candidate for candidate in candidates if candidate not in taken)
    taken.add(slug)
    return slug


def _load_municipalities(
    data_dir: Path,
    regions: Mapping[str, Region],
    counties: Mapping[str, WellbeingCounty],
    counts: Counts,
) -> None:
    existing = {org.municipality_code: org for org in Organisation.objects.filter(municipality_code__isnull=False)}
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    now = timezone.now()
    new, changed = [], []
    for row in _read_csv(data_dir / "municipalities.csv"):
        code = row["code"]
        values = {
            "kind": OrganisationKind.MUNICIPALITY.value,
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"] or row["name_fi"],
            # No English names for municipalities: English uses the Finnish name.
            "name_en": row["name_fi"],
            "region": regions[row["region_code"]],
            # Helsinki and the Åland municipalities belong to no wellbeing services county.
            "wellbeing_county": counties[row["wellbeing_county_code"]] if row["wellbeing_county_code"] else None,
            "population": int(row["population_2020"]) if row["population_2020"] else None,
        }
        org = existing.get(code)
        is_new = org is None
        if org is None:
            org = Organisation(municipality_code=code, slug=_unique_slug(row["name_fi"], code, taken_slugs))
        differs = _apply(org, values)
        old_size_class = org.size_class
        # Field validation and the model's own clean() (which also derives size_class from the population).
        # Foreign keys and uniqueness are skipped: they would cost queries per row, and the rows come from
        # objects loaded above and from codes that are unique in the source.
        org.full_clean(exclude=["region", "wellbeing_county"], validate_unique=False, validate_constraints=False)
        if is_new:
            new.append(org)
        elif differs or org.size_class != old_size_class:
            org.version += 1  # optimistic locking: an edit started before this load must notice it
            org.updated_at = now
            changed.append(org)
        else:
            counts.unchanged += 1
    fields = ["kind", "name", "name_fi", "name_sv", "name_en", "region", "wellbeing_county", "population"]
    _save(Organisation, new, changed, [*fields, "size_class", "version", "updated_at"])
    if changed:  # a municipality that moved to another region: the region facet of its innovations
        _announce(changed)
    counts.created, counts.updated = len(new), len(changed)


def _public_rows(data_dir: Path, counties: Mapping[str, WellbeingCounty]) -> list[dict[str, Any]]:
    """Each wellbeing services county as an organisation, then the rows of public_organisations.csv."""
    rows: list[dict[str, Any]] = [
        {
            "reference_code": f"wellbeing_county:{code}",
            "kind": OrganisationKind.WELLBEING_COUNTY.value,
            "name_fi": county.name_fi,
            "name_sv": county.name_sv or county.name_fi,
            "name_en": county.name_fi,  # no English names in the source: English uses the Finnish one
            "business_id": "",
            "region_code": None,
            "region": county.region,
            "wellbeing_county": county,
            "population": county.population,
            "website": "",
        }
        for code, county in sorted(counties.items())
    ]
    path = data_dir / "public_organisations.csv"
    if path.exists():
        rows += [dict(row, region=None, wellbeing_county=None, population=None) for row in _read_csv(path)]
    return rows


def _load_public_organisations(
    data_dir: Path, regions: Mapping[str, Region], counties: Mapping[str, WellbeingCounty], counts: Counts
) -> None:
    """Creates or updates each public organisation, found by its reference code. An organisation someone made by
    hand before (same business ID, or same kind and Finnish name, and not demo data) is taken over rather than
    doubled. A business ID is never cleared (an administrator may have filled in one the file lacks), nor given
    when another organisation already has it."""
    rows = _public_rows(data_dir, counties)
    by_code = {org.reference_code: org for org in Organisation.objects.filter(reference_code__isnull=False)}
    unclaimed = list(Organisation.objects.filter(reference_code__isnull=True, is_synthetic=False))
    by_business_id = {org.business_id: org for org in unclaimed if org.business_id}
    by_name = {(org.kind, org.name_fi): org for org in unclaimed}
    held_ids = dict(Organisation.objects.exclude(business_id=None).values_list("business_id", "pk"))
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    now = timezone.now()
    new, changed = [], []
    for row in rows:
        code = row["reference_code"]
        org = (
            by_code.get(code)
            or by_business_id.get(row["business_id"] or "-")
            or by_name.get((row["kind"], row["name_fi"]))
        )
        values: dict[str, Any] = {
            "reference_code": code,
            "kind": row["kind"],
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"] or row["name_fi"],
            "name_en": row["name_en"] or row["name_fi"],
            "region": row["region"] or (regions[row["region_code"]] if row.get("region_code") else None),
            "wellbeing_county": row["wellbeing_county"],
        }
        if row["population"] is not None:
            values["population"] = row["population"]
        if row["website"]:
            values["website"] = row["website"]
        business_id = row["business_id"]
        if business_id and held_ids.get(business_id) in (None, getattr(org, "pk", None)):
            values["business_id"] = business_id
        is_new = org is None
        if org is None:
            org = Organisation(slug=_unique_slug(row["name_fi"], code.split(":")[-1].lower(), taken_slugs))
        differs = _apply(org, values)
        old_size_class = org.size_class
        org.full_clean(exclude=["region", "wellbeing_county"], validate_unique=False, validate_constraints=False)
        if is_new:
            new.append(org)
        elif differs or org.size_class != old_size_class:
            org.version += 1
            org.updated_at = now
            changed.append(org)
        else:
            counts.unchanged += 1
    fields = [
        "reference_code",
        "kind",
        "name",
        "name_fi",
        "name_sv",
        "name_en",
        "region",
        "wellbeing_county",
        "population",
        "website",
        "business_id",
        "size_class",
        "version",
        "updated_at",
    ]
    _save(Organisation, new, changed, fields)
    if changed:  # a renamed or re-classified owner: the catalogue's facets
        _announce(changed)
    counts.created, counts.updated = len(new), len(changed)


def load_reference_data(data_dir: Path = REFERENCE_DIR, *, public_organisations: bool = True) -> LoadResult:
    """Creates or updates all reference data in one transaction and returns what it did.

    `public_organisations=False` leaves out the organisations other than municipalities (the test session does, so
    that the older tests' fixed counts of organisations and demo frames hold; their own tests load them)."""
    result = LoadResult()
    # The base (untranslated) column of a translated field takes the active language's value: make it Finnish.
    with transaction.atomic(), translation.override("fi"):
        regions = _load_regions(data_dir, result.regions)
        counties = _load_wellbeing_counties(data_dir, regions, result.wellbeing_counties)
        _load_municipalities(data_dir, regions, counties, result.municipalities)
        if public_organisations:
            _load_public_organisations(data_dir, regions, counties, result.public_organisations)
    return result


def _announce(changed: Iterable[Organisation]) -> None:
    """A load announces its changes as regions and size classes: the catalogue entries of the organisations'
    innovations are renewed, and the registry-wide diffusion figures marked stale for cron to recompute after the
    load (schedule=False). A bulk load leaves search documents and the families' populations (kinds) as they are."""
    events.announce_organisations_changed(
        organisation_ids=[org.pk for org in changed], fields={"region", "size_class"}, schedule=False
    )
