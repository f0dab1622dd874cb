"""The records of tests/api/conftest.py's fixtures, made in one go, for a module-scoped fixture (which cannot take
the function-scoped ones): the people in every role, org_a's published and draft innovation, the partner
university, org_a's network and the theme. Same names, same data, made in the order the fixtures make them."""

from typing import Any

from accounts.models import Role
from core.models import Theme
from innovations.vocabulary import Status
from organisations import services as organisation_services
from organisations.models import Organisation, OrganisationKind
from tests.api.conftest import make_innovation, make_member, make_user


def registry() -> dict[str, Any]:
    org_a = Organisation.objects.get(municipality_code="049")  # Espoo
    platform_admin = make_user("platform-admin", is_superuser=True, is_staff=True)
    theme = Theme.objects.create(slug="wellbeing", name_fi="Hyvinvointi", name_sv="Välfärd", name_en="Wellbeing")
    published_a = make_innovation(org_a, platform_admin, themes=[theme], stage="in_use")
    draft_a = make_innovation(org_a, platform_admin, status=Status.DRAFT, title="Luonnos: koulukyytien reititys")
    org_b = Organisation.objects.get(municipality_code="092")  # Vantaa
    partner_org = organisation_services.organisation_create(
        actor=platform_admin,
        data={
            "kind": OrganisationKind.UNIVERSITY,
            "name_fi": "Testin yliopisto",
            "name_sv": "Testuniversitetet",
            "name_en": "University of Test",
        },
    )
    network_a = organisation_services.network_create(
        actor=platform_admin,
        data={"name_fi": "Testiverkosto", "name_sv": "Testnätverket", "name_en": "Test network", "coordinator": org_a},
    )
    organisation_services.network_member_add(actor=platform_admin, network=network_a, organisation=org_a)
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
