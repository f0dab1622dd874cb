"""What the experiment pages gained: partner roles on the form (every mistake named at its row, nothing half
saved), the ideas an experiment came from (only those the viewer may see), the innovation page's experiments, and
the Django admin (status only, through the service)."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from audit.models import Action, ChangeRecord
from experiments.models import Experiment
from experiments.tests.test_views import form_data, partner_rows
from ideas.models import Audience, Idea
from ideas.services import ideas as idea_services
from innovations.tests.test_views_support import url
from innovations.vocabulary import PartnerRole, Status
from organisations.models import OrganisationKind
from tests.factories import ChallengeFactory, OrganisationFactory, UserFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()  # nothing cached by an earlier test (rate limits count in the database, rolled back per test)


@pytest.fixture
def company(db: None) -> Any:
    return OrganisationFactory.create(kind=OrganisationKind.COMPANY)


def signed_in(user: Any) -> Client:
    client = client_for(user)
    return client


# --- partner roles on the form ------------------------------------------------------------------------------------


def test_create_with_partners_and_their_roles(editor_a: Any, org_a: Any, org_b: Any, company: Any) -> None:
    # An empty row in between (as the browser posts it, with the role's first choice) is skipped.
    rows = partner_rows(
        None, (org_b.slug, PartnerRole.FUNDER), ("", PartnerRole.CO_DEVELOPER), (company.slug, PartnerRole.PILOT_SITE)
    )
    data = form_data(title_fi="Kumppanikokeilu") | rows
    response = signed_in(editor_a).post(url("experiments:create", query=f"owner={org_a.slug}"), data)
    assert response.status_code == 302
    experiment = Experiment.objects.get()
    assert {(p.organisation, p.role) for p in experiment.partnerships.all()} == {
        (org_b, PartnerRole.FUNDER),
        (company, PartnerRole.PILOT_SITE),
    }
    page = signed_in(editor_a).get(url("experiments:detail", language="en", pk=experiment.pk))
    with translation.override("en"):
        assert f"({gettext('Funder')})" in page.text
        assert f"({gettext('Pilot site')})" in page.text


def test_edit_form_shows_partners_with_roles_and_changes_them(
    running_draft: Experiment, editor_a: Any, org_b: Any, company: Any
) -> None:
    client = signed_in(editor_a)
    client.post(
        url("experiments:edit", pk=running_draft.pk),
        form_data(running_draft) | partner_rows(running_draft, (org_b.slug, PartnerRole.FUNDER)),
    )
    running_draft.refresh_from_db()
    formset = client.get(url("experiments:edit", pk=running_draft.pk)).context["partner_forms"]
    # The partner chosen, then three empty rows.
    assert [form.initial for form in formset.forms][:1] == [{"organisation": org_b, "role": PartnerRole.FUNDER}]
    assert len(formset.forms) == 4
    # A new role for org_b, a new partner, and then org_b removed ("No partner" on its row).
    data = form_data(running_draft) | partner_rows(
        None, (org_b.slug, PartnerRole.RESEARCHER), (company.slug, PartnerRole.SUPPLIER)
    )
    assert client.post(url("experiments:edit", pk=running_draft.pk), data).status_code == 302
    assert {(p.organisation, p.role) for p in running_draft.partnerships.all()} == {
        (org_b, PartnerRole.RESEARCHER),
        (company, PartnerRole.SUPPLIER),
    }
    running_draft.refresh_from_db()
    data = form_data(running_draft) | partner_rows(None, ("", PartnerRole.RESEARCHER), (company.slug, "supplier"))
    assert client.post(url("experiments:edit", pk=running_draft.pk), data).status_code == 302
    assert [(p.organisation, p.role) for p in running_draft.partnerships.all()] == [(company, PartnerRole.SUPPLIER)]


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        (lambda a, b: [(b, "funder"), (b, "supplier")], "partners-1-organisation", "This organisation is already listed as a partner."),
        (lambda a, b: [(a, "funder")], "partners-0-organisation", "The owner cannot be its own partner."),
        (lambda a, b: [(b, "boss")], "partners-0-role", "Select a valid choice. boss is not one of the available choices."),
        (lambda a, b: [("no-such-org", "funder")], "partners-0-organisation", "No organisation is called “no-such-org”."),
    ],
)  # fmt: skip
def test_partner_mistakes_are_named_at_their_row_and_nothing_is_saved(
    running_draft: Experiment, editor_a: Any, org_a: Any, org_b: Any, rows: Any, field: str, message: str
) -> None:
    before = running_draft.version
    data = form_data(running_draft, title_fi="Ei tallennu") | partner_rows(None, *rows(org_a.slug, org_b.slug))
    response = signed_in(editor_a).post(url("experiments:edit", language="en", pk=running_draft.pk), data)
    assert response.status_code == 200
    assert f'href="#id_{field}"' in response.text  # the error summary links to the row's field
    with translation.override("en"):
        assert gettext(message) in response.text
    running_draft.refresh_from_db()
    assert running_draft.version == before
    assert running_draft.title_fi != "Ei tallennu"
    assert not running_draft.partnerships.exists()


def test_the_owner_chosen_on_the_create_form_cannot_be_a_partner(org_a: Any, org_b: Any) -> None:
    from tests.factories import MembershipFactory

    editor = MembershipFactory(organisation=org_a).user
    MembershipFactory(user=editor, organisation=org_b)
    data = form_data(title_fi="Kaksi omistajaa", owner=org_b.pk) | partner_rows(None, (org_b.slug, "funder"))
    response = signed_in(editor).post(url("experiments:create"), data)
    assert response.status_code == 200
    assert "organisation" in response.context["partner_forms"].forms[0].errors
    assert 'href="#id_partners-0-organisation"' in response.text
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"partners-TOTAL_FORMS": "500", "partners-INITIAL_FORMS": "0"},  # far more rows than allowed
        {},  # no management form at all (an old page or a hand-made request)
        {"partners-TOTAL_FORMS": "x", "partners-INITIAL_FORMS": "0"},
    ],
)
def test_tampered_partner_rows_are_refused_without_an_error_page(
    running_draft: Experiment, editor_a: Any, data: dict[str, str]
) -> None:
    posted = {k: v for k, v in form_data(running_draft, title_fi="Ei").items() if not k.startswith("partners-")}
    response = signed_in(editor_a).post(url("experiments:edit", pk=running_draft.pk), posted | data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    running_draft.refresh_from_db()
    assert running_draft.version == 1


# --- the ideas an experiment came from ----------------------------------------------------------------------------


@pytest.fixture
def ideas_behind(running_draft: Experiment, org_a: Any, editor_a: Any) -> dict[str, Any]:
    """Ideas linked to org_a's experiment: a public one, one waiting for its e-mail confirmation, a hidden one and
    one sent to a challenge for org_a's own staff."""
    Experiment.objects.filter(pk=running_draft.pk).update(status=Status.PUBLISHED)
    sender = UserFactory.create()
    public = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True)
    staff = ChallengeFactory.create(owner=org_a, actor=editor_a, unnumbered=True, audience=Audience.STAFF)
    ideas: dict[str, Any] = {
        "public": idea_services.idea_send(actor=sender, challenge=public, title="Julkinen idea", text="x"),
        "unconfirmed": idea_services.idea_send(
            actor=AnonymousUser(), challenge=public, title="Vahvistamaton idea", text="x", sender_email="a@example.fi"
        ),
        "hidden": idea_services.idea_send(actor=sender, challenge=public, title="Piilotettu idea", text="x"),
        "staff": idea_services.idea_send(actor=editor_a, challenge=staff, title="Henkilöstön idea", text="x"),
    }
    Idea.objects.filter(pk=ideas["hidden"].pk).update(hidden=True, hidden_reason="Asiaton")
    Idea.objects.filter(pk__in=[idea.pk for idea in ideas.values()]).update(experiment=running_draft)
    ideas["sender"] = sender
    return ideas


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("anonymous", {"public"}),
        ("registered_user", {"public"}),
        ("sender", {"public"}),  # their hidden idea stays hidden from them too, as in the idea lists
        ("editor_b", {"public"}),
        ("editor_a", {"public", "unconfirmed", "hidden", "staff"}),  # a handler of them all
        ("admin_a", {"public", "unconfirmed", "hidden", "staff"}),
        ("platform_admin", {"public", "unconfirmed", "hidden", "staff"}),
    ],
)
def test_experiment_page_lists_only_the_ideas_the_viewer_may_see(
    running_draft: Experiment, ideas_behind: dict[str, Any], role: str, shown: set[str], request: Any
) -> None:
    client = Client()
    if role == "sender":
        client.force_login(ideas_behind["sender"])
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(url("experiments:detail", pk=running_draft.pk))
    assert response.status_code == 200
    listed = {key for key, idea in ideas_behind.items() if key != "sender" and idea in response.context["ideas"]}
    assert listed == shown
    for key in shown:
        assert url("ideas:idea", pk=ideas_behind[key].pk) in response.text
    for key in {"public", "unconfirmed", "hidden", "staff"} - shown:
        assert ideas_behind[key].title not in response.text


