from modeltranslation.translator import TranslationOptions, register

from ideas.models import Challenge, IdeaStateOption


@register(Challenge)
class ChallengeTranslation(TranslationOptions):
    fields = ("title", "question", "description")
    required_languages = {"default": ()}


@register(IdeaStateOption)
class IdeaStateOptionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"default": ()}
