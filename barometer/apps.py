from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarometerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "barometer"
    verbose_name = _("Innovation barometer")
