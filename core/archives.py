"""ZIP archives from outside (office documents, Excel workbooks to import), opened without trusting them.

Plain Python, no Django. A zip bomb is a small archive whose members inflate to gigabytes: a 1 MB .odt whose
`mimetype` member inflated to 1 GiB took a worker from 283 MB to 2.4 GB. `open_checked` refuses an archive

- whose central directory lists too many members or is too large to parse (counted from the end record, before
  `zipfile` builds an object per member);
- whose members say they inflate to too much, alone or together, or more than `max_ratio` times their compressed
  size (real office parts compress 5-50 times; deflate can reach about 1,000);
- whose members inflate to something else than their headers say. `zipfile` cuts a member at its declared size,
  but `ZipExtFile.read()` without a size first inflates everything the compressed bytes hold (a member that says
  39 bytes can still allocate gigabytes), and openpyxl reads small parts that way; a CRC check does not help, as
  the attacker writes the CRC of what is read before the cut. So every member's compressed bytes are inflated
  once here with zlib, CHUNK bytes of output at a time: at most `max_total_bytes` of work and CHUNK of memory.
  Only stored and deflated members are accepted (what office formats use).

Callers then read members with a size (`read_prefix`), never whole.
"""

import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

MIB = 1024 * 1024
CHUNK = 64 * 1024
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
MAX_COMMENT = 0xFFFF


@dataclass(frozen=True)
class Limits:
    max_members: int = 5_000
    # The central directory's size: about 100 bytes a member in real files.
    max_directory_bytes: int = 2 * MIB
    max_member_bytes: int = 200 * MIB
    max_total_bytes: int = 300 * MIB
    max_ratio: int = 100
    # Tiny members may compress far better than real content (a part of zeros); they cannot hurt.
    ratio_from_bytes: int = MIB


DEFAULT_LIMITS = Limits()


class UnsafeArchiveError(ValueError):
    """Why an archive is not opened: `code` is one of damaged, too_many_members, too_large, too_compressed."""

    def __init__(self, code: str, **params: int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _end_record(source: IO[bytes]) -> tuple[int, int]:
    """The number of members and the central directory's size, as the end record says, read from the tail."""
    source.seek(0, 2)
    size = source.tell()
    tail_size = min(size, END_RECORD_SIZE + MAX_COMMENT)
    source.seek(size - tail_size)
    tail = source.read(tail_size)
    position = tail.rfind(END_RECORD)
    if position < 0 or len(tail) - position < END_RECORD_SIZE:
        raise UnsafeArchiveError("damaged")
    _disk, _start, _here, members, directory, _offset, _comment = struct.unpack(
        "<HHHHIIH", tail[position + 4 : position + END_RECORD_SIZE]
    )
    # 0xFFFF and 0xFFFFFFFF mean "see the ZIP64 record": far beyond any limit here, so refused as too many.
    return members, directory


def _check_headers(archive: zipfile.ZipFile, limits: Limits) -> None:
    total = 0
    for info in archive.infolist():
        if info.file_size > limits.max_member_bytes:
            raise UnsafeArchiveError("too_large", limit=limits.max_member_bytes)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafeArchiveError("too_large", limit=limits.max_total_bytes)
        if info.file_size >= limits.ratio_from_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnsafeArchiveError("too_compressed", limit=limits.max_ratio)


def _inflates_as_declared(source: IO[bytes], info: zipfile.ZipInfo) -> bool:
    """Does the member's compressed data inflate to exactly its declared size (and end there)?"""
    if info.flag_bits & 0x1:  # encrypted
        return False
    source.seek(info.header_offset)
    header = source.read(30)
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        return False
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    source.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size == info.file_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return False
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left = info.compress_size
    inflated = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        else:
            data = source.read(min(CHUNK, left))
            left -= len(data)
            if not data:
                return False  # the compressed data ends before its stream does
        inflated += len(inflater.decompress(data, CHUNK))
        if inflated > info.file_size:
            return False
    return inflated == info.file_size


def _inflate_all(source: IO[bytes], archive: zipfile.ZipFile) -> None:
    for info in archive.infolist():
        if not _inflates_as_declared(source, info):
            raise UnsafeArchiveError("damaged")


def open_checked(source: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The archive, opened, once it has passed the checks above; the caller closes it. Raises UnsafeArchiveError."""
    try:
        members, directory = _end_record(source)
        if members > limits.max_members:
            raise UnsafeArchiveError("too_many_members", limit=limits.max_members)
        if directory > limits.max_directory_bytes:
            raise UnsafeArchiveError("too_many_members", limit=limits.max_members)
        source.seek(0)
        archive = zipfile.ZipFile(source)
    except UnsafeArchiveError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        raise UnsafeArchiveError("damaged") from None
    try:
        if len(archive.infolist()) > limits.max_members:
            raise UnsafeArchiveError("too_many_members", limit=limits.max_members)
        _check_headers(archive, limits)
        _inflate_all(source, archive)
        source.seek(0)
    except UnsafeArchiveError:
        archive.close()
        raise
    # Data that does not inflate, a cut file.
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, struct.error):
        archive.close()
        raise UnsafeArchiveError("damaged") from None
    return archive


def read_prefix(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    """At most `size` bytes from the start of a member, inflated `size` bytes at a time (never more)."""
    with archive.open(name) as member:
        return member.read(size)
