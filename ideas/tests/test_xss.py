"""Every text people can write in the co-development part, filled with XSS payloads through the services, then
every page (and the feeds) that shows it parsed as a browser parses it (html5lib, the WHATWG algorithm): no script
element of ours, no event handler attribute, no javascript:/vbscript:/data: URL may be found. A substring check
would miss markup that only becomes executable when parsed ("<scr<script>ipt>", mXSS), and would flag harmless
escaped text."""

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import html5lib  # type: ignore[import-untyped]
import pytest
from django.test import Client

from ideas.models import Challenge, ChallengeStatus, Comment, Idea, IdeaState
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from ideas.services import moderation, states
from ideas.tests.conftest import XSS_PAYLOADS
from organisations.models import Organisation
from tests.pages import client_for, url

pytestmark = pytest.mark.django_db

# Attributes whose value is a URL a browser may follow or load.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "codebase"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements that load or run content of their own; none of the site's pages uses them.
EMBEDDING = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
# Harmless as they stand, dangerous after a careless step: written with entities (text that shows as "<script>…",
# a script once somebody unescapes it), or split so that a sanitiser which removes "<script>" once joins it up.
INERT_AS_WRITTEN = {"&lt;script&gt;alert(1)&lt;/script&gt;", "<scr<script>ipt>alert(1)</scr</script>ipt>"}
_CONTROL = re.compile(r"[\x00-\x20]+")


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _own_script(element: ET.Element) -> bool:
    """The site's own scripts: files under /static/, and JSON data blocks that really are JSON."""
    src = element.get("src")
    if src is not None:
        return src.startswith("/static/") and not (element.text or "").strip()
    if (element.get("type") or "").lower() in ("application/json", "application/ld+json"):
        try:
            json.loads(element.text or "")
        except ValueError:
            return False
        return True
    return False


