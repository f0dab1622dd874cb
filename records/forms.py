"""The form every record's confirmation page shares."""

from django import forms


class VersionForm(forms.Form):
    """The confirmation forms (publish, unpublish, scale up …) carry the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
