"""Moderation: banned words per organisation, reports, the moderation queue and hiding with a reason."""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ideas.models import BannedWord
from organisations.models import Organisation


def banned_words_in(*, organisation: Organisation, text: str) -> list[str]:
    """The organisation's banned words that occur in the text as whole words, case and accents as written
    (Finnish inflects, so a banned word also matches as the start of a longer word: "tyhmä" finds "tyhmää")."""
    words = list(BannedWord.objects.filter(organisation=organisation).values_list("word", flat=True))
    found = []
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}", text, flags=re.IGNORECASE):
            found.append(word)
    return found


def check_text(*, organisation: Organisation, texts: Mapping[str, str]) -> None:
    """Refuses texts with the organisation's banned words, naming the words and the field they are in."""
    errors = {}
    for field, text in texts.items():
        found = banned_words_in(organisation=organisation, text=text)
        if found:
            errors[field] = _("Remove these words, which %(organisation)s does not accept: %(words)s.") % {
                "organisation": organisation.name,
                "words": ", ".join(found),
            }
    if errors:
        raise ValidationError(errors)
