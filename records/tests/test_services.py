"""The record core's helpers: a stale version is refused with nothing saved, the row is locked while a change is
made, and publishing, unpublishing and deleting go through one path for every record type."""

import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction

from audit.models import Action, ChangeRecord
from core.errors import ConflictError
from innovations import services as innovation_services
from innovations.models import Innovation
from organisations.models import Organisation
from records import services as records
from records.models import Status
from tests.concurrency import postgres_only
from tests.factories import InnovationFactory, OrganisationFactory, robot

pytestmark = pytest.mark.django_db


def _log(obj: Any) -> list[str]:
    return list(ChangeRecord.objects.filter(object_id=obj.pk).order_by("pk").values_list("action", flat=True))


def test_refuse_stale_compares_tokens() -> None:
    records.refuse_stale(3, 3)
    records.refuse_stale("2026-12-07T10:00:00", "2026-12-07T10:00:00")
    with pytest.raises(ConflictError):
        records.refuse_stale(4, 3)


def test_a_stale_version_is_refused_and_nothing_is_saved() -> None:
    innovation = InnovationFactory.create(status=Status.DRAFT)
    innovation_services.innovation_update(
        actor=robot(), innovation=innovation, expected_version=1, data={"title_en": "Second"}
    )
    logged = _log(innovation)
    with pytest.raises(ConflictError) as refused:
        innovation_services.innovation_update(
            actor=robot(), innovation=innovation, expected_version=1, data={"title_en": "Lost"}
        )
    assert refused.value.message == ConflictError.message  # the one message pages and the API show
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.title_en, stored.version) == ("Second", 2)
    assert _log(innovation) == logged


def test_lock_at_version_returns_the_current_row() -> None:
    organisation = OrganisationFactory.create()
    with transaction.atomic():
        locked: Organisation = records.lock_at_version(Organisation.objects, organisation.pk, 1)
        records.save_new_version(locked)
    assert Organisation.objects.get(pk=organisation.pk).version == 2
    with transaction.atomic(), pytest.raises(ConflictError):
        records.lock_at_version(Organisation.objects, organisation.pk, 1)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_row_stays_locked_until_the_first_change_is_committed() -> None:
    """The second writer, holding the same version, waits for the first one's commit and then sees the new
    version: it is refused instead of overwriting the change."""
    organisation = OrganisationFactory.create()
    locked, outcome = threading.Event(), dict[str, Any]()

    def first() -> None:
        try:
            with transaction.atomic():
                current: Organisation = records.lock_at_version(Organisation.objects, organisation.pk, 1)
                locked.set()
                time.sleep(0.5)
                records.save_new_version(current)
        finally:
            connections.close_all()

    def second() -> None:
        locked.wait(10)
        started = time.monotonic()
        try:
            with transaction.atomic():
                records.lock_at_version(Organisation.objects, organisation.pk, 1)
            outcome["result"] = "saved"
        except ConflictError:
            outcome["result"] = "refused"
        finally:
            outcome["waited"] = time.monotonic() - started
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["result"] == "refused"
    assert outcome["waited"] > 0.3
    assert Organisation.objects.get(pk=organisation.pk).version == 2


def test_set_status_publishes_once_and_logs_it() -> None:
    innovation = InnovationFactory.create(status=Status.DRAFT)
    published = records.set_status(
        innovation_services.RECORD, actor=robot(), record=innovation, status=Status.PUBLISHED, expected_version=1
    )
    assert (published.status, published.version) == (Status.PUBLISHED, 2)
    again = records.set_status(
        innovation_services.RECORD, actor=robot(), record=innovation, status=Status.PUBLISHED, expected_version=2
    )
    assert again.version == 2  # already published: nothing to save
    assert _log(innovation) == [Action.CREATE, Action.PUBLISH]


def test_set_status_refuses_a_stale_version_an_unknown_status_and_a_stranger() -> None:
    innovation = InnovationFactory.create(status=Status.DRAFT)
    kind = innovation_services.RECORD
    with pytest.raises(ConflictError):
        records.set_status(kind, actor=robot(), record=innovation, status=Status.PUBLISHED, expected_version=7)
    with pytest.raises(ValidationError):
        records.set_status(kind, actor=robot(), record=innovation, status="archived", expected_version=1)
    with pytest.raises(PermissionDenied):
        records.set_status(kind, actor=AnonymousUser(), record=innovation, status=Status.PUBLISHED, expected_version=1)
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.status, stored.version) == (Status.DRAFT, 1)
    assert _log(innovation) == [Action.CREATE]


def test_delete_refused_by_the_record_type_keeps_the_row_and_logs_nothing() -> None:
    organisation = OrganisationFactory.create()

    def refuse(record: Any) -> None:
        raise ValidationError("kept")

    kind = records.RecordType(
        model=Innovation,
        change_perm="innovations.change_innovation",
        delete_perm="innovations.delete_innovation",
        before_delete=refuse,
    )
    innovation = InnovationFactory.create(owner=organisation)
    with pytest.raises(ValidationError):
        records.delete(kind, actor=robot(), record=innovation)
    assert Innovation.objects.filter(pk=innovation.pk).exists()
    assert _log(innovation) == [Action.CREATE]
    records.delete(innovation_services.RECORD, actor=robot(), record=innovation)
    assert not Innovation.objects.filter(pk=innovation.pk).exists()


def test_apply_fields_refuses_unknown_names_and_gathers_every_mistake() -> None:
    organisation = Organisation()
    with pytest.raises(ValidationError) as unknown:
        records.apply_fields(organisation, {"slug": "x"}, ("name_fi",))
    assert set(unknown.value.message_dict) == {"slug"}

    def clean(name: str, value: Any) -> Any:
        if not value:
            raise ValidationError(f"{name} is empty")
        return value.strip()

    with pytest.raises(ValidationError) as mistakes:
        records.apply_fields(organisation, {"name_fi": "", "name_sv": ""}, ("name_fi", "name_sv"), clean)
    assert set(mistakes.value.message_dict) == {"name_fi", "name_sv"}
    records.apply_fields(organisation, {"name_fi": " Kunta "}, ("name_fi",), clean)
    assert organisation.name_fi == "Kunta"
    assert records.snapshot(organisation, ("name_fi",)) == {"name_fi": "Kunta"}
