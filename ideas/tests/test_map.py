"""The map picker on the send form and the small map on an idea's page: the fields stay the way without
JavaScript (in every language, with a decimal comma too), the map is labelled and shown only by the script, the
idea's page gives the place as text and a link beside the map, and the vendored Leaflet is served from our own
static files. (tests/browser/test_idea_map.py drives the map itself in Chromium.)"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ideas.models import Challenge, Idea
from ideas.services import ideas as services
from tests.pages import client_for

pytestmark = pytest.mark.django_db
LANGUAGES = ("fi", "sv", "en")


def _get(path_name: str, language: str, user: Any = None, **kwargs: Any) -> tuple[str, str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    with translation.override(language):
        url = reverse(path_name, kwargs=kwargs)
        return url, client.get(url).content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_send_form_has_the_fields_and_a_labelled_map_for_the_script(challenge_a: Challenge, language: str) -> None:
    _url, page = _get("ideas:send", language, pk=challenge_a.pk)
    with translation.override(language):
        map_label = gettext("Map for choosing the place")
        latitude = gettext("Latitude")
    # The fields, with labels, come first for keyboard and no-JS users ...
    assert re.search(rf'<label for="id_latitude">{latitude}', page)
    assert 'name="latitude"' in page
    assert 'name="longitude"' in page
    # ... the map is hidden until the script draws it, named, and explained.
    picker = re.search(r'<div class="map-picker" data-map-picker hidden[^>]*>', page)
    assert picker
    assert 'data-latitude-input="id_latitude"' in picker.group(0)
    assert f'role="application" aria-label="{map_label}" aria-describedby="map-instructions"' in page
    assert 'id="map-instructions"' in page
    assert page.count('type="button"') >= 2  # the centre and remove buttons do not send the form
    assert 'aria-live="polite" data-map-status' in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/vendor/leaflet/leaflet.css" in page
    assert "/static/ideas/map.js" in page


@pytest.mark.parametrize(
    ("language", "latitude", "longitude"),
    [("fi", "60,17", "24,94"), ("sv", "60,17", "24,94"), ("en", "60.17", "24.94")],
)
def test_the_place_is_sent_through_the_fields_in_the_language(
    challenge_a: Challenge, registered_user: Any, language: str, latitude: str, longitude: str
) -> None:
    client = client_for(registered_user)
    with translation.override(language):
        url = reverse("ideas:send", kwargs={"pk": challenge_a.pk})
    data = {"title": "Penkki", "text": "Penkki puistoon", "latitude": latitude, "longitude": longitude}
    assert client.post(url, data).status_code == 302
    idea = Idea.objects.get()
    assert (idea.latitude, idea.longitude) == (60.17, 24.94)


def test_the_map_pickers_point_form_is_accepted_in_finnish(challenge_a: Challenge, registered_user: Any) -> None:
    client = client_for(registered_user)
    data = {"title": "Penkki", "text": "Penkki puistoon", "latitude": "60.17123", "longitude": "24.94456"}
    assert client.post(reverse("ideas:send", kwargs={"pk": challenge_a.pk}), data).status_code == 302
    assert Idea.objects.get().latitude == 60.17123


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_place_outside_finland_is_a_field_error(challenge_a: Challenge, registered_user: Any, language: str) -> None:
    client = client_for(registered_user)
    with translation.override(language):
        url = reverse("ideas:send", kwargs={"pk": challenge_a.pk})
        expected = gettext("The place must be in Finland.")
    response = client.post(url, {"title": "Berliini", "text": "T", "latitude": "52.5", "longitude": "13.4"})
    assert response.status_code == 200
    assert expected in response.context["form"].errors["latitude"]
    assert not Idea.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_idea_page_shows_the_place_on_a_small_map_with_the_coordinates_and_a_link(
    challenge_a: Challenge, sender: Any, language: str
) -> None:
    idea = services.idea_send(
        actor=sender, challenge=challenge_a, title="Penkki", text="Puistoon", latitude=60.17, longitude=24.94
    )
    _url, page = _get("ideas:idea", language, pk=idea.pk)
    # The script reads the place in the point form whatever the language; people read it in their own.
    figure = re.search(
        r'<div class="idea-map idea-map--small" data-idea-map hidden role="img" aria-label="([^"]+)"', page
    )
    assert figure
    shown = "60,17" if language in ("fi", "sv") else "60.17"
    assert shown in figure.group(1)
    assert 'data-latitude="60.17" data-longitude="24.94"' in page
    assert "https://www.openstreetmap.org/?mlat=60.17&amp;mlon=24.94#map=15/60.17/24.94" in page
    assert 'href="https://www.openstreetmap.org/copyright"' in page
    with translation.override(language):
        assert gettext("Open the place on OpenStreetMap") in page


def test_idea_page_without_a_place_loads_no_map(idea_a: Idea) -> None:
    _url, page = _get("ideas:idea", "fi", pk=idea_a.pk)
    assert "data-idea-map" not in page
    assert "leaflet.js" not in page


def test_leaflet_is_vendored_with_its_licence() -> None:
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon.png", "images/marker-icon-2x.png", "LICENSE"):
        assert finders.find(f"vendor/leaflet/{name}"), name
    licence = Path(str(finders.find("vendor/leaflet/LICENSE"))).read_text()
    assert "Volodymyr Agafonkin" in licence
    script = Path(str(finders.find("ideas/map.js"))).read_text()
    # Tiles from OpenStreetMap's own server, asked with our origin as its tile policy wants (the site sends no
    # Referer elsewhere), and the attribution the licence requires.
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in script
    assert "strict-origin-when-cross-origin" in script
    assert "openstreetmap.org/copyright" in script
