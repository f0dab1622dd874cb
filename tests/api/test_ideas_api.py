"""The co-development API (/challenges, /ideas): every endpoint × role, what each person sees of private,
unconfirmed and hidden ideas and of personal data, the error shapes in the person's language, and one support
per person even when the requests race.

The roles are the pages' roles (ideas/rules.py): 401 when nobody is signed in on a write, 404 when the person
may not see the challenge or idea (its existence is not revealed), 403 when they see it but may not do this.
"""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image

from accounts.models import User
from accounts.services import api_token_create
from ideas.models import Audience, ChallengeStatus, Comment, Idea, IdeaState, Support
from ideas.selectors import ideas as selectors
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from ideas.services import linking, moderation
from ideas.services import states as state_services
from organisations.models import Organisation
from tests.api.conftest import API, make_user
from tests.concurrency import at_once, postgres_only
from tests.factories import ChallengeFactory

ROLES = ("anonymous", "registered", "sender", "handler", "editor_b", "platform_admin")


# --- the world --------------------------------------------------------------------------------------------------


@pytest.fixture
def sender(db: None) -> User:
    return make_user("sender", first_name="Sanni", last_name="Lähettäjä")


@pytest.fixture
def world(
    org_a: Organisation,
    org_b: Organisation,
    editor_a: User,
    admin_a: User,
    editor_b: User,
    registered_user: User,
    platform_admin: User,
    sender: User,
) -> dict[str, Any]:
    """org_a's open public challenge with a confirmed idea of `sender` (one comment, one hidden comment), an
    unconfirmed idea of a sender without an account, and a private idea in a challenge for org_a's staff only."""
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    staff_challenge = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, audience=Audience.STAFF, title_en="Staff only"
    )
    idea = idea_services.idea_send(
        actor=sender, challenge=challenge, title="Kylätalo", text="<p>Yhteinen kylätalo kaikille</p>"
    )
    unconfirmed = idea_services.idea_send(
        actor=AnonymousUser(),
        challenge=challenge,
        title="Vahvistamaton",
        text="Ei vielä vahvistettu",
        sender_email="nimeton@example.fi",
    )
    private = idea_services.idea_send(actor=admin_a, challenge=staff_challenge, title="Sisäinen", text="Vain meille")
    idea_services.comment_add(actor=registered_user, idea=idea, text="Hyvä ajatus!")
    hidden = idea_services.comment_add(actor=registered_user, idea=idea, text="Asiaton kommentti")
    moderation.comment_set_hidden(actor=editor_a, comment=hidden, hidden=True, reason="Asiaton")
    return {
        "challenge": challenge,
        "staff_challenge": staff_challenge,
        "idea": idea,
        "unconfirmed": unconfirmed,
        "private": private,
        "people": {
            "anonymous": None,
            "registered": registered_user,
            "sender": sender,
            "handler": editor_a,
            "editor_b": editor_b,
            "platform_admin": platform_admin,
        },
        "org_a": org_a,
        "org_b": org_b,
    }


@pytest.fixture
def api_client() -> Callable[[User | None], Client]:
    """A client that sends the person's API token (anonymous: no credentials)."""

    def make(user: User | None) -> Client:
        if user is None:
            return Client()
        _token, key = api_token_create(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


def get(client: Client, path: str, **extra: Any) -> Any:
    return client.get(API + path, **extra)


def post(client: Client, path: str, data: Any = None, **extra: Any) -> Any:
    return client.post(API + path, data if data is not None else {}, content_type="application/json", **extra)


def patch(client: Client, path: str, data: Any, **extra: Any) -> Any:
    return client.patch(API + path, data, content_type="application/json", **extra)


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"error"}
    assert set(data["error"]) == {"code", "message", "fields"}
    assert data["error"]["code"] == code
    assert data["error"]["message"]
    return data["error"]


# --- every endpoint × role --------------------------------------------------------------------------------------

