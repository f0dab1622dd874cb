"""The services of challenges and ideas: validation, sanitising, confirmation by e-mail, states, comments, supports."""

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import ChangeRecord
from core.errors import ConflictError
from ideas.models import Audience, Challenge, ChallengeStatus, Comment, Idea, IdeaState, Participation, Support
from ideas.services import challenges as challenge_services
from ideas.services import ideas as idea_services
from ideas.tests.conftest import ROLES, XSS_PAYLOADS
from organisations.models import Organisation, OrganisationKind
from tests.factories import ChallengeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


# --- challenges --------------------------------------------------------------------------------------------------


def test_plain_texts_keep_their_characters(challenge_a: Challenge, sender: Any) -> None:
    idea = idea_services.idea_send(actor=sender, challenge=challenge_a, title="Bussit < autot & pyörät", text="T")
    assert idea.title == "Bussit < autot & pyörät"


def test_challenge_create_keeps_three_languages_and_records_the_change(challenge_a: Challenge) -> None:
    assert challenge_a.title_fi.startswith("Miten")
    assert challenge_a.title_sv.startswith("Hur")
    assert challenge_a.title_en.startswith("How")
    assert ChangeRecord.objects.filter(object_id=challenge_a.pk, action="create").exists()


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "editor_b"])
def test_challenge_create_refuses_outsiders(request: pytest.FixtureRequest, org_a: Organisation, role: str) -> None:
    with pytest.raises(PermissionDenied):
        ChallengeFactory.create(owner=org_a, actor=request.getfixturevalue(role), unnumbered=True)
    assert not Challenge.objects.exists()


def test_challenge_create_needs_a_title_and_sane_dates(org_a: Organisation, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, title_fi="", title_sv="", title_en="")
    assert "title_fi" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ChallengeFactory.create(
            owner=org_a, actor=editor_a, unnumbered=True, opens_on="2026-05-01", closes_on="2026-04-01"
        )
    assert "closes_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience="martians")
    assert "audience" in error.value.message_dict
    with pytest.raises(ValidationError):
        ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, owner_id=1)
    assert not Challenge.objects.exists()


def test_challenge_handlers_must_belong_to_the_owner(
    org_a: Organisation, editor_a: Any, admin_a: Any, editor_b: Any
) -> None:
    with pytest.raises(ValidationError):
        challenge_services.challenge_create(actor=editor_a, owner=org_a, data={"title_fi": "X"}, handlers=[editor_b])
    assert not Challenge.objects.exists()
    challenge = challenge_services.challenge_create(
        actor=editor_a, owner=org_a, data={"title_fi": "X"}, handlers=[admin_a]
    )
    assert list(challenge.handlers.all()) == [admin_a]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_challenge_texts_are_neutralised(org_a: Organisation, editor_a: Any, payload: str) -> None:
    challenge = ChallengeFactory.create(
        owner=org_a, actor=editor_a, unnumbered=True, title_fi=f"T {payload}", description_fi=f"<p>D</p>{payload}"
    )
    text = challenge.description_fi
    assert "<script" not in text
    assert "onerror" not in text
    assert "javascript:" not in text
    assert "<iframe" not in text
    assert "onload" not in text
    assert "style=" not in text
    # The title is plain text: real markup is removed; escaped markup stays text, escaped again when shown.
    if "&" not in payload and "<noscript" not in payload:
        assert "<" not in challenge.title_fi


