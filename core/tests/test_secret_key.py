"""The development SECRET_KEY (public in this repository) with DEBUG off: nothing that serves or mails starts.
Started for real, in subprocesses with the environment a careless deployment would have."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from config.env import DEVELOPMENT_SECRET_KEY
from config.security import insecure_secret_key

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "x7Qp" * 14


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("debug", "key", "refused"),
    [
        (False, DEVELOPMENT_SECRET_KEY, True),
        (False, "", True),
        (False, "django-insecure-+3k@generated-by-startproject", True),
        (False, GOOD_KEY, False),
        (True, DEVELOPMENT_SECRET_KEY, False),
    ],
)
def test_which_keys_are_refused(debug: bool, key: str, refused: bool) -> None:
    assert insecure_secret_key(debug=debug, secret_key=key) is refused
    with override_settings(DEBUG=debug, SECRET_KEY=key or "x"):
        errors = [m.id for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "innoverkko.E001"]
    assert errors == (["innoverkko.E001"] if refused and key else [])


@pytest.mark.slow
def test_management_commands_and_gunicorns_application_refuse_the_development_key() -> None:
    check = _run("manage.py", "check", DEBUG="false")
    assert check.returncode != 0
    assert "innoverkko.E001" in check.stderr
    # gunicorn imports config.wsgi and runs no system checks.
    wsgi = _run("-c", "import config.wsgi", DEBUG="false")
    assert wsgi.returncode != 0
    assert "ImproperlyConfigured" in wsgi.stderr


@pytest.mark.slow
def test_development_and_production_with_a_key_of_their_own_start() -> None:
    assert _run("manage.py", "check", DEBUG="true").returncode == 0
    production = _run("-c", "import config.wsgi; print('ok')", DEBUG="false", SECRET_KEY=GOOD_KEY)
    assert production.returncode == 0, production.stderr
