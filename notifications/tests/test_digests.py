"""Digests: one mail per person with all of their notifications of that frequency, never empty, each once."""

import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from ideas.models import Challenge, Idea
from ideas.services import ideas as idea_services
from notifications import services
from notifications.models import Change, Frequency, Notification
from notifications.selectors import Person
from notifications.tests.conftest import without_handler_news
from tests.factories import PreferenceFactory, UserFactory

FAILING = "notifications.tests.failing_backend.EmailBackend"


@pytest.fixture
def two_ideas(challenge_a: Challenge, sender: Any, idea_a: Idea) -> list[Idea]:
    second = idea_services.idea_send(actor=sender, challenge=challenge_a, title="Toinen", text="Toinen idea")
    without_handler_news()
    return [idea_a, second]


def test_daily_digest_groups_all_of_a_persons_notifications_in_one_mail(
    two_ideas: list[Idea], sender: Any, editor_a: Any
) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY, language="en")
    for idea in two_ideas:
        services.idea_changed(idea=idea, change=Change.STATE, actor=editor_a)
    services.idea_changed(idea=two_ideas[0], change=Change.COMMENT, actor=editor_a, detail="Hyvä idea!")
    assert mail.outbox == []  # daily: nothing at once

    delivery = services.notifications_send(frequency=Frequency.DAILY)

    assert (delivery.mails, delivery.notifications) == (1, 3)
    [message] = mail.outbox
    assert message.to == [sender.email]
    for idea in two_ideas:
        assert f"“{idea.title}”" in message.body
    assert "Hyvä idea!" in message.body
    with translation.override("en"):
        assert _("Somebody commented on the idea.") in message.body
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_digest_is_never_empty_and_a_second_run_sends_nothing(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.WEEKLY)
    assert services.notifications_send(frequency=Frequency.WEEKLY).mails == 0  # nothing waits: no mail
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    assert services.notifications_send(frequency=Frequency.DAILY).mails == 0  # not this frequency
    assert services.notifications_send(frequency=Frequency.WEEKLY).mails == 1
    assert services.notifications_send(frequency=Frequency.WEEKLY).mails == 0
    assert len(mail.outbox) == 1


