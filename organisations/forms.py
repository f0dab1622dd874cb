"""Forms of the organisation and network pages. They parse input; the services validate and save."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Role, User
from core.models import Theme
from organisations.models import Network, Organisation, OrganisationKind, Region, WellbeingCounty
from organisations.pickers import OrganisationField

LANGUAGES = ("fi", "sv", "en")
# Whole labels per language (not "%(field)s in %(language)s"): word order differs between the languages.
NAME_LABELS = {"fi": _("Name in Finnish"), "sv": _("Name in Swedish"), "en": _("Name in English")}
DESCRIPTION_LABELS = {
    "fi": _("Description in Finnish"),
    "sv": _("Description in Swedish"),
    "en": _("Description in English"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FieldsetsMixin:
    """Groups the fields into fieldsets for the template: [(legend, [bound fields])], skipping removed fields."""

    FIELDSETS: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def order_by_fieldsets(self) -> None:
        """The error summary lists errors in the order of the page."""
        self.order_fields([name for _legend, names in self.FIELDSETS for name in names])  # type: ignore[attr-defined]

    def fieldsets(self) -> Iterator[tuple[Any, list[forms.BoundField]]]:
        for legend, names in self.FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]  # type: ignore[attr-defined,index]
            if bound:
                yield legend, bound


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or identifier"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("All kinds")), *OrganisationKind.choices]
        regions = [(region.code, region.name) for region in Region.objects.order_by("name")]
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", _("All regions")), *regions]


def _translated_text_fields(
    name: str, labels: dict[str, Any], *, textarea: bool = False, max_length: int | None = None
) -> dict[str, forms.Field]:
    """name_fi, name_sv, name_en: each input says which language it holds (lang), for screen readers too."""
    fields: dict[str, forms.Field] = {}
    for lang in LANGUAGES:
        widget: forms.Widget = (
            forms.Textarea(attrs={"rows": 5, "lang": lang}) if textarea else forms.TextInput(attrs={"lang": lang})
        )
        fields[f"{name}_{lang}"] = forms.CharField(
            label=labels[lang], required=False, max_length=max_length, widget=widget
        )
    return fields


class OrganisationForm(FieldsetsMixin, forms.Form):
    """The organisation's own information; `version` is the version the person started from."""

    FIELDSETS = (
        (_("Kind and identifiers"), ("kind", "municipality_code", "business_id")),
        (_("Name"), ("name_fi", "name_sv", "name_en")),
        (_("Description"), ("description_fi", "description_sv", "description_en")),
        (_("Location and size"), ("region", "wellbeing_county", "population")),
        (_("Website"), ("website",)),
        (_("Signing in"), ("requires_two_factor",)),
    )
    # Municipalities' names, regions, counties and populations come from Statistics Finland's reference data and
    # the loader refreshes them, so only platform administrators change them; the kind and the municipality code
    # identify the organisation and are theirs to change, too.
    PLATFORM_ONLY = ("kind", "municipality_code")
    REFERENCE_FIELDS = ("name_fi", "name_sv", "name_en", "region", "wellbeing_county", "population")

    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    municipality_code = forms.CharField(
        label=_("Municipality code"),
        required=False,
        max_length=3,
        help_text=_("Statistics Finland's three-digit code, for municipalities."),
    )
    business_id = forms.CharField(
        label=_("Business ID"), required=False, max_length=9, help_text=_("For example 0201256-6.")
    )
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False
    )
    wellbeing_county: forms.ModelChoiceField[WellbeingCounty] = forms.ModelChoiceField(
        label=_("Wellbeing services county"), queryset=WellbeingCounty.objects.order_by("name"), required=False
    )
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0)
    website = forms.URLField(
        label=_("Website address"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://www.example.fi/."),
    )

    requires_two_factor = forms.BooleanField(
        label=_("Require two-step sign-in from editors and administrators"),
        required=False,
        help_text=_(
            "They then sign in with a code from an authenticator app as well as their password or identification. "
            "Those who have not set it up are asked to do so before anything else. Turn it on for your own account "
            "first."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, platform_admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_translated_text_fields("name", NAME_LABELS, max_length=200))
        self.fields.update(_translated_text_fields("description", DESCRIPTION_LABELS, textarea=True))
        if not platform_admin:
            for name in self.PLATFORM_ONLY:
                del self.fields[name]
            if organisation.kind == OrganisationKind.MUNICIPALITY:
                for name in self.REFERENCE_FIELDS:
                    del self.fields[name]
        self.reference_fields_locked = not platform_admin and organisation.kind == OrganisationKind.MUNICIPALITY
        self.order_by_fieldsets()

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": organisation.version}
        for name in ("kind", "municipality_code", "business_id", "population", "website", "requires_two_factor"):
            initial[name] = getattr(organisation, name)
        initial["region"] = organisation.region_id
        initial["wellbeing_county"] = organisation.wellbeing_county_id
        for lang in LANGUAGES:
            initial[f"name_{lang}"] = getattr(organisation, f"name_{lang}")
            initial[f"description_{lang}"] = getattr(organisation, f"description_{lang}")
        return initial

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class MemberAddForm(forms.Form):
    """A person by their e-mail address: an account that has verified it is added at once, anyone else is invited
    (accounts.invitations). Never by username: anyone may choose a username that looks like someone's address."""

    person = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "If an account has verified this address, the person is added at once. Otherwise we send an "
            "invitation there, and the owner of the address accepts it."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR, widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Used if an invitation is sent."),
    )


class InvitationActionForm(forms.Form):
    """One row of the open invitations: revoke it or send it again."""

    invitation: forms.ModelChoiceField[Invitation] = forms.ModelChoiceField(
        queryset=Invitation.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invitation"].queryset = Invitation.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class MemberChangeForm(forms.Form):
    """One row of the members list: change the person's role or remove them."""

    user = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, required=False)

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members  # type: ignore[attr-defined]


class NetworkForm(FieldsetsMixin, forms.Form):
    FIELDSETS = (
        (_("Name"), ("name_fi", "name_sv", "name_en")),
        (_("Description"), ("description_fi", "description_sv", "description_en")),
        (_("Coordination and agreement"), ("coordinator", "agreement_start", "agreement_end", "website")),
        (None, ("themes",)),  # a checkbox group is a fieldset of its own
    )

    version = forms.IntegerField(widget=forms.HiddenInput)
    coordinator: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("The administrators of the coordinating organisation manage the network."),
    )
    agreement_start = forms.DateField(label=_("Agreement starts"), required=False, widget=DateInput())
    agreement_end = forms.DateField(label=_("Agreement ends"), required=False, widget=DateInput())
    website = forms.URLField(label=_("Website address"), required=False, assume_scheme="https")
    themes: forms.ModelMultipleChoiceField[Theme] = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, platform_admin: bool, coordinators: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        """`coordinators`: whom a person who is not a platform administrator may name (the organisations they
        administer, and when editing, the network's members too); None: anyone (platform administrators)."""
        super().__init__(*args, **kwargs)
        self.fields.update(_translated_text_fields("name", NAME_LABELS, max_length=200))
        self.fields.update(_translated_text_fields("description", DESCRIPTION_LABELS, textarea=True))
        if platform_admin:
            # Any organisation (about 400): the picker every form uses, not a <select> of them all.
            self.fields["coordinator"] = OrganisationField(
                label=_("Coordinator"),
                required=False,
                help_text=_(
                    "The administrators of the coordinating organisation manage the network. Start typing the "
                    "name, or write the business ID."
                ),
            )
        elif coordinators is None:
            del self.fields["coordinator"]
        else:
            field = cast("forms.ModelChoiceField[Organisation]", self.fields["coordinator"])
            field.queryset = coordinators.order_by("name")
            field.required = True
            field.help_text = _(
                "The administrators of the coordinating organisation manage the network. Handing it to another "
                "member organisation takes it out of your hands."
            )
        self.order_by_fieldsets()

    @staticmethod
    def initial_for(network: Network) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": network.version,
            "coordinator": network.coordinator_id,
            "agreement_start": network.agreement_start,
            "agreement_end": network.agreement_end,
            "website": network.website,
            "themes": [theme.pk for theme in network.themes.all()],
        }
        for lang in LANGUAGES:
            initial[f"name_{lang}"] = getattr(network, f"name_{lang}")
            initial[f"description_{lang}"] = getattr(network, f"description_{lang}")
        return initial

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("version", "themes")}


class NetworkMemberAddForm(forms.Form):
    organisation = OrganisationField(label=_("Organisation"))
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(OrganisationField, self.fields["organisation"])
        field.queryset = Organisation.objects.exclude(network_memberships__network=network)


class NetworkMemberRemoveForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = network.members.all()  # type: ignore[attr-defined]


class JoinRequestForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        help_text=_("Municipalities are on Innoverkko already: ask your municipality's administrators to add you."),
    )
    business_id = forms.CharField(
        label=_("Business ID"), required=False, max_length=9, help_text=_("For example 0201256-6.")
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail address"), max_length=254)
    message = forms.CharField(
        label=_("Message to the administrators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the organisation does and why it joins, if the name does not tell."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(code, label) for code, label in OrganisationKind.choices if code != OrganisationKind.MUNICIPALITY]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Choose …")), *choices]


class JoinDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The requester is told this reason by e-mail."),
    )
