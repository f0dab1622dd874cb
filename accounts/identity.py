"""What identification has told about a person, and the sign-in with an identification provider (OIDC).

A sign-in (`identity_sign_in`) links the provider's subject to a user, makes a user for a new person, records
strong identification and the home municipality, and makes a staff provider's people its staff members. The
rules of challenges (ideas.rules) read the result through `is_strongly_identified` and `home_municipality_code`.
"""

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Actor, Identity, IdentityProvider, Membership, Role, User, person_of
from audit.models import Action
from audit.services import change_record, diff
from core.sanitise import strip_html

MUNICIPALITY_CODE = re.compile(r"^\d{1,3}$")


def is_strongly_identified(user: Any) -> bool:
    """Has the person signed in with strong identification (an acr their provider counts as strong)?"""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "strongly_identified_at", None))


def home_municipality_code(user: Any) -> str:
    """The three-digit code of the home municipality that strong identification reported; "" when not known."""
    if not is_strongly_identified(user):
        return ""
    return str(getattr(user, "home_municipality_code", "") or "")


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return strip_html(str(value)).strip() if value not in (None, "") else ""


def _municipality_code(claims: Mapping[str, Any], claim: str) -> str:
    """The home municipality's code as three digits ("91" and "091" are Helsinki); "" when missing or malformed."""
    value = _claim(claims, claim)
    return value.zfill(3) if MUNICIPALITY_CODE.match(value) else ""


def _new_username(provider: IdentityProvider, subject: str) -> str:
    # The subject may be long or carry characters usernames do not allow; a short hash keeps it unique per provider.
    digest = hashlib.sha256(f"{provider.pk}:{subject}".encode()).hexdigest()[:16]
    return f"{provider.slug[:30]}-{digest}"


@transaction.atomic
def identity_sign_in(*, actor: Actor | None, provider: IdentityProvider, claims: Mapping[str, Any]) -> User:
    """The person the provider identified (validated ID token claims): their linked user, the signed-in actor when
    they link a new identity to their account, or a new user. Records strong identification and the home
    municipality (only strong identification's word counts for those), and makes the people of an organisation's
    staff provider its staff members. Returns the user to sign in."""
    if not provider.enabled:
        raise PermissionDenied(_("This identification provider is not in use."))
    subject = str(claims.get("sub") or "").strip()
    if not subject or len(subject) > 255:
        raise ValidationError(_("The identification provider did not say who you are."))
    signed_in = person_of(actor)
    identity = Identity.objects.select_for_update().filter(provider=provider, subject=subject).first()
    if identity is not None and signed_in is not None and identity.user_id != signed_in.pk:
        raise ValidationError(
            _("This identification is already linked to another account. Sign out first to use that account.")
        )
    created_user = False
    if identity is not None:
        user = User.objects.select_for_update().get(pk=identity.user_id)
    elif signed_in is not None:
        user = User.objects.select_for_update().get(pk=signed_in.pk)
    else:
        user = User(
            username=_new_username(provider, subject),
            first_name=_claim(claims, "given_name")[:150],
            last_name=_claim(claims, "family_name")[:150],
        )
        email = _claim(claims, "email")[:254]
        # The provider's word that the address is the person's (`email_verified`) is trusted: platform
        # administrators choose the providers. Without it the address is not stored at all. An address another
        # account has verified stays with that account (accounts.verification).
        if email and claims.get("email_verified") is True:
            user.email = email
            if not User.objects.filter(email__iexact=email, email_verified_at__isnull=False).exists():
                user.email_verified_at = timezone.now()
        user.set_unusable_password()  # they sign in through the provider
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # The same first sign-in in two tabs at once: the username is the provider's subject hashed, so the
            # other request made this person (and their identity) first; continue as them.
            identity = Identity.objects.select_for_update().filter(provider=provider, subject=subject).first()
            if identity is not None:
                user = User.objects.select_for_update().get(pk=identity.user_id)
            else:  # another account verified the same address at the same moment: it keeps it
                user.email_verified_at = None
                user.save()
        if identity is None:
            created_user = True
            change_record(obj=user, actor=user, action=Action.CREATE, changes={"identity": [None, provider.slug]})
    if not user.is_active:
        raise PermissionDenied(_("This account has been closed."))
    if identity is None:
        try:
            with transaction.atomic():
                identity = Identity.objects.create(provider=provider, subject=subject, user=user)
        except IntegrityError:  # the same first sign-in in two tabs: the other one made it
            identity = Identity.objects.get(provider=provider, subject=subject)
            if identity.user_id != user.pk:
                raise ValidationError(_("This identification is already linked to another account.")) from None
        if not created_user:
            change_record(obj=user, actor=user, action=Action.UPDATE, changes={"identity": [None, provider.slug]})
    now = timezone.now()
    acr = _claim(claims, "acr")[:200]
    identity.last_used_at = now
    identity.last_acr = acr
    identity.save(update_fields=["last_used_at", "last_acr"])
    if acr and acr in provider.strong_acrs():
        before = (user.strongly_identified_at is not None, user.home_municipality_code)
        user.strongly_identified_at = now
        code = _municipality_code(claims, provider.municipality_claim)
        if code or provider.municipality_claim:  # a move away is news too: the claim was asked and is now empty
            user.home_municipality_code = code
        user.save(update_fields=["strongly_identified_at", "home_municipality_code"])
        after = (True, user.home_municipality_code)
        if before != after:
            change_record(
                obj=user,
                actor=user,
                action=Action.UPDATE,
                changes={"strongly_identified": [before[0], True], "home_municipality_code": [before[1], after[1]]},
            )
    if provider.organisation_id is not None:
        _membership, made = Membership.objects.get_or_create(
            user=user, organisation_id=provider.organisation_id, defaults={"role": Role.STAFF}
        )
        if made:
            # Never an editor: editing rights are given by the organisation's administrators, not by a sign-in.
            change_record(
                obj=provider.organisation,  # type: ignore[arg-type]
                actor=user,
                action=Action.UPDATE,
                changes={"members": [None, f"{user.get_username()} ({Role.STAFF})"]},
            )
            if hasattr(user, "_organisation_roles"):
                del user._organisation_roles
    return user


# What the change log shows of a provider: everything but the client secret.
PROVIDER_LOGGED = (
    "slug",
    "name",
    "discovery_url",
    "client_id",
    "scopes",
    "strong_acr_values",
    "municipality_claim",
    "organisation_id",
    "enabled",
    "order",
)


@transaction.atomic
def identity_provider_save(*, actor: Actor, provider: IdentityProvider) -> IdentityProvider:
    """Adds or changes an identification provider (platform administrators only, in the Django admin)."""
    if not (getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)):
        raise PermissionDenied(_("You do not have permission to do this."))
    provider.name = strip_html(provider.name).strip()
    provider.full_clean()
    before = IdentityProvider.objects.filter(pk=provider.pk).values(*PROVIDER_LOGGED).first() if provider.pk else None
    provider.save()
    after = {field: getattr(provider, field) for field in PROVIDER_LOGGED}
    changes = diff(before or {}, after)
    if before is None or changes:
        change_record(
            obj=provider, actor=actor, action=Action.CREATE if before is None else Action.UPDATE, changes=changes
        )
    return provider
