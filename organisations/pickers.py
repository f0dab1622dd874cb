"""Organisation pickers: a text field that finds one organisation by its name or business ID, instead of a
<select> of every organisation (about 400 and growing). It works without JavaScript: the typed name or business ID
is resolved on the server, and a name that matches nothing or several organisations is an error that says so and
suggests names. With JavaScript, `organisations/picker.js` turns the input into a combobox that searches
`organisation_search` (see views/search.py) as the person types."""

from typing import Any, cast

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import text_search
from organisations.identifiers import is_valid_business_id
from organisations.models import Organisation

SEARCH_LIMIT = 20
SUGGESTIONS = 5
PICK_SUFFIX = "__pick"  # the hidden input the script fills with the chosen organisation's id


def organisation_search(
    q: str, *, kind: str = "", queryset: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    """Organisations whose name (in any language) contains every word of `q`, or whose business ID is `q`; names
    that begin with the query first, then alphabetically. Every organisation is public (organisation pages are)."""
    qs = Organisation.objects.all() if queryset is None else queryset
    if kind:
        qs = qs.filter(kind=kind)
    q = q.strip()
    if is_valid_business_id(q):
        return qs.filter(business_id=q).order_by("name")
    words = text_search.words(q)[: text_search.MAX_QUERY_WORDS]
    if not words:
        return qs.none()
    for word in words:
        qs = qs.filter(Q(name_fi__icontains=word) | Q(name_sv__icontains=word) | Q(name_en__icontains=word))
    starts = Q(name_fi__istartswith=q) | Q(name_sv__istartswith=q) | Q(name_en__istartswith=q)
    return qs.annotate(
        begins=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("begins", "name")


def _exact(text: str, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    if is_valid_business_id(text):
        return queryset.filter(business_id=text)
    return queryset.filter(Q(name_fi__iexact=text) | Q(name_sv__iexact=text) | Q(name_en__iexact=text))


class OrganisationPicker(forms.TextInput):
    """A text input for an organisation's name or business ID, and a hidden input for the id the combobox picked."""

    template_name = "organisations/widgets/organisation_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, kind: str = "") -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.kind = kind

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dict):
            return value.get("text") or None
        if isinstance(value, Organisation):
            return value.name
        if value in (None, ""):
            return None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            organisation = Organisation.objects.filter(pk=value).first()
            return organisation.name if organisation else None
        return str(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {"text": str(data.get(name) or ""), "pick": str(data.get(name + PICK_SUFFIX) or "")}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        pick = ""
        if isinstance(value, dict):
            pick = value.get("pick", "")
        elif isinstance(value, Organisation):
            pick = str(value.pk)
        context["picker"] = {
            "pick_name": name + PICK_SUFFIX,
            "pick": pick if pick.isdigit() else "",
            "search_url": reverse("organisations:search"),
            "kind": self.kind,
        }
        return context


class OrganisationField(forms.Field):
    """One organisation, typed by name or business ID (or picked in the combobox). Cleans to an Organisation."""

    widget = OrganisationPicker
    default_error_messages = {
        "required": _("Write the organisation's name or business ID."),
        "unknown": _("No organisation is called “%(text)s”. Check the spelling or write its business ID."),
        "several": _("Several organisations are called “%(text)s”: write the business ID of the one you mean."),
        "unavailable": _("%(organisation)s cannot be chosen here."),
    }

    def __init__(self, *, queryset: QuerySet[Organisation] | None = None, kind: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", OrganisationPicker(kind=kind))
        kwargs.setdefault(
            "help_text", _("Start typing the name, or write the business ID. Choose from the suggestions that appear.")
        )
        super().__init__(**kwargs)
        self.queryset = Organisation.objects.all() if queryset is None else queryset
        self.kind = kind

    def prepare_value(self, value: Any) -> Any:
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        # An empty extra row of a formset is unchanged, so that it is skipped rather than validated.
        text = data.get("text", "") if isinstance(data, dict) else str(data or "")
        return text.strip() != (cast(forms.Widget, self.widget).format_value(initial) or "")

    def clean(self, value: Any) -> Organisation | None:
        text = (value or {}).get("text", "").strip() if isinstance(value, dict) else str(value or "").strip()
        pick = (value or {}).get("pick", "") if isinstance(value, dict) else ""
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        if len(text) > 200:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"text": text[:60] + "…"}
            )
        every = Organisation.objects.all()
        if self.kind:
            every = every.filter(kind=self.kind)
        found: Organisation | None = None
        if pick.isdigit():  # the combobox's choice, as long as the text is still that organisation's name
            picked = every.filter(pk=int(pick)).first()
            if picked is not None and text.casefold() in {
                (getattr(picked, f"name_{lang}") or "").casefold() for lang in ("fi", "sv", "en")
            }:
                found = picked
        if found is None:
            matches = list(_exact(text, every)[:2])
            if len(matches) > 1:
                raise forms.ValidationError(self.error_messages["several"], code="several", params={"text": text})
            if not matches:
                raise forms.ValidationError(self._unknown(text, every), code="unknown")
            found = matches[0]
        if not self.queryset.filter(pk=found.pk).exists():
            raise forms.ValidationError(
                self.error_messages["unavailable"], code="unavailable", params={"organisation": found.name}
            )
        return found

    def _unknown(self, text: str, every: QuerySet[Organisation]) -> str:
        message = str(self.error_messages["unknown"]) % {"text": text}
        names = [o.name for o in organisation_search(text, queryset=every)[:SUGGESTIONS]]
        if names:
            message += " " + ngettext(
                "Did you mean %(names)s?", "Did you mean one of these: %(names)s?", len(names)
            ) % {"names": ", ".join(names)}
        return message


class OrganisationListPicker(forms.Textarea):
    """Several organisations, one name or business ID a line; the combobox above it adds a chosen one as a line."""

    template_name = "organisations/widgets/organisation_list_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, kind: str = "") -> None:
        super().__init__({"rows": 4, "spellcheck": "false", **(attrs or {})})
        self.kind = kind

    def format_value(self, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return value
        lines = []
        for item in value:
            if isinstance(item, Organisation):
                lines.append(item.name)
            elif item not in (None, ""):
                found = Organisation.objects.filter(Q(slug=str(item)) | Q(pk=int(item) if str(item).isdigit() else 0))
                lines.append(found[0].name if found else str(item))
        return "\n".join(lines)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["picker"] = {"search_url": reverse("organisations:search"), "kind": self.kind}
        return context


class OrganisationListField(forms.Field):
    """Organisations named one a line (by name in any language or business ID). Cleans to a list; every line that
    names nothing or several organisations is its own error, naming the line."""

    widget = OrganisationListPicker
    MAX_LINES = 200

    def __init__(self, *, queryset: QuerySet[Organisation] | None = None, kind: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", OrganisationListPicker(kind=kind))
        super().__init__(**kwargs)
        self.one = OrganisationField(queryset=queryset, kind=kind)

    @property
    def queryset(self) -> QuerySet[Organisation]:
        return self.one.queryset

    @queryset.setter
    def queryset(self, value: QuerySet[Organisation]) -> None:
        self.one.queryset = value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (data or "").strip() != (cast(forms.Widget, self.widget).format_value(initial) or "")

    def clean(self, value: Any) -> list[Organisation]:
        lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
        if not lines:
            if self.required:
                raise forms.ValidationError(_("Name at least one organisation."), code="required")
            return []
        if len(lines) > self.MAX_LINES:
            raise forms.ValidationError(
                _("Name at most %(limit)d organisations."), code="too_many", params={"limit": self.MAX_LINES}
            )
        chosen: list[Organisation] = []
        problems: list[forms.ValidationError] = []
        for number, line in enumerate(lines, start=1):
            try:
                organisation = self.one.clean({"text": line, "pick": ""})
            except forms.ValidationError as error:
                for message in error.messages:
                    problems.append(
                        forms.ValidationError(
                            _("Line %(number)d: %(problem)s"), params={"number": number, "problem": message}
                        )
                    )
                continue
            if organisation is not None and organisation not in chosen:
                chosen.append(organisation)
        if problems:
            raise forms.ValidationError(problems)
        return chosen
