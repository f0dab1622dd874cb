"""Running a survey round: the round and its states, the sampling frame, invitations, e-mail and reminders, and
reopening a submitted response.

Every function checks permission (barometer.manage_round unless it says otherwise), validates with errors keyed
by field in the user's language, writes in one transaction and records the change, like innovations/services.py.
E-mail is the one exception to "one transaction": each invitation is claimed, sent and marked on its own (see
_deliver), so that a failure half-way neither loses the marks of the messages that went out nor sends anything
twice.
"""

import csv
import datetime
import io
import logging
import secrets
import smtplib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Actor, person_of
from audit.models import Action
from audit.services import change_record, diff
from barometer.models import FrameUnit, Invitation, QuestionnaireVersion, Response, Round
from barometer.questionnaires.services import questionnaire_version_freeze
from barometer.rounds.selectors import OrganisationFinder, reminders_due
from barometer.vocabulary import ResponseStatus, RoundStatus, Sector, Unit, VersionStatus
from core.permissions import require
from core.text_limits import checks_text_sizes
from core.translated import LANGUAGES, first_translation
from organisations.models import Organisation, OrganisationKind, Region
from records.services import lock_at_version, save_new_version

logger = logging.getLogger(__name__)

MANAGE = "barometer.manage_round"
ROUND_FIELDS = (
    "slug",
    *(f"{name}_{lang}" for name in ("name", "description") for lang in LANGUAGES),
    "questionnaire_version",
    "sector",
    "year",
    "reference_period_start",
    "reference_period_end",
    "opens_on",
    "closes_on",
    "unit",
    "answers_public",
    "previous_round",
)
# Fields without which a round cannot be saved (field name → attribute that holds the value).
REQUIRED = {
    "questionnaire_version": "questionnaire_version_id",
    "year": "year",
    "reference_period_start": "reference_period_start",
    "reference_period_end": "reference_period_end",
    "opens_on": "opens_on",
    "closes_on": "closes_on",
}
# Reminders: at most this many, at least this many days apart (the cron command can override both).
REMINDER_INTERVAL_DAYS = 7
MAX_REMINDERS = 3


def _lock(round: Round, expected_version: int | None = None) -> Round:
    """Re-reads the round under a row lock, which also queues concurrent changes to its frame and invitations;
    with expected_version, refuses a change that started from an older version of the round."""
    rounds = Round.objects.select_related("organiser")
    if expected_version is None:
        return rounds.select_for_update().get(pk=round.pk)
    return lock_at_version(rounds, round.pk, expected_version)


def _snapshot(round: Round) -> dict[str, Any]:
    values = {name: getattr(round, name) for name in ROUND_FIELDS}
    values["status"] = round.status
    return values


# --- the round ---------------------------------------------------------------------------------------------------


