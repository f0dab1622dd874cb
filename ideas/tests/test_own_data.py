"""The sender's own data: the signed-in person's page, JSON and CSV exports and deleting everything; the signed,
time-limited link for senders without an account (asking for it reveals nothing, it expires, it is rate-limited);
every role on each page."""

import csv
import io
import json
import re
from typing import Any
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit.models import Action, ChangeRecord
from ideas.models import Challenge, Comment, Idea, Support
from ideas.services import ideas as services
from ideas.services import own_data
from tests.factories import UserFactory as _UserFactory


def person(**fields: Any) -> Any:
    return _UserFactory(**fields)


@pytest.fixture
def person_with_data(challenge_a: Challenge, sender: Any, idea_a: Idea) -> dict[str, Any]:
    """The sender of idea_a also comments on and supports somebody else's idea, and somebody supports theirs."""
    other = services.idea_send(actor=person(), challenge=challenge_a, title="Muiden idea", text="Toisen teksti")
    services.comment_add(actor=sender, idea=other, text="=kommentti")
    services.support_add(actor=sender, idea=other)
    fan = person()
    services.support_add(actor=fan, idea=idea_a)
    services.comment_add(actor=fan, idea=idea_a, text="Tuen")
    return {"sender": sender, "idea": idea_a, "other": other, "fan": fan}


@pytest.fixture
def address_ideas(challenge_a: Challenge, anonymous: Any) -> list[Idea]:
    return [
        services.idea_send(
            actor=anonymous, challenge=challenge_a, title=f"Nimetön {i}", text="Teksti", sender_email="Anon@Example.fi"
        )
        for i in range(2)
    ]


def test_own_data_of_user_holds_ideas_comments_supports(person_with_data: dict[str, Any]) -> None:
    data = own_data.own_data_of_user(user=person_with_data["sender"])
    assert data.ideas == [person_with_data["idea"]]
    assert [c.idea for c in data.comments] == [person_with_data["other"]]
    assert [s.idea for s in data.supports] == [person_with_data["other"]]


