from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"

    def ready(self) -> None:
        from core import events
        from experiments.models import Experiment
        from ideas import reactions

        # Connects the signal that deletes an idea's files when the idea is deleted (also by a cascade).
        from ideas.services import uploads  # noqa: F401
        from innovations.models import Innovation

        events.experiment_scaled_up.connect(
            reactions.experiment_scaled_up, dispatch_uid="ideas.reactions.experiment_scaled_up"
        )
        events.record_page.connect(reactions.innovation_page, sender=Innovation, dispatch_uid="ideas.innovation_page")
        events.record_page.connect(reactions.experiment_page, sender=Experiment, dispatch_uid="ideas.experiment_page")