def _unique_slug(round: Round) -> str:
    base = slugify(f"{first_translation(round, 'name')} {round.year or ''}")[:56] or "round"
    slug, n = base, 1
    while Round.objects.filter(slug=slug).exclude(pk=round.pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_round(round: Round, questionnaire_version_before: int | None) -> None:
    """The checks that need more than one field; every message names its field."""
    errors: dict[str, str] = {}
    if not first_translation(round, "name"):
        errors["name_fi"] = _("Give the round a name in at least one language.")
    if round.slug and Round.objects.filter(slug=round.slug).exclude(pk=round.pk).exists():
        errors["slug"] = _("Another round already uses this short name.")
    if round.year is not None and not 2000 <= round.year <= 2100:
        errors["year"] = _("Give the year with four digits, e.g. 2024.")
    start, end = round.reference_period_start, round.reference_period_end
    if start and end and end < start:
        errors["reference_period_end"] = _("The reference period cannot end before it starts.")
    if round.opens_on and round.closes_on and round.closes_on < round.opens_on:
        errors["closes_on"] = _("The round cannot close before it opens.")
    version: QuestionnaireVersion | None = round.questionnaire_version if round.questionnaire_version_id else None
    if version is not None:
        if round.questionnaire_version_id != questionnaire_version_before and round.status != RoundStatus.DRAFT:
            errors["questionnaire_version"] = _(
                "The questionnaire cannot change once the round has been opened: answers have been given to it."
            )
        elif version.questionnaire.organiser_id != round.organiser_id and version.status != VersionStatus.FROZEN:
            errors["questionnaire_version"] = _(
                "Another organisation's questionnaire can be used once it is in use (frozen); until then it is "
                "their draft."
            )
    previous: Round | None = round.previous_round if round.previous_round_id else None
    if previous is not None:
        if previous.pk == round.pk:
            errors["previous_round"] = _("A round cannot be compared with itself.")
        elif round.year is not None and previous.year >= round.year:
            errors["previous_round"] = _("Choose a round from an earlier year to compare with.")
        elif previous.organiser_id != round.organiser_id and previous.status != RoundStatus.PUBLISHED:
            errors["previous_round"] = _("Another organisation's round can be compared with once it is published.")
    if errors:
        raise ValidationError(errors)


def _apply(round: Round, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    version_before = round.questionnaire_version_id if round.pk else None
    for name, value in data.items():
        setattr(round, name, value.strip() if isinstance(value, str) else value)
    missing = {
        name: _("This field is required.") for name, attribute in REQUIRED.items() if getattr(round, attribute) is None
    }
    if missing:
        raise ValidationError(missing)
    _check_round(round, version_before)
    if not round.slug:
        round.slug = _unique_slug(round)
    # Field-level checks (choices, lengths, slug characters); the cross-field ones are above with better words.
    round.full_clean(exclude=["organiser"], validate_unique=False, validate_constraints=False)


@checks_text_sizes(Round)
@transaction.atomic
def round_create(*, actor: Actor, organiser: Organisation, data: Mapping[str, Any]) -> Round:
    """A new round in preparation (draft), organised by `organiser`, whose team (editors) runs it."""
    round = Round(organiser=organiser, sector=Sector.MUNICIPAL, unit=Unit.ORGANISATION)
    require(actor, MANAGE, round)
    _apply(round, data)
    round.save()
    change_record(obj=round, actor=actor, action=Action.CREATE, changes=diff({}, _snapshot(round)))
    return round


@checks_text_sizes(Round)
@transaction.atomic
def round_update(*, actor: Actor, round: Round, expected_version: int, data: Mapping[str, Any]) -> Round:
    require(actor, MANAGE, round)
    current = _lock(round, expected_version)
    before = _snapshot(current)
    _apply(current, data)
    save_new_version(current)
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes=diff(before, _snapshot(current)))
    return current


# Which state a round may move to from which.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RoundStatus.OPEN: (RoundStatus.DRAFT, RoundStatus.CLOSED),
    RoundStatus.CLOSED: (RoundStatus.OPEN,),
    RoundStatus.PUBLISHED: (RoundStatus.CLOSED,),
}


def _set_status(*, actor: Actor, round: Round, expected_version: int, status: str) -> Round:
    require(actor, MANAGE, round)
    current = _lock(round, expected_version)
    if current.status not in TRANSITIONS[status]:
        messages: dict[str, str] = {
            RoundStatus.OPEN: _("Only a round that is being prepared or closed can be opened."),
            RoundStatus.CLOSED: _("Only an open round can be closed."),
            RoundStatus.PUBLISHED: _("Close the round before publishing its results."),
        }
        raise ValidationError(messages[status])
    if status == RoundStatus.PUBLISHED and current.is_tryout:
        raise ValidationError(_("A try-out round's answers are practice: its results are never published."))
    if status == RoundStatus.OPEN:
        if not current.frame.exists():
            raise ValidationError(_("Add organisations to the sampling frame before opening the round."))
        if current.closes_on < timezone.localdate():
            raise ValidationError(
                {"closes_on": _("The closing date has passed. Move it forward before opening the round.")}
            )
        # Raises InvalidQuestionnaireError (a ValidationError listing them) when the version is unfinished.
        questionnaire_version_freeze(current.questionnaire_version, actor=actor)
    before = current.status
    current.status = status
    save_new_version(current, "status")
    action = Action.PUBLISH if status == RoundStatus.PUBLISHED else Action.UPDATE
    change_record(obj=current, actor=actor, action=action, changes={"status": [before, status]})
    return current


@transaction.atomic
def round_open(*, actor: Actor, round: Round, expected_version: int) -> Round:
    """Opens the round for answers (also reopens a closed one); freezes its questionnaire version."""
    return _set_status(actor=actor, round=round, expected_version=expected_version, status=RoundStatus.OPEN)


