"""E-mail addresses that a person has shown to be theirs, and accounts made without telling who else has one.

Why: an address typed on a form proves nothing. Anyone can register with someone else's address (or with it as
their username), so finding a person by an address they have not verified can hand an organisation's role to an
impostor. A person verifies an address by opening a link mailed to it. The link is signed, expires, and works
once: it carries a hash of the address and of the moment it was last verified, so verifying (or changing the
address) retires every earlier link without storing anything. A verified address belongs to one account only.

Registration answers the same whether or not the address has an account: with a new address the account is made
and the link mailed; with an address another account has verified no account is made, and that address's owner is
told that someone tried (with the way to a new password). Only a verified address blocks: an impostor who
registered first with an unverified copy of someone's address does not keep its owner out.

Identification providers: accounts.identity stores a provider's `email` claim only when the ID token also says
`email_verified: true`; such an address counts as verified (platform administrators choose the providers, and a
provider that verifies addresses is trusted to), unless another account has already verified it.
"""

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.mails import absolute_url, mail_later
from accounts.models import Actor, User
from audit.models import Action
from audit.services import change_record

VERIFICATION_MAX_AGE = datetime.timedelta(days=3)
SALT = "accounts.verification"


def is_verified(user: Any) -> bool:
    """Whether the signed-in person has verified their current address (False for people without an account)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "email_verified", False))


def is_vouched_for(user: Any) -> bool:
    """Whether what this signed-in person sends may count: their address is verified, or an identification provider
    (chosen by the platform's administrators) knows them. Remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_vouched_for", None)
    if cached is None:
        cached = is_verified(user) or user.identities.exists()
        user._vouched_for = cached
    return bool(cached)


def verified_owner(email: str) -> User | None:
    """The active account that has verified this address, if any. The only way to find a person by an address."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, email_verified_at__isnull=False, is_active=True).first()


def _state(user: User) -> str:
    # Changes when the address changes or is verified, so a link stops working after its first use.
    value = f"{user.pk}:{user.email.lower()}:{user.email_verified_at.isoformat() if user.email_verified_at else ''}"
    return salted_hmac(SALT, value).hexdigest()[:32]


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)


def verification_link(user: User, language: str) -> str:
    return absolute_url(language, "accounts:verify_email", token=verification_token(user))


def verification_send(*, user: User, language: str) -> None:
    """Mails the person a link that verifies their current address (nothing when there is none or it is verified)."""
    if not user.email or user.email_verified:
        return
    mail_later(
        template="verify",
        to=user.email,
        language=language,
        context={
            "user": user,
            "link": verification_link(user, language),
            "days": VERIFICATION_MAX_AGE.days,
        },
    )


def verification_resend(*, actor: Actor, language: str) -> None:
    if not isinstance(actor, User):
        raise PermissionDenied(_("Sign in first."))
    if actor.email_verified:
        raise ValidationError(_("Your e-mail address has already been verified."))
    if not actor.email:
        raise ValidationError(_("Your account has no e-mail address. Add one on your profile page."))
    verification_send(user=actor, language=language)


def email_verify(*, token: str) -> User:
    """Verifies the address the link was mailed to. Refuses a link that is expired, used, for an address the
    account no longer has, or for an address another account has verified meanwhile."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("The link has expired. Sign in and ask for a new one on your profile page."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("The link is not valid. Check that you copied all of it."), code="invalid") from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
        if user is None or not user.email or not constant_time_compare(str(data.get("s", "")), _state(user)):
            raise ValidationError(
                _(
                    "The link has already been used, or your e-mail address has changed since it was sent. "
                    "Sign in to see whether your address is verified; you can ask for a new link there."
                ),
                code="used",
            )
        if User.objects.filter(email__iexact=user.email, email_verified_at__isnull=False).exclude(pk=user.pk).exists():
            raise ValidationError(_("Another account has already verified this e-mail address."), code="taken")
        user.email_verified_at = timezone.now()
        try:
            with transaction.atomic():
                user.save(update_fields=["email_verified_at"])
        except IntegrityError:  # another account verified the same address at the same moment
            raise ValidationError(
                _("Another account has already verified this e-mail address."), code="taken"
            ) from None
        change_record(obj=user, actor=user, action=Action.UPDATE, changes={"email_verified": [False, True]})
    return user


def account_register(*, username: str, email: str, password: str, language: str) -> User | None:
    """Makes an account and mails the link that verifies its address; or, when another account has verified the
    address, makes none and tells that account's owner. The caller answers the same either way."""
    email = email.strip()
    owner = verified_owner(email)
    if owner is not None:
        make_password(password)  # as slow as making the account, so the answer's timing tells nothing either
        mail_later(
            template="register_exists",
            to=owner.email,
            language=language,
            context={
                "user": owner,
                "login": absolute_url(language, "accounts:login"),
                "reset": absolute_url(language, "accounts:password_reset"),
            },
        )
        return None
    with transaction.atomic():
        user = User(username=username, email=email)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        change_record(obj=user, actor=user, action=Action.CREATE, changes={"username": [None, username]})
    verification_send(user=user, language=language)
    return user


def email_change(*, actor: Actor, email: str, language: str) -> User:
    """Changes the person's address; the new one is unverified until they open the link mailed to it. The old
    address, if verified, is told of the change (someone who took over a session cannot do it unseen)."""
    if not isinstance(actor, User):
        raise PermissionDenied(_("Sign in first."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.email.lower() == email.lower() and user.email == email:
            return user
        old, was_verified = user.email, user.email_verified
        same_address = old.lower() == email.lower()
        user.email = email
        if not same_address:
            user.email_verified_at = None
        user.full_clean(exclude=["password"])
        user.save(update_fields=["email", "email_verified_at"])
        change_record(obj=user, actor=user, action=Action.UPDATE, changes={"email": [old, email]})
    actor.email, actor.email_verified_at = user.email, user.email_verified_at
    if not same_address:
        verification_send(user=user, language=language)
        if old and was_verified:
            mail_later(template="email_changed", to=old, language=language, context={"user": user, "new": email})
    return user
