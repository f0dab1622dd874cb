"""Reading the per-language columns that django-modeltranslation adds (name_fi, name_sv, name_en …).

The columns are made at run time, so type checkers cannot see them; going through these helpers keeps that
in one place.
"""

from typing import Any

LANGUAGES = ("fi", "sv", "en")


def translations(obj: Any, field: str) -> list[tuple[str, str]]:
    """[(language, text)] of a translated field, empty strings for missing languages."""
    return [(lang, getattr(obj, f"{field}_{lang}", None) or "") for lang in LANGUAGES]


def first_translation(obj: Any, field: str) -> str:
    """The text in the first language that has one (Finnish first)."""
    return next((text for _lang, text in translations(obj, field) if text), "")
