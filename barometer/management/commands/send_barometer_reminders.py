"""Sends the reminders that are due in every open round; run it daily from cron:

    15 9 * * *  cd /srv/innoverkko && .venv/bin/python manage.py send_barometer_reminders

Reminders go to invitees who have not submitted, at most --max-reminders times and at least --every-days apart
(see barometer.rounds.selectors.reminders_due). Running it twice sends nothing twice.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from barometer.models import Round
from barometer.rounds.selectors import reminders_due
from barometer.rounds.services import MAX_REMINDERS, REMINDER_INTERVAL_DAYS, reminders_send
from barometer.vocabulary import RoundStatus


class Command(BaseCommand):
    help = "Sends the reminders that are due in every open barometer round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every-days", type=int, default=REMINDER_INTERVAL_DAYS, help="Days between two e-mails to one person."
        )
        parser.add_argument(
            "--max-reminders", type=int, default=MAX_REMINDERS, help="Reminders one person gets at most."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count who is due; send nothing.")

    def handle(self, *args: Any, every_days: int, max_reminders: int, dry_run: bool, **options: Any) -> None:
        if every_days < 1 or max_reminders < 0:
            self.stderr.write("--every-days must be at least 1 and --max-reminders at least 0.")
            raise SystemExit(2)
        now = timezone.now()
        failures = 0
        for round in Round.objects.filter(status=RoundStatus.OPEN).order_by("slug"):
            if dry_run:
                due = reminders_due(round=round, now=now, interval_days=every_days, max_reminders=max_reminders)
                self.stdout.write(f"{round.slug}: {due.count()} due")
                continue
            try:
                delivery = reminders_send(round=round, now=now, interval_days=every_days, max_reminders=max_reminders)
            except ValidationError as error:  # e.g. the closing date has passed but nobody closed the round
                self.stdout.write(f"{round.slug}: skipped ({' '.join(error.messages)})")
                continue
            failures += len(delivery.failed)
            self.stdout.write(f"{round.slug}: {delivery.sent} sent, {len(delivery.failed)} failed")
        if failures:
            raise SystemExit(1)  # cron mails the output of a failed job to its owner