def test_challenge_keeps_every_setting(
    org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any, network_a: Any
) -> None:
    partner = OrganisationFactory(kind=OrganisationKind.COMPANY)
    challenge = ChallengeFactory.create(
        owner=org_a,
        actor=editor_a,
        unnumbered=True,
        audience=Audience.RESIDENTS,
        comment_participation=Participation.STRONG,
        support_participation=Participation.ANYONE,
        network=network_a,
        co_organisers=[org_b],
        municipalities=[org_a, org_b],
        invited_partners=[partner],
        handlers=[editor_b],  # a co-organiser's person
    )
    challenge.refresh_from_db()
    assert (challenge.comment_participation, challenge.support_participation) == ("strong", "anyone")
    assert challenge.network == network_a
    assert list(challenge.co_organisers.all()) == [org_b]
    assert set(challenge.municipalities.all()) == {org_a, org_b}
    assert list(challenge.invited_partners.all()) == [partner]
    assert list(challenge.handlers.all()) == [editor_b]
    record = ChangeRecord.objects.get(object_id=challenge.pk, action="create", content_type__model="challenge")
    assert record.changes["handlers"][1] == [str(editor_b)]


def test_challenge_settings_are_checked(org_a: Organisation, org_b: Organisation, editor_a: Any, editor_b: Any) -> None:
    company = OrganisationFactory(kind=OrganisationKind.COMPANY)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"audience": Audience.RESIDENTS}, "municipalities"),
        ({"audience": Audience.RESIDENTS, "municipalities": [company]}, "municipalities"),
        ({"audience": Audience.PARTNERS}, "invited_partners"),
        ({"co_organisers": [org_a]}, "co_organisers"),
        ({"handlers": [editor_b]}, "handlers"),  # org_b is no organiser of this challenge
        ({"comment_participation": "everybody"}, "comment_participation"),
        ({"unknown_field": 1}, "unknown_field"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, **data)
        assert field in error.value.message_dict, data
    assert not Challenge.objects.exists()


def _update(challenge: Challenge, actor: Any, **data: Any) -> Challenge:
    return challenge_services.challenge_update(
        actor=actor, challenge=challenge, data=data, expected_version=challenge_services.challenge_version(challenge)
    )


@pytest.mark.parametrize("role", [*ROLES, "admin_a"])
def test_challenge_update_per_role(request: pytest.FixtureRequest, challenge_a: Challenge, role: str) -> None:
    actor = request.getfixturevalue(role)
    if role in ("editor_a", "admin_a", "platform_admin"):
        _update(challenge_a, actor, title_en="How might we meet?", status=ChallengeStatus.CLOSED)
    else:
        with pytest.raises(PermissionDenied):
            _update(challenge_a, actor, title_en="How might we meet?", status=ChallengeStatus.CLOSED)
    challenge_a.refresh_from_db()
    changed = role in ("editor_a", "admin_a", "platform_admin")
    assert (challenge_a.title_en == "How might we meet?") is changed
    assert (challenge_a.status == ChallengeStatus.CLOSED) is changed


def test_challenge_update_refuses_a_stale_save(challenge_a: Challenge, editor_a: Any, admin_a: Any) -> None:
    opened = challenge_services.challenge_version(challenge_a)
    _update(challenge_a, admin_a, title_fi="Kollegan otsikko")
    with pytest.raises(ConflictError):
        challenge_services.challenge_update(
            actor=editor_a, challenge=challenge_a, data={"title_fi": "Minun otsikkoni"}, expected_version=opened
        )
    challenge_a.refresh_from_db()
    assert challenge_a.title_fi == "Kollegan otsikko"
    # Starting again from the current version works, and the change log says what changed.
    _update(challenge_a, editor_a, title_fi="Minun otsikkoni", handlers=[admin_a])
    record = ChangeRecord.objects.filter(
        object_id=challenge_a.pk, action="update", content_type__model="challenge"
    ).latest("id")
    assert record.changes["title_fi"] == ["Kollegan otsikko", "Minun otsikkoni"]
    assert record.changes["handlers"] == [None, [str(admin_a)]]


