"""Innovations, their classifications, stages, partners, links, attachments — and adoptions, the lineage edges."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innovations.vocabulary import Dimension, Novelty, PartnerRole, Stage
from records.models import PublishableRecord, owner_field

if TYPE_CHECKING:
    from organisations.models import Organisation


class Innovation(PublishableRecord):
    """An organisation's innovation: title, summary, status, version and times come from
    records.models.PublishableRecord, the owner from its owner_field."""

    owner: "models.ForeignKey[Organisation, Organisation]" = owner_field(related_name="innovations")
    # Sanitised HTML (see core.sanitise).
    description = models.TextField(_("description"), blank=True)
    # What an adopter needs to know (as in Innokylä's practice descriptions); plain text, any HTML removed on save.
    target_group = models.TextField(_("target group"), blank=True, max_length=2000)
    resources = models.TextField(_("resources and costs"), blank=True, max_length=4000)
    evidence = models.TextField(_("evidence of effect"), blank=True, max_length=4000)
    is_social = models.BooleanField(_("social innovation"), default=False)
    is_systemic = models.BooleanField(_("systemic innovation"), default=False)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.IDEA)
    novelty = models.CharField(_("novelty"), max_length=16, choices=Novelty.choices, default=Novelty.NEW)
    # Lineage outside the registry; lineage inside it is an Adoption whose result is this innovation.
    external_source = models.CharField(_("external source"), max_length=300, blank=True)
    external_source_url = models.URLField(_("address of the external source"), blank=True)
    introduced_on = models.DateField(_("taken into use on"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), blank=True, related_name="innovations")
    search_document = models.TextField(blank=True, editable=False)
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        description_fi: str | None
        description_sv: str | None
        description_en: str | None
        target_group_fi: str | None
        target_group_sv: str | None
        target_group_en: str | None
        resources_fi: str | None
        resources_sv: str | None
        resources_en: str | None
        evidence_fi: str | None
        evidence_sv: str | None
        evidence_en: str | None

    class Meta(PublishableRecord.Meta):
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        indexes = [
            *PublishableRecord.Meta.indexes,
            models.Index(fields=["stage"]),
            models.Index(fields=["novelty"]),
        ]


class Classification(models.Model):
    """One value of a multi-valued classification (type, idea source, motivation …) of an innovation.

    One narrow table for all dimensions: filters are one EXISTS each and all facet counts one GROUP BY.
    """

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="classifications")
    dimension = models.CharField(max_length=24, choices=Dimension.choices)
    code = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["innovation", "dimension", "code"], name="unique_classification")
        ]
        indexes = [models.Index(fields=["dimension", "code", "innovation"])]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.code}"


class StageEvent(models.Model):
    """The innovation entered a stage on a date: the stage history."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="stage_events")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.date}"


class Adoption(models.Model):
    """An organisation took another's innovation into use by copying or adapting it.

    `result` is the adopter's own innovation record; following `source` gives the lineage graph.
    """

    source = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="adoptions")
    result = models.OneToOneField(Innovation, on_delete=models.CASCADE, related_name="adopted_from")
    mode = models.CharField(
        _("how"),
        max_length=16,
        choices=[(Novelty.ADAPTED, Novelty.ADAPTED.label), (Novelty.COPIED, Novelty.COPIED.label)],
    )
    adopted_on = models.DateField(_("adopted on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-adopted_on", "-id"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [models.CheckConstraint(condition=~models.Q(source=models.F("result")), name="adoption_not_self")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.result_id} ({self.mode})"


class Partnership(models.Model):
    """An organisation that took part in developing an innovation, with its role and the phases it was in."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.CO_DEVELOPER)
    in_idea_phase = models.BooleanField(_("idea phase"), default=False)
    in_development_phase = models.BooleanField(_("development phase"), default=True)
    in_implementation_phase = models.BooleanField(_("implementation phase"), default=False)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [models.UniqueConstraint(fields=["innovation", "organisation"], name="unique_partner")]
        indexes = [models.Index(fields=["organisation", "innovation"])]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Link(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.title)


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.innovation_id}/{filename}"


class Attachment(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.title)


def image_path(instance: "InnovationImage", filename: str) -> str:
    return f"innovation-images/{instance.innovation_id}/{filename}"


class InnovationImage(models.Model):
    """A picture of the innovation in use, re-encoded without metadata (core.uploads.clean_image), with a text
    alternative in each language for people who cannot see it."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("image"), upload_to=image_path)
    alt_text = models.CharField(_("text alternative"), max_length=300)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        alt_text_fi: str | None
        alt_text_sv: str | None
        alt_text_en: str | None

    class Meta:
        ordering = ["id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return str(self.alt_text)


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LineageProposal(models.Model):
    """An existing record's editor says "we adapted (or copied) this from …" afterwards. Only the source's owner can
    confirm it; a confirmed proposal becomes an Adoption (a lineage edge). Until then nothing is drawn."""

    source = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="lineage_proposals_received")
    result = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="lineage_proposals_made")
    mode = models.CharField(
        _("how"),
        max_length=16,
        choices=[(Novelty.ADAPTED, Novelty.ADAPTED.label), (Novelty.COPIED, Novelty.COPIED.label)],
    )
    adopted_on = models.DateField(_("adopted on"))
    message = models.CharField(_("message to the source's owner"), max_length=1000, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("lineage proposal")
        verbose_name_plural = _("lineage proposals")
        constraints = [
            models.CheckConstraint(condition=~models.Q(source=models.F("result")), name="lineage_proposal_not_self"),
            # One open proposal per record at a time: a record has at most one source.
            models.UniqueConstraint(
                fields=["result"], condition=models.Q(state="pending"), name="one_pending_proposal_per_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} ← {self.source_id} ({self.state})"


class CatalogueEntry(models.Model):
    """What the catalogue filters on and counts, one narrow row per innovation, derived from the innovation, its
    owner, its types, themes and partners by `innovations.catalogue.refresh` (every write calls it).

    Why a copy: counting seven facets means visiting every matching innovation. On the base tables that is a
    wide row plus joins to classifications, themes and partners for each; here it is one short row. The
    multi-valued facets are space-separated codes with a space at each end (" service process "), so "has
    this value" is the portable LIKE '% service %' on SQLite and PostgreSQL alike."""

    innovation = models.OneToOneField(
        Innovation, on_delete=models.CASCADE, primary_key=True, related_name="catalogue_entry"
    )
    status = models.CharField(max_length=16)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=16)
    novelty = models.CharField(max_length=16)
    owner_kind = models.CharField(max_length=32)
    region = models.CharField(max_length=2, blank=True)  # the owner's region code; "" when it has none
    types = models.CharField(max_length=200, blank=True)
    themes = models.TextField(blank=True)  # theme slugs
    partner_kinds = models.CharField(max_length=400, blank=True)

    def __str__(self) -> str:
        return f"catalogue entry of {self.innovation_id}"


class CatalogueVersion(models.Model):
    """One row whose token changes, in the same transaction, with every write that can change what the catalogue
    lists or counts. Cached counts are keyed by it: a write makes every older entry unreachable at once, in every
    process (the token is in the database, so even a per-process cache is never stale)."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
