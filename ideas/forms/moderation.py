"""Forms of the moderation pages: a report, hiding with a reason, a banned word. They check the shape of the
input; ideas.services.moderation decides the rest (its errors are attached to these fields)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.services.moderation import MAX_REASON, MAX_WORD


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: insulting, spam, personal data of others. The handlers read your report."),
    )
    # The honeypot, as on the idea form: hidden from people and from assistive technology; bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding, shown to everyone"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BannedWordForm(forms.Form):
    word = forms.CharField(
        label=_("Word to ban"),
        max_length=MAX_WORD,
        help_text=_("Also longer words that begin with it are refused, e.g. inflected forms."),
    )
