"""The experiment pages: who may do what (every role × action), the form's error summary, conflicts, the
decision, scaling up with confirmation, search and filters on the list, and escaping of hostile text."""

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.errors import ConflictError
from experiments import services
from experiments.models import Decision, Experiment
from innovations.models import Innovation
from innovations.tests.test_views_support import url
from innovations.vocabulary import Stage, Status
from organisations.models import Organisation
from tests.factories import ExperimentFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "registered_user", "editor_b", "editor_a", "admin_a", "platform_admin")


def form_data(experiment: Experiment | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"title_fi": "Kokeilu"}
    if experiment is not None:
        for field in services.EDITABLE_FIELDS:
            value = getattr(experiment, field)
            if value is not None:
                data[field] = value.isoformat() if hasattr(value, "isoformat") else value
        data["version"] = experiment.version
    data.update(partner_rows(experiment))
    data.update(overrides)
    return data


def partner_rows(experiment: Experiment | None = None, *rows: tuple[str, str]) -> dict[str, str]:
    """The partner rows the form posts: the experiment's partners (organisation slug, role), then `rows`."""
    pairs = [(p.organisation.slug, p.role) for p in experiment.partnerships.order_by("id")] if experiment else []
    pairs += rows
    data = {"partners-TOTAL_FORMS": str(len(pairs)), "partners-INITIAL_FORMS": "0"}
    for index, (slug, role) in enumerate(pairs):
        # The picker takes the organisation's name (or business ID); an unknown slug is posted as it is.
        found = Organisation.objects.filter(slug=slug).first() if slug else None
        data[f"partners-{index}-organisation"] = found.name if found else slug
        data[f"partners-{index}-role"] = role
    return data


