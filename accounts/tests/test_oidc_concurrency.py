"""The same first sign-in in two tabs at once makes one person with one identity (PostgreSQL, real threads)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import dev_provider as provider_module
from accounts.identity import identity_sign_in
from accounts.models import Identity, User
from tests.concurrency import at_once, postgres_only

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgres_only,
]
THREADS = 6


def test_concurrent_first_sign_ins_make_one_person() -> None:
    provider = provider_module.register_dev_provider(site_url="http://testserver")
    claims = {
        "sub": "dev-race",
        "given_name": "Aino",
        "acr": provider_module.ACR_STRONG,
        provider.municipality_claim: "091",
    }
    results = at_once(lambda _i: identity_sign_in(actor=AnonymousUser(), provider=provider, claims=claims).pk, THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Identity.objects.filter(provider=provider, subject="dev-race").count() == 1
    assert User.objects.filter(identities__subject="dev-race").count() == 1
    assert User.objects.get(pk=results[0]).home_municipality_code == "091"
