"""The forms every record shares: its own form's owner and version, its title and summary's labels in each language,
and the confirmation pages' version."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("fi", "sv", "en")
# Literal strings, one per field and language, so that each can be translated as a whole; each app adds its own.
TITLE_LABELS = {
    "title_fi": _("Title in Finnish"),
    "title_sv": _("Title in Swedish"),
    "title_en": _("Title in English"),
    "summary_fi": _("Summary in Finnish"),
    "summary_sv": _("Summary in Swedish"),
    "summary_en": _("Summary in English"),
}


class VersionForm(forms.Form):
    """The confirmation forms (publish, unpublish, scale up …) carry the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RecordForm(forms.Form):
    """The start of a record's own form: on the create page the owner to choose (when the person edits for more
    than one organisation), on the edit page the version the person started from, so that a save over someone
    else's newer change is refused (ConflictError)."""

    owner: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=None, empty_label=_("Choose an organisation")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, owners: "QuerySet[Any] | None" = None, with_version: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            cast("forms.ModelChoiceField[Any]", self.fields["owner"]).queryset = owners
        if not with_version:
            del self.fields["version"]
