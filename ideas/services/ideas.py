"""Every write to ideas: sending, confirming by e-mail, editing and deleting, a handler's state change, comments
and supports. Each checks permission, validates, saves in one transaction and writes the change log.

Ideas sent without an account wait for their sender to confirm the e-mail address (a link with a token);
until then they are seen by nobody but the handlers, and are not public.
"""

import logging
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Actor, User, person_of
from audit.models import Action
from audit.services import change_record, diff
from core import events, text_search
from core.permissions import require
from core.sanitise import clean_html, plain_text, strip_html
from core.translated import LANGUAGES as LANGS
from ideas.models import Challenge, Comment, Idea, IdeaState, IdeaStateOption, Support
from ideas.rules import HIDDEN_NO_COMMENTS, SEND, participation_refusal
from ideas.services import linking, moderation, states, uploads
from organisations.models import Organisation

MAX_TEXT = 10_000
logger = logging.getLogger(__name__)
MAX_COMMENT = 4_000


def _idea_fields(idea: Idea, title: Any, text: Any, latitude: Any, longitude: Any) -> None:
    idea.title = plain_text(title)[:200]
    idea.text = clean_html(str(text or ""))
    idea.latitude = latitude
    idea.longitude = longitude
    errors: dict[str, str] = {}
    if not idea.title:
        errors["title"] = _("Give the idea a title.")
    if not strip_html(idea.text).strip():
        errors["text"] = _("Describe the idea.")
    elif len(idea.text) > MAX_TEXT:
        errors["text"] = _("The text is too long.")
    if errors:
        raise ValidationError(errors)
    idea.full_clean(exclude=["challenge", "organisation", "sender", "confirmation_token"])
    moderation.check_text(organisation=idea.organisation, texts={"title": idea.title, "text": idea.text})
    idea.search_document = idea_search_document(idea)


def idea_search_document(idea: Idea) -> str:
    """An idea's search document: its title and text, analysed in every language (a resident may write in any)."""
    return text_search.document([(lang, f"{idea.title} {strip_html(idea.text)}") for lang in LANGS])


def _send_confirmation(idea: Idea, link: str) -> None:
    """Mails the confirmation link. A mail server that is down must not turn a stored idea into an error page:
    the failure is logged for the administrators, and the handlers still see the unconfirmed idea."""
    try:
        send_mail(
            _("Confirm your idea"),
            _("Thank you for your idea “%(title)s”. Confirm it by opening this link: %(link)s")
            % {"title": idea.title, "link": link},
            None,
            [idea.sender_email],
        )
    except Exception:
        logger.exception("The confirmation mail of idea %s could not be sent", idea.pk)


def idea_send(
    *,
    actor: Actor,
    title: str,
    text: str,
    challenge: Challenge | None = None,
    organisation: Organisation | None = None,
    sender_email: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    confirm_url: Any = None,
    image: Any = None,
    attachment: Any = None,
) -> Idea:
    """Sends an idea to a challenge, or to an organisation without one.

    Signed in: the idea is confirmed at once. Without an account: sender_email is required, a confirmation link
    is mailed (confirm_url(token) builds it) and the idea stays unpublished until it is followed."""
    if challenge is not None:
        require(actor, "ideas.send_idea", challenge)
        organisation = challenge.owner
    elif organisation is None:
        raise ValidationError({"organisation": _("Choose the organisation that receives the idea.")})
    elif refusal := participation_refusal(actor, None, SEND):
        raise PermissionDenied(refusal)  # e.g. a signed-in person whose address is not verified
    sender = person_of(actor)  # without an account (or a command): by e-mail
    idea = Idea(challenge=challenge, organisation=organisation)
    # The barometer's source category, from who sends it; handlers correct it when they know better.
    idea.source = linking.default_source(sender=actor, organisation=organisation)
    if sender is not None:
        idea.sender = sender
        idea.confirmed = True
    else:
        sender_email = (sender_email or "").strip()
        try:
            validate_email(sender_email)
        except ValidationError:
            raise ValidationError(
                {"sender_email": _("Give your e-mail address so that you can confirm the idea.")}
            ) from None
        idea.sender_email = sender_email
        idea.confirmation_token = secrets.token_urlsafe(32)
    _idea_fields(idea, title, text, latitude, longitude)
    # Files are checked and images decoded before the transaction: a refusal saves nothing and holds no lock.
    checked = uploads.idea_files_check(image=image, attachment=attachment)
    with transaction.atomic():
        uploads.idea_files_attach(idea=idea, checked=checked)
        idea.save()
        change_record(obj=idea, actor=actor, action=Action.CREATE)
        events.announce_idea_received(idea=idea, actor=actor)  # nothing until the idea is confirmed
        if sender is None:
            link = confirm_url(idea.confirmation_token) if confirm_url else idea.confirmation_token
            transaction.on_commit(lambda: _send_confirmation(idea, link))
    return idea


