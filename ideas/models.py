"""Co-development: challenges that organisations open, the ideas people send, comments and supports."""

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisations.models import Network, Organisation

# Finland's bounding box (WGS84), with a little margin for the coast and the islands.
FINLAND_LAT = (59.5, 70.2)
FINLAND_LON = (19.0, 31.7)


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    REGISTERED = "registered", _("Registered users")
    RESIDENTS = "residents", _("Residents of given municipalities")
    STAFF = "staff", _("The organisation's own staff")
    PARTNERS = "partners", _("Invited partners")


class Participation(models.TextChoices):
    """Who may send ideas, comment or support. Comments and supports always need a signed-in person."""

    ANYONE = "anyone", _("Anyone, also without an account")
    REGISTERED = "registered", _("Registered users only")
    STRONG = "strong", _("Only people who signed in with strong identification")


class IdeaSource(models.TextChoices):
    """Where an idea came from: the categories the barometer's question on idea sources uses (q_idea_sources),
    so that the barometer's figures can later be filled from the platform."""

    OWN_STAFF = "own_staff", _("Own staff")
    MANAGEMENT = "management", _("Management and elected officials")
    USERS = "users", _("Service users and residents")
    OTHER_MUNICIPALITIES = "other_municipalities", _("Other municipalities and joint municipal authorities")
    DOMESTIC_NETWORKS = "domestic_networks", _("Domestic networks, seminars, workshops and info sessions")
    UNIVERSITIES = "universities", _("Universities, higher education and research institutes")
    COMPANIES = "companies", _("Companies")
    THIRD_SECTOR = "third_sector", _("Third sector (associations, foundations)")
    STATE_AGENCIES = "state_agencies", _("State agencies and ministries")
    INTERNATIONAL = "international", _("International networks")
    OTHER = "other", _("Other")


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class IdeaState(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    IN_DEVELOPMENT = "in_development", _("In development")
    EXPERIMENTING = "experimenting", _("Experimenting")
    IN_USE = "in_use", _("In use")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")


class Challenge(models.Model):
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="challenges")
    co_organisers = models.ManyToManyField(Organisation, blank=True, related_name="co_organised_challenges")
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        help_text=_("A network that opens the challenge together: its members' staff may handle ideas."),
    )
    # Used when the audience is RESIDENTS: the municipalities (as organisations of kind municipality).
    municipalities = models.ManyToManyField(
        Organisation, verbose_name=_("municipalities"), blank=True, related_name="resident_challenges"
    )
    # Used when the audience is PARTNERS: the staff of these organisations may take part.
    invited_partners = models.ManyToManyField(
        Organisation, verbose_name=_("invited partners"), blank=True, related_name="partner_challenges"
    )
    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(_("question"), max_length=300, blank=True, help_text=_("How might we …?"))
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    participation = models.CharField(
        _("who may send ideas"), max_length=20, choices=Participation.choices, default=Participation.ANYONE
    )
    comment_participation = models.CharField(
        _("who may comment"), max_length=20, choices=Participation.choices, default=Participation.REGISTERED
    )
    support_participation = models.CharField(
        _("who may support"), max_length=20, choices=Participation.choices, default=Participation.REGISTERED
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="handled_challenges")
    status = models.CharField(
        _("status"), max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:  # the per-language columns django-modeltranslation adds at run time
        title_fi: str
        title_sv: str
        title_en: str
        question_fi: str
        question_sv: str
        question_en: str
        description_fi: str
        description_sv: str
        description_en: str

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The closing date cannot be before the opening date.")})


def idea_upload_path(instance: "Idea", filename: str) -> str:
    # A random folder name: an idea's files are served through a view that checks permissions, never by URL guess.
    return f"ideas/{secrets.token_hex(16)}/{filename}"


class IdeaStateOption(models.Model):
    """An organisation's own name for an idea state: each maps to one of the six built-in states (`kind`),
    which the platform's rules, filters and the Lab portfolio use. A state that is not public is shown to
    others under its kind's name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="idea_states")
    kind = models.CharField(_("kind"), max_length=20, choices=IdeaState.choices)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    public = models.BooleanField(_("public"), default=True)

    if TYPE_CHECKING:
        name_fi: str
        name_sv: str
        name_en: str

    class Meta:
        ordering = ("organisation", "order", "id")
        verbose_name = _("idea state")
        verbose_name_plural = _("idea states")

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    challenge = models.ForeignKey(Challenge, null=True, blank=True, on_delete=models.CASCADE, related_name="ideas")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ideas")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    sender_email = models.EmailField(_("e-mail address"), blank=True)
    confirmation_token = models.CharField(max_length=64, blank=True, db_index=True)
    confirmed = models.BooleanField(default=False)
    source = models.CharField(_("source"), max_length=24, choices=IdeaSource.choices, default=IdeaSource.USERS)
    image = models.ImageField(_("image"), upload_to=idea_upload_path, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=idea_upload_path, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=IdeaState.choices, default=IdeaState.RECEIVED)
    # The organisation's own name for the state, if it has defined its states; it always has the kind `state`.
    state_option = models.ForeignKey(
        IdeaStateOption, verbose_name=_("state"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partners"), blank=True, related_name="partner_ideas"
    )
    # Where the idea went: the experiment or the innovation record made from it.
    experiment = models.ForeignKey(
        "experiments.Experiment",
        verbose_name=_("experiment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = _("Give both the latitude and the longitude, or neither.")
        if self.latitude is not None and not FINLAND_LAT[0] <= self.latitude <= FINLAND_LAT[1]:
            errors["latitude"] = _("The place must be in Finland.")
        if self.longitude is not None and not FINLAND_LON[0] <= self.longitude <= FINLAND_LON[1]:
            errors["longitude"] = _("The place must be in Finland.")
        if errors:
            raise ValidationError(errors)


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_comments")
    text = models.TextField(_("comment"))
    hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.author_id} on {self.idea_id}"


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("idea", "user"), name="ideas_one_support_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.idea_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    HIDDEN = "hidden", _("Content hidden")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """Somebody's report that an idea or a comment breaks the rules; handlers see them in the moderation queue."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = pgettext_lazy("moderation", "report")
        verbose_name_plural = pgettext_lazy("moderation", "reports")

    def __str__(self) -> str:
        return f"report on {self.comment_id or self.idea_id}"


class BannedWord(models.Model):
    """A word an organisation does not accept in ideas and comments sent to it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="banned_words")
    word = models.CharField(_("word"), max_length=100)

    class Meta:
        ordering = ("organisation", "word")
        constraints = [models.UniqueConstraint(fields=("organisation", "word"), name="ideas_banned_word_once")]
        verbose_name = _("banned word")
        verbose_name_plural = _("banned words")

    def __str__(self) -> str:
        return self.word
