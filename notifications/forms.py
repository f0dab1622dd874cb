from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often do you want e-mail about the ideas you sent or support?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often."), "invalid_choice": _("Choose how often from the list.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=settings.LANGUAGES,
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose a language from the list."),
        },
    )
