"""Forms of the challenge and idea pages. They check the shape of the input; the services decide the rest and
their ValidationErrors are attached back to the fields with core.forms.attach_errors."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core import uploads
from core.forms import LANGUAGE_LEGENDS
from core.translated import LANGUAGES
from ideas.models import Audience, Challenge, ChallengeStatus, IdeaSource, IdeaState, IdeaStateOption, Participation
from ideas.selectors.ideas import state_choices
from ideas.services.challenges import CHALLENGE_FIELDS, CHALLENGE_RELATIONS, challenge_version
from organisations.models import Network, Organisation, OrganisationKind
from organisations.pickers import OrganisationField, OrganisationListField

LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}

MAX_QUERY_LENGTH = 200


# What the file chooser offers for an idea's attachment (the server checks the content anyway).
ATTACHMENT_ACCEPT = ".pdf,.txt,.csv,.docx,.xlsx,.pptx,.odt,.ods,.jpg,.jpeg,.png,.webp"


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your idea"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))
    # Localised: a Finnish or Swedish decimal comma is accepted as well as the point the map picker writes.
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Optional: where the idea applies, e.g. 60.17."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("For example 24.94."),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
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
        limit = {"limit": uploads.megabytes(settings.MAX_UPLOAD_BYTES)}
        self.fields["image"].help_text = (
            _("Optional. A JPEG, PNG or WebP image, at most %(limit)d MB. Its location data (EXIF) is removed.") % limit
        )
        self.fields["attachment"].help_text = (
            _("Optional. PDF, image, text or office document, at most %(limit)d MB.") % limit
        )

    # The quick checks (size, type, how the content begins) here, so that every problem of the form shows at
    # once; the service decodes and cleans the files when the idea is saved.
    def clean_image(self) -> Any:
        return self._checked("image", uploads.check_image_file)

    def clean_attachment(self) -> Any:
        return self._checked("attachment", uploads.check_file)

    def _checked(self, field: str, check: Any) -> Any:
        upload = self.cleaned_data.get(field)
        if upload:
            try:
                check(upload, field=field)
            except ValidationError as error:
                raise ValidationError(error.message_dict[field]) from None
        return upload


class IdeaEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your idea"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4_000, widget=forms.Textarea(attrs={"rows": 4}))


class StateForm(forms.Form):
    """The handler's state change: the organisation's own states, or the six built-in ones (selectors.state_choices)."""

    state = forms.ChoiceField(label=_("State"), choices=IdeaState.choices)
    reason = forms.CharField(
        label=_("Reason shown to everyone"),
        required=False,
        max_length=4_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the idea is not taken forward."),
    )

    def __init__(self, *args: Any, organisation_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        if organisation_id is not None:
            cast(forms.ChoiceField, self.fields["state"]).choices = state_choices(organisation_id=organisation_id)

    @staticmethod
    def initial_for(idea: Any) -> dict[str, Any]:
        state = f"o{idea.state_option_id}" if idea.state_option_id else idea.state
        return {"state": state, "reason": idea.state_reason}

    def chosen_state(self) -> "str | IdeaStateOption":
        """The built-in kind, or the organisation's own state ("o<id>" on the form)."""
        value: str = self.cleaned_data["state"]
        if value.startswith("o") and value[1:].isdigit() and self.organisation_id is not None:
            option = IdeaStateOption.objects.filter(pk=int(value[1:]), organisation_id=self.organisation_id).first()
            if option is not None:
                return option
        return value


class IdeaStateOptionForm(forms.Form):
    """An organisation's own idea state: its kind (fixed once made), names in three languages, public or not."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=IdeaState.choices,
        help_text=_("Which of the platform's six states this one is: filters, reports and notifications use it."),
    )
    public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("A state that is not public is shown to others under its kind's name."),
    )

    def __init__(self, *args: Any, with_kind: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_kind:
            del self.fields["kind"]
        for lang in LANGUAGES:
            self.fields[f"name_{lang}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": LANGUAGE_NAMES[lang]}, max_length=100, required=False
            )
            self.fields[f"name_{lang}"].widget.attrs["lang"] = lang

    def name_fields(self) -> list[forms.BoundField]:
        return [self[f"name_{lang}"] for lang in LANGUAGES]

    def names(self) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"name_{lang}") or "" for lang in LANGUAGES}


class SourceForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Where the idea came from"),
        choices=IdeaSource.choices,
        help_text=_("The innovation barometer's categories of idea sources."),
    )


class PartnersForm(forms.Form):
    partners = OrganisationListField(
        label=_("Partner organisations"),
        required=False,
        help_text=_("Organisations the idea is developed with: one name or business ID a line."),
    )


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search ideas"), required=False, max_length=MAX_QUERY_LENGTH)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *IdeaState.choices])


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """People by name (or e-mail address when they have given no name)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email or obj.username)


