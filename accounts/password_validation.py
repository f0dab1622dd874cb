"""Django's minimum-length rule in the service's own words: Django's Finnish catalogue says "Salasanasi tulee
sisältää ainakin 8 merkkiä" ("tulee" as "must" is advised against by Kielitoimisto), and our catalogue, read
before Django's, can only replace a message that our own code uses."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must have at least %(min_length)d character.",
            "This password is too short. It must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must have at least %(min_length)d character.",
            "Your password must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
