"""Sends the notification mails that wait; run it from cron:

    */10 * * * *  cd /srv/innoverkko && .venv/bin/python manage.py send_notification_digests --frequency immediate
    0 7 * * *     cd /srv/innoverkko && .venv/bin/python manage.py send_notification_digests --frequency daily
    0 7 * * 1     cd /srv/innoverkko && .venv/bin/python manage.py send_notification_digests --frequency weekly

daily and weekly send one summary per person with all of their unsent notifications of that frequency (nobody
gets an empty one); immediate retries the single mails that failed when the change was made. Each notification
is sent once, also when two runs overlap.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.models import Frequency
from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Sends the daily or weekly notification digests, or retries the immediate notifications that failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--frequency",
            required=True,
            choices=[Frequency.IMMEDIATE.value, Frequency.DAILY.value, Frequency.WEEKLY.value],
            help="Which notifications to send.",
        )

    def handle(self, *args: Any, frequency: str, **options: Any) -> None:
        delivery = notifications_send(frequency=frequency)
        self.stdout.write(
            f"{frequency}: {delivery.mails} e-mails with {delivery.notifications} notifications sent, "
            f"{len(delivery.failed)} failed"
        )
        if delivery.failed:
            raise SystemExit(1)  # cron mails the output: somebody should look at the mail server
