"""Every write to notifications and preferences, and the sending of the mails.

Other apps call `idea_changed` inside the transaction that changes an idea: it records one notification per
person (the sender and the supporters, never the actor, never twice) and, after the commit, mails the ones whose
owner wants them at once. In the same way `idea_received` and `idea_reported` tell the people who handle the idea
(a new idea to handle, a report for the moderators), and `innovation_adopted` tells the editors and administrators
of an innovation's owner that another organisation adopted it. Daily and weekly digests, and retries of failed immediate mails, are sent by
`notifications_send` from the `send_notification_digests` command.
"""

import datetime
import html
import logging
import secrets
import smtplib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Actor, Role, User
from audit.models import Action
from audit.services import change_record, diff
from core.after_response import run_after_response
from core.sanitise import strip_html
from ideas.models import Idea
from notifications.models import FOLLOWER_CHANGES, Change, Frequency, Notification, Preference
from notifications.selectors import DEFAULT_LANGUAGE, Person, unsent_of

logger = logging.getLogger(__name__)

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
# A claim older than this belongs to a run that died between claiming and sending: another run may take it.
CLAIM_TIMEOUT = datetime.timedelta(hours=1)
MAX_DETAIL = 500
IMMEDIATE_IN_REQUEST = 20
# After this many failed mails (e.g. an address the server always refuses) a notification is no longer tried.
MAX_ATTEMPTS = 10
TOKEN_SALT = "notifications.preferences"  # noqa: S105 (a salt that separates uses, not a secret)


# --- the signed link in every mail -------------------------------------------------------------------------------


def person_token(person: Person) -> str:
    """A signed, unguessable token for a person's preferences page: the link in every mail, which also works for
    somebody without an account. It does not expire, like any unsubscribe link."""
    value = {"u": person.user.pk} if person.user is not None else {"e": person.email.lower()}
    return signing.dumps(value, salt=TOKEN_SALT)


def person_from_token(token: str) -> Person:
    """The person a token names; ValidationError when the signature is wrong or the account is gone."""
    from django.contrib.auth import get_user_model

    try:
        value = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid: it may have been cut short or changed.")) from None
    if isinstance(value, dict) and "u" in value:
        user = get_user_model().objects.filter(pk=value["u"], is_active=True).first()
        if user is not None:
            return Person(user=user)
    elif isinstance(value, dict) and isinstance(value.get("e"), str) and value["e"]:
        return Person(email=value["e"])
    raise ValidationError(_("This link is not valid: it may have been cut short or changed."))


# --- preferences -------------------------------------------------------------------------------------------------