def test_no_ideas_no_section(finished_published: Experiment) -> None:
    response = Client().get(url("experiments:detail", language="en", pk=finished_published.pk))
    assert response.context["ideas"] == []
    assert 'id="ideas-behind-title"' not in response.text


# --- the innovation page's experiments ---------------------------------------------------------------------------


def test_innovation_page_lists_the_experiment_it_grew_from_and_those_that_tried_it(
    finished_published: Experiment, editor_a: Any, org_a: Any
) -> None:
    from experiments import services

    innovation = services.experiment_scale_up(
        actor=editor_a, experiment=finished_published, expected_version=finished_published.version
    )
    trial = services.experiment_create(
        actor=editor_a, owner=org_a, data={"title_fi": "Toinen kokeilu"}, source_innovation=innovation
    )
    response = signed_in(editor_a).get(url("innovations:detail", pk=innovation.pk))
    assert response.status_code == 200
    assert set(response.context["experiments"]) == {finished_published, trial}
    assert url("experiments:detail", pk=trial.pk) in response.text
    # The draft trial is org_a's own: others do not see it on the published innovation's page.
    assert list(Client().get(url("innovations:detail", pk=innovation.pk)).context["experiments"]) == [
        finished_published
    ]


# --- admin --------------------------------------------------------------------------------------------------------


