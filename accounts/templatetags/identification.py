"""{% identification_buttons next_url %}: a "Sign in with …" button for each identification provider in use, for
pages that tell a person to identify themselves (e.g. a challenge that asks for strong identification)."""

from typing import Any

from django import template

from accounts.models import IdentityProvider

register = template.Library()


@register.inclusion_tag("accounts/_identification_buttons.html", takes_context=True)
def identification_buttons(context: Any, next_url: str = "") -> dict[str, Any]:
    return {
        "providers": list(IdentityProvider.objects.filter(enabled=True)),
        "next": next_url,
        "csrf_token": context.get("csrf_token"),
    }
