from modeltranslation.translator import TranslationOptions, register

from core.models import Theme


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)
