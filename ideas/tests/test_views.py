"""The challenge and idea pages: lists, search and filters, sending with and without an account, confirmation,
honeypot and rate limit, comments, supports, the handlers' state form, the feed, and XSS on the rendered pages."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ideas.models import Challenge, Comment, Idea, IdeaState, Support
from ideas.selectors import ideas as selectors
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from ideas.tests.conftest import XSS_PAYLOADS
from ideas.views.limits import SEND_RATE
from organisations.models import Organisation
from tests.factories import ChallengeFactory
from tests.pages import client_for, t, url

pytestmark = pytest.mark.django_db
LANGUAGES = ("fi", "sv", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_render_in_every_language(challenge_a: Challenge, idea_a: Idea, anonymous: Any, language: str) -> None:
    client = Client()
    with translation.override(language):
        expected_title = challenge_a.title
    for page in (
        url("ideas:list", language),
        url("ideas:detail", language, pk=challenge_a.pk),
        url("ideas:send", language, pk=challenge_a.pk),
        url("ideas:idea", language, pk=idea_a.pk),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Content-Language"] == language
    assert expected_title in client.get(url("ideas:list", language)).content.decode()
    assert idea_a.title in client.get(url("ideas:detail", language, pk=challenge_a.pk)).content.decode()


def test_list_shows_only_what_the_person_may_see(
    challenge_a: Challenge, staff_challenge_a: Challenge, draft_challenge_a: Challenge, editor_a: Any, editor_b: Any
) -> None:
    Challenge.objects.filter(pk=staff_challenge_a.pk).update(title_fi="Henkilöstön haaste")
    Challenge.objects.filter(pk=draft_challenge_a.pk).update(title_fi="Luonnoshaaste")
    public = Client().get(url("ideas:list")).content.decode()
    assert "Henkilöstön haaste" not in public
    assert "Luonnoshaaste" not in public
    staff = client_for(editor_a).get(url("ideas:list")).content.decode()
    assert "Henkilöstön haaste" in staff
    assert "Luonnoshaaste" not in staff
    assert client_for(editor_b).get(url("ideas:detail", pk=staff_challenge_a.pk)).status_code == 404
    assert Client().get(url("ideas:detail", pk=draft_challenge_a.pk)).status_code == 404
    assert client_for(editor_a).get(url("ideas:detail", pk=draft_challenge_a.pk)).status_code == 200
    assert Client().get(url("ideas:detail", pk=999999)).status_code == 404


def test_challenge_ideas_search_and_state_filter(challenge_a: Challenge, sender: Any, editor_a: Any) -> None:
    bus = idea_services.idea_send(
        actor=sender, challenge=challenge_a, title="Kutsuplus", text="Kutsuliikenne busseilla"
    )
    park = idea_services.idea_send(
        actor=sender, challenge=challenge_a, title="Puistojumppa", text="Liikuntaa puistoissa"
    )
    idea_services.idea_set_state(actor=editor_a, idea=park, state=IdeaState.IN_USE)
    page = url("ideas:detail", pk=challenge_a.pk)
    client = Client()
    found = client.get(page, {"q": "bussi"}).content.decode()  # a Finnish inflection of "busseilla"
    assert bus.title in found
    assert park.title not in found
    in_use = client.get(page, {"state": IdeaState.IN_USE}).content.decode()
    assert park.title in in_use
    assert bus.title not in in_use
    nothing = client.get(page, {"q": "zeppeliini"})
    assert nothing.status_code == 200
    assert t("No ideas match the search.", "fi") in nothing.content.decode()
    # Nonsense in the query string is ignored, not an error.
    assert client.get(page, {"state": "nonsense", "q": "x" * 500, "page": "abc"}).status_code == 200


def test_sending_without_account_confirm_and_publish(
    challenge_a: Challenge, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("ideas:send", pk=challenge_a.pk),
            {"title": "Lukupiiri", "text": "Kirjasto järjestää", "sender_email": "lukija@example.fi"},
        )
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert not idea.confirmed
    # Not public before confirmation: not in the challenge's list, its page is a 404.
    assert "Lukupiiri" not in client.get(url("ideas:detail", pk=challenge_a.pk)).content.decode()
    assert client.get(url("ideas:idea", pk=idea.pk)).status_code == 404
    assert len(mail.outbox) == 1
    link = url("ideas:confirm", token=idea.confirmation_token)
    assert link in mail.outbox[0].body
    assert client.get(link).status_code == 200
    assert Idea.objects.get(pk=idea.pk).confirmed is False  # opening the link alone does not confirm
    assert client.post(link).status_code == 302
    assert Idea.objects.get(pk=idea.pk).confirmed
    assert "Lukupiiri" in client.get(url("ideas:detail", pk=challenge_a.pk)).content.decode()
    assert client.post(link).status_code == 404  # used once
    assert client.get(url("ideas:confirm", token="wrong")).status_code == 404


def test_sending_signed_in_goes_to_the_idea(challenge_a: Challenge, registered_user: Any) -> None:
    response = client_for(registered_user).post(
        url("ideas:send", pk=challenge_a.pk),
        {"title": "Idea", "text": "Teksti", "latitude": "60.2", "longitude": "24.9"},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("ideas:idea", pk=idea.pk)
    assert idea.sender == registered_user
    assert idea.confirmed


def test_sending_to_an_organisation_without_challenge(org_b: Organisation, registered_user: Any) -> None:
    client = client_for(registered_user)
    page = url("ideas:send_to_organisation", organisation_pk=org_b.pk)
    assert client.get(page).status_code == 200
    assert client.post(page, {"title": "Suoraan", "text": "Teksti"}).status_code == 302
    assert Idea.objects.get().organisation == org_b
    assert client.get(url("ideas:send_to_organisation", organisation_pk=999999)).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_input_gets_field_errors_and_saves_nothing(challenge_a: Challenge, language: str) -> None:
    response = Client().post(
        url("ideas:send", language, pk=challenge_a.pk),
        {"title": "", "text": "T", "sender_email": "nope", "latitude": "52.5", "longitude": "abc"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"title", "sender_email", "longitude"}
    assert 'class="error-summary"' in response.content.decode()
    assert t("Please check the following", language) in response.content.decode()
    # The place is checked by the service once the form's shape is right.
    response = Client().post(
        url("ideas:send", language, pk=challenge_a.pk),
        {"title": "T", "text": "T", "sender_email": "a@example.fi", "latitude": "52.5", "longitude": "13.4"},
    )
    assert response.status_code == 200
    assert t("The place must be in Finland.", language) in response.content.decode()
    assert not Idea.objects.exists()


def test_honeypot_stores_nothing(challenge_a: Challenge) -> None:
    response = Client().post(
        url("ideas:send", pk=challenge_a.pk),
        {"title": "Spam", "text": "Buy", "sender_email": "bot@example.com", "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert not Idea.objects.exists()
    assert not mail.outbox


def test_sending_is_rate_limited(challenge_a: Challenge) -> None:
    limit = int(SEND_RATE.split("/")[0])
    client = Client()
    page = url("ideas:send", pk=challenge_a.pk)
    # Corrections of a mistyped form do not count.
    for _ in range(limit + 2):
        assert client.post(page, {"title": "", "text": "T", "sender_email": "a@example.fi"}).status_code == 200
    for number in range(limit):
        data = {"title": f"Idea {number}", "text": "T", "sender_email": "a@example.fi"}
        assert client.post(page, data).status_code == 302
    response = client.post(page, {"title": "One too many", "text": "T", "sender_email": "a@example.fi"})
    assert response.status_code == 429
    assert t("Too many ideas were sent from your account or address. Wait a moment and try again.", "fi") in (
        response.content.decode()
    )
    assert Idea.objects.count() == limit
    # Another address is not blocked.
    other = client.post(page, {"title": "Other", "text": "T", "sender_email": "b@example.fi"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_signed_in_people_behind_one_address_do_not_hold_each_other_up(challenge_a: Challenge) -> None:
    """A library's or an office's people share an address: the limit counts each signed-in person on their own."""
    from tests.factories import UserFactory

    limit = int(SEND_RATE.split("/")[0])
    page = url("ideas:send", pk=challenge_a.pk)
    first, second = client_for(UserFactory()), client_for(UserFactory())
    for number in range(limit):
        assert first.post(page, {"title": f"Idea {number}", "text": "T"}).status_code == 302
    assert first.post(page, {"title": "One too many", "text": "T"}).status_code == 429
    assert second.post(page, {"title": "Toisen idea", "text": "T"}).status_code == 302


def test_send_page_refuses_who_may_not_send(
    registered_only_a: Challenge, staff_challenge_a: Challenge, editor_b: Any
) -> None:
    assert Client().get(url("ideas:send", pk=registered_only_a.pk)).status_code == 403
    assert Client().post(url("ideas:send", pk=registered_only_a.pk), {"title": "x", "text": "y"}).status_code == 403
    assert client_for(editor_b).get(url("ideas:send", pk=staff_challenge_a.pk)).status_code == 404
    assert not Idea.objects.exists()


def test_sender_email_is_shown_only_to_handlers(unconfirmed_a: Idea, editor_a: Any, editor_b: Any) -> None:
    idea_services.idea_confirm(token=unconfirmed_a.confirmation_token)
    page = url("ideas:idea", pk=unconfirmed_a.pk)
    assert "nimeton@example.fi" in client_for(editor_a).get(page).content.decode()
    for viewer in (Client(), client_for(editor_b)):
        response = viewer.get(page)
        assert response.status_code == 200
        assert "nimeton@example.fi" not in response.content.decode()


def test_unconfirmed_idea_page_is_for_handlers_only(unconfirmed_a: Idea, editor_a: Any, registered_user: Any) -> None:
    page = url("ideas:idea", pk=unconfirmed_a.pk)
    assert Client().get(page).status_code == 404
    assert client_for(registered_user).get(page).status_code == 404
    assert client_for(editor_a).get(page).status_code == 200


def test_comment_and_support(idea_a: Idea, registered_user: Any) -> None:
    client = client_for(registered_user)
    assert client.post(url("ideas:comment", pk=idea_a.pk), {"text": "Hyvä idea!"}).status_code == 302
    assert client.post(url("ideas:support", pk=idea_a.pk)).status_code == 302
    assert client.post(url("ideas:support", pk=idea_a.pk)).status_code == 302
    assert Support.objects.filter(idea=idea_a).count() == 1
    page = client.get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    assert "Hyvä idea!" in page
    assert t("You support this idea.", "fi") in page
    response = client.post(url("ideas:comment", pk=idea_a.pk), {"text": ""})
    assert response.status_code == 400
    assert response.context["comment_form"].errors
    assert Comment.objects.count() == 1


def test_anonymous_cannot_comment_or_support(idea_a: Idea) -> None:
    client = Client()
    assert client.post(url("ideas:comment", pk=idea_a.pk), {"text": "Hei"}).status_code == 403
    assert client.post(url("ideas:support", pk=idea_a.pk)).status_code == 403
    assert client.get(url("ideas:support", pk=idea_a.pk)).status_code == 405
    assert not Comment.objects.exists()
    assert not Support.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("registered_user", 403),
        ("sender", 403),
        ("editor_b", 403),
        ("editor_a", 302),
        ("admin_a", 302),
        ("platform_admin", 302),
    ],
)
def test_state_form_per_role(request: pytest.FixtureRequest, idea_a: Idea, role: str, status: int) -> None:
    response = client_for(request.getfixturevalue(role)).post(
        url("ideas:state", pk=idea_a.pk), {"state": IdeaState.UNDER_REVIEW}
    )
    assert response.status_code == status
    idea_a.refresh_from_db()
    assert idea_a.state == (IdeaState.UNDER_REVIEW if status == 302 else IdeaState.RECEIVED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_refusal_without_reason_is_a_field_error_and_the_reason_is_public(
    idea_a: Idea, editor_a: Any, language: str
) -> None:
    client = client_for(editor_a)
    response = client.post(url("ideas:state", language, pk=idea_a.pk), {"state": IdeaState.NOT_TAKEN_FORWARD})
    assert response.status_code == 400
    assert t("Say why the idea is not taken forward; everyone sees the reason.", language) in response.content.decode()
    idea_a.refresh_from_db()
    assert idea_a.state == IdeaState.RECEIVED
    client.post(url("ideas:state", pk=idea_a.pk), {"state": IdeaState.NOT_TAKEN_FORWARD, "reason": "Ei rahaa"})
    public = Client().get(url("ideas:idea", language, pk=idea_a.pk)).content.decode()
    assert "Ei rahaa" in public
    assert t("Not taken forward", language) in public


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_is_neutralised_on_the_pages(
    org_a: Organisation, editor_a: Any, sender: Any, registered_user: Any, payload: str
) -> None:
    challenge = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, title_fi=f"H {payload}", description_fi=payload
    )
    idea = idea_services.idea_send(actor=sender, challenge=challenge, title=f"I {payload}", text=f"<p>x</p>{payload}")
    idea_services.comment_add(actor=registered_user, idea=idea, text=f"kommentti {payload}")
    for page in (url("ideas:detail", pk=challenge.pk), url("ideas:idea", pk=idea.pk), url("ideas:list")):
        html = Client().get(page).content.decode()
        assert "<script>alert" not in html
        assert "onerror=" not in html
        assert "onload=" not in html
        assert 'href="javascript:' not in html
        assert "<iframe" not in html
        assert "<svg" not in html


def test_feed_lists_new_open_public_challenges(
    challenge_a: Challenge, staff_challenge_a: Challenge, draft_challenge_a: Challenge
) -> None:
    Challenge.objects.filter(pk=staff_challenge_a.pk).update(title_fi="Henkilöstön haaste")
    Challenge.objects.filter(pk=draft_challenge_a.pk).update(title_fi="Luonnoshaaste")
    response = Client().get(url("ideas:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert challenge_a.title_fi in body
    assert "Henkilöstön haaste" not in body
    assert "Luonnoshaaste" not in body
    assert url("ideas:detail", pk=challenge_a.pk) in body
    atom = Client().get(url("ideas:feed_atom", "en"))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert challenge_a.title_en in atom.content.decode()
    assert "Henkilöstön haaste" not in atom.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("registered_user", 403),
        ("sender", 302),
        ("editor_a", 403),
        ("editor_b", 403),
        ("platform_admin", 302),
    ],
)
def test_edit_page_per_role(request: pytest.FixtureRequest, idea_a: Idea, role: str, status: int) -> None:
    client = client_for(request.getfixturevalue(role))
    response = client.post(url("ideas:edit", pk=idea_a.pk), {"title": "Muokattu", "text": "Uusi teksti"})
    assert response.status_code == status
    idea_a.refresh_from_db()
    assert (idea_a.title == "Muokattu") is (status == 302)


def test_sender_edits_until_handled_with_field_errors(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    client = client_for(sender)
    page = url("ideas:edit", pk=idea_a.pk)
    assert client.get(page).status_code == 200
    assert url("ideas:edit", pk=idea_a.pk) in client.get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    response = client.post(page, {"title": "Uusi", "text": "<p> </p>"})
    assert response.status_code == 200
    assert t("Describe the idea.", "fi") in response.content.decode()
    idea_a.refresh_from_db()
    assert idea_a.title == "Kylätalo"
    idea_services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.UNDER_REVIEW)
    assert client.get(page).status_code == 403
    assert url("ideas:edit", pk=idea_a.pk) not in client.get(url("ideas:idea", pk=idea_a.pk)).content.decode()


def _challenge_post(owner: Organisation, **extra: Any) -> dict[str, Any]:
    data = {
        "owner": owner.pk,
        "title_fi": "Miten voisimme siistiä rannat?",
        "title_sv": "Hur kunde vi städa stränderna?",
        "title_en": "How might we clean the shores?",
        "description_fi": "<p>Kuvaus</p><script>alert(1)</script>",
        "audience": "public",
        "participation": "anyone",
        "comment_participation": "registered",
        "support_participation": "registered",
        "status": "open",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),  # to the log-in page
        ("registered_user", 403),
        ("sender", 403),
        ("editor_b", 200),  # the form again: org_a is not among editor_b's organisations
        ("editor_a", 302),
        ("admin_a", 302),
        ("platform_admin", 302),
    ],
)
def test_challenge_create_page_per_role(
    request: pytest.FixtureRequest, org_a: Organisation, role: str, status: int
) -> None:
    response = client_for(request.getfixturevalue(role)).post(url("ideas:create"), _challenge_post(org_a))
    assert response.status_code == status
    created = Challenge.objects.filter(owner=org_a).first()
    if role in ("editor_a", "admin_a", "platform_admin"):
        assert created is not None
        assert response["Location"] == url("ideas:detail", pk=created.pk)
        assert created.title_sv == "Hur kunde vi städa stränderna?"
        assert "<script" not in created.description_fi
    else:
        assert created is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_challenge_create_page_bad_input(org_a: Organisation, editor_a: Any, language: str) -> None:
    client = client_for(editor_a)
    assert client.get(url("ideas:create", language)).status_code == 200
    response = client.post(
        url("ideas:create", language),
        _challenge_post(org_a, title_fi="", title_sv="", title_en="", opens_on="2026-05-02", closes_on="2026-05-01"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert t("Give the challenge a title in at least one language.", language) in html
    response = client.post(
        url("ideas:create", language), _challenge_post(org_a, opens_on="2026-05-02", closes_on="2026-05-01")
    )
    assert response.status_code == 200
    assert t("The closing date cannot be before the opening date.", language) in response.content.decode()
    response = client.post(url("ideas:create", language), _challenge_post(org_a, audience="martians", opens_on="x"))
    assert set(response.context["form"].errors) == {"audience", "opens_on"}
    assert not Challenge.objects.exists()


def test_list_offers_opening_a_challenge_only_to_editors(editor_a: Any, registered_user: Any) -> None:
    link = url("ideas:create")
    assert link in client_for(editor_a).get(url("ideas:list")).content.decode()
    assert link not in client_for(registered_user).get(url("ideas:list")).content.decode()
    assert link not in Client().get(url("ideas:list")).content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("registered_user", 403),
        ("editor_b", 403),
        ("editor_a", 302),
        ("admin_a", 302),
        ("platform_admin", 302),
    ],
)
def test_closing_a_challenge_per_role(
    request: pytest.FixtureRequest, challenge_a: Challenge, role: str, status: int
) -> None:
    response = client_for(request.getfixturevalue(role)).post(
        url("ideas:status", pk=challenge_a.pk), {"status": "closed"}
    )
    assert response.status_code == status
    challenge_a.refresh_from_db()
    assert challenge_a.status == ("closed" if status == 302 else "open")


def test_closed_challenge_takes_no_ideas_and_bad_status_is_refused(
    challenge_a: Challenge, editor_a: Any, registered_user: Any
) -> None:
    client = client_for(editor_a)
    assert client.post(url("ideas:status", pk=challenge_a.pk), {"status": "exploded"}).status_code == 302
    challenge_a.refresh_from_db()
    assert challenge_a.status == "open"
    client.post(url("ideas:status", pk=challenge_a.pk), {"status": "closed"})
    sender = client_for(registered_user)
    assert sender.get(url("ideas:send", pk=challenge_a.pk)).status_code == 403
    assert (
        url("ideas:send", pk=challenge_a.pk) not in sender.get(url("ideas:detail", pk=challenge_a.pk)).content.decode()
    )


def test_admin_lists_render(platform_admin: Any, idea_a: Idea) -> None:
    client = client_for(platform_admin)
    for name in ("challenge", "idea", "comment"):
        with translation.override("fi"):
            page = reverse(f"admin:ideas_{name}_changelist")
        assert client.get(page).status_code == 200
    with translation.override("fi"):
        page = reverse("admin:ideas_idea_change", args=[idea_a.pk])
    assert client.get(page).status_code == 200


def test_my_ideas_lists_only_the_persons_own(idea_a: Idea, sender: Any, registered_user: Any, editor_a: Any) -> None:
    idea_services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.NOT_TAKEN_FORWARD, reason="Ei nyt")
    other = idea_services.idea_send(actor=registered_user, challenge=idea_a.challenge, title="Toisen idea", text="T")
    page = client_for(sender).get(url("ideas:my_ideas")).content.decode()
    assert idea_a.title in page
    assert "Ei nyt" in page
    assert other.title not in page
    empty = client_for(editor_a).get(url("ideas:my_ideas"))
    assert empty.status_code == 200
    assert t("You have not sent any ideas yet.", "fi") in empty.content.decode()
    assert Client().get(url("ideas:my_ideas")).status_code == 302  # to the log-in page
    assert url("ideas:my_ideas") in client_for(sender).get(url("ideas:list")).content.decode()


def test_choosing_the_organisation_of_an_idea_without_challenge(org_b: Organisation) -> None:
    client = Client()
    page = url("ideas:choose_organisation")
    assert page in client.get(url("ideas:list")).content.decode()
    assert client.get(page).status_code == 200
    response = client.get(page, {"organisation": org_b.name})
    assert response.status_code == 302
    assert response["Location"] == url("ideas:send_to_organisation", organisation_pk=org_b.pk)
    bad = client.get(page, {"organisation": "999999"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"organisation"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 403),
        ("registered_user", 403),
        ("editor_a", 403),
        ("admin_a", 403),
        ("editor_b", 403),
        ("sender", 302),
        ("platform_admin", 302),
    ],
)
def test_deleting_an_idea_per_role(request: pytest.FixtureRequest, idea_a: Idea, role: str, status: int) -> None:
    idea_services.support_add(actor=request.getfixturevalue("registered_user"), idea=idea_a)
    client = client_for(request.getfixturevalue(role))
    page = url("ideas:delete", pk=idea_a.pk)
    assert client.get(page).status_code == (200 if status == 302 else 403)
    assert client.post(page).status_code == status
    assert Idea.objects.filter(pk=idea_a.pk).exists() is (status != 302)
    assert Support.objects.exists() is (status != 302)


def test_sender_deletes_also_a_handled_idea(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    idea_services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.IN_USE)
    client = client_for(sender)
    assert url("ideas:delete", pk=idea_a.pk) in client.get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    response = client.post(url("ideas:delete", pk=idea_a.pk))
    assert response["Location"] == url("ideas:my_ideas")
    assert not Idea.objects.exists()


# --- editing a challenge, the list's filters -------------------------------------------------------------------------


def _edit_post(challenge: Challenge, **extra: Any) -> dict[str, Any]:
    data = {
        "version": challenge_services.challenge_version(challenge),
        "title_fi": challenge.title_fi,
        "title_sv": challenge.title_sv,
        "title_en": "How might we meet more often?",
        "audience": challenge.audience,
        "participation": challenge.participation,
        "comment_participation": challenge.comment_participation,
        "support_participation": challenge.support_participation,
        "status": challenge.status,
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),  # to the log-in page
        ("registered_user", 403),
        ("sender", 403),
        ("editor_b", 403),
        ("challenge_handler", 403),
        ("editor_a", 302),
        ("admin_a", 302),
        ("platform_admin", 302),
    ],
)
def test_challenge_edit_page_per_role(
    request: pytest.FixtureRequest, challenge_a: Challenge, role: str, status: int
) -> None:
    if role == "challenge_handler":
        request.getfixturevalue("challenge_handler")
        challenge_a.refresh_from_db()
    client = client_for(request.getfixturevalue(role))
    get = client.get(url("ideas:challenge_edit", pk=challenge_a.pk))
    assert get.status_code == (200 if status == 302 and role != "anonymous" else status)
    response = client.post(url("ideas:challenge_edit", pk=challenge_a.pk), _edit_post(challenge_a))
    assert response.status_code == status
    challenge_a.refresh_from_db()
    assert (challenge_a.title_en == "How might we meet more often?") is (status == 302 and role != "anonymous")


@pytest.mark.parametrize("language", LANGUAGES)
def test_challenge_edit_page_refuses_a_stale_save_and_keeps_the_typing(
    challenge_a: Challenge, editor_a: Any, admin_a: Any, language: str
) -> None:
    client = client_for(editor_a)
    page = client.get(url("ideas:challenge_edit", language, pk=challenge_a.pk))
    assert page.status_code == 200
    assert challenge_a.title_sv in page.content.decode()
    stale = _edit_post(challenge_a, title_en="My typing")
    challenge_services.challenge_update(
        actor=admin_a,
        challenge=challenge_a,
        data={"title_en": "Colleague's title"},
        expected_version=challenge_services.challenge_version(challenge_a),
    )
    response = client.post(url("ideas:challenge_edit", language, pk=challenge_a.pk), stale)
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        from core.errors import ConflictError

        assert str(ConflictError.message) in html
    assert "My typing" in html
    challenge_a.refresh_from_db()
    assert challenge_a.title_en == "Colleague's title"
    # Saving again, now from the current version, replaces the colleague's change on purpose.
    assert response.context["form"]["version"].value() == challenge_services.challenge_version(challenge_a)
    again = client.post(
        url("ideas:challenge_edit", language, pk=challenge_a.pk),
        stale | {"version": challenge_services.challenge_version(challenge_a)},
    )
    assert again.status_code == 302
    challenge_a.refresh_from_db()
    assert challenge_a.title_en == "My typing"


def test_challenge_edit_page_sets_handlers_and_explains_bad_settings(
    challenge_a: Challenge, editor_a: Any, admin_a: Any, org_b: Organisation
) -> None:
    client = client_for(editor_a)
    response = client.post(
        url("ideas:challenge_edit", "en", pk=challenge_a.pk),
        _edit_post(challenge_a, handlers=[admin_a.pk], co_organisers=org_b.name, audience="partners"),
    )
    assert response.status_code == 200
    assert t("Choose the partners you invite.", "en") in response.content.decode()
    response = client.post(
        url("ideas:challenge_edit", pk=challenge_a.pk),
        _edit_post(challenge_a, handlers=[admin_a.pk], co_organisers=org_b.name),
    )
    assert response.status_code == 302
    assert list(challenge_a.handlers.all()) == [admin_a]
    assert list(challenge_a.co_organisers.all()) == [org_b]
    detail = client.get(url("ideas:detail", pk=challenge_a.pk)).content.decode()
    assert str(org_b) in detail
    form = client.get(url("ideas:challenge_edit", pk=challenge_a.pk)).content.decode()
    assert f"\n{org_b.name}</textarea>" in form
    assert f'<option value="{admin_a.pk}" selected>' in form
    # The handlers are named to the owner's editors, not to the public.
    assert (admin_a.get_full_name() or admin_a.email) in detail
    public = Client().get(url("ideas:detail", pk=challenge_a.pk)).content.decode()
    assert t("Handlers (visible to editors only)", "fi") not in public
    assert url("ideas:challenge_edit", pk=challenge_a.pk) in detail


def test_challenge_list_filters(
    challenge_a: Challenge, staff_challenge_a: Challenge, org_a: Organisation, org_b: Organisation, editor_b: Any
) -> None:
    other = ChallengeFactory.create(
        owner=org_b, actor=editor_b, unnumbered=True, title_fi="Pyöräteiden talvikunnossapito", status="closed"
    )
    Challenge.objects.filter(pk=staff_challenge_a.pk).update(title_fi="Henkilöstön haaste")
    client = client_for(editor_b)

    def titles(**query: Any) -> str:
        response = client.get(url("ideas:list"), query)
        assert response.status_code == 200
        return response.content.decode()

    everything = titles()
    assert challenge_a.title_fi in everything
    assert other.title_fi in everything
    assert "Henkilöstön haaste" not in everything  # org_a's staff only, whatever the filters
    assert "Henkilöstön haaste" not in titles(organisation=org_a.slug, audience="staff")
    assert other.title_fi not in titles(organisation=org_a.slug)
    assert challenge_a.title_fi not in titles(organisation=org_b.slug)
    assert challenge_a.title_fi not in titles(status="closed")
    assert other.title_fi not in titles(status="open")
    # Past its closing date an open challenge takes no ideas: it is listed as closed.
    expired = ChallengeFactory.create(
        owner=org_b, actor=editor_b, unnumbered=True, title_fi="Vanhentunut haaste", closes_on="2020-01-31"
    )
    assert expired.title_fi in titles(status="closed")
    assert expired.title_fi not in titles(status="open")
    listed = {c.pk: c.past_closing for c in selectors.challenge_public_list(user=editor_b)}  # type: ignore[attr-defined]
    assert listed[expired.pk]
    assert not listed[other.pk]
    assert other.title_fi not in titles(audience="staff")
    found = titles(q="talvikunnossa")
    assert other.title_fi in found
    assert challenge_a.title_fi not in found
    assert t("No challenges match the search.", "fi") in titles(q="zzzz")
    # Bad filters are ignored, not errors.
    assert titles(organisation="no-such", audience="martians", status="x", q="y" * 500)
    # A co-organiser finds it under its own name too.
    challenge_services.challenge_update(
        actor=editor_b,
        challenge=other,
        data={"co_organisers": [org_a]},
        expected_version=challenge_services.challenge_version(other),
    )
    assert other.title_fi in titles(organisation=org_a.slug)
