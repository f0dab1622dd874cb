"""The classifications of an innovation. They follow the barometer's questions, so that the barometer's
figures can later be computed from the registry (see the seed and the barometer questionnaire)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# A record's status is shared by every record type (records.models); still importable from here.
from records.models import Status as Status


class Dimension(models.TextChoices):
    TYPE = "type", _("Type")
    IDEA_SOURCE = "idea_source", _("Idea sources")
    MOTIVATION = "motivation", _("Motivations")
    STRATEGY = "strategy", _("Strategy links")
    CHANNEL = "channel", _("Communication channels")
    OUTCOME_ACHIEVED = "outcome_achieved", _("Outcomes achieved")
    OUTCOME_EXPECTED = "outcome_expected", _("Outcomes expected")


class InnovationType(models.TextChoices):
    SERVICE = "service", _("Service innovation")
    PRODUCT = "product", _("Product innovation")
    PROCESS = "process", _("Process innovation")
    ORGANISATIONAL = "organisational", _("Organisational innovation")
    COMMUNICATION = "communication", _("Communication innovation")


class IdeaSource(models.TextChoices):
    OWN_STAFF = "own_staff", _("Own staff")
    USERS = "users", _("Service users and residents")
    DOMESTIC_NETWORKS = "domestic_networks", _("Domestic networks, seminars and workshops")
    UNIVERSITIES = "universities", _("Universities and research institutes")
    COMPANIES = "companies", _("Companies")
    THIRD_SECTOR = "third_sector", _("Third sector")
    INTERNATIONAL = "international", _("International networks")
    OTHER_MUNICIPALITIES = "other_municipalities", _("Other municipalities")
    STATE_AGENCIES = "state_agencies", _("State agencies")


class Motivation(models.TextChoices):
    USER_NEEDS = "user_needs", _("Users' needs, demands and expectations")
    SAVINGS = "savings", _("Savings and efficiency")
    TECHNOLOGY = "technology", _("New technology or knowledge")
    LEGISLATION = "legislation", _("Legislation")
    STRATEGY = "strategy", _("Strategy or political decision")
    OTHER = "other", _("Other")


class StrategyLink(models.TextChoices):
    REGIONAL_COUNCIL = "regional_council", _("Regional council's strategy or programme")
    MINISTRY = "ministry", _("Ministry's strategy or programme")
    GOVERNMENT = "government", _("Government programme")
    OWN = "own", _("Own strategy")
    EU = "eu", _("EU strategy or programme")


class Channel(models.TextChoices):
    OWN_WEBSITE = "own_website", _("Own website")
    OWN_NETWORKS = "own_networks", _("Own networks")
    PARTNER_CHANNELS = "partner_channels", _("Partners' channels and networks")
    SOCIAL_MEDIA = "social_media", _("Social media")
    EVENTS = "events", _("Events")
    PUBLICATIONS = "publications", _("Publications")


class Outcome(models.TextChoices):
    PROCESSES = "processes", _("More functional processes")
    CUSTOMER_SATISFACTION = "customer_satisfaction", _("Customer satisfaction")
    PRODUCTIVITY = "productivity", _("Productivity")
    QUALITY = "quality", _("Quality of services")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    WELLBEING_AT_WORK = "wellbeing_at_work", _("Wellbeing at work")


# Which codes each dimension accepts.
CHOICES_BY_DIMENSION: dict[str, type[models.TextChoices]] = {
    Dimension.TYPE: InnovationType,
    Dimension.IDEA_SOURCE: IdeaSource,
    Dimension.MOTIVATION: Motivation,
    Dimension.STRATEGY: StrategyLink,
    Dimension.CHANNEL: Channel,
    Dimension.OUTCOME_ACHIEVED: Outcome,
    Dimension.OUTCOME_EXPECTED: Outcome,
}


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    DEVELOPMENT = "development", _("Development")
    EXPERIMENT = "experiment", _("Experiment")
    IN_USE = "in_use", _("In use")
    SPREADING = "spreading", _("Spreading")
    DISCONTINUED = "discontinued", _("Discontinued")


class Novelty(models.TextChoices):
    NEW = "new", _("Entirely new")
    ADAPTED = "adapted", _("Adapted from another's idea")
    COPIED = "copied", _("Copied from another")


class PartnerRole(models.TextChoices):
    CO_DEVELOPER = "co_developer", _("Co-developer")
    FUNDER = "funder", _("Funder")
    SUPPLIER = "supplier", _("Supplier")
    RESEARCHER = "researcher", _("Research partner")
    PILOT_SITE = "pilot_site", _("Pilot site")
    OTHER = "other", _("Other")


class Phase(models.TextChoices):
    IDEA = "idea", _("Idea phase")
    DEVELOPMENT = "development", _("Development phase")
    IMPLEMENTATION = "implementation", _("Implementation phase")
