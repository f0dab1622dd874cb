"""Signing a person out everywhere else: after two-step sign-in is switched on or off, after new recovery codes and
after a password change, a session opened before it must not stay signed in (somebody who signed in with a stolen
password before two-step sign-in was on would otherwise keep their session).

Django checks on every request that the session's stored hash still matches the account (`get_session_auth_hash`,
an HMAC of the password hash): a password change alone already ends the other sessions. accounts.models.User adds
`session_salt` to that HMAC, so a new salt ends them too, without a list of sessions to search (the sessions table
is not indexed by person, and signed-cookie sessions would have no table at all). The session that made the change
stays signed in: keep_this_session stores its new hash (and gives it a new key).
"""

import secrets

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest

from accounts.models import User


def end_other_sessions(user: User) -> None:
    """Every session of `user` stops being signed in at its next request (call keep_this_session for the one that
    asked). Call it in the transaction of the change that needs it."""
    user.session_salt = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(session_salt=user.session_salt)


def keep_this_session(request: HttpRequest, user: User) -> None:
    update_session_auth_hash(request, user)
