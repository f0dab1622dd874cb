"""The portfolio's period filter: a year, or a range of dates (either end may be left open)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innovations.forms import DateInput
from lab.tabulation import Period

FIRST_YEAR = 2000
LAST_YEAR = 2100


class PeriodForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("For example 2025. Leave empty to give dates instead, or to see all the time."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year, start, end = cleaned.get("year"), cleaned.get("start"), cleaned.get("end")
        if year is not None and (start or end):
            self.add_error("year", _("Give either a year or dates, not both."))
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        return cleaned

    def period(self) -> Period:
        """The chosen period; all the time when nothing (valid) was chosen."""
        if not self.is_valid():
            return Period()
        if self.cleaned_data.get("year") is not None:
            return Period.year(self.cleaned_data["year"])
        return Period(self.cleaned_data.get("start"), self.cleaned_data.get("end"))
