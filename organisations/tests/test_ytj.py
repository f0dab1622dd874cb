"""Business IDs from YTJ: `fetch_business_ids` against a real HTTP server on loopback that answers as PRH's open data
API v3 does. An ID is taken only for one current-name match with a valid check digit; anything else stays empty."""

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.ytj import match

HEADER = "reference_code,kind,name_fi,name_sv,name_en,business_id,region_code,website\n"
ROWS = [
    "ministry:ex,ministry,Esimerkkiministeriö,Exempelministeriet,Ministry of Examples,,,\n",
    "agency:old,state_agency,Vanha virasto,Gamla verket,Old Agency,,,\n",
    "agency:twin,state_agency,Kaksoisvirasto,Tvillingverket,Twin Agency,,,\n",
    "agency:bad,state_agency,Tarkistusvirheinen virasto,Felverket,Bad Agency,,,\n",
    "agency:down,state_agency,Tavoittamaton virasto,Onåbara verket,Unreachable Agency,,,\n",
    "agency:taken,state_agency,Varattu virasto,Upptagna verket,Taken Agency,,,\n",
    'council:01,regional_council,Uudenmaan liitto,Nylands förbund,"Helsinki-Uusimaa, Regional Council",0201296-1,01,\n',
]


def company(business_id: str, *names: tuple[str, str | None]) -> dict[str, Any]:
    return {
        "businessId": {"value": business_id, "registrationDate": "2000-01-01"},
        "names": [{"name": name, "type": "1", "endDate": end, "version": 1} for name, end in names],
    }


ANSWERS: dict[str, Any] = {
    # the current name, written in another case and spacing, and a company whose name only contains it
    "Esimerkkiministeriö": [
        company("0245439-9", ("ESIMERKKIMINISTERIÖ", None)),
        company("1234567-1", ("Esimerkkiministeriön kerho ry", None)),
    ],
    "Vanha virasto": [company("0201296-1", ("Uusi virasto", None), ("Vanha virasto", "2019-12-31"))],  # former name
    "Kaksoisvirasto": [company("0245439-9", ("Kaksoisvirasto", None)), company("0201296-1", ("Kaksoisvirasto", None))],
    "Tarkistusvirheinen virasto": [company("0245439-8", ("Tarkistusvirheinen virasto", None))],  # wrong check digit
    "Varattu virasto": [company("0201296-1", ("Varattu virasto", None))],  # already Uudenmaan liitto's
}


class FakeYtj(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parsed = urllib.parse.urlparse(self.path)
        name = urllib.parse.parse_qs(parsed.query).get("name", [""])[0]
        if parsed.path != "/v3/companies" or name == "Tavoittamaton virasto":
            self.send_response(503)
            self.end_headers()
            return
        companies = ANSWERS.get(name, [])
        body = json.dumps({"totalResults": len(companies), "companies": companies}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def ytj() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeYtj)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v3"
    server.shutdown()
    server.server_close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "public_organisations.csv").write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return tmp_path


def run(*args: str) -> str:
    out = StringIO()
    call_command("fetch_business_ids", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_each_name_and_changes_nothing(ytj: str, data_dir: Path) -> None:
    before = (data_dir / "public_organisations.csv").read_text(encoding="utf-8")
    out = run("--data-dir", str(data_dir), "--url", ytj)
    assert "Esimerkkiministeriö: 0245439-9" in out
    assert "Vanha virasto: no_match" in out  # a former name is not the organisation's name
    assert "Kaksoisvirasto: ambiguous" in out
    assert "Tarkistusvirheinen virasto: invalid_id" in out
    assert "Tavoittamaton virasto: error:" in out
    assert "503" in out
    assert "Varattu virasto: 0201296-1 is already another row's ID, left empty" in out
    assert "1 of 6 missing business IDs found; 1 were known." in out
    assert (data_dir / "public_organisations.csv").read_text(encoding="utf-8") == before


def test_write_fills_only_the_found_id_and_keeps_every_other_byte(ytj: str, data_dir: Path) -> None:
    run("--data-dir", str(data_dir), "--url", ytj, "--write")
    lines = (data_dir / "public_organisations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0] == HEADER
    assert lines[1] == "ministry:ex,ministry,Esimerkkiministeriö,Exempelministeriet,Ministry of Examples,0245439-9,,\n"
    assert lines[2:] == ROWS[1:]


def test_the_loaded_file_gives_the_organisation_its_id(ytj: str, data_dir: Path, db: Any) -> None:
    from organisations.models import Organisation
    from organisations.reference_data import REFERENCE_DIR, load_reference_data

    run("--data-dir", str(data_dir), "--url", ytj, "--write")
    for name in ("regions.csv", "municipalities.csv", "wellbeing_counties.csv"):
        (data_dir / name).write_bytes((REFERENCE_DIR / name).read_bytes())
    load_reference_data(data_dir)
    assert Organisation.objects.get(name_fi="Esimerkkiministeriö").business_id == "0245439-9"
    assert Organisation.objects.get(name_fi="Kaksoisvirasto").business_id in (None, "")


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("--data-dir", str(tmp_path / "nowhere"))
    (tmp_path / "public_organisations.csv").write_text("code,name\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no business_id and name_fi columns"):
        run("--data-dir", str(tmp_path))


def test_match_ignores_answers_without_companies() -> None:
    assert match("X", {}).why == "no_match"
    assert match("X", {"companies": [{"businessId": None, "names": None}]}).why == "no_match"
