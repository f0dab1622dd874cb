"""What the notifications record when ideas and innovations announce a change (core/events.py); connected in
NotificationsConfig.ready(). Each receiver runs in the sender's transaction, as the services' docstrings ask."""

from typing import Any

from accounts.models import Actor
from notifications import services


def idea_changed(*, idea: Any, change: str, actor: Actor | None, detail: str, **kwargs: Any) -> None:
    services.idea_changed(idea=idea, change=change, actor=actor, detail=detail)


def idea_received(*, idea: Any, actor: Actor | None, **kwargs: Any) -> None:
    services.idea_received(idea=idea, actor=actor)


def idea_reported(*, idea: Any, actor: Actor | None, reason: str, **kwargs: Any) -> None:
    services.idea_reported(idea=idea, actor=actor, reason=reason)


def innovation_adopted(*, adoption: Any, actor: Actor | None, **kwargs: Any) -> None:
    services.innovation_adopted(adoption=adoption, actor=actor)
