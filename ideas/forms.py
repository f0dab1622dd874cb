"""Forms of the challenge and idea pages. They check the shape of the input; the services decide the rest and
their ValidationErrors are attached back to the fields with core.forms.attach_errors."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import IdeaState

MAX_QUERY_LENGTH = 200


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your idea"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, help_text=_("Optional: where the idea applies, e.g. 60.17.")
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False, help_text=_("For example 24.94."))
    sender_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a link to confirm the idea. Only the handlers see the address."),
    )
    # The honeypot: hidden from people (and from assistive technology); bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["sender_email"]


class IdeaEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your idea"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4_000, widget=forms.Textarea(attrs={"rows": 4}))


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=IdeaState.choices)
    reason = forms.CharField(
        label=_("Reason shown to everyone"),
        required=False,
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the idea is not taken forward."),
    )


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search ideas"), required=False, max_length=MAX_QUERY_LENGTH)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *IdeaState.choices])
