"""Reads for running a survey round: the team's rounds, the sampling frame and its strata, invitations with their
status, responses, reminders that are due, and the response rates of the live dashboard.

Response rates count organisations, whatever the round's unit of analysis: an organisation has answered when at
least one of its responses is submitted, and is answering when it has a response in progress and none submitted.
So every frame unit is exactly one of answered, answering or not started.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts import roles
from barometer.models import FrameUnit, Invitation, Response, Round
from barometer.vocabulary import ResponseStatus, Unit
from organisations.models import Organisation, OrganisationKind, Region, SizeClass


class InvitationStatus(models.TextChoices):
    NOT_SENT = "not_sent", gettext_lazy("Not sent")
    SENT = "sent", pgettext_lazy("invitation status", "Sent")
    REMINDED = "reminded", gettext_lazy("Reminded")
    ANSWERING = "answering", gettext_lazy("Answering")
    SUBMITTED = "submitted", pgettext_lazy("invitation status", "Submitted")


# --- rounds ------------------------------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], field: str = "round") -> Coalesce:
    """A correlated COUNT subquery: counting in a subquery keeps the round list free of multiplying joins."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def round_list(*, user: Any) -> QuerySet[Round]:
    """The rounds a person runs (their organisations' rounds; platform administrators: all), with counts."""
    rounds = Round.objects.select_related("organiser", "questionnaire_version__questionnaire")
    if not getattr(user, "is_superuser", False):
        rounds = rounds.filter(organiser_id__in=roles.editable_organisation_ids(user))
    responded = Response.objects.filter(status=ResponseStatus.SUBMITTED)
    return rounds.annotate(
        frame_size=_count(FrameUnit.objects.all()),
        invitation_count=_count(Invitation.objects.all()),
        submitted_count=_count(responded),
    ).order_by("-year", "-opens_on", "slug")


# --- the sampling frame ------------------------------------------------------------------------------------------


def frame_units(*, round: Round) -> QuerySet[FrameUnit]:
    """The frame's organisations with how many invitations and responses each has (a unit with a response
    cannot be removed)."""
    return (
        round.frame.select_related("organisation")
        .annotate(
            invitation_count=_count(Invitation.objects.all(), "frame_unit"),
            response_count=_count(Response.objects.all(), "frame_unit"),
        )
        .order_by("organisation__name")
    )


@dataclass(frozen=True)
class Cell:
    """A stratum of the full cross-classification kind × size class × region, and its number of organisations."""

    kind: str
    size_class: str
    region: str
    count: int


def frame_cells(*, round: Round) -> list[Cell]:
    counted = round.frame.values("kind", "size_class", "region_code").annotate(n=Count("pk"))
    rows = sorted(
        counted,
        key=lambda r: (_order("kind")(r["kind"]), _order("size_class")(r["size_class"]), r["region_code"] or "~"),
    )
    labels = _labels(round)
    return [
        Cell(
            labels["kind"](row["kind"]),
            labels["size_class"](row["size_class"]),
            labels["region"](row["region_code"]),
            row["n"],
        )
        for row in rows
    ]


# --- response rates (the live dashboard) -------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    frame: int  # organisations in the frame (N)
    responded: int  # organisations with at least one submitted response (n)
    answering: int  # organisations with a response in progress and none submitted

    @property
    def not_started(self) -> int:
        return self.frame - self.responded - self.answering

    @property
    def rate(self) -> float | None:
        return self.responded / self.frame if self.frame else None

    # Shares of the frame on a 0–100 scale, for drawing the bars.
    @property
    def responded_share(self) -> float:
        return 100 * self.responded / self.frame if self.frame else 0.0

    @property
    def answering_share(self) -> float:
        return 100 * self.answering / self.frame if self.frame else 0.0


@dataclass(frozen=True)
class RateTable:
    dimension: str  # "kind", "size_class" or "region"
    title: str
    rows: list[RateRow]


@dataclass(frozen=True)
class Progress:
    overall: RateRow
    tables: list[RateTable]
    respondents_submitted: int  # submitted responses (differs from `responded` when several answer per organisation)
    responses_in_progress: int
    unit: str

    @property
    def overall_table(self) -> RateTable:
        return RateTable("all", _("All organisations of the frame"), [self.overall])


DIMENSIONS = ("kind", "size_class", "region")
_NOT_KNOWN = "~"  # sorts after every code


