"""The organisation and network services: validation, slugs, optimistic locking and the change log."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from audit.models import Action, ChangeRecord
from core.errors import ConflictError
from innovations import selectors
from organisations import services
from organisations.identifiers import business_id_with_check_digit
from organisations.models import Network, NetworkMembership, Organisation, OrganisationKind, Region, WellbeingCounty
from tests.factories import InnovationFactory, NetworkFactory, OrganisationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _company(**extra):
    return {"kind": OrganisationKind.COMPANY, "name_fi": "Testiyritys Oy", "name_sv": "Testföretag Ab", **extra}


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def _records(obj, action=None):
    qs = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return qs.filter(action=action) if action else qs


# --- create -----------------------------------------------------------------------------------------------------


def test_create_stores_the_organisation_with_a_slug_and_size_class(platform_admin):
    region = Region.objects.get(code="06")
    organisation = services.organisation_create(
        actor=platform_admin,
        data={
            "kind": OrganisationKind.JOINT_AUTHORITY,
            "name_fi": " Pirkanmaan jätehuolto ",
            "name_sv": "Birkalands avfallshantering",
            "name_en": "Pirkanmaa Waste Management",
            "business_id": "0201256-6",
            "region": region,
            "population": 42_000,
        },
    )
    organisation = Organisation.objects.get(pk=organisation.pk)
    assert organisation.name_fi == "Pirkanmaan jätehuolto"
    assert organisation.slug == "pirkanmaan-jatehuolto"
    assert organisation.size_class == "20k-50k"
    assert organisation.version == 1
    record = _records(organisation, Action.CREATE).get()
    assert record.actor == platform_admin
    assert record.changes["business_id"] == [None, "0201256-6"]
    assert record.changes["region"] == [None, str(region)]


@pytest.mark.parametrize(
    "business_id", ["0201256-5", "0201256-0", "201256-6", "02012566", "0201256-", "abcdefg-h", "０２０１２５６-６"]
)
def test_a_business_id_with_a_wrong_check_digit_or_form_is_refused(platform_admin, business_id):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=platform_admin, data=_company(business_id=business_id))
    assert set(_errors(excinfo)) == {"business_id"}
    assert business_id in _errors(excinfo)["business_id"][0]
    assert not Organisation.objects.filter(name_fi="Testiyritys Oy").exists()


def test_a_business_id_whose_seven_digits_have_no_check_digit_is_refused(platform_admin):
    # Remainder 1 has no check digit: no valid business ID starts with these seven digits.
    seven = next(f"{n:07d}" for n in range(1_000_000, 1_000_100) if business_id_with_check_digit(f"{n:07d}") is None)
    for digit in "0123456789":
        with pytest.raises(ValidationError):
            services.organisation_create(actor=platform_admin, data=_company(business_id=f"{seven}-{digit}"))


def test_a_business_id_is_unique_but_many_may_have_none(platform_admin):
    services.organisation_create(actor=platform_admin, data=_company(business_id="0201256-6"))
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=platform_admin, data=_company(name_fi="Toinen Oy", business_id="0201256-6"))
    assert "business_id" in _errors(excinfo)
    first = services.organisation_create(actor=platform_admin, data=_company(name_fi="Ilman Oy", business_id=""))
    second = services.organisation_create(actor=platform_admin, data=_company(name_fi="Ilman Ab", business_id=" "))
    assert first.business_id is None
    assert second.business_id is None


def test_a_municipality_needs_its_code(platform_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=platform_admin, data={"kind": OrganisationKind.MUNICIPALITY, "name_fi": "Uusikunta"}
        )
    assert set(_errors(excinfo)) == {"municipality_code"}


@pytest.mark.parametrize("code", ["12", "1234", "1a3", "abc"])
def test_a_municipality_code_has_three_digits(platform_admin, code):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=platform_admin,
            data={"kind": OrganisationKind.MUNICIPALITY, "name_fi": "Uusikunta", "municipality_code": code},
        )
    assert "municipality_code" in _errors(excinfo)


def test_a_municipality_code_is_unique(platform_admin):
    # 091 is Helsinki in the reference data.
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=platform_admin,
            data={"kind": OrganisationKind.MUNICIPALITY, "name_fi": "Toinen Helsinki", "municipality_code": "091"},
        )
    assert "municipality_code" in _errors(excinfo)


def test_the_wellbeing_county_must_lie_in_the_region(platform_admin):
    county = WellbeingCounty.objects.get(code="EP")  # Etelä-Pohjanmaa, region 14
    wrong_region = Region.objects.get(code="01")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(
            actor=platform_admin,
            data=_company(
                kind=OrganisationKind.JOINT_AUTHORITY, region=wrong_region, wellbeing_county=county, name_fi="Y"
            ),
        )
    assert set(_errors(excinfo)) == {"wellbeing_county"}
    ok = services.organisation_create(
        actor=platform_admin,
        data=_company(kind=OrganisationKind.JOINT_AUTHORITY, region=county.region, wellbeing_county=county),
    )
    assert ok.wellbeing_county == county


def test_a_name_is_needed_in_some_language(platform_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=platform_admin, data={"kind": OrganisationKind.COMPANY, "name_sv": "  "})
    assert set(_errors(excinfo)) == {"name_fi"}


def test_a_swedish_name_alone_makes_the_slug(platform_admin):
    organisation = services.organisation_create(
        actor=platform_admin, data={"kind": OrganisationKind.THIRD_SECTOR, "name_sv": "Föreningen Åbo Stöd rf"}
    )
    assert organisation.slug == "foreningen-abo-stod-rf"


def test_fields_no_form_sets_are_refused(platform_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=platform_admin, data=_company(slug="minun", version=7, size_class="x"))
    assert set(_errors(excinfo)) == {"slug", "version", "size_class"}


def test_an_unknown_kind_is_refused(platform_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(actor=platform_admin, data=_company(kind="guild"))
    assert "kind" in _errors(excinfo)


# --- slugs ------------------------------------------------------------------------------------------------------


def test_slugs_are_unique(platform_admin):
    slugs = [
        services.organisation_create(actor=platform_admin, data=_company(name_fi="Sama Nimi Oy")).slug for _ in range(3)
    ]
    assert slugs == ["sama-nimi-oy", "sama-nimi-oy-2", "sama-nimi-oy-3"]


def test_a_slug_does_not_collide_with_a_reference_municipality(platform_admin):
    # "helsinki" is taken by the municipality of Helsinki.
    organisation = services.organisation_create(actor=platform_admin, data=_company(name_fi="Helsinki"))
    assert organisation.slug == "helsinki-2"
    assert Organisation.objects.get(municipality_code="091").slug == "helsinki"


def test_a_name_without_latin_letters_still_gets_a_slug(platform_admin):
    first = services.organisation_create(
        actor=platform_admin, data={"kind": OrganisationKind.INTERNATIONAL, "name_en": "東京"}
    )
    second = services.organisation_create(
        actor=platform_admin, data={"kind": OrganisationKind.INTERNATIONAL, "name_en": "Москва"}
    )
    assert first.slug
    assert second.slug
    assert first.slug != second.slug


def test_a_long_name_gives_a_slug_that_fits(platform_admin):
    name = "Pohjois-Pohjanmaan " + "innovaatio" * 30
    slugs = [
        services.organisation_create(actor=platform_admin, data=_company(name_fi=name[:200])).slug for _ in range(2)
    ]
    assert all(len(slug) <= Organisation._meta.get_field("slug").max_length for slug in slugs)
    assert slugs[0] != slugs[1]


def test_network_slugs_are_unique(platform_admin):
    first = services.network_create(actor=platform_admin, data={"name_fi": "Innokaupungit"})
    second = services.network_create(actor=platform_admin, data={"name_fi": "Innokaupungit"})
    assert (first.slug, second.slug) == ("innokaupungit", "innokaupungit-2")


# --- update and optimistic locking ------------------------------------------------------------------------------


def test_update_changes_the_row_bumps_the_version_and_logs_the_diff(org_a, admin_a):
    old_population = org_a.population
    updated = services.organisation_update(
        actor=admin_a, organisation=org_a, expected_version=1, data={"population": 150_000, "website": ""}
    )
    assert updated.version == 2
    fresh = Organisation.objects.get(pk=org_a.pk)
    assert fresh.population == 150_000
    assert fresh.size_class == "100k+"
    record = _records(org_a, Action.UPDATE).get()
    assert record.actor == admin_a
    assert record.changes == {"population": [old_population, 150_000], "website": [org_a.website, None]}


def test_a_stale_version_is_a_conflict_and_changes_nothing(org_a, admin_a):
    services.organisation_update(actor=admin_a, organisation=org_a, expected_version=1, data={"population": 1000})
    with pytest.raises(ConflictError):
        services.organisation_update(actor=admin_a, organisation=org_a, expected_version=1, data={"population": 2000})
    fresh = Organisation.objects.get(pk=org_a.pk)
    assert (fresh.population, fresh.version) == (1000, 2)
    assert _records(org_a, Action.UPDATE).count() == 1


def test_an_invalid_update_changes_nothing(org_a, admin_a):
    before = Organisation.objects.get(pk=org_a.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(
            actor=admin_a, organisation=org_a, expected_version=1, data={"population": 5, "business_id": "1234567-0"}
        )
    assert "business_id" in _errors(excinfo)
    fresh = Organisation.objects.get(pk=org_a.pk)
    assert (fresh.population, fresh.business_id, fresh.version) == (before.population, before.business_id, 1)
    assert not _records(org_a, Action.UPDATE).exists()


def test_moving_to_another_region_with_the_old_county_is_refused(platform_admin):
    county = WellbeingCounty.objects.get(code="EP")
    organisation = OrganisationFactory(
        kind=OrganisationKind.JOINT_AUTHORITY, region=county.region, wellbeing_county=county
    )
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_update(
            actor=platform_admin,
            organisation=organisation,
            expected_version=1,
            data={"region": Region.objects.get(code="19")},
        )
    assert "wellbeing_county" in _errors(excinfo)


def test_renaming_an_organisation_keeps_the_search_of_its_innovations_current(org_a, admin_a, editor_a):
    """The owner's name is part of each innovation's search document, so a rename must reach them."""
    innovation = InnovationFactory(owner=org_a, actor=editor_a)
    services.organisation_update(
        actor=admin_a,
        organisation=org_a,
        expected_version=1,
        data={"name_fi": "Uusimerkki", "name_sv": "Nyemärke", "name_en": "Newbrand"},
    )
    found = selectors.innovation_list(user=admin_a, filters=selectors.CatalogueFilters(q="Uusimerkki"))
    assert list(found) == [innovation]
    found = selectors.innovation_list(user=admin_a, filters=selectors.CatalogueFilters(q="Newbrand"))
    assert list(found) == [innovation]
    old_word = org_a.name_fi.split()[0].lower()  # e.g. "järvelän"
    assert f" {old_word} " not in Organisation.objects.get(pk=org_a.pk).innovations.get().search_document


# --- networks ---------------------------------------------------------------------------------------------------


def test_network_create_with_themes_and_coordinator(platform_admin, org_a):
    theme = ThemeFactory()
    network = services.network_create(
        actor=platform_admin,
        data={"name_fi": "Kuutoskaupungit", "coordinator": org_a, "agreement_start": datetime.date(2024, 1, 1)},
        themes=[theme],
    )
    assert list(network.themes.all()) == [theme]
    assert network.coordinator == org_a
    assert _records(network, Action.CREATE).get().changes["coordinator"] == [None, str(org_a)]


def test_an_agreement_cannot_end_before_it_starts(platform_admin):
    with pytest.raises(ValidationError) as excinfo:
        services.network_create(
            actor=platform_admin,
            data={
                "name_fi": "Väärinpäin",
                "agreement_start": datetime.date(2025, 1, 1),
                "agreement_end": datetime.date(2024, 12, 31),
            },
        )
    assert set(_errors(excinfo)) == {"agreement_end"}
    assert not Network.objects.filter(name_fi="Väärinpäin").exists()


def test_network_update_conflict(network_a, admin_a):
    services.network_update(actor=admin_a, network=network_a, expected_version=1, data={"name_en": "A"})
    with pytest.raises(ConflictError):
        services.network_update(actor=admin_a, network=network_a, expected_version=1, data={"name_en": "B"})
    assert Network.objects.get(pk=network_a.pk).name_en == "A"


def test_network_update_replaces_themes_only_when_given(network_a, admin_a):
    first, second = ThemeFactory(), ThemeFactory()
    services.network_update(actor=admin_a, network=network_a, expected_version=1, data={}, themes=[first])
    services.network_update(actor=admin_a, network=network_a, expected_version=2, data={"name_en": "X"})
    assert list(network_a.themes.all()) == [first]
    services.network_update(actor=admin_a, network=network_a, expected_version=3, data={}, themes=[second])
    assert list(network_a.themes.all()) == [second]


def test_a_member_is_added_once_and_removal_is_logged(network_a, admin_a, org_b):
    membership = services.network_member_add(
        actor=admin_a, network=network_a, organisation=org_b, joined_on=datetime.date(2024, 2, 1)
    )
    assert membership.joined_on == datetime.date(2024, 2, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.network_member_add(actor=admin_a, network=network_a, organisation=org_b)
    assert "organisation" in _errors(excinfo)
    assert NetworkMembership.objects.filter(network=network_a, organisation=org_b).count() == 1
    logged = _records(network_a, Action.UPDATE).count()
    services.network_member_remove(actor=admin_a, network=network_a, organisation=org_b)
    assert not NetworkMembership.objects.filter(network=network_a, organisation=org_b).exists()
    assert _records(network_a, Action.UPDATE).order_by("-id").first().changes == {"members": [str(org_b), None]}
    # Removing someone who is not a member changes nothing and logs nothing.
    services.network_member_remove(actor=admin_a, network=network_a, organisation=org_b)
    assert _records(network_a, Action.UPDATE).count() == logged + 1


def test_factory_networks_have_their_members(org_a, org_b):
    network = NetworkFactory(coordinator=org_a, members=[org_a, org_b])
    assert set(network.members.all()) == {org_a, org_b}
