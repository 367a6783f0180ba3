"""The OCR call without HTTP: shared by the route, ``idreader scan`` and ``idreader batch``."""

from __future__ import annotations

import logging
import uuid

from idreader.api.assemble import success_answer
from idreader.api.contract import OcrError, OcrSuccess
from idreader.api.errors import INTERNAL, ApiError
from idreader.api.request import OcrCall, validate_call
from idreader.config import Settings
from idreader.pipeline import read
from idreader.pipeline.types import Deadline

log = logging.getLogger(__name__)


def new_sequence_id() -> str:
    return uuid.uuid4().hex


def recognise(
    call: OcrCall, sequence_id: str, settings: Settings, deadline: Deadline | None = None
) -> OcrSuccess:
    reading = read(call.image, call.country, call.options, deadline=deadline, settings=settings)
    return success_answer(reading, sequence_id)


def ocr_without_partner(body: dict, settings: Settings) -> OcrSuccess | OcrError:
    """Checks 4-7 and recognition for a local caller (no partner, no billing)."""
    sequence_id = new_sequence_id()
    try:
        call = validate_call(
            body,
            max_image_bytes=settings.max_image_bytes,
            max_image_pixels=settings.max_image_pixels,
            opened=settings.opened_country_set(),
        )
        return recognise(call, sequence_id, settings)
    except ApiError as err:
        return OcrError(code=err.code, message=err.message, sequence_id=sequence_id)
    except Exception:
        log.exception("recognition failed", extra={"fields": {"sequence_id": sequence_id}})
        return OcrError(code=INTERNAL, message="Internal error", sequence_id=sequence_id)
