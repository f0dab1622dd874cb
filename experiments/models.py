"""Experiments (kokeilut): a hypothesis tested in given places with given participants, what was measured, the
results, and the decision taken on them. A finished experiment decided "scale up" becomes an innovation in use."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.vocabulary import PartnerRole
from records.models import PublishableRecord, owner_field

if TYPE_CHECKING:
    from organisations.models import Organisation


class Decision(models.TextChoices):
    SCALE_UP = "scale_up", _("Scale up")
    CONTINUE = "continue", _("Continue the experiment")
    CHANGE = "change", _("Change and try again")
    STOP = "stop", _("Stop")


class Experiment(PublishableRecord):
    """An organisation's experiment: title, summary, status, version and times come from
    records.models.PublishableRecord, the owner from its owner_field."""

    owner: "models.ForeignKey[Organisation, Organisation]" = owner_field(related_name="experiments")
    # Plain text (any HTML is removed on save, see core.sanitise.strip_html).
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    measures = models.TextField(_("what is measured and how"), blank=True)
    places = models.TextField(_("places"), blank=True)
    participants = models.TextField(_("participants"), blank=True)
    results = models.TextField(_("results"), blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = models.DecimalField(_("budget (euros)"), max_digits=12, decimal_places=2, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    partners = models.ManyToManyField(
        "organisations.Organisation",
        through="ExperimentPartner",
        verbose_name=_("partners"),
        related_name="partner_experiments",
        blank=True,
    )
    # The innovation the experiment tried out, if any, and the innovation it became when scaled up.
    source_innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation tried out"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
    )
    resulting_innovation = models.OneToOneField(
        "innovations.Innovation",
        verbose_name=_("resulting innovation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_experiment",
    )
    search_document = models.TextField(blank=True, editable=False)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        hypothesis_fi: str | None
        hypothesis_sv: str | None
        hypothesis_en: str | None
        results_fi: str | None
        results_sv: str | None
        results_en: str | None
        decision_reasons_fi: str | None
        decision_reasons_sv: str | None
        decision_reasons_en: str | None

    class Meta(PublishableRecord.Meta):
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        indexes = [
            *PublishableRecord.Meta.indexes,
            models.Index(fields=["ends_on"]),
        ]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The experiment cannot end before it starts.")})
        if self.budget is not None and self.budget < 0:
            raise ValidationError({"budget": _("The budget cannot be negative.")})

    @property
    def is_finished(self) -> bool:
        """Finished: its end date has passed (an experiment without an end date is running)."""
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    @property
    def is_running(self) -> bool:
        return not self.is_finished


class ExperimentPartner(models.Model):
    """An organisation that took part in the experiment, with its role."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.CO_DEVELOPER)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [models.UniqueConstraint(fields=["experiment", "organisation"], name="unique_experiment_partner")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"
