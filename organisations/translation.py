from modeltranslation.translator import TranslationOptions, register

from organisations.models import Network, Organisation, Region, WellbeingCounty


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(WellbeingCounty)
class WellbeingCountyTranslation(TranslationOptions):
    fields = ("name", "short_name")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Network)
class NetworkTranslation(TranslationOptions):
    fields = ("name", "description")