def test_json_and_csv_exports(person_with_data: dict[str, Any], client: Client) -> None:
    client.force_login(person_with_data["sender"])
    response = client.get(reverse("ideas:my_data_export", args=["json"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["email"] == person_with_data["sender"].email
    assert [idea["title"] for idea in document["ideas"]] == ["Kylätalo"]
    assert [c["text"] for c in document["comments"]] == ["=kommentti"]
    assert [s["idea_id"] for s in document["supports"]] == [person_with_data["other"].pk]
    response = client.get(reverse("ideas:my_data_export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["kind"] for row in rows] == ["idea", "comment", "support"]
    assert rows[1]["text"] == "'=kommentti"  # neutralised for spreadsheets
    assert client.get(reverse("ideas:my_data_export", args=["xml"])).status_code == 404


def test_delete_everything(person_with_data: dict[str, Any], client: Client) -> None:
    sender, idea, other, fan = (person_with_data[k] for k in ("sender", "idea", "other", "fan"))
    client.force_login(sender)
    confirm = client.get(reverse("ideas:my_data_delete"))
    assert confirm.status_code == 200
    assert not confirm.context["data"].empty
    response = client.post(reverse("ideas:my_data_delete"))
    assert response.status_code == 302
    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert not Comment.objects.filter(author=sender).exists()
    assert not Support.objects.filter(user=sender).exists()
    # Other people's things on other ideas stay; those on the deleted idea go with it.
    assert Idea.objects.filter(pk=other.pk).exists()
    assert not Support.objects.filter(user=fan).exists()
    assert ChangeRecord.objects.filter(object_id=idea.pk, action=Action.DELETE).exists()
    assert own_data.own_data_of_user(user=sender).empty


def test_signed_in_pages_need_an_account(client: Client) -> None:
    for url in (
        reverse("ideas:my_data"),
        reverse("ideas:my_data_export", args=["json"]),
        reverse("ideas:my_data_delete"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert client.post(reverse("ideas:my_data_delete")).status_code == 302


@pytest.mark.parametrize(
    "role", ["registered_user", "sender", "editor_a", "admin_a", "editor_b", "challenge_handler", "platform_admin"]
)
def test_each_person_sees_and_deletes_only_their_own(
    role: str, person_with_data: dict[str, Any], request: pytest.FixtureRequest, client: Client, challenge_a: Challenge
) -> None:
    if role == "challenge_handler":
        actor = person()
        challenge_a.handlers.add(actor)
    else:
        actor = request.getfixturevalue(role)
    client.force_login(actor)
    page = client.get(reverse("ideas:my_data"))
    assert page.status_code == 200
    owns = role == "sender"
    assert ("Kylätalo" in page.content.decode()) == owns
    client.post(reverse("ideas:my_data_delete"))
    assert Idea.objects.filter(pk=person_with_data["idea"].pk).exists() != owns


def test_asking_for_a_link_mails_it_and_reveals_nothing(
    address_ideas: list[Idea], client: Client, challenge_a: Challenge
) -> None:
    mail.outbox.clear()
    known = client.post(reverse("ideas:manage"), {"email": "anon@example.fi"}, follow=True)
    unknown = client.post(reverse("ideas:manage"), {"email": "nobody@example.fi"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    # The same page and message, whichever address (but for the form's fresh CSRF token).
    assert _without_tokens(known.content.decode()) == _without_tokens(unknown.content.decode())
    assert [m.to for m in mail.outbox] == [["anon@example.fi"], ["nobody@example.fi"]]
    link = next(word for word in mail.outbox[0].body.split() if "/manage/" in word)
    assert "/manage/" not in mail.outbox[1].body
    page = client.get(link)
    assert page.status_code == 200
    assert [idea.pk for idea in page.context["data"].ideas] == [idea.pk for idea in address_ideas]


def test_asking_with_a_bad_address(client: Client) -> None:
    with translation.override("en"):
        response = client.post("/en" + reverse("ideas:manage")[3:], {"email": "not an address"})
        expected = _("Enter a valid email address.")
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert mail.outbox == []


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_asking_is_rate_limited_per_address(db: None, client: Client) -> None:
    statuses = [client.post(reverse("ideas:manage"), {"email": "anon@example.fi"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_link_pages_export_and_delete(address_ideas: list[Idea], client: Client, idea_a: Idea) -> None:
    token = own_data.make_token("anon@example.fi")
    document = json.loads(client.get(reverse("ideas:manage_export", args=[token, "json"])).content)
    assert document["email"] == "anon@example.fi"
    assert sorted(i["title"] for i in document["ideas"]) == ["Nimetön 0", "Nimetön 1"]
    csv_text = client.get(reverse("ideas:manage_export", args=[token, "csv"])).content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(csv_text)))) == 2
    assert client.get(reverse("ideas:manage_delete", args=[token])).status_code == 200
    response = client.post(reverse("ideas:manage_delete", args=[token]))
    assert response.status_code == 302
    assert not Idea.objects.filter(pk__in=[i.pk for i in address_ideas]).exists()
    assert Idea.objects.filter(pk=idea_a.pk).exists()  # another person's idea stays


def test_a_link_reaches_only_its_own_address(
    address_ideas: list[Idea], challenge_a: Challenge, anonymous: Any, client: Client
) -> None:
    theirs = services.idea_send(
        actor=anonymous, challenge=challenge_a, title="Toisen", text="Teksti", sender_email="toinen@example.fi"
    )
    token = own_data.make_token("toinen@example.fi")
    page = client.get(reverse("ideas:manage_ideas", args=[token]))
    assert page.context["data"].ideas == [theirs]
    client.post(reverse("ideas:manage_delete", args=[token]))
    assert not Idea.objects.filter(pk=theirs.pk).exists()
    assert Idea.objects.filter(pk__in=[i.pk for i in address_ideas]).count() == 2


def test_an_expired_or_forged_link_is_refused(address_ideas: list[Idea], client: Client) -> None:
    token = own_data.make_token("anon@example.fi")
    forged = signing.dumps("anon@example.fi", salt="something else")
    with translation.override("en"):
        expired_message = _("The link has expired. Ask for a new one.")
        invalid_message = _("The link is not valid. Ask for a new one.")
    later = own_data.LINK_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=__import__("time").time() + later):
        expired = client.get("/en" + reverse("ideas:manage_ideas", args=[token])[3:])
        expired_delete = client.post(reverse("ideas:manage_delete", args=[token]))
    assert expired.status_code == 403
    assert expired_message in expired.content.decode()
    assert expired_delete.status_code == 403
    for bad in (forged, token + "x", "x"):
        response = client.get("/en" + reverse("ideas:manage_ideas", args=[bad])[3:])
        assert response.status_code == 403
        assert invalid_message in response.content.decode()
        assert client.post(reverse("ideas:manage_delete", args=[bad])).status_code == 403
    assert Idea.objects.filter(pk__in=[i.pk for i in address_ideas]).count() == 2


def test_my_ideas_links_to_own_data(sender: Any, client: Client) -> None:
    client.force_login(sender)
    page = client.get(reverse("ideas:my_ideas")).content.decode()
    assert reverse("ideas:my_data") in page
    assert reverse("ideas:manage") in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_pages_in_each_language(language: str, person_with_data: dict[str, Any], client: Client) -> None:
    client.force_login(person_with_data["sender"])
    for url in (reverse("ideas:my_data"), reverse("ideas:my_data_delete"), reverse("ideas:manage")):
        response = client.get(f"/{language}/" + url.split("/", 2)[2])
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
