"""Moderation: reports, the handlers' queue, hiding with a reason, dismissing, banned words, and the rate limits
against spam bursts — the services, the pages, and every role × action on both."""

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from audit.models import ChangeRecord
from ideas.models import BannedWord, Challenge, Comment, Idea, Report, ReportStatus
from ideas.selectors import ideas as selectors
from ideas.selectors import moderation as moderation_selectors
from ideas.services import ideas as services
from ideas.services import moderation
from ideas.views.limits import COMMENT_RATE, REPORT_RATE, SEND_RATE, SUPPORT_RATE
from organisations.models import Organisation
from tests.concurrency import at_once, postgres_only
from tests.factories import ChallengeFactory, MembershipFactory, UserFactory
from tests.pages import client_for, t, url

pytestmark = pytest.mark.django_db
LANGUAGES = ("fi", "sv", "en")
# Everyone whose permission the moderation actions are checked for (tests/fixtures.py, ideas/tests/conftest.py and
# named_handler below).
ROLES = ("anonymous", "registered_user", "sender", "editor_a", "admin_a", "editor_b", "named_handler", "platform_admin")
HANDLERS = {"editor_a", "admin_a", "named_handler", "platform_admin"}


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


@pytest.fixture
def named_handler(challenge_a: Challenge, org_a: Organisation) -> Any:
    """A staff member of org_a (not an editor) named as a handler of challenge_a: handles its ideas only."""
    person: Any = MembershipFactory(organisation=org_a, role=Role.STAFF).user
    challenge_a.handlers.add(person)
    return person


@pytest.fixture
def comment_a(idea_a: Idea, registered_user: Any) -> Comment:
    return services.comment_add(actor=registered_user, idea=idea_a, text="<p>Asiaton kommentti</p>")


@pytest.fixture
def idea_b(org_b: Organisation, editor_b: Any, sender: Any) -> Idea:
    challenge = ChallengeFactory.create(owner=org_b, actor=editor_b, unnumbered=True)
    return services.idea_send(actor=sender, challenge=challenge, title="Idea B", text="B:n idea")


# --- reports: services -----------------------------------------------------------------------------------------------


def test_a_person_reports_the_same_thing_once(idea_a: Idea, comment_a: Comment, registered_user: Any) -> None:
    report, created = moderation.report_add(actor=registered_user, idea=idea_a, reason="<b>Roskapostia</b>")
    assert created
    assert report.reason == "Roskapostia"
    assert report.status == ReportStatus.OPEN
    assert report.reporter == registered_user
    again, created = moderation.report_add(actor=registered_user, idea=idea_a, reason="Uudestaan")
    assert not created
    assert again.pk == report.pk
    # The comment is another thing to report.
    _, created = moderation.report_add(actor=registered_user, idea=idea_a, comment=comment_a, reason="Asiaton")
    assert created
    assert Report.objects.count() == 2
    assert ChangeRecord.objects.filter(object_id=report.pk, content_type__model="report").exists()


def test_report_needs_a_reason_of_sensible_length(idea_a: Idea, registered_user: Any) -> None:
    with pytest.raises(ValidationError) as error:
        moderation.report_add(actor=registered_user, idea=idea_a, reason="  <script></script> ")
    assert "reason" in messages_of(error.value)
    with pytest.raises(ValidationError) as error:
        moderation.report_add(actor=registered_user, idea=idea_a, reason="x" * (moderation.MAX_REASON + 1))
    assert "reason" in messages_of(error.value)
    assert not Report.objects.exists()


def test_report_of_a_comment_through_another_idea_is_refused(
    idea_a: Idea, idea_b: Idea, comment_a: Comment, registered_user: Any
) -> None:
    with pytest.raises(ValidationError):
        moderation.report_add(actor=registered_user, idea=idea_b, comment=comment_a, reason="Väärä idea")
    assert not Report.objects.exists()