def test_challenge_update_validates_and_saves_nothing_half(challenge_a: Challenge, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _update(challenge_a, editor_a, title_fi="Uusi", audience=Audience.PARTNERS)
    assert "invited_partners" in error.value.message_dict
    with pytest.raises(ValidationError):
        _update(challenge_a, editor_a, title_fi="", title_sv="", title_en="")
    challenge_a.refresh_from_db()
    assert challenge_a.title_fi.startswith("Miten")
    assert challenge_a.audience == Audience.PUBLIC


# --- sending ideas -----------------------------------------------------------------------------------------------


def test_signed_in_idea_is_confirmed_at_once(idea_a: Idea, sender: Any) -> None:
    assert idea_a.confirmed
    assert idea_a.sender == sender
    assert idea_a.sender_email == ""
    assert idea_a.challenge is not None
    assert idea_a.organisation_id == idea_a.challenge.owner_id
    assert idea_a.state == IdeaState.RECEIVED
    assert not mail.outbox


def test_idea_without_account_waits_for_the_confirmation_link(
    challenge_a: Challenge, anonymous: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_services.idea_send(
            actor=anonymous,
            challenge=challenge_a,
            title="Idea",
            text="Teksti",
            sender_email="x@example.fi",
            confirm_url=lambda token: f"https://example.fi/confirm/{token}/",
        )
    assert not idea.confirmed
    assert idea.sender is None
    assert len(idea.confirmation_token) > 30
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["x@example.fi"]
    assert f"https://example.fi/confirm/{idea.confirmation_token}/" in mail.outbox[0].body
    token = idea.confirmation_token
    confirmed = idea_services.idea_confirm(token=token)
    assert confirmed is not None
    assert confirmed.pk == idea.pk
    assert confirmed.confirmed
    # The link works once.
    assert idea_services.idea_confirm(token=token) is None
    assert idea_services.idea_confirm(token="") is None
    assert idea_services.idea_confirm(token="nonsense") is None


@pytest.mark.parametrize("email", ["", "not-an-address", "a@", None])
def test_idea_without_account_needs_an_email_address(challenge_a: Challenge, anonymous: Any, email: Any) -> None:
    with pytest.raises(ValidationError) as error:
        idea_services.idea_send(actor=anonymous, challenge=challenge_a, title="I", text="T", sender_email=email)
    assert "sender_email" in error.value.message_dict
    assert not Idea.objects.exists()


def test_registered_only_challenge_refuses_anonymous_ideas(registered_only_a: Challenge, anonymous: Any) -> None:
    with pytest.raises(PermissionDenied):
        idea_services.idea_send(
            actor=anonymous, challenge=registered_only_a, title="I", text="T", sender_email="x@example.fi"
        )
    assert not Idea.objects.exists()


@pytest.mark.parametrize("status", [ChallengeStatus.DRAFT, ChallengeStatus.CLOSED])
def test_ideas_only_to_open_challenges(org_a: Organisation, editor_a: Any, registered_user: Any, status: str) -> None:
    challenge = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, status=status)
    with pytest.raises(PermissionDenied):
        idea_services.idea_send(actor=registered_user, challenge=challenge, title="I", text="T")


def test_staff_challenge_refuses_outsiders(staff_challenge_a: Challenge, editor_b: Any) -> None:
    assert staff_challenge_a.audience == Audience.STAFF
    with pytest.raises(PermissionDenied):
        idea_services.idea_send(actor=editor_b, challenge=staff_challenge_a, title="I", text="T")


def test_idea_to_an_organisation_without_a_challenge(org_b: Organisation, registered_user: Any) -> None:
    idea = idea_services.idea_send(actor=registered_user, organisation=org_b, title="Suora", text="Ilman haastetta")
    assert idea.challenge is None
    assert idea.organisation == org_b
    with pytest.raises(ValidationError):
        idea_services.idea_send(actor=registered_user, title="Ei kenellekään", text="T")


@pytest.mark.parametrize(
    ("title", "text", "field"),
    [
        ("", "T", "title"),
        ("   ", "T", "title"),
        ("T", "", "text"),
        ("T", "<p> </p>", "text"),
        ("T", "x" * 10_001, "text"),
    ],
)
def test_idea_needs_title_and_text(idea_a: Idea, sender: Any, title: str, text: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        idea_services.idea_send(actor=sender, challenge=idea_a.challenge, title=title, text=text)
    assert field in error.value.message_dict
    assert Idea.objects.count() == 1


@pytest.mark.parametrize(
    ("lat", "lon", "ok"),
    [
        (60.17, 24.94, True),
        (69.9, 27.0, True),
        (52.52, 13.40, False),  # Berlin
        (60.17, None, False),
        (None, 24.94, False),
        (91.0, 24.0, False),
        (None, None, True),
    ],
)
def test_idea_location_must_be_in_finland(
    challenge_a: Challenge, sender: Any, lat: float | None, lon: float | None, ok: bool
) -> None:
    if ok:
        idea = idea_services.idea_send(
            actor=sender, challenge=challenge_a, title="P", text="T", latitude=lat, longitude=lon
        )
        assert (idea.latitude, idea.longitude) == (lat, lon)
    else:
        with pytest.raises(ValidationError) as error:
            idea_services.idea_send(
                actor=sender, challenge=challenge_a, title="P", text="T", latitude=lat, longitude=lon
            )
        assert set(error.value.message_dict) & {"latitude", "longitude"}
        assert not Idea.objects.exists()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_idea_and_comment_texts_are_neutralised(
    challenge_a: Challenge, sender: Any, registered_user: Any, payload: str
) -> None:
    idea = idea_services.idea_send(
        actor=sender, challenge=challenge_a, title=f"Otsikko {payload}", text=f"<p>ok</p>{payload}"
    )
    comment = idea_services.comment_add(actor=registered_user, idea=idea, text=f"hyvä {payload}")
    # Rich texts keep only safe markup. Titles are plain text: markup is removed, and what only looks like markup
    # (escaped in the input) stays text that templates escape when they show it (ideas/tests/test_xss.py).
    for text in (idea.text, comment.text):
        assert "<script" not in text
        assert "onerror" not in text
        assert "javascript:" not in text
        assert "<iframe" not in text
        assert "onload" not in text
        assert "style=" not in text
    if "&" not in payload and "<noscript" not in payload:
        assert "<" not in idea.title


# --- editing, states ---------------------------------------------------------------------------------------------


def test_sender_edits_until_the_idea_is_handled(idea_a: Idea, sender: Any, editor_a: Any) -> None:
    idea_services.idea_edit(actor=sender, idea=idea_a, title="Uusi otsikko", text="Uusi teksti")
    idea_a.refresh_from_db()
    assert idea_a.title == "Uusi otsikko"
    idea_services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        idea_services.idea_edit(actor=sender, idea=idea_a, title="Liian myöhään", text="T")
    idea_a.refresh_from_db()
    assert idea_a.title == "Uusi otsikko"


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "editor_b"])
def test_others_do_not_edit_an_idea(request: pytest.FixtureRequest, idea_a: Idea, role: str) -> None:
    with pytest.raises(PermissionDenied):
        idea_services.idea_edit(actor=request.getfixturevalue(role), idea=idea_a, title="X", text="Y")


