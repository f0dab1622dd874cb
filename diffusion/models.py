"""Stored diffusion figures: computed in the background after writes (diffusion/services.py), read by the pages.

Nothing here is computed on a page request. A write that changes adoptions or what is published marks the
figures it touches stale in its own transaction (`diffusion.staleness`); the recomputation runs after the response
(`core/after_response.py`) or from `recompute_diffusion` (cron, later the task queue of issue 17). Figures are
always computed from published records only, so they may be shown to anyone.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DiffusionState(models.Model):
    """One row (pk=1): the registry's diffusion version, bumped by every write that can change a figure. Figures
    computed from an older version are stale; the registry-wide ones (network, flows, trends) are compared to it."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("diffusion state")
        verbose_name_plural = _("diffusion state")

    def __str__(self) -> str:
        return f"diffusion version {self.version}"


class FamilyFigures(models.Model):
    """The figures of one innovation family, keyed by its published root (the original, not adopted from any
    published record): adoption curve, Bass fit, adopter categories.

    `generation` grows with every mark; a recomputation that started from an older generation leaves the row
    stale, so a write during a recomputation is never lost.
    """

    root = models.OneToOneField(
        "innovations.Innovation", on_delete=models.CASCADE, primary_key=True, related_name="family_figures"
    )
    stale = models.BooleanField(default=True, db_index=True)
    generation = models.PositiveBigIntegerField(default=1)
    computed_generation = models.PositiveBigIntegerField(default=0)
    registry_version = models.PositiveBigIntegerField(default=0)  # DiffusionState.version read when computed
    computed_at = models.DateTimeField(null=True, blank=True)
    members = models.PositiveIntegerField(default=0)  # published records in the family
    adopters = models.PositiveIntegerField(default=0)  # distinct organisations among them
    # {"curve": {...}, "fit": {...} | null, "flags": [...], "categories": {org_id: code}, "population": n, ...}
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("figures of an innovation family")
        verbose_name_plural = _("figures of innovation families")

    def __str__(self) -> str:
        return f"family of {self.root_id}"

    @property
    def computed(self) -> bool:
        return self.computed_at is not None


class Computed(models.Model):
    """What every table of figures computed from the whole registry records: the registry version
    (DiffusionState.version) it was computed from, and when."""

    registry_version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True


class OrganisationFigures(Computed):
    """An organisation's place in the network of who learns from whom (from the registry-wide computation)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="diffusion_figures"
    )
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("diffusion figures of an organisation")
        verbose_name_plural = _("diffusion figures of organisations")

    def __str__(self) -> str:
        return f"diffusion figures of organisation {self.organisation_id}"


class RegistryFigures(Computed):
    """One row (pk=1): the registry-wide figures (trends by year, region flows, network summary)."""

    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("registry-wide diffusion figures")
        verbose_name_plural = _("registry-wide diffusion figures")

    def __str__(self) -> str:
        return f"registry-wide diffusion figures, version {self.registry_version}"


class OrganisationRecommendations(Computed):
    """What to adopt next for one organisation: its top families with their reasons as data (diffusion.maths.
    recommend), fitted once in the registry-wide recomputation; the page puts the reasons in words."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="recommendations"
    )
    # [{"innovation": root_id, "score": x, "reason": {...Reason fields, organisation and innovation keys as ints}}]
    items = models.JSONField(default=list)

    class Meta:
        verbose_name = _("recommendations for an organisation")
        verbose_name_plural = _("recommendations for organisations")

    def __str__(self) -> str:
        return f"recommendations for organisation {self.organisation_id}"


class FamilySuggestions(Computed):
    """For one published family (keyed by its root): families its adopters also adopted, and the organisations
    likely to adopt it next (from the same fit as OrganisationRecommendations)."""

    root = models.OneToOneField(
        "innovations.Innovation", on_delete=models.CASCADE, primary_key=True, related_name="family_suggestions"
    )
    also_adopted = models.JSONField(default=list)  # [{"innovation": root_id, "co_adopters": n, "share": x}]
    likely_next = models.JSONField(default=list)  # [{"organisation": pk, "score": x, "reason": {...}}]

    class Meta:
        verbose_name = _("suggestions for an innovation family")
        verbose_name_plural = _("suggestions for innovation families")

    def __str__(self) -> str:
        return f"suggestions for family {self.root_id}"


class SuggestionState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class SourceSuggestion(models.Model):
    """ "You may have learned this from …": for a published record that says it was adapted or copied but has no
    recorded source, a likely source among the earlier adopters of similar families, ranked by a choice model fitted
    on the registry's recorded lineage (diffusion.maths.source_choice: timing, the family's original, region,
    networks, partners, NetInf's inferred ties), stored by the registry-wide recomputation. Only a suggestion to the record's editors: confirming
    it proposes the lineage through innovations.services.lineage_propose (the source's owner still confirms);
    it is never lineage itself. Open rows are replaced by each recomputation; decided ones stay, so a dismissed
    suggestion never comes back."""

    record = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="source_suggestions")
    source = models.ForeignKey("innovations.Innovation", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)  # the choice model's probability (diffusion.maths.source_choice)
    # {"delay_days": n, "source_date": iso, "tie_support": n, "similarity": x, "same_region": bool, "networks": [ids],
    #  "partners": bool, "first": bool}
    reason = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=16, choices=SuggestionState.choices, default=SuggestionState.OPEN, db_index=True
    )
    registry_version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("suggested source")
        verbose_name_plural = _("suggested sources")
        constraints = [
            models.UniqueConstraint(fields=["record", "source"], name="one_suggestion_per_record_and_source"),
            models.CheckConstraint(condition=~models.Q(record=models.F("source")), name="suggestion_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} ← {self.source_id}? ({self.state})"


class EventHistoryFigures(Computed):
    """Does the network explain adoption? Berry & Berry's event-history logit (diffusion.maths.event_history) for
    one innovation family (kind "family", key: its published root's id) or one theme (kind "theme", key: the
    theme's slug), fitted in the registry-wide recomputation from published records only; the page puts the
    effects and flags in words."""

    # A family is fitted alone once this many organisations have adopted it. The model estimates eight terms
    # (intercept, four covariates, a cubic baseline); with fewer than twenty adoptions that is under three a term,
    # the intervals span everything and the fit often separates. Between twenty and Peduzzi's ten a term (80) the
    # table is shown with its few_events_per_term flag in words. On the demo registry 20 of 223 families qualify.
    FAMILY_MIN_ADOPTERS = 20

    class Kind(models.TextChoices):
        FAMILY = "family", _("innovation family")
        THEME = "theme", _("theme")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=80)
    # {"effects": [...], "flags": [...], "n_rows": n, "n_events": n, ..., "families": n, "start_year": y, ...}
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("event-history figures")
        verbose_name_plural = _("event-history figures")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="unique_event_history_kind_key")]

    def __str__(self) -> str:
        return f"event history of {self.kind} {self.key}"
