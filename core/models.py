"""Vocabulary shared by every part of the platform."""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A subject area such as "wellbeing and health technology"; innovations and networks are tagged with them."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return str(self.name)


class RateCounter(models.Model):
    """One rate limit's count in one time window (core.limits): a row every worker and server shares."""

    # group, window length, window number and a keyed hash of who is counted (no addresses in readable form)
    name = models.CharField(max_length=120, primary_key=True)
    hits = models.IntegerField(default=0)
    expires = models.BigIntegerField(db_index=True, help_text="Unix time after which the row is deleted")

    def __str__(self) -> str:
        return f"{self.name}: {self.hits}"
