"""People, their roles in organisations, and API tokens."""

import hashlib
from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account. `is_superuser` is the platform administrator.

    What identification told about the person (accounts.identity reads it): when they last signed in with strong
    identification (None: never) and the home municipality's three-digit code it reported. Only sign-in with an
    identification provider writes them; a person cannot claim them on a form.
    """

    strongly_identified_at = models.DateTimeField(_("strongly identified at"), null=True, blank=True, editable=False)
    home_municipality_code = models.CharField(_("home municipality code"), max_length=3, blank=True, editable=False)
    # When the person showed that they read mail at `email` (opened the link mailed there); None: not verified.
    # Only accounts.verification writes it, and any change of the address clears it. Nobody may be found, given a
    # role or send in the platform by an address they have not verified (accounts.verification explains why).
    email_verified_at = models.DateTimeField(_("e-mail address verified at"), null=True, blank=True, editable=False)
    # Part of every session's check (_get_session_auth_hash below): a new value signs out every session the person
    # has, as changing the password does (accounts.sessions). Empty: Django's own check, so that the sessions that
    # existed before this field stayed valid.
    session_salt = models.CharField(max_length=32, blank=True, editable=False)
    # An organisation the person edits or administers requires two-step sign-in (Organisation.requires_two_factor).
    # Kept by accounts.two_factor_policy whenever a membership or an organisation is saved or deleted, so that the
    # middleware knows it from the user row every request loads anyway, without a query of its own.
    two_factor_required = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per verified address, whatever its case: an address found by it names one person.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(email_verified_at__isnull=False) & ~Q(email=""),
                name="unique_verified_email",
            )
        ]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        if not self.session_salt:
            inherited: str = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
            return inherited
        key_salt = "accounts.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_salt}", secret=secret, algorithm="sha256"
        ).hexdigest()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None and bool(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whoever changes the address (a form, the Django admin, a script), the new one is not verified: the
        # verification was of the address stored, not of the person.
        update_fields = kwargs.get("update_fields")
        if self.pk and self.email_verified_at is not None and (update_fields is None or "email" in update_fields):
            stored = User.objects.filter(pk=self.pk).values_list("email", flat=True).first()
            if stored is not None and stored.lower() != (self.email or "").lower():
                self.email_verified_at = None
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "email_verified_at"}
        super().save(*args, **kwargs)


class Operator:
    """Whoever runs a management command or loads the demo without an administrator: they have the database
    already, so they act with every permission, and the change log records no person (not authenticated)."""

    pk = None
    is_authenticated = False
    is_superuser = True

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        return True


# Who a service acts for: the person as views hand it over (request.user; AnonymousUser where a page or an API call
# is open to anyone), or the Operator of a command. A service that needs a signed-in person refuses the others
# first (`isinstance(actor, User)`), and from there it is a User that foreign keys can hold. The layers below
# accounts, which may not import it, name the person by what they use of it: core.permissions.Person.
Actor: TypeAlias = User | AnonymousUser | Operator


def person_of(actor: Actor | None) -> User | None:
    """The person a foreign key records for this actor: a signed-in user, else nobody (an anonymous visitor or a
    command's Operator)."""
    return actor if isinstance(actor, User) else None


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation administrator")
    EDITOR = "editor", _("Organisation editor")
    # A member who may see and take part in what is for the organisation's own people, but edits nothing
    # (accounts.roles counts only editors and administrators as editors). Staff identification providers give it.
    STAFF = "staff", _("Staff member")


class Membership(models.Model):
    """A person's role in an organisation: administrators also manage the organisation and its people."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the key is shown once when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdentityProvider(models.Model):
    """An OpenID Connect provider people may sign in with (e.g. Suomi.fi identification, or an organisation's own
    staff sign-in). Platform administrators keep these rows in the Django admin."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True, help_text=_("Used in the sign-in address."))
    name = models.CharField(_("name"), max_length=100, help_text=_("Shown on the button: “Sign in with …”."))
    discovery_url = models.URLField(
        _("discovery URL"),
        max_length=500,
        help_text=_("The provider's OpenID configuration, usually ending in /.well-known/openid-configuration."),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    scopes = models.CharField(_("scopes"), max_length=300, default="openid profile")
    strong_acr_values = models.CharField(
        _("acr values of strong identification"),
        max_length=500,
        blank=True,
        help_text=_(
            "Separated by spaces: the authentication context classes (the ID token's “acr”) that count as strong "
            "identification, e.g. http://ftn.ficora.fi/2017/loa3. Empty: nothing from this provider is strong."
        ),
    )
    municipality_claim = models.CharField(
        _("claim of the home municipality"),
        max_length=200,
        blank=True,
        help_text=_(
            "The claim that carries the home municipality's three-digit code (Suomi.fi: KotikuntaKuntanumero)."
        ),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("staff of organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        help_text=_("Set for an organisation's own staff sign-in: the people who sign in become its staff members."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("order", "name")
        verbose_name = _("identification provider")
        verbose_name_plural = _("identification providers")

    def __str__(self) -> str:
        return self.name

    def strong_acrs(self) -> set[str]:
        return set(self.strong_acr_values.split())

    def clean(self) -> None:
        if "openid" not in self.scopes.split():
            raise ValidationError({"scopes": _("The scopes must include “openid”.")})


class Identity(models.Model):
    """A person's account at an identification provider: the provider's subject identifier, linked to a user."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The authentication context class the provider reported last time (the ID token's "acr").
    last_acr = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="unique_identity_subject")]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return f"{self.provider} – {self.subject}"


class DevAuthorizationCode(models.Model):
    """An authorisation code of the development identification provider (accounts.dev_provider): kept until the
    platform exchanges it, once, for an ID token. The test person's claims travel with it."""

    code = models.CharField(max_length=120, unique=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.TextField()
    scope = models.TextField(blank=True)
    nonce = models.CharField(max_length=200, blank=True)
    code_challenge = models.CharField(max_length=200, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    claims = models.JSONField(default=dict)
    acr = models.CharField(max_length=200, blank=True)
    auth_time = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M}"


class DevSigningKey(models.Model):
    """The development provider's RSA key for ID tokens (one row), so that every worker signs with the same key."""

    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key {self.pk}"


class Invitation(models.Model):
    """An invitation to a role in an organisation, sent to an e-mail address that no account has verified.

    Only a signed-in person whose verified address it is may accept it (accounts.invitations): the link in the mail
    finds the invitation, but holding the link is not enough. Only the hash of the link's key is stored; resending
    makes a new key, so an older mail's link stops working.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=2, default="fi")
    inviter = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            # One open invitation per organisation and address: inviting again refreshes it.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="unique_open_invitation",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} – {self.organisation} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class TwoFactor(models.Model):
    """A person's authenticator app (TOTP, RFC 6238). Confirmed once the person has typed one code from it; until
    then it asks nothing at sign-in. `last_step` is the time step of the last code accepted: a code is refused once
    used (and so is any older one), so a code seen over someone's shoulder cannot be typed again.

    The secret is stored encrypted (core.encryption: Fernet with FIELD_ENCRYPTION_KEYS); only accounts.two_factor
    reads it, through secret_of."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    encrypted_secret = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("two-step sign-in")
        verbose_name_plural = _("two-step sign-ins")

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.confirmed_at else 'enrolling'}"


class RecoveryCode(models.Model):
    """A single-use code for signing in without the app; only its SHA-256 is stored (the code is random, so a
    plain hash is enough)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"{self.user_id}: {'used' if self.used_at else 'unused'}"
