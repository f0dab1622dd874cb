"""The account mails (verify an address, someone tried to register with it, an invitation): rendered in the
recipient's language and sent after the response, so that the page never waits for, nor tells of, a mail server."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.after_response import run_after_response

logger = logging.getLogger(__name__)


def absolute_url(language: str, name: str, **kwargs: Any) -> str:
    """The page's address in the given language, on the site's own address (cron and mails have no request)."""
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def mail_later(*, template: str, to: str, language: str, context: dict[str, Any]) -> None:
    """Renders accounts/emails/<template>_subject.txt and <template>.txt in `language` now and sends them after
    the response. A mail server that is down is logged for the administrators; the person can ask again."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string(f"accounts/emails/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/emails/{template}.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    def send() -> None:
        try:
            message.send()
        except Exception:
            logger.exception("The account mail %s could not be sent", template)

    run_after_response(send)
