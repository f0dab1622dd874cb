"""Account pages: log in, log out, register, and the person's own profile with their roles and API tokens."""

import logging
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import (
    identity,
    invitations,
    oidc,
    services,
    sessions,
    two_factor,
    two_factor_policy,
    verification,
)
from accounts.forms import (
    ApiTokenCreateForm,
    ApiTokenRevokeForm,
    EmailChangeForm,
    RegistrationForm,
    TwoFactorCodeForm,
)
from accounts.limits import (
    password_tries_limited,
    registration_limited,
    sign_in_limited,
    verification_resend_limited,
)
from accounts.models import ApiToken, IdentityProvider, Membership, User
from core import encryption, limits
from core.forms import attach_errors
from organisations.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)
SIGN_IN_NEXT = "oidc_next"
SIGN_IN_LANGUAGE = "oidc_language"


class LogInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # The error summary, not the first field, takes the focus when the form comes back with an error.
        self.fields["username"].widget.attrs.pop("autofocus", None)


@method_decorator(sign_in_limited, name="post")
class InnoverkkoLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LogInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = IdentityProvider.objects.filter(enabled=True)
        return context


SIGN_IN_PROBLEMS = {
    # reason: (what happened, what to do) — shown on the sign-in error page in the person's language
    "unknown": (
        gettext_lazy("There is no such identification service."),
        gettext_lazy("Choose a service on the log-in page."),
    ),
    "unavailable": (
        gettext_lazy("The identification service does not answer right now."),
        gettext_lazy("Try again in a moment, or log in with your user name and password."),
    ),
    "state": (
        gettext_lazy("The sign-in could not be completed: it was started in another window, or it took too long."),
        gettext_lazy("Start the sign-in again."),
    ),
    "cancelled": (
        gettext_lazy("You cancelled the identification."),
        gettext_lazy("Start again when you want to sign in."),
    ),
    "refused": (
        gettext_lazy("The identification service refused the sign-in."),
        gettext_lazy("Start the sign-in again. If it keeps failing, contact the platform's support."),
    ),
    "token": (
        gettext_lazy("The answer of the identification service could not be verified, so you were not signed in."),
        gettext_lazy("Start the sign-in again. If it keeps failing, contact the platform's support."),
    ),
}


def _sign_in_problem(request: HttpRequest, reason: str, status: int, message: str = "") -> HttpResponse:
    what, todo = SIGN_IN_PROBLEMS[reason]
    return render(
        request,
        "accounts/sign_in_error.html",
        {"what": message or what, "todo": todo, "reason": reason},
        status=status,
    )


def _enabled_provider(slug: str) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(slug=slug, enabled=True).select_related("organisation").first()