def preference_set(*, actor: Actor | None, frequency: str, language: str, token: str | None = None) -> Preference:
    """Saves how often and in which language a person gets notifications.

    The person is the signed-in actor, or the one a mail's signed link names (`token`), so that a sender without
    an account can change or stop them too. Unsent notifications follow the new frequency (with "never" they
    are never sent)."""
    person: Person
    if token is not None:
        person = person_from_token(token)
    elif isinstance(actor, User):
        person = Person(user=actor)
    else:
        raise PermissionDenied(_("Sign in, or open the link in one of our e-mails, to change your notifications."))
    errors = {}
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose how often from the list.")
    if language not in LANGUAGE_CODES:
        errors["language"] = _("Choose a language from the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # get_or_create: two first saves at once make one row (the loser of the unique constraint reads it).
        if person.user is not None:
            preference, created = Preference.objects.get_or_create(
                user=person.user, defaults={"frequency": Frequency.IMMEDIATE, "language": DEFAULT_LANGUAGE}
            )
        else:
            preference, created = Preference.objects.get_or_create(
                user=None,
                email=person.email.lower(),
                defaults={"frequency": Frequency.IMMEDIATE, "language": DEFAULT_LANGUAGE},
            )
        preference = Preference.objects.select_for_update().get(pk=preference.pk)
        before = {"frequency": None if created else preference.frequency, "language": preference.language}
        preference.frequency = frequency
        preference.language = language
        preference.save()
        # Waiting notifications follow the new choice (those a run is mailing right now are left to it).
        unsent_of(person).filter(claim="").update(frequency=frequency)
        change_record(
            obj=preference,
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            changes=diff(before, {"frequency": frequency, "language": language}),
        )
    return preference


# --- recording ---------------------------------------------------------------------------------------------------


def _recipients(idea: Idea, change: str, actor: Actor | None) -> list[Person]:
    """The sender and (except for hiding, which concerns only the sender) the supporters: each person once, never
    the actor, never an account without an e-mail address."""
    people: list[Person] = []
    if idea.sender_id is not None:
        people.append(Person(user=idea.sender))
    elif idea.sender_email:
        people.append(Person(email=idea.sender_email.strip()))
    if change != Change.HIDDEN:
        supports = idea.supports.select_related("user").order_by("created_at", "id")
        people.extend(Person(user=support.user) for support in supports)
    actor_pk = actor.pk if isinstance(actor, User) else None
    actor_email = (actor.email or "").lower() if isinstance(actor, User) else ""
    seen: set[str] = set()
    chosen = []
    for person in people:
        if person.user is not None:
            if not person.user.is_active or not person.user.email or person.user.pk == actor_pk:
                continue  # closed, without an address to mail, or the one who made the change
            address = person.user.email.lower()
        else:
            address = person.email.lower()
        if address in seen or address == actor_email:
            continue
        seen.add(address)
        chosen.append(person)
    return chosen


def _preferences(people: Sequence[Person]) -> dict[Any, Preference]:
    user_ids = [p.user.pk for p in people if p.user is not None]
    emails = [p.email.lower() for p in people if p.user is None]
    found: dict[Any, Preference] = {}
    for preference in Preference.objects.filter(Q(user_id__in=user_ids) | Q(user__isnull=True, email__in=emails)):
        key = ("u", preference.user_id) if preference.user_id else ("e", preference.email.lower())
        found[key] = preference
    return found


def _plain_detail(detail: Any) -> str:
    # Plain text for a plain-text mail: markup removed, entities back to characters ("a < b" stays readable).
    text = html.unescape(strip_html(str(detail or ""))).strip()
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1].rstrip() + "…"
    return text


def _record(people: Sequence[Person], *, change: str, detail: str, **about: Any) -> int:
    """One notification per person at the frequency they chose (none for "never"); the immediate ones are mailed
    after the commit, once the response is out. `about`: idea= (with its state) or adoption=."""
    preferences = _preferences(people)
    detail = _plain_detail(detail)
    idea = about.get("idea")
    rows = []
    for person in people:
        preference = preferences.get(person.key)
        frequency = preference.frequency if preference else Frequency.IMMEDIATE
        if frequency == Frequency.NONE:
            continue
        rows.append(
            Notification(
                user=person.user,
                email="" if person.user is not None else person.email.lower(),
                idea=idea,
                adoption=about.get("adoption"),
                change=change,
                state=idea.state if idea is not None else "",
                state_option_id=idea.state_option_id if idea is not None else None,
                detail=detail,
                frequency=frequency,
            )
        )
    if not rows:
        return 0
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
    immediate = [row.pk for row in created if row.frequency == Frequency.IMMEDIATE and row.pk is not None]
    if immediate:
        # Mailed by the request that made the change once its response is out, and only up to a few: an idea with
        # hundreds of supporters must not keep a worker busy. The rest go with the next immediate run (cron).
        ids = immediate[:IMMEDIATE_IN_REQUEST]
        label = f"idea {idea.pk}" if idea is not None else f"adoption {about['adoption'].pk}"
        transaction.on_commit(lambda: run_after_response(lambda: _send_after_commit(ids, label)))
    return len(created)


