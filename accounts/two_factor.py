"""Optional two-step sign-in with an authenticator app (TOTP), for anyone and meant for organisations' editors and
administrators and platform administrators.

Whatever way a person signed in (password, identification, the Django admin's own log-in page), a session whose
person has confirmed two-step sign-in counts as signed in only after the second step. Every log-in path calls
Django's login(), whose user_logged_in signal marks the new session as waiting for the code (PENDING_KEY holds the
person's id; on_login, connected in apps.py); TwoFactorMiddleware sends every other request of such a session to
the code page, and the code removes the mark. The second step is therefore not a step of one log-in view that
another log-in path could skip, and a request costs no query: the mark is in the session already loaded.

Codes: 30-second steps, one step of clock drift either way; a code is refused once used and so is every older one
(`last_step`). Tries are counted per person in core.limits (CODE_RATE), so the 10^6 codes cannot be walked.
Recovery codes: ten random codes, shown once, stored as SHA-256, each usable once; new ones can be made.

Switching it on or off and new recovery codes sign the person out of every other session (accounts.sessions).
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

import pyotp
import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import sessions, two_factor_policy
from accounts.models import RecoveryCode, TwoFactor, User
from core import api_types, encryption, limits

logger = logging.getLogger(__name__)
ISSUER = "Innoverkko"
PENDING_KEY = "two_factor_pending_for"
CODE_RATE = "5/5m"  # code tries per person: a lucky guess is then about one in 100,000 a day
RECOVERY_CODES = 10
VALID_WINDOW = 1  # steps of clock drift accepted either way


class TooManyTriesError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def is_enabled(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def enrolment_start(*, user: User) -> TwoFactor:
    """A new secret waiting for its first code (a previous unconfirmed one is replaced)."""
    if is_enabled(user):
        raise ValidationError(_("Two-step sign-in is already on."))
    TwoFactor.objects.filter(user=user).delete()
    return TwoFactor.objects.create(user=user, encrypted_secret=encryption.encrypt(pyotp.random_base32()))


def secret_of(two_factor: TwoFactor) -> str:
    """The base32 secret (stored encrypted). core.encryption.DecryptionError when no configured key opens it."""
    return encryption.decrypt(two_factor.encrypted_secret)


def pending(user: User) -> TwoFactor | None:
    """The enrolment waiting for its first code; one whose secret the keys no longer open is dropped (the person
    starts again: nothing was on yet)."""
    record = TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).first()
    if record is not None:
        try:
            secret_of(record)
        except encryption.DecryptionError:
            record.delete()
            return None
    return record


def provisioning_uri(two_factor: TwoFactor) -> str:
    return pyotp.TOTP(secret_of(two_factor)).provisioning_uri(name=two_factor.user.get_username(), issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline <svg> element (no image file, nothing the CSP has to allow)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for your authenticator app")))


def _count_try(user: User) -> limits.Count:
    counted = limits.count("two_factor", f"person:{user.pk}", CODE_RATE)
    if counted.over:
        raise TooManyTriesError(counted.retry_after)
    return counted


def _accept_totp(two_factor: TwoFactor, code: str) -> bool:
    """Checks a code against the locked row; refuses replays; moves last_step on when accepted."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(secret_of(two_factor))
    now = timezone.now()
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step > two_factor.last_step and secrets.compare_digest(totp.generate_otp(step), code):
            two_factor.last_step = step
            two_factor.save(update_fields=["last_step"])
            return True
    return False


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).lower().replace("-", "").encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _i in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(c)) for c in codes])
    return codes


def enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Turns two-step sign-in on with the first code from the app; returns the recovery codes (shown once)."""
    _count_try(user)
    with transaction.atomic():
        two_factor = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if two_factor is None:
            raise ValidationError(_("Start again: scan the QR code first."))
        if not _accept_totp(two_factor, code):
            raise ValidationError({"code": _("The code is not correct. Type the six digits your app shows now.")})
        two_factor.confirmed_at = timezone.now()
        two_factor.save(update_fields=["confirmed_at"])
        # A session opened before with the password alone must not stay signed in without the code.
        sessions.end_other_sessions(user)
        return _new_recovery_codes(user)


def verify(*, user: User, code: str) -> bool:
    """The second step: a code from the app, or an unused recovery code (then used up). Counted against the rate
    before it is checked, so guessing stops at the limit (TooManyTriesError). When the secret cannot be decrypted
    and the code is no recovery code: core.encryption.DecryptionError (the pages say so: unreadable_message)."""
    counted = _count_try(user)
    with transaction.atomic():
        two_factor = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if two_factor is None:
            return False
        unreadable = None
        try:
            if _accept_totp(two_factor, code):
                limits.give_back(counted)
                return True
        except encryption.DecryptionError as problem:
            # The keys are wrong (a removed key, a new SECRET_KEY): said clearly in the log, and the person can
            # still sign in with a recovery code, which does not depend on them.
            logger.error("Two-step sign-in secret of person %s cannot be decrypted: %s", user.pk, problem)
            unreadable = problem
        recovery = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, code_hash=_hash(code), used_at__isnull=True)
            .first()
        )
        if recovery is not None:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            limits.give_back(counted)
            return True
    if unreadable is not None:
        raise unreadable
    return False


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def disable(*, user: User, code: str) -> None:
    """Turns two-step sign-in off; needs a fresh code (or a recovery code), so a left-open session alone cannot."""
    if not verify(user=user, code=code):
        raise ValidationError({"code": _("The code is not correct. Type the six digits your app shows now.")})
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        sessions.end_other_sessions(user)


def recovery_codes_renew(*, user: User, code: str) -> list[str]:
    """New recovery codes in place of the old ones (all of which stop working); needs a fresh code. Every other
    session is signed out: whoever read the old codes may have used one to sign in."""
    if not is_enabled(user):
        raise ValidationError(_("Two-step sign-in is off."))
    if not verify(user=user, code=code):
        raise ValidationError({"code": _("The code is not correct. Type the six digits your app shows now.")})
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        sessions.end_other_sessions(user)
    return codes


def unreadable_message() -> str:
    return _(
        "Codes from your authenticator app cannot be checked just now because of a fault in the service. Sign in "
        "with one of your recovery codes, or try again later."
    )


def too_many_message(retry_after: int) -> str:
    minutes = max(1, -(-retry_after // 60))
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


# --- the session -------------------------------------------------------------------------------------------------


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and is_enabled(user):
        request.session[PENDING_KEY] = user.pk


def mark_verified(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def session_needs_code(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    # Whoever the mark names, it holds the session back (login() flushes the session between people anyway).
    return session is not None and PENDING_KEY in session and user is not None and user.is_authenticated


class TwoFactorMiddleware:
    """Until the second step is done, a session of a person with two-step sign-in reaches only the code page, the
    log-out, the language switch and static files; everything else (the site, the admin) redirects to the code
    page; the API answers 401 to such a session (tokens are not sessions and are not affected).

    A person whose organisation requires two-step sign-in and who has not set it up (accounts.two_factor_policy)
    reaches only the set-up page, the log-out, the language switch and the legal pages; every other page redirects
    to the set-up page, which says why, and the API answers 403 to the session (tokens: see the policy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_needs_code(request) and not _exempt(request):
            from django.urls import reverse

            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": _("Finish signing in with your code first.")}, status=401)
            return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
        if two_factor_policy.enrolment_needed(request) and not _exempt(request, ENROLMENT_EXEMPT):
            from django.urls import reverse

            if request.path_info.startswith("/api/"):
                message = two_factor_policy.enrolment_message()
                return api_types.error_response(request, status=403, code="two_step_sign_in_required", message=message)
            return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


CODE_EXEMPT = frozenset({"accounts:two_factor_verify", "accounts:logout"})
# Setting it up needs the set-up page; the legal pages say what is done with the person's data.
ENROLMENT_EXEMPT = frozenset(
    {"accounts:two_factor_setup", "accounts:logout", "admin:logout", "core:privacy", "core:accessibility", "core:terms"}
)


def _exempt(request: HttpRequest, view_names: frozenset[str] = CODE_EXEMPT) -> bool:
    from django.urls import Resolver404, resolve

    path = request.path_info
    if path.startswith(("/static/", "/i18n/")):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in view_names