def test_what_is_hidden_or_not_seen_cannot_be_reported(
    idea_a: Idea, staff_challenge_a: Challenge, editor_a: Any, editor_b: Any, registered_user: Any
) -> None:
    moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="Asiaton")
    with pytest.raises(ValidationError):
        moderation.report_add(actor=registered_user, idea=idea_a, reason="Asiaton")
    staff_idea = services.idea_send(actor=editor_a, challenge=staff_challenge_a, title="Sisäinen", text="S")
    with pytest.raises(PermissionDenied):
        moderation.report_add(actor=editor_b, idea=staff_idea, reason="Asiaton")
    assert not Report.objects.exists()


# --- hiding, showing again, dismissing: services ---------------------------------------------------------------------


def test_hiding_an_idea_needs_a_reason_resolves_its_reports_and_notifies(
    idea_a: Idea, comment_a: Comment, editor_a: Any, registered_user: Any
) -> None:
    idea_report, _ = moderation.report_add(actor=registered_user, idea=idea_a, reason="Roskapostia")
    comment_report, _ = moderation.report_add(actor=registered_user, idea=idea_a, comment=comment_a, reason="Asiaton")
    with pytest.raises(ValidationError) as error:
        moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason=" ")
    assert "reason" in messages_of(error.value)
    idea_a.refresh_from_db()
    assert not idea_a.hidden
    with mock.patch("core.events.announce_idea_changed") as changed:
        moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="<i>Mainos</i>")
    changed.assert_called_once()
    assert changed.call_args.kwargs["change"] == "hidden"
    assert changed.call_args.kwargs["actor"] == editor_a
    idea_a.refresh_from_db()
    assert idea_a.hidden
    assert idea_a.hidden_reason == "Mainos"
    idea_report.refresh_from_db()
    comment_report.refresh_from_db()
    assert idea_report.status == ReportStatus.HIDDEN
    assert idea_report.resolved_by == editor_a
    assert idea_report.resolved_at is not None
    assert comment_report.status == ReportStatus.OPEN  # the comment is another matter
    # Showing again clears the reason and notifies nobody.
    with mock.patch("core.events.announce_idea_changed") as changed:
        moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=False)
    changed.assert_not_called()
    idea_a.refresh_from_db()
    assert not idea_a.hidden
    assert idea_a.hidden_reason == ""


def test_hiding_a_comment_and_dismissing_reports(idea_a: Idea, comment_a: Comment, editor_a: Any, sender: Any) -> None:
    first, _ = moderation.report_add(actor=sender, idea=idea_a, comment=comment_a, reason="Asiaton")
    moderation.comment_set_hidden(actor=editor_a, comment=comment_a, hidden=True, reason="Loukkaava")
    comment_a.refresh_from_db()
    first.refresh_from_db()
    assert comment_a.hidden
    assert comment_a.hidden_reason == "Loukkaava"
    assert first.status == ReportStatus.HIDDEN
    moderation.comment_set_hidden(actor=editor_a, comment=comment_a, hidden=False)
    comment_a.refresh_from_db()
    assert not comment_a.hidden
    # A new report on the shown comment is dismissed: it stays visible.
    second = Report.objects.create(idea=idea_a, comment=comment_a, reason="Taas")
    assert moderation.report_dismiss(actor=editor_a, idea=idea_a, comment=comment_a) == 1
    second.refresh_from_db()
    comment_a.refresh_from_db()
    assert second.status == ReportStatus.DISMISSED
    assert not comment_a.hidden
    assert moderation.report_dismiss(actor=editor_a, idea=idea_a, comment=comment_a) == 0


