"""Free texts have a size limit everywhere: a 10 MB description (accepted in 12.6 s inside a transaction before)
is refused at once, on the page, through the API and by every service that saves records (imports call those
too), with a message naming the field and the limit, before any transaction begins."""

import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import get_resolver

from accounts.services import api_token_create
from barometer.rounds import services as round_services
from core.text_limits import LONG_TEXT, RICH_TEXT
from experiments import services as experiment_services
from experiments.models import Experiment
from ideas.services import challenges as idea_services
from innovations import services as innovation_services
from innovations.models import Innovation
from organisations import services as organisation_services
from tests.pages import client_for, url

pytestmark = pytest.mark.django_db
TEN_MB = "<p>" + "a" * (10 * 1024 * 1024) + "</p>"


@pytest.fixture(autouse=True)
def _urls_loaded() -> None:
    """The first request of a process imports the URL map (seconds on a busy machine): not what is timed here."""
    get_resolver().url_patterns  # noqa: B018 - loading the attribute is the point


def _quick(work: Any) -> Any:
    started = time.monotonic()
    try:
        return work()
    finally:
        assert time.monotonic() - started < 6, "refused slowly"  # 12.6 s before; a page render on a busy machine


def test_the_api_refuses_a_10_mb_description_at_once(org_a: Any, editor_a: Any) -> None:
    _token, key = api_token_create(user=editor_a, name="tests")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    payload = {"owner": org_a.slug, "title_fi": "Iso", "description_fi": TEN_MB}
    response = _quick(lambda: client.post("/api/v1/innovations", payload, content_type="application/json"))
    assert response.status_code in (400, 422)
    body = response.content.decode()
    assert "description_fi" in body
    assert "20" in body  # the limit, 20 000 characters
    assert not Innovation.objects.filter(title_fi="Iso").exists()


def test_the_page_refuses_a_10_mb_description_with_a_message_at_the_field(published_a: Any, editor_a: Any) -> None:
    client = client_for(editor_a)
    page = client.get(url("innovations:edit", pk=published_a.pk))
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"version": published_a.version, "title_fi": published_a.title_fi, "description_fi": TEN_MB})
    response = _quick(lambda: client.post(url("innovations:edit", pk=published_a.pk), data))
    assert response.status_code in (200, 400)
    content = response.content.decode()
    assert "Kuvaus" in content or "description" in content.lower()
    assert "20\u00a0000" in content
    published_a.refresh_from_db()
    assert len(published_a.description_fi) < RICH_TEXT


def test_services_refuse_before_the_transaction(org_a: Any, editor_a: Any, published_a: Any) -> None:
    outside = len(connection.atomic_blocks)
    experiment = experiment_services.experiment_create(actor=editor_a, owner=org_a, data={"title_fi": "Kokeilu"})
    cases = [
        lambda: innovation_services.innovation_create(actor=editor_a, owner=org_a, data={"description_fi": TEN_MB}),
        lambda: innovation_services.innovation_update(
            actor=editor_a, innovation=published_a, expected_version=published_a.version, data={"title_sv": "x" * 201}
        ),
        lambda: experiment_services.experiment_create(
            actor=editor_a, owner=org_a, data={"title_fi": "Kokeilu", "hypothesis_fi": "h" * (LONG_TEXT + 1)}
        ),
        lambda: organisation_services.organisation_update(
            actor=editor_a, organisation=org_a, data={"description_fi": TEN_MB}, expected_version=org_a.version
        ),
        lambda: idea_services.challenge_create(actor=editor_a, owner=org_a, data={"description_en": TEN_MB}),
        lambda: experiment_services.experiment_decide(
            actor=editor_a,
            experiment=experiment,
            expected_version=experiment.version,
            decision="stop",
            reasons={"fi": TEN_MB},
        ),
        lambda: round_services.round_create(actor=editor_a, organiser=org_a, data={"description_fi": TEN_MB}),
    ]
    with pytest.MonkeyPatch.context() as patch:
        # Any transaction begun would be seen here: none may begin before the refusal.
        from django.db import transaction

        real_atomic = transaction.Atomic.__enter__

        def enter(self: Any) -> None:
            assert len(connection.atomic_blocks) >= outside
            raise AssertionError("a transaction began before the text was refused")

        patch.setattr(transaction.Atomic, "__enter__", enter)
        for case in cases:
            with pytest.raises(ValidationError) as refused:
                _quick(case)
            message = " ".join(m for messages in refused.value.message_dict.values() for m in messages)
            assert "liian pitkä" in message, message
        patch.setattr(transaction.Atomic, "__enter__", real_atomic)
    assert not Experiment.objects.get().decision_reasons_fi


def test_a_description_at_the_limit_is_accepted(org_a: Any, editor_a: Any) -> None:
    description = "<p>" + "a" * (RICH_TEXT - 7) + "</p>"
    innovation = innovation_services.innovation_create(
        actor=editor_a, owner=org_a, data={"title_fi": "Rajalla", "description_fi": description}
    )
    assert len(innovation.description_fi or "") == RICH_TEXT


def test_a_questionnaire_file_with_a_10_mb_question_is_refused_naming_the_question() -> None:
    from pathlib import Path

    from barometer.questionnaires import file as questionnaire_file

    data = questionnaire_file.loads(
        (Path(questionnaire_file.__file__).parents[1] / "fixtures" / "municipal_barometer.json").read_bytes()
    )
    assert questionnaire_file.validate(data) == []
    data["sections"][0]["questions"][0]["text"]["fi"] = TEN_MB
    problems = _quick(lambda: questionnaire_file.validate(data))
    assert [(p.path, p.code) for p in problems] == [("sections[0].questions[0].text.fi", "too_long")]
    assert "20" in problems[0].message
