"""A person's own data: the full export (every category) and deleting the account (no personal data left
anywhere in the database, the organisations' records kept without the name).

`person` is built with something in every category: membership, API token, identity, notification preference,
an idea, a comment, a support and a report, an innovation naming them as contact and one they made (change log
entries), and a barometer invitation with answers to their verified address.
"""

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from accounts import two_factor
from accounts.models import Identity, IdentityProvider, RecoveryCode, Role, User
from accounts.services import api_token_create
from audit.models import ChangeRecord
from barometer.models import Answer, FrameUnit, Question, Questionnaire, QuestionnaireVersion, Response, Section
from barometer.models import Invitation as BarometerInvitation
from barometer.tests.conftest import make_open_round
from barometer.vocabulary import QuestionKind
from ideas.models import Comment, Idea, Report, Support
from ideas.services import ideas as idea_services
from ideas.services.moderation import report_add
from innovations.models import Innovation
from notifications.services import preference_set
from organisations.models import Organisation
from personal_data import data_export, deletion
from tests.factories import PASSWORD, ChallengeFactory, InnovationFactory, MembershipFactory, UserFactory
from tests.pages import client_for, url

FIRST, LAST = "Kaisamarja", "Poistettavainen"
EMAIL = "kaisamarja.poistettavainen@example.fi"
USERNAME = "kmpoisto"
SUBJECT = "oidc-subject-3f9a1c"


@dataclass
class Scenario:
    person: User
    idea: Idea
    others_idea: Idea
    contact_innovation: Innovation
    own_innovation: Innovation
    invitation: BarometerInvitation
    response: Response


def _barometer(org_a: Organisation, org_b: Organisation, email: str, name: str) -> tuple[Any, Response]:
    questionnaire = Questionnaire.objects.create(code="gdpr", name_fi="Kysely", name_en="Survey", organiser=org_a)
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    section = Section.objects.create(version=version, order=0, code="other", title_fi="Muuta")
    question = Question.objects.create(
        section=section, version=version, order=0, code="comments", kind=QuestionKind.TEXT, text_fi="Kommentit"
    )
    round_ = make_open_round(version, org_a, slug="gdpr-round", name_fi="Kierros", name_en="Round")
    unit = FrameUnit.objects.create(
        round=round_, organisation=org_b, kind=org_b.kind, size_class=org_b.size_class, region_code=""
    )
    invitation = BarometerInvitation.objects.create(
        round=round_, frame_unit=unit, email=email, name=name, token="g" * 43
    )
    response = Response.objects.create(round=round_, frame_unit=unit, invitation=invitation)
    Answer.objects.create(response=response, question=question, value="Hyvä kysely")
    return invitation, response


@pytest.fixture
def scenario(org_a: Organisation, org_b: Organisation, editor_a: Any, admin_a: Any, registered_user: Any) -> Scenario:
    person = UserFactory.create(username=USERNAME, first_name=FIRST, last_name=LAST, email=EMAIL)
    MembershipFactory(user=person, organisation=org_a, role=Role.EDITOR)
    api_token_create(user=person, name=f"{FIRST}n avain")
    provider = IdentityProvider.objects.create(
        slug="testid",
        name="Test ID",
        discovery_url="https://id.example/.well-known/openid-configuration",
        client_id="x",
    )
    Identity.objects.create(provider=provider, subject=SUBJECT, user=person)
    preference_set(actor=person, frequency="daily", language="sv")
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    idea = idea_services.idea_send(actor=person, challenge=challenge, title="Kylätalo", text="<p>Yhteinen talo</p>")
    others_idea = idea_services.idea_send(actor=registered_user, challenge=challenge, title="Puisto", text="Puisto")
    idea_services.comment_add(actor=person, idea=others_idea, text="Hyvä ajatus, kannatan")
    idea_services.support_add(actor=person, idea=others_idea)
    report_add(actor=person, idea=others_idea, reason="Epäasiallinen kohta")
    contact_innovation = InnovationFactory.create(
        owner=org_a, actor=editor_a, contact_name=f"{FIRST} {LAST}", contact_email=EMAIL.upper()
    )
    own_innovation = InnovationFactory.create(owner=org_a, actor=person)
    invitation, response = _barometer(org_a, org_b, EMAIL, f"{FIRST} {LAST}")
    return Scenario(person, idea, others_idea, contact_innovation, own_innovation, invitation, response)