@never_cache
@require_http_methods(["GET", "POST"])
def oidc_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Sends the person to the identification provider; they come back to oidc_callback."""
    provider = _enabled_provider(slug)
    if provider is None:
        return _sign_in_problem(request, "unknown", 404)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    request.session[SIGN_IN_NEXT] = next_url
    request.session[SIGN_IN_LANGUAGE] = translation.get_language()
    callback = request.build_absolute_uri(reverse("oidc:callback", args=[provider.slug]))
    try:
        return oidc.start(request, provider, callback)
    except oidc.ProviderUnavailableError:
        logger.warning("identification provider %s did not answer", provider.slug, exc_info=True)
        return _sign_in_problem(request, "unavailable", 502)


@never_cache
@require_http_methods(["GET"])
def oidc_callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider sends the person back here with a code: exchange it, check the ID token, sign them in."""
    language = request.session.get(SIGN_IN_LANGUAGE)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)  # the callback has no language in its address: use the one they started in
    provider = _enabled_provider(slug)
    if provider is None:
        return _sign_in_problem(request, "unknown", 404)
    try:
        claims = oidc.finish(request, provider)
    except oidc.ProviderUnavailableError:
        logger.warning("identification provider %s did not answer", provider.slug, exc_info=True)
        return _sign_in_problem(request, "unavailable", 502)
    except oidc.SignInFailedError as failure:
        logger.warning("sign-in with %s failed: %s %s", provider.slug, failure.reason, failure.detail)
        return _sign_in_problem(request, failure.reason, 400)
    try:
        user = identity.identity_sign_in(actor=request.user, provider=provider, claims=claims)
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return _sign_in_problem(request, "refused", 400, message=message)
    next_url = request.session.pop(SIGN_IN_NEXT, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if (
        identity.is_strongly_identified(user)
        and user.strongly_identified_at
        and (timezone.now() - user.strongly_identified_at).total_seconds() < 60
    ):
        messages.success(request, _("You are signed in with strong identification."))
    else:
        messages.success(request, _("You are signed in."))
    return redirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


class InnoverkkoLogoutView(LogoutView):
    """POST only (Django's own rule since 5.0), so that a link or an image cannot log a person out."""


@require_http_methods(["GET", "POST"])
@registration_limited
def register(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address has an account (accounts.verification.account_register): the
    person is sent to read their mail, and signs in once they have verified the address."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            verification.account_register(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                language=translation.get_language(),
            )
            return redirect("accounts:register_done")
        return render(request, "accounts/register.html", {"form": form}, status=400)
    return render(request, "accounts/register.html", {"form": form})


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, POST verifies: mail filters that open links to check them must not use up the one-time link."""
    if request.method == "POST":
        try:
            user = verification.email_verify(token=token)
        except ValidationError as error:
            return render(request, "accounts/verify_email.html", {"problem": " ".join(error.messages)}, status=400)
        if request.user.is_authenticated and request.user.pk == user.pk:
            request.user.email_verified_at = user.email_verified_at
            messages.success(request, _("Your e-mail address has been verified."))
            return redirect("accounts:profile")
        return render(request, "accounts/verify_email.html", {"verified": user})
    return render(request, "accounts/verify_email.html", {"token": token})


@login_required
@require_http_methods(["POST"])
@verification_resend_limited
def verification_resend(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    try:
        verification.verification_resend(actor=user, language=translation.get_language())
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "We sent a new link to %(email)s. Open it within %(days)d day.",
                "We sent a new link to %(email)s. Open it within %(days)d days.",
                verification.VERIFICATION_MAX_AGE.days,
            )
            % {"email": user.email, "days": verification.VERIFICATION_MAX_AGE.days},
        )
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("accounts:profile")
    return redirect(next_url)


@never_cache
@require_http_methods(["GET"])
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    """The page the invitation mail links to: what the invitation is, and accepting it if this person may."""
    found = invitations.invitation_for_key(key)
    if found is None:
        return render(request, "accounts/invitation.html", {"invitation": None}, status=404)
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": found, "refusal": invitations.invitation_refusal(request.user, found)},
    )


@login_required
@require_http_methods(["POST"])
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = invitations.invitation_by_pk(pk)
    if found is None:
        messages.error(request, _("The invitation no longer exists."))
        return redirect("accounts:profile")
    try:
        membership = invitations.invitation_accept(actor=request.user, invitation=found)
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return render(request, "accounts/invitation.html", {"invitation": found, "refusal": text}, status=403)
    messages.success(
        request,
        _("You are now a member of %(organisation)s: %(role)s.")
        % {"organisation": membership.organisation, "role": membership.get_role_display()},
    )
    return redirect(membership.organisation)


@never_cache  # the page can show a new API key, which must not stay in any cache
@login_required
@require_http_methods(["GET", "POST"])
@password_tries_limited  # changing the e-mail address asks for the password
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    create_form = ApiTokenCreateForm()
    email_form = EmailChangeForm(user=user)
    new_key = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "change_email":
            email_form = EmailChangeForm(request.POST, user=user)
            if email_form.is_valid():
                try:
                    verification.email_change(
                        actor=user, email=email_form.cleaned_data["email"], language=translation.get_language()
                    )
                except ValidationError as error:
                    attach_errors(email_form, error)
                else:
                    if not user.email_verified:
                        messages.success(
                            request,
                            _("Your e-mail address is now %(email)s. Open the link we sent there to verify it.")
                            % {"email": user.email},
                        )
                    return redirect("accounts:profile")
            status = 400
        elif action == "create_token":
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
            "identities": user.identities.select_related("provider").order_by("provider__name"),
            "home_municipality": Organisation.objects.filter(
                municipality_code=identity.home_municipality_code(user) or None, kind=OrganisationKind.MUNICIPALITY
            ).first(),
            "create_form": create_form,
            "email_form": email_form,
            "invitations": invitations.invitations_for(user),
            "new_key": new_key,
            "two_factor_on": two_factor.is_enabled(user),
        },
        status=status,
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in (TwoFactorMiddleware sends every unverified session here)."""
    user = cast(User, request.user)
    next_url = _safe_next(request, reverse("accounts:profile"))
    if not two_factor.session_needs_code(request):
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ok = two_factor.verify(user=user, code=form.cleaned_data["code"])
            except two_factor.TooManyTriesError as refused:
                return limits.too_many_response(
                    request,
                    message=two_factor.too_many_message(refused.retry_after),
                    back=request.get_full_path(),
                    retry_after=refused.retry_after,
                )
            except encryption.DecryptionError:  # the service's keys are wrong: said, not a 500
                form.add_error("code", two_factor.unreadable_message())
                return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=503)
            if ok:
                request.session.cycle_key()
                two_factor.mark_verified(request)
                return redirect(next_url)
            form.add_error("code", _("The code is not correct. Type the six digits your app shows now."))
        status = 400
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turning two-step sign-in on (QR code, then the first code; recovery codes shown once), new recovery codes,
    and off. Each change signs the person out of their other sessions (accounts.sessions) but not of this one."""
    user = cast(User, request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    # Two forms on the page when it is on (new recovery codes, off): each its own field names and ids.
    form = TwoFactorCodeForm(request.POST if action in ("confirm", "disable") else None)
    renew_form = TwoFactorCodeForm(request.POST if action == "recovery_codes" else None, prefix="renew")
    bound = renew_form if action == "recovery_codes" else form
    recovery_codes: list[str] = []
    status = 200
    try:
        if action == "start":
            two_factor.enrolment_start(user=user)
            target, next_url = reverse("accounts:two_factor_setup"), _safe_next(request, "")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
        if action in ("confirm", "disable", "recovery_codes") and bound.is_valid():
            code = bound.cleaned_data["code"]
            if action == "confirm":
                recovery_codes = two_factor.enrolment_confirm(user=user, code=code)
                two_factor.mark_verified(request)
            elif action == "recovery_codes":
                recovery_codes = two_factor.recovery_codes_renew(user=user, code=code)
            else:
                two_factor.disable(user=user, code=code)
                two_factor_policy.forget_enabled(request)
            sessions.keep_this_session(request, user)
            if action == "disable":
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("accounts:profile")
            form, renew_form = TwoFactorCodeForm(), TwoFactorCodeForm(prefix="renew")
        elif action:
            status = 400
    except two_factor.TooManyTriesError as refused:
        return limits.too_many_response(
            request,
            message=two_factor.too_many_message(refused.retry_after),
            back=request.get_full_path(),
            retry_after=refused.retry_after,
        )
    except ValidationError as error:
        attach_errors(bound, error)
        status = 400
    except encryption.DecryptionError:  # the service's keys are wrong: said, not a 500
        bound.add_error("code", two_factor.unreadable_message())
        status = 503
    pending = two_factor.pending(user)
    secret = two_factor.secret_of(pending) if pending else ""
    uri = two_factor.provisioning_uri(pending) if pending else ""
    enabled = two_factor.is_enabled(user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "renew_form": renew_form,
            "enabled": enabled,
            # Why the person was sent here: the organisations that require it (accounts.two_factor_policy).
            "required_by": two_factor_policy.requiring_organisations(user) if not enabled else [],
            "next": _safe_next(request, ""),
            "pending": pending,
            "qr_svg": two_factor.qr_svg(uri) if uri else "",
            "secret": secret,
            "recovery_codes": recovery_codes,
            "codes_left": two_factor.recovery_codes_left(user),
        },
        status=status,
    )