# action: expected answer per role, in the order of ROLES
EXPECTED: dict[str, tuple[int, ...]] = {
    "challenge_list": (200, 200, 200, 200, 200, 200),
    "challenge_read": (200, 200, 200, 200, 200, 200),
    "challenge_read_staff": (404, 404, 404, 200, 404, 200),
    "challenge_ideas": (200, 200, 200, 200, 200, 200),
    "challenge_ideas_staff": (404, 404, 404, 200, 404, 200),
    "idea_list": (200, 200, 200, 200, 200, 200),
    "idea_read": (200, 200, 200, 200, 200, 200),
    "idea_read_unconfirmed": (404, 404, 404, 200, 404, 200),
    "idea_read_private": (404, 404, 404, 200, 404, 200),
    "send_to_challenge": (401, 201, 201, 201, 201, 201),
    "send_to_staff_challenge": (401, 404, 404, 201, 404, 201),
    "send_to_organisation": (401, 201, 201, 201, 201, 201),
    "comment": (401, 201, 201, 201, 201, 201),
    "comment_private": (401, 404, 404, 201, 404, 201),
    "support": (401, 201, 201, 201, 201, 201),
    "support_private": (401, 404, 404, 201, 404, 201),
    "state": (401, 403, 403, 200, 403, 200),
    "state_private": (401, 404, 404, 200, 404, 200),
    "edit": (401, 403, 200, 403, 403, 200),
    "edit_private": (401, 404, 404, 403, 404, 200),  # the handler is not its sender
    "delete": (401, 403, 204, 403, 403, 204),
    "delete_private": (401, 404, 404, 403, 404, 204),
}


