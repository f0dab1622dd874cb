"""Forms of the experiment pages and the parsing of the list's query string.

The forms check the shape of the input (types, lengths, choices); the services decide everything else and their
ValidationErrors are attached back to the fields with `core.forms.attach_errors`.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import LANGUAGE_LEGENDS, LocalizedDecimalField
from experiments.models import Decision, Experiment
from experiments.selectors import ExperimentFilters, Phase
from experiments.services import EDITABLE_FIELDS
from innovations.forms import DateInput
from innovations.vocabulary import PartnerRole
from organisations.models import Organisation
from organisations.pickers import OrganisationField
from records.forms import LANGUAGES, TITLE_LABELS, RecordForm

MAX_QUERY_LENGTH = 200

PHASE_LABELS = {Phase.RUNNING: _("Running"), Phase.FINISHED: _("Finished")}
NOT_DECIDED = "none"


def parse_filters(params: Mapping[str, Any]) -> ExperimentFilters:
    """ExperimentFilters from a query string; values that are not valid choices are dropped, never an error."""
    phase = str(params.get("phase", ""))
    decision = str(params.get("decision", ""))
    return ExperimentFilters(
        q=" ".join(str(params.get("q", "")).split())[:MAX_QUERY_LENGTH],
        phase=phase if phase in PHASE_LABELS else "",
        decision=decision if decision in (*Decision.values, NOT_DECIDED) else "",
        owner=str(params.get("owner", ""))[:100],
    )


# Literal strings, one per field and language, so that each can be translated as a whole (title and summary: records).
TRANSLATED_LABELS = {
    **TITLE_LABELS,
    "hypothesis_fi": _("Hypothesis in Finnish"),
    "hypothesis_sv": _("Hypothesis in Swedish"),
    "hypothesis_en": _("Hypothesis in English"),
    "measures_fi": _("What is measured and how, in Finnish"),
    "measures_sv": _("What is measured and how, in Swedish"),
    "measures_en": _("What is measured and how, in English"),
    "places_fi": _("Places in Finnish"),
    "places_sv": _("Places in Swedish"),
    "places_en": _("Places in English"),
    "participants_fi": _("Participants in Finnish"),
    "participants_sv": _("Participants in Swedish"),
    "participants_en": _("Participants in English"),
    "results_fi": _("Results in Finnish"),
    "results_sv": _("Results in Swedish"),
    "results_en": _("Results in English"),
}
REASON_LABELS = {
    "fi": _("Reasons in Finnish"),
    "sv": _("Reasons in Swedish"),
    "en": _("Reasons in English"),
}
TEXT_FIELDS = ("hypothesis", "measures", "places", "participants", "results")


class ExperimentForm(RecordForm):
    """The experiment's own fields (its partners are rows of PartnerFormSet, below; owner and version:
    records.forms.RecordForm)."""

    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput)
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput,
        help_text=_("The experiment counts as finished once this date has passed."),
    )
    # The language's own decimal comma and spaced thousands are accepted ("12 500,50"), not only a point.
    budget = LocalizedDecimalField(
        label=_("Budget (euros)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("For example 12500.50"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lang in LANGUAGES:
            self.fields[f"title_{lang}"] = forms.CharField(
                label=TRANSLATED_LABELS[f"title_{lang}"], max_length=200, required=False
            )
            self.fields[f"summary_{lang}"] = forms.CharField(
                label=TRANSLATED_LABELS[f"summary_{lang}"],
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            for field in TEXT_FIELDS:
                self.fields[f"{field}_{lang}"] = forms.CharField(
                    label=TRANSLATED_LABELS[f"{field}_{lang}"], required=False, widget=forms.Textarea(attrs={"rows": 4})
                )
            for field in ("title", "summary", *TEXT_FIELDS):
                # Screen readers and spell checkers then read and check each box in its own language.
                self.fields[f"{field}_{lang}"].widget.attrs["lang"] = lang

    @classmethod
    def initial_for(cls, experiment: Experiment) -> dict[str, Any]:
        initial: dict[str, Any] = {field: getattr(experiment, field) for field in EDITABLE_FIELDS}
        initial["version"] = experiment.version
        return initial

    def experiment_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data.get(field) for field in EDITABLE_FIELDS}

    def language_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(language code, legend, [fields]) for the template's fieldsets."""
        return [
            (
                lang,
                str(LANGUAGE_LEGENDS[lang]),
                [self[f"{field}_{lang}"] for field in ("title", "summary", *TEXT_FIELDS)],
            )
            for lang in LANGUAGES
        ]


class PartnerForm(forms.Form):
    """One partner row of the experiment form: an organisation and its role. An empty row is skipped."""

    organisation = OrganisationField(label=_("Partner organisation"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.CO_DEVELOPER)


if TYPE_CHECKING:
    _PartnerFormSetBase = forms.BaseFormSet[PartnerForm]
else:  # Django's classes take no type parameters at run time
    _PartnerFormSetBase = forms.BaseFormSet


class BasePartnerFormSet(_PartnerFormSetBase):
    """The partner rows: each organisation at most once, and never the owner itself."""

    def __init__(self, *args: Any, owner: Organisation | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "partners")
        super().__init__(*args, **kwargs)
        self.owner = owner

    def add_fields(self, form: PartnerForm, index: int | None) -> None:
        super().add_fields(form, index)
        if index is not None:
            # Numbered labels: the error summary at the top of the page then says which row is wrong.
            number = {"number": index + 1}
            form.fields["organisation"].label = _("Partner %(number)s: organisation") % number
            form.fields["role"].label = _("Partner %(number)s: role") % number

    def clean(self) -> None:
        seen: set[int] = set()
        for form in self.forms:
            organisation = form.cleaned_data.get("organisation") if hasattr(form, "cleaned_data") else None
            if organisation is None:
                continue
            if self.owner is not None and organisation.pk == self.owner.pk:
                form.add_error("organisation", _("The owner cannot be its own partner."))
            elif organisation.pk in seen:
                form.add_error("organisation", _("This organisation is already listed as a partner."))
            seen.add(organisation.pk)

    def partners(self) -> list[tuple[Organisation, str]]:
        """(organisation, role) of the rows that name an organisation, in the order given."""
        return [
            (form.cleaned_data["organisation"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("organisation") is not None
        ]


# Empty rows below the partners already chosen; saving and editing again gives more.
EXTRA_PARTNER_ROWS = 3
MAX_PARTNERS = 100  # as many as the API accepts
PartnerFormSet = cast(
    "type[BasePartnerFormSet]",
    formset_factory(
        PartnerForm,
        formset=BasePartnerFormSet,
        extra=EXTRA_PARTNER_ROWS,
        max_num=MAX_PARTNERS,
        validate_max=True,
        absolute_max=MAX_PARTNERS + EXTRA_PARTNER_ROWS,
    ),
)


def partner_initial(experiment: Experiment) -> list[dict[str, Any]]:
    return [
        {"organisation": p.organisation, "role": p.role}
        for p in experiment.partnerships.select_related("organisation").order_by("id")
    ]


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reasons_fi = forms.CharField(label=REASON_LABELS["fi"], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    reasons_sv = forms.CharField(label=REASON_LABELS["sv"], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    reasons_en = forms.CharField(label=REASON_LABELS["en"], required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lang in LANGUAGES:
            self.fields[f"reasons_{lang}"].widget.attrs["lang"] = lang

    def reasons(self) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"reasons_{lang}") or "" for lang in LANGUAGES}
