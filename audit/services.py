"""Recording changes. Every service that writes an important record calls change_record."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import Action, ChangeRecord
from core.permissions import Person


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the log."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        # Empty items are dropped like empty values: sorting None among strings would raise TypeError.
        return sorted(item for item in map(_plain, value) if item is not None) or None
    if value in (None, "", [], ()):
        return None  # empty in any form: "nothing" before and after is no change
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    changed = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changed[field] = [old, new]
    return changed


def change_record(
    *, obj: models.Model, actor: Person | None, action: Action, changes: dict[str, Any] | None = None
) -> ChangeRecord:
    """Logs `action` on `obj`. `actor`: who did it; anonymous or None (a cron command) is logged as nobody."""
    return ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        # By key: audit sits below accounts and knows the person only as a Person.
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        action=action,
        changes=changes or {},
    )
