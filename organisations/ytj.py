"""Business IDs from YTJ, the Finnish Business Information System (PRH's open data API v3). Plain Python.

The reference file `reference_data/public_organisations.csv` lists the public sector's organisations; a business ID
goes in only when YTJ names exactly one organisation whose current name is the row's Finnish name, and the ID passes
its check digit. Anything less is left empty and reported, never guessed. `manage.py fetch_business_ids` runs this
where the API can be reached (this project's build machines cannot).

The API answers `GET {base}/companies?name=…` with `{"totalResults": n, "companies": [{"businessId": {"value":
"0245437-2", …}, "names": [{"name": "…", "type": "1", "endDate": null, …}], …}]}`; a name with an `endDate` is a
former name.
"""

import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from organisations.identifiers import is_valid_business_id

YTJ_API = "https://avoindata.prh.fi/opendata-ytj-api/v3"


@dataclass(frozen=True)
class Lookup:
    name: str
    business_id: str | None  # set only for exactly one valid match
    why: str  # "found", "no_match", "ambiguous", "invalid_id", "error: …"


def _current_names(company: Mapping[str, Any]) -> list[str]:
    return [n.get("name", "") for n in company.get("names") or [] if not n.get("endDate")]


def _normalised(name: str) -> str:
    return " ".join(name.casefold().split())


def match(name: str, answer: Mapping[str, Any]) -> Lookup:
    """The one organisation in an API answer whose current name is `name` (case and spacing aside)."""
    wanted = _normalised(name)
    ids = {
        str((company.get("businessId") or {}).get("value") or "")
        for company in answer.get("companies") or []
        if any(_normalised(current) == wanted for current in _current_names(company))
    }
    if not ids:
        return Lookup(name, None, "no_match")
    if len(ids) > 1:
        return Lookup(name, None, "ambiguous")
    (business_id,) = ids
    if not is_valid_business_id(business_id):
        return Lookup(name, None, "invalid_id")
    return Lookup(name, business_id, "found")


def fetch_json(url: str, timeout: float = 20.0) -> Any:
    # urllib rather than requests: one GET of public JSON needs no session or retries.
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (https or a test URL)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.load(response)


def look_up(names: Iterable[str], *, base_url: str = YTJ_API, get: Callable[[str], Any] = fetch_json) -> list[Lookup]:
    """Looks each name up by name; a failed request is reported for that name and the others go on."""
    results = []
    for name in names:
        url = f"{base_url.rstrip('/')}/companies?{urllib.parse.urlencode({'name': name})}"
        try:
            results.append(match(name, get(url)))
        except (OSError, ValueError) as error:  # network errors and bad JSON
            results.append(Lookup(name, None, f"error: {error}"))
    return results