@pytest.mark.parametrize("role", ROLES)
def test_moderation_services_per_role(
    request: pytest.FixtureRequest, idea_a: Idea, comment_a: Comment, role: str
) -> None:
    actor = request.getfixturevalue(role)
    Report.objects.create(idea=idea_a, reason="Roskaa")
    actions = [
        lambda: moderation.idea_set_hidden(actor=actor, idea=idea_a, hidden=True, reason="Syy"),
        lambda: moderation.idea_set_hidden(actor=actor, idea=idea_a, hidden=False),
        lambda: moderation.comment_set_hidden(actor=actor, comment=comment_a, hidden=True, reason="Syy"),
        lambda: moderation.comment_set_hidden(actor=actor, comment=comment_a, hidden=False),
        lambda: moderation.report_dismiss(actor=actor, idea=idea_a),
    ]
    for action in actions:
        if role in HANDLERS:
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    idea_a.refresh_from_db()
    assert not idea_a.hidden


# --- the queue -------------------------------------------------------------------------------------------------------


def test_queue_groups_open_reports_oldest_first_within_the_handlers_scope(
    idea_a: Idea, comment_a: Comment, idea_b: Idea, editor_a: Any, editor_b: Any, named_handler: Any, sender: Any
) -> None:
    reporters = [UserFactory.create() for _ in range(3)]
    moderation.report_add(actor=reporters[0], idea=idea_a, comment=comment_a, reason="Ensimmäinen")
    moderation.report_add(actor=reporters[1], idea=idea_a, reason="Toinen")
    moderation.report_add(actor=reporters[2], idea=idea_a, comment=comment_a, reason="Kolmas")
    moderation.report_add(actor=reporters[0], idea=idea_b, reason="B:stä")
    queue = moderation_selectors.moderation_queue(user=editor_a)
    assert [(item.idea, item.comment) for item in queue] == [(idea_a, comment_a), (idea_a, None)]
    assert [report.reason for report in queue[0].reports] == ["Ensimmäinen", "Kolmas"]
    assert moderation_selectors.open_report_count(user=editor_a) == 3
    assert moderation_selectors.open_report_count(user=named_handler) == 3
    # Another organisation's handlers never see org_a's queue, and the other way round.
    assert [item.idea for item in moderation_selectors.moderation_queue(user=editor_b)] == [idea_b]
    assert moderation_selectors.open_report_count(user=sender) == 0
    # Resolved reports leave the queue.
    moderation.report_dismiss(actor=editor_a, idea=idea_a, comment=comment_a)
    assert [item.comment for item in moderation_selectors.moderation_queue(user=editor_a)] == [None]


def test_a_co_organisers_editor_moderates_the_challenges_ideas(
    idea_a: Idea, challenge_a: Challenge, org_b: Organisation, editor_b: Any, registered_user: Any
) -> None:
    """Who handles a challenge's ideas moderates them: here the editor of a co-organiser of the challenge."""
    moderation.report_add(actor=registered_user, idea=idea_a, reason="Mainos")
    assert moderation_selectors.open_report_count(user=editor_b) == 0
    challenge_a.co_organisers.add(org_b)
    assert [item.idea for item in moderation_selectors.moderation_queue(user=editor_b)] == [idea_a]
    moderation.idea_set_hidden(actor=editor_b, idea=idea_a, hidden=True, reason="Mainos")
    assert list(selectors.idea_list(user=editor_b, challenge=challenge_a)) == [idea_a]
    assert list(selectors.idea_list(user=registered_user, challenge=challenge_a)) == []
    assert moderation_selectors.hidden_ideas(user=editor_b) == [idea_a]


