"""An organisation's own idea states: the services (who may, validation, order, removal), the handlers' choice
among them, the name each viewer sees, and the page where editors manage them."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import ChangeRecord
from ideas.models import Idea, IdeaState, IdeaStateOption
from ideas.selectors import ideas as selectors
from ideas.services import ideas as services
from ideas.services import states
from ideas.tests.conftest import ROLES, XSS_PAYLOADS
from organisations.models import Organisation
from tests.pages import client_for, t, url

pytestmark = pytest.mark.django_db
MANAGERS = {"editor_a", "platform_admin"}


def add(organisation: Organisation, actor: Any, kind: str, fi: str, public: bool = True) -> IdeaStateOption:
    return states.idea_state_create(
        actor=actor, organisation=organisation, kind=kind, names={"fi": fi, "sv": f"{fi} sv", "en": ""}, public=public
    )


@pytest.fixture
def own_states(org_a: Organisation, editor_a: Any) -> dict[str, IdeaStateOption]:
    return {
        "new": add(org_a, editor_a, IdeaState.RECEIVED, "Saapunut"),
        "triage": add(org_a, editor_a, IdeaState.UNDER_REVIEW, "Esikarsinnassa", public=False),
        "review": add(org_a, editor_a, IdeaState.UNDER_REVIEW, "Arvioitavana"),
        "no": add(org_a, editor_a, IdeaState.NOT_TAKEN_FORWARD, "Ei etene"),
    }


# --- services: who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_state_writes_per_role(
    request: pytest.FixtureRequest, org_a: Organisation, editor_a: Any, idea_a: Idea, role: str
) -> None:
    actor = request.getfixturevalue(role)
    existing = add(org_a, editor_a, IdeaState.IN_USE, "Käytössä")
    actions = [
        lambda: add(org_a, actor, IdeaState.RECEIVED, "Uusi"),
        lambda: states.idea_state_update(actor=actor, option=existing, names={"fi": "Käytössä nyt"}, public=False),
        lambda: states.idea_state_move(actor=actor, option=existing, offset=-1),
        lambda: states.idea_state_delete(actor=actor, option=existing),
    ]
    for action in actions:
        if role in MANAGERS:
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    assert IdeaStateOption.objects.filter(pk=existing.pk).exists() == (role not in MANAGERS)
    if role not in MANAGERS:
        assert IdeaStateOption.objects.get(pk=existing.pk).name_fi == "Käytössä"


def test_organisation_admin_manages_states(org_a: Organisation, admin_a: Any) -> None:
    assert add(org_a, admin_a, IdeaState.RECEIVED, "Saapunut").order == 0


# --- services: validation, order, removal --------------------------------------------------------------------------


def test_state_needs_a_name_and_a_known_kind(org_a: Organisation, editor_a: Any) -> None:
    with pytest.raises(ValidationError) as error:
        states.idea_state_create(actor=editor_a, organisation=org_a, kind=IdeaState.RECEIVED, names={"fi": "  "})
    assert "name_fi" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        states.idea_state_create(actor=editor_a, organisation=org_a, kind="exploded", names={"fi": "X"})
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        states.idea_state_create(actor=editor_a, organisation=org_a, kind=IdeaState.RECEIVED, names={"fi": "x" * 101})
    assert "name_fi" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        states.idea_state_create(actor=editor_a, organisation=org_a, kind=IdeaState.RECEIVED, names={"de": "X"})
    assert "name_de" in error.value.message_dict
    assert not IdeaStateOption.objects.exists()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_state_names_are_plain_text(org_a: Organisation, editor_a: Any, payload: str) -> None:
    option = add(org_a, editor_a, IdeaState.RECEIVED, f"Saapunut {payload}")
    assert option.name_fi.startswith("Saapunut")
    # Names are plain text: what looks like markup is escaped when shown, never run.
    page = client_for(editor_a).get(url("ideas:states", slug=org_a.slug)).content.decode()
    for tag in ("<script", "<img", "<svg", "<iframe", "<noscript", "<body onload"):
        assert tag not in page.split("<main", 1)[-1]


def test_states_keep_their_order_and_move(own_states: dict[str, IdeaStateOption], editor_a: Any) -> None:
    names = lambda: [o.name_fi for o in selectors.state_options(organisation_id=own_states["new"].organisation_id)]  # noqa: E731
    assert names() == ["Saapunut", "Esikarsinnassa", "Arvioitavana", "Ei etene"]
    states.idea_state_move(actor=editor_a, option=own_states["review"], offset=-1)
    assert names() == ["Saapunut", "Arvioitavana", "Esikarsinnassa", "Ei etene"]
    states.idea_state_move(actor=editor_a, option=own_states["new"], offset=-1)  # already first: stays
    states.idea_state_move(actor=editor_a, option=own_states["no"], offset=1)  # already last: stays
    assert names() == ["Saapunut", "Arvioitavana", "Esikarsinnassa", "Ei etene"]
    with pytest.raises(ValidationError):
        states.idea_state_move(actor=editor_a, option=own_states["no"], offset=3)


def test_update_renames_and_records_the_change(own_states: dict[str, IdeaStateOption], editor_a: Any) -> None:
    option = states.idea_state_update(
        actor=editor_a, option=own_states["triage"], names={"fi": "Karsinnassa", "en": "Triage"}, public=True
    )
    assert (option.name_fi, option.name_en, option.public, option.kind) == (
        "Karsinnassa",
        "Triage",
        True,
        IdeaState.UNDER_REVIEW,
    )
    record = ChangeRecord.objects.filter(
        object_id=option.pk, action="update", content_type__model="ideastateoption"
    ).latest("id")
    assert record.changes["name_fi"] == ["Esikarsinnassa", "Karsinnassa"]
    assert record.changes["public"] == [False, True]


def test_removing_a_state_moves_its_ideas_to_the_kinds_default(
    own_states: dict[str, IdeaStateOption], idea_a: Idea, editor_a: Any
) -> None:
    services.idea_set_state(actor=editor_a, idea=idea_a, state=own_states["triage"])
    # Another state of the same kind exists and is public: the ideas move there.
    assert states.idea_state_delete(actor=editor_a, option=own_states["triage"]) == 1
    idea_a.refresh_from_db()
    assert (idea_a.state, idea_a.state_option_id) == (IdeaState.UNDER_REVIEW, own_states["review"].pk)
    # The last state of its kind: the ideas keep the kind under its built-in name.
    assert states.idea_state_delete(actor=editor_a, option=own_states["review"]) == 1
    idea_a.refresh_from_db()
    assert (idea_a.state, idea_a.state_option_id) == (IdeaState.UNDER_REVIEW, None)
    assert selectors.idea_state_name(idea=idea_a, user=editor_a) == t("Under review")
    orders = list(IdeaStateOption.objects.order_by("order").values_list("order", flat=True))
    assert orders == [0, 1]


# --- handlers choose among them ------------------------------------------------------------------------------------


def test_handler_chooses_an_own_state(own_states: dict[str, IdeaStateOption], idea_a: Idea, editor_a: Any) -> None:
    idea = services.idea_set_state(actor=editor_a, idea=idea_a, state=own_states["review"])
    assert (idea.state, idea.state_option_id) == (IdeaState.UNDER_REVIEW, own_states["review"].pk)
    # A built-in kind takes the organisation's default state of that kind (the first public one).
    idea = services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.UNDER_REVIEW)
    assert idea.state_option_id == own_states["review"].pk
    # A kind the organisation has no state for keeps its built-in name.
    idea = services.idea_set_state(actor=editor_a, idea=idea_a, state=IdeaState.IN_USE)
    assert (idea.state, idea.state_option_id) == (IdeaState.IN_USE, None)


def test_not_taken_forward_state_needs_a_reason(
    own_states: dict[str, IdeaStateOption], idea_a: Idea, editor_a: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        services.idea_set_state(actor=editor_a, idea=idea_a, state=own_states["no"])
    assert "reason" in error.value.message_dict
    idea = services.idea_set_state(actor=editor_a, idea=idea_a, state=own_states["no"], reason="Ei rahaa")
    assert (idea.state, idea.state_reason) == (IdeaState.NOT_TAKEN_FORWARD, "Ei rahaa")


def test_another_organisations_state_is_refused(
    idea_a: Idea, editor_a: Any, org_b: Organisation, editor_b: Any
) -> None:
    foreign = add(org_b, editor_b, IdeaState.IN_USE, "Käytössä B")
    with pytest.raises(ValidationError) as error:
        services.idea_set_state(actor=editor_a, idea=idea_a, state=foreign)
    assert "state" in error.value.message_dict
    idea_a.refresh_from_db()
    assert idea_a.state == IdeaState.RECEIVED


@pytest.mark.parametrize("role", ROLES)
def test_state_name_per_viewer(
    request: pytest.FixtureRequest, own_states: dict[str, IdeaStateOption], idea_a: Idea, editor_a: Any, role: str
) -> None:
    viewer = request.getfixturevalue(role)
    services.idea_set_state(actor=editor_a, idea=idea_a, state=own_states["triage"])
    idea = Idea.objects.select_related("challenge", "state_option").get(pk=idea_a.pk)
    handles = role in {"editor_a", "challenge_handler", "platform_admin"}
    expected = "Esikarsinnassa" if handles else "Arvioitavana"  # the kind's first public state
    assert selectors.idea_state_name(idea=idea, user=viewer) == expected
    assert selectors.with_state_names(ideas=[idea], user=viewer)[0].state_name == expected  # type: ignore[attr-defined]


def test_state_choices_are_the_organisations_states_then_uncovered_kinds(
    own_states: dict[str, IdeaStateOption], org_a: Organisation, org_b: Organisation
) -> None:
    choices = selectors.state_choices(organisation_id=org_a.pk)
    assert [label for _value, label in choices][:4] == ["Saapunut", "Esikarsinnassa", "Arvioitavana", "Ei etene"]
    assert {value for value, _label in choices[4:]} == {
        IdeaState.IN_DEVELOPMENT,
        IdeaState.EXPERIMENTING,
        IdeaState.IN_USE,
    }
    assert [value for value, _label in selectors.state_choices(organisation_id=org_b.pk)] == IdeaState.values


# --- pages ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_states_page_per_role(request: pytest.FixtureRequest, org_a: Organisation, role: str) -> None:
    user = request.getfixturevalue(role)
    response = client_for(user).get(url("ideas:states", slug=org_a.slug))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in MANAGERS else 403)
    post = client_for(user).post(
        url("ideas:states", slug=org_a.slug), {"kind": IdeaState.RECEIVED, "name_fi": "Uusi", "public": "on"}
    )
    assert IdeaStateOption.objects.exists() == (role in MANAGERS)
    assert post.status_code in ((302,) if role in MANAGERS or role == "anonymous" else (403,))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_states_page_in_every_language(
    own_states: dict[str, IdeaStateOption], org_a: Organisation, editor_a: Any, language: str
) -> None:
    client = client_for(editor_a)
    for page in (
        url("ideas:states", language, slug=org_a.slug),
        url("ideas:state_edit", language, slug=org_a.slug, pk=own_states["new"].pk),
        url("ideas:state_delete", language, slug=org_a.slug, pk=own_states["new"].pk),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Content-Language"] == language
    assert "Esikarsinnassa" in client.get(url("ideas:states", language, slug=org_a.slug)).content.decode()


def test_states_page_add_edit_move_remove(
    own_states: dict[str, IdeaStateOption], org_a: Organisation, editor_a: Any, idea_a: Idea
) -> None:
    client = client_for(editor_a)
    response = client.post(url("ideas:states", "en", slug=org_a.slug), {"kind": IdeaState.RECEIVED})
    assert response.status_code == 400
    assert t("Give the state a name in at least one language.", "en") in response.content.decode()
    response = client.post(url("ideas:states", slug=org_a.slug), {"kind": IdeaState.IN_USE, "name_en": "Live"})
    assert response.status_code == 302
    live = IdeaStateOption.objects.get(name_en="Live")
    assert not live.public  # an unticked box is not public
    response = client.post(
        url("ideas:state_edit", slug=org_a.slug, pk=live.pk), {"name_en": "In service", "public": "on"}
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert (live.name_en, live.public) == ("In service", True)
    client.post(url("ideas:state_move", slug=org_a.slug, pk=live.pk), {"direction": "up"})
    assert selectors.state_options(organisation_id=org_a.pk)[3].pk == live.pk
    services.idea_set_state(actor=editor_a, idea=idea_a, state=live)
    page = client.get(url("ideas:state_delete", "en", slug=org_a.slug, pk=live.pk)).content.decode()
    assert "1 idea in it keeps its kind" in page
    assert client.post(url("ideas:state_delete", slug=org_a.slug, pk=live.pk)).status_code == 302
    assert not IdeaStateOption.objects.filter(pk=live.pk).exists()
    idea_a.refresh_from_db()
    assert (idea_a.state, idea_a.state_option_id) == (IdeaState.IN_USE, None)


def test_other_organisations_state_is_not_found_on_the_page(
    own_states: dict[str, IdeaStateOption], org_b: Organisation, editor_b: Any
) -> None:
    response = client_for(editor_b).get(url("ideas:state_edit", slug=org_b.slug, pk=own_states["new"].pk))
    assert response.status_code == 404


def test_idea_page_offers_the_organisations_states(
    own_states: dict[str, IdeaStateOption], idea_a: Idea, editor_a: Any, registered_user: Any
) -> None:
    client = client_for(editor_a)
    page = client.get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    assert f'value="o{own_states["triage"].pk}"' in page
    response = client.post(url("ideas:state", pk=idea_a.pk), {"state": f"o{own_states['triage'].pk}"})
    assert response.status_code == 302
    idea_a.refresh_from_db()
    assert idea_a.state_option_id == own_states["triage"].pk
    # A resident sees the non-public state under its kind's default name.
    public_page = client_for(registered_user).get(url("ideas:idea", pk=idea_a.pk)).content.decode()
    assert "Esikarsinnassa" not in public_page
    assert "Arvioitavana" in public_page


@pytest.mark.parametrize("count", [2, 12])
def test_state_names_on_lists_do_not_cost_a_query_per_idea(
    own_states: dict[str, IdeaStateOption],
    challenge_a: Any,
    sender: Any,
    editor_a: Any,
    registered_user: Any,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(count):
        idea = services.idea_send(actor=sender, challenge=challenge_a, title=f"Idea {number}", text="T")
        services.idea_set_state(actor=editor_a, idea=idea, state=own_states["triage" if number % 2 else "review"])
    client = client_for(registered_user)
    client.get(url("ideas:detail", pk=challenge_a.pk))  # warm the session and translations
    # session, user, roles, the challenge, the handler checks of the page, the count, the page of ideas, the
    # organisation's states, one handler check for all the non-public states, the owner: the same for 2 ideas or 12.
    with django_assert_max_num_queries(11):
        page = client.get(url("ideas:detail", pk=challenge_a.pk)).content.decode()
    assert "Esikarsinnassa" not in page
    assert page.count("Arvioitavana") >= count
