"""The map picker in a browser: clicking the map, the keyboard's way (move the map, put the marker at the centre)
and typing in the fields all keep the map and the latitude/longitude fields in step; the form sends the place;
the send page with the map and the idea page with its small map pass axe. The tiles cannot load here (every
other host is refused), which is also the case the form must survive."""

import re
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.test_accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser
# Finland's box (ideas.models.FINLAND_LAT/LON) with the margin the map lets one move in.
LAT_RANGE = (55.0, 72.5)
LON_RANGE = (10.0, 40.0)


@pytest.fixture
def challenge(scenario: Any) -> Any:
    from ideas.services import challenges as services

    return services.challenge_create(
        actor=scenario.source_editor,
        owner=scenario.source_org,
        data={"title_fi": "Missä puisto tarvitsee penkin?", "title_en": "Where does the park need a bench?"},
    )


def _open(challenge: Any) -> None:
    from ideas.services import challenges as services

    services.challenge_set_status(actor=challenge.owner.memberships.first().user, challenge=challenge, status="open")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _place(page: Page) -> tuple[float, float]:
    return float(page.locator("#id_latitude").input_value()), float(page.locator("#id_longitude").input_value())


def test_map_picker_sets_the_fields_and_passes_axe(
    page: Page, challenge: Any, scenario: Any, url: Any, log_in: Any
) -> None:
    from ideas.models import Idea

    _open(challenge)
    log_in(page, scenario.adopter_editor, next_path=url("ideas:send", pk=challenge.pk))
    picker = page.locator("[data-map-picker]")
    expect(picker).to_be_visible()  # the script drew the map although no tile could load
    the_map = page.get_by_role("application")
    expect(the_map).to_have_attribute("aria-label", re.compile(r"\w"))
    assert_no_axe_violations(page, "send form with the map picker")

    # A click on the map puts the marker there and fills in both fields.
    the_map.click(position={"x": 260, "y": 180})
    expect(page.locator("#id_latitude")).not_to_have_value("")
    lat, lon = _place(page)
    assert LAT_RANGE[0] < lat < LAT_RANGE[1]
    assert LON_RANGE[0] < lon < LON_RANGE[1]
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("[data-map-status]")).to_contain_text(page.locator("#id_latitude").input_value())

    # The keyboard's way: put the marker at the centre, move the map with an arrow key, put it there again.
    centre = page.get_by_role("button", name=re.compile(r"keskel|centre|mitten", re.IGNORECASE))
    centre.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_longitude")).not_to_have_value(str(lon))
    before_lat, before_lon = _place(page)
    the_map.focus()
    for _ in range(2):  # closer in, where the map may move freely inside its bounds
        page.keyboard.press("+")
        page.wait_for_timeout(500)  # Leaflet animates zooming and moving for a quarter of a second
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    centre.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_longitude")).not_to_have_value(str(before_lon))
    after_lat, after_lon = _place(page)
    assert after_lon > before_lon  # the map moved east
    assert abs(after_lat - before_lat) < 0.5
    assert LON_RANGE[0] < after_lon < LON_RANGE[1]

    # Typing in the fields moves the marker; removing the place empties both fields.
    page.locator("#id_latitude").fill("61.49800")
    page.locator("#id_longitude").fill("23.76100")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"poista|remove|ta bort", re.IGNORECASE)).click()
    expect(page.locator("#id_latitude")).to_have_value("")
    expect(page.locator("#id_longitude")).to_have_value("")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(0)

    # Set by the map again and sent: the idea keeps the place the map gave.
    the_map.click(position={"x": 300, "y": 200})
    lat, lon = _place(page)
    page.locator("#id_title").fill("Penkki puistoon")
    page.locator("#id_text").fill("Puiston varjoisalle puolelle tarvitaan penkki.")
    page.locator("#id_image").set_input_files(FilePayload(name="puisto.png", mimeType="image/png", buffer=_png()))
    page.locator("#id_attachment").set_input_files(
        FilePayload(name="luonnos.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4\n%%EOF\n")
    )
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penkki puistoon")
    idea = Idea.objects.get(title="Penkki puistoon")
    assert idea.latitude is not None
    assert idea.longitude is not None
    assert (round(idea.latitude, 5), round(idea.longitude, 5)) == (lat, lon)

    # The idea's page shows the image (named by the idea's title), the attachment's link and the place on a
    # small map; the page passes axe too.
    expect(page.get_by_role("img", name=re.compile(r"\d"))).to_be_visible()
    picture = page.get_by_role("img", name="Penkki puistoon")
    expect(picture).to_be_visible()
    # Visible is only laid out: decode() waits for the bytes (and rejects if they are not an image), so the width
    # read after it is the decoded one, not 0 of an image still loading.
    assert picture.evaluate("image => image.decode().then(() => image.naturalWidth)") == 40
    expect(page.locator("a[download]")).to_contain_text("luonnos.pdf")
    assert_no_axe_violations(page, "idea page with its map")
    assert not page.javascript_errors  # type: ignore[attr-defined]
