"""The public sector's organisations beyond the municipalities, as reference data: the wellbeing services
counties, the regional councils, the ministries and the main state agencies, with their business IDs."""

import csv
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from organisations.identifiers import is_valid_business_id
from organisations.models import Organisation, OrganisationKind, Region
from organisations.reference_data import REFERENCE_DIR, load_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_organisations() -> None:
    """The test session loads the municipalities only (see conftest.py); these tests need the rest too."""
    load_reference_data()


def _rows() -> list[dict[str, str]]:
    with (REFERENCE_DIR / "public_organisations.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _copy(tmp_path: Path) -> Path:
    for name in ("regions.csv", "wellbeing_counties.csv", "municipalities.csv", "public_organisations.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    return tmp_path / "public_organisations.csv"


def test_every_public_organisation_is_loaded_once():
    loaded = Organisation.objects.filter(reference_code__isnull=False)
    by_kind = {kind: loaded.filter(kind=kind).count() for kind in OrganisationKind.values}
    assert by_kind[OrganisationKind.WELLBEING_COUNTY] == 21
    assert by_kind[OrganisationKind.REGIONAL_COUNCIL] == 18  # every region but Åland, whose government does it
    assert by_kind[OrganisationKind.MINISTRY] == 12
    assert by_kind[OrganisationKind.STATE_AGENCY] >= 20
    councils = loaded.filter(kind=OrganisationKind.REGIONAL_COUNCIL)
    assert set(councils.values_list("region__code", flat=True)) == set(
        Region.objects.exclude(code="21").values_list("code", flat=True)
    )
    for county in loaded.filter(kind=OrganisationKind.WELLBEING_COUNTY).select_related("wellbeing_county"):
        assert county.wellbeing_county is not None
        assert county.region_id == county.wellbeing_county.region_id
        assert county.population == county.wellbeing_county.population
    finance = Organisation.objects.get(reference_code="ministry:vm")
    assert (finance.name_fi, finance.name_sv, finance.name_en) == (
        "Valtiovarainministeriö",
        "Finansministeriet",
        "Ministry of Finance",
    )
    assert finance.business_id == "0245439-9"


def test_every_business_id_in_the_file_passes_the_check_digit_and_is_unique():
    ids = [row["business_id"] for row in _rows() if row["business_id"]]
    assert ids, "the file names business IDs"
    assert [value for value in ids if not is_valid_business_id(value)] == []
    assert len(ids) == len(set(ids))
    assert len({row["reference_code"] for row in _rows()}) == len(_rows())


# Business IDs checked against a source that states them (reference_data/README.md says which kind): a wrong or
# changed one here is a regression, not a typo to be "fixed" by recomputing the check digit.
SOURCED_BUSINESS_IDS = {
    "regional_council:01": "0201296-1",  # Uudenmaan liitto: its own privacy notice
    "joint_authority:hus": "1567535-0",  # HUS: its invoicing instructions, in public code and data
    "state_agency:vayla": "1010547-1",  # Väylävirasto: public code of the state's planning service
}


def test_sourced_business_ids_are_in_the_file_and_every_id_is_unique_after_loading():
    by_code = {row["reference_code"]: row["business_id"] for row in _rows()}
    assert {code: by_code[code] for code in SOURCED_BUSINESS_IDS} == SOURCED_BUSINESS_IDS
    # Unique in the database too: no two organisations (reference rows, municipalities, counties) share an ID.
    loaded = list(Organisation.objects.exclude(business_id=None).exclude(business_id="").values_list("business_id"))
    assert len(loaded) == len(set(loaded))
    assert len(loaded) >= len([value for value in by_code.values() if value])


def test_loading_twice_changes_nothing():
    before = list(Organisation.objects.order_by("pk").values_list("pk", "slug", "version"))
    result = load_reference_data()
    assert (result.public_organisations.created, result.public_organisations.updated) == (0, 0)
    assert result.public_organisations.unchanged == len(_rows()) + 21
    assert list(Organisation.objects.order_by("pk").values_list("pk", "slug", "version")) == before


def test_a_rename_in_the_file_updates_the_same_row_and_keeps_its_address(tmp_path: Path):
    path = _copy(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("Tulli,Tullen", "Tulli (uusi),Tullen"), encoding="utf-8")
    customs = Organisation.objects.get(reference_code="state_agency:tulli")
    result = load_reference_data(tmp_path)
    assert result.public_organisations.updated == 1
    renamed = Organisation.objects.get(pk=customs.pk)
    assert (renamed.name_fi, renamed.slug, renamed.version) == ("Tulli (uusi)", customs.slug, customs.version + 1)


def test_an_organisation_made_by_hand_is_taken_over_not_doubled(tmp_path: Path):
    Organisation.objects.filter(reference_code="ministry:okm").delete()
    by_hand = Organisation.objects.create(
        kind=OrganisationKind.MINISTRY, slug="okm", name="OKM", name_fi="OKM", business_id="0245872-8"
    )
    load_reference_data()
    taken = Organisation.objects.get(pk=by_hand.pk)
    assert taken.reference_code == "ministry:okm"
    assert taken.name_fi == "Opetus- ja kulttuuriministeriö"
    assert taken.slug == "okm"  # its addresses stay
    assert Organisation.objects.filter(business_id="0245872-8").count() == 1


def test_a_business_id_an_administrator_filled_in_is_not_cleared():
    ministry = Organisation.objects.get(reference_code="ministry:ym")
    assert ministry.business_id is None  # the file leaves it empty rather than guess
    Organisation.objects.filter(pk=ministry.pk).update(business_id="0100002-9")
    load_reference_data()
    assert Organisation.objects.get(pk=ministry.pk).business_id == "0100002-9"


def test_a_wrong_check_digit_in_the_file_stops_the_load_and_saves_nothing(tmp_path: Path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Finnish Customs,0245442-8", "Finnish Customs,0245442-7"), encoding="utf-8")
    municipalities = tmp_path / "municipalities.csv"  # loaded before, in the same transaction
    municipalities.write_text(
        municipalities.read_text(encoding="utf-8").replace("035,Brändö,Brändö,21,,449", "035,Brändö,Brändö,21,,5449"),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        load_reference_data(tmp_path)
    assert "0245442-7" in str(caught.value)
    assert Organisation.objects.get(municipality_code="035").population == 449
