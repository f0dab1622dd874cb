from django.apps import AppConfig


class InnovationsConfig(AppConfig):
    name = "innovations"

    def ready(self) -> None:
        from core import events
        from innovations import reactions

        events.organisations_changed.connect(
            reactions.organisations_changed, dispatch_uid="innovations.reactions.organisations_changed"
        )
        events.organisation_page.connect(reactions.organisation_page, dispatch_uid="innovations.organisation_page")