def executable_markup(document: ET.Element) -> list[str]:
    """What in a parsed document could run script: a description of each finding (empty when clean)."""
    found = []
    for element in document.iter():
        tag = _local(element.tag)
        if tag == "script" and not _own_script(element):
            found.append(f"<script> {element.attrib} {element.text!r}")
        if tag in EMBEDDING:
            found.append(f"<{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                found.append(f"<{tag} {attribute}=…>")
            if attribute == "srcdoc":
                found.append(f"<{tag} srcdoc=…>")
            normalised = _CONTROL.sub("", value).lower()
            if attribute in URL_ATTRIBUTES and normalised.startswith(DANGEROUS_SCHEMES):
                found.append(f"<{tag} {attribute}={value!r}>")
            if attribute == "style" and ("javascript:" in normalised or "expression(" in normalised):
                found.append(f"<{tag} style={value!r}>")
        if tag == "style" and "javascript:" in _CONTROL.sub("", element.text or "").lower():
            found.append("<style> with javascript:")
    return found


def parse(markup: str) -> ET.Element:
    """As a browser with JavaScript on parses it (noscript's content is then text: the case that matters)."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    return parser.parse(markup, scripting=True)


def test_the_check_finds_each_payload_written_raw() -> None:
    """The check is not vacuous: every payload, pasted raw into a page, is found (but the two inert as written)."""
    for payload in XSS_PAYLOADS:
        findings = executable_markup(parse(f"<!doctype html><body><p>{payload}</p></body>"))
        assert bool(findings) is (payload not in INERT_AS_WRITTEN), payload


def _world(payload: str, org_a: Organisation, editor_a: Any, sender: Any, commenter: Any) -> dict[str, Any]:
    """Every text field written with the payload, through the services, as people would write them."""
    challenge = challenge_services.challenge_create(
        actor=editor_a,
        owner=org_a,
        data={
            **{f"title_{lang}": f"Haaste {lang} {payload}" for lang in ("fi", "sv", "en")},
            **{f"question_{lang}": f"Kysymys {lang} {payload}" for lang in ("fi", "sv", "en")},
            **{f"description_{lang}": f"<p>Kuvaus {lang}</p>{payload}" for lang in ("fi", "sv", "en")},
            "status": ChallengeStatus.OPEN,
        },
    )
    option = states.idea_state_create(
        actor=editor_a,
        organisation=org_a,
        kind=IdeaState.NOT_TAKEN_FORWARD,
        names={lang: f"Tila {lang} {payload}" for lang in ("fi", "sv", "en")},
    )
    handled = idea_services.idea_send(
        actor=sender, challenge=challenge, title=f"Idea {payload}", text=f"<p>Teksti</p>{payload}"
    )
    idea_services.idea_set_state(actor=editor_a, idea=handled, state=option, reason=f"Perustelu {payload}")
    shown = idea_services.comment_add(actor=commenter, idea=handled, text=f"Kommentti {payload}")
    hidden = idea_services.comment_add(actor=commenter, idea=handled, text=f"Piilotettu {payload}")
    moderation.report_add(actor=commenter, idea=handled, reason=f"Ilmoitus {payload}")
    moderation.report_add(actor=sender, idea=handled, comment=shown, reason=f"Ilmoitus kommentista {payload}")
    moderation.comment_set_hidden(actor=editor_a, comment=hidden, hidden=True, reason=f"Piilotuksen syy {payload}")
    hidden_idea = idea_services.idea_send(
        actor=sender, challenge=challenge, title=f"Toinen {payload}", text=f"T {payload}"
    )
    moderation.idea_set_hidden(actor=editor_a, idea=hidden_idea, hidden=True, reason=f"Idean piilotus {payload}")
    editable = idea_services.idea_send(
        actor=sender, challenge=challenge, title=f"Kolmas {payload}", text=f"K {payload}"
    )
    # Banned words last: the texts above must not trip over them.
    moderation.banned_word_add(actor=editor_a, organisation=org_a, word=f"zqx {payload}"[: moderation.MAX_WORD])
    return {
        "challenge": challenge,
        "handled": handled,
        "shown": shown,
        "hidden": hidden,
        "hidden_idea": hidden_idea,
        "editable": editable,
    }


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_executable_markup_survives_on_any_page(
    payload: str, org_a: Organisation, editor_a: Any, sender: Any, registered_user: Any, anonymous: Any
) -> None:
    world = _world(payload, org_a, editor_a, sender, registered_user)
    challenge: Challenge = world["challenge"]
    handled: Idea = world["handled"]
    shown: Comment = world["shown"]
    hidden: Comment = world["hidden"]
    pages = {
        anonymous: [
            url("ideas:list"),
            url("ideas:detail", pk=challenge.pk),
            url("ideas:detail", "sv", pk=challenge.pk),
            url("ideas:detail", "en", pk=challenge.pk),
            url("ideas:idea", pk=handled.pk),
            url("ideas:idea", "en", pk=handled.pk),
            url("ideas:idea", pk=world["hidden_idea"].pk),
            url("ideas:report", pk=handled.pk),
            url("ideas:comment_report", pk=handled.pk, comment_pk=shown.pk),
        ],
        sender: [
            url("ideas:my_ideas"),
            url("ideas:my_data"),
            url("ideas:edit", pk=world["editable"].pk),
            url("ideas:idea", pk=handled.pk),
        ],
        editor_a: [
            url("ideas:detail", pk=challenge.pk),
            url("ideas:idea", pk=handled.pk),
            url("ideas:idea", "sv", pk=handled.pk),
            url("ideas:idea", pk=world["hidden_idea"].pk),
            url("ideas:moderation"),
            url("ideas:banned_words", organisation_pk=org_a.pk),
            url("ideas:idea_hide", pk=handled.pk),
            url("ideas:comment_hide", pk=handled.pk, comment_pk=hidden.pk),
            url("ideas:challenge_edit", pk=challenge.pk),
            url("ideas:states", slug=org_a.slug),
            url("ideas:merge", pk=handled.pk),
            url("lab:portfolio", organisation_id=org_a.pk),
        ],
    }
    for person, addresses in pages.items():
        client = client_for(person)
        for address in addresses:
            response = client.get(address)
            assert response.status_code == 200, address
            content = response.content.decode()
            # The texts did reach the page (the check below is about them, not about an empty page).
            assert any(marker in content for marker in ("Haaste", "Idea", "Kommentti", "Toinen", "Kolmas")), address
            assert executable_markup(parse(content)) == [], (address, payload)
    # The handlers' pages do show the texts the check is about.
    queue = client_for(editor_a).get(url("ideas:moderation")).content.decode()
    assert "Ilmoitus" in queue
    assert "Kommentti" in queue
    assert "Idean piilotus" in queue
    assert "zqx" in client_for(editor_a).get(url("ideas:banned_words", organisation_pk=org_a.pk)).content.decode()
    assert "Piilotuksen syy" in client_for(editor_a).get(url("ideas:idea", pk=handled.pk)).content.decode()
    assert "Tila fi" in Client().get(url("ideas:idea", pk=handled.pk)).content.decode()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("feed", ["ideas:feed", "ideas:feed_atom"])
def test_feeds_carry_no_executable_markup(
    payload: str, feed: str, org_a: Organisation, editor_a: Any, sender: Any, registered_user: Any
) -> None:
    """Feed readers show an item's title and description (Atom: summary) as HTML once the XML is read: the text
    inside the XML elements is parsed as HTML and checked like a page."""
    _world(payload, org_a, editor_a, sender, registered_user)
    response = Client().get(url(feed))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's feed, in a test)
    atom = feed == "ideas:feed_atom"
    texts = [
        element.text or ""
        for element in root.iter()
        if _local(element.tag) in ("title", "description", "summary", "content", "subtitle")
        # Atom says how to read each text: type="text" (the default) is never HTML; RSS readers take all as HTML.
        and (not atom or element.get("type") == "html")
    ]
    assert any("Haaste" in text or "Kysymys" in text for text in texts)
    for text in texts:
        assert executable_markup(parse(text)) == [], (text, payload)
    # The plain texts arrive as text, the same as written.
    shown = [element.text or "" for element in root.iter() if _local(element.tag) == "title"]
    reader = [html.unescape(text) for text in shown] if not atom else shown
    assert any(text.startswith("Haaste fi") for text in reader)
