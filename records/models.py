"""The shape every organisation's record shares (innovations, experiments, and the record types still to come).

Abstract models only: each app keeps its own table. The owner is a lazy reference to organisations.Organisation,
resolved in the concrete model's app, so this module imports no app."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Versioned(models.Model):
    """One integer for optimistic locking: a write names the version it started from (records.services)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def owner_field(related_name: str) -> "models.ForeignKey[Any, Any]":
    """The owner organisation of a PublishableRecord, declared on the concrete model as `owner = owner_field(…)`:
    the reverse name is each model's own, spelt out (a "%(class)s" pattern would be a migration of its own)."""
    return models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class PublishableRecord(Versioned):
    """An organisation's titled record: a draft seen only inside the owner until it is published for everyone. The
    concrete model adds its `owner = owner_field("<records>")`."""

    if TYPE_CHECKING:
        owner_id: int
        # The per-language columns django-modeltranslation adds at run time (each app's translation.py names the
        # title and the summary among its translated fields).
        title_fi: str | None
        title_sv: str | None
        title_en: str | None
        summary_fi: str | None
        summary_sv: str | None
        summary_en: str | None

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-updated_at", "-id"]
        # The lists (newest published first) and an organisation's own records by status.
        indexes = [models.Index(fields=["status", "-updated_at"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        # Each record type's app names its page "<app>:detail".
        return reverse(f"{self._meta.app_label}:detail", kwargs={"pk": self.pk})
