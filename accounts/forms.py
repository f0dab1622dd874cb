"""Forms of the account pages: registration, the e-mail address, passwords and API tokens (log-in uses Django's own
AuthenticationForm)."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm, UserCreationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.limits import password_check
from accounts.mails import absolute_url, mail_later
from accounts.models import ApiToken, User


class RegistrationForm(UserCreationForm):  # type: ignore[type-arg]  # generic in the stubs only
    """A new person: username, e-mail address and the password twice; Django checks the password's strength."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "We send a link to this address. Open it to verify the address before you send ideas or comments. "
            "Organisation administrators find you by a verified address."
        ),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)  # the error summary takes the focus instead
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    # No check that the address is free: the answer must not tell whether it has an account
    # (accounts.verification.account_register deals with it).


class EmailChangeForm(forms.Form):
    """A new address for the account; it must be verified again. People with a password confirm with it."""

    email = forms.EmailField(label=_("New e-mail address"), max_length=254)
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if not user.has_usable_password():
            del self.fields["password"]  # they sign in through an identification provider

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not password_check(self.user, password):  # tries limited: the view answers 429 past the limit
            raise forms.ValidationError(_("The password is not correct."))
        return password


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


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, with the link on the site's own address (not the request's Host header) and the mail
    in the person's language, sent after the response: the page then takes as long whether or not the address has
    an account."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = translation.get_language()
        link = absolute_url(language, "accounts:password_reset_confirm", uidb64=context["uid"], token=context["token"])
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        mail_later(
            template="password_reset",
            to=to_email,
            language=language,
            context={"user": context["user"], "link": link, "hours": hours},
        )


class NoAutofocusPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)  # the error summary takes the focus

    def clean_old_password(self) -> str:
        # Django's check, with the tries limited (accounts.limits.password_check; the view answers 429).
        old_password: str = self.cleaned_data["old_password"]
        if not password_check(self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class NoAutofocusSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic in the stubs only
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)


class AccountDeleteForm(forms.Form):
    """The confirmation of deleting one's account: the password, or the username for people who sign in only
    through an identification provider (they have no password to type)."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    username = forms.CharField(label=_("Type your username to confirm"), max_length=150)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.has_usable_password():
            del self.fields["username"]
        else:
            del self.fields["password"]
            self.fields["username"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )
