"""Every write to challenges and ideas: permission, validation, one transaction and a change record.

Ideas sent without an account wait for their sender to confirm the e-mail address (a link with a token);
until then they are seen by nobody but the handlers, and are not public.
"""

import html
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import change_record, diff
from core import events, text_search
from core.sanitise import clean_html, strip_html
from core.text_limits import checks_text_sizes
from core.translated import LANGUAGES as LANGS
from core.translated import first_translation
from ideas.models import Audience, Challenge, ChallengeStatus, Comment, Idea, IdeaState, IdeaStateOption, Support
from ideas.rules import HIDDEN_NO_COMMENTS, SEND, participation_refusal
from ideas.services import linking, moderation, states, uploads
from organisations.models import Organisation, OrganisationKind
from records.services import refuse_stale

CHALLENGE_TRANSLATED = ("title", "question", "description")
CHALLENGE_FIELDS = (
    *(f"{field}_{lang}" for field in CHALLENGE_TRANSLATED for lang in LANGS),
    "audience",
    "participation",
    "comment_participation",
    "support_participation",
    "opens_on",
    "closes_on",
    "status",
    "network",
)
# The many-to-many settings of a challenge, given in `data` as lists (organisations; people for handlers).
CHALLENGE_RELATIONS = ("co_organisers", "municipalities", "invited_partners", "handlers")
MAX_TEXT = 10_000
logger = logging.getLogger(__name__)
MAX_COMMENT = 4_000


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _plain(value: Any) -> str:
    """Plain text (titles, reasons): markup removed, entities turned back into characters ("a < b" stays)."""
    return html.unescape(strip_html(str(value or ""))).strip()


def challenge_version(challenge: Challenge) -> str:
    """The token an edit form carries: the time of the last save, to the microsecond (optimistic locking)."""
    return challenge.updated_at.isoformat() if challenge.updated_at else ""


def _challenge_snapshot(challenge: Challenge) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(challenge, field) for field in CHALLENGE_FIELDS}
    if challenge.pk:
        for relation in CHALLENGE_RELATIONS:
            values[relation] = [str(item) for item in getattr(challenge, relation).all()]
    return values


