"""The diffusion pages' forms."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diffusion import live
from organisations.models import OrganisationKind, Region


class LiveFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year taken into use"), required=False, min_value=1900, max_value=2100)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Organisation kind"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        every = [("", _("All"))]
        self.fields["region"].choices = every + list(Region.objects.order_by("code").values_list("code", "name"))  # type: ignore[attr-defined]
        self.fields["kind"].choices = every + list(OrganisationKind.choices)  # type: ignore[attr-defined]

    def filters(self) -> live.Filters:
        """The valid filters; an invalid one is left out (and its error shown with the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return live.Filters(year=data.get("year"), region=data.get("region") or "", kind=data.get("kind") or "")
