"""Decode stage: bytes -> upright BGR pixels, with every client-controlled size bounded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# EXIF orientation -> (rotate code or None, mirror before rotating)
_EXIF_TRANSFORMS = {
    2: (None, True),
    3: (cv2.ROTATE_180, False),
    4: (cv2.ROTATE_180, True),
    5: (cv2.ROTATE_90_COUNTERCLOCKWISE, True),
    6: (cv2.ROTATE_90_CLOCKWISE, False),
    7: (cv2.ROTATE_90_CLOCKWISE, True),
    8: (cv2.ROTATE_90_COUNTERCLOCKWISE, False),
}


class ImageDecodeError(ValueError):
    """The bytes are not an acceptable JPEG/PNG image."""


@dataclass(frozen=True)
class DecodedImage:
    pixels: np.ndarray  # BGR uint8, EXIF orientation applied
    format: str  # "jpeg" | "png"
    exif_orientation: int  # 1 when absent


def sniff_format(data: bytes) -> str | None:
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    return None


def decode_image(data: bytes, max_bytes: int, max_pixels: int) -> DecodedImage:
    """Check size, magic bytes and declared dimensions before decoding any pixel."""
    if not data or len(data) > max_bytes:
        raise ImageDecodeError("image size out of range")
    fmt = sniff_format(data)
    if fmt is None:
        raise ImageDecodeError("not a JPEG or PNG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            header = Image.open(io.BytesIO(data))  # reads the header only
        with header:
            width, height = header.size
            orientation = header.getexif().get(0x0112, 1)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ImageDecodeError("unreadable header") from exc
    if not isinstance(orientation, int) or not 1 <= orientation <= 8:
        orientation = 1  # malformed tags are ignored, as Pillow's exif_transpose does
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise ImageDecodeError("pixel count out of range")
    pixels = cv2.imdecode(
        np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    )
    if pixels is None or pixels.shape[0] != height or pixels.shape[1] != width:
        raise ImageDecodeError("undecodable pixels")
    return DecodedImage(apply_exif_orientation(pixels, orientation), fmt, orientation)


def apply_exif_orientation(pixels: np.ndarray, orientation: int) -> np.ndarray:
    rotate, mirror = _EXIF_TRANSFORMS.get(orientation, (None, False))
    if mirror:
        pixels = cv2.flip(pixels, 1)
    if rotate is not None:
        pixels = cv2.rotate(pixels, rotate)
    return pixels
