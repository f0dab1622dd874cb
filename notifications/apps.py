from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("notifications")

    def ready(self) -> None:
        from core import events
        from notifications import reactions

        events.idea_changed.connect(reactions.idea_changed, dispatch_uid="notifications.reactions.idea_changed")
        events.idea_received.connect(reactions.idea_received, dispatch_uid="notifications.reactions.idea_received")
        events.idea_reported.connect(reactions.idea_reported, dispatch_uid="notifications.reactions.idea_reported")
        events.innovation_adopted.connect(
            reactions.innovation_adopted, dispatch_uid="notifications.reactions.innovation_adopted"
        )
