"""Writes mark the figures they change stale, in their own transaction, through the innovation services."""

import datetime

import pytest

from diffusion import selectors
from diffusion.models import FamilyFigures
from innovations import services as innovation_services
from innovations.models import Innovation, LineageProposal
from innovations.vocabulary import Novelty, Status
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory, PartnershipFactory, robot

pytestmark = pytest.mark.django_db


def settle() -> None:
    """As if the recomputation had run: every row fresh."""
    FamilyFigures.objects.update(stale=False)


def stale_roots() -> set[int]:
    return set(FamilyFigures.objects.filter(stale=True).values_list("root_id", flat=True))


def test_a_new_published_original_gets_a_stale_row_a_draft_none() -> None:
    published = InnovationFactory.create()
    draft = InnovationFactory.create(status=Status.DRAFT)
    assert stale_roots() == {published.pk}
    assert not FamilyFigures.objects.filter(root_id=draft.pk).exists()


def test_an_adoption_marks_its_family_and_bumps_the_version() -> None:
    root = InnovationFactory.create()
    other = InnovationFactory.create()
    settle()
    version = selectors.state_version()
    adoption = AdoptionFactory.create(source=root)
    assert root.pk in stale_roots()
    assert other.pk not in stale_roots()
    assert selectors.state_version() > version
    generation = FamilyFigures.objects.get(root_id=root.pk).generation
    AdoptionFactory.create(source=adoption.result)
    assert FamilyFigures.objects.get(root_id=root.pk).generation == generation + 1


def test_a_draft_adoption_touches_no_published_family_row_beyond_a_mark() -> None:
    root = InnovationFactory.create()
    settle()
    AdoptionFactory.create(source=root, publish=False)
    # Marked (the write may have changed it), but the recomputed family is the same: see test_services.
    family = selectors.family(root.pk)
    assert family is not None
    assert len(family.members) == 1


def test_unpublishing_a_middle_record_marks_both_sides() -> None:
    root = InnovationFactory.create()
    middle = AdoptionFactory.create(source=root).result
    leaf = AdoptionFactory.create(source=middle).result
    settle()
    innovation_services.innovation_set_status(
        actor=robot(), innovation=middle, status=Status.DRAFT, expected_version=middle.version
    )
    # The leaf is now an original of its own; rows of records that are no originals go when recomputed.
    assert stale_roots() >= {root.pk, leaf.pk}


def test_deleting_an_adopters_record_marks_the_family() -> None:
    root = InnovationFactory.create()
    leaf = AdoptionFactory.create(source=root).result
    settle()
    innovation_services.innovation_delete(actor=robot(), innovation=leaf)
    assert stale_roots() == {root.pk}


def test_a_confirmed_lineage_joins_two_families() -> None:
    source = InnovationFactory.create()
    result = InnovationFactory.create(novelty=Novelty.NEW)
    settle()
    proposal = LineageProposal.objects.create(
        source=source, result=result, mode=Novelty.ADAPTED, adopted_on=datetime.date(2024, 1, 1)
    )
    innovation_services.lineage_confirm(actor=robot(), proposal=proposal)
    assert stale_roots() == {source.pk, result.pk}  # the result's own row goes when recomputed


def test_changing_an_originals_date_marks_it_other_edits_do_not() -> None:
    root = InnovationFactory.create(introduced_on=datetime.date(2019, 1, 1))
    settle()
    current = Innovation.objects.get(pk=root.pk)
    innovation_services.innovation_update(
        actor=robot(), innovation=current, expected_version=current.version, data={"title_fi": "Uusi nimi"}
    )
    assert stale_roots() == set()
    current.refresh_from_db()
    innovation_services.innovation_update(
        actor=robot(),
        innovation=current,
        expected_version=current.version,
        data={"introduced_on": datetime.date(2018, 1, 1)},
    )
    assert stale_roots() == {root.pk}


def test_a_partnership_bumps_the_registry_version_only() -> None:
    innovation = InnovationFactory.create()
    settle()
    version = selectors.state_version()
    PartnershipFactory.create(innovation=innovation, organisation=OrganisationFactory.create())
    assert selectors.state_version() == version + 1
    assert stale_roots() == set()


# --- organisations: what the registry-wide figures group them by ----------------------------------------------


def test_an_organisations_region_size_class_and_kind_mark_the_registry_stale() -> None:
    from organisations import services as organisation_services
    from organisations.models import Organisation, OrganisationKind
    from tests.factories import RegionFactory

    organisation = OrganisationFactory.create(population=5_000)
    root = InnovationFactory.create(owner=organisation)
    other_family = InnovationFactory.create()
    settle()

    def update(**data: object) -> None:
        current = Organisation.objects.get(pk=organisation.pk)
        organisation_services.organisation_update(
            actor=robot(), organisation=current, expected_version=current.version, data=data
        )

    version = selectors.state_version()
    update(description_fi="Uusi kuvaus.")  # nothing the figures read
    assert selectors.state_version() == version
    update(population=5_100)  # the same size class
    assert selectors.state_version() == version
    update(region=RegionFactory.create())
    assert selectors.state_version() > version
    assert not stale_roots()  # a region is a registry-wide figure only
    version = selectors.state_version()
    update(population=150_000)  # another size class
    assert selectors.state_version() > version
    version = selectors.state_version()
    update(kind=OrganisationKind.COMPANY, municipality_code=None, population=None)
    assert selectors.state_version() > version
    # How many organisations could adopt a family depends on the kinds: every family is recomputed.
    assert stale_roots() >= {root.pk, other_family.pk}


def test_network_membership_marks_the_registry_stale() -> None:
    from organisations import services as organisation_services
    from tests.factories import NetworkFactory

    network = NetworkFactory.create()
    member = OrganisationFactory.create()
    version = selectors.state_version()
    organisation_services.network_member_add(actor=robot(), network=network, organisation=member)
    assert selectors.state_version() > version
    version = selectors.state_version()
    organisation_services.network_member_remove(actor=robot(), network=network, organisation=member)
    assert selectors.state_version() > version


def test_the_registry_api_says_stale_after_an_organisation_moves(client: object) -> None:
    from diffusion import services
    from organisations import services as organisation_services
    from tests.factories import RegionFactory

    source = InnovationFactory.create()
    adopter = AdoptionFactory.create(source=source).result.owner
    services.recompute_registry()
    assert client.get("/api/v1/diffusion/registry").json()["status"] == "current"  # type: ignore[attr-defined]
    organisation_services.organisation_update(
        actor=robot(), organisation=adopter, expected_version=adopter.version, data={"region": RegionFactory.create()}
    )
    assert client.get("/api/v1/diffusion/registry").json()["status"] == "stale"  # type: ignore[attr-defined]