# action -> (method, build(draft, published finished experiment decided "scale up"), expected per role in ROLES)
ACTIONS: dict[str, tuple[str, Any, tuple[Any, ...]]] = {
    "list": ("get", lambda d, p: (url("experiments:list"), {}), (200, 200, 200, 200, 200, 200)),
    "view published": ("get", lambda d, p: (url("experiments:detail", pk=p.pk), {}), (200,) * 6),
    "view draft": ("get", lambda d, p: (url("experiments:detail", pk=d.pk), {}), (404, 404, 404, 200, 200, 200)),
    "open create form": ("get", lambda d, p: (url("experiments:create"), {}), ("login", 403, 200, 200, 200, 403)),
    "create": (
        "post",
        lambda d, p: (url("experiments:create", query=f"owner={d.owner.slug}"), form_data(title_fi="Uusi")),
        ("login", 403, 403, 302, 302, 302),
    ),
    "open edit form": ("get", lambda d, p: (url("experiments:edit", pk=p.pk), {}), ("login", 403, 403, 200, 200, 200)),
    "open edit form of a draft": (
        "get",
        lambda d, p: (url("experiments:edit", pk=d.pk), {}),
        ("login", 404, 404, 200, 200, 200),
    ),
    "save edit": (
        "post",
        lambda d, p: (url("experiments:edit", pk=p.pk), form_data(p, title_fi="Muutettu")),
        ("login", 403, 403, 302, 302, 302),
    ),
    "decide": (
        "post",
        lambda d, p: (
            url("experiments:decide", pk=d.pk),
            {"version": d.version, "decision": "stop", "reasons_fi": "x"},
        ),
        ("login", 404, 404, 302, 302, 302),
    ),
    "publish a draft": (
        "post",
        lambda d, p: (url("experiments:publish", pk=d.pk), {"version": d.version}),
        ("login", 404, 404, 302, 302, 302),
    ),
    "unpublish": (
        "post",
        lambda d, p: (url("experiments:unpublish", pk=p.pk), {"version": p.version}),
        ("login", 403, 403, 302, 302, 302),
    ),
    "open scale-up page": (
        "get",
        lambda d, p: (url("experiments:scale_up", pk=p.pk), {}),
        ("login", 403, 403, 200, 200, 200),
    ),
    "scale up": (
        "post",
        lambda d, p: (url("experiments:scale_up", pk=p.pk), {"version": p.version}),
        ("login", 403, 403, 302, 302, 302),
    ),
    "open delete page": (
        "get",
        lambda d, p: (url("experiments:delete", pk=p.pk), {}),
        ("login", 403, 403, 403, 200, 200),
    ),
    "delete": ("post", lambda d, p: (url("experiments:delete", pk=p.pk), {}), ("login", 403, 403, 403, 302, 302)),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_page_actions_by_role(
    client: Any, request: pytest.FixtureRequest, action: str, role: str, running_draft: Any, finished_published: Any
) -> None:
    method, build, expected_by_role = ACTIONS[action]
    expected = expected_by_role[ROLES.index(role)]
    path, data = build(running_draft, finished_published)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(path, data)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(url("accounts:login") + "?next=")
    else:
        assert response.status_code == expected


def test_create_with_bad_input_shows_the_error_summary_and_saves_nothing(client: Any, editor_a: Any) -> None:
    client.force_login(editor_a)
    data = form_data(title_fi="", starts_on="2025-05-01", ends_on="2025-04-01", budget="-5")
    response = client.post(url("experiments:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_budget"' in html
    assert 'aria-invalid="true"' in html
    assert not Experiment.objects.exists()
    # the form passes the shape checks: the service's errors come back to their fields
    response = client.post(
        url("experiments:create"), form_data(title_fi="", starts_on="2025-05-01", ends_on="2025-04-01")
    )
    form = response.context["form"]
    assert set(form.errors) == {"title_fi"} or set(form.errors) >= {"ends_on"}
    assert not Experiment.objects.exists()


def test_create_then_detail_shows_the_texts(client: Any, editor_a: Any, org_a: Any) -> None:
    client.force_login(editor_a)
    response = client.post(
        url("experiments:create"),
        form_data(
            title_fi="Etäkuntoutus", hypothesis_fi="Kotona kuntoutuminen nopeutuu", budget="5000", ends_on="2030-01-01"
        ),
    )
    experiment = Experiment.objects.get()
    assert response["Location"] == experiment.get_absolute_url()
    assert experiment.owner == org_a
    page = client.get(experiment.get_absolute_url()).content.decode()
    assert "Etäkuntoutus" in page
    assert "Kotona kuntoutuminen nopeutuu" in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_edit_conflict_keeps_the_text_and_explains(
    client: Any, editor_a: Any, admin_a: Any, running_draft: Any, language: str
) -> None:
    stale = form_data(running_draft, title_fi="Minun muutokseni")
    services.experiment_update(actor=admin_a, experiment=running_draft, expected_version=1, data={"title_fi": "Toisen"})
    client.force_login(editor_a)
    response = client.post(url("experiments:edit", language, pk=running_draft.pk), stale)
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        assert str(ConflictError.message) in html
    assert "Minun muutokseni" in html
    running_draft.refresh_from_db()
    assert running_draft.title_fi == "Toisen"
    # saving again, now from the saved version, goes through
    client.post(url("experiments:edit", pk=running_draft.pk), form_data(running_draft, title_fi="Minun muutokseni"))
    running_draft.refresh_from_db()
    assert running_draft.title_fi == "Minun muutokseni"


def test_decide_page_saves_the_decision_and_shows_errors(client: Any, editor_a: Any, running_draft: Any) -> None:
    client.force_login(editor_a)
    response = client.post(url("experiments:decide", pk=running_draft.pk), {"version": 1, "decision": "stop"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    response = client.post(
        url("experiments:decide", pk=running_draft.pk),
        {"version": 1, "decision": "stop", "reasons_sv": "För få deltagare"},
    )
    assert response.status_code == 302
    running_draft.refresh_from_db()
    assert (running_draft.decision, running_draft.decision_reasons_sv) == (Decision.STOP, "För få deltagare")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_scale_up_asks_for_confirmation_then_creates_the_innovation(
    client: Any, editor_a: Any, finished_published: Any, language: str
) -> None:
    client.force_login(editor_a)
    detail = client.get(url("experiments:detail", language, pk=finished_published.pk)).content.decode()
    with translation.override(language):
        assert gettext("Scale up into an innovation") in detail
    page = client.get(url("experiments:scale_up", language, pk=finished_published.pk))
    assert page.status_code == 200
    assert not Innovation.objects.exists()  # opening the page changes nothing
    response = client.post(
        url("experiments:scale_up", language, pk=finished_published.pk), {"version": finished_published.version}
    )
    innovation = Innovation.objects.get()
    assert response.status_code == 302
    assert innovation.stage == Stage.IN_USE
    finished_published.refresh_from_db()
    assert finished_published.resulting_innovation == innovation
    detail = client.get(url("experiments:detail", language, pk=finished_published.pk)).content.decode()
    assert innovation.get_absolute_url() in detail
    with translation.override(language):
        assert gettext("Scale up into an innovation") not in detail


def test_scale_up_page_explains_a_refusal(client: Any, editor_a: Any, running_draft: Any) -> None:
    client.force_login(editor_a)
    response = client.post(url("experiments:scale_up", "en", pk=running_draft.pk), {"version": running_draft.version})
    assert response.status_code == 200
    with translation.override("en"):
        assert str(services.scale_up_refusal(running_draft)) in response.content.decode()
    assert not Innovation.objects.exists()


def test_list_filters_and_search(
    client: Any,
    editor_a: Any,
    org_a: Any,
    finished_published: Any,
    running_draft: Any,
    kokeilun_arviointi: Any,
) -> None:

    def titles(query: str) -> set[str]:
        response = client.get(url("experiments:list", query=query))
        assert response.status_code == 200
        return {str(e.title) for e in response.context["page"].object_list}

    assert titles("") == {"Kotihoidon etäkäynnit", "Kokeilun arviointi"}  # anonymous: no drafts
    assert titles("q=kokeilu") == {"Kokeilun arviointi"}
    assert titles("phase=finished") == {"Kotihoidon etäkäynnit"}
    assert titles("phase=running") == {"Kokeilun arviointi"}
    assert titles("decision=scale_up") == {"Kotihoidon etäkäynnit"}
    assert titles(f"owner={org_a.slug}&decision=none") == {"Kokeilun arviointi"}
    # nonsense in the address is ignored, never an error
    assert titles("phase=x&decision=<b>&page=abc&q=" + "a" * 500) == set()
    client.force_login(editor_a)
    assert "Liikuntakokeilu kouluissa" in titles("phase=running")


def test_hostile_text_is_not_executed(client: Any, editor_a: Any, org_a: Any) -> None:
    experiment = ExperimentFactory.create(
        owner=org_a,
        actor=editor_a,
        school_exercise=True,
        status=Status.PUBLISHED,
        title_fi="Kokeilu <img src=x onerror=alert(1)>",
        results_fi="<script>alert('x')</script>Tulos & <b>muuta</b>",
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    html = client.get(experiment.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "Tulos &amp; muuta" in html


def test_nav_links_to_experiments(client: Any) -> None:
    html = client.get(url("experiments:list", "sv")).content.decode()
    assert f'href="{url("experiments:list", "sv")}" aria-current="page"' in html


def test_change_history_names_the_fields_for_the_owner_only(
    client: Any, editor_a: Any, editor_b: Any, finished_published: Any
) -> None:
    client.force_login(editor_a)
    response = client.get(url("experiments:detail", "en", pk=finished_published.pk))
    with translation.override("en"):
        assert response.context["changes"][0][1] == "decision, reasons for the decision (fi)"
    client.force_login(editor_b)
    assert client.get(url("experiments:detail", "en", pk=finished_published.pk)).context["changes"] is None


def test_an_experiment_can_try_out_a_visible_innovation(
    client: Any, editor_b: Any, org_b: Any, published_a: Any, draft_a: Any
) -> None:
    client.force_login(editor_b)
    assert client.get(url("experiments:create", query=f"innovation={draft_a.pk}")).status_code == 404
    page = client.get(url("experiments:create", "en", query=f"innovation={published_a.pk}"))
    assert str(published_a.title) in page.content.decode()
    client.post(url("experiments:create", query=f"innovation={published_a.pk}"), form_data(title_fi="Kokeilemme"))
    experiment = Experiment.objects.get()
    assert (experiment.owner, experiment.source_innovation) == (org_b, published_a)
    detail = client.get(experiment.get_absolute_url()).content.decode()
    assert published_a.get_absolute_url() in detail


@pytest.mark.parametrize(("language", "shown"), [("fi", "12\xa0500,50 €"), ("en", "12,500.50 €")])
def test_budget_is_shown_in_the_readers_format(client: Any, finished_published: Any, language: str, shown: str) -> None:
    html = client.get(url("experiments:detail", language, pk=finished_published.pk)).content.decode()
    assert shown in html
