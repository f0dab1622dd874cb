"""The round pages: who may open and post what (every role × every page and action, as a table), the forms with
their error summaries and conflicts, the CSV upload's problem list, sending from the page, and the pages in
Finnish, Swedish and English."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from barometer.models import Invitation, Round
from barometer.rounds import services
from barometer.rounds.forms import RoundForm
from barometer.tests.test_rounds_support import ROLES, respond, url
from barometer.vocabulary import ResponseStatus, RoundStatus
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def en(name: str, **kwargs: Any) -> str:
    """The English page: tests that read the page's words read the message ids, whatever the catalogues say."""
    return url(name, language="en", **kwargs)


def _post_value(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def form_data(round: Round | None = None, **overrides: Any) -> dict[str, Any]:
    """What the round form posts: the round's current values (or a new round's) plus overrides."""
    if round is not None:
        initial = RoundForm.initial_for(round)
    else:
        from barometer.tests.test_rounds_support import round_data

        initial = round_data(overrides.pop("questionnaire_version"))
    data = {name: _post_value(value) for name, value in {**initial, **overrides}.items()}
    return {name: value for name, value in data.items() if value != ""}


def _set(round: Round, status: str) -> Round:
    Round.objects.filter(pk=round.pk).update(status=status)
    round.refresh_from_db()
    return round


def _csv(org: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile("kutsut.csv", f"organisation;email\n{org.business_id};csv@example.fi\n".encode())


L = "login"
TEAM_ONLY = (L, 403, 403, 200, 200, 200)
TEAM_POST = (L, 403, 403, 302, 302, 302)
ADMIN_ONLY = (L, 403, 403, 403, 200, 200)
ADMIN_POST = (L, 403, 403, 403, 302, 302)
Build = Callable[[Round, Any, Invitation], tuple[str, dict[str, Any]]]
ACTIONS: dict[str, tuple[str, Build, tuple[Any, ...]]] = {
    "list": ("get", lambda r, b, i: (url("barometer:round_list"), {}), (L, 200, 200, 200, 200, 200)),
    "open create form": ("get", lambda r, b, i: (url("barometer:round_create"), {}), (L, 403, 200, 200, 200, 200)),
    "create": (
        "post",
        lambda r, b, i: (
            url("barometer:round_create"),
            form_data(organiser=r.organiser_id, questionnaire_version=r.questionnaire_version),
        ),
        # editor_b may create rounds, but for org_b only: org_a is no choice of theirs (the form says so)
        (L, 403, 200, 302, 302, 302),
    ),
    "overview": ("get", lambda r, b, i: (url("barometer:round_detail", slug=r.slug), {}), TEAM_ONLY),
    "open edit form": ("get", lambda r, b, i: (url("barometer:round_edit", slug=r.slug), {}), TEAM_ONLY),
    "edit": ("post", lambda r, b, i: (url("barometer:round_edit", slug=r.slug), form_data(r, name_en="X")), TEAM_POST),
    "open close page": ("get", lambda r, b, i: (url("barometer:round_close", slug=r.slug), {}), TEAM_ONLY),
    "close": (
        "post",
        lambda r, b, i: (url("barometer:round_close", slug=r.slug), {"version": r.version}),
        TEAM_POST,
    ),
    "open again": (
        "post",
        lambda r, b, i: (url("barometer:round_open", slug=_set(r, RoundStatus.CLOSED).slug), {"version": r.version}),
        TEAM_POST,
    ),
    "publish": (
        "post",
        lambda r, b, i: (
            url("barometer:round_publish", slug=_set(r, RoundStatus.CLOSED).slug),
            {"version": r.version},
        ),
        TEAM_POST,
    ),
    "open delete page": ("get", lambda r, b, i: (url("barometer:round_delete", slug=r.slug), {}), ADMIN_ONLY),
    "delete": ("post", lambda r, b, i: (url("barometer:round_delete", slug=r.slug), {}), ADMIN_POST),
    "frame": ("get", lambda r, b, i: (url("barometer:round_frame", slug=r.slug), {}), TEAM_ONLY),
    "draw": (
        "post",
        lambda r, b, i: (
            url("barometer:round_frame_draw", slug=r.slug),
            {"draw-kinds": ["municipality"], "draw-regions": ["21"]},
        ),
        TEAM_POST,
    ),
    "add to frame": (
        "post",
        lambda r, b, i: (
            url("barometer:round_frame_add", slug=r.slug),
            {"add-organisation": OrganisationFactory.create().business_id},
        ),
        TEAM_POST,
    ),
    "remove from frame": (
        "post",
        lambda r, b, i: (
            url("barometer:round_frame_remove", slug=r.slug, unit_pk=r.frame.get(organisation=b).pk),
            {},
        ),
        TEAM_POST,
    ),
    "remove by GET": (
        "get",
        lambda r, b, i: (url("barometer:round_frame_remove", slug=r.slug, unit_pk=r.frame.get(organisation=b).pk), {}),
        (L, 405, 405, 405, 405, 405),
    ),
    "invitations": ("get", lambda r, b, i: (url("barometer:round_invitations", slug=r.slug), {}), TEAM_ONLY),
    "invite": (
        "post",
        lambda r, b, i: (
            url("barometer:round_invitation_add", slug=r.slug),
            {"invite-organisation": b.pk, "invite-email": "new@example.fi", "invite-language": "sv"},
        ),
        TEAM_POST,
    ),
    "upload": (
        "post",
        lambda r, b, i: (url("barometer:round_invitation_upload", slug=r.slug), {"upload-file": _csv(b)}),
        TEAM_POST,
    ),
    "send": ("post", lambda r, b, i: (url("barometer:round_invitations_send", slug=r.slug), {}), TEAM_POST),
    "remind": ("post", lambda r, b, i: (url("barometer:round_reminders_send", slug=r.slug), {}), TEAM_POST),
    "responses": ("get", lambda r, b, i: (url("barometer:round_responses", slug=r.slug), {}), TEAM_ONLY),
    "open reopen page": (
        "get",
        lambda r, b, i: (
            url("barometer:round_response_reopen", slug=r.slug, response_pk=respond(i.frame_unit, invitation=i).pk),
            {},
        ),
        ADMIN_ONLY,
    ),
    "reopen": (
        "post",
        lambda r, b, i: (
            url("barometer:round_response_reopen", slug=r.slug, response_pk=respond(i.frame_unit, invitation=i).pk),
            {},
        ),
        ADMIN_POST,
    ),
    "dashboard": ("get", lambda r, b, i: (url("barometer:round_dashboard", slug=r.slug), {}), TEAM_ONLY),
    "dashboard data": ("get", lambda r, b, i: (url("barometer:round_dashboard_data", slug=r.slug), {}), TEAM_ONLY),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_page_actions_by_role(client, request, role, action, round_open, org_b, invitation_b):
    method, build, expected_by_role = ACTIONS[action]
    expected = expected_by_role[ROLES.index(role)]
    path, data = build(round_open, org_b, invitation_b)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(path, data)
    if expected == L:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(url("accounts:login") + "?next=")
    else:
        assert response.status_code == expected, getattr(response, "context", None) and [
            form.errors for form in response.context.get("error_forms", []) if form is not None
        ]


@pytest.mark.parametrize("action", ["edit", "close", "draw", "invite", "reopen"])
def test_refused_posts_change_nothing(client, editor_b, action, round_open, org_b, invitation_b):
    """A 403 is not only a status code: the round, its frame and its invitations are as they were."""
    _method, build, _expected = ACTIONS[action]
    path, data = build(round_open, org_b, invitation_b)
    before = (Round.objects.values().get(pk=round_open.pk), round_open.frame.count(), Invitation.objects.count())
    statuses = set(round_open.responses.values_list("status", flat=True))
    client.force_login(editor_b)
    assert client.post(path, data).status_code == 403
    after = (Round.objects.values().get(pk=round_open.pk), round_open.frame.count(), Invitation.objects.count())
    assert after == before
    assert set(round_open.responses.values_list("status", flat=True)) == statuses


def test_the_round_list_shows_only_the_persons_rounds(client, editor_a, editor_b, round_open):
    client.force_login(editor_a)
    assert round_open.name_en in client.get(en("barometer:round_list")).content.decode()
    client.force_login(editor_b)
    page = client.get(en("barometer:round_list")).content.decode()
    assert round_open.name_en not in page
    assert "New round" in page  # editor_b may start a round of their own organisation


# --- forms --------------------------------------------------------------------------------------------------------


def test_creating_a_round_leads_to_its_frame(client, editor_a, org_a, small_version):
    client.force_login(editor_a)
    data = form_data(organiser=org_a.pk, questionnaire_version=small_version, slug="baro-2030")
    response = client.post(en("barometer:round_create"), data)
    assert response.status_code == 302
    assert response["Location"] == en("barometer:round_frame", slug="baro-2030")
    assert Round.objects.get(slug="baro-2030").organiser == org_a


def test_a_bad_form_shows_an_error_summary_linking_to_each_field(client, editor_a, org_a, small_version):
    client.force_login(editor_a)
    data = form_data(
        organiser=org_a.pk,
        questionnaire_version=small_version,
        name_fi="",
        name_sv="",
        name_en="",
        closes_on="2000-01-01",
    )
    response = client.post(en("barometer:round_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert 'href="#id_name_fi"' in page
    assert 'href="#id_closes_on"' in page
    assert "<title>Error:" in page
    assert not Round.objects.exists()


def test_an_edit_from_a_stale_page_is_kept_and_explained(client, editor_a, round_open):
    client.force_login(editor_a)
    stale = form_data(round_open, name_en="Mine")
    services.round_update(actor=editor_a, round=round_open, expected_version=round_open.version, data={"year": 2031})
    response = client.post(en("barometer:round_edit", slug=round_open.slug), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else has changed this record" in page
    assert 'value="Mine"' in page
    assert f'value="{round_open.version + 1}"' in page  # a second save deliberately replaces the other change
    assert client.post(en("barometer:round_edit", slug=round_open.slug), {**stale, "version": round_open.version + 1})[
        "Location"
    ] == en("barometer:round_detail", slug=round_open.slug)


def test_the_questionnaire_of_an_opened_round_is_shown_but_cannot_be_changed(client, editor_a, round_open):
    client.force_login(editor_a)
    page = client.get(en("barometer:round_edit", slug=round_open.slug)).content.decode()
    assert 'name="questionnaire_version"' in page
    assert "disabled" in page.split('name="questionnaire_version"')[1].split(">")[0]


def test_a_state_change_shows_the_reason_it_was_refused(client, editor_a, round_open):
    client.force_login(editor_a)
    response = client.post(en("barometer:round_publish", slug=round_open.slug), {"version": round_open.version})
    assert response.status_code == 200
    assert "Close the round before publishing its results." in response.content.decode()


def test_a_round_with_responses_offers_no_delete_button(client, admin_a, round_open, invitation_b):
    respond(invitation_b.frame_unit, ResponseStatus.IN_PROGRESS, invitation=invitation_b)
    client.force_login(admin_a)
    page = client.get(en("barometer:round_delete", slug=round_open.slug)).content.decode()
    assert "cannot be deleted" in page
    assert "Delete permanently" not in page
    assert client.post(en("barometer:round_delete", slug=round_open.slug)).status_code == 200
    assert Round.objects.filter(pk=round_open.pk).exists()


# --- frame and invitations ------------------------------------------------------------------------------------------


def test_the_frame_page_counts_the_strata(client, editor_a, round_open, org_a, org_b):
    client.force_login(editor_a)
    response = client.get(en("barometer:round_frame", slug=round_open.slug))
    page = response.content.decode()
    assert "Strata of 2 organisations" in page
    assert str(org_a) in page
    assert str(org_b) in page
    assert [row.frame for row in response.context["tables"][0].rows] == [2]  # both municipalities


def test_an_organisation_is_added_to_the_frame_by_code_business_id_or_name(client, editor_a, round_open):
    client.force_login(editor_a)
    add = en("barometer:round_frame_add", slug=round_open.slug)
    assert client.post(add, {"add-organisation": "91"}).status_code == 302  # Helsinki, 091 without its zero
    company = OrganisationFactory.create(kind="company", name_en="Example Labs")
    assert client.post(add, {"add-organisation": "example labs"}).status_code == 302
    assert set(round_open.frame.values_list("organisation__municipality_code", flat=True)) >= {"091"}
    assert round_open.frame.filter(organisation=company).exists()
    response = client.post(add, {"add-organisation": "Atlantis"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_add-organisation"' in page
    assert "No organisation has this municipality code, business ID or name" in page
    response = client.post(add, {"add-organisation": "091"})
    assert "is already in the frame" in response.content.decode()
    assert round_open.frame.count() == 4


def test_the_invitation_form_lists_the_frame_in_a_plain_select(client, editor_a, round_open, org_a, org_b):
    client.force_login(editor_a)
    response = client.post(
        en("barometer:round_invitation_add", slug=round_open.slug), {"invite-organisation": org_b.pk}
    )
    page = response.content.decode()
    select = page.split('name="invite-organisation"')[1].split("</select>")[0]
    assert 'aria-invalid="true"' not in select  # the organisation was right; the e-mail is missing
    assert f'<option value="{org_b.pk}" selected>{org_b}</option>' in select
    assert f'<option value="{org_a.pk}">{org_a}</option>' in select
    assert 'aria-invalid="true"' in page.split('name="invite-email"')[1].split(">")[0]


def test_a_bad_file_lists_every_problem_with_its_line(client, editor_a, round_open, org_b):
    client.force_login(editor_a)
    upload = SimpleUploadedFile("kutsut.csv", b"organisation,email\nAtlantis,a@example.fi\n091,bad\n")
    response = client.post(en("barometer:round_invitation_upload", slug=round_open.slug), {"upload-file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    # Atlantis does not exist; Helsinki (091) is not in this frame; "bad" is no address.
    assert "3 problems in the file" in page
    assert [(p.line, p.field) for p in response.context["file_problems"]] == [
        (2, "organisation"),
        (3, "organisation"),
        (3, "email"),
    ]
    assert "Atlantis" in page
    assert not round_open.invitations.exists()


def test_an_upload_that_is_not_csv_is_refused(client, editor_a, round_open):
    client.force_login(editor_a)
    upload = SimpleUploadedFile("kutsut.xlsx", b"PK\x03\x04")
    response = client.post(en("barometer:round_invitation_upload", slug=round_open.slug), {"upload-file": upload})
    assert "Save the spreadsheet as CSV" in response.content.decode()


def test_sending_from_the_page_reports_how_many_went(client, editor_a, round_open, invitation_b):
    client.force_login(editor_a)
    response = client.post(en("barometer:round_invitations_send", slug=round_open.slug), follow=True)
    assert "1 invitation was sent." in response.content.decode()
    assert [message.to for message in mail.outbox] == [[invitation_b.email]]
    response = client.post(en("barometer:round_invitations_send", slug=round_open.slug), follow=True)
    assert "Every invitation had been sent already." in response.content.decode()


def test_sending_in_a_draft_round_explains_why_nothing_went(client, editor_a, round_open, invitation_b):
    _set(round_open, RoundStatus.DRAFT)
    client.force_login(editor_a)
    response = client.post(en("barometer:round_invitations_send", slug=round_open.slug))
    assert response.status_code == 200
    assert "Open the round first" in response.content.decode()
    assert mail.outbox == []


def test_the_invitation_list_shows_each_status_and_the_personal_link(client, editor_a, round_open, org_a, invitation_b):
    submitted = services.invitations_create(
        actor=editor_a, round=round_open, rows=[services.InvitationRow(organisation=org_a, email="a@example.fi")]
    )[0]
    Invitation.objects.filter(pk=submitted.pk).update(sent_at=timezone.now())
    respond(submitted.frame_unit, invitation=submitted)
    client.force_login(editor_a)
    response = client.get(en("barometer:round_invitations", slug=round_open.slug))
    page = response.content.decode()
    statuses = {invitation.email: status.value for invitation, status, _link in response.context["rows"]}
    assert statuses == {"a@example.fi": "submitted", invitation_b.email: "not_sent"}
    assert f"http://testserver/fi/barometer/answer/{invitation_b.token}/" in page
    assert response.context["counts"] == {"not_sent": 1, "sent": 0, "reminded": 0, "answering": 0, "submitted": 1}


def test_reopen_is_offered_to_administrators_only(client, editor_a, admin_a, round_open, invitation_b):
    respond(invitation_b.frame_unit, invitation=invitation_b)
    client.force_login(editor_a)
    assert "Reopen" not in client.get(en("barometer:round_responses", slug=round_open.slug)).content.decode()
    client.force_login(admin_a)
    assert "Reopen" in client.get(en("barometer:round_responses", slug=round_open.slug)).content.decode()


# --- languages ------------------------------------------------------------------------------------------------------

PAGES = ["round_detail", "round_edit", "round_frame", "round_invitations", "round_responses", "round_dashboard"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_every_language(client, admin_a, round_open, invitation_b, language, name):
    respond(invitation_b.frame_unit, invitation=invitation_b)
    client.force_login(admin_a)
    response = client.get(url(f"barometer:{name}", language=language, slug=round_open.slug))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_send_cut_short_by_the_time_limit_says_how_many_wait(client, editor_a, round_open, invitation_b, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SEND_SECONDS", 0.0)
    client.force_login(editor_a)
    response = client.post(en("barometer:round_invitations_send", slug=round_open.slug), follow=True)
    assert "1 e-mail is still waiting" in response.content.decode()
    assert mail.outbox == []
