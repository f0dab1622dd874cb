"""What every form of the site shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The legend of each language's group of fields in forms that take texts in Finnish, Swedish and English.
LANGUAGE_LEGENDS = {"fi": _("In Finnish"), "sv": _("In Swedish"), "en": _("In English")}


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError next to the fields it names; the rest goes to the top of the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
