"""The innovation barometer: versioned questionnaires, survey rounds with their sampling frame, invitations,
responses and answers, and imports of responses made with other tools.

Translated texts (question wording, choice labels …) get `_fi`, `_sv`, `_en` columns from
django-modeltranslation (see translation.py). An answer is one JSON value per response and question (its shape
by question kind is checked in `answers.py`), so saving one answer is one upsert and nothing else changes.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from barometer.vocabulary import (
    Background,
    ImportStatus,
    QuestionKind,
    ResponseSource,
    ResponseStatus,
    RoundStatus,
    Sector,
    Unit,
    VersionStatus,
)
from records.models import Versioned

CODE_HELP = _("Letters, digits and underscores; the variable name in files and the API.")


class Questionnaire(models.Model):
    """A questionnaire family, e.g. "Innovation barometer — municipal sector"; its contents live in versions."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The barometer team: the organiser's administrators and editors manage the questionnaire.
    organiser = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    # Shown wherever the questionnaire is, e.g. for the default one rebuilt from the published report.
    provenance_note = models.TextField(_("provenance note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return str(self.name)


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    introduction = models.TextField(_("introduction"), blank=True)
    # E.g. "the last two years"; a round states the exact dates.
    reference_period = models.CharField(_("reference period"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking for the questionnaire editor.
    revision = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="unique_questionnaire_version")]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"


class Definition(models.Model):
    """A term's definition, shown beside the questions that use it (e.g. "innovation")."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="definitions")
    term = models.CharField(_("term"), max_length=100)
    text = models.TextField(_("definition"))

    class Meta:
        ordering = ["version", "term"]
        verbose_name = _("definition")
        verbose_name_plural = _("definitions")

    def __str__(self) -> str:
        return str(self.term)


class Section(models.Model):
    """A page of the answering form."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=32, help_text=CODE_HELP)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    # Routing: {"question": "<code>", "any_of": ["<choice code>", …]}; empty = always shown. See routing.py.
    show_if = models.JSONField(_("shown when"), default=dict, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_section_code")]

    def __str__(self) -> str:
        return str(self.title)


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    # Denormalised from the section: question codes are unique within a version.
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=32, help_text=CODE_HELP)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("instructions"), blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    show_if = models.JSONField(_("shown when"), default=dict, blank=True)
    background = models.CharField(
        _("background variable"), max_length=16, choices=Background.choices, default=Background.NONE, blank=True
    )
    definitions = models.ManyToManyField(Definition, verbose_name=_("definitions"), blank=True)
    # Numbers only.
    min_value = models.DecimalField(_("smallest value"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest value"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_label = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        ordering = ["version", "section__order", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_question_code")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Choice(models.Model):
    """An answer option (a column of a scale or grid)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=32, help_text=CODE_HELP)
    label = models.CharField(_("label"), max_length=300)
    # "Don't know", "not relevant": counted, but left out of the percentage's denominator.
    excluded_from_percent = models.BooleanField(_("left out of percentages"), default=False)
    # "None of these": cannot be chosen together with other options of a multiple choice.
    exclusive = models.BooleanField(_("excludes other options"), default=False)

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="unique_choice_code")]

    def __str__(self) -> str:
        return str(self.label)


class Item(models.Model):
    """A row of a scale or grid question (e.g. one enabler of innovation)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=32, help_text=CODE_HELP)
    label = models.CharField(_("label"), max_length=300)

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="unique_item_code")]

    def __str__(self) -> str:
        return str(self.label)


class Round(Versioned):
    """One survey round, e.g. "Innovation barometer 2022 — municipal sector"; versioned for optimistic locking."""

    slug = models.SlugField(_("short name in addresses"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, verbose_name=_("questionnaire version"), on_delete=models.PROTECT, related_name="rounds"
    )
    organiser = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, default=Sector.MUNICIPAL)
    year = models.PositiveIntegerField(_("year"))
    reference_period_start = models.DateField(_("reference period starts"))
    reference_period_end = models.DateField(_("reference period ends"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    unit = models.CharField(_("unit of analysis"), max_length=16, choices=Unit.choices, default=Unit.ORGANISATION)
    # When false (the default), no published figure or file lets a reader trace an answer to an organisation.
    answers_public = models.BooleanField(_("answers are public"), default=False)
    # Rounds made up for the demo are labelled wherever they are shown.
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    # A try-out round: anyone may answer through its open link to see the survey; its answers are practice, so its
    # results are never published (services.rounds refuses).
    is_tryout = models.BooleanField(_("try-out round open to anyone"), default=False)
    # Earlier round to compare with by default (same questions matched by code).
    previous_round = models.ForeignKey(
        "self", verbose_name=_("compare with"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_open"),
            models.CheckConstraint(
                condition=Q(reference_period_end__gte=models.F("reference_period_start")),
                name="round_reference_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class FrameUnit(models.Model):
    """An organisation in a round's sampling frame, with its strata as they were when the frame was drawn.

    The strata are copied, not read through the organisation, so that a later change to an organisation does
    not change a past round's weights.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="frame")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="barometer_frame_units"
    )
    kind = models.CharField(_("organisation kind"), max_length=32)
    size_class = models.CharField(_("size class"), max_length=10, blank=True)
    region_code = models.CharField(_("region"), max_length=2, blank=True)

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("sampling frame unit")
        verbose_name_plural = _("sampling frame units")
        constraints = [models.UniqueConstraint(fields=["round", "organisation"], name="unique_frame_unit")]
        indexes = [models.Index(fields=["round", "kind", "size_class", "region_code"])]

    def __str__(self) -> str:
        return f"{self.round}: {self.organisation}"


class Invitation(models.Model):
    """A personal invitation to answer: the token in its link is the respondent's key, so it is unguessable."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    frame_unit = models.ForeignKey(FrameUnit, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fi")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders sent"), default=0)

    class Meta:
        ordering = ["round", "frame_unit__organisation__name", "email"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["round", "email"], name="unique_invitation_email")]

    def __str__(self) -> str:
        return f"{self.email} ({self.round})"


class Response(models.Model):
    """One respondent's answers in a round: made by the answering form (through an invitation) or an import."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    frame_unit = models.ForeignKey(FrameUnit, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    # An imported row's own identifier: importing the same file again updates instead of duplicating.
    external_id = models.CharField(_("identifier in the imported file"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ResponseSource.choices, default=ResponseSource.WEB)
    status = models.CharField(
        _("status"), max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fi")
    # Where the respondent was: the personal link resumes there.
    current_section = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "-updated_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "external_id"], condition=~Q(external_id=""), name="unique_imported_response"
            )
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.frame_unit} ({self.get_status_display()})"


class Answer(models.Model):
    """The answer to one question: saved on its own as soon as it is given (see answers.py for the shapes)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="unique_answer")]

    def __str__(self) -> str:
        return f"{self.question.code} = {self.value}"


class ResponseImport(models.Model):
    """An upload of responses made with another survey tool: mapped, checked (dry run), then imported at once."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="barometer/imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)  # csv, xlsx, sav
    # {"columns": {"<file column>": "<question code>[:<choice or item code>]"}, "organisation": "<column>", …}
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # When a check or import last reported progress: one that stopped reporting (its process ended) may start again.
    progress_at = models.DateTimeField(null=True, blank=True)
    # [{"row": 3, "column": "q5", "value": "x", "message": "…"}]
    problems = models.JSONField(default=list, blank=True)
    created = models.PositiveIntegerField(_("responses created"), default=0)
    updated = models.PositiveIntegerField(_("responses updated"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "-created_at"]
        verbose_name = _("response import")
        verbose_name_plural = _("response imports")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.round}"
