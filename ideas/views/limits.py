"""Rate limits against spam bursts on the idea pages' writes.

Counted per signed-in person, or per address for people without an account: many people behind one address (a
library, an office) who are signed in do not hold each other up. A limit allows a lively discussion, not a script.
The counts are shared by every worker and server (core.limits).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core import limits

SEND_RATE = "10/h"  # ideas, on the pages and through the API together
COMMENT_RATE = "30/h"
SUPPORT_RATE = "60/h"
REPORT_RATE = "10/h"
# Every POST of the send and report forms, counted before the form is checked: a form refused as invalid (a zip
# bomb as its attachment, say) costs the server too, and must not be free. Generous, so that a person correcting
# their mistakes is not held up; completed sendings also count against SEND_RATE.
ATTEMPT_RATE = "30/h"
# Confirmation mails to one address (ideas sent without an account), from however many connections: no more
# than one sender may send in the same time.
CONFIRMATION_RATE_PER_ADDRESS = "10/h"


def over_limit(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Counts this request and tells whether the person (or address) has gone over the rate."""
    return limits.over_limit(request, group=group, rate=rate)


def over_address_limit(request: HttpRequest, *, group: str, rate: str, address: str) -> bool:
    """Counts this request against an e-mail address (lower-cased), whoever sends it."""
    key = address.strip().lower()
    return limits.count(group, "email:" + key, rate).over


def too_many(request: HttpRequest, back: str) -> HttpResponse:
    return render(request, "ideas/moderation/too_many.html", {"back": back, "section": "ideas"}, status=429)


def limited(group: str, rate: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A POST view of one idea (its `pk` in the URL) answers 429 with a way back once the rate is exceeded."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(request, group=group, rate=rate):
                return too_many(request, reverse("ideas:idea", args=[kwargs["pk"]]))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