class ChallengeForm(forms.Form):
    """A challenge: texts in Finnish, Swedish and English, who organises it, who sees it and who takes part, dates,
    status and the handlers. On the edit page it carries the version the person started from (see
    services.challenge_update) and the owner cannot change."""

    owner: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    version = forms.CharField(widget=forms.HiddenInput)
    co_organisers = OrganisationListField(
        label=_("Co-organisers"),
        required=False,
        help_text=_("Organisations that open the challenge with you: one name or business ID a line."),
    )
    network: "forms.ModelChoiceField[Network]" = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Network.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("No network"),
        help_text=_("A network that opens the challenge together."),
    )
    audience = forms.ChoiceField(label=_("Who sees the challenge"), choices=Audience.choices)
    municipalities = OrganisationListField(
        label=_("Municipalities"),
        kind=OrganisationKind.MUNICIPALITY,
        required=False,
        help_text=_(
            "When the challenge is for residents: the municipalities whose residents may take part, one a line."
        ),
    )
    invited_partners = OrganisationListField(
        label=_("Invited partners"),
        required=False,
        help_text=_(
            "When the challenge is for invited partners: the organisations whose staff may take part, one a line."
        ),
    )
    participation = forms.ChoiceField(label=_("Who may send ideas"), choices=Participation.choices)
    comment_participation = forms.ChoiceField(
        label=_("Who may comment"),
        choices=Participation.choices,
        initial=Participation.REGISTERED,
        help_text=_("Commenting always needs signing in."),
    )
    support_participation = forms.ChoiceField(
        label=_("Who may support ideas"),
        choices=Participation.choices,
        initial=Participation.REGISTERED,
        help_text=_("Supporting always needs signing in: one support per person."),
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ChallengeStatus.choices,
        help_text=_("A draft is seen only by your organisation's editors."),
    )
    handlers: "PeopleField" = PeopleField(
        label=_("Handlers"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_(
            "People of your organisation or of a co-organiser who handle the ideas, besides the editors. "
            "To choose a co-organiser's people, save the co-organisers first."
        ),
    )

    def __init__(self, *args: Any, user: Any, challenge: Challenge | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisers = set(roles.editable_organisation_ids(user))
        if challenge is None:
            owners = Organisation.objects.order_by("name")
            if not getattr(user, "is_superuser", False):
                owners = owners.filter(pk__in=organisers)
            cast("forms.ModelChoiceField[Organisation]", self.fields["owner"]).queryset = owners
            del self.fields["version"]
            # A new challenge starts as a draft or opens at once; it is closed later.
            cast(forms.ChoiceField, self.fields["status"]).choices = [
                (ChallengeStatus.DRAFT, ChallengeStatus.DRAFT.label),
                (ChallengeStatus.OPEN, ChallengeStatus.OPEN.label),
            ]
        else:
            del self.fields["owner"]
            organisers |= {challenge.owner_id, *challenge.co_organisers.values_list("pk", flat=True)}
        people = get_user_model().objects.filter(memberships__organisation_id__in=organisers).distinct()
        handlers = cast(PeopleField, self.fields["handlers"])
        handlers.queryset = people.order_by("last_name", "first_name", "email")
        for lang in LANGUAGES:
            name = LANGUAGE_NAMES[lang]
            self.fields[f"title_{lang}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"question_{lang}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name},
                max_length=300,
                required=False,
                help_text=_("How might we …?"),
            )
            self.fields[f"description_{lang}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                max_length=20_000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            for field in ("title", "question", "description"):
                # Screen readers and spell checkers then read each box in its own language.
                self.fields[f"{field}_{lang}"].widget.attrs["lang"] = lang

    @classmethod
    def initial_for(cls, challenge: Challenge) -> dict[str, Any]:
        initial: dict[str, Any] = {field: getattr(challenge, field) for field in CHALLENGE_FIELDS}
        for relation in CHALLENGE_RELATIONS:
            initial[relation] = list(getattr(challenge, relation).all())
        initial["version"] = challenge_version(challenge)
        return initial

    def text_fields(self) -> list[Any]:
        return [self[f"{field}_{lang}"] for lang in LANGUAGES for field in ("title", "question", "description")]

    def language_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(language code, legend, [fields]) for the template's fieldsets."""
        return [
            (
                lang,
                str(LANGUAGE_LEGENDS[lang]),
                [self[f"{field}_{lang}"] for field in ("title", "question", "description")],
            )
            for lang in LANGUAGES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"title_{lang}") for lang in LANGUAGES):
            raise ValidationError({"title_fi": _("Give the challenge a title in at least one language.")})
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("owner", "version")}


class ChallengeFilterForm(forms.Form):
    """The public challenge list's filters."""

    q = forms.CharField(label=_("Search challenges"), required=False, max_length=MAX_QUERY_LENGTH)
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(challenges__isnull=False).distinct().order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All organisations"),
    )
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("All audiences")), *Audience.choices]
    )
    status = forms.ChoiceField(
        label=_("Open or closed"),
        required=False,
        choices=[
            ("", _("Open and closed")),
            (ChallengeStatus.OPEN, _("Open")),
            (ChallengeStatus.CLOSED, _("Closed")),
        ],
    )


class OrganisationChoiceForm(forms.Form):
    """Which organisation an idea without a challenge goes to."""

    organisation = OrganisationField(label=_("Organisation"))
