from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ideas"

    def ready(self) -> None:
        # Connects the signal that deletes an idea's files when the idea is deleted (also by a cascade).
        from ideas.services import uploads  # noqa: F401
