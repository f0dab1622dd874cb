"""Forms of the innovation pages and the parsing of the catalogue's query string.

The forms only check the shape of the input (types, lengths, choices); the services decide everything else and
their ValidationErrors are attached back to the fields with `core.forms.attach_errors`.
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LANGUAGE_LEGENDS
from core.models import Theme
from innovations.models import Innovation
from innovations.selectors import SORTS, CatalogueFilters
from innovations.services import EDITABLE_FIELDS
from innovations.vocabulary import (
    CHOICES_BY_DIMENSION,
    Dimension,
    InnovationType,
    Novelty,
    PartnerRole,
    Phase,
    Stage,
)
from organisations.models import Organisation, OrganisationKind
from organisations.pickers import OrganisationField
from records.forms import LANGUAGES, TITLE_LABELS, RecordForm

# --- the catalogue's query string -------------------------------------------------------------------------------

# The query-string parameter of each facet is the CatalogueFilters attribute's name ("?types=service&regions=06").
FACET_PARAMS = {attribute: attribute for attribute in CatalogueFilters.FACETS}
SORT_LABELS = {
    "updated": _("Recently updated"),
    "newest": _("Newest first"),
    "title": _("Title (A–Z)"),
    "introduced": _("Date taken into use"),
}
MAX_QUERY_LENGTH = 200


def parse_catalogue(
    params: Mapping[str, Any], *, region_codes: Iterable[str], theme_slugs: Iterable[str]
) -> CatalogueFilters:
    """CatalogueFilters from a query string. Values that are not valid choices are dropped, never an error:
    old bookmarks and hand-edited addresses keep working."""
    valid: dict[str, set[str]] = {
        "types": set(InnovationType.values),
        "stages": set(Stage.values),
        "novelty": set(Novelty.values),
        "org_kinds": set(OrganisationKind.values),
        "regions": set(region_codes),
        "themes": set(theme_slugs),
        "partner_kinds": set(OrganisationKind.values),
    }
    getlist = params.getlist if hasattr(params, "getlist") else lambda key: [params[key]] if key in params else []
    values: dict[str, Any] = {}
    for attribute, param in FACET_PARAMS.items():
        values[attribute] = [v for v in dict.fromkeys(getlist(param)) if v in valid[attribute]]
    sort = params.get("sort", "")
    return CatalogueFilters(
        q=" ".join(str(params.get("q", "")).split())[:MAX_QUERY_LENGTH],
        sort=sort if sort in SORTS else "updated",
        **values,
    )


def page_number(raw: Any) -> int:
    """The requested page, at least 1; anything that is not a number means the first page.
    (Paginator.get_page turns a number past the end into the last page.)"""
    try:
        return max(int(str(raw)), 1)
    except (TypeError, ValueError):
        return 1


# --- errors from the services -----------------------------------------------------------------------------------


# --- create and edit --------------------------------------------------------------------------------------------

# Literal strings, one per field and language, so that each can be translated as a whole (title and summary: records).
TRANSLATED_LABELS = {
    **TITLE_LABELS,
    "description_fi": _("Description in Finnish"),
    "description_sv": _("Description in Swedish"),
    "description_en": _("Description in English"),
    "target_group_fi": _("Target group in Finnish"),
    "target_group_sv": _("Target group in Swedish"),
    "target_group_en": _("Target group in English"),
    "resources_fi": _("Resources and costs in Finnish"),
    "resources_sv": _("Resources and costs in Swedish"),
    "resources_en": _("Resources and costs in English"),
    "evidence_fi": _("Evidence of effect in Finnish"),
    "evidence_sv": _("Evidence of effect in Swedish"),
    "evidence_en": _("Evidence of effect in English"),
}
# What an adopter needs to know, written in each language (plain text).
ADOPTER_TEXTS = ("target_group", "resources", "evidence")
ADOPTER_HELP = {
    "target_group": _("Whom the innovation is for, e.g. home care clients over 75 and their relatives."),
    "resources": _("What taking it into use takes: people, skills, equipment, licences and what they cost."),
    "evidence": _("What is known of its effects and how: measurements, evaluations, studies, with links."),
}
# Form field name (= the service's dimension) of each classification, in the order of the form.
CLASSIFICATION_FIELDS = (
    Dimension.TYPE,
    Dimension.IDEA_SOURCE,
    Dimension.MOTIVATION,
    Dimension.STRATEGY,
    Dimension.CHANNEL,
    Dimension.OUTCOME_ACHIEVED,
    Dimension.OUTCOME_EXPECTED,
)
if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

CHOOSE_ALL = _("Choose all that apply.")


def _classification_field(label: "StrOrPromise", dimension: str) -> forms.MultipleChoiceField:
    """Checkboxes for one classification dimension, with the codes it accepts."""
    return forms.MultipleChoiceField(
        label=label,
        choices=CHOICES_BY_DIMENSION[dimension].choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=CHOOSE_ALL,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _adopters_text(name: str, max_length: int, *, rows: int) -> forms.CharField:
    """One language of a plain-text field adopters read (target group, resources, evidence)."""
    return forms.CharField(
        label=TRANSLATED_LABELS[name],
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class InnovationForm(RecordForm):
    """The innovation's own fields, classifications and themes (owner and version: records.forms.RecordForm)."""

    title_fi = forms.CharField(label=TRANSLATED_LABELS["title_fi"], max_length=200, required=False)
    title_sv = forms.CharField(label=TRANSLATED_LABELS["title_sv"], max_length=200, required=False)
    title_en = forms.CharField(label=TRANSLATED_LABELS["title_en"], max_length=200, required=False)
    summary_fi = forms.CharField(
        label=TRANSLATED_LABELS["summary_fi"], max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary_sv = forms.CharField(
        label=TRANSLATED_LABELS["summary_sv"], max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary_en = forms.CharField(
        label=TRANSLATED_LABELS["summary_en"], max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_fi = forms.CharField(
        label=TRANSLATED_LABELS["description_fi"], required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    description_sv = forms.CharField(
        label=TRANSLATED_LABELS["description_sv"], required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    description_en = forms.CharField(
        label=TRANSLATED_LABELS["description_en"], required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    target_group_fi = _adopters_text("target_group_fi", 2000, rows=3)
    target_group_sv = _adopters_text("target_group_sv", 2000, rows=3)
    target_group_en = _adopters_text("target_group_en", 2000, rows=3)
    resources_fi = _adopters_text("resources_fi", 4000, rows=4)
    resources_sv = _adopters_text("resources_sv", 4000, rows=4)
    resources_en = _adopters_text("resources_en", 4000, rows=4)
    evidence_fi = _adopters_text("evidence_fi", 4000, rows=4)
    evidence_sv = _adopters_text("evidence_sv", 4000, rows=4)
    evidence_en = _adopters_text("evidence_en", 4000, rows=4)

    is_social = forms.BooleanField(
        label=_("Social innovation"),
        required=False,
        help_text=_("It changes how people act together, e.g. a new way for residents to take part."),
    )
    is_systemic = forms.BooleanField(
        label=_("Systemic innovation"),
        required=False,
        help_text=_("It changes a whole system of services, organisations or rules, not one service."),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, widget=forms.RadioSelect, initial=Stage.IDEA)
    novelty = forms.ChoiceField(
        label=_("Novelty"), choices=Novelty.choices, widget=forms.RadioSelect, initial=Novelty.NEW
    )
    type = _classification_field(_("Type of innovation"), Dimension.TYPE)
    idea_source = _classification_field(_("Where the idea came from"), Dimension.IDEA_SOURCE)
    motivation = _classification_field(_("What drove it"), Dimension.MOTIVATION)
    strategy = _classification_field(_("Strategies it implements"), Dimension.STRATEGY)
    channel = _classification_field(_("How it has been communicated to others"), Dimension.CHANNEL)
    outcome_achieved = _classification_field(_("Outcomes achieved"), Dimension.OUTCOME_ACHIEVED)
    outcome_expected = _classification_field(_("Outcomes expected"), Dimension.OUTCOME_EXPECTED)
    themes: "forms.ModelMultipleChoiceField[Theme]" = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
        help_text=CHOOSE_ALL,
    )
    external_source = forms.CharField(
        label=_("External source"),
        max_length=300,
        required=False,
        help_text=_("If the idea came from outside the registry, e.g. another country's service, name it here."),
    )
    external_source_url = forms.URLField(
        label=_("Address of the external source"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://example.org/service"),
    )
    introduced_on = forms.DateField(
        label=_("Taken into use on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty if it is not in use yet."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        required=False,
        help_text=_("Shown only to signed-in users of the platform."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("description_fi", "description_sv", "description_en"):
            self.fields[name].help_text = _(
                "Plain text, or simple HTML: paragraphs, lists, links, bold and italics. Anything else is removed."
            )
        for language in LANGUAGES:
            for text in ADOPTER_TEXTS:
                self.fields[f"{text}_{language}"].help_text = ADOPTER_HELP[text]
            for field in ("title", "summary", "description", *ADOPTER_TEXTS):
                # Screen readers and spell checkers then read and check each box in its own language.
                self.fields[f"{field}_{language}"].widget.attrs["lang"] = language

    @classmethod
    def initial_for(cls, innovation: Innovation) -> dict[str, Any]:
        initial: dict[str, Any] = {field: getattr(innovation, field) for field in EDITABLE_FIELDS}
        initial["version"] = innovation.version
        for classification in innovation.classifications.all():
            initial.setdefault(classification.dimension, []).append(classification.code)
        initial["themes"] = [theme.slug for theme in innovation.themes.all()]
        return initial

    def innovation_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data.get(field) for field in EDITABLE_FIELDS}

    def classifications(self) -> dict[str, list[str]]:
        return {str(dimension): list(self.cleaned_data.get(dimension) or []) for dimension in CLASSIFICATION_FIELDS}

    def language_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(language code, legend, [title, summary, description]) for the template's fieldsets."""
        return [
            (
                lang,
                str(LANGUAGE_LEGENDS[lang]),
                [self[f"{field}_{lang}"] for field in ("title", "summary", "description")],
            )
            for lang in LANGUAGES
        ]

    def adopter_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(language code, legend, [target group, resources, evidence]) for the "For adopters" fieldsets."""
        return [
            (lang, str(LANGUAGE_LEGENDS[lang]), [self[f"{field}_{lang}"] for field in ADOPTER_TEXTS])
            for lang in LANGUAGES
        ]

    def classification_fields(self) -> list[forms.BoundField]:
        return [self[str(dimension)] for dimension in CLASSIFICATION_FIELDS]


# --- smaller forms ----------------------------------------------------------------------------------------------


class PartnerForm(forms.Form):
    organisation = OrganisationField(label=_("Partner organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.CO_DEVELOPER)
    phases = forms.MultipleChoiceField(
        label=_("Phases the partner took part in"),
        choices=Phase.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[Phase.DEVELOPMENT],
    )

    def __init__(self, *args: Any, innovation: Innovation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "partner")
        super().__init__(*args, **kwargs)
        taken = [innovation.owner_id, *(p.organisation_id for p in innovation.partnerships.all())]
        organisation = cast(OrganisationField, self.fields["organisation"])
        organisation.queryset = Organisation.objects.exclude(pk__in=taken)
        organisation.error_messages["unavailable"] = _("%(organisation)s owns the innovation or is already a partner.")

    def partner_data(self) -> dict[str, Any]:
        phases = set(self.cleaned_data["phases"])
        return {
            "role": self.cleaned_data["role"],
            "in_idea_phase": Phase.IDEA in phases,
            "in_development_phase": Phase.DEVELOPMENT in phases,
            "in_implementation_phase": Phase.IMPLEMENTATION in phases,
        }


class LinkForm(forms.Form):
    title = forms.CharField(label=_("Link text"), max_length=200)
    url = forms.URLField(label=_("Address"), assume_scheme="https", help_text=_("For example https://example.org/"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty to use the file's name.")
    )

    def __init__(self, *args: Any, max_megabytes: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, image, text or office document, at most %(limit)d MB.") % {
            "limit": max_megabytes
        }


class AdoptForm(forms.Form):
    adopter: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("The organisation that took the innovation into use."),
    )
    mode = forms.ChoiceField(
        label=_("How did you take it into use?"),
        choices=[
            (Novelty.ADAPTED, _("We adapted it to our needs")),
            (Novelty.COPIED, _("We copied it as it is")),
        ],
        widget=forms.RadioSelect,
    )
    adopted_on = forms.DateField(label=_("Taken into use on"), widget=DateInput)
    publish = forms.BooleanField(
        label=_("Publish our record now"),
        required=False,
        initial=True,
        help_text=_("If you leave this empty, the new record stays a draft that only your organisation sees."),
    )

    def __init__(self, *args: Any, adopters: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        adopter = cast("forms.ModelChoiceField[Organisation]", self.fields["adopter"])
        adopter.queryset = adopters
        if adopters.count() != 1:  # with one choice it is preselected; with many the person must choose
            adopter.empty_label = _("Choose an organisation")
        self.fields["adopted_on"].initial = timezone.localdate


class ImageForm(forms.Form):
    image = forms.ImageField(label=_("Image"), help_text=_("A JPEG, PNG or WebP picture."))
    alt_text_fi = forms.CharField(label=_("Text alternative in Finnish"), max_length=300, required=False)
    alt_text_sv = forms.CharField(label=_("Text alternative in Swedish"), max_length=300, required=False)
    alt_text_en = forms.CharField(label=_("Text alternative in English"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "image")
        super().__init__(*args, **kwargs)
        # Pillow's own check would refuse before ours with a different message; core.uploads decides.
        self.fields["image"] = forms.FileField(label=_("Image"), help_text=self.fields["image"].help_text)
        for lang in LANGUAGES:
            field = self.fields[f"alt_text_{lang}"]
            field.widget.attrs["lang"] = lang
            field.help_text = _(
                "What the picture shows, for people who cannot see it. Write it in at least one language."
            )

    def alt_texts(self) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"alt_text_{lang}") or "" for lang in LANGUAGES}


class SourceProposalForm(forms.Form):
    """ "We adapted (or copied) this from …": proposed by the record's editor, confirmed by the source's owner."""

    source = forms.CharField(
        label=_("The innovation it came from"),
        max_length=300,
        help_text=_("The address of its page in Innoverkko, or its number, e.g. 1234."),
    )
    mode = forms.ChoiceField(
        label=_("How did you take it into use?"),
        choices=[
            (Novelty.ADAPTED, _("We adapted it to our needs")),
            (Novelty.COPIED, _("We copied it as it is")),
        ],
        widget=forms.RadioSelect,
    )
    adopted_on = forms.DateField(label=_("Taken into use on"), widget=DateInput, required=False)
    message = forms.CharField(
        label=_("Message to the source's owner"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what you took from it and what you changed."),
    )

    def clean_source(self) -> int:
        # The number at the end of an address ("…/innovations/1234/") or the number alone.
        raw = self.cleaned_data["source"].strip().rstrip("/")
        tail = raw.rsplit("/", 1)[-1]
        if not tail.isdigit():
            raise forms.ValidationError(_("Give the address of the innovation's page or its number."))
        return int(tail)
