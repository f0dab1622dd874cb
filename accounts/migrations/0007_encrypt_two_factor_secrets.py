"""Two-step sign-in secrets encrypted at rest (core.encryption): the column is renamed and widened, and every secret
stored in plain text is encrypted with the first key of FIELD_ENCRYPTION_KEYS (or the key derived from SECRET_KEY).
Going back decrypts them again."""

from typing import Any

from django.db import migrations, models


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    from core import encryption

    TwoFactor = apps.get_model("accounts", "TwoFactor")
    for record in TwoFactor.objects.using(schema_editor.connection.alias).all():
        if not encryption.is_encrypted(record.encrypted_secret):
            record.encrypted_secret = encryption.encrypt(record.encrypted_secret)
            record.save(update_fields=["encrypted_secret"])


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    from core import encryption

    TwoFactor = apps.get_model("accounts", "TwoFactor")
    for record in TwoFactor.objects.using(schema_editor.connection.alias).all():
        if encryption.is_encrypted(record.encrypted_secret):
            record.encrypted_secret = encryption.decrypt(record.encrypted_secret)
            record.save(update_fields=["encrypted_secret"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_user_session_salt")]

    operations = [
        migrations.RenameField(model_name="twofactor", old_name="secret", new_name="encrypted_secret"),
        migrations.AlterField(model_name="twofactor", name="encrypted_secret", field=models.TextField(editable=False)),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
