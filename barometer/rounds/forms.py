"""Forms of the round pages. They check the shape of the input only; the services in barometer/rounds/services.py
decide the rest, and their errors are put back on the fields with core.forms.attach_errors."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from barometer import selectors
from barometer.models import FrameUnit, QuestionnaireVersion, Round
from barometer.rounds.services import ROUND_FIELDS
from barometer.vocabulary import RoundStatus, Sector, Unit, VersionStatus
from core.forms import LANGUAGE_LEGENDS
from organisations.models import Organisation, OrganisationKind, Region

# Literal strings, one per field and language, so that each is translated as a whole.
TRANSLATED_LABELS = {
    "name_fi": _("Name in Finnish"),
    "name_sv": _("Name in Swedish"),
    "name_en": _("Name in English"),
    "description_fi": _("Description in Finnish"),
    "description_sv": _("Description in Swedish"),
    "description_en": _("Description in English"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: QuestionnaireVersion) -> str:
        label = _("%(questionnaire)s, version %(number)s") % {"questionnaire": obj.questionnaire, "number": obj.number}
        if obj.status == VersionStatus.DRAFT:
            label = _("%(version)s (draft)") % {"version": label}
        return str(label)


class RoundForm(forms.Form):
    organiser: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation whose barometer team runs the round."),
    )
    name_fi = forms.CharField(label=TRANSLATED_LABELS["name_fi"], max_length=200, required=False)
    name_sv = forms.CharField(label=TRANSLATED_LABELS["name_sv"], max_length=200, required=False)
    name_en = forms.CharField(label=TRANSLATED_LABELS["name_en"], max_length=200, required=False)
    description_fi = forms.CharField(label=TRANSLATED_LABELS["description_fi"], required=False, widget=forms.Textarea)
    description_sv = forms.CharField(label=TRANSLATED_LABELS["description_sv"], required=False, widget=forms.Textarea)
    description_en = forms.CharField(label=TRANSLATED_LABELS["description_en"], required=False, widget=forms.Textarea)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=64,
        required=False,
        help_text=_("Letters, digits and hyphens, e.g. barometer-2024. Left empty, it is made from the name."),
    )
    questionnaire_version = VersionChoiceField(
        label=_("Questionnaire"),
        queryset=QuestionnaireVersion.objects.none(),
        help_text=_("Opening the round freezes this version: after that it cannot change."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    reference_period_start = forms.DateField(
        label=_("Reference period starts"),
        widget=DateInput(),
        help_text=_("The questions ask about this period, e.g. the last two years."),
    )
    reference_period_end = forms.DateField(label=_("Reference period ends"), widget=DateInput())
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(
        label=_("Closes on"), widget=DateInput(), help_text=_("The e-mails tell respondents this date.")
    )
    unit = forms.ChoiceField(
        label=_("Unit of analysis"),
        choices=Unit.choices,
        widget=forms.RadioSelect,
        initial=Unit.ORGANISATION,
        help_text=_(
            "Whether the figures count organisations or respondents, when several people of one organisation answer."
        ),
    )
    answers_public = forms.BooleanField(
        label=_("Answers are public"),
        required=False,
        help_text=_("Only if respondents were told so: published answers can then be traced to an organisation."),
    )
    previous_round: "forms.ModelChoiceField[Round]" = forms.ModelChoiceField(
        label=_("Compare with"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("No earlier round"),
        help_text=_("An earlier round whose results are shown beside this one's."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Organisation] | None = None,
        round: Round | None = None,
        **kwargs: Any,
    ) -> None:
        """`organisers`: the organisations a new round may have (create); `round`: the round being edited."""
        super().__init__(*args, **kwargs)
        if round is None:
            del self.fields["version"]
            organisers = organisers if organisers is not None else Organisation.objects.none()
            self.organiser_ids = list(organisers.values_list("pk", flat=True))
            cast("forms.ModelChoiceField[Organisation]", self.fields["organiser"]).queryset = organisers
            if len(self.organiser_ids) == 1:
                self.fields["organiser"].initial = self.organiser_ids[0]
                self.fields["organiser"].widget = forms.HiddenInput()
        else:
            del self.fields["organiser"]
            self.organiser_ids = [round.organiser_id]
        # Own questionnaires (also drafts), and any questionnaire already in use by someone's round.
        versions = selectors.questionnaire_versions_open_to(self.organiser_ids).select_related("questionnaire")
        self.fields["questionnaire_version"].queryset = versions.order_by("questionnaire__code", "-number")  # type: ignore[attr-defined]
        earlier = selectors.rounds_open_to(self.organiser_ids).order_by("-year", "slug")
        if round is not None:
            earlier = earlier.exclude(pk=round.pk)
            if round.status != RoundStatus.DRAFT:
                self.fields["questionnaire_version"].disabled = True
                self.fields["questionnaire_version"].help_text = _(
                    "The round has been opened, so its questionnaire is fixed."
                )
        self.fields["previous_round"].queryset = earlier  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(round: Round) -> dict[str, Any]:
        initial = {name: getattr(round, name) for name in ROUND_FIELDS}
        initial["version"] = round.version
        return initial

    def round_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ROUND_FIELDS if name in self.cleaned_data}

    def language_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The name and description fields grouped by language, for one fieldset per language."""
        return [
            (legend, [self[f"name_{lang}"], self[f"description_{lang}"]]) for lang, legend in LANGUAGE_LEGENDS.items()
        ]