def stratum_labels() -> dict[str, dict[str, str]]:
    """For each dimension, code → the label a person reads, in the current language."""
    return {
        "kind": {str(code): str(label) for code, label in OrganisationKind.choices},
        "size_class": {str(code): str(label) for code, label in SizeClass.choices},
        "region": {code: str(name) for code, name in Region.objects.values_list("code", "name")},
    }


def _labels(round: Round) -> dict[str, Any]:
    """For each dimension, a function code → label ("" → "Not known")."""
    names = stratum_labels()

    def label(dimension: str) -> Any:
        return lambda code: names[dimension].get(code, code) if code else _("Not known")

    return {dimension: label(dimension) for dimension in DIMENSIONS}


def _order(dimension: str) -> Any:
    """Rows in the vocabulary's order (size classes small to large), regions by code, "not known" last."""
    positions = {
        "kind": {code: n for n, code in enumerate(OrganisationKind.values)},
        "size_class": {code: n for n, code in enumerate(SizeClass.values)},
    }.get(dimension)

    def key(code: str) -> tuple[int, Any]:
        if not code:
            return (2, _NOT_KNOWN)
        if positions is None:
            return (0, code)
        return (0, positions[code]) if code in positions else (1, code)

    return key


def _rate_row(key: str, label: str, states: Iterable[str]) -> RateRow:
    counts = Counter(states)
    return RateRow(key, label, counts.total(), counts["responded"], counts["answering"])


