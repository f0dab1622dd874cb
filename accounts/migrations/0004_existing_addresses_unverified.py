"""Existing accounts start with unverified addresses: nobody ever proved they read mail at them. The exception is
an account made by signing in with an identification provider whose ID token said `email_verified` (only then did
accounts.identity store the address) and that has no password of its own, so the address is still the one the
provider vouched for. A verified address names one account: when two such accounts share one, the older keeps it."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import migrations
from django.utils import timezone


def mark_provider_addresses_verified(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    Identity = apps.get_model("accounts", "Identity")

    seen: set[str] = set()
    now = timezone.now()
    linked = Identity.objects.values("user_id")
    for user in (
        User.objects.filter(pk__in=linked, password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .exclude(email="")
        .order_by("pk")
    ):
        address = user.email.lower()
        if address in seen:
            continue
        seen.add(address)
        User.objects.filter(pk=user.pk).update(email_verified_at=now)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_email_verification_and_invitations")]

    operations = [migrations.RunPython(mark_provider_addresses_verified, migrations.RunPython.noop)]