@transaction.atomic
def round_close(*, actor: Actor, round: Round, expected_version: int) -> Round:
    return _set_status(actor=actor, round=round, expected_version=expected_version, status=RoundStatus.CLOSED)


@transaction.atomic
def round_publish(*, actor: Actor, round: Round, expected_version: int) -> Round:
    """Publishes the results of a closed round: from now on everyone sees them (barometer.view_results)."""
    return _set_status(actor=actor, round=round, expected_version=expected_version, status=RoundStatus.PUBLISHED)


@transaction.atomic
def round_delete(*, actor: Actor, round: Round) -> None:
    """Deletes a round with its frame and invitations; the organiser's administrators only, and only while no
    response exists (answers are never thrown away with a click)."""
    require(actor, "barometer.delete_round", round)
    current = _lock(round)
    if current.responses.exists():
        raise ValidationError(
            _("The round has responses, so it cannot be deleted. Close it instead; its answers are kept.")
        )
    change_record(obj=current, actor=actor, action=Action.DELETE, changes={"name": [str(current.name), None]})
    current.delete()


# --- the sampling frame ------------------------------------------------------------------------------------------


def _frame_editable(round: Round) -> None:
    if round.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise ValidationError(
            _("The round is closed, so its sampling frame can no longer change: its figures are weighted to it.")
        )


def _unit(round: Round, organisation: Organisation) -> FrameUnit:
    """A frame unit with the organisation's strata as they are now (a snapshot: later changes do not move it)."""
    return FrameUnit(
        round=round,
        organisation=organisation,
        kind=organisation.kind,
        size_class=organisation.size_class,
        region_code=organisation.region.code if organisation.region_id and organisation.region else "",
    )


@transaction.atomic
def frame_draw(*, actor: Actor, round: Round, kinds: Iterable[str], regions: Iterable[str] = ()) -> int:
    """Adds every organisation of the given kinds (in the given regions; none given: the whole country) that is
    not in the frame yet. Returns how many were added."""
    require(actor, MANAGE, round)
    current = _lock(round)
    _frame_editable(current)
    kinds, regions = list(dict.fromkeys(kinds)), list(dict.fromkeys(regions))
    errors: dict[str, str] = {}
    if not kinds:
        errors["kinds"] = _("Choose at least one organisation kind.")
    elif unknown := [kind for kind in kinds if kind not in OrganisationKind.values]:
        errors["kinds"] = _("Unknown organisation kind “%(value)s”.") % {"value": unknown[0]}
    known_regions = set(Region.objects.filter(code__in=regions).values_list("code", flat=True))
    if unknown := [code for code in regions if code not in known_regions]:
        errors["regions"] = _("Unknown region “%(value)s”.") % {"value": unknown[0]}
    if errors:
        raise ValidationError(errors)
    matching = Organisation.objects.filter(kind__in=kinds).select_related("region")
    if regions:
        matching = matching.filter(region__code__in=regions)
    if not matching.exists():
        message = (
            _("The registry has no organisation of these kinds in these regions.")
            if regions
            else _("The registry has no organisation of these kinds.")
        )
        raise ValidationError({"kinds": message})
    before = current.frame.count()
    new = matching.exclude(barometer_frame_units__round=current).order_by("pk")
    FrameUnit.objects.bulk_create([_unit(current, organisation) for organisation in new], batch_size=500)
    after = current.frame.count()
    if after != before:
        change_record(obj=current, actor=actor, action=Action.UPDATE, changes={"frame": [before, after]})
    return after - before


@transaction.atomic
def frame_add(*, actor: Actor, round: Round, organisation: Organisation) -> FrameUnit:
    require(actor, MANAGE, round)
    current = _lock(round)
    _frame_editable(current)
    if current.frame.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(organisation)s is already in the frame.") % {"organisation": organisation}}
        )
    unit = _unit(current, organisation)
    unit.save()
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes={"frame": [None, str(organisation)]})
    return unit


