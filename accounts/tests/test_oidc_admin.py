"""Identification providers are kept by platform administrators in the Django admin, through the service that
logs each change (never the client secret)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import dev_provider as provider_module
from accounts.identity import identity_provider_save
from accounts.models import IdentityProvider
from audit.models import ChangeRecord
from organisations.models import Organisation
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def _provider(**fields: Any) -> IdentityProvider:
    values = {
        "slug": "suomifi",
        "name": "Suomi.fi",
        "discovery_url": "https://tunnistus.suomi.fi/.well-known/openid-configuration",
        "client_id": "innoverkko",
        "client_secret": "very-secret",
        "scopes": "openid profile",
        "strong_acr_values": provider_module.STRONG_ACR_VALUES,
        "municipality_claim": provider_module.MUNICIPALITY_CLAIM,
    }
    values.update(fields)
    return IdentityProvider(**values)


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "editor_a", "admin_a", "editor_b"])
def test_only_platform_administrators_keep_providers(request: pytest.FixtureRequest, role: str) -> None:
    with pytest.raises(PermissionDenied):
        identity_provider_save(actor=request.getfixturevalue(role), provider=_provider())
    assert not IdentityProvider.objects.exists()


def test_change_log_never_holds_the_secret(platform_admin: Any, org_a: Organisation) -> None:
    provider = identity_provider_save(actor=platform_admin, provider=_provider())
    provider.organisation = org_a
    provider.client_secret = "another-secret"
    identity_provider_save(actor=platform_admin, provider=provider)
    records = ChangeRecord.objects.filter(object_id=provider.pk).order_by("pk")
    assert [r.action for r in records] == ["create", "update"]
    assert "very-secret" not in str([r.changes for r in records])
    assert records[1].changes == {"organisation_id": [None, org_a.pk]}


def test_scopes_must_include_openid(platform_admin: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        identity_provider_save(actor=platform_admin, provider=_provider(scopes="profile"))
    assert "scopes" in refused.value.message_dict


def test_admin_pages(platform_admin: Any, editor_a: Any) -> None:
    client = client_for(platform_admin)
    answer = client.post(
        "/en/admin/accounts/identityprovider/add/",
        {
            "slug": "suomifi",
            "name": "Suomi.fi",
            "discovery_url": "https://tunnistus.suomi.fi/.well-known/openid-configuration",
            "client_id": "innoverkko",
            "client_secret": "s",
            "scopes": "openid profile",
            "strong_acr_values": "",
            "municipality_claim": "",
            "enabled": "on",
            "order": "0",
        },
    )
    assert answer.status_code == 302, answer.content
    assert ChangeRecord.objects.filter(object_id=IdentityProvider.objects.get().pk).exists()
    bad = client.post(
        "/en/admin/accounts/identityprovider/add/",
        {
            "slug": "other",
            "name": "X",
            "discovery_url": "https://x.example/",
            "client_id": "x",
            "scopes": "profile",
            "order": "0",
        },
    )
    assert bad.status_code == 200  # the form again, with the error at the scopes
    assert IdentityProvider.objects.count() == 1
    other = client_for(editor_a)
    assert other.get("/en/admin/accounts/identityprovider/").status_code in (302, 403)


def test_register_dev_provider_is_idempotent(db: None) -> None:
    first = provider_module.register_dev_provider(site_url="http://localhost:8000")
    second = provider_module.register_dev_provider(site_url="http://localhost:8000")
    assert first.pk == second.pk
    assert second.discovery_url == "http://localhost:8000/oidc/dev/.well-known/openid-configuration"
    assert IdentityProvider.objects.count() == 1
