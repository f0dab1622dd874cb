from typing import Any

from django.core.management.base import BaseCommand

from core import finnish
from search.services import rebuild_documents


class Command(BaseCommand):
    help = (
        "Makes every innovation's, experiment's and idea's search document anew with this machine's Finnish analyser "
        "(Voikko, or simplemma without it): run it after installing or removing Voikko."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rebuild_documents()
        made = ", ".join(f"{kind} {count}" for kind, count in counts.items())
        self.stdout.write(f"Search documents rebuilt with {finnish.analyser().name}: {made}.")
