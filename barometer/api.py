"""REST API v1 for the innovation barometer: questionnaires, survey rounds and their published results.

Read-only, with the pages' rules (barometer/rules.py): a questionnaire version in use (frozen) and a round whose
results are published are open to everyone; drafts and running rounds only to their barometer team (the
organiser's editors and administrators) and platform administrators, and to anyone else they answer 404, so
their existence is not revealed. Texts are in the language of `Accept-Language` (fi, sv, en).

Each concern's `api.py` has its endpoints; this router joins them under `/barometer`, like `urls.py` the pages.
"""

from ninja import Router

from barometer.questionnaires import api as questionnaires
from barometer.results import api as results
from barometer.rounds import api as rounds

router = Router(tags=["barometer"])
router.add_router("", questionnaires.router)
router.add_router("", rounds.router)
router.add_router("", results.router)
