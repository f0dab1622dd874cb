"""Requests to bring a new organisation onto Innoverkko: a signed-in person asks, a platform administrator approves
(the organisation is created and the requester becomes its administrator) or declines with a reason, and the
requester is told by e-mail in the language they asked in.

Every write checks permission, validates, saves in one transaction and writes the change log; the mail goes out
after the commit, and a mail server that is down does not undo the decision (it is logged).
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Actor, Membership, Role, User
from audit.models import Action
from audit.services import change_record
from organisations import services
from organisations.identifiers import is_valid_business_id
from organisations.models import JoinRequest, JoinRequestStatus, Organisation, OrganisationKind

logger = logging.getLogger(__name__)

MAX_NAME = 200
MAX_TEXT = 2000
# A person may have this many requests waiting at once (a typo is fixed by a new request, not by dozens).
MAX_PENDING = 3


def _clean(data: Mapping[str, Any]) -> dict[str, str]:
    values = {key: " ".join(str(data.get(key) or "").split()) for key in ("name", "kind", "business_id")}
    values["contact_name"] = " ".join(str(data.get("contact_name") or "").split())
    values["contact_email"] = str(data.get("contact_email") or "").strip()
    values["message"] = str(data.get("message") or "").strip()
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("Give the organisation's name.")
    elif len(values["name"]) > MAX_NAME:
        errors["name"] = _("Keep the name under %(count)d characters.") % {"count": MAX_NAME}
    if values["kind"] not in OrganisationKind.values or values["kind"] == OrganisationKind.MUNICIPALITY:
        # Municipalities are on Innoverkko already (reference data): their people ask its administrators.
        errors["kind"] = _("Choose the kind of organisation from the list.")
    business_id = values["business_id"]
    if business_id and not is_valid_business_id(business_id):
        errors["business_id"] = _(
            "“%(value)s” is not a valid business ID: the form is 1234567-8 and the last digit is a check digit."
        ) % {"value": business_id}
    elif business_id and (existing := Organisation.objects.filter(business_id=business_id).first()):
        errors["business_id"] = _(
            "%(organisation)s is already on Innoverkko with this business ID. Ask its administrators to add you."
        ) % {"organisation": existing}
    if not values["contact_name"]:
        errors["contact_name"] = _("Give the name of the contact person.")
    elif len(values["contact_name"]) > MAX_NAME:
        errors["contact_name"] = _("Keep the name under %(count)d characters.") % {"count": MAX_NAME}
    try:
        validate_email(values["contact_email"])
    except ValidationError:
        errors["contact_email"] = _("Give an e-mail address, such as name@example.fi.")
    if len(values["message"]) > MAX_TEXT:
        errors["message"] = _("Keep the message under %(count)d characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def join_request_create(*, actor: Actor | None, data: Mapping[str, Any], language: str = "fi") -> JoinRequest:
    if not isinstance(actor, User):
        raise PermissionDenied(_("Sign in to ask for your organisation to join."))
    values = _clean(data)
    pending = JoinRequest.objects.select_for_update().filter(requester=actor, status=JoinRequestStatus.PENDING)
    if pending.count() >= MAX_PENDING:
        raise ValidationError(
            _("You already have %(count)d requests waiting. Wait for the administrators' answer first.")
            % {"count": MAX_PENDING}
        )
    codes = {code for code, _name in settings.LANGUAGES}
    join_request = JoinRequest.objects.create(
        **values, requester=actor, language=language if language in codes else "fi"
    )
    change_record(obj=join_request, actor=actor, action=Action.CREATE, changes={"name": [None, values["name"]]})
    return join_request


def pending_requests(*, actor: Actor) -> QuerySet[JoinRequest]:
    """The queue: the requests that wait for a decision, oldest first (platform administrators only)."""
    _require_platform_admin(actor)
    return JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).select_related("requester")


def requests_of(*, actor: Actor) -> QuerySet[JoinRequest]:
    """A person's own requests, newest first, to see where each stands."""
    if not isinstance(actor, User):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(requester=actor).select_related("organisation").order_by("-created_at")


def _require_platform_admin(actor: Actor) -> User:
    """The actor, a platform administrator (so signed in: a User)."""
    if not isinstance(actor, User) or not actor.is_superuser:
        raise PermissionDenied(_("Only the platform's administrators decide on requests to join."))
    return actor


def _lock_pending(join_request: JoinRequest) -> JoinRequest:
    current = JoinRequest.objects.select_for_update().select_related("requester").get(pk=join_request.pk)
    if current.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return current


@transaction.atomic
def join_request_approve(*, actor: Actor, join_request: JoinRequest) -> Organisation:
    """Creates the organisation, makes the requester its administrator and tells them."""
    admin = _require_platform_admin(actor)
    current = _lock_pending(join_request)
    # Checked again: the business ID may have been taken since the request was made.
    _clean(
        {field: getattr(current, field) for field in ("name", "kind", "business_id", "contact_name")}
        | {"contact_email": current.contact_email, "message": current.message}
    )
    organisation = services.organisation_create(
        actor=actor,
        data={
            "kind": current.kind,
            f"name_{current.language}": current.name,
            "business_id": current.business_id,
        },
    )
    Membership.objects.create(organisation=organisation, user=current.requester, role=Role.ADMIN)
    change_record(
        obj=organisation,
        actor=actor,
        action=Action.UPDATE,
        changes={"members": [None, f"{current.requester.get_username()} ({Role.ADMIN})"]},
    )
    current.status = JoinRequestStatus.APPROVED
    current.organisation = organisation
    current.decided_by = admin
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "organisation", "decided_by", "decided_at"])
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes={"status": ["pending", "approved"]})
    transaction.on_commit(lambda: _tell(current))
    return organisation


@transaction.atomic
def join_request_decline(*, actor: Actor, join_request: JoinRequest, reason: str) -> JoinRequest:
    admin = _require_platform_admin(actor)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is declined: the requester is told.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("Keep the reason under %(count)d characters.") % {"count": MAX_TEXT}})
    current = _lock_pending(join_request)
    current.status = JoinRequestStatus.DECLINED
    current.decline_reason = reason
    current.decided_by = admin
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes={"status": ["pending", "declined"]})
    transaction.on_commit(lambda: _tell(current))
    return current


def _tell(join_request: JoinRequest) -> None:
    """Mails the decision to the requester, in the language of the request (not to the contact address typed on the
    form, which nobody has verified)."""
    site = settings.SITE_URL.rstrip("/")
    with translation.override(join_request.language):
        if join_request.status == JoinRequestStatus.APPROVED and join_request.organisation is not None:
            subject = _("Innoverkko: %(name)s has joined") % {"name": join_request.name}
            body = _(
                "Hello,\n\nyour request has been approved: %(name)s is now on Innoverkko, and you are its "
                "administrator. You can add your colleagues and edit the organisation's information here:\n%(link)s"
                "\n\nInnoverkko"
            ) % {
                "name": join_request.name,
                "link": site + reverse("organisations:members", kwargs={"slug": join_request.organisation.slug}),
            }
        else:
            subject = _("Innoverkko: your request for %(name)s") % {"name": join_request.name}
            body = _(
                "Hello,\n\nyour request to bring %(name)s onto Innoverkko was declined. The administrators' reason:"
                "\n\n%(reason)s\n\nYou can make a new request if the situation changes.\n\nInnoverkko"
            ) % {"name": join_request.name, "reason": join_request.decline_reason}
    if not join_request.requester.email:
        return
    try:
        send_mail(subject, body, None, [join_request.requester.email])
    except Exception:
        logger.exception("The decision on join request %s could not be mailed", join_request.pk)
