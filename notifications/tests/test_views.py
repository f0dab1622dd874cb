"""The preferences page for every role, and the signed link in the mails (also for senders without an account)."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ideas.models import Challenge, Idea
from notifications import services
from notifications.models import Frequency, Preference
from notifications.selectors import Person
from tests.factories import MembershipFactory
from tests.pages import client_for, url

LANGS = ("fi", "sv", "en")


@pytest.fixture
def handler(challenge_a: Challenge) -> Any:
    person: Any = MembershipFactory(organisation=challenge_a.owner).user
    challenge_a.handlers.add(person)
    return person


ROLES = ["registered_user", "sender", "editor_a", "editor_b", "handler", "platform_admin"]


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = client_for(None).get(url("notifications:preferences", "en"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    response = client_for(None).post(url("notifications:preferences", "en"), {"frequency": "none", "language": "fi"})
    assert response.status_code == 302
    assert not Preference.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_signed_in_role_sees_its_own_page_in_each_language(
    role: str, lang: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role)
    response = client_for(user).get(url("notifications:preferences", lang))
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override(lang):
        assert f"<h1>{_('E-mail notifications')}</h1>" in body
        assert _("Save") in body
    assert f'lang="{lang}"' in body


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_changes_only_its_own_preference(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)
    other = request.getfixturevalue("editor_b" if role != "editor_b" else "registered_user")
    response = client_for(user).post(
        url("notifications:preferences", "en"), {"frequency": Frequency.WEEKLY, "language": "sv"}
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=user)
    assert (preference.frequency, preference.language) == (Frequency.WEEKLY, "sv")
    assert not Preference.objects.filter(user=other).exists()


def test_bad_choices_are_named_next_to_the_fields(registered_user: Any) -> None:
    response = client_for(registered_user).post(
        url("notifications:preferences", "en"), {"frequency": "hourly", "language": "de"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("en"):
        assert _("Choose how often from the list.") in body
        assert _("Choose a language from the list.") in body
    assert 'href="#id_frequency' in body
    assert not Preference.objects.exists()


def test_stop_button_sets_never(registered_user: Any) -> None:
    response = client_for(registered_user).post(url("notifications:preferences", "en"), {"stop": "1"})
    assert response.status_code == 302
    assert Preference.objects.get(user=registered_user).frequency == Frequency.NONE


def test_the_signed_link_works_without_an_account(anonymous_idea: Idea) -> None:
    token = services.person_token(Person(email="anna@example.fi"))
    response = client_for(None).get(url("notifications:preferences_link", "sv", token=token))
    assert response.status_code == 200
    assert "anna@example.fi" in response.content.decode()
    response = client_for(None).post(
        url("notifications:preferences_link", "sv", token=token), {"frequency": Frequency.DAILY, "language": "en"}
    )
    assert response.status_code == 302
    preference = Preference.objects.get(email="anna@example.fi")
    assert (preference.user, preference.frequency, preference.language) == (None, Frequency.DAILY, "en")


def test_the_signed_link_changes_the_persons_own_preference_whoever_is_signed_in(sender: Any, editor_b: Any) -> None:
    token = services.person_token(Person(user=sender))
    client_for(editor_b).post(url("notifications:preferences_link", "en", token=token), {"stop": "1"})
    assert Preference.objects.get(user=sender).frequency == Frequency.NONE
    assert not Preference.objects.filter(user=editor_b).exists()


def test_one_click_unsubscribe_from_a_mail_program(sender: Any) -> None:
    token = services.person_token(Person(user=sender))
    client = Client(enforce_csrf_checks=True)
    response = client.post(url("notifications:preferences_link", "en", token=token), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    assert Preference.objects.get(user=sender).frequency == Frequency.NONE


@pytest.mark.parametrize("lang", LANGS)
def test_a_link_with_a_bad_signature_is_refused_clearly(sender: Any, lang: str) -> None:
    token = services.person_token(Person(user=sender))
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (tampered, "nonsense"):
        response = client_for(None).post(
            url("notifications:preferences_link", lang, token=bad), {"frequency": "none", "language": "fi"}
        )
        assert response.status_code == 400
        with translation.override(lang):
            assert _("This link is not valid: it may have been cut short or changed.") in response.content.decode()
    assert not Preference.objects.exists()


def test_a_token_from_another_signing_use_is_refused(sender: Any) -> None:
    from django.core import signing

    other_use = signing.dumps({"u": sender.pk}, salt="something.else")
    assert client_for(None).get(url("notifications:preferences_link", "en", token=other_use)).status_code == 400


def test_profile_page_links_to_the_preferences(registered_user: Any) -> None:
    with translation.override("en"):
        response = client_for(registered_user).get(reverse("accounts:profile"))
    assert url("notifications:preferences", "en") in response.content.decode()


def test_preference_set_needs_a_person(db: None, anonymous: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.preference_set(actor=anonymous, frequency=Frequency.NONE, language="fi")
    assert mail.outbox == []


def test_platform_admin_can_inspect_notifications_in_the_admin(
    platform_admin: Any, idea_a: Idea, editor_a: Any
) -> None:
    services.idea_changed(idea=idea_a, change="state", actor=editor_a)
    client = client_for(platform_admin)
    with translation.override("en"):
        for model in ("notification", "preference"):
            assert client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
