"""Notifications to the sender and the supporters of an idea, to the people who handle ideas (a new idea, a report)
and to the owners of an adopted innovation, and each person's choice of how often to get them.

A person is either an account (`user`) or, for somebody who sent an idea without an account, an e-mail address
(`email`): exactly one of the two is set on a preference and on a notification.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one e-mail per change")
    DAILY = "daily", _("Once a day, a summary")
    WEEKLY = "weekly", _("Once a week, a summary")
    NONE = "none", _("Never")


class Change(models.TextChoices):
    STATE = "state", _("The state changed")
    MERGED = "merged", _("Merged into another idea")
    EXPERIMENT = "experiment", _("An experiment was started from it")
    INNOVATION = "innovation", _("It became an innovation")
    HIDDEN = "hidden", _("Hidden by a moderator")
    COMMENT = "comment", _("A new comment")
    # For the people who handle ideas: a new (confirmed) idea to handle, and a report of an idea or a comment.
    NEW_IDEA = "new_idea", _("A new idea to handle")
    REPORTED = "reported", _("Reported to the moderators")
    # For the editors and administrators of an innovation's owner: another organisation adopted it.
    ADOPTED = "adopted", _("Adopted by another organisation")


# The changes that concern the sender and supporters of an idea (the others go to handlers and owners).
FOLLOWER_CHANGES = frozenset(
    {Change.STATE, Change.MERGED, Change.EXPERIMENT, Change.INNOVATION, Change.HIDDEN, Change.COMMENT}
)


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fi")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email="")) | (Q(user__isnull=True) & ~Q(email="")),
                name="notifications_preference_user_or_email",
            ),
            models.UniqueConstraint(
                fields=("email",), condition=Q(user__isnull=True), name="notifications_preference_email_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.email}: {self.frequency}"


class Notification(models.Model):
    """One change of one idea (or one adoption of an innovation) for one person. It is sent once: alone
    (immediate) or in a digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    email = models.EmailField(blank=True)
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    adoption = models.ForeignKey(
        "innovations.Adoption", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    change = models.CharField(max_length=12, choices=Change.choices)
    # The idea's state when the change happened: a digest read later still tells the state it was moved to.
    state = models.CharField(max_length=20, blank=True)
    state_option = models.ForeignKey(
        "ideas.IdeaStateOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(blank=True)
    # Copied from the person's preference when made; changing the preference moves the unsent ones along.
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A sender marks the rows it is about to mail (claim + claimed_at) so that an overlapping run skips them;
    # a claim older than CLAIM_TIMEOUT (a process that died mid-send) may be taken again.
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("frequency", "sent_at"), name="notifications_unsent")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email="")) | (Q(user__isnull=True) & ~Q(email="")),
                name="notifications_notification_user_or_email",
            ),
            models.CheckConstraint(
                condition=Q(idea__isnull=False, adoption__isnull=True) | Q(idea__isnull=True, adoption__isnull=False),
                name="notifications_notification_idea_or_adoption",
            ),
        ]

    def __str__(self) -> str:
        about = f"idea {self.idea_id}" if self.idea_id else f"adoption {self.adoption_id}"
        return f"{self.change} on {about} for {self.user_id or self.email}"