@transaction.atomic
def frame_remove(*, actor: Actor, round: Round, unit: FrameUnit) -> None:
    """Removes an organisation from the frame with its unsent invitations. An organisation that has answered,
    or whose invitation went out (someone holds its link), stays."""
    require(actor, MANAGE, round)
    current = _lock(round)
    _frame_editable(current)
    if unit.round_id != current.pk:
        raise ValidationError(_("The organisation is not in this round's frame."))
    organisation = unit.organisation
    if unit.responses.exists():
        raise ValidationError(
            _("%(organisation)s has answered, so it stays in the frame.") % {"organisation": organisation}
        )
    if unit.invitations.filter(sent_at__isnull=False).exists():
        raise ValidationError(
            _("An invitation to %(organisation)s has been sent, so it stays in the frame.")
            % {"organisation": organisation}
        )
    unit.delete()
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes={"frame": [str(organisation), None]})


# --- invitations -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    """One invitation to make. `organisation` is an Organisation, or how a file names it: municipality code,
    business ID or name. `line` is the row's line in the uploaded file (0: typed into a form)."""

    organisation: Organisation | str
    email: str
    name: str = ""
    language: str = "fi"
    line: int = 0


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    value: str
    message: str


def column_labels() -> dict[str, str]:
    return {
        "organisation": _("organisation"),
        "email": _("e-mail"),
        "name": _("name"),
        "language": _("language"),
        "file": _("file"),
    }


class InvitationRowsError(ValidationError):
    """Every problem of every row (nothing was saved). A single row typed into a form gets its messages keyed by
    field; rows of a file get one message per problem naming the line and the column."""

    def __init__(self, problems: Sequence[RowProblem], *, by_field: bool) -> None:
        self.problems = list(problems)
        if by_field:
            keyed: dict[str, list[str]] = {}
            for problem in problems:
                keyed.setdefault(problem.field, []).append(problem.message)
            super().__init__(keyed)
        else:
            columns = column_labels()
            super().__init__(
                [
                    _("Line %(line)s, %(column)s: %(message)s")
                    % {"line": p.line, "column": columns.get(p.field, p.field), "message": p.message}
                    if p.line
                    else p.message
                    for p in problems
                ]
            )


# What a file may write in the language column (codes, and the languages' names in Finnish, Swedish, English).
LANGUAGE_NAMES = {
    "fi": "fi",
    "suomi": "fi",
    "finska": "fi",
    "finnish": "fi",
    "sv": "sv",
    "ruotsi": "sv",
    "svenska": "sv",
    "swedish": "sv",
    "en": "en",
    "englanti": "en",
    "engelska": "en",
    "english": "en",
}


