"""Contract checks 4-7 on the request body, in the contract's order."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from idreader.api.errors import COUNTRY_NOT_OPEN, ApiError
from idreader.countries import is_assigned_alpha2
from idreader.pipeline.decode import DecodedImage, ImageDecodeError, decode_image
from idreader.pipeline.types import Options

OPTION_NAMES = ("images", "image_quality", "document_forgery")
_DATA_URL = re.compile(r"^data:image/[a-zA-Z0-9.+-]+;base64,")
_WHITESPACE = re.compile(rb"\s+")


class BodyTooLarge(Exception):
    pass


@dataclass(frozen=True)
class OcrCall:
    image: DecodedImage
    country: str
    options: Options


def parse_body(raw: bytes) -> dict:
    """Check 4a: the body must be one JSON object."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ApiError.invalid("body") from exc
    if not isinstance(body, dict):
        raise ApiError.invalid("body")
    return body


def require_present(body: dict) -> None:
    """Check 4b: ``image``, ``country``, ``scenario`` present and not blank."""
    for name in ("image", "country", "scenario"):
        value = body.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ApiError.empty(name)


def decode_base64_image(value: object, max_bytes: int) -> bytes:
    if not isinstance(value, str):
        raise ApiError.invalid("image")
    text = _DATA_URL.sub("", value.strip(), count=1)
    if len(text) > (max_bytes * 4 // 3 + 4) * 2:  # cheap bound before any decoding
        raise ApiError.invalid("image")
    data = _WHITESPACE.sub(b"", text.encode("ascii", "replace"))
    data += b"=" * (-len(data) % 4)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError.invalid("image") from exc


def parse_options(value: object) -> Options:
    if value is None:
        return Options()
    if not isinstance(value, str):
        raise ApiError.invalid("options")
    names = {part.strip() for part in value.split(",") if part.strip()}
    if not names <= set(OPTION_NAMES):
        raise ApiError.invalid("options")
    return Options(**{name: True for name in names})


def validate_call(
    body: dict, *, max_image_bytes: int, max_image_pixels: int, opened: frozenset[str] | None
) -> OcrCall:
    """Checks 4b-7. ``opened`` is the set of countries open to this caller (None: all)."""
    require_present(body)
    try:
        image = decode_image(
            decode_base64_image(body["image"], max_image_bytes), max_image_bytes, max_image_pixels
        )
    except ImageDecodeError as exc:
        raise ApiError.invalid("image") from exc
    country = body["country"]
    if not isinstance(country, str) or not is_assigned_alpha2(country):
        raise ApiError.invalid("country")
    if body["scenario"] != "Ocr":
        raise ApiError.invalid("scenario")
    options = parse_options(body.get("options"))
    if opened is not None and country not in opened:
        raise ApiError(COUNTRY_NOT_OPEN)
    return OcrCall(image=image, country=country, options=options)
