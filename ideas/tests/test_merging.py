"""Likely duplicates and merging: the selector's visibility, the merge service (supports once per person, comments,
chains, refusals, change log, notifications), every role on the merge page and the similar-ideas endpoint, and
concurrent merges on PostgreSQL."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from ideas.models import Challenge, Comment, Idea, Support
from ideas.selectors import ideas as selectors
from ideas.selectors.duplicates import duplicates_of, likely_duplicates
from ideas.services import ideas as services
from ideas.services.merging import final_target, idea_merge
from notifications.models import Notification
from organisations.models import Organisation
from tests.concurrency import at_once, postgres_only
from tests.factories import ChallengeFactory
from tests.factories import UserFactory as _UserFactory


def person(**fields: Any) -> Any:
    return _UserFactory(**fields)


def send(challenge: Challenge, title: str, text: str, actor: Any = None) -> Idea:
    return services.idea_send(actor=actor or person(), challenge=challenge, title=title, text=text)


@pytest.fixture
def library_ideas(challenge_a: Challenge, sender: Any) -> dict[str, Idea]:
    return {
        "original": send(challenge_a, "Kirjaston aukioloajat pidemmiksi", "Kirjasto voisi olla auki iltaisin.", sender),
        "duplicate": send(
            challenge_a, "Lisää aukioloaikoja kirjastoon", "Kirjastot auki myös iltaisin ja sunnuntaisin."
        ),
        "other": send(challenge_a, "Koirapuisto keskustaan", "Aidattu koirapuisto torin lähelle."),
    }


# --- likely duplicates ---------------------------------------------------------------------------------------------


def test_likely_duplicates_ranks_inflected_finnish(library_ideas: dict[str, Idea], org_a: Organisation) -> None:
    challenge = library_ideas["original"].challenge
    found = likely_duplicates(
        text="Kirjastojen aukioloaikoja pitäisi pidentää", organisation=org_a, challenge=challenge
    )
    titles = [idea.title for idea, _score in found]
    assert set(titles[:2]) == {"Kirjaston aukioloajat pidemmiksi", "Lisää aukioloaikoja kirjastoon"}
    assert "Koirapuisto keskustaan" not in titles


def test_likely_duplicates_of_an_idea_excludes_itself(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    found = duplicates_of(idea=library_ideas["duplicate"], user=editor_a)
    assert next(idea for idea, _score in found) == library_ideas["original"]
    assert library_ideas["duplicate"] not in [idea for idea, _score in found]


def test_likely_duplicates_follow_edits_and_merges(library_ideas: dict[str, Idea], editor_a: Any, org_a: Any) -> None:
    challenge = library_ideas["original"].challenge
    text = "Uimahallin saunat lämpimämmiksi"
    assert likely_duplicates(text=text, organisation=org_a, challenge=challenge) == []
    sender = library_ideas["original"].sender
    assert sender is not None
    services.idea_edit(
        actor=sender,
        idea=library_ideas["original"],
        title="Uimahallin sauna lämpimämmäksi",
        text="Sauna on kylmä.",
    )
    assert [i for i, _ in likely_duplicates(text=text, organisation=org_a, challenge=challenge)] == [
        library_ideas["original"]
    ]
    idea_merge(actor=editor_a, duplicate=library_ideas["original"], into=library_ideas["other"])
    assert likely_duplicates(text=text, organisation=org_a, challenge=challenge) == []


def test_likely_duplicates_keep_to_what_the_viewer_may_see(
    challenge_a: Challenge, unconfirmed_a: Idea, editor_a: Any, editor_b: Any, registered_user: Any, org_a: Any
) -> None:
    text = unconfirmed_a.title + " " + "Ei vielä vahvistettu"
    for viewer in (None, registered_user, editor_b):
        assert likely_duplicates(text=text, organisation=org_a, challenge=challenge_a, user=viewer) == []
    found = likely_duplicates(text=text, organisation=org_a, challenge=challenge_a, user=editor_a)
    assert [idea for idea, _ in found] == [unconfirmed_a]
    # The send page's suggestions are public even for a handler.
    assert (
        likely_duplicates(text=text, organisation=org_a, challenge=challenge_a, user=editor_a, public_only=True) == []
    )


def test_likely_duplicates_of_a_staff_challenge_stay_with_the_staff(org_a: Any, editor_a: Any, editor_b: Any) -> None:
    staff = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience="staff")
    send(staff, "Sisäinen kirjasto", "Henkilöstön kirjasto", editor_a)
    assert likely_duplicates(text="kirjasto", organisation=org_a, user=editor_b) == []
    assert likely_duplicates(text="kirjasto", organisation=org_a) == []
    assert len(likely_duplicates(text="kirjasto", organisation=org_a, user=editor_a)) == 1


# --- merging -------------------------------------------------------------------------------------------------------


def test_merge_moves_supports_once_per_person_and_comments(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    original, duplicate = library_ideas["original"], library_ideas["duplicate"]
    both, only_duplicate, only_original = person(), person(), person()
    for someone in (both, only_duplicate):
        services.support_add(actor=someone, idea=duplicate)
    for someone in (both, only_original):
        services.support_add(actor=someone, idea=original)
    services.comment_add(actor=both, idea=duplicate, text="Hyvä idea")

    target = idea_merge(actor=editor_a, duplicate=duplicate, into=original)

    assert target == original
    assert set(Support.objects.filter(idea=original).values_list("user_id", flat=True)) == {
        both.pk,
        only_duplicate.pk,
        only_original.pk,
    }
    assert not Support.objects.filter(idea=duplicate).exists()
    assert list(Comment.objects.filter(idea=original).values_list("text", flat=True)) == ["Hyvä idea"]
    assert not Comment.objects.filter(idea=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    record = ChangeRecord.objects.filter(object_id=duplicate.pk, changes__has_key="merged_into").get()
    assert record.actor == editor_a
    assert record.changes["merged_into"] == [None, original.pk]
    assert record.changes["supports_moved"] == [None, 1]
    assert record.changes["supports_already_there"] == [None, 1]
    assert ChangeRecord.objects.filter(object_id=original.pk, changes__has_key="merged").exists()


def test_merge_notifies_the_duplicates_sender_and_supporters(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    duplicate = library_ideas["duplicate"]
    supporter = person()
    services.support_add(actor=supporter, idea=duplicate)
    idea_merge(actor=editor_a, duplicate=duplicate, into=library_ideas["original"])
    told = set(Notification.objects.filter(idea=duplicate, change="merged").values_list("user_id", flat=True))
    assert told == {duplicate.sender_id, supporter.pk}


def test_merged_idea_is_left_out_of_lists_and_points_to_its_target(
    library_ideas: dict[str, Idea], editor_a: Any, anonymous: Any, client: Client
) -> None:
    duplicate, original = library_ideas["duplicate"], library_ideas["original"]
    idea_merge(actor=editor_a, duplicate=duplicate, into=original)
    assert original.challenge is not None
    listed = selectors.idea_list(user=anonymous, challenge=original.challenge)
    assert duplicate not in listed
    assert original in listed
    page = client.get(reverse("ideas:idea", args=[duplicate.pk]))
    assert page.status_code == 200
    assert reverse("ideas:idea", args=[original.pk]) in page.content.decode()


def test_merge_into_a_merged_idea_goes_to_the_final_target(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    original, duplicate, other = library_ideas["original"], library_ideas["duplicate"], library_ideas["other"]
    idea_merge(actor=editor_a, duplicate=duplicate, into=original)
    assert idea_merge(actor=editor_a, duplicate=other, into=duplicate) == original
    other.refresh_from_db()
    assert other.merged_into == original
    assert final_target(duplicate) == original


def test_merging_a_target_repoints_earlier_merges(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    original, duplicate, other = library_ideas["original"], library_ideas["duplicate"], library_ideas["other"]
    idea_merge(actor=editor_a, duplicate=duplicate, into=original)
    idea_merge(actor=editor_a, duplicate=original, into=other)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == other  # no chain duplicate → original → other


def test_merge_refusals(library_ideas: dict[str, Idea], editor_a: Any, org_b: Any, editor_b: Any) -> None:
    original, duplicate = library_ideas["original"], library_ideas["duplicate"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as itself:
            idea_merge(actor=editor_a, duplicate=original, into=original)
        assert itself.value.message_dict["into"] == [_("An idea cannot be merged into itself.")]

        elsewhere = send(
            ChallengeFactory.create(owner=org_b, actor=editor_b, unnumbered=True),
            "Kirjaston aukioloajat",
            "Kirjasto auki",
        )
        with pytest.raises(ValidationError) as other_org:
            idea_merge(actor=editor_a, duplicate=duplicate, into=elsewhere)
        assert other_org.value.message_dict["into"] == [
            _("An idea can be merged only into another idea of the same organisation.")
        ]

        idea_merge(actor=editor_a, duplicate=duplicate, into=original)
        with pytest.raises(ValidationError) as again:
            idea_merge(actor=editor_a, duplicate=duplicate, into=library_ideas["other"])
        assert again.value.message_dict["into"] == [_("This idea has already been merged into another idea.")]

        # A loop would need a merge into one's own duplicate: the chain ends at the idea itself.
        with pytest.raises(ValidationError) as loop:
            idea_merge(actor=editor_a, duplicate=original, into=duplicate)
        assert loop.value.message_dict["into"] == [_("An idea cannot be merged into itself.")]
    assert Idea.objects.get(pk=original.pk).merged_into is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("registered_user", False),
        ("sender", False),
        ("editor_a", True),
        ("admin_a", True),
        ("editor_b", False),
        ("challenge_handler", True),
        ("platform_admin", True),
    ],
)
def test_merge_service_by_role(
    role: str, allowed: bool, library_ideas: dict[str, Idea], request: pytest.FixtureRequest
) -> None:
    actor = _role(request, role, library_ideas["original"].challenge)
    duplicate, original = library_ideas["duplicate"], library_ideas["original"]
    Support.objects.create(idea=duplicate, user=person())
    if allowed:
        idea_merge(actor=actor, duplicate=duplicate, into=original)
        assert Idea.objects.get(pk=duplicate.pk).merged_into == original
    else:
        with pytest.raises(PermissionDenied):
            idea_merge(actor=actor, duplicate=duplicate, into=original)
        assert Idea.objects.get(pk=duplicate.pk).merged_into is None
        assert Support.objects.filter(idea=duplicate).count() == 1


def _role(request: pytest.FixtureRequest, role: str, challenge: Challenge | None) -> Any:
    assert challenge is not None
    if role == "challenge_handler":
        handler = person()
        challenge.handlers.add(handler)
        return handler
    return request.getfixturevalue(role)


ROLES_PAGE = [
    ("anonymous", 403),  # a public idea: the person sees it, but the merge page is only for its handlers
    ("registered_user", 403),
    ("sender", 403),
    ("editor_a", 200),
    ("admin_a", 200),
    ("editor_b", 403),
    ("challenge_handler", 200),
    ("platform_admin", 200),
]


@pytest.mark.parametrize(("role", "status"), ROLES_PAGE)
def test_merge_page_by_role(
    role: str, status: int, library_ideas: dict[str, Idea], request: pytest.FixtureRequest, client: Client
) -> None:
    actor = _role(request, role, library_ideas["original"].challenge)
    if role != "anonymous":
        client.force_login(actor)
    duplicate, original = library_ideas["duplicate"], library_ideas["original"]
    url = reverse("ideas:merge", args=[duplicate.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"into": original.pk})
    if status == 200:
        assert response.status_code == 302
        assert response["Location"] == reverse("ideas:idea", args=[original.pk])
        assert Idea.objects.get(pk=duplicate.pk).merged_into == original
    else:
        assert response.status_code == status
        assert Idea.objects.get(pk=duplicate.pk).merged_into is None


def test_merge_page_lists_duplicates_and_merges_by_number(
    library_ideas: dict[str, Idea], editor_a: Any, client: Client
) -> None:
    client.force_login(editor_a)
    duplicate, original = library_ideas["duplicate"], library_ideas["original"]
    page = client.get(reverse("ideas:merge", args=[duplicate.pk]))
    assert original.title in page.content.decode()
    assert library_ideas["other"].title not in page.content.decode()
    response = client.post(reverse("ideas:merge", args=[duplicate.pk]), {"into_number": original.pk})
    assert response.status_code == 302
    assert Idea.objects.get(pk=duplicate.pk).merged_into == original


def test_merge_page_errors_name_the_problem(
    library_ideas: dict[str, Idea], editor_a: Any, client: Client, org_b: Any, editor_b: Any
) -> None:
    client.force_login(editor_a)
    url = reverse("ideas:merge", args=[library_ideas["duplicate"].pk])
    elsewhere = send(
        ChallengeFactory.create(owner=org_b, actor=editor_b, unnumbered=True), "Kirjaston aukioloajat", "Kirjasto auki"
    )
    with translation.override("en"):
        cases = [
            ({}, _("Choose the idea to merge into, or give its number.")),
            ({"into_number": "999999"}, _("There is no idea with this number that you can see.")),
            ({"into_number": "abc"}, _("Enter a whole number.")),
            ({"into_number": library_ideas["duplicate"].pk}, _("An idea cannot be merged into itself.")),
            (
                {"into_number": elsewhere.pk},
                _("An idea can be merged only into another idea of the same organisation."),
            ),
        ]
    for data, message in cases:
        response = client.post("/en" + url[3:], data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
        assert 'aria-invalid="true"' in response.content.decode()
    assert Idea.objects.get(pk=library_ideas["duplicate"].pk).merged_into is None


def test_idea_page_shows_duplicates_to_handlers_only(
    library_ideas: dict[str, Idea], editor_a: Any, editor_b: Any, client: Client
) -> None:
    url = reverse("ideas:idea", args=[library_ideas["duplicate"].pk])
    merge_url = reverse("ideas:merge", args=[library_ideas["duplicate"].pk])
    client.force_login(editor_a)
    page = client.get(url).content.decode()
    assert merge_url in page
    assert library_ideas["original"].title in page
    client.force_login(editor_b)
    page = client.get(url).content.decode()
    assert merge_url not in page
    assert library_ideas["original"].title not in page


# --- the similar-ideas endpoint and the send page ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "sender", "editor_a", "editor_b", "platform_admin"])
def test_similar_endpoint_gives_public_ideas_only(
    role: str, library_ideas: dict[str, Idea], unconfirmed_a: Idea, request: pytest.FixtureRequest, client: Client
) -> None:
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    challenge = library_ideas["original"].challenge
    assert challenge is not None
    response = client.get(
        reverse("ideas:similar"), {"text": "kirjastojen aukioloajat ja salainen idea", "challenge": str(challenge.pk)}
    )
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["ideas"]]
    assert set(ids[:2]) == {library_ideas["original"].pk, library_ideas["duplicate"].pk}
    assert unconfirmed_a.pk not in ids
    assert response.json()["ideas"][0]["url"] == reverse("ideas:idea", args=[ids[0]])


def test_similar_endpoint_by_organisation_and_bad_input(library_ideas: dict[str, Idea], client: Client) -> None:
    organisation = library_ideas["original"].organisation
    response = client.get(reverse("ideas:similar"), {"text": "koirapuisto", "organisation": str(organisation.pk)})
    assert [item["id"] for item in response.json()["ideas"]] == [library_ideas["other"].pk]
    assert client.get(reverse("ideas:similar"), {"text": "koirapuisto", "organisation": "x"}).status_code == 400
    assert client.get(reverse("ideas:similar"), {"text": "koirapuisto"}).status_code == 400
    assert client.get(reverse("ideas:similar"), {"text": "koirapuisto", "organisation": "999999"}).status_code == 404
    assert client.get(reverse("ideas:similar"), {"text": "", "organisation": str(organisation.pk)}).json() == {
        "ideas": []
    }


def test_similar_endpoint_of_a_staff_challenge_is_a_404_to_outsiders(org_a: Any, editor_a: Any, client: Client) -> None:
    staff = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience="staff")
    assert client.get(reverse("ideas:similar"), {"text": "x", "challenge": str(staff.pk)}).status_code == 404


def test_similar_endpoint_is_rate_limited(library_ideas: dict[str, Idea], client: Client) -> None:
    organisation = library_ideas["original"].organisation
    statuses = [
        client.get(reverse("ideas:similar"), {"text": "kirjasto", "organisation": str(organisation.pk)}).status_code
        for _ in range(61)
    ]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429


def test_send_page_lists_similar_ideas_after_a_failed_send(library_ideas: dict[str, Idea], client: Client) -> None:
    challenge = library_ideas["original"].challenge
    assert challenge is not None
    url = reverse("ideas:send", args=[challenge.pk])
    first = client.get(url).content.decode()
    assert 'data-similar-url="' + reverse("ideas:similar") in first
    assert library_ideas["original"].title not in first
    # No e-mail address: the send fails, and the page lists the similar ideas already sent.
    page = client.post(url, {"title": "Kirjastojen aukioloajat", "text": "Pidemmät aukioloajat kirjastoon"})
    assert page.status_code in (200, 400)
    content = page.content.decode()
    assert library_ideas["original"].title in content
    assert library_ideas["other"].title not in content
    assert not Idea.objects.filter(title="Kirjastojen aukioloajat").exists()


# --- races ---------------------------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_of_one_duplicate_merge_once(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    duplicate, original, other = library_ideas["duplicate"], library_ideas["original"], library_ideas["other"]
    supporters = [person() for _ in range(5)]
    for someone in supporters:
        Support.objects.create(idea=duplicate, user=someone)
    Support.objects.create(idea=original, user=supporters[0])
    Support.objects.create(idea=other, user=supporters[1])
    targets = [original, other] * 4

    def merge(i: int) -> Idea:
        fresh = Idea.objects.select_related("challenge").get(pk=duplicate.pk)
        return idea_merge(actor=editor_a, duplicate=fresh, into=targets[i])

    results = at_once(merge, len(targets))
    merged = [r for r in results if isinstance(r, Idea)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(merged) == 1, results
    assert len(refused) == len(targets) - 1, results
    target = merged[0]
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id == target.pk
    # Every supporter of the duplicate now supports the target, exactly once.
    for someone in supporters:
        assert Support.objects.filter(idea=target, user=someone).count() == 1
    assert not Support.objects.filter(idea=duplicate).exists()
    assert ChangeRecord.objects.filter(object_id=duplicate.pk, changes__has_key="merged_into").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_crosswise_merges_do_not_deadlock_or_loop(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    first, second = library_ideas["original"], library_ideas["duplicate"]
    pairs = [(first, second), (second, first)] * 3

    def merge(i: int) -> Idea:
        duplicate, into = pairs[i]
        return idea_merge(
            actor=editor_a,
            duplicate=Idea.objects.select_related("challenge").get(pk=duplicate.pk),
            into=Idea.objects.select_related("challenge").get(pk=into.pk),
        )

    results = at_once(merge, len(pairs))
    assert len([r for r in results if isinstance(r, Idea)]) == 1, results
    assert all(isinstance(r, (Idea, ValidationError)) for r in results), results
    states = {idea.pk: idea.merged_into_id for idea in Idea.objects.filter(pk__in=[first.pk, second.pk])}
    assert sorted(v is None for v in states.values()) == [False, True]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_support_during_a_merge_is_kept_once(library_ideas: dict[str, Idea], editor_a: Any) -> None:
    duplicate, original = library_ideas["duplicate"], library_ideas["original"]
    people = [person() for _ in range(6)]
    for someone in people:
        Support.objects.create(idea=duplicate, user=someone)

    def work(i: int) -> Any:
        if i == 0:
            return idea_merge(
                actor=editor_a, duplicate=Idea.objects.select_related("challenge").get(pk=duplicate.pk), into=original
            )
        return services.support_add(
            actor=people[i - 1], idea=Idea.objects.select_related("challenge").get(pk=original.pk)
        )

    results = at_once(work, 7)
    assert not [r for r in results if isinstance(r, Exception)], results
    for someone in people:
        assert Support.objects.filter(idea=original, user=someone).count() == 1
