"""Notifications for the people who handle ideas (a new idea, a report) and for the owners of an adopted
innovation: who is told, once, in their own language, never the person who acted."""

from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from ideas.models import Challenge
from ideas.services import ideas as idea_services
from ideas.services import moderation
from innovations.vocabulary import Novelty, Status
from notifications.models import Change, Frequency, Notification
from organisations.models import Organisation
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MembershipFactory,
    OrganisationFactory,
    PreferenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _to(change: str) -> list[str]:
    return sorted(n.user.email for n in Notification.objects.filter(change=change).select_related("user") if n.user)


@pytest.fixture
def co_organised(challenge_a: Challenge, editor_a: Any) -> dict[str, Any]:
    """challenge_a with a co-organiser (its editor handles; its staff member does not) and a named handler."""
    co = OrganisationFactory.create()
    co_editor = MembershipFactory(organisation=co, role=Role.EDITOR).user
    co_staff = MembershipFactory(organisation=co, role=Role.STAFF).user
    named: Any = UserFactory()
    challenge_a.co_organisers.add(co)
    challenge_a.handlers.add(named)
    return {"co_editor": co_editor, "co_staff": co_staff, "named": named}


def test_a_new_idea_reaches_every_handler_once_and_nobody_else(
    challenge_a: Challenge,
    co_organised: dict[str, Any],
    editor_a: Any,
    admin_a: Any,
    editor_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sender = UserFactory.create()
    # The named handler is also an editor of org_a: told once, not twice.
    MembershipFactory(user=co_organised["named"], organisation=challenge_a.owner, role=Role.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_services.idea_send(actor=sender, title="Penkki puistoon", text="Teksti", challenge=challenge_a)
    expected = sorted([editor_a.email, admin_a.email, co_organised["co_editor"].email, co_organised["named"].email])
    assert _to(Change.NEW_IDEA) == expected
    assert sorted(message.to[0] for message in mail.outbox) == expected
    assert all("Penkki puistoon" in message.body for message in mail.outbox)
    assert all(str(idea.pk) in message.body for message in mail.outbox)  # the link to the idea


def test_a_handler_who_sends_an_idea_is_not_told_of_it(challenge_a: Challenge, editor_a: Any, admin_a: Any) -> None:
    idea_services.idea_send(actor=editor_a, title="Oma idea", text="Teksti", challenge=challenge_a)
    assert _to(Change.NEW_IDEA) == [admin_a.email]


def test_an_idea_without_an_account_is_told_only_when_confirmed_and_only_once(
    challenge_a: Challenge, editor_a: Any, anonymous: Any
) -> None:
    idea = idea_services.idea_send(
        actor=anonymous, challenge=challenge_a, title="Kirjastobussi", text="Bussi", sender_email="anna@example.fi"
    )
    assert not Notification.objects.exists()  # not confirmed: perhaps not even sent by the address's owner
    assert idea_services.idea_confirm(token=idea.confirmation_token) is not None
    assert idea_services.idea_confirm(token=idea.confirmation_token) is None  # the link works once
    assert _to(Change.NEW_IDEA) == [editor_a.email]


def test_an_idea_sent_to_an_organisation_reaches_its_editors(org_b: Organisation, editor_b: Any, editor_a) -> None:
    idea_services.idea_send(actor=UserFactory.create(), title="Idea", text="Teksti", organisation=org_b)
    assert _to(Change.NEW_IDEA) == [editor_b.email]


def test_a_report_reaches_the_handlers_once_without_the_reason(
    challenge_a: Challenge, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    idea = idea_services.idea_send(actor=UserFactory.create(), title="Idea", text="Teksti", challenge=challenge_a)
    Notification.objects.all().delete()
    reporter = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.report_add(actor=reporter, idea=idea, reason="Loukkaava sana: XYZZY")
        moderation.report_add(actor=reporter, idea=idea, reason="Uudestaan")  # the same person: one report
    assert _to(Change.REPORTED) == [editor_a.email]
    [message] = mail.outbox
    assert "XYZZY" not in message.body  # the reason waits in the moderation queue, not in mailboxes


def test_handlers_are_told_in_their_own_language_and_at_their_chosen_frequency(
    challenge_a: Challenge, editor_a: Any, admin_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    PreferenceFactory.create(user=editor_a, frequency=Frequency.IMMEDIATE, language="sv")
    PreferenceFactory.create(user=admin_a, frequency=Frequency.NONE, language="fi")
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.idea_send(actor=UserFactory.create(), title="Idé", text="Teksti", challenge=challenge_a)
    [message] = mail.outbox
    assert message.to == [editor_a.email]
    with translation.override("sv"):
        expected = _("A new idea in the challenge “%(challenge)s” waits for handling.") % {
            "challenge": challenge_a.title_sv
        }
        reason = _("You get these e-mails because you handle ideas sent to your organisation or to its challenges.")
    assert expected in message.body
    assert reason in message.body
    assert "waits for handling" not in message.body  # not the English text


def test_an_adoption_reaches_the_owners_editors_and_administrators_once(
    org_a: Organisation,
    editor_a: Any,
    admin_a: Any,
    org_b: Organisation,
    editor_b: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff: Any = MembershipFactory(organisation=org_a, role=Role.STAFF).user
    source = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED, title_fi="Etähoito")
    PreferenceFactory.create(user=admin_a, frequency=Frequency.IMMEDIATE, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        adoption = AdoptionFactory.create(source=source, adopter=org_b, actor=editor_b, mode=Novelty.ADAPTED)
    assert _to(Change.ADOPTED) == sorted([editor_a.email, admin_a.email])
    assert staff.email not in [m.to[0] for m in mail.outbox]
    assert editor_b.email not in [m.to[0] for m in mail.outbox]  # the adopter's own people are not told
    english = next(m for m in mail.outbox if m.to == [admin_a.email])
    assert f"{org_b.name_en} adapted the innovation for its own use" in english.body
    assert english.subject == f"Innoverkko: news about the innovation “{source.title_en or source.title_fi}”"
    assert source.get_absolute_url().replace("/fi/", "/en/") in english.body
    assert Notification.objects.get(user=admin_a).adoption == adoption


def test_an_adopter_who_is_also_an_editor_of_the_owner_is_not_told(
    org_a: Organisation, editor_a: Any, admin_a: Any, org_b: Organisation
) -> None:
    MembershipFactory(user=editor_a, organisation=org_b, role=Role.EDITOR)
    source = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED)
    AdoptionFactory.create(source=source, adopter=org_b, actor=editor_a)
    assert _to(Change.ADOPTED) == [admin_a.email]


def test_a_daily_digest_mixes_ideas_and_adoptions_in_one_mail(
    challenge_a: Challenge, org_a: Organisation, editor_a: Any, org_b: Organisation, editor_b: Any
) -> None:
    from notifications.services import notifications_send

    PreferenceFactory.create(user=editor_a, frequency=Frequency.DAILY, language="fi")
    idea_services.idea_send(actor=UserFactory.create(), title="Idea yksi", text="Teksti", challenge=challenge_a)
    source = InnovationFactory.create(owner=org_a, actor=editor_a, status=Status.PUBLISHED, title_fi="Etähoito")
    AdoptionFactory.create(source=source, adopter=org_b, actor=editor_b, mode=Novelty.COPIED)
    delivery = notifications_send(frequency=Frequency.DAILY)
    assert (delivery.mails, delivery.notifications) == (1, 2)
    [message] = mail.outbox
    assert "Idea yksi" in message.body
    assert "Etähoito" in message.body
    assert notifications_send(frequency=Frequency.DAILY).mails == 0  # each once
