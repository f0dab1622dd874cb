"""What every form of the site shares."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
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


_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")


class LocalizedDecimalField(forms.DecimalField):
    """A decimal number as the reader's language writes it: "12 500,50" in Finnish and Swedish (decimal comma,
    spaces between thousands), "12500.50" too, and "12,500.50" in English. A text input with a decimal keypad,
    since a browser's number input refuses the comma in some locales and reformats what it does not refuse."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            # Ordinary, no-break and narrow no-break spaces group the thousands in Finnish and Swedish.
            value = "".join(value.split()).replace("\u202f", "").replace("\xa0", "")
            if get_format("DECIMAL_SEPARATOR") == ",":
                if value.count(",") == 1 and "." not in value:
                    value = value.replace(",", ".")
            elif _GROUPED.match(value):  # English thousands: 12,500.50 (but "12,50" stays an error, not 1250)
                value = value.replace(",", "")
        return super().to_python(value)
