"""Limits on guessing passwords, making accounts and asking for password resets (counted in core.limits).

Sign-in counts every try on an account name (from anywhere) and every try from an address (whatever the account);
a successful sign-in gives its count back, so only failures add up. Once either is over its rate, the password is
not even checked until the window ends: the answer is 429, also for the right password. So that an attacker
guessing at someone's account cannot keep its owner out, a browser the account has signed in with before carries a
signed device cookie, and its tries are counted for that browser alone (OWASP's "device cookies"). Sign-in with
identification is never limited here.
"""

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import ngettext

from core import limits

SIGN_IN_ACCOUNT_RATE = "10/15m"  # tries on one account name, from anywhere
SIGN_IN_ADDRESS_RATE = "20/h"  # tries from one address, on any accounts: stricter, it can be blocked for longer
SIGN_IN_DEVICE_RATE = "10/15m"  # tries from a browser the account signed in with before
REGISTER_RATE = "20/h"  # registration forms sent from one address (a class or a workshop fits)
RESET_ADDRESS_RATE = "10/h"  # requests from one address
RESET_MAILBOX_RATE = "3/h"  # requests for one e-mail address, so that nobody can flood a mailbox
RESEND_RATE = "3/h"  # new verification links one account may ask for: each one is a mail to its address

DEVICE_COOKIE = "innoverkko_device"
DEVICE_SALT = "accounts.limits.device"
DEVICE_MAX_AGE_S = 365 * 86400

View = Callable[..., HttpResponseBase]


def _minutes(counted: limits.Count) -> int:
    return max(1, -(-counted.retry_after // 60))


def _refused(request: HttpRequest, counts: list[limits.Count], message: Callable[[int], str]) -> HttpResponse:
    wait = max(counts, key=lambda c: c.retry_after)
    return limits.too_many_response(
        request, message=message(_minutes(wait)), back=request.get_full_path(), retry_after=wait.retry_after
    )


# --- sign-in ----------------------------------------------------------------------------------------------------------


def _account_name(username: str) -> str:
    return username.strip().casefold()[:200]


def _device(request: HttpRequest, account: str) -> str | None:
    """The device cookie's token when this browser has signed in to `account` before."""
    try:
        found = signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE_S)
    except signing.BadSignature:
        return None
    if not isinstance(found, dict) or found.get("account") != account:
        return None
    return str(found.get("device", "")) or None


def _remember_device(response: HttpResponseBase, account: str) -> None:
    value = signing.dumps({"account": account, "device": secrets.token_urlsafe(16)}, salt=DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_MAX_AGE_S,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def sign_in_counts(request: HttpRequest, username: str) -> list[limits.Count]:
    """Counts one sign-in try with `username`: per device when the browser has signed in to it before, otherwise
    per account name and per address."""
    account = _account_name(username)
    device = _device(request, account)
    if device:
        return [limits.count("accounts.sign_in.device", f"device:{device}", SIGN_IN_DEVICE_RATE)]
    return [
        limits.count("accounts.sign_in.account", f"account:{account}", SIGN_IN_ACCOUNT_RATE),
        limits.count("accounts.sign_in.address", limits.by_address(request), SIGN_IN_ADDRESS_RATE),
    ]


def _sign_in_message(minutes: int) -> str:
    return ngettext(
        "Too many sign-in attempts. Wait %(minutes)s minute and try again.",
        "Too many sign-in attempts. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def sign_in_limited(view: View) -> View:
    """Wraps a log-in view that takes `username` and `password` by POST and signs the person in on success."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = str(request.POST.get("username", ""))
        counts = sign_in_counts(request, username)
        if any(counted.over for counted in counts):
            return _refused(request, [c for c in counts if c.over], _sign_in_message)
        response = view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            for counted in counts:
                limits.give_back(counted)  # only failures count
            _remember_device(response, _account_name(username))
        return response

    return wrapped


# --- registration -----------------------------------------------------------------------------------------------------


def _register_message(minutes: int) -> str:
    return ngettext(
        "Too many accounts were made from your address. Wait %(minutes)s minute and try again.",
        "Too many accounts were made from your address. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def registration_limited(view: View) -> View:
    """Every registration form sent counts, valid or not, before any of it is checked or stored."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            counted = limits.count("accounts.register", limits.by_address(request), REGISTER_RATE)
            if counted.over:
                return _refused(request, [counted], _register_message)
        return view(request, *args, **kwargs)

    return wrapped


# --- password reset ---------------------------------------------------------------------------------------------------


def password_reset_message(minutes: int) -> str:
    return ngettext(
        "Too many password reset requests. Wait %(minutes)s minute and try again.",
        "Too many password reset requests. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def password_reset_counts(request: HttpRequest, *, email: str) -> list[limits.Count]:
    """Counts one password reset request, per address and per e-mail address (whether or not it has an
    account, so that the limit tells nothing about accounts)."""
    return [
        limits.count("accounts.password_reset", limits.by_address(request), RESET_ADDRESS_RATE),
        limits.count("accounts.password_reset.mailbox", f"email:{email.strip().lower()}", RESET_MAILBOX_RATE),
    ]


def password_reset_limited(view: View) -> View:
    """Wraps a password reset request view whose form posts `email`: 429 once a limit is reached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            counts = password_reset_counts(request, email=str(request.POST.get("email", "")))
            if any(counted.over for counted in counts):
                return _refused(request, [c for c in counts if c.over], password_reset_message)
        return view(request, *args, **kwargs)

    return wrapped


# --- verification mails -----------------------------------------------------------------------------------------------


def _resend_message(minutes: int) -> str:
    return ngettext(
        "Too many new verification links asked for. Wait %(minutes)s minute and try again.",
        "Too many new verification links asked for. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def verification_resend_limited(view: View) -> View:
    """Wraps the view that mails a new verification link: 429 once the account has asked too often."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            counted = limits.count("accounts.verification_resend", f"user:{request.user.pk}", RESEND_RATE)
            if counted.over:
                return _refused(request, [counted], _resend_message)
        return view(request, *args, **kwargs)

    return wrapped


# --- passwords typed by a signed-in person ----------------------------------------------------------------------------

# Tries per person on every form that asks a signed-in person for their password (deleting the account, changing
# the password or the e-mail address): one count for all of them, so that a session left open cannot be used to
# guess the password, form after form. The session alone is what the attacker has, so the person is counted.
PASSWORD_CHECK_RATE = "5/15m"  # noqa: S105 (a rate, not a password)


class TooManyPasswordTriesError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def password_check(user: Any, password: str) -> bool:
    """Is `password` the signed-in person's password? Counted before it is checked (over the limit, even the right
    password raises TooManyPasswordTriesError); a right password gives its count back, so only failures add up.
    Count it outside any transaction (core.limits says why)."""
    counted = limits.count("accounts.password_check", f"person:{user.pk}", PASSWORD_CHECK_RATE)
    if counted.over:
        raise TooManyPasswordTriesError(counted.retry_after)
    if user.check_password(password):
        limits.give_back(counted)
        return True
    return False


def password_check_message(minutes: int) -> str:
    return ngettext(
        "Too many wrong passwords. Wait %(minutes)s minute and try again.",
        "Too many wrong passwords. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def password_tries_limited(view: View) -> View:
    """Wraps a view whose form or service checks the password with password_check: 429 once the person has tried
    too many wrong passwords."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except TooManyPasswordTriesError as refused:
            minutes = max(1, -(-refused.retry_after // 60))
            return limits.too_many_response(
                request,
                message=password_check_message(minutes),
                back=request.get_full_path(),
                retry_after=refused.retry_after,
            )

    return wrapped