class VersionForm(forms.Form):
    """The confirmation of a state change: carries the version the person saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# --- the frame ---------------------------------------------------------------------------------------------------

# The kinds the barometer's municipal sector frame is usually drawn from.
DEFAULT_FRAME_KINDS = [OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_AUTHORITY]


class FrameDrawForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Organisation kinds"),
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULT_FRAME_KINDS,
        help_text=_("Every organisation of these kinds in the registry is added, except those already in the frame."),
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose none for the whole country."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "draw")
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["regions"]).choices = [
            (region.code, str(region.name)) for region in Region.objects.order_by("name")
        ]


class FrameAddForm(forms.Form):
    # A look-up rather than a list: the organisation is by definition not in the frame, and a list of the whole
    # registry (thousands) would be slow to send and to scan.
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("Its municipality code (e.g. 091), business ID (e.g. 0201256-6) or exact name."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)


class QuickSelect(forms.Select):
    """A select written in one pass: Django renders every option through a template of its own, which takes
    seconds for a frame of thousands of organisations. Flat choices only; the attributes (id, aria-describedby,
    aria-invalid) are Django's own."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


# --- invitations -------------------------------------------------------------------------------------------------


class InvitationForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=QuickSelect)
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=settings.LANGUAGES,
        initial="fi",
        help_text=_("The invitation and the reminders are written in this language; the form opens in it."),
    )

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)
        # Plain values, not model instances: a frame of thousands builds its list in milliseconds.
        language = translation.get_language() or "fi"
        names = FrameUnit.objects.filter(round=round).values_list(
            "organisation_id", "organisation__name_fi", "organisation__name_sv", "organisation__name_en"
        )
        labels = {pk: _in_language(language, {"fi": fi, "sv": sv, "en": en}) for pk, fi, sv, en in names}
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            ("", _("Choose an organisation of the frame")),
            *sorted(labels.items(), key=lambda item: item[1].casefold()),
        ]


def _in_language(language: str, names: dict[str, str | None]) -> str:
    """The name in the language, else in the first language that has one (as django-modeltranslation falls back)."""
    return names.get(language) or next((names[lang] for lang in ("fi", "sv", "en") if names[lang]), "") or ""


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Invitation file (CSV)"),
        help_text=_(
            "One respondent per row, with a header row naming the columns: organisation (municipality code, "
            "business ID or name), e-mail, name, language (fi, sv or en). Comma or semicolon separated."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(megabytes)s MB.")
                % {"megabytes": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Save the spreadsheet as CSV (a file ending in .csv) and upload that file."))
        return upload