BODY = {"title": "Uusi idea", "text": "<p>Kirjastoon lukunurkka</p>"}
Call = Callable[[Client, dict[str, Any]], Any]
ACTIONS: dict[str, Call] = {
    "challenge_list": lambda c, w: get(c, "/challenges"),
    "challenge_read": lambda c, w: get(c, f"/challenges/{w['challenge'].pk}"),
    "challenge_read_staff": lambda c, w: get(c, f"/challenges/{w['staff_challenge'].pk}"),
    "challenge_ideas": lambda c, w: get(c, f"/challenges/{w['challenge'].pk}/ideas"),
    "challenge_ideas_staff": lambda c, w: get(c, f"/challenges/{w['staff_challenge'].pk}/ideas"),
    "idea_list": lambda c, w: get(c, "/ideas"),
    "idea_read": lambda c, w: get(c, f"/ideas/{w['idea'].pk}"),
    "idea_read_unconfirmed": lambda c, w: get(c, f"/ideas/{w['unconfirmed'].pk}"),
    "idea_read_private": lambda c, w: get(c, f"/ideas/{w['private'].pk}"),
    "send_to_challenge": lambda c, w: post(c, f"/challenges/{w['challenge'].pk}/ideas", BODY),
    "send_to_staff_challenge": lambda c, w: post(c, f"/challenges/{w['staff_challenge'].pk}/ideas", BODY),
    "send_to_organisation": lambda c, w: post(c, "/ideas", {**BODY, "organisation": w["org_a"].slug}),
    "comment": lambda c, w: post(c, f"/ideas/{w['idea'].pk}/comments", {"text": "Kannatan"}),
    "comment_private": lambda c, w: post(c, f"/ideas/{w['private'].pk}/comments", {"text": "Kannatan"}),
    "support": lambda c, w: post(c, f"/ideas/{w['idea'].pk}/support"),
    "support_private": lambda c, w: post(c, f"/ideas/{w['private'].pk}/support"),
    "state": lambda c, w: post(c, f"/ideas/{w['idea'].pk}/state", {"state": "under_review"}),
    "state_private": lambda c, w: post(c, f"/ideas/{w['private'].pk}/state", {"state": "under_review"}),
    "edit": lambda c, w: patch(c, f"/ideas/{w['idea'].pk}", {"title": "Korjattu"}),
    "edit_private": lambda c, w: patch(c, f"/ideas/{w['private'].pk}", {"title": "Korjattu"}),
    "delete": lambda c, w: c.delete(f"{API}/ideas/{w['idea'].pk}"),
    "delete_private": lambda c, w: c.delete(f"{API}/ideas/{w['private'].pk}"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_every_role_and_action(
    role: str, action: str, world: dict[str, Any], api_client: Callable[[User | None], Client]
) -> None:
    expected = EXPECTED[action][ROLES.index(role)]
    response = ACTIONS[action](api_client(world["people"][role]), world)
    assert response.status_code == expected, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_each_person_what_the_pages_show(
    role: str, world: dict[str, Any], api_client: Callable[[User | None], Client]
) -> None:
    client = api_client(world["people"][role])
    ids = {item["id"] for item in get(client, "/ideas?limit=100").json()["items"]}
    handler = role in ("handler", "platform_admin")
    assert world["idea"].pk in ids
    # Unconfirmed and private ideas: their handlers only (the private idea's sender is admin_a, not a role here).
    assert (world["unconfirmed"].pk in ids) == handler
    assert (world["private"].pk in ids) == handler
    challenges = {item["id"] for item in get(client, "/challenges").json()["items"]}
    assert world["challenge"].pk in challenges
    assert (world["staff_challenge"].pk in challenges) == handler


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_personal_data_and_hidden_comments_only_for_handlers(
    role: str, world: dict[str, Any], api_client: Callable[[User | None], Client]
) -> None:
    data = get(api_client(world["people"][role]), f"/ideas/{world['idea'].pk}").json()
    handler = role in ("handler", "platform_admin")
    texts = [comment["text"] for comment in data["comments"]]
    assert "Hyvä ajatus!" in texts
    assert ("Asiaton kommentti" in texts) == handler
    if handler:
        assert data["sender"] == {"name": "Sanni Lähettäjä", "email": "sender@example.fi"}
        assert data["you"]["may_handle"]
        assert data["you"]["state_choices"]
    else:
        assert data["sender"] is None
        assert "sender@example.fi" not in str(data)
        assert data["you"]["state_choices"] == []
    assert data["you"]["may_edit"] == (role in ("sender", "platform_admin"))


@pytest.mark.django_db
def test_no_account_senders_address_is_shown_to_handlers_only(
    world: dict[str, Any], api_client: Callable[[User | None], Client], editor_a: User
) -> None:
    data = get(api_client(editor_a), f"/ideas/{world['unconfirmed'].pk}").json()
    assert data["sender"] == {"name": "", "email": "nimeton@example.fi"}
    assert data["confirmed"] is False


# --- reading ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_idea_detail_has_state_reason_supports_comments_and_links(
    world: dict[str, Any], editor_a: User, registered_user: User, api_client: Callable[[User | None], Client]
) -> None:
    idea = world["idea"]
    idea_services.support_add(actor=registered_user, idea=idea)
    idea_services.idea_set_state(actor=editor_a, idea=idea, state=IdeaState.NOT_TAKEN_FORWARD, reason="Jo olemassa")
    linking.idea_to_experiment(actor=editor_a, idea=Idea.objects.get(pk=idea.pk))
    with translation.override("en"):
        expected_state = str(IdeaState.EXPERIMENTING.label)
    data = get(Client(), f"/ideas/{idea.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["title"] == "Kylätalo"
    assert data["text"] == "<p>Yhteinen kylätalo kaikille</p>"
    assert data["state"] == "experimenting"
    assert data["state_name"] == expected_state
    assert data["support_count"] == 1
    assert data["challenge"] == {"id": world["challenge"].pk, "title": "How might we reduce loneliness?"}
    assert data["organisation"]["slug"] == world["org_a"].slug
    assert [c["text"] for c in data["comments"]] == ["Hyvä ajatus!"]
    assert data["url"].endswith(f"/en/challenges/ideas/{idea.pk}/")
    experiment = Idea.objects.get(pk=idea.pk).experiment
    assert experiment is not None
    # The experiment starts as a draft: only the owner's people see it, so the public sees no link.
    assert data["experiment"] is None
    own = get(Client(), f"/ideas/{idea.pk}", HTTP_AUTHORIZATION=_bearer(editor_a)).json()
    assert own["experiment"]["id"] == experiment.pk
    assert own["experiment"]["url"].endswith(f"/experiments/{experiment.pk}/")
    assert own["innovation"] is None
    other = idea_services.idea_send(actor=registered_user, organisation=world["org_a"], title="Uusi", text="Palvelu")
    innovation = linking.idea_to_innovation(actor=editor_a, idea=other)
    assert get(Client(), f"/ideas/{other.pk}", HTTP_AUTHORIZATION=_bearer(editor_a)).json()["innovation"] == {
        "id": innovation.pk,
        "title": innovation.title,
        "url": f"http://testserver{innovation.get_absolute_url()}",
    }


def _bearer(user: User) -> str:
    return f"Bearer {api_token_create(user=user, name='tests')[1]}"


@pytest.mark.django_db
def test_hidden_idea_is_left_out_of_lists_and_shows_only_its_reason(
    world: dict[str, Any], editor_a: User, sender: User, api_client: Callable[[User | None], Client]
) -> None:
    idea = world["idea"]
    moderation.idea_set_hidden(actor=editor_a, idea=idea, hidden=True, reason="Loukkaava")
    public = Client()
    assert idea.pk not in {item["id"] for item in get(public, "/ideas").json()["items"]}
    assert idea.pk not in {
        item["id"] for item in get(public, f"/challenges/{world['challenge'].pk}/ideas").json()["items"]
    }
    data = get(public, f"/ideas/{idea.pk}").json()
    assert data["hidden"] is True
    assert data["hidden_reason"] == "Loukkaava"
    assert data["title"] == ""
    assert data["text"] == ""
    # The handler still finds it, and its sender still reads what they wrote.
    handler = api_client(editor_a)
    assert idea.pk in {item["id"] for item in get(handler, "/ideas").json()["items"]}
    assert get(handler, f"/ideas/{idea.pk}").json()["title"] == "Kylätalo"
    assert get(api_client(sender), f"/ideas/{idea.pk}").json()["title"] == "Kylätalo"


@pytest.mark.django_db
def test_idea_search_and_filters(
    world: dict[str, Any], org_b: Organisation, editor_b: User, registered_user: User
) -> None:
    located = idea_services.idea_send(
        actor=registered_user,
        organisation=org_b,
        title="Penkkejä puistoihin",
        text="Lisää penkkejä Tikkurilan puistoon",
        latitude=60.29,
        longitude=25.04,
    )
    idea_services.idea_set_state(actor=editor_b, idea=located, state=IdeaState.UNDER_REVIEW)
    client = Client()

    def ids(query: str) -> list[int]:
        response = get(client, "/ideas" + query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    idea = world["idea"]
    assert ids("") == [located.pk, idea.pk]  # newest first
    assert ids("?q=puistossa") == [located.pk]  # an inflected form finds it
    assert ids("?q=kylätalossa") == [idea.pk]
    assert ids(f"?organisation={org_b.slug}") == [located.pk]
    assert ids(f"?challenge={world['challenge'].pk}") == [idea.pk]
    assert ids("?state=under_review") == [located.pk]
    assert ids("?state=received") == [idea.pk]
    assert ids("?has_location=true") == [located.pk]
    assert ids("?has_location=false") == [idea.pk]
    page = get(client, "/ideas?limit=1&offset=1").json()
    assert page["count"] == 2
    assert [item["id"] for item in page["items"]] == [idea.pk]


@pytest.mark.django_db
def test_challenge_search_and_filters(
    world: dict[str, Any], org_b: Organisation, editor_b: User, org_a: Organisation
) -> None:
    closed = ChallengeFactory.create(
        owner=org_b,
        actor=editor_b,
        unnumbered=True,
        title_fi="Miten kirjastot palvelisivat nuoria?",
        title_en="How might libraries serve the young?",
        question_en="",
        audience=Audience.REGISTERED,
        status=ChallengeStatus.CLOSED,
    )
    registered = Client(headers={"Authorization": _bearer(editor_b)})

    def ids(query: str, client: Client = registered) -> list[int]:
        response = get(client, "/challenges" + query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    challenge = world["challenge"]
    assert ids("") == [challenge.pk, closed.pk]  # open ones first
    assert ids("", Client()) == [challenge.pk]  # the registered-only one needs a signed-in person
    assert ids("?q=kirjastot") == [closed.pk]
    assert ids("?q=LONELINESS") == [challenge.pk]
    assert ids(f"?organisation={org_b.slug}") == [closed.pk]
    assert ids(f"?organisation={org_a.slug}") == [challenge.pk]
    assert ids("?audience=registered") == [closed.pk]
    assert ids("?status=closed") == [closed.pk]
    assert ids("?status=open") == [challenge.pk]
    first = get(registered, "/challenges?limit=1").json()
    assert first["count"] == 2
    assert first["items"][0]["idea_count"] == 1
    detail = get(registered, f"/challenges/{challenge.pk}").json()
    assert detail["idea_count"] == 1
    assert detail["may_send"] is True
    assert get(registered, f"/challenges/{closed.pk}").json()["may_send"] is False


# --- writing ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sending_an_idea_stores_it_sanitised_and_confirmed(
    world: dict[str, Any], registered_user: User, api_client: Callable[[User | None], Client]
) -> None:
    response = post(
        api_client(registered_user),
        f"/challenges/{world['challenge'].pk}/ideas",
        {
            "title": "<b>Lukunurkka</b>",
            "text": '<p onclick="x()">Kirjastoon <script>alert(1)</script>lukunurkka</p>',
            "latitude": 60.2,
            "longitude": 24.9,
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    idea = Idea.objects.get(pk=data["id"])
    assert (idea.sender, idea.confirmed, idea.challenge) == (registered_user, True, world["challenge"])
    assert data["title"] == idea.title == "Lukunurkka"
    assert "script" not in idea.text
    assert "onclick" not in idea.text
    assert (data["latitude"], data["longitude"]) == (60.2, 24.9)
    assert data["you"]["may_edit"]
    assert data["you"]["may_delete"]


@pytest.mark.django_db
def test_support_is_idempotent(world: dict[str, Any], registered_user: User) -> None:
    client = Client(headers={"Authorization": _bearer(registered_user)})
    path = f"/ideas/{world['idea'].pk}/support"
    first, again = post(client, path), post(client, path)
    assert (first.status_code, first.json()) == (201, {"created": True, "support_count": 1})
    assert (again.status_code, again.json()) == (200, {"created": False, "support_count": 1})
    assert Support.objects.filter(idea=world["idea"]).count() == 1


@pytest.mark.django_db
def test_comment_answers_with_the_comment(world: dict[str, Any], registered_user: User) -> None:
    client = Client(headers={"Authorization": _bearer(registered_user)})
    response = post(client, f"/ideas/{world['idea'].pk}/comments", {"text": "<em>Kannatan</em><script>x</script>"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["text"] == "<em>Kannatan</em>"
    assert data["hidden"] is False
    assert Comment.objects.get(pk=data["id"]).author == registered_user


@pytest.mark.django_db
def test_sender_edits_until_handled_then_may_not(world: dict[str, Any], sender: User, editor_a: User) -> None:
    client = Client(headers={"Authorization": _bearer(sender)})
    idea = world["idea"]
    response = patch(client, f"/ideas/{idea.pk}", {"text": "<p>Kylätalo nuorille ja vanhoille</p>"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Kylätalo"  # what was not sent stays
    assert response.json()["text"] == "<p>Kylätalo nuorille ja vanhoille</p>"
    idea_services.idea_set_state(actor=editor_a, idea=idea, state=IdeaState.UNDER_REVIEW)
    with translation.override("en"):
        expected = _("You can edit only your own idea, and only until it is handled.")
    refused = patch(client, f"/ideas/{idea.pk}", {"title": "Myöhässä"}, HTTP_ACCEPT_LANGUAGE="en")
    assert error(refused, 403, "permission_denied")["message"] == expected
    idea.refresh_from_db()
    assert idea.title == "Kylätalo"


@pytest.mark.django_db
def test_handler_sets_the_organisations_own_state(world: dict[str, Any], editor_a: User, org_a: Organisation) -> None:
    own = state_services.idea_state_create(
        actor=editor_a,
        organisation=org_a,
        kind=IdeaState.UNDER_REVIEW,
        names={"fi": "Arvioitavana", "sv": "Bedöms", "en": "Being assessed"},
    )
    client = Client(headers={"Authorization": _bearer(editor_a)})
    idea = world["idea"]
    choices = get(client, f"/ideas/{idea.pk}").json()["you"]["state_choices"]
    assert {"value": f"o{own.pk}", "name": "Arvioitavana"} in choices
    response = post(client, f"/ideas/{idea.pk}/state", {"state": f"o{own.pk}"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["state_name"]) == ("under_review", "Bedöms")
    assert get(Client(), f"/ideas/{idea.pk}", HTTP_ACCEPT_LANGUAGE="en").json()["state_name"] == "Being assessed"


@pytest.mark.django_db
def test_not_taken_forward_needs_a_public_reason(world: dict[str, Any], editor_a: User) -> None:
    client = Client(headers={"Authorization": _bearer(editor_a)})
    path = f"/ideas/{world['idea'].pk}/state"
    with translation.override("sv"):
        expected = _("Say why the idea is not taken forward; everyone sees the reason.")
    refused = post(client, path, {"state": "not_taken_forward"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert error(refused, 422, "validation_error")["fields"] == {"reason": [expected]}
    done = post(client, path, {"state": "not_taken_forward", "reason": "Ei resursseja"})
    assert done.status_code == 200
    assert get(Client(), f"/ideas/{world['idea'].pk}").json()["state_reason"] == "Ei resursseja"


@pytest.mark.django_db
def test_refusals_say_why(world: dict[str, Any], editor_a: User, registered_user: User) -> None:
    challenge_services.challenge_set_status(actor=editor_a, challenge=world["challenge"], status=ChallengeStatus.CLOSED)
    client = Client(headers={"Authorization": _bearer(registered_user)})
    with translation.override("en"):
        closed = _("This challenge is closed.")
    idea = world["idea"]
    for path, data in (
        (f"/ideas/{idea.pk}/comments", {"text": "Myöhässä"}),
        (f"/ideas/{idea.pk}/support", {}),
        (f"/challenges/{world['challenge'].pk}/ideas", BODY),
    ):
        assert error(post(client, path, data, HTTP_ACCEPT_LANGUAGE="en"), 403, "permission_denied")["message"] == closed
    you = get(client, f"/ideas/{idea.pk}").json()["you"]
    assert (you["may_comment"], you["may_support"]) == (False, False)


@pytest.mark.django_db
def test_sender_deletes_the_idea_with_its_comments(world: dict[str, Any], sender: User) -> None:
    idea = world["idea"]
    response = Client(headers={"Authorization": _bearer(sender)}).delete(f"{API}/ideas/{idea.pk}")
    assert response.status_code == 204
    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert not Comment.objects.filter(idea_id=idea.pk).exists()


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(world: dict[str, Any], registered_user: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(registered_user)
    path = f"/ideas/{world['idea'].pk}/support"
    error(post(browser, path), 403, "permission_denied")
    browser.get("/fi/challenges/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert post(browser, path, HTTP_X_CSRFTOKEN=token).status_code == 201


@pytest.mark.django_db
def test_sending_is_rate_limited_per_person(world: dict[str, Any], registered_user: User) -> None:
    client = Client(headers={"Authorization": _bearer(registered_user)})
    path = f"/challenges/{world['challenge'].pk}/ideas"
    answers = [post(client, path, {"title": f"Idea {i}", "text": "Teksti"}).status_code for i in range(11)]
    assert answers == [201] * 10 + [429]
    error(post(client, path, {"title": "Vielä", "text": "Teksti"}), 429, "rate_limited")
    assert Idea.objects.filter(sender=registered_user).count() == 10


# --- errors -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_errors_in_the_persons_language(
    language: str, world: dict[str, Any], registered_user: User, org_a: Organisation
) -> None:
    client = Client(headers={"Authorization": _bearer(registered_user)})
    with translation.override(language):
        not_found = _("Not found: the record does not exist or is not visible to you.")
        title_missing = _("Give the idea a title.")
        refused = _("Only the idea's handlers can change its state.")
        no_organisation = _("There is no organisation “%(value)s”.") % {"value": "ei-ole"}
        required = _("This field is required.")
        sign_in = _("Sign in, or send a valid API token: Authorization: Bearer <key>.")
    lang = {"HTTP_ACCEPT_LANGUAGE": language}
    anonymous = post(Client(), f"/ideas/{world['idea'].pk}/support", **lang)
    assert error(anonymous, 401, "not_authenticated")["message"] == sign_in
    assert error(get(client, f"/ideas/{world['private'].pk}", **lang), 404, "not_found")["message"] == not_found
    assert error(get(client, "/challenges/999999", **lang), 404, "not_found")["message"] == not_found
    blank = post(client, f"/challenges/{world['challenge'].pk}/ideas", {"title": "  ", "text": "x"}, **lang)
    assert error(blank, 422, "validation_error")["fields"] == {"title": [title_missing]}
    state = post(client, f"/ideas/{world['idea'].pk}/state", {"state": "in_use"}, **lang)
    assert error(state, 403, "permission_denied")["message"] == refused
    unknown = post(client, "/ideas", {"organisation": "ei-ole", "title": "T", "text": "T"}, **lang)
    assert error(unknown, 422, "validation_error")["fields"] == {"organisation": [no_organisation]}
    missing = post(client, f"/ideas/{world['idea'].pk}/comments", {}, **lang)
    assert error(missing, 422, "validation_error")["fields"] == {"text": [required]}


@pytest.mark.django_db
def test_bad_input_is_a_clear_error_and_stores_nothing(world: dict[str, Any], registered_user: User) -> None:
    client = Client(headers={"Authorization": _bearer(registered_user)})
    path = f"/challenges/{world['challenge'].pk}/ideas"
    before = Idea.objects.count()
    with translation.override("en"):
        outside = _("The place must be in Finland.")
    abroad = post(
        client, path, {"title": "T", "text": "T", "latitude": 48.85, "longitude": 2.35}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert outside in error(abroad, 422, "validation_error")["fields"]["latitude"]
    error(post(client, path, {"title": "T", "text": "T", "extra": 1}), 422, "validation_error")
    error(post(client, path, {"title": "T" * 201, "text": "T"}), 422, "validation_error")
    error(post(client, path, {"title": "T", "text": "a\x00b"}), 422, "validation_error")
    error(post(client, f"/ideas/{world['idea'].pk}/state", {"state": "o999"}), 403, "permission_denied")
    error(client.post(API + path, "{not json", content_type="application/json"), 400, "bad_request")
    error(get(client, "/ideas?state=nonsense"), 422, "validation_error")
    error(get(client, "/ideas?organisation=ei-ole"), 422, "validation_error")
    error(get(client, f"/ideas?challenge={world['staff_challenge'].pk}"), 404, "not_found")
    assert Idea.objects.count() == before


@pytest.mark.django_db
def test_unknown_state_option_of_another_organisation_is_refused(
    world: dict[str, Any], editor_a: User, editor_b: User, org_b: Organisation
) -> None:
    theirs = state_services.idea_state_create(
        actor=editor_b, organisation=org_b, kind=IdeaState.IN_USE, names={"fi": "Käytössä meillä"}
    )
    client = Client(headers={"Authorization": _bearer(editor_a)})
    with translation.override("en"):
        expected = _("Choose a state from the list.")
    response = post(client, f"/ideas/{world['idea'].pk}/state", {"state": f"o{theirs.pk}"}, HTTP_ACCEPT_LANGUAGE="en")
    assert error(response, 422, "validation_error")["fields"] == {"state": [expected]}
    assert Idea.objects.get(pk=world["idea"].pk).state == IdeaState.RECEIVED


# --- races (PostgreSQL) -----------------------------------------------------------------------------------------

THREADS = 8


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_concurrent_supports_through_the_api_make_exactly_one(
    org_a: Organisation, editor_a: User, sender: User, registered_user: User
) -> None:
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    idea = idea_services.idea_send(actor=sender, challenge=challenge, title="Kylätalo", text="Kylätalo kaikille")
    header = _bearer(registered_user)

    def support(_index: int) -> tuple[int, bool]:
        response = post(Client(headers={"Authorization": header}), f"/ideas/{idea.pk}/support")
        return response.status_code, response.json()["created"]

    answers = at_once(support, THREADS)
    assert sorted(answers) == [(200, False)] * (THREADS - 1) + [(201, True)], answers
    assert Support.objects.filter(idea=idea, user=registered_user).count() == 1
    assert selectors.idea_detail(idea=idea)[1] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "handler"])
def test_list_queries_do_not_grow_with_the_page(
    role: str, world: dict[str, Any], registered_user: User, api_client: Callable[[User | None], Client]
) -> None:
    client = api_client(world["people"][role])

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, path).status_code == 200
        return len(captured)

    queries("/ideas")  # once to warm what is read once per process
    few = (queries("/ideas"), queries("/challenges"))
    for i in range(12):
        idea_services.idea_send(actor=registered_user, challenge=world["challenge"], title=f"Idea {i}", text="Teksti")
        ChallengeFactory.create(
            owner=world["org_a"], actor=world["people"]["handler"], unnumbered=True, title_en=f"Challenge {i}"
        )
    assert (queries("/ideas"), queries("/challenges")) == few


@pytest.mark.django_db
def test_handler_of_a_co_organised_challenge_sees_and_handles_its_ideas(
    org_a: Organisation, org_b: Organisation, editor_a: User, editor_b: User, sender: User
) -> None:
    shared = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, co_organisers=[org_b], handlers=[editor_b]
    )
    unconfirmed = idea_services.idea_send(
        actor=AnonymousUser(), challenge=shared, title="Yhteinen", text="Teksti", sender_email="yhteinen@example.fi"
    )
    client = Client(headers={"Authorization": _bearer(editor_b)})
    assert unconfirmed.pk in {item["id"] for item in get(client, "/ideas").json()["items"]}
    data = get(client, f"/ideas/{unconfirmed.pk}").json()
    assert data["sender"]["email"] == "yhteinen@example.fi"
    assert post(client, f"/ideas/{unconfirmed.pk}/state", {"state": "under_review"}).status_code == 200
    # Not a handler of org_a's other challenges.
    other = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    idea = idea_services.idea_send(actor=sender, challenge=other, title="Toinen", text="Teksti")
    error(post(client, f"/ideas/{idea.pk}/state", {"state": "under_review"}), 403, "permission_denied")
    assert get(client, f"/ideas/{idea.pk}").json()["sender"] is None


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("kuva.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_files_are_linked_to_their_checked_view_and_not_for_a_hidden_idea(
    world: dict[str, Any], sender: User, editor_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_services.idea_send(
            actor=sender, challenge=world["challenge"], title="Kuvallinen", text="Teksti", image=_png()
        )
    data = get(Client(), f"/ideas/{idea.pk}").json()
    assert data["attachment_url"] is None
    assert data["image_url"] == f"http://testserver/fi/challenges/ideas/{idea.pk}/image/"
    assert Client().get(data["image_url"].removeprefix("http://testserver")).status_code == 200
    moderation.idea_set_hidden(actor=editor_a, idea=idea, hidden=True, reason="Asiaton kuva")
    assert get(Client(), f"/ideas/{idea.pk}").json()["image_url"] is None
    assert get(Client(headers={"Authorization": _bearer(editor_a)}), f"/ideas/{idea.pk}").json()["image_url"]