def idea_changed(*, idea: Idea, change: str, actor: Actor | None = None, detail: str = "") -> int:
    """Records that `idea` changed, for its sender and supporters; returns how many notifications were made.

    Call it inside the transaction that makes the change: the notifications are stored with it, and the
    immediate ones are mailed after the commit, once the response is sent (a change that rolls back notifies nobody). Nothing is recorded
    for an idea its sender has not confirmed, nor for a hidden idea except the news that it was hidden.
    `detail` is plain text shown with the change (a reason, the start of a comment)."""
    if change not in FOLLOWER_CHANGES:
        raise ValueError(f"unknown change {change!r}")
    if not idea.confirmed or (idea.hidden and change != Change.HIDDEN):
        return 0
    return _record(_recipients(idea, change, actor), change=change, detail=detail, idea=idea)


def _chosen(users: Iterable[Any], actor: Actor | None) -> list[Person]:
    """Active accounts with an address, each once, never the actor."""
    actor_pk = actor.pk if isinstance(actor, User) else None
    seen: set[str] = set()
    chosen = []
    for user in users:
        address = (user.email or "").lower()
        if not user.is_active or not address or user.pk == actor_pk or address in seen:
            continue
        seen.add(address)
        chosen.append(Person(user=user))
    return chosen


def _editors_of(organisation_ids: Iterable[int]) -> Q:
    return Q(memberships__organisation_id__in=list(organisation_ids), memberships__role__in=[Role.EDITOR, Role.ADMIN])


def idea_handlers(idea: Idea) -> list[Any]:
    """The people who handle the idea (the rule ideas.rules.is_handler as a query): the editors and administrators
    of the organisation it was sent to and, in a challenge, of its co-organisers and its network's coordinator,
    and the challenge's named handlers."""
    from django.contrib.auth import get_user_model

    condition = _editors_of([idea.organisation_id])
    challenge = idea.challenge
    if challenge is not None:
        organisations = set(challenge.co_organisers.values_list("pk", flat=True))
        if challenge.network_id is not None and challenge.network.coordinator_id is not None:  # type: ignore[union-attr]
            organisations.add(challenge.network.coordinator_id)  # type: ignore[union-attr]
        condition |= _editors_of(organisations)
        condition |= Q(pk__in=challenge.handlers.values("pk"))
    users = get_user_model().objects.filter(condition, is_active=True).distinct().order_by("pk")
    return list(users)


def idea_received(*, idea: Idea, actor: Actor | None = None) -> int:
    """Tells the idea's handlers that a new idea waits for them; call it when the idea becomes confirmed (at once
    for a signed-in sender, when a sender without an account follows the link). A sender who handles it is not
    told of their own idea."""
    if not idea.confirmed or idea.hidden:
        return 0
    return _record(_chosen(idea_handlers(idea), actor), change=Change.NEW_IDEA, detail="", idea=idea)


def idea_reported(*, idea: Idea, actor: Actor | None = None, reason: str = "") -> int:
    """Tells the idea's handlers (its moderators) that somebody reported the idea or one of its comments."""
    return _record(_chosen(idea_handlers(idea), actor), change=Change.REPORTED, detail=reason, idea=idea)


def innovation_adopted(*, adoption: Any, actor: Actor | None = None) -> int:
    """Tells the editors and administrators of the adopted innovation's owner that another organisation adopted
    or adapted it (not the person who recorded the adoption, if they are one of them)."""
    from django.contrib.auth import get_user_model

    owner_id = adoption.source.owner_id
    if adoption.result.owner_id == owner_id:
        return 0
    users = get_user_model().objects.filter(_editors_of([owner_id]), is_active=True).distinct().order_by("pk")
    return _record(_chosen(users, actor), change=Change.ADOPTED, detail="", adoption=adoption)


def _send_after_commit(ids: list[int], label: str) -> None:
    # The change is committed whatever happens here: a mail server that is down leaves them for the retry.
    try:
        notifications_send(frequency=Frequency.IMMEDIATE, ids=ids)
    except Exception:
        logger.exception("Notifications of %s could not be sent now; the next run retries", label)


# --- sending -----------------------------------------------------------------------------------------------------


@dataclass
class Delivery:
    """What a send did: mails that went out, notifications in them, and the addresses that failed (kept unsent)."""

    mails: int = 0
    notifications: int = 0
    failed: list[str] = field(default_factory=list)


