"""`manage.py load_demo_data` loads the synthetic barometer rounds after the demo registry: the two past rounds
(302 responses), the try-out round and the live round with invitations. --reset removes them first (they sample
the demo organisations), then rebuilds everything."""

import pytest
from django.core.management import call_command

from barometer.models import Response, Round
from demo.barometer import ROUND_2022

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_load_demo_data_loads_the_rounds_and_reset_rebuilds_them(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo_data", "--innovations", "20")
    assert "4 synthetic round(s) loaded (302 responses)" in capsys.readouterr().out
    first = Round.objects.get(slug=ROUND_2022.slug).pk
    call_command("load_demo_data", "--innovations", "20")
    assert "0 synthetic round(s) loaded (0 responses)" in capsys.readouterr().out
    # --reset removes the rounds before the demo organisations they sample, then loads everything again.
    call_command("load_demo_data", "--innovations", "20", "--reset")
    assert "4 synthetic round(s) loaded (302 responses)" in capsys.readouterr().out
    assert Round.objects.get(slug=ROUND_2022.slug).pk != first
    assert Response.objects.filter(round__slug=ROUND_2022.slug).count() == 182
