from modeltranslation.translator import TranslationOptions, register

from innovations.models import Innovation, InnovationImage


@register(Innovation)
class InnovationTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "target_group", "resources", "evidence")
    required_languages = {"default": ()}


@register(InnovationImage)
class InnovationImageTranslation(TranslationOptions):
    fields = ("alt_text",)
    required_languages = {"default": ()}