def test_one_digest_per_person_in_each_persons_language(
    idea_a: Idea, sender: Any, editor_a: Any, anonymous_idea: Idea
) -> None:
    supporter: Any = UserFactory()
    idea_services.support_add(actor=supporter, idea=idea_a)
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY, language="sv")
    PreferenceFactory.create(user=supporter, frequency=Frequency.DAILY, language="en")
    PreferenceFactory.create(email="anna@example.fi", frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    services.idea_changed(idea=anonymous_idea, change=Change.STATE, actor=editor_a)

    assert services.notifications_send(frequency=Frequency.DAILY).mails == 3

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {sender.email, supporter.email, "anna@example.fi"}
    for address, language in ((sender.email, "sv"), (supporter.email, "en"), ("anna@example.fi", "fi")):
        with translation.override(language):
            assert _("Read more:") in by_address[address].body
            assert f"/{language}/challenges/ideas/" in by_address[address].body


def test_an_overlapping_run_does_not_take_claimed_notifications(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    """A run that has claimed rows and is still mailing them: the other run finds nothing to send."""
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    from django.utils import timezone

    token = services._claim(Frequency.DAILY, None, timezone.now())
    assert Notification.objects.filter(claim=token).count() == 1
    assert services.notifications_send(frequency=Frequency.DAILY).mails == 0
    assert mail.outbox == []
    # A claim left by a run that died is taken again after CLAIM_TIMEOUT.
    later = timezone.now() + services.CLAIM_TIMEOUT * 2
    assert services.notifications_send(frequency=Frequency.DAILY, now=later).mails == 1


def test_failed_digest_is_kept_and_sent_by_the_next_run(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    with override_settings(EMAIL_BACKEND=FAILING):
        delivery = services.notifications_send(frequency=Frequency.DAILY)
    assert delivery.failed == [sender.email]
    assert delivery.mails == 0
    notification = Notification.objects.get()
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert services.notifications_send(frequency=Frequency.DAILY).mails == 1


def test_changing_the_preference_moves_waiting_notifications(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    services.preference_set(actor=sender, frequency=Frequency.NONE, language="fi")
    assert services.notifications_send(frequency=Frequency.DAILY).mails == 0
    services.preference_set(actor=sender, frequency=Frequency.WEEKLY, language="fi")
    assert services.notifications_send(frequency=Frequency.WEEKLY).mails == 1


def test_command_sends_and_reports(idea_a: Idea, sender: Any, editor_a: Any, capsys: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    call_command("send_notification_digests", frequency="daily")
    assert "1 e-mails with 1 notifications sent, 0 failed" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    with override_settings(EMAIL_BACKEND=FAILING):
        services.idea_changed(idea=idea_a, change=Change.COMMENT, actor=editor_a)
        with pytest.raises(SystemExit):
            call_command("send_notification_digests", frequency="daily")


def test_the_mail_links_to_the_persons_own_preferences(anonymous_idea: Idea, editor_a: Any) -> None:
    services.idea_changed(idea=anonymous_idea, change=Change.STATE, actor=editor_a)
    services.notifications_send(frequency=Frequency.IMMEDIATE)
    # The token is timestamped, so the one in the mail is read back rather than made again (a second may pass).
    token = re.search(r"/preferences/([^/\s]+)/", str(mail.outbox[0].body))
    assert token is not None
    assert services.person_from_token(token.group(1)) == Person(email="anna@example.fi")


def test_a_popular_idea_mails_a_few_at_once_and_the_rest_with_the_next_run(
    idea_a: Idea, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for _index in range(services.IMMEDIATE_IN_REQUEST + 5):
        idea_services.support_add(actor=UserFactory.create(), idea=idea_a)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    assert made == services.IMMEDIATE_IN_REQUEST + 6  # the supporters and the sender
    assert len(mail.outbox) == services.IMMEDIATE_IN_REQUEST
    call_command("send_notification_digests", frequency="immediate")
    assert len(mail.outbox) == made
    assert len({message.to[0] for message in mail.outbox}) == made


def test_an_experiments_title_is_said_once(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    from experiments.models import Experiment

    experiment = Experiment.objects.create(title="Kyläkokeilu", owner=idea_a.organisation)
    Idea.objects.filter(pk=idea_a.pk).update(experiment=experiment)
    idea_a.refresh_from_db()
    services.idea_changed(idea=idea_a, change=Change.EXPERIMENT, actor=editor_a, detail="Kyläkokeilu")
    services.notifications_send(frequency=Frequency.IMMEDIATE)
    [message] = mail.outbox
    assert message.body.count("Kyläkokeilu") == 1


def test_an_unreachable_mail_server_keeps_everything_for_the_next_run(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    with override_settings(EMAIL_BACKEND="notifications.tests.failing_backend.UnreachableBackend"):
        delivery = services.notifications_send(frequency=Frequency.DAILY)
    assert delivery.failed == [sender.email]
    notification = Notification.objects.get()
    assert (notification.claim, notification.sent_at, notification.attempts) == ("", None, 1)
    assert services.notifications_send(frequency=Frequency.DAILY).mails == 1


def test_an_address_that_always_fails_is_given_up_after_max_attempts(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    with override_settings(EMAIL_BACKEND=FAILING):
        for _attempt in range(services.MAX_ATTEMPTS):
            assert services.notifications_send(frequency=Frequency.DAILY).failed == [sender.email]
        assert services.notifications_send(frequency=Frequency.DAILY).failed == []
    assert Notification.objects.get().attempts == services.MAX_ATTEMPTS


def test_a_closed_account_is_not_mailed(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
    services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
    sender.is_active = False
    sender.save()
    delivery = services.notifications_send(frequency=Frequency.DAILY)
    assert (delivery.mails, delivery.failed) == (0, [])
    assert mail.outbox == []
    assert Notification.objects.get().frequency == Frequency.NONE