def _claim(frequency: str, ids: Iterable[int] | None, now: datetime.datetime) -> str:
    """Marks the unsent notifications this run will mail with a token of its own. On PostgreSQL the rows another
    run holds are skipped (SKIP LOCKED); on SQLite the transaction takes the write lock first (IMMEDIATE), so
    runs take turns. The UPDATE repeats the conditions: a row claimed meanwhile is not taken twice."""
    token = secrets.token_hex(16)
    free = Q(claim="") | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    with transaction.atomic():
        unsent = Notification.objects.filter(free, frequency=frequency, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        if ids is not None:
            unsent = unsent.filter(pk__in=list(ids))
        pks = list(unsent.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if pks:
            Notification.objects.filter(free, pk__in=pks, sent_at__isnull=True).update(claim=token, claimed_at=now)
    return token


def notifications_send(
    *,
    frequency: str,
    ids: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> Delivery:
    """Mails the unsent notifications of one frequency, each exactly once even when runs overlap.

    Immediate: one mail per notification (also the retry of earlier failures). Daily and weekly: one digest per
    person with all of theirs, never an empty one. A failed mail releases its notifications for the next run."""
    if frequency not in (Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError(f"cannot send frequency {frequency!r}")
    now = now or timezone.now()
    token = _claim(frequency, ids, now)
    claimed = list(
        Notification.objects.filter(claim=token)
        .select_related(
            "user",
            "idea__merged_into",
            "idea__experiment",
            "idea__innovation",
            "idea__challenge",
            "state_option",
            "adoption__source",
            "adoption__result__owner",
        )
        .order_by("created_at", "id")
    )
    groups: dict[Any, list[Notification]] = defaultdict(list)
    for notification in claimed:
        person = Person(user=notification.user, email=notification.email)
        if frequency == Frequency.IMMEDIATE:
            groups[(person.key, notification.pk)].append(notification)
        else:
            groups[person.key].append(notification)
    delivery = Delivery()
    if not groups:
        return delivery
    preferences = _preferences([Person(user=items[0].user, email=items[0].email) for items in groups.values()])
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.exception("The mail server cannot be reached; %s notifications kept for the next run", len(claimed))
        Notification.objects.filter(claim=token).update(claim="", claimed_at=None, attempts=F("attempts") + 1)
        delivery.failed = [_address(Person(user=items[0].user, email=items[0].email)) for items in groups.values()]
        return delivery
    try:
        for items in groups.values():
            _deliver(connection, token, items, preferences, frequency, now, delivery)
    finally:
        connection.close()
    return delivery


def _address(person: Person) -> str:
    return person.user.email if person.user is not None else person.email


def _deliver(
    connection: Any,
    token: str,
    items: list[Notification],
    preferences: dict[Any, Preference],
    frequency: str,
    now: datetime.datetime,
    delivery: Delivery,
) -> None:
    """Mails one person's claimed notifications: marked sent when the server took the mail, released for the
    next run when it did not."""
    person = Person(user=items[0].user, email=items[0].email)
    pks = [item.pk for item in items]
    if not _address(person) or (person.user is not None and not person.user.is_active):
        # The account was closed or its address removed after the change: there is nobody to mail, ever.
        Notification.objects.filter(pk__in=pks, claim=token).update(frequency=Frequency.NONE, claim="")
        return
    preference = preferences.get(person.key)
    language = preference.language if preference else DEFAULT_LANGUAGE
    message = _message(person, items, language, digest=frequency != Frequency.IMMEDIATE)
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError):
        logger.exception("Notification mail to %s failed; kept for the next run", person.key)
        Notification.objects.filter(pk__in=pks, claim=token).update(
            claim="", claimed_at=None, attempts=F("attempts") + 1
        )
        delivery.failed.append(_address(person))
    else:
        Notification.objects.filter(pk__in=pks, claim=token).update(sent_at=now, claim="")
        delivery.mails += 1
        delivery.notifications += len(items)


# --- the mails ---------------------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def describe(notification: Notification) -> str:
    """What happened, in the active language."""
    if notification.change == Change.ADOPTED:
        adoption = notification.adoption
        if adoption is None:  # the check constraint makes an adoption's notification name it
            raise ValueError(f"notification {notification.pk} names no adoption")
        values = {"organisation": adoption.result.owner, "title": adoption.result.title}
        if adoption.mode == "copied":
            return _("%(organisation)s took the innovation into use as it is: “%(title)s”.") % values
        return _("%(organisation)s adapted the innovation for its own use: “%(title)s”.") % values
    idea = notification.idea
    if idea is None:  # the check constraint makes every other notification name an idea
        raise ValueError(f"notification {notification.pk} names no idea")
    if notification.change == Change.STATE:
        option = notification.state_option
        state = option.name if option is not None else _label(notification.state)
        return _("The idea is now “%(state)s”.") % {"state": state}
    if notification.change == Change.MERGED:
        if idea.merged_into is not None:
            return _("The idea was merged into the idea “%(title)s”; it goes on there.") % {
                "title": idea.merged_into.title
            }
        return _("The idea was merged into another idea.")
    if notification.change == Change.EXPERIMENT:
        if idea.experiment is not None:
            return _("An experiment was started from the idea: “%(title)s”.") % {"title": idea.experiment.title}
        return _("An experiment was started from the idea.")
    if notification.change == Change.INNOVATION:
        if idea.innovation is not None:
            return _("The idea became an innovation in use: “%(title)s”.") % {"title": idea.innovation.title}
        return _("The idea became an innovation in use.")
    if notification.change == Change.HIDDEN:
        return _("A moderator hid the idea from others.")
    if notification.change == Change.NEW_IDEA:
        if idea.challenge is not None:
            return _("A new idea in the challenge “%(challenge)s” waits for handling.") % {
                "challenge": idea.challenge.title
            }
        return _("A new idea sent to %(organisation)s waits for handling.") % {"organisation": idea.organisation}
    if notification.change == Change.REPORTED:
        return _("Somebody reported the idea or one of its comments to the moderators.")
    return _("Somebody commented on the idea.")


def _label(state: str) -> str:
    from ideas.models import IdeaState

    return str(IdeaState(state).label) if state in IdeaState.values else state


def _message(person: Person, items: Sequence[Notification], language: str, *, digest: bool) -> EmailMessage:
    address = _address(person)
    with translation.override(language):
        token = person_token(person)
        preferences_link = _absolute(reverse("notifications:preferences_link", kwargs={"token": token}))
        entries: dict[tuple[str, int], dict[str, Any]] = {}
        for item in items:
            if item.adoption is not None:
                source = item.adoption.source
                key, kind, title, link = ("i", source.pk), "innovation", source.title, source.get_absolute_url()
            elif item.idea is not None:
                key, kind, title = ("d", item.idea.pk), "idea", item.idea.title
                link = reverse("ideas:idea", kwargs={"pk": item.idea_id})
            else:
                continue  # neither (the check constraint rules it out)
            entry = entries.setdefault(key, {"kind": kind, "title": title, "link": _absolute(link), "changes": []})
            text = describe(item)
            # The detail (e.g. the experiment's title) is left out when the description already says it.
            detail = item.detail if item.detail not in text else ""
            entry["changes"].append({"text": text, "detail": detail, "at": item.created_at})
        context = {
            "ideas": list(entries.values()),
            "count": len(items),
            "digest": digest,
            # Why the person gets the mail: it follows the idea, handles ideas, or its organisation owns the innovation.
            "follower": all(item.change in FOLLOWER_CHANGES for item in items),
            "handler": any(item.change in (Change.NEW_IDEA, Change.REPORTED) for item in items),
            "owner": any(item.change == Change.ADOPTED for item in items),
            "preferences_link": preferences_link,
        }
        subject = render_to_string("notifications/emails/notification_subject.txt", context)
        body = render_to_string("notifications/emails/notification.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [address])
    # Mail programs show their own "unsubscribe" button for this header (RFC 2369).
    message.extra_headers["List-Unsubscribe"] = f"<{preferences_link}>"
    # One-click unsubscribe (RFC 8058): the mail program POSTs to the link, which sets "never".
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
