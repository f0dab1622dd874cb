"""Which barometer texts exist in Finnish, Swedish and English (django-modeltranslation adds the columns)."""

from modeltranslation.translator import TranslationOptions, register

from barometer.models import Choice, Definition, Item, Question, Questionnaire, QuestionnaireVersion, Round, Section


class _NoneRequired(TranslationOptions):
    required_languages = {"default": ()}


@register(Questionnaire)
class QuestionnaireTranslation(_NoneRequired):
    fields = ("name", "description", "provenance_note")


@register(QuestionnaireVersion)
class QuestionnaireVersionTranslation(_NoneRequired):
    fields = ("introduction", "reference_period")


@register(Definition)
class DefinitionTranslation(_NoneRequired):
    fields = ("term", "text")


@register(Section)
class SectionTranslation(_NoneRequired):
    fields = ("title", "introduction")


@register(Question)
class QuestionTranslation(_NoneRequired):
    fields = ("text", "help_text", "unit_label")


@register(Choice)
class ChoiceTranslation(_NoneRequired):
    fields = ("label",)


@register(Item)
class ItemTranslation(_NoneRequired):
    fields = ("label",)


@register(Round)
class RoundTranslation(_NoneRequired):
    fields = ("name", "description")
