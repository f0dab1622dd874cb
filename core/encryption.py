"""Values encrypted in the database (two-step sign-in secrets): whoever reads a copy of the database (a backup, a
dump given to a developer, an SQL injection) does not get what they need to make the codes.

Fernet from the `cryptography` package (AES-128-CBC with an HMAC-SHA256, so a changed or foreign value is refused,
not decrypted into nonsense), through MultiFernet: the first key of FIELD_ENCRYPTION_KEYS encrypts, every key
decrypts. To rotate, put a new key first and keep the old ones after it, run `manage.py rotate_encryption_keys`
(re-encrypts every value with the first key), then remove the old keys.

Without FIELD_ENCRYPTION_KEYS (development, tests) the key is derived from SECRET_KEY with HKDF-SHA256; a system
check warns when that happens with DEBUG off, because a new SECRET_KEY would then make the values unreadable.
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

HKDF_INFO = b"innoverkko field encryption v1"
HINT = (
    "Set FIELD_ENCRYPTION_KEYS to one or more keys separated by commas, each made with "
    "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'."
)


class DecryptionError(Exception):
    """No key in FIELD_ENCRYPTION_KEYS opens the value: a key was removed or SECRET_KEY changed (the key derived
    from it is then another one), or the value was changed in the database."""


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY (development: nothing to configure)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def configured_keys() -> tuple[str, ...]:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    return keys or (derived_key(settings.SECRET_KEY).decode(),)


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip().encode()))
        except (ValueError, TypeError) as problem:
            # The key itself is never printed: it would end up in logs.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key number {position} is not a Fernet key (32 bytes, URL-safe base64). {HINT}"
            ) from problem
    return MultiFernet(fernets)


def _fernet() -> MultiFernet:
    # Keyed by the keys themselves: a changed setting (a test's override, a rotation) is used at once.
    return _fernet_for(configured_keys())


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as problem:
        raise DecryptionError(
            "No key in FIELD_ENCRYPTION_KEYS opens this value; was a key removed or SECRET_KEY changed?"
        ) from problem


def rotate(token: str) -> str:
    """The value encrypted again with the first key (it may have been encrypted with any of them)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as problem:
        raise DecryptionError("No key in FIELD_ENCRYPTION_KEYS opens this value.") from problem


def is_encrypted(value: str) -> bool:
    """Does the value look like a Fernet token (version byte 0x80)? Used by the migration that encrypts the values
    stored before, so that running it twice does no harm."""
    try:
        return base64.urlsafe_b64decode(value.encode() + b"==")[:1] == b"\x80"
    except (ValueError, TypeError):
        return False


@checks.register(checks.Tags.security)
def check_keys(**kwargs: object) -> list[checks.CheckMessage]:
    try:
        _fernet()
    except ImproperlyConfigured as problem:
        return [checks.Error(str(problem), id="innoverkko.E002")]
    if not settings.FIELD_ENCRYPTION_KEYS and not settings.DEBUG:
        return [
            checks.Warning(
                "FIELD_ENCRYPTION_KEYS is not set: two-step sign-in secrets are encrypted with a key derived from "
                "SECRET_KEY, and a new SECRET_KEY would make them unreadable.",
                hint=HINT,
                id="innoverkko.W002",
            )
        ]
    return []
