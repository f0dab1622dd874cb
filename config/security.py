"""Settings that must not reach production: the development SECRET_KEY with DEBUG off.

Everything signed (sessions, password-reset links, the signed links in notification mails, CSRF tokens) can be
forged by whoever knows the key, and the development default is in this public repository. So a process that
serves or mails refuses to start with it unless DEBUG is on: the system check below stops `runserver`, `migrate`
and every management command (cron's mail senders among them) and `manage.py check`; `config/wsgi.py` stops
gunicorn. The test suite runs no system checks and uses the default key on purpose.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from config.env import DEVELOPMENT_SECRET_KEY

HINT = (
    "Set SECRET_KEY to a long random value, e.g. "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))', or DEBUG=true for development."
)


def insecure_secret_key(*, debug: bool, secret_key: str) -> bool:
    """Is this a key anyone can know, in a process that is not a development one?"""
    if debug:
        return False
    key = (secret_key or "").strip()
    # Django's own generated development keys begin with "django-insecure-".
    return not key or key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure")


@checks.register(checks.Tags.security)
def check_secret_key(**kwargs: object) -> list[checks.CheckMessage]:
    if insecure_secret_key(debug=settings.DEBUG, secret_key=settings.SECRET_KEY):
        return [
            checks.Error(
                "DEBUG is off but SECRET_KEY is the development key (or empty): sessions and signed links could be "
                "forged.",
                hint=HINT,
                id="innoverkko.E001",
            )
        ]
    return []


def refuse_insecure_settings() -> None:
    """For entry points that run no system checks (the WSGI application)."""
    if insecure_secret_key(debug=settings.DEBUG, secret_key=settings.SECRET_KEY):
        raise ImproperlyConfigured(f"DEBUG is off but SECRET_KEY is the development key. {HINT}")
