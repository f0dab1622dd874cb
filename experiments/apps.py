from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "experiments"

    def ready(self) -> None:
        from core import events
        from experiments import reactions
        from innovations.models import Innovation

        events.record_page.connect(
            reactions.innovation_page, sender=Innovation, dispatch_uid="experiments.reactions.innovation_page"
        )
