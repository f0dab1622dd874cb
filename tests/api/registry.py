"""The records of tests/api/conftest.py's fixtures, made in one go, for a module-scoped fixture (which cannot take
the function-scoped ones): the people in every role, org_a's published and draft innovation, the partner
university, org_a's network and the theme. Same names, same data, made in the order the fixtures make them."""

from typing import Any

from accounts.models import Role
from organisations.models import Organisation
from tests.api.conftest import (
    make_draft,
    make_innovation,
    make_member,
    make_network,
    make_partner_org,
    make_theme,
    make_user,
)


def registry() -> dict[str, Any]:
    org_a = Organisation.objects.get(municipality_code="049")  # Espoo
    platform_admin = make_user("platform-admin", is_superuser=True, is_staff=True)
    theme = make_theme()
    published_a = make_innovation(org_a, platform_admin, themes=[theme], stage="in_use")
    draft_a = make_draft(org_a, platform_admin)
    org_b = Organisation.objects.get(municipality_code="092")  # Vantaa
    partner_org = make_partner_org(platform_admin)
    network_a = make_network(org_a, platform_admin)
    return {
        "org_a": org_a,
        "org_b": org_b,
        "platform_admin": platform_admin,
        "theme": theme,
        "published_a": published_a,
        "draft_a": draft_a,
        "partner_org": partner_org,
        "network_a": network_a,
        "registered_user": make_user("registered"),
        "editor_a": make_member("editor-a", org_a, Role.EDITOR),
        "admin_a": make_member("admin-a", org_a, Role.ADMIN),
        "editor_b": make_member("editor-b", org_b, Role.EDITOR),
    }
