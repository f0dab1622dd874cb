"""An organisation that requires two-step sign-in from its editors and administrators: who may switch it on and off
(every role, on the page, in the change log), who is then held at the set-up page (every role, pages and API),
API tokens, and the attack: a password alone (stolen, or a session from before) editing the organisation's records."""

import datetime
import json
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from accounts import two_factor
from accounts.models import Membership, Role, User
from accounts.services import api_token_create
from audit.models import ChangeRecord
from innovations.models import Innovation
from organisations.models import Organisation
from tests.factories import PASSWORD, MembershipFactory
from tests.pages import client_for, t, url

REASON = (
    "Your organisation requires two-step sign-in from its editors and administrators. Set it up below to continue: "
    "until then, no other page opens."
)
API_REASON = (
    "Your organisation requires two-step sign-in from its editors and administrators. Set it up on your profile "
    "page before you continue."
)


def _enrol(user: Any) -> pyotp.TOTP:
    record = two_factor.enrolment_start(user=user)
    totp = pyotp.TOTP(two_factor.secret_of(record))
    two_factor.enrolment_confirm(user=user, code=totp.at(timezone.now() - datetime.timedelta(seconds=30)))
    return totp


def _verified_client(user: Any) -> Client:
    """A session that has done the second step (the person has two-step sign-in on)."""
    client = client_for(user)
    session = client.session
    session.pop(two_factor.PENDING_KEY, None)
    session.save()
    return client


def _require(organisation: Organisation, on: bool = True) -> None:
    organisation.requires_two_factor = on
    organisation.save()  # as the service does; the signal keeps the members' flags


