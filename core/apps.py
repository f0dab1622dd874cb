from django.apps import AppConfig
from django.core import signals


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        import config.security  # noqa: F401 - registers the system check that refuses the development key
        import core.encryption  # noqa: F401 - registers the check of FIELD_ENCRYPTION_KEYS
        from core import after_response, limits  # noqa: F401 (limits registers its system check)

        signals.request_started.connect(after_response.request_started, dispatch_uid="core.after_response.started")
        signals.request_finished.connect(after_response.request_finished, dispatch_uid="core.after_response.finished")
