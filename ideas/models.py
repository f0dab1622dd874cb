"""Co-development: challenges that organisations open, the ideas people send, comments and supports."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

# Finland's bounding box (WGS84), with a little margin for the coast and the islands.
FINLAND_LAT = (59.5, 70.2)
FINLAND_LON = (19.0, 31.7)


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    REGISTERED = "registered", _("Registered users")
    STAFF = "staff", _("The organisation's own staff")


class Participation(models.TextChoices):
    ANYONE = "anyone", _("Anyone, also without an account")
    REGISTERED = "registered", _("Registered users only")


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
    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(_("question"), max_length=300, blank=True, help_text=_("How might we …?"))
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    participation = models.CharField(
        _("who may take part"), max_length=20, choices=Participation.choices, default=Participation.ANYONE
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
    state = models.CharField(_("state"), max_length=20, choices=IdeaState.choices, default=IdeaState.RECEIVED)
    state_reason = models.TextField(_("reason"), blank=True)
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
