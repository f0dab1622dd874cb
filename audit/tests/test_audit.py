"""The change log: the diff it stores, who and when it records, and reading it back per record."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from audit.models import Action, ChangeRecord
from audit.selectors import change_list
from audit.services import change_record, diff
from innovations import services as innovation_services
from innovations.models import Innovation
from innovations.vocabulary import Status
from organisations import services as organisation_services
from tests.factories import InnovationFactory

# --- diff (no database) -----------------------------------------------------------------------------------------


def test_diff_lists_changed_fields_as_before_and_after():
    assert diff({"a": 1, "b": "x", "c": True}, {"a": 2, "b": "x", "c": False}) == {"a": [1, 2], "c": [True, False]}


def test_diff_treats_every_kind_of_empty_as_the_same():
    before = {"a": None, "b": "", "c": [], "d": ()}
    after = {"a": "", "b": None, "c": None, "d": []}
    assert diff(before, after) == {}
    assert diff({}, {"a": "", "b": None}) == {}


def test_diff_compares_lists_as_sets_in_sorted_order():
    assert diff({"type": ["b", "a"]}, {"type": ["a", "b"]}) == {}
    assert diff({"type": ["b"]}, {"type": ["c", "a"]}) == {"type": [["b"], ["a", "c"]]}


def test_diff_drops_empty_items_of_a_list():
    """Found by hypothesis: ["", "a"] used to make sorted() compare None with a string (TypeError)."""
    assert diff({"tags": ["", "a"]}, {"tags": ["a"]}) == {}
    assert diff({"tags": ["", None]}, {}) == {}
    assert diff({"tags": ["b", ""]}, {"tags": ["a"]}) == {"tags": [["b"], ["a"]]}


def test_diff_stores_dates_and_other_values_as_text():
    assert diff({"d": datetime.date(2024, 1, 2)}, {"d": datetime.date(2024, 1, 3)}) == {
        "d": ["2024-01-02", "2024-01-03"]
    }


def test_diff_of_fields_only_on_one_side():
    assert diff({"gone": "x"}, {"new": 3}) == {"gone": ["x", None], "new": [None, 3]}


plain_values = st.one_of(
    st.none(), st.text(max_size=5), st.integers(), st.booleans(), st.lists(st.text(max_size=3), max_size=3)
)
snapshots = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), plain_values, max_size=4)


@given(snapshots)
def test_diff_of_a_snapshot_with_itself_is_empty(snapshot):
    assert diff(snapshot, snapshot) == {}


@given(snapshots, snapshots)
def test_diff_is_symmetric_with_before_and_after_swapped(before, after):
    forward, backward = diff(before, after), diff(after, before)
    assert set(forward) == set(backward)
    assert all(forward[key] == list(reversed(backward[key])) for key in forward)


# --- change_record and change_list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_record_names_the_actor_and_the_time(registered_user, org_a):
    before = datetime.datetime.now(datetime.UTC)
    record = change_record(obj=org_a, actor=registered_user, action=Action.UPDATE, changes={"x": [1, 2]})
    record = ChangeRecord.objects.get(pk=record.pk)
    assert record.actor == registered_user
    assert before <= record.at <= datetime.datetime.now(datetime.UTC)
    assert (record.content_type.model, record.object_id) == ("organisation", org_a.pk)
    assert record.changes == {"x": [1, 2]}


@pytest.mark.django_db
def test_an_anonymous_actor_is_stored_as_nobody(org_a):
    record = change_record(obj=org_a, actor=AnonymousUser(), action=Action.UPDATE)
    assert record.actor is None
    assert record.changes == {}


@pytest.mark.django_db
def test_change_list_shows_one_records_changes_newest_first(org_a, admin_a, editor_a):
    innovation = InnovationFactory(owner=org_a, actor=editor_a, status=Status.DRAFT)
    other = InnovationFactory(owner=org_a, actor=editor_a)
    innovation_services.innovation_update(
        actor=editor_a, innovation=innovation, expected_version=1, data={"title_en": "Second"}
    )
    innovation_services.innovation_set_status(
        actor=admin_a, innovation=innovation, status=Status.PUBLISHED, expected_version=2
    )
    records = change_list(obj=innovation)
    assert [r.action for r in records] == [Action.PUBLISH, Action.UPDATE, Action.CREATE]
    assert [r.actor for r in records] == [admin_a, editor_a, editor_a]
    assert all(r.object_id == innovation.pk for r in records)
    assert [r.action for r in change_list(obj=innovation)[:2]] == [Action.PUBLISH, Action.UPDATE]
    assert [r.action for r in change_list(obj=other)] == [Action.CREATE]


@pytest.mark.django_db
def test_records_of_another_model_with_the_same_id_are_not_listed(org_a, platform_admin):
    innovation_type = ContentType.objects.get_for_model(Innovation)
    ChangeRecord.objects.create(content_type=innovation_type, object_id=org_a.pk, actor=platform_admin, action="update")
    records = change_list(obj=org_a)
    assert records
    assert {r.content_type.model for r in records} == {"organisation"}


@pytest.mark.django_db
def test_organisation_writes_are_recorded_with_their_diff(platform_admin, org_a, admin_a):
    organisation_services.organisation_update(
        actor=admin_a, organisation=org_a, expected_version=1, data={"name_en": "Renamed", "population": 777}
    )
    record = change_list(obj=org_a)[0]
    assert (record.action, record.actor) == (Action.UPDATE, admin_a)
    assert record.changes == {"name_en": [org_a.name_en, "Renamed"], "population": [org_a.population, 777]}


@pytest.mark.django_db
def test_a_refused_write_records_nothing(published_a, editor_b):
    count = ChangeRecord.objects.count()
    with pytest.raises(PermissionDenied):
        innovation_services.innovation_update(
            actor=editor_b, innovation=published_a, expected_version=1, data={"title_en": "Hijacked"}
        )
    assert ChangeRecord.objects.count() == count
