"""Zip bombs against the upload check: peak memory and time of `core.uploads.check_file` on bombs of several
shapes and on normal office documents of the same size, in one run.

    python -m bench.zip_bombs                       # every shape, 5 repeats each (about half a minute)
    python -m bench.zip_bombs --repeats 15          # more repeats
    python -m bench.zip_bombs --old-size 1024       # the check before issue 12 on the full 1 GiB bomb (~2.5 GB RAM)

Each file is checked as an upload is (an in-memory upload, the attachment field's allowed types and size limit).
For each check: the wall time (median over the repeats), the peak of memory Python allocated during it
(tracemalloc, above what was allocated before) and the peak resident set size of the process during it (VmHWM,
reset before each check through /proc/self/clear_refs, minus the RSS before). tracemalloc slows Python code down,
so the times are taken in repeats of their own, without it.

For comparison, the check before issue 12 (`zipfile.ZipFile(upload).read("mimetype")`: the whole member inflated
into memory) is run on the ODT bomb at --old-size MiB (128 by default: that check's memory grows with the size).

Results: /tmp/innoverkko-bench/zip_bombs.json.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, ROOT, log, measured, write_json

RESULTS = BENCH_DIR / "zip_bombs.json"
MIB = 1024 * 1024
REPEATS = 5
OLD_SIZE_MIB = 128


# --- the files ------------------------------------------------------------------------------------------------------


def _words(rng: random.Random, size: int) -> bytes:
    """Text that compresses as office XML does (a few times), not as zeros do."""
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzäö") for _ in range(rng.randint(2, 12))) for _ in range(5000)
    ]
    out: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(vocabulary)
        out.append(f"<text:p>{word}</text:p>" if rng.random() < 0.05 else word)
        length += len(out[-1]) + 1
    return " ".join(out).encode()[:size]


def normal_odt(rng: random.Random, size: int = MIB) -> bytes:
    """An OpenDocument text of about `size` bytes: the mimetype stored first, content.xml deflated, a picture."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", _words(rng, 3 * size // 2), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", _words(rng, 50_000), compress_type=zipfile.ZIP_DEFLATED)
        picture = rng.randbytes(max(0, size - buffer.tell() - 2000))  # a JPEG does not compress further
        archive.writestr(zipfile.ZipInfo("Pictures/photo.jpg"), picture)
    return buffer.getvalue()


def normal_docx(rng: random.Random, size: int = MIB) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", _words(rng, 3 * size // 2))
        archive.writestr("word/media/image1.jpeg", rng.randbytes(max(0, size - buffer.tell() - 2000)))
    return buffer.getvalue()


def many_members(count: int, *, odt: bool = True) -> bytes:
    """`count` tiny members (each costs zipfile a ZipInfo object): the central directory is the bomb."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if odt:
            archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        for number in range(count):
            archive.writestr(zipfile.ZipInfo(f"{number:x}"), b"")  # short names: under the upload size limit
    return buffer.getvalue()


def nested(levels: int, width: int, inner: bytes) -> bytes:
    """42.zip's shape: an ODT holding `width` copies of an archive holding `width` copies … of `inner`."""
    current = inner
    for level in range(levels):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            if level == levels - 1:
                archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
            for number in range(width):
                archive.writestr(f"Pictures/{level}-{number}.zip", current, compress_type=zipfile.ZIP_DEFLATED)
        current = buffer.getvalue()
    return current


def mixed(rng: random.Random, size: int, ratio: int) -> bytes:
    """`size` bytes that deflate about `ratio` times: runs of zeros between random bytes."""
    random_part = size // ratio
    out = bytearray()
    while len(out) < size:
        out += rng.randbytes(max(1, random_part // 64)) + bytes(max(1, (size - random_part) // 64))
    return bytes(out[:size])


def at_the_limits(rng: random.Random) -> bytes:
    """The worst an attacker can send that is accepted: three 95 MiB members, each deflated about 95 times (under
    the ratio limit of 100), 285 MiB in all (under 300): the check inflates all of it, once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        part = mixed(rng, 95 * MIB, 95)
        for number in range(3):
            archive.writestr(f"part{number}.xml", part, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buffer.getvalue()


def high_ratio(size: int) -> bytes:
    """A member within the size limits but compressed far more than real content is (zeros, ~1,000 times)."""
    from tests.zip_bombs import _bomb, _stored, _zip

    return _zip([_stored("mimetype", b"application/vnd.oasis.opendocument.text"), _bomb("content.xml", size)])


def shapes(rng: random.Random) -> dict[str, tuple[str, bytes]]:
    """name -> (file name, content); what each shape is, in the docs table."""
    from tests.zip_bombs import docx_bomb, odt_bomb, odt_lying_mimetype, xlsx_bomb

    gib = 1024 * MIB
    single_bomb = odt_bomb(16 * MIB)
    return {
        "normal ODT, 1 MB": ("normal.odt", normal_odt(rng)),
        "normal DOCX, 1 MB": ("normal.docx", normal_docx(rng)),
        "ODT, mimetype inflates to 1 GiB": ("bomb.odt", odt_bomb(gib)),
        "ODT, mimetype says 39 B, inflates to 1 GiB": ("liar.odt", odt_lying_mimetype(gib)),
        "DOCX, body inflates to 1 GiB": ("bomb.docx", docx_bomb(gib)),
        "XLSX, shared strings inflate to 1 GiB": ("bomb.xlsx", xlsx_bomb(gib)),
        "ODT, 100,000 empty members": ("many.odt", many_members(100_000)),
        "ODT, 4,999 empty members (under the limit)": ("many-ok.odt", many_members(4_998)),
        "ODT, 150 MiB member at ratio ~1,000": ("ratio.odt", high_ratio(150 * MIB)),
        "ODT, 3 x 95 MiB at ratio ~95 (accepted limits)": ("limits.odt", at_the_limits(rng)),
        "ODT nested 3 levels x 8 of a 16 MiB bomb (8 GiB)": ("nested.odt", nested(3, 8, single_bomb)),
    }


# --- measuring ------------------------------------------------------------------------------------------------------


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def check_new(name: str, content: bytes) -> str:
    """The upload check as forms call it; what it said."""
    from django.core.exceptions import ValidationError

    from core.uploads import check_file

    try:
        return "accepted as " + check_file(_upload(name, content), max_bytes=10 * MIB)
    except ValidationError as refused:
        return "refused: " + "; ".join(str(m) for messages in refused.message_dict.values() for m in messages)


def check_old(name: str, content: bytes) -> str:
    """The ODF check before issue 12: the whole mimetype member read into memory."""
    with zipfile.ZipFile(_upload(name, content)) as archive:
        return "accepted" if archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text" else "no"


def measure(check: Callable[[str, bytes], str], name: str, content: bytes, repeats: int) -> dict[str, Any]:
    times: list[float] = []
    outcome = ""
    for _ in range(repeats):
        started = time.perf_counter()
        outcome = check(name, content)
        times.append(time.perf_counter() - started)
    # Memory in repeats of its own: tracemalloc's hooks slow allocation down.
    traced: list[int] = []
    rss: list[int] = []
    for _ in range(max(1, min(repeats, 3))):
        reset = _reset_peak_rss()
        rss_before = _rss_kib("VmRSS")
        tracemalloc.start()
        check(name, content)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced.append(peak)
        if reset:
            rss.append(max(0, _rss_kib("VmHWM") - rss_before) * 1024)
    return {
        "file_bytes": len(content),
        "outcome": outcome,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "peak_traced_bytes": max(traced),
        "peak_rss_growth_bytes": max(rss) if rss else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--old-size", type=int, default=OLD_SIZE_MIB, help="MiB; 0 skips the old check")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")  # settings only: no database, no pages
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import translation

    from tests.zip_bombs import odt_bomb

    translation.activate("en")
    load_before = os.getloadavg()
    rng = random.Random(20261207)  # noqa: S311 - test data
    results: dict[str, Any] = {}
    for label, (name, content) in shapes(rng).items():
        results[label] = measure(check_new, name, content, args.repeats)
        row = results[label]
        log(
            f"{label}: {row['file_bytes'] / MIB:.2f} MiB file, {row['median_s'] * 1000:.1f} ms, traced peak "
            f"{row['peak_traced_bytes'] / MIB:.2f} MiB, RSS growth "
            f"{(row['peak_rss_growth_bytes'] or 0) / MIB:.1f} MiB — {row['outcome'][:90]}"
        )
    old: dict[str, Any] = {}
    if args.old_size:
        bomb = odt_bomb(args.old_size * MIB)
        old = measure(check_old, "bomb.odt", bomb, min(args.repeats, 3))
        old["inflated_mib"] = args.old_size
        log(
            f"check before issue 12 on an ODT whose mimetype inflates to {args.old_size} MiB: "
            f"{old['median_s'] * 1000:.0f} ms, traced peak {old['peak_traced_bytes'] / MIB:.0f} MiB, RSS growth "
            f"{(old['peak_rss_growth_bytes'] or 0) / MIB:.0f} MiB"
        )
    normal = results["normal ODT, 1 MB"]
    bomb_row = results["ODT, mimetype inflates to 1 GiB"]
    ratios = {
        "bomb_time_over_normal": bomb_row["median_s"] / normal["median_s"],
        "bomb_traced_over_normal": bomb_row["peak_traced_bytes"] / max(1, normal["peak_traced_bytes"]),
    }
    log(
        f"1 GiB ODT bomb vs normal 1 MB ODT: {ratios['bomb_time_over_normal']:.2f}x the time, "
        f"{ratios['bomb_traced_over_normal']:.2f}x the traced peak"
    )
    write_json(
        RESULTS,
        {
            "repeats": args.repeats,
            "shapes": results,
            "old_check": old,
            "ratios": ratios,
            "measured": measured(load_before=load_before),
        },
    )
    log(f"results: {RESULTS}")


if __name__ == "__main__":
    main()