def test_handler_moves_the_state_and_a_refusal_needs_a_reason(idea_a: Idea, editor_a: Any) -> None:
    idea_services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.EXPERIMENTING)
    idea_a.refresh_from_db()
    assert idea_a.state == IdeaState.EXPERIMENTING
    with pytest.raises(ValidationError) as error:
        idea_services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.NOT_TAKEN_FORWARD, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        idea_services.idea_set_state(actor=editor_a, idea=idea_a, state="exploded")
    assert "state" in error.value.message_dict
    idea_services.idea_set_state(
        actor=editor_a, idea=idea_a, state=IdeaState.NOT_TAKEN_FORWARD, reason="Ei <b>budjettia</b>"
    )
    idea_a.refresh_from_db()
    assert (idea_a.state, idea_a.state_reason) == (IdeaState.NOT_TAKEN_FORWARD, "Ei budjettia")
    record = ChangeRecord.objects.filter(object_id=idea_a.pk, action="update").order_by("-id").first()
    assert record is not None
    assert record.changes["state"] == ["experimenting", "not_taken_forward"]


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "sender", "editor_b"])
def test_only_handlers_move_the_state(request: pytest.FixtureRequest, idea_a: Idea, role: str) -> None:
    with pytest.raises(PermissionDenied):
        idea_services.idea_set_state(actor=request.getfixturevalue(role), idea=idea_a, state=IdeaState.IN_USE)
    idea_a.refresh_from_db()
    assert idea_a.state == IdeaState.RECEIVED


