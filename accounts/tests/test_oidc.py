"""Sign-in with identification: the real authorisation code flow (PKCE, state, nonce, signed ID token) against the
development provider, routed to the Django test client (see conftest.py), and every way it can go wrong."""

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.jwk import RSAKey

from accounts import dev_provider as provider_module
from accounts import identity
from accounts.models import DevAuthorizationCode, Identity, IdentityProvider, Membership, Role, User
from accounts.tests.conftest import SERVER, DjangoClientAdapter, identify, path_of
from accounts.views import SIGN_IN_PROBLEMS
from audit.models import ChangeRecord
from ideas import rules as idea_rules
from ideas.models import Audience, Challenge, Participation
from organisations.models import Organisation
from tests.factories import ChallengeFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def _signed_in_user(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def _problem(reason: str) -> str:
    with translation.override("en"):
        return str(SIGN_IN_PROBLEMS[reason][0])


def test_login_page_lists_the_providers_in_every_language(dev_provider: IdentityProvider) -> None:
    client = Client()
    for language in ("fi", "sv", "en"):
        page = client.get(f"/{language}/accounts/login/")
        assert page.status_code == 200
        with translation.override(language):
            label = _("Sign in with %(name)s") % {"name": dev_provider.name}
        assert label in page.content.decode()
        assert f'action="/{language}/accounts/sign-in/{dev_provider.slug}/"' in page.content.decode()


def test_strong_identification_makes_a_user_with_the_home_municipality(dev_provider: IdentityProvider) -> None:
    client = Client()
    done = identify(client, dev_provider, person="helsinki", level="strong", next_url="/en/challenges/")
    assert done.status_code == 302
    assert done["Location"] == "/en/challenges/"
    user = _signed_in_user(client)
    assert user is not None
    assert (user.first_name, user.last_name) == ("Aino", "Testaaja")
    assert identity.is_strongly_identified(user)
    assert identity.home_municipality_code(user) == "091"
    assert not user.has_usable_password()
    linked = Identity.objects.get(user=user)
    assert (linked.provider, linked.subject, linked.last_acr) == (
        dev_provider,
        "dev-helsinki",
        provider_module.ACR_STRONG,
    )
    assert ChangeRecord.objects.filter(object_id=user.pk, changes__has_key="strongly_identified").exists()


def test_the_person_may_then_take_part_as_a_resident(
    dev_provider: IdentityProvider, editor_a: Any, org_a: Organisation
) -> None:
    helsinki = Organisation.objects.get(municipality_code="091")
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    Challenge.objects.filter(pk=challenge.pk).update(audience=Audience.RESIDENTS, participation=Participation.STRONG)
    challenge.municipalities.add(helsinki)
    challenge = Challenge.objects.get(pk=challenge.pk)
    client = Client()
    identify(client, dev_provider, person="helsinki", level="strong")
    resident = _signed_in_user(client)
    assert resident is not None
    assert resident.has_perm("ideas.send_idea", challenge)
    other = Client()
    identify(other, dev_provider, person="tampere", level="strong")
    stranger = _signed_in_user(other)
    assert stranger is not None
    assert not stranger.has_perm("ideas.send_idea", challenge)
    assert idea_rules.participation_refusal(stranger, challenge, "send")


def test_weak_identification_is_not_strong(dev_provider: IdentityProvider) -> None:
    client = Client()
    done = identify(client, dev_provider, person="espoo", level="weak")
    assert done.status_code == 302
    user = _signed_in_user(client)
    assert user is not None
    assert not identity.is_strongly_identified(user)
    assert identity.home_municipality_code(user) == ""
    assert user.home_municipality_code == ""  # a weak sign-in's word about the home municipality is not kept


def test_the_same_person_signs_in_to_the_same_account(dev_provider: IdentityProvider) -> None:
    first, second = Client(), Client()
    identify(first, dev_provider, person="oulu", level="weak")
    identify(second, dev_provider, person="oulu", level="strong")
    one, two = _signed_in_user(first), _signed_in_user(second)
    assert one is not None
    assert one == two
    assert Identity.objects.filter(provider=dev_provider, subject="dev-oulu").count() == 1
    assert identity.is_strongly_identified(two)
    # Strong once is recorded: a later weak sign-in does not forget when they were strongly identified.
    identify(Client(), dev_provider, person="oulu", level="weak")
    assert User.objects.get(pk=one.pk).strongly_identified_at is not None


def test_a_signed_in_person_links_the_identification_to_their_account(
    dev_provider: IdentityProvider, registered_user: Any
) -> None:
    client = client_for(registered_user)
    done = identify(client, dev_provider, person="vaasa", level="strong")
    assert done.status_code == 302
    assert Identity.objects.get(provider=dev_provider, subject="dev-vaasa").user == registered_user
    assert _signed_in_user(client) == registered_user
    assert identity.home_municipality_code(User.objects.get(pk=registered_user.pk)) == "905"


def test_an_identification_linked_to_another_account_is_refused(
    dev_provider: IdentityProvider, registered_user: Any, editor_b: Any
) -> None:
    identify(Client(), dev_provider, person="tampere")  # makes the person's own account
    client = client_for(registered_user)
    done = identify(client, dev_provider, person="tampere")
    assert done.status_code == 400
    with translation.override("en"):
        expected = _("This identification is already linked to another account. Sign out first to use that account.")
    assert expected in done.content.decode()
    assert _signed_in_user(client) == registered_user  # still the same person, nothing switched
    assert Identity.objects.filter(user=registered_user).count() == 0


def test_staff_provider_makes_staff_members_never_editors(
    dev_provider: IdentityProvider, org_a: Organisation, editor_a: Any
) -> None:
    staff_provider = IdentityProvider.objects.create(
        slug="org-a-staff",
        name="Org A staff",
        discovery_url=dev_provider.discovery_url,
        client_id=dev_provider.client_id,
        client_secret=dev_provider.client_secret,
        organisation=org_a,
    )
    client = Client()
    identify(client, staff_provider, person="espoo", level="weak")
    staff = _signed_in_user(client)
    assert staff is not None
    assert Membership.objects.get(user=staff, organisation=org_a).role == Role.STAFF
    assert not staff.has_perm("ideas.add_challenge_for", org_a)
    assert not identity.is_strongly_identified(staff)  # a staff provider with no strong acr values
    # An editor who signs in through it stays an editor.
    editor_client = client_for(editor_a)
    identify(editor_client, staff_provider, person="oulu", level="weak")
    assert Membership.objects.get(user=editor_a, organisation=org_a).role == Role.EDITOR


def test_unknown_and_disabled_providers(dev_provider: IdentityProvider) -> None:
    client = Client()
    answer = client.post("/en/accounts/sign-in/no-such-provider/")
    assert answer.status_code == 404
    assert _problem("unknown") in answer.content.decode()
    IdentityProvider.objects.filter(pk=dev_provider.pk).update(enabled=False)
    assert client.post(f"/en/accounts/sign-in/{dev_provider.slug}/").status_code == 404
    assert client.get(f"/oidc/callback/{dev_provider.slug}/?code=x&state=y").status_code == 404


def test_state_mismatch_and_a_replayed_callback_are_refused(dev_provider: IdentityProvider) -> None:
    client = Client()
    start = client.post(f"/en/accounts/sign-in/{dev_provider.slug}/")
    chosen = client.post(path_of(start["Location"]), {"person": "helsinki", "level": "strong", "action": "identify"})
    callback = urlsplit(chosen["Location"])
    params = parse_qs(callback.query)
    forged = client.get(f"{callback.path}?code={params['code'][0]}&state=not-the-state")
    assert forged.status_code == 400
    assert _problem("state") in forged.content.decode()
    # Another browser (no sign-in started there) cannot use the code either.
    assert Client().get(path_of(chosen["Location"])).status_code == 400
    assert _signed_in_user(client) is None


def test_a_code_is_exchanged_once(dev_provider: IdentityProvider) -> None:
    client = Client()
    start = client.post(f"/en/accounts/sign-in/{dev_provider.slug}/")
    chosen = client.post(path_of(start["Location"]), {"person": "helsinki", "level": "strong", "action": "identify"})
    assert client.get(path_of(chosen["Location"])).status_code == 302
    # Same browser, same callback again: the state was used up (and the provider forgot the code).
    again = client.get(path_of(chosen["Location"]))
    assert again.status_code == 400
    assert not DevAuthorizationCode.objects.exists()  # the provider kept the code until its one exchange


def test_cancelled_identification(dev_provider: IdentityProvider) -> None:
    client = Client()
    done = identify(client, dev_provider, action="cancel")
    assert done.status_code == 400
    assert _problem("cancelled") in done.content.decode()
    assert _signed_in_user(client) is None


def _replace_id_token(provider_http: DjangoClientAdapter, make: Any) -> None:
    def rewrite(path: str, body: dict[str, Any]) -> dict[str, Any]:
        if path.endswith("/token/") and "id_token" in body:
            original = jwt.decode(body["id_token"], provider_module.signing_key())
            body["id_token"] = make(dict(original.claims), dict(original.header))
        return body

    provider_http.rewrite = rewrite


@pytest.mark.parametrize(
    "case",
    ["forged_signature", "expired", "wrong_nonce", "wrong_audience", "wrong_issuer"],
)
def test_a_bad_id_token_is_refused(
    dev_provider: IdentityProvider, provider_http: DjangoClientAdapter, case: str
) -> None:
    real_key = provider_module.signing_key()

    def make(claims: dict[str, Any], header: dict[str, Any]) -> str:
        key = real_key
        if case == "forged_signature":
            key = RSAKey.generate_key(2048, private=True)  # same kid in the header, another key
            claims["sub"] = "dev-somebody-else"
        elif case == "expired":
            claims["exp"] = int(time.time()) - 3600
            claims["iat"] = int(time.time()) - 7200
        elif case == "wrong_nonce":
            claims["nonce"] = "replayed-nonce"
        elif case == "wrong_audience":
            claims["aud"] = ["another-client"]
        elif case == "wrong_issuer":
            claims["iss"] = "http://evil.example/"
        return jwt.encode(header, claims, key)

    _replace_id_token(provider_http, make)
    client = Client()
    done = identify(client, dev_provider)
    assert done.status_code == 400
    assert _problem("token") in done.content.decode()
    assert _signed_in_user(client) is None
    assert not Identity.objects.exists()


def test_provider_down_when_the_sign_in_starts(db: None, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    provider = IdentityProvider.objects.create(
        slug="down",
        name="Down",
        discovery_url="http://127.0.0.1:9/.well-known/openid-configuration",  # the discard port: nobody answers
        client_id="x",
    )
    answer = Client().post(f"/en/accounts/sign-in/{provider.slug}/")
    assert answer.status_code == 502
    assert _problem("unavailable") in answer.content.decode()


def test_provider_down_when_the_code_is_exchanged(
    dev_provider: IdentityProvider, provider_http: DjangoClientAdapter
) -> None:
    provider_http.down.add("/oidc/dev/token/")
    client = Client()
    done = identify(client, dev_provider)
    assert done.status_code == 502
    assert _problem("unavailable") in done.content.decode()
    assert _signed_in_user(client) is None


def test_wrong_client_secret_is_refused_by_the_provider(dev_provider: IdentityProvider) -> None:
    IdentityProvider.objects.filter(pk=dev_provider.pk).update(client_secret="wrong")
    provider = IdentityProvider.objects.get(pk=dev_provider.pk)
    client = Client()
    done = identify(client, provider)
    assert done.status_code == 400
    assert _problem("refused") in done.content.decode()


def test_provider_requires_pkce_and_its_own_callback(dev_provider: IdentityProvider) -> None:
    client = Client()
    start = client.post(f"/en/accounts/sign-in/{dev_provider.slug}/")
    params = parse_qs(urlsplit(start["Location"]).query)
    assert params["code_challenge_method"] == ["S256"]
    assert params["code_challenge"][0]
    assert params["nonce"][0]
    assert params["state"][0]
    chosen = client.post(path_of(start["Location"]), {"person": "helsinki", "level": "strong", "action": "identify"})
    code = parse_qs(urlsplit(chosen["Location"]).query)["code"][0]
    server = Client()
    no_verifier = server.post(
        "/oidc/dev/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": params["redirect_uri"][0],
            "client_id": dev_provider.client_id,
            "client_secret": dev_provider.client_secret,
        },
    )
    assert no_verifier.status_code == 400
    assert no_verifier.json()["error"] == "invalid_request"
    foreign = client.get(path_of(start["Location"]).replace("testserver", "evil.example"))
    assert foreign.status_code == 400
    elsewhere = start["Location"].replace(
        "redirect_uri=http%3A%2F%2Ftestserver", "redirect_uri=http%3A%2F%2Fevil.example"
    )
    assert client.get(path_of(elsewhere)).status_code == 400


def test_provider_page_asks_for_a_choice(dev_provider: IdentityProvider) -> None:
    client = Client()
    start = client.post(f"/en/accounts/sign-in/{dev_provider.slug}/")
    answer = client.post(path_of(start["Location"]), {"action": "identify"})
    assert answer.status_code == 400
    with translation.override("en"):
        assert _("Choose a test person.") in answer.content.decode()


def test_the_development_provider_is_off_unless_switched_on(db: None, settings: Any) -> None:
    settings.DEV_IDENTIFICATION_PROVIDER = False
    client = Client()
    for path in ("/oidc/dev/.well-known/openid-configuration", "/oidc/dev/jwks/", "/oidc/dev/authorize/"):
        assert client.get(path).status_code == 404
    assert client.post("/oidc/dev/token/").status_code == 404


def test_discovery_document_names_the_endpoints(dev_provider: IdentityProvider) -> None:
    document = Client().get("/oidc/dev/.well-known/openid-configuration").json()
    assert document["issuer"] == SERVER + "/oidc/dev"
    assert document["token_endpoint"] == SERVER + "/oidc/dev/token/"
    assert document["code_challenge_methods_supported"] == ["S256"]
    keys = Client().get("/oidc/dev/jwks/").json()["keys"]
    assert len(keys) == 1
    assert "d" not in keys[0]


def test_profile_shows_the_identification(dev_provider: IdentityProvider) -> None:
    client = Client()
    identify(client, dev_provider, person="helsinki", level="strong")
    page = client.get("/en/accounts/profile/").content.decode()
    assert "Helsinki" in page
    with translation.override("en"):
        assert _("Identification") in page


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("http://localhost:8000/oidc/callback/dev-identification/", True),  # a port, as in `make demo`
        ("https://testserver/oidc/callback/suomifi/", True),
        ("http://evil.example:8000/oidc/callback/dev-identification/", False),
        ("http://localhost:8000/en/accounts/profile/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_provider_sends_back_only_to_the_platforms_callback(settings: Any, uri: str, allowed: bool) -> None:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    assert provider_module.DevClient().check_redirect_uri(uri) is allowed


def test_no_redirect_to_another_site_after_sign_in(dev_provider: IdentityProvider) -> None:
    done = identify(Client(), dev_provider, next_url="https://evil.example/steal")
    assert done.status_code == 302
    assert done["Location"].startswith("/")
    assert "evil.example" not in done["Location"]


def test_user_admin_shows_the_identification(dev_provider: IdentityProvider, platform_admin: Any) -> None:
    client = Client()
    identify(client, dev_provider, person="helsinki")
    person = _signed_in_user(client)
    assert person is not None
    admin = client_for(platform_admin)
    page = admin.get(f"/en/admin/accounts/user/{person.pk}/change/")
    assert page.status_code == 200
    assert "091" in page.content.decode()
    assert 'name="home_municipality_code"' not in page.content.decode()  # shown, not editable


def test_provider_page_speaks_the_persons_language(dev_provider: IdentityProvider) -> None:
    client = Client()
    start = client.post(f"/sv/accounts/sign-in/{dev_provider.slug}/")
    assert parse_qs(urlsplit(start["Location"]).query)["ui_locales"] == ["sv"]
    page = client.get(path_of(start["Location"])).content.decode()
    assert 'lang="sv"' in page
