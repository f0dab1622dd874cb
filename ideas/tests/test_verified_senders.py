"""A signed-in person whose e-mail address is not verified sends no ideas, comments or supports, on the pages or
through the API, and is told how to verify it (with a button that sends the link again)."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import IdentityProvider, Membership, Role
from ideas.models import Comment, Idea, Support
from ideas.services import ideas as services
from tests.factories import UserFactory
from tests.pages import token_client, url

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def unverified() -> Any:
    return UserFactory(email_verified_at=None)


@pytest.fixture
def idea(challenge_a: Any, editor_a: Any) -> Idea:
    return services.idea_send(actor=UserFactory.create(), challenge=challenge_a, title="Lukunurkka", text="Kirjastoon")


def _page_writes(client: Client, challenge: Any, idea: Idea, org: Any) -> dict[str, int]:
    return {
        "send": client.post(url("ideas:send", "en", pk=challenge.pk), {"title": "Roska", "text": "Roskaa"}).status_code,
        "send_to_organisation": client.post(
            url("ideas:send_to_organisation", "en", organisation_pk=org.pk), {"title": "Roska", "text": "Roskaa"}
        ).status_code,
        "comment": client.post(url("ideas:comment", "en", pk=idea.pk), {"text": "Roskaa"}).status_code,
        "support": client.post(url("ideas:support", "en", pk=idea.pk)).status_code,
    }


def _api_writes(client: Client, challenge: Any, idea: Idea, org: Any) -> dict[str, int]:
    def post(path: str, data: Any = None) -> int:
        return client.post(API + path, data or {}, content_type="application/json").status_code

    return {
        "send": post(f"/challenges/{challenge.pk}/ideas", {"title": "Roska", "text": "Roskaa"}),
        "send_to_organisation": post("/ideas", {"organisation": org.pk, "title": "Roska", "text": "Roskaa"}),
        "comment": post(f"/ideas/{idea.pk}/comments", {"text": "Roskaa"}),
        "support": post(f"/ideas/{idea.pk}/support"),
    }


def _nothing_stored(user: Any) -> bool:
    return not (
        Idea.objects.filter(sender=user).exists()
        or Comment.objects.filter(author=user).exists()
        or Support.objects.filter(user=user).exists()
    )


def test_an_unverified_person_sends_nothing_through_the_pages(client, unverified, challenge_a, idea, org_a):
    client.force_login(unverified)
    assert set(_page_writes(client, challenge_a, idea, org_a).values()) == {403}
    assert _nothing_stored(unverified)


def test_an_unverified_person_sends_nothing_through_the_api(unverified, challenge_a, idea, org_a):
    client = token_client(unverified)
    answers = _api_writes(client, challenge_a, idea, org_a)
    assert set(answers.values()) == {403}, answers
    assert _nothing_stored(unverified)
    refused = client.post(API + f"/ideas/{idea.pk}/support", HTTP_ACCEPT_LANGUAGE="en")
    assert "Verify your e-mail address" in refused.content.decode()


def test_once_verified_the_same_person_sends(client, unverified, challenge_a, idea, org_a):
    unverified.email_verified_at = timezone.now()
    unverified.save()
    client.force_login(unverified)
    answers = _page_writes(client, challenge_a, idea, org_a)
    assert set(answers.values()) == {302}, answers
    assert Idea.objects.filter(sender=unverified).count() == 2
    assert Comment.objects.filter(author=unverified).exists()
    assert Support.objects.filter(user=unverified).exists()


def test_a_person_an_identification_provider_knows_sends_without_a_verified_address(client, challenge_a, idea):
    person = UserFactory(email="", email_verified_at=None)
    provider = IdentityProvider.objects.create(
        slug="p", name="P", discovery_url="https://p.example/.well-known/openid-configuration", client_id="c"
    )
    person.identities.create(provider=provider, subject="s")
    client.force_login(person)
    assert client.post(url("ideas:comment", "en", pk=idea.pk), {"text": "Hyvä"}).status_code == 302


def test_the_pages_say_what_to_do_and_offer_to_send_the_link_again(client, unverified, challenge_a, idea):
    client.force_login(unverified)
    for page in (
        client.get(url("ideas:detail", "en", pk=challenge_a.pk)),
        client.get(url("ideas:idea", "en", pk=idea.pk)),
    ):
        content = page.content.decode()
        assert "Verify your e-mail address first" in content
        assert unverified.email in content
        assert url("accounts:verification_resend", "en") in content
    refused = client.get(url("ideas:send", "en", pk=challenge_a.pk))
    assert refused.status_code == 403
    assert url("accounts:verification_resend", "en") in refused.content.decode()


def test_without_an_account_ideas_are_still_confirmed_by_mail(client, challenge_a, mailoutbox):
    response = client.post(
        url("ideas:send", "en", pk=challenge_a.pk),
        {"title": "Ilman tiliä", "text": "Teksti", "sender_email": "a@example.fi"},
    )
    assert response.status_code == 302
    assert Idea.objects.filter(title="Ilman tiliä", confirmed=False).exists()


def test_handlers_answer_comments_whatever_their_address(client, idea, org_a):
    handler = UserFactory(email_verified_at=None)
    Membership.objects.create(user=handler, organisation=org_a, role=Role.EDITOR)
    client.force_login(handler)
    assert client.post(url("ideas:comment", "en", pk=idea.pk), {"text": "Kiitos ideasta"}).status_code == 302