def _check_rows(round: Round, rows: Sequence[InvitationRow]) -> tuple[list[Invitation], list[RowProblem]]:
    resolve = OrganisationFinder(round)
    taken = {email.casefold() for email in round.invitations.values_list("email", flat=True)}
    seen: dict[str, int] = {}
    problems: list[RowProblem] = []
    invitations: list[Invitation] = []
    for position, row in enumerate(rows, start=1):
        line = row.line or (position if len(rows) > 1 else 0)

        def problem(name: str, value: str, message: str, line: int = line) -> None:
            problems.append(RowProblem(line, name, value, message))

        organisation, message = (
            (row.organisation, "") if isinstance(row.organisation, Organisation) else resolve(row.organisation)
        )
        unit = resolve.frame.get(organisation.pk) if organisation else None
        if organisation is None:
            problem("organisation", str(row.organisation), message)
        elif unit is None:
            problem(
                "organisation",
                str(organisation),
                _("%(organisation)s is not in the round's sampling frame.") % {"organisation": organisation},
            )
        email = row.email.strip()
        try:
            validate_email(email)
        except ValidationError:
            problem("email", email, _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        else:
            key = email.casefold()
            if key in taken:
                problem("email", email, _("%(email)s already has an invitation to this round.") % {"email": email})
            elif key in seen:
                problem("email", email, _("%(email)s is also on line %(line)s.") % {"email": email, "line": seen[key]})
            seen.setdefault(key, line)
        name = " ".join(row.name.split())
        if len(name) > 200:
            problem("name", name[:40], _("A name can be at most 200 characters long."))
        language = LANGUAGE_NAMES.get(row.language.strip().casefold() or "fi")
        if language is None:
            problem(
                "language", row.language, _("Unknown language “%(value)s”: use fi, sv or en.") % {"value": row.language}
            )
        if unit is not None and language is not None:
            invitation = Invitation(
                round=round, frame_unit=unit, email=email, name=name, language=language, token=_token()
            )
            invitations.append(invitation)
    return invitations, problems


def _token() -> str:
    """The respondent's key: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


@transaction.atomic
def invitations_create(*, actor: Actor, round: Round, rows: Sequence[InvitationRow]) -> list[Invitation]:
    """Invitations for organisations of the frame; several respondents per organisation may be invited, but an
    e-mail address only once per round. All or nothing: any bad row raises InvitationRowsError listing them all."""
    require(actor, MANAGE, round)
    current = _lock(round)
    if current.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise ValidationError(_("The round is closed: no more invitations can be added."))
    if not rows:
        raise ValidationError(_("There is nobody to invite."))
    invitations, problems = _check_rows(current, rows)
    if problems:
        raise InvitationRowsError(problems, by_field=len(rows) == 1 and rows[0].line == 0)
    created = Invitation.objects.bulk_create(invitations)
    emails = sorted(invitation.email for invitation in created)
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes={"invitations": [None, emails]})
    return created


# The header of each column of an invitation file, in the three languages and as spreadsheets write them.
CSV_COLUMNS = {
    "organisation": {
        "organisation",
        "organization",
        "organisaatio",
        "kunta",
        "municipality",
        "kommun",
        "municipality code",
        "kuntanumero",
        "kommunnummer",
        "business id",
        "y-tunnus",
        "fo-nummer",
    },
    "email": {"email", "e-mail", "sähköposti", "sähköpostiosoite", "e-post", "e-postadress", "e-mail address"},
    "name": {"name", "nimi", "namn", "respondent", "vastaaja", "svarande"},
    "language": {"language", "kieli", "språk", "lang"},
}
MAX_CSV_ROWS = 10_000


def _decode(data: bytes) -> str:
    # UTF-8 (with or without Excel's byte-order mark) first; else Windows-1252, which Excel in Finland writes
    # for "CSV (comma delimited)" and which decodes any byte, so the header check below catches binary files.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def invitation_rows_from_csv(data: bytes) -> list[InvitationRow]:
    """Reads an invitation file: a header row, then one respondent per row. Columns (any order, headers in
    Finnish, Swedish or English): organisation (municipality code, business ID or name), e-mail, name, language.
    Comma, semicolon or tab separated. Raises InvitationRowsError when the file itself is unusable."""
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # Strict: a quotation mark left open at the end (a file cut inside a quoted name) is a problem, not a value
    # read to the end of the file.
    reader = csv.reader(io.StringIO(text), dialect, strict=True)

    def unreadable(error: csv.Error) -> InvitationRowsError:
        line = reader.line_num
        if "unexpected end of data" in str(error):
            text = _("Line %(line)s ends inside quotation marks: the file seems to be cut short there.")
        else:
            text = _("Line %(line)s cannot be read: check its quotation marks.")
        return InvitationRowsError([RowProblem(line, "file", "", text % {"line": line})], by_field=False)

    try:
        header = next(reader, None)
    except csv.Error as error:
        raise unreadable(error) from None
    if header is None:
        raise InvitationRowsError([RowProblem(0, "file", "", _("The file is empty."))], by_field=False)
    columns: dict[str, int] = {}
    for position, title in enumerate(header):
        for name, titles in CSV_COLUMNS.items():
            if " ".join(title.split()).casefold() in titles:
                columns.setdefault(name, position)
    missing = [name for name in ("organisation", "email") if name not in columns]
    if missing:
        labels = column_labels()
        raise InvitationRowsError(
            [
                RowProblem(
                    1,
                    "file",
                    "",
                    _(
                        "The file has no column “%(column)s”. Its first row should name the columns; it reads: %(header)s"
                    )
                    % {"column": labels[name], "header": ", ".join(header)[:200]},
                )
                for name in missing
            ],
            by_field=False,
        )

    def cell(values: list[str], name: str) -> str:
        position = columns.get(name)
        return values[position].strip() if position is not None and position < len(values) else ""

    rows: list[InvitationRow] = []
    records = iter(reader)
    while True:
        try:
            values = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            raise unreadable(error) from None
        if not any(value.strip() for value in values):
            continue  # blank lines between blocks are common in hand-made files
        if len(rows) == MAX_CSV_ROWS:
            raise InvitationRowsError(
                [RowProblem(0, "file", "", _("The file has more than %(max)s rows.") % {"max": MAX_CSV_ROWS})],
                by_field=False,
            )
        rows.append(
            InvitationRow(
                organisation=cell(values, "organisation"),
                email=cell(values, "email"),
                name=cell(values, "name"),
                language=cell(values, "language"),
                line=reader.line_num,
            )
        )
    if not rows:
        raise InvitationRowsError(
            [RowProblem(0, "file", "", _("The file has no rows below its header."))], by_field=False
        )
    return rows


def invitations_create_from_csv(*, actor: Actor, round: Round, data: bytes) -> list[Invitation]:
    """invitations_create from an uploaded file; every bad row is listed and nothing is saved."""
    require(actor, MANAGE, round)
    return invitations_create(actor=actor, round=round, rows=invitation_rows_from_csv(data))


# --- e-mail ------------------------------------------------------------------------------------------------------


def personal_link(invitation: Invitation, base_url: str | None = None) -> str:
    """The invitee's answering link, in their language. E-mails use settings.SITE_URL (cron has no request)."""
    with translation.override(invitation.language):
        path = reverse("barometer:answer", kwargs={"token": invitation.token})
    return (base_url or settings.SITE_URL).rstrip("/") + path


def _message(invitation: Invitation, template: str) -> EmailMessage:
    round = invitation.round
    with translation.override(invitation.language):
        context = {
            "round": round,
            "invitation": invitation,
            "organisation": invitation.frame_unit.organisation,
            "link": personal_link(invitation),
            "closes_on": round.closes_on,
            "reference_period_start": round.reference_period_start,
            "reference_period_end": round.reference_period_end,
        }
        subject = render_to_string(f"barometer/emails/{template}_subject.txt", context)
        body = render_to_string(f"barometer/emails/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


# A page that sends stops after this many seconds and says how many are left, so that it answers well within a
# proxy's timeout however slow the mail server; pressing the button again goes on where it stopped.
PAGE_SEND_SECONDS = 20.0


@dataclass
class Delivery:
    """What a send did: how many went out, the addresses the mail server refused, and how many were left for
    the next run because the time limit came first."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)
    left: int = 0


def _deliver(
    invitations: Sequence[Invitation],
    template: str,
    claim: Callable[[Invitation], int],
    release: Callable[[Invitation], None],
    time_limit: float | None,
) -> Delivery:
    """Sends one message per invitation. Each is first claimed with a conditional UPDATE (another sender that got
    there first makes it 0 rows: no double e-mail), then sent; a failed send releases the claim so that the next
    run tries again. (A process killed between claim and send leaves one invitation marked but not sent; its
    reminder reaches the person, which is better than the other order's risk of sending twice.)"""
    delivery = Delivery()
    deadline = None if time_limit is None else time.monotonic() + time_limit
    with get_connection() as connection:
        for position, invitation in enumerate(invitations):
            if deadline is not None and time.monotonic() >= deadline:
                delivery.left = len(invitations) - position
                break
            if not claim(invitation):
                continue
            try:
                connection.send_messages([_message(invitation, template)])
            except (smtplib.SMTPException, OSError):
                logger.exception("Barometer e-mail to invitation %s failed", invitation.pk)
                release(invitation)
                delivery.failed.append(invitation.email)
            else:
                delivery.sent += 1
    return delivery


def _sendable(round: Round) -> None:
    if round.status != RoundStatus.OPEN:
        raise ValidationError(_("Open the round first: the links in the e-mails work only while it is open."))
    if round.closes_on < timezone.localdate():
        raise ValidationError(_("The round's closing date has passed; move it forward to send e-mails."))


def invitations_send(
    *, actor: Actor, round: Round, now: datetime.datetime | None = None, time_limit: float | None = None
) -> Delivery:
    """E-mails every invitation of the round that has not been sent, each in the invitee's language (within
    time_limit seconds, if given: Delivery.left says how many wait for the next run)."""
    require(actor, MANAGE, round)
    _sendable(round)
    now = now or timezone.now()
    unsent = round.invitations.filter(sent_at__isnull=True).select_related("frame_unit__organisation", "round")

    def claim(invitation: Invitation) -> int:
        return Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=now)

    def release(invitation: Invitation) -> None:
        Invitation.objects.filter(pk=invitation.pk, sent_at=now).update(sent_at=None)

    delivery = _deliver(list(unsent.order_by("pk")), "invitation", claim, release, time_limit)
    if delivery.sent:
        change_record(obj=round, actor=actor, action=Action.UPDATE, changes={"invitations_sent": [None, delivery.sent]})
    return delivery


def reminders_send(
    *,
    round: Round,
    now: datetime.datetime,
    actor: Actor | None = None,
    interval_days: int = REMINDER_INTERVAL_DAYS,
    max_reminders: int = MAX_REMINDERS,
    time_limit: float | None = None,
) -> Delivery:
    """Reminds those who have not submitted (see rounds.selectors.reminders_due), each in their language.

    actor None is the scheduled job (send_barometer_reminders); a person needs barometer.manage_round. With
    time_limit, stops after that many seconds (Delivery.left)."""
    if actor is not None:
        require(actor, MANAGE, round)
    _sendable(round)
    due = reminders_due(round=round, now=now, interval_days=interval_days, max_reminders=max_reminders)

    def claim(invitation: Invitation) -> int:
        return Invitation.objects.filter(
            pk=invitation.pk, reminders_sent=invitation.reminders_sent, last_reminded_at=invitation.last_reminded_at
        ).update(reminders_sent=invitation.reminders_sent + 1, last_reminded_at=now)

    def release(invitation: Invitation) -> None:
        Invitation.objects.filter(pk=invitation.pk, last_reminded_at=now).update(
            reminders_sent=invitation.reminders_sent, last_reminded_at=invitation.last_reminded_at
        )

    delivery = _deliver(list(due), "reminder", claim, release, time_limit)
    if delivery.sent:
        change_record(obj=round, actor=actor, action=Action.UPDATE, changes={"reminders_sent": [None, delivery.sent]})
    return delivery


# --- responses ---------------------------------------------------------------------------------------------------


@transaction.atomic
def response_reopen(*, actor: Actor, response: Response) -> Response:
    """Lets the respondent change a submitted response again (barometer.reopen_response: the organiser's
    administrators). It counts as in progress until they submit it again."""
    require(actor, "barometer.reopen_response", response.round)
    current = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if current.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("The response has not been submitted, so there is nothing to reopen."))
    if current.round.status != RoundStatus.OPEN:
        raise ValidationError(_("The round is not open: open it first, so that the respondent can answer."))
    submitted_at = current.submitted_at
    current.status = ResponseStatus.IN_PROGRESS
    current.submitted_at = None
    current.reopened_at = timezone.now()
    current.reopened_by = person_of(actor)
    current.save(update_fields=["status", "submitted_at", "reopened_at", "reopened_by", "updated_at"])
    before = {"status": ResponseStatus.SUBMITTED, "submitted_at": submitted_at}
    after = {"status": ResponseStatus.IN_PROGRESS, "submitted_at": None}
    change_record(obj=current, actor=actor, action=Action.UPDATE, changes=diff(before, after))
    return current


@transaction.atomic
def tryout_start(*, round: Round, language: str) -> Invitation:
    """A fresh key to an open try-out round for whoever asks (no account): an invitation without an address, for
    the organiser's own frame unit, so that the answering pages work as for any invitation. Refused for any other
    round, and once the round is not open."""
    if not round.is_tryout or round.status != RoundStatus.OPEN:
        raise ValidationError(_("This round cannot be tried out."))
    unit = round.frame.filter(organisation=round.organiser).first()
    if unit is None:
        unit = FrameUnit.objects.create(round=round, organisation=round.organiser, kind=round.organiser.kind)
    token = _token()
    # No address: an invitation's address is unique in its round, so a reserved, never-delivered one (RFC 2606)
    # made from the key; "sent" now, so that sending the round's invitations never mails it.
    return Invitation.objects.create(
        round=round,
        frame_unit=unit,
        email=f"try-{token[:16].lower()}@tryout.invalid",
        name="",
        language=language,
        token=token,
        sent_at=timezone.now(),
    )
