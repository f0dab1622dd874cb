from modeltranslation.translator import TranslationOptions, register

from experiments.models import Experiment


@register(Experiment)
class ExperimentTranslation(TranslationOptions):
    fields = ("title", "summary", "hypothesis", "measures", "places", "participants", "results", "decision_reasons")
    required_languages = {"default": ()}