# --- export ---------------------------------------------------------------------------------------------------


def test_export_has_every_category(scenario: Scenario) -> None:
    data = json.loads(data_export.data_export_json(data_export.data_export(actor=scenario.person)))
    assert data["profile"]["email"] == EMAIL
    assert data["profile"]["first_name"] == FIRST
    assert [m["role"] for m in data["memberships"]] == ["editor"]
    assert data["identities"] == [{**data["identities"][0], "provider": "testid", "subject": SUBJECT}]
    assert data["api_tokens"][0]["name"] == f"{FIRST}n avain"
    assert data["api_tokens"][0]["begins_with"]
    assert data["notification_preferences"]["frequency"] == "daily"
    assert [i["title"] for i in data["ideas"]] == ["Kylätalo"]
    assert [c["text"] for c in data["comments"]] == ["Hyvä ajatus, kannatan"]
    assert [s["idea_id"] for s in data["supports"]] == [scenario.others_idea.pk]
    assert [r["reason"] for r in data["reports"]] == ["Epäasiallinen kohta"]
    assert [i["email"] for i in data["barometer"]["invitations"]] == [EMAIL]
    assert [a["value"] for a in data["barometer"]["answers"]] == ["Hyvä kysely"]
    named = {(r["kind"], r["id"]): r["as"] for r in data["records_named_on"]}
    assert named[("innovation", scenario.contact_innovation.pk)] == ["contact"]
    assert named[("innovation", scenario.own_innovation.pk)] == ["created_by"]
    assert any(c["object_id"] == scenario.own_innovation.pk for c in data["change_log"])


def test_export_holds_no_secret(scenario: Scenario) -> None:
    record = two_factor.enrolment_start(user=scenario.person)
    two_factor.enrolment_confirm(user=scenario.person, code=pyotp.TOTP(two_factor.secret_of(record)).now())
    data = data_export.data_export(actor=scenario.person)
    assert data["two_step_sign_in"]["enabled"] is True
    assert data["two_step_sign_in"]["recovery_codes_left"] == two_factor.RECOVERY_CODES
    text = data_export.data_export_json(data)
    assert two_factor.secret_of(record) not in text
    assert record.encrypted_secret not in text
    for code_hash in RecoveryCode.objects.filter(user=scenario.person).values_list("code_hash", flat=True):
        assert code_hash not in text
    token = scenario.person.api_tokens.get()
    assert token.key_hash not in text
    assert scenario.person.password not in text
    assert "client_secret" not in text


def test_export_zip_has_a_csv_table_per_category(scenario: Scenario) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data_export.data_export_zip(data_export.data_export(actor=scenario.person))))
    names = set(archive.namelist())
    for table in (
        "profile",
        "two_step_sign_in",
        "memberships",
        "identities",
        "api_tokens",
        "notification_preferences",
        "ideas",
        "comments",
        "supports",
        "reports",
        "barometer_invitations",
        "barometer_answers",
        "records_named_on",
        "change_log",
    ):
        assert f"{table}.csv" in names
        assert len(archive.read(f"{table}.csv").decode("utf-8-sig").splitlines()) >= 2, table  # header + a row
    assert "my-data.json" in names
    assert SUBJECT in archive.read("identities.csv").decode("utf-8-sig")


def test_export_of_an_unverified_address_gives_no_one_elses_answers(scenario: Scenario) -> None:
    """The attack: register with somebody else's address (never verified) and download their survey answers."""
    intruder = UserFactory.create(username="intruder", email="someone@example.fi", email_verified_at=None)
    User.objects.filter(pk=intruder.pk).update(email=EMAIL.upper())
    intruder.refresh_from_db()
    data = data_export.data_export(actor=intruder)
    assert data["barometer"] == {"invitations": [], "answers": []}
    assert data["records_named_on"] == []


