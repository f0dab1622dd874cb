"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from config.security import refuse_insecure_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# gunicorn runs no system checks: the development SECRET_KEY with DEBUG off stops it here (config/security.py).
refuse_insecure_settings()
# Load the URL map now (~0.8 s), not on each worker's first request: with gunicorn's --preload the workers are
# forked with it loaded, so after a restart they answer at once instead of making the first requests wait.
get_resolver().url_patterns  # noqa: B018 - loading the attribute is the point
