"""The signature a member draws on the kiosk: a small PNG (a few kB), checked
before anything stores it or shows it to staff. Anything bigger or stranger is
refused before it is decoded."""

import base64
import struct
import zlib
from io import BytesIO

from PIL import Image, UnidentifiedImageError

MAX_SIGNATURE_CHARS = 200_000
MAX_SIGNATURE_WIDTH = 2000
MAX_SIGNATURE_HEIGHT = 1000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A PNG chunk: 4-byte length, 4-byte type, the data, 4-byte CRC of type + data.
PNG_CHUNK_OVERHEAD = 12
PNG_DATA_URL = "data:image/png;base64,"


def signature_png(data):
    """The signature (a base64 PNG, optionally as a data URL) as base64 PNG,
    or False when it is not a sane one."""
    if not isinstance(data, str) or len(data) > MAX_SIGNATURE_CHARS:
        return False
    data = data.removeprefix(PNG_DATA_URL)
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        return False
    # The size, from the PNG header, before anything decodes the pixels.
    if len(raw) < 33 or not raw.startswith(PNG_MAGIC) or raw[12:16] != b"IHDR":
        return False
    width, height = struct.unpack(">II", raw[16:24])
    if not (0 < width <= MAX_SIGNATURE_WIDTH and 0 < height <= MAX_SIGNATURE_HEIGHT):
        return False
    # What is stored and shown to staff is a PNG and nothing else: image
    # readers stop at IEND, so bytes after it would ride along unseen.
    if not png_ends_at_iend(raw):
        return False
    if not png_has_ink(raw):
        return False
    return base64.b64encode(raw)


def png_ends_at_iend(raw):
    """Walk the PNG's chunks from the header: each one whole, with a good CRC,
    and the data ends exactly with an empty IEND chunk."""
    offset = len(PNG_MAGIC)
    while offset + PNG_CHUNK_OVERHEAD <= len(raw):
        length, kind = struct.unpack(">I4s", raw[offset : offset + 8])
        end = offset + PNG_CHUNK_OVERHEAD + length
        if end > len(raw):
            return False
        (crc,) = struct.unpack(">I", raw[end - 4 : end])
        if zlib.crc32(raw[offset + 4 : end - 4]) != crc:
            return False
        if kind == b"IEND":
            return length == 0 and end == len(raw)
        offset = end
    return False


def png_has_ink(raw):
    """A blank pad is no signature: something must be drawn."""
    try:
        with Image.open(BytesIO(raw)) as image:
            alpha = image.convert("RGBA").getchannel("A")
            return alpha.getbbox() is not None
    except (
        OSError,
        ValueError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
    ):
        return False
