"""Helpers for the page tests (no tests here): language-prefixed URLs and the form data of an innovation.

The people and records come from tests/fixtures.py (org_a, editor_a, admin_a, editor_b, published_a …), which the
root conftest.py loads for the whole suite.
"""

from typing import Any

from innovations.models import Innovation
from innovations.services import EDITABLE_FIELDS
from tests.pages import url as url  # shared; imported from here by the innovation page tests

LANGUAGES = ("fi", "sv", "en")


def form_data(innovation: Innovation | None = None, **overrides: Any) -> dict[str, Any]:
    """What the create/edit form posts: the innovation's current values (or a minimal new one) plus overrides."""
    data: dict[str, Any] = {"stage": "idea", "novelty": "new"}
    if innovation is not None:
        for field in EDITABLE_FIELDS:
            value = getattr(innovation, field)
            if isinstance(value, bool):
                if value:
                    data[field] = "on"
            elif value is not None:
                data[field] = value.isoformat() if hasattr(value, "isoformat") else value
        data["version"] = innovation.version
        for classification in innovation.classifications.all():
            data.setdefault(classification.dimension, []).append(classification.code)
        data["themes"] = [theme.slug for theme in innovation.themes.all()]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
