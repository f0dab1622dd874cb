"""Forms of the account pages: registration and API tokens (log-in uses Django's own AuthenticationForm)."""

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


class RegistrationForm(UserCreationForm):
    """A new person: username, e-mail address and the password twice; Django checks the password's strength."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Organisation administrators find you by it when they add you to their organisation."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)  # the error summary takes the focus instead
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists. Log in, or ask for a new password.")
            )
        return email


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("For example the name of the program that uses it."),
    )


class ApiTokenRevokeForm(forms.Form):
    token = forms.ModelChoiceField(queryset=ApiToken.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].queryset = ApiToken.objects.filter(user=user)  # type: ignore[attr-defined]
