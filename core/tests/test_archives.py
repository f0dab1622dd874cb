"""Zip bombs against the office-document check of uploads (core/uploads.py, core/archives.py) and the XLSX
import: real bombs built here (a 1 MB file whose member inflates to 1 GiB), refused in bounded memory and time.

Before the fix a 1 GiB `mimetype` member took the check to a 2,149 MB tracemalloc peak (RSS 76 → 2,123 MB) in
11.5 s on this machine; the figures below are what the check may spend now."""

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from barometer.imports import readers
from core import archives, uploads
from tests import zip_bombs

MB = 1_000_000
# Reading the central directory and one 64 KiB chunk at a time: well below this, whatever the member says.
PEAK_LIMIT = 4 * MB
TIME_LIMIT = 3.0  # seconds, on a busy shared machine


def measured(work: Callable[[], Any]) -> tuple[Any, int, float]:
    """What `work` returned or raised, its tracemalloc peak in bytes and its time in seconds."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result: Any = work()
    except Exception as error:  # the refusal is the result under test
        result = error
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak, elapsed


def check(name: str, content: bytes) -> Callable[[], str]:
    return lambda: uploads.check_file(SimpleUploadedFile(name, content), field="file")


def odt(mimetype: bytes = zip_bombs.ODT) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>" * 200, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("hakemus.odt", zip_bombs.odt_bomb),
        ("hakemus.docx", zip_bombs.docx_bomb),
        ("taulukko.xlsx", zip_bombs.xlsx_bomb),
        # The header says 39 bytes; the data inflates to 1 GiB. Reading the member whole would still allocate it.
        ("hakemus.odt", zip_bombs.odt_lying_mimetype),
    ],
)
def test_a_1_gib_zip_bomb_is_refused_in_bounded_memory_and_time(name: str, build: Callable[[], bytes]) -> None:
    content = build()
    assert len(content) < 1.2 * MB  # a small file …
    result, peak, elapsed = measured(check(name, content))
    assert isinstance(result, ValidationError), result  # … refused, not accepted
    assert "file" in result.message_dict
    assert peak < PEAK_LIMIT, f"tracemalloc peak {peak / MB:.1f} MB"
    assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s"


def test_the_bomb_is_named_as_such_in_the_persons_language() -> None:
    result, _peak, _elapsed = measured(check("hakemus.odt", zip_bombs.odt_bomb()))
    assert result.message_dict["file"] == ["Asiakirja purkautuu yli 200 Mt:n kokoiseksi: sitä ei voida ottaa vastaan."]


def test_a_member_compressed_absurdly_well_is_refused_below_the_size_limit() -> None:
    # 64 MiB of zeros in 64 kB: within the size limits, but no real document compresses 1,000 times.
    content = zip_bombs.odt_bomb(64 * zip_bombs.MIB)
    result, peak, _elapsed = measured(check("hakemus.odt", content))
    assert isinstance(result, ValidationError)
    assert "100" in result.message_dict["file"][0]
    assert peak < PEAK_LIMIT


def test_an_archive_of_too_many_members_is_refused_before_they_are_parsed() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(archives.DEFAULT_LIMITS.max_members):
            archive.writestr(f"p{number}", b"")
    with pytest.raises(archives.UnsafeArchiveError) as refused:
        archives.open_checked(io.BytesIO(buffer.getvalue()))
    assert refused.value.code == "too_many_members"


def test_real_office_documents_are_still_accepted() -> None:
    assert uploads.check_file(SimpleUploadedFile("a.odt", odt()), field="file") == zip_bombs.ODT.decode()
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # Real text compresses well, but not a thousand times.
        archive.writestr("word/document.xml", " ".join(f"<w:t>sana {n}</w:t>" for n in range(200_000)))
    assert uploads.check_file(SimpleUploadedFile("a.docx", docx.getvalue()), field="file").endswith("document")


@pytest.mark.parametrize("mimetype", [b"application/vnd.oasis.opendocument.spreadsheet", zip_bombs.ODT * 2, b""])
def test_an_odt_whose_mimetype_says_another_type_is_refused(mimetype: bytes) -> None:
    with pytest.raises(ValidationError):
        uploads.check_file(SimpleUploadedFile("a.odt", odt(mimetype)), field="file")


def test_a_damaged_member_is_refused_as_not_matching() -> None:
    content = bytearray(odt())
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("content.xml")
    start = info.header_offset + 30 + len("content.xml")
    content[start : start + info.compress_size] = b"\xff" * info.compress_size  # no longer inflates
    with pytest.raises(ValidationError) as refused:
        uploads.check_file(SimpleUploadedFile("a.odt", bytes(content)), field="file")
    assert refused.value.message_dict["file"] == ["Tiedoston sisältö ei vastaa sen nimeä."]


def test_an_xlsx_bomb_is_not_imported_in_bounded_memory() -> None:
    source = io.BytesIO(zip_bombs.xlsx_bomb())
    result, peak, elapsed = measured(lambda: readers.read_table(source, "vastaukset.xlsx"))
    assert isinstance(result, readers.FileError)
    assert result.code == "unsafe_xlsx"
    assert peak < PEAK_LIMIT
    assert elapsed < TIME_LIMIT
