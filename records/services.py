"""The writes every versioned record shares: the lock at a version (optimistic locking), the version bump, the
change log's snapshot and the setting of editable fields, and publishing, unpublishing and deleting.

An app describes its record type once (a RecordType in its services module) and its own services call these."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import change_record
from core.errors import ConflictError
from core.permissions import Person, require
from records.models import Status

M = TypeVar("M", bound=models.Model)


def refuse_stale(current: object, expected: object) -> None:
    """ConflictError when the token the person started from is not the stored one: someone saved in between."""
    if current != expected:
        raise ConflictError()


def lock_at_version(
    queryset: "models.QuerySet[M] | models.Manager[M]",
    pk: Any,
    expected_version: object,
    *,
    version_field: str = "version",
) -> M:
    """The row re-read under a lock (inside the caller's transaction), refused when it is no longer at the version
    the change started from. `version_field` names another integer that plays the version (e.g. "revision")."""
    current = queryset.select_for_update().get(pk=pk)
    refuse_stale(getattr(current, version_field), expected_version)
    return current


def save_new_version(record: Any, *fields: str) -> None:
    """Saves the record one version on: all of it, or only `fields` (with the version and the update time)."""
    record.version += 1
    if fields:
        extra = ("updated_at",) if hasattr(record, "updated_at") else ()
        record.save(update_fields=[*fields, "version", *extra])
    else:
        record.save()


def snapshot(record: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The values the change log compares (audit.services.diff), field by field."""
    return {name: getattr(record, name) for name in fields}


def apply_fields(
    record: Any, data: Mapping[str, Any], allowed: Iterable[str], clean: Callable[[str, Any], Any] | None = None
) -> None:
    """Sets the editable fields from `data`: a name outside `allowed` is refused, each value goes through `clean`
    (name, value) first. A ValidationError from `clean` is gathered, so that every field's mistake is told at once."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        try:
            value = clean(name, value) if clean else value
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.messages)
        setattr(record, name, value)
    if errors:
        raise ValidationError(errors)


def _nothing(*args: Any) -> None:
    return None


@dataclass(frozen=True)
class RecordType(Generic[M]):
    """What the shared services need to know of an app's publishable record (records.models.PublishableRecord)."""

    model: type[M]
    change_perm: str  # e.g. "innovations.change_innovation": publishes and unpublishes
    delete_perm: str
    # In the transaction, after the status changed (derived data: catalogue entries, stale figures …).
    status_changed: Callable[[M], None] = field(default=_nothing)
    # Before the row goes: may refuse (ValidationError) or mark what depends on it.
    before_delete: Callable[[M], None] = field(default=_nothing)
    # After the row went, with its id.
    deleted: Callable[[int], None] = field(default=_nothing)

    def locked(self, record: M, expected_version: int) -> M:
        """The record re-read under a lock, with its owner, at the version the change started from."""
        return lock_at_version(self.model._default_manager.select_related("owner"), record.pk, expected_version)


@transaction.atomic
def set_status(kind: RecordType[M], *, actor: Person, record: M, status: str, expected_version: int) -> M:
    """Publishes or returns the record to draft (a no-op when it already is), logged as a publish or unpublish."""
    require(actor, kind.change_perm, record)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status “%(value)s”.") % {"value": status}})
    current = kind.locked(record, expected_version)
    before = current.status  # type: ignore[attr-defined]
    if before == status:
        return current
    current.status = status  # type: ignore[attr-defined]
    save_new_version(current, "status")
    kind.status_changed(current)
    action = Action.PUBLISH if status == Status.PUBLISHED else Action.UNPUBLISH
    change_record(obj=current, actor=actor, action=action, changes={"status": [before, status]})
    return current


@transaction.atomic
def delete(kind: RecordType[M], *, actor: Person, record: M) -> None:
    """Deletes the record; the change log keeps its title."""
    require(actor, kind.delete_perm, record)
    kind.before_delete(record)
    change_record(obj=record, actor=actor, action=Action.DELETE, changes={"title": [str(record), None]})
    pk = record.pk
    record.delete()
    kind.deleted(pk)
