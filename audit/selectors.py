"""Reading the change log of one record."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from audit.models import ChangeRecord


def change_list(*, obj: models.Model) -> QuerySet[ChangeRecord]:
    """The record's changes, newest first; slice it or page it."""
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
