"""The same first sign-in in two tabs at once makes one person with one identity (PostgreSQL, real threads)."""

import threading
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections

from accounts import dev_provider as provider_module
from accounts.identity import identity_sign_in
from accounts.models import Identity, User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL (set DATABASE_URL)"),
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
    results: list[Any] = [None] * THREADS
    barrier = threading.Barrier(THREADS)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = identity_sign_in(actor=AnonymousUser(), provider=provider, claims=claims).pk
        except Exception as error:  # collected and checked below
            results[index] = error
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert Identity.objects.filter(provider=provider, subject="dev-race").count() == 1
    assert User.objects.filter(identities__subject="dev-race").count() == 1
    assert User.objects.get(pk=results[0]).home_municipality_code == "091"
