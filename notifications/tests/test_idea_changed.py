"""idea_changed: who gets a notification of each change, in which language, and when it is mailed."""

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from ideas.models import Idea, IdeaState
from notifications import services
from notifications.models import FOLLOWER_CHANGES, Change, Frequency, Notification
from tests.factories import PreferenceFactory

pytestmark = pytest.mark.django_db(transaction=False)


def _recipients() -> set[str]:
    return {message.to[0] for message in mail.outbox}


@pytest.mark.parametrize("change", [c for c in Change.values if c in FOLLOWER_CHANGES and c != Change.HIDDEN])
def test_each_change_reaches_sender_and_supporters_once_not_the_actor(
    change: str, idea_a: Idea, sender: Any, supporters: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    actor = supporters[0]
    with django_capture_on_commit_callbacks(execute=True):
        made = services.idea_changed(idea=idea_a, change=change, actor=actor, detail="<b>Hei</b>")
    assert made == 2
    assert _recipients() == {sender.email, supporters[1].email}
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2
    assert all(n.detail == "Hei" for n in Notification.objects.all())
    assert "<b>" not in mail.outbox[0].body


def test_detail_is_plain_text_and_short(
    idea_a: Idea, sender: Any, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_changed(
            idea=idea_a, change=Change.COMMENT, actor=editor_a, detail="<script>x()</script>a < b " + "z" * 900
        )
    notification = Notification.objects.get()
    assert notification.detail.startswith("a < b")
    assert "script" not in notification.detail
    assert len(notification.detail) == services.MAX_DETAIL
    assert "a < b" in mail.outbox[0].body


def test_hidden_reaches_only_the_sender(
    idea_a: Idea, sender: Any, supporters: list[Any], editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Idea.objects.filter(pk=idea_a.pk).update(hidden=True)
    idea_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.idea_changed(idea=idea_a, change=Change.HIDDEN, actor=editor_a) == 1
        assert services.idea_changed(idea=idea_a, change=Change.COMMENT, actor=editor_a) == 0
    assert _recipients() == {sender.email}


def test_unconfirmed_idea_notifies_nobody(unconfirmed_a: Idea) -> None:
    assert services.idea_changed(idea=unconfirmed_a, change=Change.STATE) == 0
    assert not Notification.objects.exists()


def test_sender_who_also_supports_is_notified_once(
    idea_a: Idea, sender: Any, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from ideas.services import ideas as idea_services

    idea_services.support_add(actor=sender, idea=idea_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a) == 1
    assert len(mail.outbox) == 1


def test_no_account_sender_gets_the_mail_in_her_language_with_links(
    anonymous_idea: Idea, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    PreferenceFactory.create(email="anna@example.fi", language="sv")
    Idea.objects.filter(pk=anonymous_idea.pk).update(state=IdeaState.UNDER_REVIEW)
    anonymous_idea.refresh_from_db()
    with override_settings(SITE_URL="https://innoverkko.example.fi"), django_capture_on_commit_callbacks(execute=True):
        assert services.idea_changed(idea=anonymous_idea, change=Change.STATE, actor=editor_a) == 1
    [message] = mail.outbox
    assert message.to == ["anna@example.fi"]
    with translation.override("sv"):
        assert str(IdeaState.UNDER_REVIEW.label) in message.body
        assert _("Read more:") in message.body
    assert f"https://innoverkko.example.fi/sv/challenges/ideas/{anonymous_idea.pk}/" in message.body
    assert "https://innoverkko.example.fi/sv/notifications/preferences/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://innoverkko.example.fi/sv/notifications/")


def test_mail_is_sent_only_after_commit_and_not_on_rollback(idea_a: Idea, editor_a: Any) -> None:
    class RollbackError(Exception):
        pass

    def change_then_fail() -> None:
        with transaction.atomic():
            services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a)
            raise RollbackError

    with pytest.raises(RollbackError):
        change_then_fail()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_preference_frequency_decides(
    idea_a: Idea, sender: Any, supporters: list[Any], editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    PreferenceFactory.create(user=sender, frequency=Frequency.NONE)
    PreferenceFactory.create(user=supporters[0], frequency=Frequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.idea_changed(idea=idea_a, change=Change.COMMENT, actor=editor_a) == 2
    assert _recipients() == {supporters[1].email}
    assert Notification.objects.get(user=supporters[0]).frequency == Frequency.DAILY
    assert not Notification.objects.filter(user=sender).exists()


def test_mail_server_down_keeps_the_notification_for_retry(
    idea_a: Idea, sender: Any, editor_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    failing = "notifications.tests.failing_backend.EmailBackend"
    with override_settings(EMAIL_BACKEND=failing), django_capture_on_commit_callbacks(execute=True):
        assert services.idea_changed(idea=idea_a, change=Change.STATE, actor=editor_a) == 1
    notification = Notification.objects.get()
    assert notification.sent_at is None
    assert notification.claim == ""
    assert notification.attempts == 1
    delivery = services.notifications_send(frequency=Frequency.IMMEDIATE)
    assert (delivery.mails, delivery.notifications) == (1, 1)
    assert _recipients() == {sender.email}
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_unknown_change_is_a_programming_error(idea_a: Idea) -> None:
    with pytest.raises(ValueError, match="unknown change"):
        services.idea_changed(idea=idea_a, change="renamed")
