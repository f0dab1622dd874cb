"""Errors that services raise and both the pages and the API translate for people."""

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone else saved the record after this person opened it: their change would be lost."""

    message = _(
        "Someone else has changed this record since you opened it. Reload it, check their changes and make yours again."
    )