def round_progress(*, round: Round) -> Progress:
    """Response rates overall and by organisation kind, size class and region, in three queries."""
    submitted = Response.objects.filter(frame_unit=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
    in_progress = Response.objects.filter(frame_unit=OuterRef("pk"), status=ResponseStatus.IN_PROGRESS)
    units = list(
        round.frame.annotate(submitted=Exists(submitted), in_progress=Exists(in_progress)).values_list(
            "kind", "size_class", "region_code", "submitted", "in_progress"
        )
    )

    def state(is_submitted: bool, is_in_progress: bool) -> str:
        return "responded" if is_submitted else "answering" if is_in_progress else "not_started"

    labels = _labels(round)
    by_dimension: dict[str, dict[str, list[str]]] = {dimension: {} for dimension in DIMENSIONS}
    for kind, size, region, is_submitted, is_in_progress in units:
        for dimension, code in zip(DIMENSIONS, (kind, size, region), strict=True):
            by_dimension[dimension].setdefault(code, []).append(state(is_submitted, is_in_progress))
    titles = {"kind": _("By organisation kind"), "size_class": _("By size class"), "region": _("By region")}
    tables = [
        RateTable(
            dimension,
            titles[dimension],
            [
                _rate_row(code, labels[dimension](code), states)
                for code, states in sorted(by_dimension[dimension].items(), key=lambda pair: _order(dimension)(pair[0]))
            ],
        )
        for dimension in DIMENSIONS
    ]
    overall = _rate_row("all", _("All organisations"), (state(s, p) for *_strata, s, p in units))
    statuses = Counter(round.responses.values_list("status", flat=True))
    return Progress(
        overall=overall,
        tables=tables,
        respondents_submitted=statuses[ResponseStatus.SUBMITTED],
        responses_in_progress=statuses[ResponseStatus.IN_PROGRESS],
        unit=round.unit,
    )


class OrganisationFinder:
    """Finds the organisation a person or a file names: municipality code (Excel drops leading zeros, so "91" is
    091), business ID, or an exact name in any language; returns (organisation, "") or (None, why not).

    The round's frame is indexed once, so a file of thousands of rows costs no query per row; a name outside the
    frame is looked up in the whole registry (to add it to the frame, or to say that it is not in it)."""

    def __init__(self, round: Round) -> None:
        units = list(round.frame.select_related("organisation"))
        self.frame = {unit.organisation_id: unit for unit in units}
        self.by_code: dict[str, Organisation] = {}
        self.by_business_id: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        for unit in units:
            organisation = unit.organisation
            if organisation.municipality_code:
                self.by_code[organisation.municipality_code] = organisation
            if organisation.business_id:
                self.by_business_id[organisation.business_id] = organisation
            for name in {name.casefold() for name in _names(organisation)}:
                self.by_name.setdefault(name, []).append(organisation)

    def __call__(self, text: str) -> tuple[Organisation | None, str]:
        text = " ".join(text.split())
        if not text:
            return None, _("Name the organisation: its municipality code, business ID or name.")
        found: list[Organisation]
        if text.isdigit() and len(text) <= 3:
            code = text.zfill(3)
            found = (
                [self.by_code[code]]
                if code in self.by_code
                else list(Organisation.objects.filter(municipality_code=code))
            )
        elif text[:7].isdigit() and "-" in text:
            found = (
                [self.by_business_id[text]]
                if text in self.by_business_id
                else list(Organisation.objects.filter(business_id=text))
            )
        else:
            found = self.by_name.get(text.casefold()) or list(
                Organisation.objects.filter(Q(name_fi__iexact=text) | Q(name_sv__iexact=text) | Q(name_en__iexact=text))
            )
        if not found:
            return None, _("No organisation has this municipality code, business ID or name: “%(value)s”.") % {
                "value": text
            }
        if len(found) > 1:
            return None, _("Several organisations are called “%(value)s”; give the business ID instead.") % {
                "value": text
            }
        return found[0], ""


def _names(organisation: Organisation) -> list[str]:
    return [name for name in (organisation.name_fi, organisation.name_sv, organisation.name_en) if name]


# --- invitations and responses ----------------------------------------------------------------------------------


def invitation_list(*, round: Round) -> QuerySet[Invitation]:
    return round.invitations.select_related("frame_unit__organisation", "response").order_by(
        "frame_unit__organisation__name", "email"
    )


def invitation_status(invitation: Invitation) -> InvitationStatus:
    """The furthest step the invitation has reached (use with invitation_list, which fetches the response)."""
    response = getattr(invitation, "response", None)  # the reverse one-to-one raises when there is none
    if response is not None:
        if response.status == ResponseStatus.SUBMITTED:
            return InvitationStatus.SUBMITTED
        return InvitationStatus.ANSWERING
    if invitation.reminders_sent:
        return InvitationStatus.REMINDED
    if invitation.sent_at:
        return InvitationStatus.SENT
    return InvitationStatus.NOT_SENT


def invitation_counts(*, round: Round) -> dict[str, int]:
    """How many invitations are at each status (every status present, zeros included), in one query; the
    conditions are those of invitation_status (a test holds them together)."""
    no_response = Q(response__isnull=True)
    counts = round.invitations.aggregate(
        **{
            InvitationStatus.SUBMITTED.value: Count("pk", filter=Q(response__status=ResponseStatus.SUBMITTED)),
            InvitationStatus.ANSWERING.value: Count("pk", filter=Q(response__status=ResponseStatus.IN_PROGRESS)),
            InvitationStatus.REMINDED.value: Count("pk", filter=no_response & Q(reminders_sent__gt=0)),
            InvitationStatus.SENT.value: Count("pk", filter=no_response & Q(reminders_sent=0, sent_at__isnull=False)),
            InvitationStatus.NOT_SENT.value: Count(
                "pk", filter=no_response & Q(reminders_sent=0, sent_at__isnull=True)
            ),
        }
    )
    return {status.value: counts[status.value] for status in InvitationStatus}


def response_list(*, round: Round) -> QuerySet[Response]:
    return round.responses.select_related("frame_unit__organisation", "invitation", "reopened_by").order_by(
        "frame_unit__organisation__name", "-updated_at"
    )


def reminders_due(
    *, round: Round, now: datetime.datetime, interval_days: int, max_reminders: int
) -> QuerySet[Invitation]:
    """Sent invitations whose respondent has not submitted, last contacted at least interval_days ago and reminded
    fewer than max_reminders times. When the unit of analysis is the organisation, a colleague's submitted answer
    is the organisation's answer, so its other invitees are not reminded."""
    cutoff = now - datetime.timedelta(days=interval_days)
    if round.is_tryout:  # a try-out's keys were taken by visitors at the open link: nobody to remind
        return round.invitations.none()
    due = (
        round.invitations.filter(sent_at__isnull=False, reminders_sent__lt=max_reminders)
        .filter(Q(last_reminded_at__isnull=True, sent_at__lte=cutoff) | Q(last_reminded_at__lte=cutoff))
        .exclude(response__status=ResponseStatus.SUBMITTED)
    )
    if round.unit == Unit.ORGANISATION:
        answered = Response.objects.filter(frame_unit=OuterRef("frame_unit"), status=ResponseStatus.SUBMITTED)
        due = due.exclude(Exists(answered))
    return due.select_related("frame_unit__organisation", "round").order_by("pk")
