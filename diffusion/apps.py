from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiffusionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "diffusion"
    verbose_name = _("Diffusion")

    def ready(self) -> None:
        from core import events
        from diffusion import reactions
        from innovations.models import Innovation

        events.organisations_changed.connect(
            reactions.organisations_changed, dispatch_uid="diffusion.reactions.organisations_changed"
        )
        events.lineage_changed.connect(reactions.lineage_changed, dispatch_uid="diffusion.reactions.lineage_changed")
        events.partners_changed.connect(reactions.partners_changed, dispatch_uid="diffusion.reactions.partners_changed")
        events.record_page.connect(
            reactions.innovation_page, sender=Innovation, dispatch_uid="diffusion.innovation_page"
        )
        events.organisation_page.connect(reactions.organisation_page, dispatch_uid="diffusion.organisation_page")
