"""Organisations (the registry's actors), Finland's regions and wellbeing services counties, and networks."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.identifiers import is_valid_business_id
from organisations.size_classes import size_class
from records.models import Versioned


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    JOINT_AUTHORITY = "joint_authority", _("Joint municipal authority")
    WELLBEING_COUNTY = "wellbeing_county", _("Wellbeing services county")
    REGIONAL_COUNCIL = "regional_council", _("Regional council")
    MINISTRY = "ministry", _("Ministry")
    STATE_AGENCY = "state_agency", _("State agency")
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University")
    UAS = "uas", _("University of applied sciences")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    THIRD_SECTOR = "third_sector", _("Third-sector organisation")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


# The kinds that answer the barometer and own innovations in the public sector's sense.
PUBLIC_SECTOR_KINDS = frozenset(
    {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.JOINT_AUTHORITY,
        OrganisationKind.WELLBEING_COUNTY,
        OrganisationKind.REGIONAL_COUNCIL,
        OrganisationKind.MINISTRY,
        OrganisationKind.STATE_AGENCY,
    }
)


class SizeClass(models.TextChoices):
    LT5K = "lt5k", _("under 5,000 inhabitants")
    K5_10 = "5k-10k", _("5,000–9,999 inhabitants")
    K10_20 = "10k-20k", _("10,000–19,999 inhabitants")
    K20_50 = "20k-50k", _("20,000–49,999 inhabitants")
    K50_100 = "50k-100k", _("50,000–99,999 inhabitants")
    K100 = "100k+", _("100,000 inhabitants or more")


class Region(models.Model):
    """A region (maakunta); code as in Statistics Finland's classification."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return str(self.name)


class WellbeingCounty(models.Model):
    """A wellbeing services county (hyvinvointialue), from 2023."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="wellbeing_counties")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        name_fi: str | None
        name_sv: str | None
        name_en: str | None
        short_name_fi: str | None
        short_name_sv: str | None
        short_name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")

    def __str__(self) -> str:
        return str(self.name)


class Profile(Versioned):
    """What an organisation and a network share: an address name, a name and a description in each language (see
    translation.py), a website, the version for optimistic locking (see services) and the times."""

    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        name_fi: str | None
        name_sv: str | None
        name_en: str | None
        description_fi: str | None
        description_sv: str | None
        description_en: str | None

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class Organisation(Profile):
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Statistics Finland's three-digit code, for municipalities."),
    )
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Finnish business ID (Y-tunnus), e.g. 0201256-6."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    wellbeing_county = models.ForeignKey(
        WellbeingCounty,
        verbose_name=_("wellbeing services county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # Derived from the population on every save (see clean); stored so that it can be filtered and counted.
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    # Set on the public-sector organisations that the reference data loads (e.g. "ministry:vm",
    # "wellbeing_county:PI"): the loader finds its row again by it, also after a rename; None for all others.
    reference_code = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    is_synthetic = models.BooleanField(
        _("synthetic demo record"),
        default=False,
        help_text=_("Made up for demonstration; not a real organisation's data."),
    )
    # Its editors and administrators must use two-step sign-in (accounts.two_factor_policy enforces it).
    requires_two_factor = models.BooleanField(
        _("two-step sign-in required"),
        default=False,
        help_text=_(
            "Editors and administrators must sign in with a code from an authenticator app as well. Those who have "
            "not set it up are asked to do so before they can continue."
        ),
    )

    class Meta(Profile.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["region", "kind"])]

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.business_id and not is_valid_business_id(self.business_id):
            errors["business_id"] = _(
                "“%(value)s” is not a valid business ID: the form is 1234567-8 and the last digit is a check digit."
            ) % {"value": self.business_id}
        if self.municipality_code and not (len(self.municipality_code) == 3 and self.municipality_code.isdigit()):
            errors["municipality_code"] = _("A municipality code has exactly three digits.")
        if self.kind == OrganisationKind.MUNICIPALITY and not self.municipality_code:
            errors["municipality_code"] = _("A municipality needs its municipality code.")
        county = self.wellbeing_county if self.wellbeing_county_id else None
        if county and self.region_id and county.region_id != self.region_id:
            errors["wellbeing_county"] = _("The wellbeing services county is not in the chosen region.")
        if errors:
            raise ValidationError(errors)
        self.size_class = size_class(self.population)


class Network(Profile):
    """A network of organisations, e.g. Innokaupungit: members, a coordinator, themes and an agreement period."""

    coordinator = models.ForeignKey(
        Organisation,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_networks",
    )
    members = models.ManyToManyField(
        Organisation, verbose_name=_("members"), through="NetworkMembership", related_name="networks"
    )
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), blank=True, related_name="networks")
    agreement_start = models.DateField(_("agreement starts"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement ends"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta(Profile.Meta):
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def get_absolute_url(self) -> str:
        return reverse("organisations:network", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.agreement_start and self.agreement_end and self.agreement_end < self.agreement_start:
            raise ValidationError({"agreement_end": _("The agreement cannot end before it starts.")})


class NetworkMembership(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="network_memberships")
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "organisation"], name="unique_network_member")]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")

    def __str__(self) -> str:
        return f"{self.network} – {self.organisation}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(models.Model):
    """A request to bring a new organisation onto Innoverkko. A platform administrator approves it (the
    organisation is created and the requester becomes its administrator) or declines it with a reason."""

    name = models.CharField(_("name of the organisation"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    business_id = models.CharField(_("business ID"), max_length=9, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail address"))
    message = models.TextField(_("message to the administrators"), max_length=2000, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_join_requests"
    )
    # The language the request was made in: the answer is mailed in it.
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fi")
    status = models.CharField(
        _("status"), max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="join_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"
