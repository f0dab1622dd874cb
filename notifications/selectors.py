"""Reads: a person's notification preference and their notifications that wait to be sent."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from notifications.models import Frequency, Notification, Preference

DEFAULT_LANGUAGE = "fi"


@dataclass(frozen=True)
class Person:
    """Who gets a notification: an account, or the e-mail address of a sender without one."""

    user: Any = None
    email: str = ""

    @property
    def key(self) -> tuple[str, Any]:
        return ("u", self.user.pk) if self.user is not None else ("e", self.email.lower())


def preference_for(person: Person) -> Preference:
    """The person's saved preference, or an unsaved default (immediately, in Finnish)."""
    if person.user is not None:
        found = Preference.objects.filter(user=person.user).first()
        return found or Preference(user=person.user, frequency=Frequency.IMMEDIATE, language=DEFAULT_LANGUAGE)
    found = Preference.objects.filter(user__isnull=True, email__iexact=person.email).first()
    return found or Preference(email=person.email.lower(), frequency=Frequency.IMMEDIATE, language=DEFAULT_LANGUAGE)


def unsent_of(person: Person) -> QuerySet[Notification]:
    """The person's notifications that have not been mailed yet (only theirs: the page shows how many wait)."""
    unsent = Notification.objects.filter(sent_at__isnull=True)
    if person.user is not None:
        return unsent.filter(user=person.user)
    return unsent.filter(user__isnull=True, email__iexact=person.email)
