"""The sender's own data: everything a person sent (ideas, comments, supports), to see, export and delete.

A signed-in person acts on what their account sent. A person who sent ideas without an account proves that the
address is theirs by opening a signed, time-limited link mailed to it (django.core.signing: nothing is stored,
and the link stops working after LINK_AGE). Asking for the link answers the same whether or not the address has
ideas, and mails the address either way, so nobody learns from the page or its timing who has sent ideas.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Actor, User
from audit.models import Action
from audit.services import change_record
from core.sanitise import strip_html
from ideas import exports
from ideas.models import Comment, Idea, Support

SALT = "ideas.own_data"
LINK_AGE = 24 * 60 * 60  # seconds: long enough to open the mail tomorrow morning, short enough to go stale
CSV_COLUMNS = ("kind", "id", "idea_id", "title", "text", "state", "state_reason", "sent_to", "created_at")
logger = logging.getLogger(__name__)


@dataclass
class OwnData:
    ideas: list[Idea] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    supports: list[Support] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.ideas or self.comments or self.supports)


def _ideas(qs: QuerySet[Idea]) -> list[Idea]:
    return list(qs.select_related("challenge", "organisation", "merged_into").order_by("created_at", "pk"))


def own_data_of_user(*, user: Any) -> OwnData:
    """What a signed-in person sent: their ideas, their comments and their supports (on anyone's ideas)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to see your data."))
    return OwnData(
        ideas=_ideas(Idea.objects.filter(sender=user)),
        comments=list(Comment.objects.filter(author=user).select_related("idea").order_by("created_at", "pk")),
        supports=list(Support.objects.filter(user=user).select_related("idea").order_by("created_at", "pk")),
    )


def _ideas_of_address(email: str) -> QuerySet[Idea]:
    # Only ideas sent without an account: an account's ideas are reached by signing in.
    return Idea.objects.filter(sender__isnull=True, sender_email__iexact=email)


def own_data_of_address(*, token: str) -> tuple[str, OwnData]:
    """The address a valid link was made for, and the ideas sent from it without an account (comments and
    supports need an account, so there are none)."""
    email = address_from_token(token)
    return email, OwnData(ideas=_ideas(_ideas_of_address(email)))


def make_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=SALT, compress=True)


def address_from_token(token: str) -> str:
    """The address of a signed link; PermissionDenied with the reason when it is expired or not ours."""
    try:
        email = signing.loads(token, salt=SALT, max_age=LINK_AGE)
    except signing.SignatureExpired:
        raise PermissionDenied(_("The link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise PermissionDenied(_("The link is not valid. Ask for a new one.")) from None
    if not isinstance(email, str) or not email:
        raise PermissionDenied(_("The link is not valid. Ask for a new one."))
    return email


def own_data_link_request(*, email: str, link_for: Callable[[str], str]) -> None:
    """Mails a link to the ideas sent from the address (or a note that there are none) to that address."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address, such as name@example.fi.")}) from None
    if _ideas_of_address(email).exists():
        subject = _("Your ideas on Innoverkko")
        body = _(
            "Open this link to see, export or delete the ideas you sent from this address: %(link)s\n\n"
            "The link works for 24 hours. If you did not ask for it, you can ignore this message."
        ) % {"link": link_for(make_token(email))}
    else:
        subject = _("Your ideas on Innoverkko")
        body = _(
            "Someone asked for a link to the ideas sent from this address, but no ideas were sent from it without "
            "an account. If it was not you, you can ignore this message."
        )
    try:
        send_mail(subject, body, None, [email])
    except Exception:
        # A mail server that is down must not tell the asker anything either: logged for the administrators.
        logger.exception("The own-data link could not be mailed")


def _delete_ideas(ideas: list[Idea], actor: Actor | None) -> int:
    for idea in ideas:
        change_record(obj=idea, actor=actor, action=Action.DELETE, changes={"title": [idea.title, None]})
        idea.delete()
    return len(ideas)


def own_data_delete(*, actor: Actor) -> dict[str, int]:
    """Deletes everything a signed-in person sent: their ideas (with the comments and supports on them), their
    comments and their supports on other ideas. The change log keeps that it happened, not what was said."""
    if not isinstance(actor, User):
        raise PermissionDenied(_("Log in to delete your data."))
    with transaction.atomic():
        ideas = list(Idea.objects.select_for_update(of=("self",)).filter(sender=actor).order_by("pk"))
        for idea in ideas:
            if not actor.has_perm("ideas.delete_idea", idea):
                raise PermissionDenied(_("You do not have permission to do this."))
        deleted_ideas = _delete_ideas(ideas, actor)
        comments = list(Comment.objects.select_for_update().filter(author=actor).order_by("pk"))
        for comment in comments:
            change_record(obj=comment, actor=actor, action=Action.DELETE)
        Comment.objects.filter(pk__in=[c.pk for c in comments]).delete()
        supports, _details = Support.objects.filter(user=actor).delete()
    return {"ideas": deleted_ideas, "comments": len(comments), "supports": supports}


def own_data_delete_for_address(*, token: str) -> int:
    """Deletes the ideas sent without an account from the address of a valid link; returns how many."""
    email = address_from_token(token)
    with transaction.atomic():
        ideas = list(_ideas_of_address(email).select_for_update().order_by("pk"))
        return _delete_ideas(ideas, None)


def own_data_json(data: OwnData, *, email: str = "") -> str:
    """All of it as one JSON document, with the sender's own address when they came through a link."""
    document = {
        "email": email or None,
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "text": idea.text,
                "state": idea.state,
                "state_reason": idea.state_reason,
                "challenge": idea.challenge.title if idea.challenge else None,
                "organisation": str(idea.organisation),
                "confirmed": idea.confirmed,
                "merged_into": idea.merged_into_id,
                "latitude": idea.latitude,
                "longitude": idea.longitude,
                "created_at": idea.created_at,
                "updated_at": idea.updated_at,
            }
            for idea in data.ideas
        ],
        "comments": [
            {"id": c.pk, "idea_id": c.idea_id, "idea": c.idea.title, "text": c.text, "created_at": c.created_at}
            for c in data.comments
        ],
        "supports": [
            {"id": s.pk, "idea_id": s.idea_id, "idea": s.idea.title, "created_at": s.created_at} for s in data.supports
        ],
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def own_data_csv(data: OwnData) -> str:
    """All of it as one CSV table, a row per idea, comment and support (the `kind` column tells which)."""
    rows: list[tuple[Any, ...]] = []
    for idea in data.ideas:
        sent_to = idea.challenge.title if idea.challenge else str(idea.organisation)
        text = strip_html(idea.text).strip()
        rows.append(
            ("idea", idea.pk, idea.pk, idea.title, text, idea.state, idea.state_reason, sent_to, idea.created_at)
        )
    for c in data.comments:
        rows.append(("comment", c.pk, c.idea_id, c.idea.title, strip_html(c.text).strip(), "", "", "", c.created_at))
    for s in data.supports:
        rows.append(("support", s.pk, s.idea_id, s.idea.title, "", "", "", "", s.created_at))
    return exports.write_csv(CSV_COLUMNS, rows)
