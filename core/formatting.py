"""Numbers as the reader's language writes them: the one place that turns a percentage into text.

The rounding itself is plain (core/rounding.py); this adds the language's decimal separator and the spacing
before % that the translators chose ("57,6 %" in Finnish and Swedish, "57.6%" in English).
"""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.rounding import round_half_away


def quoted(text: str) -> str:
    """Text in the reader's language's quotation marks: ”…” in Finnish and Swedish, “…” in English."""
    # Translators: quotation marks around a quoted answer or title; Finnish and Swedish use ”…” (both the same).
    return pgettext("quotation", "“%(text)s”") % {"text": text}


def percent_number(value: float | None, places: int = 0) -> str:
    """A value already on the 0–100 scale, rounded half away from zero, in the language's own format."""
    if value is None:
        return "–"
    return str(formats.number_format(round_half_away(value, places), decimal_pos=places, use_l10n=True))


def percent_text(value: float | None, places: int = 0) -> str:
    """A value on the 0–100 scale as a percentage: "58 %" / "57,6 %" / "58%"."""
    if value is None:
        return "–"
    # Translators: a percentage; Finnish and Swedish put a non-breaking space before %.
    return _("%(value)s%%") % {"value": percent_number(value, places)}


def share_text(share: float | None, places: int = 0) -> str:
    """A share on the 0–1 scale as a percentage (0.576 → "57,6 %" with one decimal)."""
    return "–" if share is None else percent_text(100 * share, places)
