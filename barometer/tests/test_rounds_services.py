"""The round services: validation keyed by field, optimistic locking, state changes (opening freezes the
questionnaire), deletion, the sampling frame with its strata snapshot, reopening, the change log, and who may
call each service."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from audit.models import Action, ChangeRecord
from barometer.answering.services import answer_save, response_open
from barometer.models import FrameUnit, Invitation, QuestionnaireVersion, Round
from barometer.rounds import services
from barometer.tests.test_rounds_support import ADMINS, ROLES, TEAM, respond, round_data
from barometer.vocabulary import ResponseStatus, RoundStatus, VersionStatus
from core.errors import ConflictError
from organisations.models import Organisation, OrganisationKind, Region
from tests.factories import OrganisationFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are read in English (the message ids), whatever the Finnish and Swedish catalogues say."""
    with translation.override("en"):
        yield


def _records(obj, action=None):
    records = ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return records.filter(action=action) if action else records


@pytest.fixture
def draft(editor_a, org_a, org_b, small_version):
    return RoundFactory.create(actor=editor_a, organiser=org_a, frame=[org_a, org_b], **round_data(small_version))


# --- create and update --------------------------------------------------------------------------------------------


def test_create_saves_a_draft_with_all_three_languages_and_a_slug(editor_a, org_a, small_version):
    round = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAFT
    assert (round.name_fi, round.name_sv, round.name_en) == (
        "Innovaatiobarometri",
        "Innovationsbarometern",
        "Innovation barometer",
    )
    assert round.slug == f"innovaatiobarometri-{round.year}"
    assert _records(round, Action.CREATE).get().changes["name_fi"] == [None, "Innovaatiobarometri"]


def test_slugs_made_from_the_same_name_stay_unique(editor_a, org_a, small_version):
    first = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    second = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    assert second.slug == f"{first.slug}-2"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name_fi": "", "name_sv": " ", "name_en": ""}, "name_fi"),
        ({"closes_on": timezone.localdate() - datetime.timedelta(days=1)}, "closes_on"),
        ({"reference_period_end": datetime.date(2000, 1, 1)}, "reference_period_end"),
        ({"year": 1999}, "year"),
        ({"sector": "galactic"}, "sector"),
        ({"unit": "household"}, "unit"),
        ({"slug": "not a slug!"}, "slug"),
        ({"questionnaire_version": None}, "questionnaire_version"),
        ({"opens_on": None}, "opens_on"),
        ({"version": 5}, "version"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(editor_a, org_a, small_version, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version, **overrides))
    assert field in excinfo.value.message_dict
    assert not Round.objects.exists()


def test_a_taken_slug_is_refused(editor_a, org_a, small_version, draft):
    with pytest.raises(ValidationError) as excinfo:
        services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version, slug=draft.slug))
    assert "slug" in excinfo.value.message_dict


def test_another_organisations_draft_questionnaire_cannot_be_used(editor_b, org_b, small_version):
    with pytest.raises(ValidationError) as excinfo:
        services.round_create(actor=editor_b, organiser=org_b, data=round_data(small_version))
    assert "questionnaire_version" in excinfo.value.message_dict
    small_version.status = VersionStatus.FROZEN
    small_version.save()
    assert services.round_create(actor=editor_b, organiser=org_b, data=round_data(small_version)).pk


def test_the_round_to_compare_with_must_be_earlier_and_not_itself(editor_a, org_a, small_version, draft):
    with pytest.raises(ValidationError) as excinfo:
        services.round_update(
            actor=editor_a, round=draft, expected_version=draft.version, data={"previous_round": draft}
        )
    assert "previous_round" in excinfo.value.message_dict
    same_year = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    with pytest.raises(ValidationError) as excinfo:
        services.round_update(
            actor=editor_a, round=draft, expected_version=draft.version, data={"previous_round": same_year}
        )
    assert "previous_round" in excinfo.value.message_dict
    earlier = services.round_create(
        actor=editor_a, organiser=org_a, data=round_data(small_version, year=draft.year - 4)
    )
    updated = services.round_update(
        actor=editor_a, round=draft, expected_version=draft.version, data={"previous_round": earlier}
    )
    assert updated.previous_round == earlier


def test_update_counts_versions_and_refuses_a_stale_one(editor_a, draft):
    updated = services.round_update(
        actor=editor_a, round=draft, expected_version=draft.version, data={"name_en": "Barometer 2024"}
    )
    assert updated.version == draft.version + 1
    with pytest.raises(ConflictError):
        services.round_update(actor=editor_a, round=draft, expected_version=draft.version, data={"name_en": "Old"})
    draft.refresh_from_db()
    assert draft.name_en == "Barometer 2024"
    assert _records(draft, Action.UPDATE).first().changes["name_en"] == ["Innovation barometer", "Barometer 2024"]


