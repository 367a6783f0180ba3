"""The one entry point shared by HTTP, CLI and batch: ``read(image, country, options)``."""

from __future__ import annotations

from idreader.config import Settings, get_settings
from idreader.pipeline.decide import decide
from idreader.pipeline.decode import DecodedImage, decode_image
from idreader.pipeline.forgery import detect_forgery
from idreader.pipeline.graphics import crop_graphics
from idreader.pipeline.locate import locate_document
from idreader.pipeline.quality import check_quality
from idreader.pipeline.types import NOT_DONE, Deadline, Options, Reading


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
    fields: list = []  # readers (MRZ, visual zone, barcode) plug in here
    result, status = decide(
        fields,
        named=False,
        mrz=NOT_DONE,
        document_seen=document.edges_found,
        today=settings.current_date(),
    )
    reading = Reading(
        result=result,
        status=status,
        fields=fields,
        corners=document.corners.tolist(),
    )
    if options.image_quality or options.document_forgery:
        quality = check_quality(document, image.pixels.shape)
        reading.quality = quality if options.image_quality else None
        reading.forgery = detect_forgery(quality) if options.document_forgery else None
    if options.images:
        reading.graphics = crop_graphics(document, settings.output_image_max_side)
    deadline.check()
    return reading
