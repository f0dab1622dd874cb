"""The reference data that conftest.py loads once per session, and the loader itself."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from organisations.models import Organisation, OrganisationKind, Region, SizeClass, WellbeingCounty
from organisations.reference_data import REFERENCE_DIR, load_reference_data

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count()
    return Region.objects.count(), WellbeingCounty.objects.count(), municipalities


def test_all_reference_rows_exist():
    assert _counts() == (19, 21, 309)


def test_helsinki_is_in_uusimaa_without_a_wellbeing_county():
    helsinki = Organisation.objects.get(municipality_code="091")
    assert helsinki.kind == OrganisationKind.MUNICIPALITY
    assert helsinki.slug == "helsinki"
    assert (helsinki.name_fi, helsinki.name_sv, helsinki.name_en) == ("Helsinki", "Helsingfors", "Helsinki")
    assert helsinki.region.code == "01"
    assert helsinki.wellbeing_county is None
    assert helsinki.population == 656920
    assert helsinki.size_class == SizeClass.K100


def test_aland_municipalities_have_no_wellbeing_county():
    aland = Organisation.objects.filter(region__code="21")
    assert aland.count() == 16
    assert not aland.filter(wellbeing_county__isnull=False).exists()


def test_every_other_municipality_is_in_a_county_of_its_own_region():
    others = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exclude(region__code="21")
    others = others.exclude(municipality_code="091").select_related("wellbeing_county")
    assert others.count() == 309 - 16 - 1
    for municipality in others:
        assert municipality.wellbeing_county is not None
        assert municipality.wellbeing_county.region_id == municipality.region_id


@pytest.mark.parametrize(
    ("code", "population", "size_class"),
    [
        ("035", 449, SizeClass.LT5K),  # Brändö
        ("005", 9419, SizeClass.K5_10),  # Alajärvi
        ("010", 11332, SizeClass.K10_20),  # Alavus
        ("423", 20146, SizeClass.K20_50),  # Lieto
        ("638", 50619, SizeClass.K50_100),  # Porvoo
        ("091", 656920, SizeClass.K100),  # Helsinki
    ],
)
def test_size_classes(code, population, size_class):
    municipality = Organisation.objects.get(municipality_code=code)
    assert municipality.population == population
    assert municipality.size_class == size_class


def test_slugs_fold_finnish_letters():
    assert Organisation.objects.get(municipality_code="005").slug == "alajarvi"
    assert Organisation.objects.get(municipality_code="035").slug == "brando"


def test_translations_and_fallbacks():
    uusimaa = Region.objects.get(code="01")
    assert (uusimaa.name_fi, uusimaa.name_sv, uusimaa.name_en) == ("Uusimaa", "Nyland", "Uusimaa")
    county = WellbeingCounty.objects.get(code="EK")
    assert county.short_name_fi == "Etelä-Karjala"
    assert county.short_name_sv == "Södra Karelen"
    assert county.region.code == "09"


def test_loading_twice_changes_nothing():
    before = _counts()
    result = load_reference_data()
    assert _counts() == before
    assert (result.municipalities.created, result.municipalities.updated) == (0, 0)
    assert result.municipalities.unchanged == 309
    assert (result.regions.unchanged, result.wellbeing_counties.unchanged) == (19, 21)


def test_a_changed_population_updates_the_row_and_its_size_class(tmp_path: Path):
    for name in ("regions.csv", "wellbeing_counties.csv", "municipalities.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    csv_path = tmp_path / "municipalities.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace("035,Brändö,Brändö,21,,449", "035,Brändö,Brändö,21,,5449"),
        encoding="utf-8",
    )
    version = Organisation.objects.get(municipality_code="035").version

    result = load_reference_data(tmp_path)

    assert (result.municipalities.updated, result.municipalities.unchanged) == (1, 308)
    brando = Organisation.objects.get(municipality_code="035")
    assert (brando.population, brando.size_class, brando.version) == (5449, SizeClass.K5_10, version + 1)


def test_a_clashing_slug_gets_the_municipality_code():
    # A company called "Brändö" took the slug first (say, on a fresh database where the loader runs later).
    Organisation.objects.filter(municipality_code="035").delete()
    Organisation.objects.create(kind=OrganisationKind.COMPANY, slug="brando", name="Brändö Oy")

    load_reference_data()

    assert Organisation.objects.get(municipality_code="035").slug == "brando-035"


def test_management_command_prints_counts(capsys):
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "Municipalities: 0 created, 0 updated, 309 unchanged" in out