def test_the_questionnaire_is_fixed_once_the_round_has_been_opened(editor_a, org_a, small_version, draft):
    draft = services.round_open(actor=editor_a, round=draft, expected_version=draft.version)
    replacement = QuestionnaireVersion.objects.create(questionnaire=small_version.questionnaire, number=2)
    with pytest.raises(ValidationError) as excinfo:
        services.round_update(
            actor=editor_a, round=draft, expected_version=draft.version, data={"questionnaire_version": replacement}
        )
    assert "questionnaire_version" in excinfo.value.message_dict
    # The dates can still move, e.g. to give more time.
    later = draft.closes_on + datetime.timedelta(days=7)
    assert (
        services.round_update(
            actor=editor_a, round=draft, expected_version=draft.version, data={"closes_on": later}
        ).closes_on
        == later
    )


# --- states -----------------------------------------------------------------------------------------------------


def test_opening_needs_a_frame_and_freezes_the_questionnaire(editor_a, org_a, small_version):
    round = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    with pytest.raises(ValidationError, match="sampling frame"):
        services.round_open(actor=editor_a, round=round, expected_version=round.version)
    services.frame_add(actor=editor_a, round=round, organisation=org_a)
    opened = services.round_open(actor=editor_a, round=round, expected_version=round.version)
    assert opened.status == RoundStatus.OPEN
    small_version.refresh_from_db()
    assert small_version.status == VersionStatus.FROZEN
    assert _records(opened, Action.UPDATE).filter(changes__status=["draft", "open"]).exists()


def test_a_round_whose_closing_date_has_passed_is_not_opened(editor_a, draft):
    Round.objects.filter(pk=draft.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=9),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.round_open(actor=editor_a, round=draft, expected_version=draft.version)
    assert "closes_on" in excinfo.value.message_dict
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT


def test_the_states_follow_draft_open_closed_published(editor_a, draft):
    with pytest.raises(ValidationError):
        services.round_publish(actor=editor_a, round=draft, expected_version=draft.version)
    with pytest.raises(ValidationError):
        services.round_close(actor=editor_a, round=draft, expected_version=draft.version)
    draft = services.round_open(actor=editor_a, round=draft, expected_version=draft.version)
    draft = services.round_close(actor=editor_a, round=draft, expected_version=draft.version)
    draft = services.round_open(actor=editor_a, round=draft, expected_version=draft.version)  # again, e.g. late
    draft = services.round_close(actor=editor_a, round=draft, expected_version=draft.version)
    draft = services.round_publish(actor=editor_a, round=draft, expected_version=draft.version)
    assert draft.status == RoundStatus.PUBLISHED
    with pytest.raises(ValidationError):
        services.round_open(actor=editor_a, round=draft, expected_version=draft.version)
    assert _records(draft, Action.PUBLISH).get().changes == {"status": ["closed", "published"]}


def test_a_state_change_from_a_stale_page_is_refused(editor_a, draft):
    services.round_update(actor=editor_a, round=draft, expected_version=draft.version, data={"name_en": "X"})
    with pytest.raises(ConflictError):
        services.round_open(actor=editor_a, round=draft, expected_version=draft.version)


def test_a_round_without_responses_is_deleted_with_its_frame_and_invitations(admin_a, draft, org_b):
    services.invitations_create(
        actor=admin_a, round=draft, rows=[services.InvitationRow(organisation=org_b, email="a@example.fi")]
    )
    pk = draft.pk
    services.round_delete(actor=admin_a, round=draft)
    assert not Round.objects.filter(pk=pk).exists()
    assert not FrameUnit.objects.filter(round_id=pk).exists()
    assert not Invitation.objects.filter(round_id=pk).exists()
    assert ChangeRecord.objects.filter(object_id=pk, action=Action.DELETE).exists()


def test_a_round_with_responses_is_not_deleted(admin_a, draft):
    respond(draft.frame.first(), ResponseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="responses"):
        services.round_delete(actor=admin_a, round=draft)
    assert Round.objects.filter(pk=draft.pk).exists()


# --- the sampling frame -------------------------------------------------------------------------------------------


