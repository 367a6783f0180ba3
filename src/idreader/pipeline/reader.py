"""The one entry point shared by HTTP, CLI and batch: ``read(image, country, options)``."""

from __future__ import annotations

from idreader.config import Settings, get_settings
from idreader.fields import cross_check
from idreader.mrz.fields import mrz_fields, mrz_status
from idreader.mrz.read import DETECT_SIDE, read_mrz
from idreader.ocr.detect import detect_text
from idreader.ocr.models import TINY_DETECTOR
from idreader.pipeline.classify import classify
from idreader.pipeline.decide import decide
from idreader.pipeline.decode import DecodedImage, decode_image
from idreader.pipeline.extract import extract_fields
from idreader.pipeline.forgery import detect_forgery
from idreader.pipeline.graphics import crop_graphics
from idreader.pipeline.locate import locate_document
from idreader.pipeline.orient import (
    mrz_quad,
    outside,
    turn,
    turn_boxes,
    turns_from_mrz,
    turns_from_text,
)
from idreader.pipeline.quality import check_quality
from idreader.pipeline.types import ERROR, Deadline, Options, Reading
from idreader.pipeline.visual import read_text

FORMAT_ASPECTS = (85.60 / 53.98, 105 / 74, 125 / 88)  # ID-1, ID-2, ID-3
TIGHT_SCAN = 0.04  # a frame this close to a format's proportions is a tight scan


def frame_is_document(shape: tuple[int, ...]) -> bool:
    """Whether a frame without document edges is the document itself (a tight scan) rather
    than a photo the document could not be found in: it has a document's proportions."""
    aspect = max(shape[:2]) / min(shape[:2])
    return any(abs(aspect / a - 1) < TIGHT_SCAN for a in FORMAT_ASPECTS)


def read(
    image: bytes | DecodedImage,
    country: str,
    options: Options = Options(),
    *,
    deadline: Deadline | None = None,
    settings: Settings | None = None,
) -> Reading:
    """Read one identity-document image. ``country`` is the ISO alpha-2 the client named."""
    settings = settings or get_settings()
    deadline = deadline or Deadline.after(settings.processing_timeout_s)
    if isinstance(image, bytes):
        image = decode_image(image, settings.max_image_bytes, settings.max_image_pixels)
    deadline.check()
    document = locate_document(image.pixels)
    deadline.check()
    today = settings.current_date()
    text_boxes = detect_text(image.pixels, DETECT_SIDE, TINY_DETECTOR)
    mrz = read_mrz(image.pixels, text_boxes)
    deadline.check()
    from_mrz = mrz_fields(mrz, today) if mrz else []
    # the frame is the document unless its edges were found: then its text is detected anew
    boxes = text_boxes
    if document.edges_found:
        boxes = detect_text(document.pixels, DETECT_SIDE, TINY_DETECTOR)
    if mrz is not None:
        boxes = outside(boxes, mrz_quad(document, mrz))  # read already
    turns = turns_from_mrz(document, mrz) if mrz else turns_from_text(document.pixels, boxes)
    upright = turn(document, turns)
    deadline.check()
    items = read_text(upright.pixels, turn_boxes(boxes, turns, document.pixels.shape))
    deadline.check()
    tight_scan = not document.edges_found and frame_is_document(image.pixels.shape)
    page_is_document = document.edges_found or tight_scan
    # a tight scan's proportions are the document's (a warped photo's only roughly)
    aspect = max(image.pixels.shape[:2]) / min(image.pixels.shape[:2]) if tight_scan else None
    named = classify(mrz, [item.text for item in items], country, aspect)
    visual = extract_fields(items, named.spec, country, from_mrz, today, layout=page_is_document)
    fields = cross_check([*from_mrz, *visual])
    name, description = named.document_name, named.description
    # a document whose catalogue entry prints an MRZ on this side, read without one: unread
    unread_mrz = mrz is None and named.spec is not None and named.spec.mrz is not None
    result, status = decide(
        fields,
        named=bool(name),
        mrz=ERROR if unread_mrz else mrz_status(mrz),
        document_seen=document.edges_found or mrz is not None or bool(name),
        today=today,
    )
    reading = Reading(
        result=result,
        status=status,
        document_name=name,
        document_description=description,
        fields=fields,
        corners=document.corners.tolist(),
    )
    if options.image_quality or options.document_forgery:
        quality = check_quality(document, image.pixels.shape)
        reading.quality = quality if options.image_quality else None
        reading.forgery = detect_forgery(quality) if options.document_forgery else None
    if options.images:
        reading.graphics = crop_graphics(upright, settings.output_image_max_side)
    deadline.check()
    return reading