def idea_confirm(*, token: str) -> Idea | None:
    """Confirms the idea of a no-account sender; the token works once. None when the token is unknown."""
    if not token:
        return None
    with transaction.atomic():
        idea = Idea.objects.select_for_update().filter(confirmation_token=token, confirmed=False).first()
        if idea is None:
            return None
        idea.confirmed = True
        idea.confirmation_token = ""
        idea.save(update_fields=["confirmed", "confirmation_token", "updated_at"])
        change_record(obj=idea, actor=None, action=Action.UPDATE, changes={"confirmed": [False, True]})
        events.announce_idea_received(idea=idea)
    return idea


def idea_edit(*, actor: Actor, idea: Idea, title: str, text: str) -> Idea:
    """The sender edits their own idea until a handler has moved it on from "received"."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        require(actor, "ideas.change_idea", idea)
        before = {"title": idea.title, "text": idea.text}
        _idea_fields(idea, title, text, idea.latitude, idea.longitude)
        idea.save()
        changes = {k: [v, getattr(idea, k)] for k, v in before.items() if v != getattr(idea, k)}
        change_record(obj=idea, actor=actor, action=Action.UPDATE, changes=changes)
    return idea


def idea_delete(*, actor: Actor, idea: Idea) -> None:
    """The sender deletes their idea, with its comments and supports; the change log keeps that it happened."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        require(actor, "ideas.delete_idea", idea)
        change_record(obj=idea, actor=actor, action=Action.DELETE, changes={"title": [idea.title, None]})
        idea.delete()


def idea_set_state(*, actor: Actor, idea: Idea, state: "str | IdeaStateOption", reason: str = "") -> Idea:
    """A handler moves the idea to another state: one of its organisation's own states, or a built-in kind (see
    states.option_for). A "not taken forward" kind needs a reason, which everyone sees."""
    kind, option = states.option_for(organisation_id=idea.organisation_id, state=state)
    reason = plain_text(reason)
    if kind == IdeaState.NOT_TAKEN_FORWARD and not reason:
        raise ValidationError({"reason": _("Say why the idea is not taken forward; everyone sees the reason.")})
    if len(reason) > MAX_COMMENT:
        raise ValidationError({"reason": _("The text is too long.")})
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        require(actor, "ideas.handle_idea", idea)
        changes = diff(
            {"state": idea.state, "state_option": idea.state_option_id, "state_reason": idea.state_reason},
            {"state": kind, "state_option": option.pk if option else None, "state_reason": reason},
        )
        idea.state = kind
        idea.state_option = option
        idea.state_reason = reason
        idea.save(update_fields=["state", "state_option", "state_reason", "updated_at"])
        change_record(obj=idea, actor=actor, action=Action.UPDATE, changes=changes)
        if "state" in changes or "state_option" in changes or "state_reason" in changes:
            events.announce_idea_changed(idea=idea, change="state", actor=actor, detail=reason)
    return idea


def comment_add(*, actor: Actor, idea: Idea, text: str) -> Comment:
    """Adds a comment; the idea's sender and supporters (not the commenter) are told, by their preferences."""
    if idea.hidden:
        raise PermissionDenied(HIDDEN_NO_COMMENTS)
    require(actor, "ideas.comment_idea", idea)
    if not isinstance(actor, User):  # a command's Operator passes every rule, but a comment needs its author
        raise PermissionDenied(_("You do not have permission to do this."))
    text = clean_html(str(text or ""))
    if not strip_html(text).strip():
        raise ValidationError({"text": _("Write a comment.")})
    if len(text) > MAX_COMMENT:
        raise ValidationError({"text": _("The text is too long.")})
    moderation.check_text(organisation=idea.organisation, texts={"text": text})
    with transaction.atomic():
        # Hidden meanwhile (the idea passed in was read before): refused like above.
        if Idea.objects.filter(pk=idea.pk, hidden=True).exists():
            raise PermissionDenied(HIDDEN_NO_COMMENTS)
        comment = Comment.objects.create(idea=idea, author=actor, text=text)
        change_record(obj=comment, actor=actor, action=Action.CREATE)
        # The mail says that somebody commented, not what: the text is read on the idea's page, where the
        # moderators' hiding applies. A mailed copy would escape it (mails go out before anyone has looked).
        events.announce_idea_changed(idea=idea, change="comment", actor=actor)
    return comment


def support_add(*, actor: Actor, idea: Idea) -> bool:
    """Supports the idea once per person. True when a support was added, False when the person already had one
    (also when two requests race: the unique constraint decides and the loser gets False, not an error)."""
    require(actor, "ideas.support_idea", idea)
    if not isinstance(actor, User):  # a command's Operator passes every rule, but a support is a person's
        raise PermissionDenied(_("You do not have permission to do this."))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=actor)
    except IntegrityError:
        return False
    return True