def _challenge_apply(challenge: Challenge, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Sets the plain fields (sanitised) and checks the relations; returns the relations to save after the row."""
    unknown = set(data) - set(CHALLENGE_FIELDS) - set(CHALLENGE_RELATIONS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for field, value in data.items():
        if field in CHALLENGE_RELATIONS:
            continue
        if field.startswith("description_"):
            value = clean_html(value or "")
        elif field.startswith(("title_", "question_")):
            value = _plain(value)
        elif field in ("opens_on", "closes_on") and value == "":
            value = None
        setattr(challenge, field, value)
    if not first_translation(challenge, "title"):
        raise ValidationError({"title_fi": _("Give the challenge a title in at least one language.")})
    challenge.full_clean(exclude=["owner"])
    relations = {name: list(data[name]) for name in CHALLENGE_RELATIONS if name in data and data[name] is not None}
    current = {
        name: relations.get(name, list(getattr(challenge, name).all()) if challenge.pk else [])
        for name in CHALLENGE_RELATIONS
    }
    errors: dict[str, str] = {}
    if any(org.pk == challenge.owner_id for org in current["co_organisers"]):
        errors["co_organisers"] = _("The organisation that owns the challenge cannot also be its co-organiser.")
    if any(org.kind != OrganisationKind.MUNICIPALITY for org in current["municipalities"]):
        errors["municipalities"] = _("Choose municipalities only.")
    elif challenge.audience == Audience.RESIDENTS and not current["municipalities"]:
        errors["municipalities"] = _("Choose the municipalities whose residents the challenge is for.")
    if challenge.audience == Audience.PARTNERS and not current["invited_partners"]:
        errors["invited_partners"] = _("Choose the partners you invite.")
    organisers = {challenge.owner_id, *(org.pk for org in current["co_organisers"])}
    outsiders = [
        user for user in current["handlers"] if not user.memberships.filter(organisation_id__in=organisers).exists()
    ]
    if outsiders:
        errors["handlers"] = _("Handlers must be people of the organisation or of a co-organiser.")
    if errors:
        raise ValidationError(errors)
    return relations


@checks_text_sizes(Challenge)
def challenge_create(
    *, actor: Any, owner: Organisation, data: Mapping[str, Any], handlers: Iterable[Any] = ()
) -> Challenge:
    """Opens a challenge for an organisation whose editor the actor is. `data` holds the fields of CHALLENGE_FIELDS
    and, as lists, the relations of CHALLENGE_RELATIONS; handlers must be people of the owner or a co-organiser."""
    _require(actor, "ideas.add_challenge_for", owner)
    data = dict(data)
    if handlers:
        data["handlers"] = list(handlers)
    challenge = Challenge(owner=owner)
    relations = _challenge_apply(challenge, data)
    with transaction.atomic():
        challenge.save()
        for name, items in relations.items():
            getattr(challenge, name).set(items)
        change_record(
            obj=challenge, actor=actor, action=Action.CREATE, changes=diff({}, _challenge_snapshot(challenge))
        )
    return challenge


@checks_text_sizes(Challenge)
def challenge_update(*, actor: Any, challenge: Challenge, data: Mapping[str, Any], expected_version: str) -> Challenge:
    """The owner's editors change a challenge's texts and settings. A save that started from an older version
    than the stored one is refused (ConflictError), so nobody overwrites a colleague's change unseen."""
    with transaction.atomic():
        current = Challenge.objects.select_for_update().get(pk=challenge.pk)
        _require(actor, "ideas.change_challenge", current)
        refuse_stale(challenge_version(current), expected_version)
        before = _challenge_snapshot(current)
        relations = _challenge_apply(current, data)
        current.save()
        for name, items in relations.items():
            getattr(current, name).set(items)
        changes = diff(before, _challenge_snapshot(current))
        change_record(obj=current, actor=actor, action=Action.UPDATE, changes=changes)
    return current


def challenge_set_status(*, actor: Any, challenge: Challenge, status: str) -> Challenge:
    """An editor of the owner opens, closes or re-opens a challenge (or takes it back to a draft)."""
    if status not in ChallengeStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        _require(actor, "ideas.change_challenge", challenge)
        changes = {"status": [challenge.status, status]}
        challenge.status = status
        challenge.save(update_fields=["status", "updated_at"])
        change_record(obj=challenge, actor=actor, action=Action.UPDATE, changes=changes)
    return challenge


def _idea_fields(idea: Idea, title: Any, text: Any, latitude: Any, longitude: Any) -> None:
    idea.title = _plain(title)[:200]
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
    idea.search_document = text_search.document([(lang, f"{idea.title} {strip_html(idea.text)}") for lang in LANGS])


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
    actor: Any,
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
        _require(actor, "ideas.send_idea", challenge)
        organisation = challenge.owner
    elif organisation is None:
        raise ValidationError({"organisation": _("Choose the organisation that receives the idea.")})
    elif refusal := participation_refusal(actor, None, SEND):
        raise PermissionDenied(refusal)  # e.g. a signed-in person whose address is not verified
    signed_in = bool(getattr(actor, "is_authenticated", False))
    idea = Idea(challenge=challenge, organisation=organisation)
    # The barometer's source category, from who sends it; handlers correct it when they know better.
    idea.source = linking.default_source(sender=actor, organisation=organisation)
    if signed_in:
        idea.sender = actor
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
        if not signed_in:
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


def idea_edit(*, actor: Any, idea: Idea, title: str, text: str) -> Idea:
    """The sender edits their own idea until a handler has moved it on from "received"."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        _require(actor, "ideas.change_idea", idea)
        before = {"title": idea.title, "text": idea.text}
        _idea_fields(idea, title, text, idea.latitude, idea.longitude)
        idea.save()
        changes = {k: [v, getattr(idea, k)] for k, v in before.items() if v != getattr(idea, k)}
        change_record(obj=idea, actor=actor, action=Action.UPDATE, changes=changes)
    return idea


def idea_delete(*, actor: Any, idea: Idea) -> None:
    """The sender deletes their idea, with its comments and supports; the change log keeps that it happened."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        _require(actor, "ideas.delete_idea", idea)
        change_record(obj=idea, actor=actor, action=Action.DELETE, changes={"title": [idea.title, None]})
        idea.delete()


def idea_set_state(*, actor: Any, idea: Idea, state: "str | IdeaStateOption", reason: str = "") -> Idea:
    """A handler moves the idea to another state: one of its organisation's own states, or a built-in kind (see
    states.option_for). A "not taken forward" kind needs a reason, which everyone sees."""
    kind, option = states.option_for(organisation_id=idea.organisation_id, state=state)
    reason = _plain(reason)
    if kind == IdeaState.NOT_TAKEN_FORWARD and not reason:
        raise ValidationError({"reason": _("Say why the idea is not taken forward; everyone sees the reason.")})
    if len(reason) > MAX_COMMENT:
        raise ValidationError({"reason": _("The text is too long.")})
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=idea.pk)
        _require(actor, "ideas.handle_idea", idea)
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


def comment_add(*, actor: Any, idea: Idea, text: str) -> Comment:
    """Adds a comment; the idea's sender and supporters (not the commenter) are told, by their preferences."""
    if idea.hidden:
        raise PermissionDenied(HIDDEN_NO_COMMENTS)
    _require(actor, "ideas.comment_idea", idea)
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


def support_add(*, actor: Any, idea: Idea) -> bool:
    """Supports the idea once per person. True when a support was added, False when the person already had one
    (also when two requests race: the unique constraint decides and the loser gets False, not an error)."""
    _require(actor, "ideas.support_idea", idea)
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=actor)
    except IntegrityError:
        return False
    return True
