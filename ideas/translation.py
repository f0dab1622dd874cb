from modeltranslation.translator import TranslationOptions, register

from ideas.models import Challenge


@register(Challenge)
class ChallengeTranslation(TranslationOptions):
    fields = ("title", "question", "description")
    required_languages = {"default": ()}