@pytest.mark.parametrize("role", ROLES)
def test_queue_page_per_role(request: pytest.FixtureRequest, idea_a: Idea, idea_b: Idea, role: str) -> None:
    Report.objects.create(idea=idea_a, reason="Raportti A:sta")
    Report.objects.create(idea=idea_b, reason="Raportti B:stä")
    response = client_for(request.getfixturevalue(role)).get(url("ideas:moderation"))
    if role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
        return
    if role in ("registered_user", "sender"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Raportti A:sta" in page) is (role in HANDLERS)
    assert ("Raportti B:stä" in page) is (role in ("editor_b", "platform_admin"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_queue_page_counts_open_reports_in_its_title(idea_a: Idea, editor_a: Any, language: str) -> None:
    for number in range(3):
        Report.objects.create(idea=idea_a, reason=f"Syy {number}")
    page = client_for(editor_a).get(url("ideas:moderation", language)).content.decode()
    with translation.override(language):
        title = translation.ngettext(
            "Moderation: %(counter)s open report", "Moderation: %(counter)s open reports", 3
        ) % {"counter": 3}
    assert f"<title>{title} – Innoverkko</title>" in page
    assert idea_a.text in page  # the reported text is shown to the handler


# --- the pages' actions per role -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_reporting_pages_per_role(
    request: pytest.FixtureRequest, idea_a: Idea, comment_a: Comment, staff_challenge_a: Challenge, role: str
) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("ideas:report", pk=idea_a.pk)).status_code == 200
    assert client.get(url("ideas:comment_report", pk=idea_a.pk, comment_pk=comment_a.pk)).status_code == 200
    response = client.post(url("ideas:report", pk=idea_a.pk), {"reason": "Roskapostia"})
    assert response.status_code == 302
    assert response["Location"] == url("ideas:idea", pk=idea_a.pk)
    response = client.post(url("ideas:comment_report", pk=idea_a.pk, comment_pk=comment_a.pk), {"reason": "Asiaton"})
    assert response.status_code == 302
    assert Report.objects.filter(comment__isnull=True).count() == 1
    assert Report.objects.filter(comment=comment_a).count() == 1
    # Ideas of a staff-only challenge are not there for outsiders to report.
    staff_idea = services.idea_send(
        actor=request.getfixturevalue("editor_a"), challenge=staff_challenge_a, title="Sisäinen", text="S"
    )
    sees_staff = role in ("editor_a", "admin_a", "named_handler", "platform_admin")
    response = client.post(url("ideas:report", pk=staff_idea.pk), {"reason": "Asiaton"})
    assert response.status_code == (302 if sees_staff else 404)


@pytest.mark.parametrize("role", ROLES)
def test_hide_show_and_dismiss_pages_per_role(
    request: pytest.FixtureRequest, idea_a: Idea, comment_a: Comment, role: str
) -> None:
    client = client_for(request.getfixturevalue(role))
    allowed = role in HANDLERS
    expected = 302 if allowed else 403
    Report.objects.create(idea=idea_a, reason="Roskaa")
    assert client.get(url("ideas:idea_hide", pk=idea_a.pk)).status_code == (200 if allowed else 403)
    assert client.post(url("ideas:idea_dismiss", pk=idea_a.pk)).status_code == expected
    assert Report.objects.filter(status=ReportStatus.OPEN).exists() is not allowed
    assert client.post(url("ideas:idea_hide", pk=idea_a.pk), {"reason": "Mainos"}).status_code == expected
    idea_a.refresh_from_db()
    assert idea_a.hidden is allowed
    assert client.post(url("ideas:idea_show", pk=idea_a.pk)).status_code == expected
    comment_hide = url("ideas:comment_hide", pk=idea_a.pk, comment_pk=comment_a.pk)
    assert client.post(comment_hide, {"reason": "Asiaton"}).status_code == expected
    comment_a.refresh_from_db()
    assert comment_a.hidden is allowed
    comment_show = url("ideas:comment_show", pk=idea_a.pk, comment_pk=comment_a.pk)
    assert client.post(comment_show).status_code == expected
    comment_dismiss = url("ideas:comment_dismiss", pk=idea_a.pk, comment_pk=comment_a.pk)
    assert client.post(comment_dismiss).status_code == expected
    idea_a.refresh_from_db()
    comment_a.refresh_from_db()
    assert not idea_a.hidden
    assert not comment_a.hidden


def test_a_comment_of_another_idea_cannot_be_reached_through_this_idea(
    idea_a: Idea, comment_a: Comment, editor_a: Any
) -> None:
    other = services.idea_send(actor=editor_a, challenge=idea_a.challenge, title="Toinen", text="T")
    client = client_for(editor_a)
    assert (
        client.post(url("ideas:comment_hide", pk=other.pk, comment_pk=comment_a.pk), {"reason": "x"}).status_code == 404
    )
    assert (
        client.post(url("ideas:comment_report", pk=other.pk, comment_pk=comment_a.pk), {"reason": "x"}).status_code
        == 404
    )
    comment_a.refresh_from_db()
    assert not comment_a.hidden


@pytest.mark.parametrize("language", LANGUAGES)
def test_hiding_without_a_reason_shows_the_error_at_the_field(idea_a: Idea, editor_a: Any, language: str) -> None:
    response = client_for(editor_a).post(url("ideas:idea_hide", language, pk=idea_a.pk), {"reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reason_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#id_reason"' in page  # the error summary links to the field
    idea_a.refresh_from_db()
    assert not idea_a.hidden


def test_hiding_from_the_queue_returns_to_the_queue_never_elsewhere(idea_a: Idea, editor_a: Any) -> None:
    client = client_for(editor_a)
    queue = url("ideas:moderation")
    response = client.post(url("ideas:idea_hide", pk=idea_a.pk), {"reason": "Mainos", "next": queue})
    assert response["Location"] == queue
    response = client.post(url("ideas:idea_show", pk=idea_a.pk), {"next": "https://evil.example/"})
    assert response["Location"] == url("ideas:idea", pk=idea_a.pk)


# --- what the public sees --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_hidden_idea_shows_its_reason_not_its_text_and_leaves_the_lists(
    idea_a: Idea, editor_a: Any, named_handler: Any, registered_user: Any, anonymous: Any, language: str
) -> None:
    moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="Sisältää mainontaa")
    page = url("ideas:idea", language, pk=idea_a.pk)
    for person in (anonymous, registered_user):
        content = client_for(person).get(page).content.decode()
        assert "Sisältää mainontaa" in content
        assert t("Hidden by the moderators.", language) in content
        assert "Yhteinen kylätalo" not in content
        assert idea_a.title not in content  # the title is hidden too
        assert t("Hidden idea", language) in content
        assert t("Report", language) + '<span class="visually-hidden">' not in content  # nothing left to report
    for handler in (editor_a, named_handler):
        content = client_for(handler).get(page).content.decode()
        assert "Yhteinen kylätalo" in content
        assert t("Show the idea again", language) in content
        assert f"<h1>{idea_a.title}</h1>" in content
    challenge = idea_a.challenge
    assert challenge is not None
    assert list(selectors.idea_list(user=anonymous, challenge=challenge)) == []
    assert list(selectors.idea_list(user=registered_user, challenge=challenge)) == []
    assert list(selectors.idea_list(user=editor_a, challenge=challenge)) == [idea_a]
    assert list(selectors.idea_list(user=named_handler, challenge=challenge)) == [idea_a]
    listing = Client().get(url("ideas:detail", language, pk=challenge.pk)).content.decode()
    assert idea_a.title not in listing


def test_hidden_comment_is_seen_only_by_handlers(
    idea_a: Idea, comment_a: Comment, registered_user: Any, editor_a: Any
) -> None:
    moderation.comment_set_hidden(actor=editor_a, comment=comment_a, hidden=True, reason="Loukkaava")
    page = url("ideas:idea", pk=idea_a.pk)
    assert "Asiaton kommentti" not in Client().get(page).content.decode()
    assert "Asiaton kommentti" not in client_for(registered_user).get(page).content.decode()
    content = client_for(editor_a).get(page).content.decode()
    assert "Asiaton kommentti" in content
    assert "Loukkaava" in content
    moderation.comment_set_hidden(actor=editor_a, comment=comment_a, hidden=False)
    assert "Asiaton kommentti" in Client().get(page).content.decode()


def test_report_pages_of_hidden_things_reveal_nothing(
    idea_a: Idea, comment_a: Comment, editor_a: Any, registered_user: Any
) -> None:
    moderation.comment_set_hidden(actor=editor_a, comment=comment_a, hidden=True, reason="Loukkaava")
    client = client_for(registered_user)
    response = client.get(url("ideas:comment_report", pk=idea_a.pk, comment_pk=comment_a.pk))
    assert response.status_code == 302
    assert "Asiaton kommentti" not in client.get(response["Location"]).content.decode()
    assert (
        client.post(url("ideas:comment_report", pk=idea_a.pk, comment_pk=comment_a.pk), {"reason": "x"}).status_code
        == 302
    )
    moderation.idea_set_hidden(actor=editor_a, idea=idea_a, hidden=True, reason="Mainos")
    assert client.get(url("ideas:report", pk=idea_a.pk)).status_code == 302
    assert not Report.objects.exists()


def test_idea_page_has_report_links_for_the_idea_and_each_comment(idea_a: Idea, comment_a: Comment) -> None:
    content = Client().get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    assert url("ideas:report", pk=idea_a.pk) in content
    assert url("ideas:comment_report", pk=idea_a.pk, comment_pk=comment_a.pk) in content


@pytest.mark.parametrize("role", ROLES)
def test_idea_page_shows_its_open_reports_only_to_handlers(
    request: pytest.FixtureRequest, idea_a: Idea, registered_user: Any, role: str
) -> None:
    moderation.report_add(actor=registered_user, idea=idea_a, reason="Näyttää mainokselta")
    content = client_for(request.getfixturevalue(role)).get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    assert ("Näyttää mainokselta" in content) is (role in HANDLERS)
    assert (url("ideas:idea_dismiss", pk=idea_a.pk) in content) is (role in HANDLERS)
    assert (url("ideas:moderation") in content) is (role in HANDLERS)


# --- reporting without an account: honeypot, once per visitor, rate limit --------------------------------------------


def test_report_honeypot_stores_nothing(idea_a: Idea) -> None:
    response = Client().post(url("ideas:report", pk=idea_a.pk), {"reason": "Osta", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_a_visitor_without_an_account_reports_a_thing_once(idea_a: Idea, comment_a: Comment) -> None:
    client = Client()
    for _ in range(3):
        assert client.post(url("ideas:report", pk=idea_a.pk), {"reason": "Roskaa"}).status_code == 302
    client.post(url("ideas:comment_report", pk=idea_a.pk, comment_pk=comment_a.pk), {"reason": "Roskaa"})
    assert Report.objects.filter(comment__isnull=True).count() == 1
    assert Report.objects.filter(comment=comment_a).count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_without_a_reason_is_refused_at_the_field(idea_a: Idea, language: str) -> None:
    response = Client().post(url("ideas:report", language, pk=idea_a.pk), {"reason": ""})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    assert not Report.objects.exists()


# --- banned words ----------------------------------------------------------------------------------------------------


def test_banned_word_is_validated(org_a: Organisation, editor_a: Any) -> None:
    banned = moderation.banned_word_add(actor=editor_a, organisation=org_a, word="  <b>Tyhmä</b>  ")
    assert banned.word == "Tyhmä"
    for word in ("", "   ", "<i></i>", "x", "y" * (moderation.MAX_WORD + 1), "TYHMÄ", "tyhmä"):
        with pytest.raises(ValidationError) as error:
            moderation.banned_word_add(actor=editor_a, organisation=org_a, word=word)
        assert "word" in messages_of(error.value)
    assert list(BannedWord.objects.values_list("word", flat=True)) == ["Tyhmä"]
    pk = banned.pk
    moderation.banned_word_remove(actor=editor_a, banned=banned)
    assert not BannedWord.objects.exists()
    assert ChangeRecord.objects.filter(object_id=pk, content_type__model="bannedword").count() == 2


def test_banned_words_are_matched_in_the_text_not_in_its_markup(org_a: Organisation, editor_a: Any) -> None:
    moderation.banned_word_add(actor=editor_a, organisation=org_a, word="strong")
    moderation.check_text(organisation=org_a, texts={"text": "<p><strong>Hyvä</strong> idea</p>"})
    with pytest.raises(ValidationError):
        moderation.check_text(organisation=org_a, texts={"text": "<p>A strong idea</p>"})
    with pytest.raises(ValidationError):
        moderation.check_text(organisation=org_a, texts={"text": "<p>Strongest</p>"})  # inflected: starts the word
    moderation.check_text(organisation=org_a, texts={"text": "<p>headstrong</p>"})  # inside a word: allowed


@pytest.mark.parametrize("role", ROLES)
def test_banned_words_page_per_role(request: pytest.FixtureRequest, org_a: Organisation, role: str) -> None:
    request.getfixturevalue("challenge_a")  # named_handler needs it
    client = client_for(request.getfixturevalue(role))
    page = url("ideas:banned_words", organisation_pk=org_a.pk)
    allowed = role in ("editor_a", "admin_a", "platform_admin")
    response = client.get(page)
    if role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == (200 if allowed else 403)
    response = client.post(page, {"word": "roskaa"})
    assert BannedWord.objects.filter(organisation=org_a).exists() is allowed
    existing = BannedWord.objects.first() or BannedWord.objects.create(organisation=org_a, word="toinen")
    client.post(url("ideas:banned_word_remove", organisation_pk=org_a.pk, word_pk=existing.pk))
    assert BannedWord.objects.filter(pk=existing.pk).exists() is not allowed


@pytest.mark.parametrize("language", LANGUAGES)
def test_banned_words_page_shows_errors_at_the_field(org_a: Organisation, editor_a: Any, language: str) -> None:
    client = client_for(editor_a)
    page = url("ideas:banned_words", language, organisation_pk=org_a.pk)
    assert client.post(page, {"word": "Roskaa"}).status_code == 302
    response = client.post(page, {"word": "roskaa"})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_word_error"' in content
    with translation.override(language):
        assert gettext("“%(word)s” is already on the list.") % {"word": "roskaa"} in content
    assert BannedWord.objects.count() == 1


def test_banned_word_error_is_shown_at_the_field_on_the_send_and_comment_forms(
    challenge_a: Challenge, idea_a: Idea, org_a: Organisation, editor_a: Any, registered_user: Any
) -> None:
    moderation.banned_word_add(actor=editor_a, organisation=org_a, word="tyhmä")
    with translation.override("fi"):
        expected = gettext("Remove these words, which %(organisation)s does not accept: %(words)s.") % {
            "organisation": org_a.name,
            "words": "tyhmä",
        }
    response = client_for(registered_user).post(
        url("ideas:send", pk=challenge_a.pk), {"title": "Idea", "text": "<p>Tyhmää touhua</p>"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    # At the field: in the field's error element, which comes before the text box (and in the summary on top).
    at_field = content.index('id="id_text_error"')
    assert content.index(expected, at_field) < content.index('id="id_text"', at_field)
    response = client_for(registered_user).post(url("ideas:comment", pk=idea_a.pk), {"text": "Tyhmä idea"})
    assert response.status_code == 400
    content = response.content.decode()
    at_field = content.index('id="id_text_error"')
    assert content.index(expected, at_field) < content.index('id="id_text"', at_field)
    assert Idea.objects.count() == 1
    assert not Comment.objects.exists()


# --- rate limits against spam bursts ---------------------------------------------------------------------------------


class Clock:
    """The rate limits' clock (their windows follow time.time), moved by hand: bursts and a normal pace."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


def _limit(rate: str) -> int:
    return int(rate.split("/")[0])


def test_a_burst_of_sends_from_one_address_is_limited_while_a_normal_pace_passes(challenge_a: Challenge) -> None:
    clock = Clock()
    page = url("ideas:send", pk=challenge_a.pk)
    client = Client()
    with mock.patch("core.limits.time", clock):
        # A normal pace: one idea every twenty minutes for a working day, all taken.
        for number in range(24):
            data = {"title": f"Idea {number}", "text": "T", "sender_email": "a@example.fi"}
            assert client.post(page, data).status_code == 302
            clock.now += 20 * 60
        # A burst from one address: the limit, then refused.
        statuses = [
            client.post(page, {"title": f"Roska {n}", "text": "T", "sender_email": "a@example.fi"}).status_code
            for n in range(_limit(SEND_RATE) + 3)
        ]
        assert statuses.count(429) >= 3
        assert statuses[-1] == 429
        # Others are not held up, and the address may send again an hour later.
        other = {"title": "Muu", "text": "T", "sender_email": "b@example.fi"}
        assert client.post(page, other, REMOTE_ADDR="10.0.0.9").status_code == 302
        clock.now += 2 * 3600
        assert client.post(page, {"title": "Taas", "text": "T", "sender_email": "a@example.fi"}).status_code == 302
    assert Idea.objects.filter(title__startswith="Roska").count() == statuses.count(302)


@pytest.mark.parametrize(
    ("name", "rate", "data"),
    [("ideas:comment", COMMENT_RATE, {"text": "Hyvä idea"}), ("ideas:support", SUPPORT_RATE, {})],
)
def test_bursts_of_comments_and_supports_are_limited_per_person(
    idea_a: Idea, registered_user: Any, name: str, rate: str, data: dict[str, str]
) -> None:
    clock = Clock()
    client = client_for(registered_user)
    page = url(name, pk=idea_a.pk)
    with mock.patch("core.limits.time", clock):
        for _ in range(3):  # a normal pace
            assert client.post(page, data).status_code == 302
            clock.now += 3600
        statuses = [client.post(page, data).status_code for _ in range(_limit(rate) + 2)]
        assert statuses[-1] == 429
        assert 429 not in statuses[: _limit(rate) // 2]
        response = client.post(page, data)
        assert response.status_code == 429
        assert t("Too many were sent from your account or address in a short time. Wait a moment and try again.") in (
            response.content.decode()
        )
        # Another person on the same address is not held up.
        assert client_for(UserFactory()).post(page, data).status_code == 302
    if name == "ideas:comment":
        assert Comment.objects.count() == 3 + statuses.count(302) + 1


def test_a_burst_of_reports_is_limited(idea_a: Idea) -> None:
    clock = Clock()
    ideas = [
        services.idea_send(actor=UserFactory.create(), challenge=idea_a.challenge, title=f"I{n}", text="T")
        for n in range(15)
    ]
    client = Client()
    with mock.patch("core.limits.time", clock):
        statuses = [client.post(url("ideas:report", pk=idea.pk), {"reason": "Roskaa"}).status_code for idea in ideas]
    assert statuses[: _limit(REPORT_RATE) // 2] == [302] * (_limit(REPORT_RATE) // 2)
    assert statuses[-1] == 429
    assert Report.objects.count() == statuses.count(302)


# --- races (PostgreSQL: threads with their own connections; SQLite serialises every writer) ---------------------------


def _fresh(idea: Idea) -> Idea:
    return Idea.objects.select_related("challenge").get(pk=idea.pk)


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_concurrent_reports_of_one_person_make_one(idea_a: Idea, registered_user: Any) -> None:
    results = at_once(lambda i: moderation.report_add(actor=registered_user, idea=_fresh(idea_a), reason=f"Syy {i}"), 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert [created for _, created in results].count(True) == 1
    assert Report.objects.filter(idea=idea_a, reporter=registered_user).count() == 1


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_concurrent_additions_of_one_banned_word_keep_one_and_say_why(org_a: Organisation, editor_a: Any) -> None:
    spellings = ["Roskaa", "roskaa", "ROSKAA", "Roskaa"] * 2
    results = at_once(
        lambda i: moderation.banned_word_add(actor=editor_a, organisation=org_a, word=spellings[i]), len(spellings)
    )
    refusals = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, ValidationError) and "word" in r.message_dict for r in refusals), refusals
    assert len(refusals) == len(spellings) - 1
    assert BannedWord.objects.filter(organisation=org_a).count() == 1
