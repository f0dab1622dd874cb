"""An organisation may require two-step sign-in from its editors and administrators (Organisation.requires_two_factor,
set by its administrators or platform administrators through organisations.services.organisation_update, in the
change log like every other change of the organisation).

Who must: a person with the editor's or administrator's role in such an organisation (staff members edit nothing,
so they are not asked; platform administrators are asked only through such a role). `User.two_factor_required`
holds the answer, recomputed here whenever a membership or an organisation is saved or deleted (signals: the
services, invitations, identification and the Django admin all go through them), so that the middleware reads it
from the user row that every request loads anyway.

What happens: a session of a person who must and has not set it up reaches only the set-up page (with the reason
and the organisations' names), the log-out, the language switch and the legal pages; every other page redirects
there and the API answers 403 (accounts.two_factor.TwoFactorMiddleware). Whether the person has set it up is asked
once per session and remembered in it (ENABLED_KEY); switching it off forgets it (and signs out the other sessions).

API tokens: a token of a person who must is accepted only when it was made after they switched two-step sign-in
on (api_token_refusal). A token is a bearer credential that skips both steps; one made before was made in a
session signed in with the password alone, so accepting it would make the requirement a formality. Tokens made
afterwards were made on the profile page, which such a person reaches only with the code; they keep working, and
scripts need no code.
"""

from typing import Any

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Membership, Role, TwoFactor, User
from organisations.models import Organisation

ENABLED_KEY = "two_factor_enabled"  # in a session: its person has two-step sign-in on (found once, then kept)
EDITING_ROLES = (Role.EDITOR, Role.ADMIN)


def _requiring_memberships(user: Any) -> Any:
    return Membership.objects.filter(user=user, role__in=EDITING_ROLES, organisation__requires_two_factor=True)


def refresh_required(user_ids: list[int] | None = None, organisation: Organisation | None = None) -> None:
    """Recomputes User.two_factor_required for these people (or every member of `organisation`), in one UPDATE."""
    requiring = Membership.objects.filter(
        user=OuterRef("pk"), role__in=EDITING_ROLES, organisation__requires_two_factor=True
    )
    people = User.objects.all()
    if organisation is not None:
        people = people.filter(memberships__organisation=organisation)
    if user_ids is not None:
        people = people.filter(pk__in=user_ids)
    User.objects.filter(pk__in=people.values("pk")).update(two_factor_required=Exists(requiring))


@receiver(post_save, sender=Membership, dispatch_uid="accounts.two_factor_policy.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts.two_factor_policy.membership_deleted")
def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    refresh_required(user_ids=[instance.user_id])


@receiver(post_save, sender=Organisation, dispatch_uid="accounts.two_factor_policy.organisation_saved")
def _organisation_saved(sender: Any, instance: Organisation, created: bool = False, **kwargs: Any) -> None:
    if not created:
        refresh_required(organisation=instance)


def requiring_organisations(user: Any) -> list[Organisation]:
    """The organisations whose requirement applies to the person, by name (for the set-up page's reason)."""
    ids = _requiring_memberships(user).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def enrolment_needed(request: HttpRequest) -> bool:
    """Must this session's person set up two-step sign-in before anything else? No query unless the person is
    required to use it and the session does not know yet that they have it on."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "two_factor_required", False):
        return False
    session = request.session
    if session.get(ENABLED_KEY):
        return False
    if TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists():
        session[ENABLED_KEY] = True
        return False
    return True


def forget_enabled(request: HttpRequest) -> None:
    """After switching it off in this session."""
    request.session.pop(ENABLED_KEY, None)


def may_require(actor: User, organisation: Organisation) -> str | None:
    """Why `actor` may not switch the requirement on now, or None. An editor or administrator of the organisation
    must have two-step sign-in on first: otherwise saving would send them off to set it up in the middle of the
    change (and they would be requiring of others what they have not tried)."""
    is_editor = Membership.objects.filter(user=actor, organisation=organisation, role__in=EDITING_ROLES).exists()
    if is_editor and not TwoFactor.objects.filter(user=actor, confirmed_at__isnull=False).exists():
        return _("Turn on two-step sign-in for your own account first (on your profile page), then require it.")
    return None


def api_token_refusal(user: Any, token: ApiToken) -> str | None:
    """Why a token of `user` is refused under the requirement (see above), or None."""
    if not getattr(user, "two_factor_required", False):
        return None
    enabled = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).values_list("confirmed_at", flat=True)
    confirmed_at = enabled.first()
    if confirmed_at is None:
        return enrolment_message()
    if token.created_at < confirmed_at:
        return _(
            "This API token was made before you turned on two-step sign-in, which your organisation requires. "
            "Make a new token on your profile page."
        )
    return None


def enrolment_message() -> str:
    return _(
        "Your organisation requires two-step sign-in from its editors and administrators. Set it up on your profile "
        "page before you continue."
    )
