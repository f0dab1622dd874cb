"""The barometer's fixed vocabularies: question kinds, round states, sectors, units of analysis."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    # Scales and grids have items (rows) answered on the same choices (columns): {"item": "choice"}.
    SCALE = "scale", _("Extent scale")
    GRID = "grid", _("Yes/no grid")
    NUMBER = "number", pgettext_lazy("question type", "Number")
    TEXT = "text", _("Free text")


# Kinds whose answers are choices, and the kinds whose choices are asked per item.
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.GRID})
ITEM_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.GRID})


class Background(models.TextChoices):
    """A question that asks what the sampling frame already knows: its answer can be prefilled and compared."""

    NONE = "", _("None")
    KIND = "kind", _("Organisation kind")
    SIZE_CLASS = "size_class", _("Size class")
    REGION = "region", _("Region")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # A version that a round uses is frozen: changing it means making a new version.
    FROZEN = "frozen", _("In use (frozen)")


class Sector(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal sector")
    WELLBEING = "wellbeing", _("Wellbeing services counties")
    STATE = "state", _("State administration")
    OTHER = "other", _("Other")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Results published")


class Unit(models.TextChoices):
    """What one row of the analysis is."""

    ORGANISATION = "organisation", _("Organisation (one answer per organisation)")
    RESPONDENT = "respondent", _("Respondent (every answer counts)")


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class ResponseSource(models.TextChoices):
    WEB = "web", _("Answering form")
    IMPORT = "import", _("Imported file")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking (dry run)")
    CHECKED = "checked", _("Checked (dry run)")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