def test_draw_adds_every_organisation_of_the_kinds_with_a_snapshot_of_its_strata(editor_a, org_a, small_version):
    round = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    authority = OrganisationFactory.create(kind=OrganisationKind.JOINT_AUTHORITY, region=Region.objects.get(code="06"))
    OrganisationFactory.create(kind=OrganisationKind.COMPANY)
    added = services.frame_draw(
        actor=editor_a, round=round, kinds=[OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_AUTHORITY]
    )
    expected = Organisation.objects.filter(kind__in=[OrganisationKind.MUNICIPALITY, OrganisationKind.JOINT_AUTHORITY])
    assert added == expected.count() > 309  # the reference data's 309 municipalities and the test's own
    assert set(round.frame.values_list("organisation_id", flat=True)) == set(expected.values_list("pk", flat=True))
    unit = round.frame.get(organisation=authority)
    assert (unit.kind, unit.size_class, unit.region_code) == ("joint_authority", "", "06")
    tampere = round.frame.get(organisation__municipality_code="837")
    assert (tampere.kind, tampere.size_class, tampere.region_code) == ("municipality", "100k+", "06")
    # The snapshot stays when the organisation changes later.
    Organisation.objects.filter(pk=tampere.organisation_id).update(size_class="lt5k")
    tampere.refresh_from_db()
    assert tampere.size_class == "100k+"
    assert _records(round).filter(changes__frame=[0, added]).exists()


def test_draw_by_region_and_again_adds_only_the_new_ones(editor_a, org_a, small_version):
    round = services.round_create(actor=editor_a, organiser=org_a, data=round_data(small_version))
    added = services.frame_draw(actor=editor_a, round=round, kinds=["municipality"], regions=["02"])
    assert added == Organisation.objects.filter(kind="municipality", region__code="02").count() > 0
    assert set(round.frame.values_list("region_code", flat=True)) == {"02"}
    assert services.frame_draw(actor=editor_a, round=round, kinds=["municipality"], regions=["02"]) == 0


@pytest.mark.parametrize(
    ("kinds", "regions", "field"),
    [([], [], "kinds"), (["planet"], [], "kinds"), (["municipality"], ["99"], "regions")],
)
def test_draw_refuses_unknown_kinds_and_regions(editor_a, draft, kinds, regions, field):
    before = draft.frame.count()
    with pytest.raises(ValidationError) as excinfo:
        services.frame_draw(actor=editor_a, round=draft, kinds=kinds, regions=regions)
    assert field in excinfo.value.message_dict
    assert draft.frame.count() == before


def test_draw_says_when_nothing_matches(editor_a, draft):
    with pytest.raises(ValidationError, match="no organisation"):
        services.frame_draw(actor=editor_a, round=draft, kinds=["international"])


def test_add_refuses_an_organisation_already_in_the_frame(editor_a, draft, org_b):
    with pytest.raises(ValidationError) as excinfo:
        services.frame_add(actor=editor_a, round=draft, organisation=org_b)
    assert "organisation" in excinfo.value.message_dict


def test_remove_deletes_unsent_invitations_but_keeps_answered_or_invited_organisations(editor_a, draft, org_a, org_b):
    services.invitations_create(
        actor=editor_a, round=draft, rows=[services.InvitationRow(organisation=org_b, email="b@example.fi")]
    )
    unit_b = draft.frame.get(organisation=org_b)
    services.frame_remove(actor=editor_a, round=draft, unit=unit_b)
    assert not draft.frame.filter(organisation=org_b).exists()
    assert not draft.invitations.exists()
    assert _records(draft).filter(changes__frame=[str(org_b), None]).exists()

    unit_a = draft.frame.get(organisation=org_a)
    respond(unit_a, ResponseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="answered"):
        services.frame_remove(actor=editor_a, round=draft, unit=unit_a)

    other = OrganisationFactory.create()
    services.frame_add(actor=editor_a, round=draft, organisation=other)
    services.invitations_create(
        actor=editor_a, round=draft, rows=[services.InvitationRow(organisation=other, email="c@example.fi")]
    )
    Invitation.objects.filter(email="c@example.fi").update(sent_at=timezone.now())
    with pytest.raises(ValidationError, match="sent"):
        services.frame_remove(actor=editor_a, round=draft, unit=draft.frame.get(organisation=other))


def test_a_closed_rounds_frame_does_not_change(editor_a, draft):
    draft = services.round_open(actor=editor_a, round=draft, expected_version=draft.version)
    draft = services.round_close(actor=editor_a, round=draft, expected_version=draft.version)
    with pytest.raises(ValidationError, match="closed"):
        services.frame_add(actor=editor_a, round=draft, organisation=OrganisationFactory.create())
    with pytest.raises(ValidationError, match="closed"):
        services.frame_draw(actor=editor_a, round=draft, kinds=["municipality"])
    with pytest.raises(ValidationError, match="closed"):
        services.frame_remove(actor=editor_a, round=draft, unit=draft.frame.first())


def test_a_unit_of_another_round_cannot_be_removed_through_this_one(editor_a, draft, round_open):
    with pytest.raises(ValidationError):
        services.frame_remove(actor=editor_a, round=draft, unit=round_open.frame.first())
    assert round_open.frame.count() == 2


# --- reopening ----------------------------------------------------------------------------------------------------


