"""Re-encrypts every encrypted value with the first key of FIELD_ENCRYPTION_KEYS (core.encryption), so that the
older keys can then be removed from the setting."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import TwoFactor
from core import encryption


class Command(BaseCommand):
    help = "Encrypt every two-step sign-in secret again with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        done, unreadable = 0, []
        for record in TwoFactor.objects.only("pk", "encrypted_secret").iterator():
            try:
                rotated = encryption.rotate(record.encrypted_secret)
            except encryption.DecryptionError:
                unreadable.append(record.pk)
                continue
            TwoFactor.objects.filter(pk=record.pk).update(encrypted_secret=rotated)
            done += 1
        self.stdout.write(f"{done} secrets encrypted with the first key.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} secrets (two-step sign-in rows {unreadable[:20]}) are opened by no key in "
                "FIELD_ENCRYPTION_KEYS; they were left as they were. Put the missing key back and run this again."
            )