def _edit_form(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    organisation.refresh_from_db()
    data: dict[str, Any] = {"version": organisation.version, "business_id": organisation.business_id or ""}
    for lang in ("fi", "sv", "en"):
        data[f"name_{lang}"] = getattr(organisation, f"name_{lang}") or ""
        data[f"description_{lang}"] = getattr(organisation, f"description_{lang}") or ""
    data["website"] = organisation.website
    if organisation.requires_two_factor:
        data["requires_two_factor"] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def staff_a(org_a: Organisation) -> Any:
    return MembershipFactory(organisation=org_a, role=Role.STAFF).user


# --- who may switch it ----------------------------------------------------------------------------------------------


def test_its_administrator_switches_it_on_once_they_use_it_themselves(admin_a: Any, org_a: Organisation) -> None:
    client = client_for(admin_a)
    refused = client.post(url("organisations:edit", "en", slug=org_a.slug), _edit_form(org_a, requires_two_factor="on"))
    assert refused.status_code == 400
    assert "Turn on two-step sign-in for your own account first" in refused.content.decode()
    org_a.refresh_from_db()
    assert not org_a.requires_two_factor
    _enrol(admin_a)
    client = _verified_client(admin_a)
    saved = client.post(url("organisations:edit", slug=org_a.slug), _edit_form(org_a, requires_two_factor="on"))
    assert saved.status_code == 302
    org_a.refresh_from_db()
    assert org_a.requires_two_factor
    # In the change log, like every other change of the organisation.
    record = ChangeRecord.objects.filter(object_id=org_a.pk, actor=admin_a).latest("pk")
    assert record.changes["requires_two_factor"] == [False, True]
    # And off again.
    assert (
        client.post(url("organisations:edit", slug=org_a.slug), _edit_form(org_a, requires_two_factor=None)).status_code
        == 302
    )
    org_a.refresh_from_db()
    assert not org_a.requires_two_factor


def test_a_platform_administrator_switches_it(platform_admin: Any, org_a: Organisation, editor_a: Any) -> None:
    client = client_for(platform_admin)
    data = _edit_form(org_a, requires_two_factor="on", kind=org_a.kind, municipality_code=org_a.municipality_code or "")
    data.update({"population": org_a.population or "", "region": org_a.region_id or ""})
    response = client.post(url("organisations:edit", slug=org_a.slug), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    org_a.refresh_from_db()
    assert org_a.requires_two_factor
    assert User.objects.get(pk=editor_a.pk).two_factor_required


@pytest.mark.parametrize("who", ["editor_a", "staff_a", "editor_b", "registered_user"])
def test_nobody_else_switches_it_off(who: str, request: Any, org_a: Organisation, admin_a: Any) -> None:
    """The attack: an editor (or anyone) who does not want the code switches the requirement off."""
    _enrol(admin_a)
    _require(org_a)
    person = request.getfixturevalue(who)
    if who != "editor_a":
        client = client_for(person)
    else:  # an editor who has it on: they reach the page, and still may not change it
        _enrol(person)
        client = _verified_client(person)
    response = client.post(url("organisations:edit", slug=org_a.slug), _edit_form(org_a, requires_two_factor=None))
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.requires_two_factor


def test_anonymous_visitors_are_sent_to_log_in(client: Client, org_a: Organisation) -> None:
    response = client.post(url("organisations:edit", slug=org_a.slug), _edit_form(org_a, requires_two_factor="on"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:login"))
    org_a.refresh_from_db()
    assert not org_a.requires_two_factor


# --- who is held at the set-up page ---------------------------------------------------------------------------------

HELD = {"editor_a": True, "admin_a": True, "staff_a": False, "editor_b": False, "registered_user": False}


@pytest.mark.parametrize(("who", "held"), sorted(HELD.items()))
def test_editors_and_administrators_who_have_not_set_it_up_reach_no_page(
    who: str, held: bool, request: Any, org_a: Organisation
) -> None:
    person = request.getfixturevalue(who)
    _require(org_a)
    client = client_for(person)
    for name in ("core:home", "accounts:profile", "innovations:create"):
        response = client.get(url(name))
        if held:
            assert response.status_code == 302, name
            assert response["Location"].startswith(url("accounts:two_factor_setup")), name
        else:
            assert response.status_code in (200, 403), name  # what the role allows, as before
    api = client.get("/api/v1/innovations")
    assert api.status_code == (403 if held else 200)


def test_platform_administrators_are_held_only_through_such_a_role(platform_admin: Any, org_a: Organisation) -> None:
    _require(org_a)
    assert client_for(platform_admin).get(url("admin:index")).status_code == 200
    Membership.objects.create(user=platform_admin, organisation=org_a, role=Role.ADMIN)
    response = client_for(platform_admin).get(url("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:two_factor_setup"))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_set_up_page_says_why_in_the_persons_language(language: str, editor_a: Any, org_a: Organisation) -> None:
    _require(org_a)
    client = client_for(editor_a)
    held = client.get(url("innovations:create", language))
    page = client.get(held["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert t(REASON, language) in text
    assert org_a.name in text
    # The legal pages and log-out stay open.
    assert client.get(url("core:privacy", language)).status_code == 200


def test_the_attack_a_password_alone_changes_nothing(editor_a: Any, org_a: Organisation) -> None:
    """Somebody has the editor's password (or a session from before the requirement): no page, no API write."""
    _require(org_a)
    client = Client()
    assert client.post(url("accounts:login"), {"username": editor_a.username, "password": PASSWORD}).status_code == 302
    form = client.post(url("innovations:create"), {"owner": org_a.slug, "title_fi": "Läpi", "status": "draft"})
    assert form.status_code == 302
    assert form["Location"].startswith(url("accounts:two_factor_setup"))
    api = client.post(
        "/api/v1/innovations",
        json.dumps({"owner": org_a.slug, "title_fi": "Läpi"}),
        content_type="application/json",
        headers={"Accept-Language": "sv"},
    )
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_step_sign_in_required"
    assert api.json()["error"]["message"] == t(API_REASON, "sv")
    assert not Innovation.objects.filter(title_fi="Läpi").exists()


def test_setting_it_up_opens_the_pages_again_and_leads_back(editor_a: Any, org_a: Organisation) -> None:
    _require(org_a)
    client = client_for(editor_a)
    held = client.get(url("innovations:create", "en"))
    setup_url = held["Location"]
    client.post(setup_url, {"action": "start", "next": url("innovations:create", "en")})
    record = two_factor.pending(editor_a)
    assert record is not None
    confirmed = client.post(
        setup_url,
        {
            "action": "confirm",
            "code": pyotp.TOTP(two_factor.secret_of(record)).now(),
            "next": url("innovations:create", "en"),
        },
    )
    assert confirmed.status_code == 200
    assert f'href="{url("innovations:create", "en")}"' in confirmed.content.decode()  # "continue", after the codes
    assert client.get(url("innovations:create", "en")).status_code == 200
    assert client.get("/api/v1/innovations").status_code == 200


def test_switching_it_off_under_the_requirement_holds_the_person_again(editor_a: Any, org_a: Organisation) -> None:
    _require(org_a)
    _enrol(editor_a)
    client = _verified_client(editor_a)
    assert client.get(url("innovations:create")).status_code == 200
    new_codes = two_factor.recovery_codes_renew(
        user=editor_a, code=pyotp.TOTP(two_factor.secret_of(editor_a.two_factor)).now()
    )
    client = _verified_client(editor_a)  # the renewal signed the other sessions out
    assert client.post(url("accounts:two_factor_setup"), {"action": "disable", "code": new_codes[0]}).status_code == 302
    response = client.get(url("innovations:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:two_factor_setup"))


# --- the flag follows memberships and the setting -------------------------------------------------------------------


def test_the_requirement_follows_roles_and_the_setting(editor_a: Any, org_a: Organisation, org_b: Organisation) -> None:
    def required() -> bool:
        return User.objects.get(pk=editor_a.pk).two_factor_required

    assert not required()
    _require(org_a)
    assert required()
    Membership.objects.filter(user=editor_a, organisation=org_a).update(role=Role.STAFF)  # no signal: recomputed below
    membership = Membership.objects.get(user=editor_a, organisation=org_a)
    membership.save()
    assert not required()
    membership.role = Role.ADMIN
    membership.save()
    assert required()
    membership.delete()
    assert not required()
    Membership.objects.create(user=editor_a, organisation=org_b, role=Role.EDITOR)
    assert not required()  # org_b does not require it
    _require(org_b)
    assert required()
    _require(org_b, on=False)
    assert not required()


# --- API tokens -----------------------------------------------------------------------------------------------------


def _token_client(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"})


def test_tokens_made_before_two_step_sign_in_are_refused(editor_a: Any, org_a: Organisation, editor_b: Any) -> None:
    """A token made with the password alone would skip the requirement; one made after the code was typed works."""
    _token, old_key = api_token_create(user=editor_a, name="script")
    _token_b, key_b = api_token_create(user=editor_b, name="script")
    _require(org_a)
    refused = _token_client(old_key).get("/api/v1/innovations")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == API_REASON
    assert _token_client(key_b).get("/api/v1/innovations").status_code == 200  # another organisation's editor
    _enrol(editor_a)
    still = _token_client(old_key).post(
        "/api/v1/innovations", json.dumps({"owner": org_a.slug, "title_fi": "Läpi"}), content_type="application/json"
    )
    assert still.status_code == 403
    assert "made before you turned on two-step sign-in" in still.json()["error"]["message"]
    _token, new_key = api_token_create(user=editor_a, name="new script")
    made = _token_client(new_key).post(
        "/api/v1/innovations", json.dumps({"owner": org_a.slug, "title_fi": "Uusi"}), content_type="application/json"
    )
    assert made.status_code in (200, 201), made.content
    assert not Innovation.objects.filter(title_fi="Läpi").exists()
    # The requirement off: the old token works again (it was always the person's own).
    _require(org_a, on=False)
    assert _token_client(old_key).get("/api/v1/innovations").status_code == 200
