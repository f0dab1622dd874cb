"""Forms of the challenge and idea pages. They check the shape of the input; the services decide the rest and
their ValidationErrors are attached back to the fields with core.forms.attach_errors."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import roles
from core import uploads
from core.translated import LANGUAGES
from ideas.models import Audience, ChallengeStatus, IdeaState, Participation
from organisations.models import Organisation

LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}

MAX_QUERY_LENGTH = 200


# What the file chooser offers for an idea's attachment (the server checks the content anyway).
ATTACHMENT_ACCEPT = ".pdf,.txt,.csv,.docx,.xlsx,.pptx,.odt,.ods,.jpg,.jpeg,.png,.webp"


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Your idea"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, help_text=_("Optional: where the idea applies, e.g. 60.17.")
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False, help_text=_("For example 24.94."))
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


class ChallengeForm(forms.Form):
    """A new challenge: texts in Finnish, Swedish and English, who sees it and who takes part, dates and status."""

    owner: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    audience = forms.ChoiceField(label=_("Who sees the challenge"), choices=Audience.choices)
    participation = forms.ChoiceField(label=_("Who may send ideas"), choices=Participation.choices)
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ChallengeStatus.DRAFT, ChallengeStatus.DRAFT.label),
            (ChallengeStatus.OPEN, ChallengeStatus.OPEN.label),
        ],
        help_text=_("A draft is seen only by your organisation's editors."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Organisation.objects.order_by("name")
        if not getattr(user, "is_superuser", False):
            owners = owners.filter(pk__in=roles.editable_organisation_ids(user))
        cast("forms.ModelChoiceField[Organisation]", self.fields["owner"]).queryset = owners
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

    def text_fields(self) -> list[Any]:
        return [self[f"{field}_{lang}"] for lang in LANGUAGES for field in ("title", "question", "description")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"title_{lang}") for lang in LANGUAGES):
            raise ValidationError({"title_fi": _("Give the challenge a title in at least one language.")})
        return data

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "owner"}


class OrganisationChoiceForm(forms.Form):
    """Which organisation an idea without a challenge goes to."""

    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
