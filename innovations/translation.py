from modeltranslation.translator import TranslationOptions, register

from innovations.models import Innovation


@register(Innovation)
class InnovationTranslation(TranslationOptions):
    fields = ("title", "summary", "description")
    required_languages = {"default": ()}
