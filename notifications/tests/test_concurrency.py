"""Overlapping digest runs on PostgreSQL, with real threads (each its own connection): every notification is
mailed exactly once. SQLite takes the write lock when a transaction begins (transaction_mode IMMEDIATE), so runs
there take turns, and its in-memory test database is not shared between threads: the sequential overlap is
tested in test_digests.py."""

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connections, transaction
from django.test import override_settings

from accounts.models import User
from ideas.models import Challenge
from ideas.services import ideas as idea_services
from notifications import services
from notifications.models import Change, Frequency, Notification
from tests.concurrency import at_once, postgres_only
from tests.factories import PreferenceFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgres_only,
]
SLOW = "notifications.tests.slow_backend.EmailBackend"
RUNS = 6


def _ideas_with_notifications(challenge: Challenge, actor: User, people: int = 10) -> int:
    # The handler (the actor) wants no news of the new ideas here: these tests count the senders' digests.
    PreferenceFactory.create(user=actor, frequency=Frequency.NONE)
    made = 0
    for index in range(people):
        sender: Any = UserFactory()
        PreferenceFactory.create(user=sender, frequency=Frequency.DAILY)
        idea = idea_services.idea_send(actor=sender, challenge=challenge, title=f"Idea {index}", text="Teksti")
        for change in (Change.STATE, Change.COMMENT):
            made += services.idea_changed(idea=idea, change=change, actor=actor)
    return made


def test_overlapping_runs_send_each_notification_once(challenge_a: Challenge, editor_a: Any) -> None:
    made = _ideas_with_notifications(challenge_a, editor_a)
    with override_settings(EMAIL_BACKEND=SLOW):
        results = at_once(lambda _i: services.notifications_send(frequency=Frequency.DAILY), RUNS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.notifications for r in results) == made == 20
    assert sum(r.mails for r in results) == 10
    assert len(mail.outbox) == 10
    assert len({m.to[0] for m in mail.outbox}) == 10  # one digest per person
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


def test_rows_locked_by_another_run_are_skipped_not_waited_for(challenge_a: Challenge, editor_a: Any) -> None:
    _ideas_with_notifications(challenge_a, editor_a, people=2)
    locked = threading.Event()
    release = threading.Event()
    first_person = Notification.objects.select_related("user").order_by("pk").first()
    assert first_person is not None
    assert first_person.user is not None
    locked_email = first_person.user.email

    def hold() -> None:
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().filter(user=first_person.user))
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        delivery = services.notifications_send(frequency=Frequency.DAILY)
    finally:
        release.set()
        holder.join(timeout=30)
    assert delivery.mails == 1  # the other person only; the locked person's rows wait for the next run
    assert locked_email not in {m.to[0] for m in mail.outbox}
    assert services.notifications_send(frequency=Frequency.DAILY).mails == 1
