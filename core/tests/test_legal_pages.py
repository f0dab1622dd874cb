"""The privacy notice, the accessibility statement and the terms of use: written in each language, with the
operator's details from settings, and linked from the footer of every page."""

from typing import Any

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from core.views import legal_page
from tests.pages import client_for, url

LEGAL = ("privacy", "accessibility", "terms")
HEADINGS = {
    "privacy": {"fi": "Tietosuojaseloste", "sv": "Dataskyddsbeskrivning", "en": "Privacy notice"},
    "accessibility": {"fi": "Saavutettavuusseloste", "sv": "Tillgänglighetsutlåtande", "en": "Accessibility statement"},
    "terms": {"fi": "Käyttöehdot", "sv": "Användarvillkor", "en": "Terms of use"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", LEGAL)
def test_legal_page_is_written_in_the_page_language(page: str, language: str, settings: Any) -> None:
    settings.LEGAL = {**settings.LEGAL, "controller_name": "Esimerkkikaupunki", "contact_email": "dpo@esim.example"}
    response = Client().get(url(f"core:{page}", language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{HEADINGS[page][language]}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert "Esimerkkikaupunki" in html
    # The texts of the other languages are not mixed in.
    for other, heading in HEADINGS[page].items():
        if other != language:
            assert f"<h1>{heading}</h1>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_privacy_notice_has_the_article_13_content(language: str) -> None:
    html = Client().get(url("core:privacy", language)).content.decode()
    # the controller's contact, the DPO, the supervisory authority
    assert "mailto:tietosuoja@innoverkko.example" in html
    assert "mailto:tietosuojavastaava@innoverkko.example" in html
    assert "tietosuoja.fi" in html
    assert "6(1)(e)" in html or "6.1 e" in html or "1 kohdan e" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_accessibility_statement_names_the_law_the_feedback_channel_and_the_authority(language: str) -> None:
    html = Client().get(url("core:accessibility", language)).content.decode()
    assert "306/2019" in html
    assert "WCAG 2.1" in html
    assert "mailto:saavutettavuus@innoverkko.example" in html
    assert "2026-12-07" in html  # prepared on


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "site"),
    [
        ("fi", "https://www.saavutettavuusvaatimukset.fi"),
        ("sv", "https://www.tillganglighetskrav.fi"),
        ("en", "https://www.webaccessibility.fi"),
    ],
)
def test_the_authority_is_traficom_since_2025_with_its_contact_details(language: str, site: str) -> None:
    """Accessibility supervision moved from the Regional State Administrative Agency for Southern Finland to
    Traficom on 1.1.2025 (HE 71/2024); the regional agencies, merged into Lupa- ja valvontavirasto in 2026, have none
    of it. The statement names Traficom, its supervision unit's e-mail, switchboard and site, and no old contact."""
    html = Client().get(url("core:accessibility", language)).content.decode()
    assert "Traficom" in html
    assert 'href="mailto:saavutettavuus@traficom.fi"' in html
    assert "29 534 5000" in html
    assert f'href="{site}"' in html
    assert "avi.fi" not in html
    assert "0295 016 000" not in html
    assert "295 016 000" not in html
    assert "aluehallintovirasto" not in html.lower()
    assert "Regionförvaltningsverket" not in html
    assert "Regional State Administrative" not in html
    assert "{%" not in html
    assert "{#" not in html


def test_unknown_legal_page_is_404() -> None:
    with pytest.raises(Http404):
        legal_page(RequestFactory().get("/"), "cookies")


def _parameterless_page_names() -> list[str]:
    """Every named page under the language prefix whose address needs no parameter."""
    names: list[str] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return sorted(set(names))


def _footer_links(language: str) -> list[str]:
    with translation.override(language):
        return [reverse(f"core:{page}") for page in LEGAL]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "registered_user", "admin_a", "platform_admin"])
def test_every_page_has_the_legal_links_in_its_footer(who: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(who))
    checked = 0
    for name in _parameterless_page_names():
        if name.startswith("admin:") or name in {"set_language", "accounts:logout"}:
            continue  # Django's admin has its own templates; these two only answer POST
        for language in ("fi", "en"):
            try:
                address = url(name, language)
            except NoReverseMatch:  # a pattern with optional parameters
                continue
            if not address.startswith(f"/{language}/"):
                continue  # the API and the identification callbacks are not pages of the site
            response = client.get(address)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            assert '<footer class="site-footer">' in html, f"{address} as {who}: no footer"
            footer = html[html.index('<footer class="site-footer">') :]
            for link in _footer_links(language):
                assert f'href="{link}"' in footer, f"{address} as {who}: no footer link to {link}"
            checked += 1
    assert checked >= 15  # the walk found the site's pages, not nothing


@pytest.mark.django_db
def test_error_pages_have_the_legal_links(client: Client) -> None:
    response = client.get("/fi/no-such-page/")
    assert response.status_code == 404
    for link in _footer_links("fi"):
        assert f'href="{link}"' in response.content.decode()
