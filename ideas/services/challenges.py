"""Every write to challenges: opening one, editing its texts and settings (optimistic locking on the save time),
changing its status. Each checks permission, validates, saves in one transaction and writes the change log."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Actor
from audit.models import Action
from audit.services import change_record, diff
from core.permissions import require
from core.sanitise import clean_html, plain_text
from core.text_limits import checks_text_sizes
from core.translated import LANGUAGES as LANGS
from core.translated import first_translation
from ideas.models import Audience, Challenge, ChallengeStatus
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
            value = plain_text(value)
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
    *, actor: Actor, owner: Organisation, data: Mapping[str, Any], handlers: Iterable[Any] = ()
) -> Challenge:
    """Opens a challenge for an organisation whose editor the actor is. `data` holds the fields of CHALLENGE_FIELDS
    and, as lists, the relations of CHALLENGE_RELATIONS; handlers must be people of the owner or a co-organiser."""
    require(actor, "ideas.add_challenge_for", owner)
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
def challenge_update(
    *, actor: Actor, challenge: Challenge, data: Mapping[str, Any], expected_version: str
) -> Challenge:
    """The owner's editors change a challenge's texts and settings. A save that started from an older version
    than the stored one is refused (ConflictError), so nobody overwrites a colleague's change unseen."""
    with transaction.atomic():
        current = Challenge.objects.select_for_update().get(pk=challenge.pk)
        require(actor, "ideas.change_challenge", current)
        refuse_stale(challenge_version(current), expected_version)
        before = _challenge_snapshot(current)
        relations = _challenge_apply(current, data)
        current.save()
        for name, items in relations.items():
            getattr(current, name).set(items)
        changes = diff(before, _challenge_snapshot(current))
        change_record(obj=current, actor=actor, action=Action.UPDATE, changes=changes)
    return current


def challenge_set_status(*, actor: Actor, challenge: Challenge, status: str) -> Challenge:
    """An editor of the owner opens, closes or re-opens a challenge (or takes it back to a draft)."""
    if status not in ChallengeStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        require(actor, "ideas.change_challenge", challenge)
        changes = {"status": [challenge.status, status]}
        challenge.status = status
        challenge.save(update_fields=["status", "updated_at"])
        change_record(obj=challenge, actor=actor, action=Action.UPDATE, changes=changes)
    return challenge
