"""The family selector: the published original and everything derived from it, in a fixed number of queries, with
drafts never inside; checked against a naive walk of the lineage one record at a time."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diffusion import selectors
from innovations import services as innovation_services
from innovations.models import Adoption, Innovation
from innovations.vocabulary import Novelty, Status
from organisations import services as organisation_services
from organisations.models import Organisation
from tests.factories import AdoptionFactory, InnovationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def naive_family(innovation: Innovation) -> set[int]:
    """The independent check: walk up one source at a time, then down breadth first, published only."""
    if innovation.status != Status.PUBLISHED:
        return set()
    top = innovation
    while True:
        adoption = Adoption.objects.filter(result=top).select_related("source").first()
        if adoption is None or adoption.source.status != Status.PUBLISHED:
            break
        top = adoption.source
    found, frontier = {top.pk}, [top.pk]
    while frontier:
        children = list(
            Adoption.objects.filter(source_id__in=frontier, result__status=Status.PUBLISHED).values_list(
                "result_id", flat=True
            )
        )
        frontier = [pk for pk in children if pk not in found]
        found.update(frontier)
    return found


def adopt(source: Innovation, adopter: Organisation | None = None, *, year: int = 2020, **kw: Any) -> Innovation:
    adoption = AdoptionFactory.create(
        source=source, adopter=adopter or OrganisationFactory.create(), adopted_on=datetime.date(year, 5, 1), **kw
    )
    return adoption.result


def set_status(innovation: Innovation, status: str) -> None:
    # Straight to the row: the selector's rules are under test here, not the service's.
    Innovation.objects.filter(pk=innovation.pk).update(status=status)
    innovation.refresh_from_db()


@pytest.fixture
def tree() -> dict[str, Innovation]:
    """root ← a ← a1, a2;  root ← b ← b1 ← b11 (copied on the way)."""
    root = InnovationFactory.create(introduced_on=datetime.date(2015, 3, 1))
    a = adopt(root, year=2016)
    b = adopt(root, year=2017, mode=Novelty.COPIED)
    a1 = adopt(a, year=2018)
    a2 = adopt(a, year=2019)
    b1 = adopt(b, year=2019)
    b11 = adopt(b1, year=2021, mode=Novelty.COPIED)
    return {"root": root, "a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "b11": b11}


def test_every_member_leads_to_the_same_family(tree: dict[str, Innovation]) -> None:
    everyone = {i.pk for i in tree.values()}
    for innovation in tree.values():
        family = selectors.family(innovation.pk)
        assert family is not None
        assert family.root_id == tree["root"].pk
        assert {m.innovation.pk for m in family.members} == everyone == naive_family(innovation)


def test_members_carry_date_mode_parent_depth_and_region(tree: dict[str, Innovation]) -> None:
    family = selectors.family(tree["b11"].pk)
    assert family is not None
    by_pk = {m.innovation.pk: m for m in family.members}
    assert family.members[0].innovation.pk == tree["root"].pk
    assert family.root.date == datetime.date(2015, 3, 1)
    assert family.root.mode == ""
    assert family.root.depth == 0
    b11 = by_pk[tree["b11"].pk]
    assert (b11.parent_id, b11.mode, b11.date, b11.depth) == (tree["b1"].pk, "copied", datetime.date(2021, 5, 1), 3)
    assert b11.organisation.region is not None
    assert b11.organisation.region == tree["b11"].owner.region
    assert [m.date for m in family.members[1:]] == sorted(m.date for m in family.members[1:])


def test_a_draft_ends_its_branch_and_has_no_family(tree: dict[str, Innovation]) -> None:
    set_status(tree["b1"], Status.DRAFT)
    family = selectors.family(tree["a1"].pk)
    assert family is not None
    assert (
        {m.innovation.pk for m in family.members}
        == naive_family(tree["a1"])
        == {tree[k].pk for k in ("root", "a", "b", "a1", "a2")}
    )
    assert selectors.family(tree["b1"].pk) is None
    # Below the draft, the published record is the original of a family of its own.
    below = selectors.family(tree["b11"].pk)
    assert below is not None
    assert below.root_id == tree["b11"].pk
    assert len(below.members) == 1


def test_an_unpublished_original_splits_the_family(tree: dict[str, Innovation]) -> None:
    set_status(tree["root"], Status.DRAFT)
    a_family = selectors.family(tree["a2"].pk)
    assert a_family is not None
    assert a_family.root_id == tree["a"].pk
    assert {m.innovation.pk for m in a_family.members} == {tree[k].pk for k in ("a", "a1", "a2")}


def test_a_draft_adoption_changes_nothing(tree: dict[str, Innovation]) -> None:
    before = selectors.family(tree["root"].pk)
    draft = adopt(tree["a"], publish=False)
    after = selectors.family(tree["root"].pk)
    assert before is not None
    assert after is not None
    assert [m.innovation.pk for m in after.members] == [m.innovation.pk for m in before.members]
    assert draft.pk not in {m.innovation.pk for m in after.members}
    assert selectors.family(draft.pk) is None


def test_a_bad_id_has_no_family() -> None:
    assert selectors.family(987654321) is None


def test_queries_do_not_grow_with_the_family(django_assert_num_queries: Any) -> None:
    root = InnovationFactory.create()
    small = adopt(root)
    with django_assert_num_queries(2):
        selectors.family(small.pk)
    parent = small
    for year in range(2000, 2012):
        parent = adopt(parent if year % 3 else root, year=year)
    with django_assert_num_queries(2):
        family = selectors.family(parent.pk)
    assert family is not None
    assert len(family.members) == 14


def test_lineage_trees_and_public_roots(tree: dict[str, Innovation]) -> None:
    set_status(tree["b1"], Status.DRAFT)
    nodes = selectors.lineage_trees([tree["a1"].pk])
    assert {n.id for n in nodes} == {i.pk for i in tree.values()}  # whatever the status
    assert set(selectors.public_roots(nodes)) == {tree["root"].pk, tree["b11"].pk}


def test_registry_adoptions_put_every_published_record_in_its_family(tree: dict[str, Innovation]) -> None:
    set_status(tree["b1"], Status.DRAFT)
    other = InnovationFactory.create(novelty=Novelty.ADAPTED)
    rows = {r.innovation: r for r in selectors.registry_adoptions()}
    assert tree["b1"].pk not in rows
    assert rows[tree["a2"].pk].family == tree["root"].pk
    assert rows[tree["a2"].pk].source_organisation == tree["a"].owner_id
    assert rows[tree["a2"].pk].year == 2019
    assert rows[tree["a2"].pk].mode == "adapted"
    assert rows[tree["b11"].pk].family == tree["b11"].pk
    assert rows[tree["b11"].pk].source_organisation is None
    assert rows[other.pk].family == other.pk
    assert rows[other.pk].novelty == "adapted"
    for pk, row in rows.items():
        family = selectors.family(pk)
        assert family is not None
        assert family.root_id == row.family


def members(found: selectors.Family | None) -> set[int]:
    assert found is not None
    return {m.innovation.pk for m in found.members}


def test_a_kept_family_is_read_again_after_any_write(tree: dict[str, Innovation], monkeypatch: Any) -> None:
    """A large family is kept under the catalogue's version: read once (then one query for the version), and read
    again after a member is unpublished or its organisation renamed through the services — never shown stale."""
    monkeypatch.setattr(selectors, "KEPT_FAMILY_MEMBERS", 3)
    admin = UserFactory.create(platform_admin=True)
    assert members(selectors.kept_family(tree["a1"].pk)) == naive_family(tree["a1"])
    with CaptureQueriesContext(connection) as kept:
        found = selectors.kept_family(tree["a1"].pk)
    assert members(found) == naive_family(tree["a1"])
    assert len(kept) == 1  # the version token
    b1 = tree["b1"]
    innovation_services.innovation_set_status(
        actor=admin, innovation=b1, status=Status.DRAFT, expected_version=b1.version
    )
    assert tree["b1"].pk not in members(selectors.kept_family(tree["a1"].pk))
    assert members(selectors.kept_family(tree["a1"].pk)) == naive_family(tree["a1"])
    owner = tree["a2"].owner
    organisation_services.organisation_update(
        actor=admin, organisation=owner, expected_version=owner.version, data={"name_fi": "Uusi nimi"}
    )
    names = {m.innovation.owner.name_fi for m in selectors.kept_family(tree["a1"].pk).members}  # type: ignore[union-attr]
    assert "Uusi nimi" in names


def test_a_small_family_is_not_kept(tree: dict[str, Innovation]) -> None:
    selectors.kept_family(tree["a1"].pk)
    with CaptureQueriesContext(connection) as read:
        selectors.kept_family(tree["a1"].pk)
    assert len(read) == 3  # the version, the recursive query, the records