def test_admin_lists_and_changes_the_status_through_the_service(running_draft: Experiment, platform_admin: Any) -> None:
    client = signed_in(platform_admin)
    assert client.get(url("admin:experiments_experiment_changelist")).status_code == 200
    change = url("admin:experiments_experiment_change", object_id=running_draft.pk)
    assert client.get(change).status_code == 200
    assert client.get(url("admin:experiments_experiment_add")).status_code == 403
    assert client.get(url("admin:experiments_experiment_delete", object_id=running_draft.pk)).status_code == 403
    response = client.post(
        change,
        {
            "status": Status.PUBLISHED,
            "expected_version": running_draft.version,
            "partnerships-TOTAL_FORMS": "0",
            "partnerships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    running_draft.refresh_from_db()
    assert running_draft.status == Status.PUBLISHED
    assert running_draft.version == 2
    record = ChangeRecord.objects.filter(object_id=running_draft.pk, action=Action.PUBLISH).get()
    assert record.changes == {"status": ["draft", "published"]}
    assert record.actor == platform_admin


def test_admin_refuses_a_stale_version(running_draft: Experiment, platform_admin: Any) -> None:
    client = signed_in(platform_admin)
    change = url("admin:experiments_experiment_change", object_id=running_draft.pk)
    response = client.post(
        change,
        {
            "status": Status.PUBLISHED,
            "expected_version": 99,
            "partnerships-TOTAL_FORMS": "0",
            "partnerships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    running_draft.refresh_from_db()
    assert running_draft.status == Status.DRAFT


@pytest.mark.parametrize("role", ["anonymous", "registered_user", "editor_a", "admin_a"])
def test_admin_is_for_platform_administrators_only(running_draft: Experiment, role: str, request: Any) -> None:
    client = Client() if role == "anonymous" else signed_in(request.getfixturevalue(role))
    response = client.get(url("admin:experiments_experiment_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