@pytest.mark.parametrize("name", ["accounts:my_data_json", "accounts:my_data_zip", "accounts:account_delete"])
def test_anonymous_is_sent_to_log_in(name: str, db: None) -> None:
    response = client_for(None).get(url(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["registered_user", "editor_a", "admin_a", "platform_admin"])
def test_everyone_downloads_only_their_own_data(who: str, scenario: Scenario, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).get(url("accounts:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["username"] == user.username
    assert EMAIL not in response.content.decode()
    assert FIRST not in response.content.decode()
    zipped = client_for(user).get(url("accounts:my_data_zip"))
    assert zipped.status_code == 200
    assert zipped["Content-Type"] == "application/zip"


def test_profile_links_to_the_export_and_the_deletion(scenario: Scenario) -> None:
    html = client_for(scenario.person).get(url("accounts:profile")).content.decode()
    for name in ("accounts:my_data_json", "accounts:my_data_zip", "accounts:account_delete"):
        assert f'href="{url(name)}"' in html


# --- deletion -------------------------------------------------------------------------------------------------


def _rows_mentioning(secrets: list[str]) -> list[str]:
    """Every row of every table where a text or JSON column contains one of the secrets (case-insensitive)."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        annotations = {f"_t_{f.name}": Cast(f.name, TextField()) for f in fields}
        query = Q()
        for f in fields:
            for secret in secrets:
                query |= Q(**{f"_t_{f.name}__icontains": secret})
        for row in model._default_manager.annotate(**annotations).filter(query):
            found.append(f"{model._meta.label} #{row.pk}")
    return found


def test_deletion_leaves_no_personal_data_in_any_table(scenario: Scenario) -> None:
    secrets = [FIRST, LAST, EMAIL, USERNAME, SUBJECT]
    assert len(_rows_mentioning(secrets)) >= 5  # the search finds the person before: it is not blind
    deletion.account_delete(actor=scenario.person, user=scenario.person, password=PASSWORD)
    assert _rows_mentioning(secrets) == []
    assert not User.objects.filter(pk=scenario.person.pk).exists()


def test_deletion_keeps_the_organisations_records_without_the_person(scenario: Scenario) -> None:
    deletion.account_delete(actor=scenario.person, user=scenario.person, password=PASSWORD)
    idea = Idea.objects.get(pk=scenario.idea.pk)
    assert idea.sender is None
    assert idea.sender_email == ""
    assert idea.title == "Kylätalo"
    assert not Comment.objects.filter(idea=scenario.others_idea).exists()
    assert not Support.objects.filter(idea=scenario.others_idea).exists()
    assert Report.objects.get(idea=scenario.others_idea).reporter is None
    contact = Innovation.objects.get(pk=scenario.contact_innovation.pk)
    assert (contact.contact_name, contact.contact_email) == ("", "")
    own = Innovation.objects.get(pk=scenario.own_innovation.pk)
    assert own.created_by is None
    assert ChangeRecord.objects.filter(object_id=own.pk, actor=None).exists()  # the history stays, nameless
    assert not BarometerInvitation.objects.filter(pk=scenario.invitation.pk).exists()
    response = Response.objects.get(pk=scenario.response.pk)  # the organisation's answers stay in the statistics
    assert response.invitation is None
    assert response.answers.count() == 1


def test_deleting_with_an_unverified_address_erases_nobody_elses_contact(scenario: Scenario, org_a: Any) -> None:
    """The attack: put another person's address on one's profile, unverified, then delete the account to wipe
    that person from the records and their survey invitations."""
    intruder = UserFactory.create(username="intruder", email="x@example.fi", email_verified_at=None)
    User.objects.filter(pk=intruder.pk).update(email=EMAIL)
    intruder.refresh_from_db()
    deletion.account_delete(actor=intruder, user=intruder, password=PASSWORD)
    assert Innovation.objects.get(pk=scenario.contact_innovation.pk).contact_email == EMAIL.upper()
    assert BarometerInvitation.objects.filter(pk=scenario.invitation.pk).exists()


def test_the_last_administrator_cannot_orphan_the_organisation(admin_a: Any, org_a: Organisation) -> None:
    plan = deletion.deletion_plan(user=admin_a)
    assert len(plan.blockers) == 1
    assert org_a.name in plan.blockers[0]
    with pytest.raises(ValidationError) as refused:
        deletion.account_delete(actor=admin_a, user=admin_a, password=PASSWORD)
    assert org_a.name in str(refused.value)
    assert User.objects.filter(pk=admin_a.pk).exists()
    response = client_for(admin_a).post(url("accounts:account_delete", "en"), {"password": PASSWORD})
    assert response.status_code == 409
    assert f"You are the only administrator of {org_a.name}" in response.content.decode()
    assert User.objects.filter(pk=admin_a.pk).exists()
    # With a second administrator, the first may go.
    MembershipFactory(organisation=org_a, role=Role.ADMIN)
    deletion.account_delete(actor=admin_a, user=admin_a, password=PASSWORD)
    assert not User.objects.filter(pk=admin_a.pk).exists()


def test_the_platforms_last_administrator_cannot_go(platform_admin: Any) -> None:
    User.objects.filter(is_superuser=True).exclude(pk=platform_admin.pk).update(is_superuser=False)
    with pytest.raises(ValidationError):
        deletion.account_delete(actor=platform_admin, user=platform_admin, password=PASSWORD)


def test_the_history_of_other_people_with_a_shared_first_name_is_kept(scenario: Scenario, editor_a: Any) -> None:
    other = InnovationFactory.create(owner=scenario.own_innovation.owner, actor=editor_a, contact_name=f"{FIRST} Muu")
    deletion.account_delete(actor=scenario.person, user=scenario.person, password=PASSWORD)
    logged = ChangeRecord.objects.filter(object_id=other.pk, content_type__model="innovation")
    assert any(f"{FIRST} Muu" in json.dumps(c.changes, ensure_ascii=False) for c in logged)


def test_nobody_deletes_another_persons_account(platform_admin: Any, registered_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        deletion.account_delete(actor=platform_admin, user=registered_user, password=PASSWORD)
    assert User.objects.filter(pk=registered_user.pk).exists()


def test_wrong_password_is_refused_and_nothing_is_deleted(scenario: Scenario) -> None:
    response = client_for(scenario.person).post(url("accounts:account_delete", "en"), {"password": "wrong"})
    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    assert User.objects.filter(pk=scenario.person.pk).exists()
    assert Comment.objects.filter(author=scenario.person).exists()


def test_identification_only_account_confirms_with_its_username(registered_user: Any) -> None:
    registered_user.set_unusable_password()
    registered_user.save()
    client = client_for(registered_user)
    assert client.post(url("accounts:account_delete", "en"), {"username": "someone"}).status_code == 400
    assert User.objects.filter(pk=registered_user.pk).exists()
    response = client.post(url("accounts:account_delete", "en"), {"username": registered_user.username})
    assert response.status_code == 302
    assert not User.objects.filter(pk=registered_user.pk).exists()


@pytest.mark.parametrize("who", ["registered_user", "editor_a", "platform_admin"])
def test_confirmation_page_then_deletion_signs_out(who: str, request: pytest.FixtureRequest, admin_a: Any) -> None:
    user = request.getfixturevalue(who)
    if who == "platform_admin":
        UserFactory.create(platform_admin=True)  # another one, so this one may go
    client = client_for(user)
    page = client.get(url("accounts:account_delete", "en"))
    assert page.status_code == 200
    assert "What happens to your data" in page.content.decode()
    response = client.post(url("accounts:account_delete", "en"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert client.get(url("accounts:profile")).status_code == 302  # signed out