def test_reopen_sets_a_submitted_response_back_in_progress_and_records_who(admin_a, round_open, invitation_b):
    response = respond(invitation_b.frame_unit, invitation=invitation_b)
    reopened = services.response_reopen(actor=admin_a, response=response)
    reopened.refresh_from_db()
    assert reopened.status == ResponseStatus.IN_PROGRESS
    assert reopened.submitted_at is None
    assert reopened.reopened_by == admin_a
    assert timezone.now() - reopened.reopened_at < datetime.timedelta(minutes=1)
    assert _records(reopened, Action.UPDATE).get().changes["status"] == ["submitted", "in_progress"]
    # The respondent can change their answers again through the answering service.
    invitation_b.refresh_from_db()
    assert answer_save(invitation=invitation_b, question_code="comments", value="Lisäys") == "Lisäys"


def test_reopen_refuses_a_response_in_progress_and_a_round_that_is_not_open(admin_a, round_open, invitation_b):
    response = response_open(invitation=invitation_b)
    with pytest.raises(ValidationError, match="not been submitted"):
        services.response_reopen(actor=admin_a, response=response)
    response = respond(round_open.frame.exclude(pk=invitation_b.frame_unit_id).get())
    Round.objects.filter(pk=round_open.pk).update(status=RoundStatus.CLOSED)
    with pytest.raises(ValidationError, match="not open"):
        services.response_reopen(actor=admin_a, response=response)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


# --- who may call what --------------------------------------------------------------------------------------------


def _call(name, actor, round, org_b, outsider):
    """Calls one service as `actor` on a fresh set-up; returns nothing, raises PermissionDenied when refused."""
    version = round.version
    unit_b = round.frame.get(organisation=org_b)
    calls = {
        "round_create": lambda: services.round_create(
            actor=actor, organiser=round.organiser, data=round_data(round.questionnaire_version)
        ),
        "round_update": lambda: services.round_update(
            actor=actor, round=round, expected_version=version, data={"name_en": "Changed"}
        ),
        "round_open": lambda: services.round_open(actor=actor, round=round, expected_version=version),
        "round_close": lambda: services.round_close(
            actor=actor, round=_set(round, RoundStatus.OPEN), expected_version=version
        ),
        "round_publish": lambda: services.round_publish(
            actor=actor, round=_set(round, RoundStatus.CLOSED), expected_version=version
        ),
        "round_delete": lambda: services.round_delete(actor=actor, round=round),
        "frame_draw": lambda: services.frame_draw(actor=actor, round=round, kinds=["municipality"], regions=["21"]),
        "frame_add": lambda: services.frame_add(actor=actor, round=round, organisation=outsider),
        "frame_remove": lambda: services.frame_remove(actor=actor, round=round, unit=unit_b),
        "invitations_create": lambda: services.invitations_create(
            actor=actor, round=round, rows=[services.InvitationRow(organisation=org_b, email="x@example.fi")]
        ),
        "invitations_create_from_csv": lambda: services.invitations_create_from_csv(
            actor=actor, round=round, data=f"organisation,email\n{org_b.business_id},x@example.fi\n".encode()
        ),
        "invitations_send": lambda: services.invitations_send(actor=actor, round=_set(round, RoundStatus.OPEN)),
        "reminders_send": lambda: services.reminders_send(
            actor=actor, round=_set(round, RoundStatus.OPEN), now=timezone.now()
        ),
        "response_reopen": lambda: services.response_reopen(
            actor=actor, response=respond(_set(round, RoundStatus.OPEN).frame.get(pk=unit_b.pk))
        ),
    }
    calls[name]()


def _set(round, status):
    Round.objects.filter(pk=round.pk).update(status=status)
    round.status = status
    return round


SERVICES = {
    "round_create": TEAM,
    "round_update": TEAM,
    "round_open": TEAM,
    "round_close": TEAM,
    "round_publish": TEAM,
    "round_delete": ADMINS,
    "frame_draw": TEAM,
    "frame_add": TEAM,
    "frame_remove": TEAM,
    "invitations_create": TEAM,
    "invitations_create_from_csv": TEAM,
    "invitations_send": TEAM,
    "reminders_send": TEAM,
    "response_reopen": ADMINS,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", list(SERVICES))
def test_who_may_call_each_service(request, role, service, draft, org_b):
    actor = request.getfixturevalue(role)
    outsider = OrganisationFactory.create()  # made (and logged) before counting the change records
    records_before = ChangeRecord.objects.count()
    if role in SERVICES[service]:
        _call(service, actor, draft, org_b, outsider)
    else:
        with pytest.raises(PermissionDenied):
            _call(service, actor, draft, org_b, outsider)
        assert ChangeRecord.objects.count() == records_before  # refused before anything was written


def test_the_scheduled_job_sends_reminders_without_a_person(round_open):
    # actor=None is the cron command; the service is not reachable from a page without a person.
    assert services.reminders_send(round=round_open, now=timezone.now()).sent == 0