# --- comments and supports ---------------------------------------------------------------------------------------


def test_comment_needs_text_and_a_signed_in_person(idea_a: Idea, registered_user: Any, anonymous: Any) -> None:
    with pytest.raises(ValidationError):
        idea_services.comment_add(actor=registered_user, idea=idea_a, text="<p></p>")
    with pytest.raises(PermissionDenied):
        idea_services.comment_add(actor=anonymous, idea=idea_a, text="Hei")
    idea_services.comment_add(actor=registered_user, idea=idea_a, text="Hei")
    assert Comment.objects.filter(idea=idea_a).count() == 1


def test_a_comment_tells_the_sender_and_supporters_but_not_the_commenter(
    idea_a: Idea, sender: Any, registered_user: Any, editor_a: Any
) -> None:
    from notifications.models import Notification

    idea_services.support_add(actor=registered_user, idea=idea_a)
    idea_services.comment_add(actor=registered_user, idea=idea_a, text="<p>Hyvä ajatus</p>")
    # Without the comment's text: mails go out before the moderators have seen it (test_hidden_comments.py).
    comments = Notification.objects.filter(change="comment").values_list("user", "change", "detail")
    assert list(comments) == [(sender.pk, "comment", "")]
    idea_services.comment_add(actor=editor_a, idea=idea_a, text="Kiitos!")
    assert set(Notification.objects.filter(change="comment").exclude(user=sender).values_list("user", flat=True)) == {
        registered_user.pk,
    }
    assert Notification.objects.filter(change="comment", user=sender).count() == 2


def test_no_comments_or_supports_on_unconfirmed_ideas(unconfirmed_a: Idea, registered_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        idea_services.comment_add(actor=registered_user, idea=unconfirmed_a, text="Hei")
    with pytest.raises(PermissionDenied):
        idea_services.support_add(actor=registered_user, idea=unconfirmed_a)


def test_one_support_per_person(idea_a: Idea, registered_user: Any, editor_b: Any, anonymous: Any) -> None:
    assert idea_services.support_add(actor=registered_user, idea=idea_a) is True
    assert idea_services.support_add(actor=registered_user, idea=idea_a) is False
    assert idea_services.support_add(actor=editor_b, idea=idea_a) is True
    with pytest.raises(PermissionDenied):
        idea_services.support_add(actor=anonymous, idea=idea_a)
    assert Support.objects.filter(idea=idea_a).count() == 2


def test_closed_challenge_takes_no_more_comments_or_supports(idea_a: Idea, registered_user: Any) -> None:
    Challenge.objects.filter(ideas=idea_a).update(status=ChallengeStatus.CLOSED)
    idea = Idea.objects.select_related("challenge").get(pk=idea_a.pk)
    with pytest.raises(PermissionDenied):
        idea_services.support_add(actor=registered_user, idea=idea)
    with pytest.raises(PermissionDenied):
        idea_services.comment_add(actor=registered_user, idea=idea, text="Hei")


def test_a_failing_mail_server_does_not_lose_the_idea(
    challenge_a: Challenge, anonymous: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(idea_services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_services.idea_send(
            actor=anonymous, challenge=challenge_a, title="I", text="T", sender_email="x@example.fi"
        )
    assert Idea.objects.filter(pk=idea.pk, confirmed=False).exists()
