"""Account pages: log in, log out, register, and the person's own profile with their roles and API tokens."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import ApiTokenCreateForm, ApiTokenRevokeForm, RegistrationForm
from accounts.models import ApiToken, Membership, User
from core.forms import attach_errors


class LogInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # The error summary, not the first field, takes the focus when the form comes back with an error.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class InnoverkkoLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LogInForm
    redirect_authenticated_user = True


class InnoverkkoLogoutView(LogoutView):
    """POST only (Django's own rule since 5.0), so that a link or an image cannot log a person out."""


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Innoverkko! Your account has been created and you are logged in."))
            return redirect("accounts:profile")
        return render(request, "accounts/register.html", {"form": form}, status=400)
    return render(request, "accounts/register.html", {"form": form})


@never_cache  # the page can show a new API key, which must not stay in any cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    create_form = ApiTokenCreateForm()
    new_key = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create_token":
            create_form = ApiTokenCreateForm(request.POST)
            if create_form.is_valid():
                try:
                    token, new_key = services.api_token_create(user=user, name=create_form.cleaned_data["name"])
                except ValidationError as error:
                    attach_errors(create_form, error)
                else:
                    # Shown on this response only, not after a redirect: the key is never stored anywhere readable.
                    messages.success(request, _("The token “%(name)s” has been made.") % {"name": token.name})
                    create_form = ApiTokenCreateForm()
            if create_form.errors:
                status = 400
        elif action == "revoke_token":
            revoke_form = ApiTokenRevokeForm(request.POST, user=user)
            if revoke_form.is_valid():
                token = revoke_form.cleaned_data["token"]
                services.api_token_revoke(user=user, token=token)
                messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
            else:
                messages.error(request, _("The token had already been revoked."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name"),
            "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
            "create_form": create_form,
            "new_key": new_key,
        },
        status=status,
    )
