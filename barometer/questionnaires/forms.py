"""Forms of the questionnaire editor. They check the shape of the input; the services decide the rest (codes
unique, routing to earlier questions only …) and their errors are put back on the fields with attach_errors."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from barometer.models import Definition, Question, Section
from barometer.questionnaires import file as qf
from barometer.vocabulary import Background, QuestionKind
from core.forms import LANGUAGE_LEGENDS
from organisations.models import Organisation

LANGUAGES = ("fi", "sv", "en")
# Whole strings per field and language, so that each translates as a whole (and the error summary names it).
LABELS = {
    "name_fi": _("Name in Finnish"),
    "name_sv": _("Name in Swedish"),
    "name_en": _("Name in English"),
    "description_fi": _("Description in Finnish"),
    "description_sv": _("Description in Swedish"),
    "description_en": _("Description in English"),
    "provenance_note_fi": _("Provenance note in Finnish"),
    "provenance_note_sv": _("Provenance note in Swedish"),
    "provenance_note_en": _("Provenance note in English"),
    "introduction_fi": _("Introduction in Finnish"),
    "introduction_sv": _("Introduction in Swedish"),
    "introduction_en": _("Introduction in English"),
    "reference_period_fi": _("Reference period in Finnish"),
    "reference_period_sv": _("Reference period in Swedish"),
    "reference_period_en": _("Reference period in English"),
    "term_fi": _("Term in Finnish"),
    "term_sv": _("Term in Swedish"),
    "term_en": _("Term in English"),
    "text_fi": _("Text in Finnish"),
    "text_sv": _("Text in Swedish"),
    "text_en": _("Text in English"),
    "title_fi": _("Title in Finnish"),
    "title_sv": _("Title in Swedish"),
    "title_en": _("Title in English"),
    "help_text_fi": _("Instructions in Finnish"),
    "help_text_sv": _("Instructions in Swedish"),
    "help_text_en": _("Instructions in English"),
    "unit_label_fi": _("Unit in Finnish"),
    "unit_label_sv": _("Unit in Swedish"),
    "unit_label_en": _("Unit in English"),
    "label_fi": _("Label in Finnish"),
    "label_sv": _("Label in Swedish"),
    "label_en": _("Label in English"),
}
# (field, long text?, Finnish required?, longest length)
Text = tuple[str, bool, bool, int | None]


class TranslatedForm(forms.Form):
    """A form with texts in Finnish, Swedish and English; `texts` lists them, `language_groups` groups them."""

    texts: tuple[Text, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, long, finnish_required, limit in self.texts:
            for lang in LANGUAGES:
                widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput()
                self.fields[f"{name}_{lang}"] = forms.CharField(
                    label=LABELS[f"{name}_{lang}"],
                    required=finnish_required and lang == "fi",
                    max_length=limit,
                    widget=widget,
                )

    def language_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (lang, str(LANGUAGE_LEGENDS[lang]), [self[f"{name}_{lang}"] for name, *_rest in self.texts])
            for lang in LANGUAGES
        ]

    def text_data(self) -> dict[str, str]:
        return {
            f"{name}_{lang}": self.cleaned_data.get(f"{name}_{lang}") or ""
            for name, *_rest in self.texts
            for lang in LANGUAGES
        }


def initial_texts(obj: Any, texts: Iterable[Text]) -> dict[str, str]:
    return {
        f"{name}_{lang}": getattr(obj, f"{name}_{lang}", None) or "" for name, *_rest in texts for lang in LANGUAGES
    }


class RevisionForm(forms.Form):
    """What every change to a draft version carries: the revision the editor saw (optimistic locking)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MoveForm(RevisionForm):
    direction = forms.TypedChoiceField(choices=[("-1", _("up")), ("1", _("down"))], coerce=int)


# --- questionnaires -----------------------------------------------------------------------------------------------

QUESTIONNAIRE_TEXTS: tuple[Text, ...] = (
    ("name", False, True, qf.TEXT_LIMITS["name"]),
    ("description", True, False, None),
    ("provenance_note", True, False, None),
)


class QuestionnaireCreateForm(TranslatedForm):
    texts = QUESTIONNAIRE_TEXTS
    organiser: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation whose editors and administrators are the barometer team."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=qf.QUESTIONNAIRE_CODE_LENGTH,
        help_text=_("A short name in addresses and files, e.g. “state-barometer”: letters, digits and hyphens."),
    )

    def __init__(self, *args: Any, organisers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        if len(organisers) == 1:
            self.fields["organiser"].initial = organisers[0]
        # Code first, then the texts, then who runs it.
        self.order_fields(["code"])


class QuestionnaireEditForm(TranslatedForm):
    texts = QUESTIONNAIRE_TEXTS
    fingerprint = forms.CharField(widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file (JSON)"),
        help_text=_("A file exported from Innoverkko or written in the same format."),
    )
    organiser: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, organisers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        if len(organisers) == 1:
            self.fields["organiser"].initial = organisers[0]


# --- a version's texts and definitions ----------------------------------------------------------------------------


class VersionForm(TranslatedForm, RevisionForm):
    texts = (
        ("introduction", True, False, None),
        ("reference_period", False, False, qf.TEXT_LIMITS["reference_period"]),
    )


class DefinitionForm(TranslatedForm, RevisionForm):
    texts = (("term", False, True, qf.TEXT_LIMITS["term"]), ("text", True, True, None))


# --- routing ------------------------------------------------------------------------------------------------------


def routing_options(questions: Iterable[Question]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(question, [(value, option label)]) of the questions a condition may use: earlier ones with options."""
    options = []
    for question in questions:
        if question.kind in qf.CHOICE_KINDS:
            label = f"{question.code}: {Truncator(str(question.text)).chars(80)}"
            options.append(
                (label, [(f"{question.code}:{choice.code}", str(choice.label)) for choice in question.choices.all()])
            )
    return options


class RoutingField(forms.MultipleChoiceField):
    """A condition as checkboxes "question:option", grouped by question; cleans to {"question", "any_of"} or {}."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Shown only when"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Leave empty to show it to everyone. Otherwise tick the answers of one earlier question that lead "
                "here: it is shown when any of them is given (in a grid, in any row)."
            ),
            **kwargs,
        )

    def clean(self, value: Any) -> dict[str, Any]:
        chosen = super().clean(value)
        questions = list(dict.fromkeys(v.split(":", 1)[0] for v in chosen))
        if not questions:
            return {}
        if len(questions) > 1:
            raise forms.ValidationError(
                _("Tick answers of one question only: a condition is about one earlier answer.")
            )
        return {"question": questions[0], "any_of": [v.split(":", 1)[1] for v in chosen]}


def condition_initial(condition: Mapping[str, Any] | None) -> list[str]:
    if not condition:
        return []
    return [f"{condition['question']}:{choice}" for choice in condition.get("any_of", [])]


# --- sections and questions ---------------------------------------------------------------------------------------


class SectionForm(TranslatedForm, RevisionForm):
    texts = (("title", False, True, qf.TEXT_LIMITS["title"]), ("introduction", True, False, None))
    code = forms.CharField(
        label=_("Code"),
        max_length=qf.CODE_LENGTH,
        help_text=_("The section's name in files: letters, digits and underscores, starting with a letter."),
    )
    show_if = RoutingField()

    def __init__(self, *args: Any, earlier: Iterable[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.routing = routing_options(earlier)
        self.fields["show_if"].choices = [(v, label) for _q, options in self.routing for v, label in options]  # type: ignore[attr-defined]
        self.order_fields(["code"])


class QuestionForm(TranslatedForm, RevisionForm):
    texts = (
        ("text", True, True, None),
        ("help_text", True, False, None),
        ("unit_label", False, False, qf.TEXT_LIMITS["unit_label"]),
    )
    section: "forms.ModelChoiceField[Section]" = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.none(), empty_label=None
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=qf.CODE_LENGTH,
        help_text=_(
            "The variable name in files, charts and the API, e.g. “q_partners”: letters, digits and underscores, "
            "starting with a letter."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    background = forms.ChoiceField(
        label=_("Background variable"),
        choices=Background.choices,
        required=False,
        help_text=_(
            "A single-choice question that asks what the sampling frame knows already; its option codes are the "
            "frame's values (e.g. municipality, 5k-10k, 01)."
        ),
    )
    definitions: "forms.ModelMultipleChoiceField[Definition]" = forms.ModelMultipleChoiceField(
        label=_("Definitions shown with the question"),
        queryset=Definition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_value = forms.DecimalField(
        label=_("Smallest value"), required=False, max_digits=14, decimal_places=2, help_text=_("Numbers only.")
    )
    max_value = forms.DecimalField(
        label=_("Largest value"), required=False, max_digits=14, decimal_places=2, help_text=_("Numbers only.")
    )
    show_if = RoutingField()

    def __init__(
        self,
        *args: Any,
        sections: QuerySet[Section],
        definitions: QuerySet[Definition],
        earlier: Iterable[Question],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]
        self.fields["definitions"].queryset = definitions  # type: ignore[attr-defined]
        self.routing = routing_options(earlier)
        self.fields["show_if"].choices = [(v, label) for _q, options in self.routing for v, label in options]  # type: ignore[attr-defined]
        self.order_fields(["section", "code", "kind"])

    def data_for_service(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in ("code", "kind", "required", "background")}
        data.update(self.text_data())
        data["show_if"] = self.cleaned_data.get("show_if") or {}
        data["section"] = self.cleaned_data.get("section")
        data["definitions"] = list(self.cleaned_data.get("definitions") or [])
        data["min_value"] = self.cleaned_data.get("min_value")
        data["max_value"] = self.cleaned_data.get("max_value")
        return data


class RowForm(forms.Form):
    """One answer option or row of a question, in the question form's formset."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Code"), max_length=qf.CODE_LENGTH)
    label_fi = forms.CharField(label=LABELS["label_fi"], max_length=qf.TEXT_LIMITS["label"])
    label_sv = forms.CharField(label=LABELS["label_sv"], max_length=qf.TEXT_LIMITS["label"], required=False)
    label_en = forms.CharField(label=LABELS["label_en"], max_length=qf.TEXT_LIMITS["label"], required=False)


class ChoiceForm(RowForm):
    excluded_from_percent = forms.BooleanField(
        label=_("Left out of percentages"), required=False, help_text=_("E.g. “don't know”.")
    )
    exclusive = forms.BooleanField(
        label=_("Excludes other options"), required=False, help_text=_("E.g. “none of these”; multiple choice only.")
    )


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=3, can_order=True, can_delete=True, max_num=200)
ItemFormSet = forms.formset_factory(RowForm, extra=2, can_order=True, can_delete=True, max_num=200)


def formset_rows(formset: "forms.BaseFormSet[Any]") -> list[dict[str, Any]]:  # quoted: not generic at run time
    """The rows to keep, in the order the editor gave (blank extra rows and deleted rows left out)."""
    return [dict(form.cleaned_data) for form in formset.ordered_forms]


def rows_initial(rows: Iterable[Any], flags: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [
        {
            "id": row.pk,
            "code": row.code,
            **{f"label_{lang}": getattr(row, f"label_{lang}", None) or "" for lang in LANGUAGES},
            **{flag: getattr(row, flag) for flag in flags},
        }
        for row in rows
    ]
