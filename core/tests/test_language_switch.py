"""The language switch goes to the same page in the chosen language whatever the browser's language and the
language cookie say, and remembers the choice in the cookie (every combination)."""

import itertools

import pytest
from django.test import Client

LANGUAGES = ("fi", "sv", "en")
BROWSERS = ("fi-FI,fi;q=0.9", "sv-FI,sv;q=0.9,en;q=0.5", "en-GB,en;q=0.9", "")
COOKIES = (None, "fi", "sv", "en")


@pytest.mark.django_db
@pytest.mark.parametrize(("accept_language", "cookie"), list(itertools.product(BROWSERS, COOKIES)))
def test_the_switch_goes_to_the_same_page_in_the_chosen_language(accept_language: str, cookie: str | None) -> None:
    for page_language, chosen in itertools.permutations(LANGUAGES, 2):
        client = Client(HTTP_ACCEPT_LANGUAGE=accept_language)
        if cookie:
            client.cookies["django_language"] = cookie
        next_url = f"/{page_language}/innovations/?q=kirjasto&types=service"
        response = client.post("/i18n/setlang/", {"language": chosen, "next": next_url})
        assert response.status_code == 302
        assert response["Location"] == f"/{chosen}/innovations/?q=kirjasto&types=service", (page_language, chosen)
        assert response.cookies["django_language"].value == chosen
        # Remembered: the address without a language now leads to the chosen one.
        assert client.get("/")["Location"] == f"/{chosen}/"


@pytest.mark.django_db
def test_a_page_that_does_not_resolve_still_changes_language() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv-FI")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fi/no-such-page/?x=1"})
    assert response["Location"] == "/en/no-such-page/?x=1"


@pytest.mark.django_db
def test_the_switch_refuses_other_hosts_and_unknown_languages() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv-FI")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/fi/"})
    assert response["Location"] == "/"
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/fi/innovations/"})
    assert response["Location"] == "/fi/innovations/"
    assert "django_language" not in response.cookies
