"""The one entry point shared by HTTP, CLI and batch: ``read(image, country, options)``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from idreader.config import Settings, get_settings
from idreader.fields import cross_check, find_labels, parse_date
from idreader.mrz.fields import mrz_fields, mrz_status
from idreader.mrz.read import DETECT_SIDE, MrzResult, rank, read_mrz
from idreader.ocr.detect import detect_text
from idreader.ocr.models import TINY_DETECTOR
from idreader.ocr.models import warm_up as load_models
from idreader.pipeline.barcodes import BarcodeReading, read_barcodes
from idreader.pipeline.classify import Classification, by_barcode, classify
from idreader.pipeline.copies import measure_copies, screen_score
from idreader.pipeline.decide import decide
from idreader.pipeline.decode import DecodedImage, decode_image
from idreader.pipeline.extract import extract_fields, value_lines
from idreader.pipeline.forgery import detect_forgery
from idreader.pipeline.graphics import crop_graphics
from idreader.pipeline.legibility import legibility
from idreader.pipeline.locate import (
    format_width_mm,
    frame_aspect,
    frame_is_document,
    locate_document,
    rectify,
)
from idreader.pipeline.orient import to_frame
from idreader.pipeline.portrait import find_portraits
from idreader.pipeline.quality import PORTRAIT, check_quality
from idreader.pipeline.restore import restore
from idreader.pipeline.sides import other_side
from idreader.pipeline.types import (
    ERROR,
    NOT_DONE,
    OK,
    Deadline,
    Document,
    FieldReading,
    Options,
    ProcessingTimeout,
    Reading,
)
from idreader.pipeline.visual import TextItem, VisualZone, read_page

OPTIONS_RESERVE_S = 1.0  # of the processing budget a second look leaves to the options


def warm_up() -> None:
    """Load the models and build the catalogue's and label dictionary's indexes now, as a
    server does at start, so that no request pays for them."""
    load_models()
    classify(None, ["PASSPORT"])
    find_labels("Date of birth: 1 JAN 2000")
    parse_date("1 JAN 2000")


class Laps:
    """Seconds spent in each stage; the deadline is checked as each stage ends."""

    def __init__(self, deadline: Deadline, seconds: dict[str, float] | None = None) -> None:
        self.deadline, self.seconds = deadline, {} if seconds is None else seconds

    def for_second_look(self) -> Laps | None:
        """Laps for reading the photo again, sharing these seconds, under a deadline that
        keeps OPTIONS_RESERVE_S for the options; None when a second reading as long as the
        first would not fit."""
        second = Laps(Deadline(self.deadline.at - OPTIONS_RESERVE_S), self.seconds)
        return second if second.before_a_reading().left() > 0 else None

    def before_a_reading(self) -> Deadline:
        """The deadline less a reading as long as the seconds spent so far."""
        return Deadline(self.deadline.at - sum(self.seconds.values()))

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
        self.deadline.check()


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
    lap = Laps(deadline or Deadline.after(settings.processing_timeout_s))
    with lap("decode"):
        if isinstance(image, bytes):
            image = decode_image(image, settings.max_image_bytes, settings.max_image_pixels)
    today = settings.current_date()
    reading, page = read_frame(image.pixels, country, today, lap)
    if misread(reading) and (second := lap.for_second_look()):
        screen = settings.quality.screen_min_score
        reading, page = read_restored(image.pixels, reading, page, country, today, second, screen)
    reading.timings = lap.seconds
    with lap("options"):
        add_options(reading, page, options, settings)
    return reading


def read_frame(frame: np.ndarray, country: str, today: dt.date, lap: Laps) -> tuple[Reading, Page]:
    """Locate, read, name, cross-check and judge the document in one photo."""
    with lap("locate"):
        document = locate_document(frame)
    with lap("mrz"):
        text_boxes = detect_text(frame, DETECT_SIDE, TINY_DETECTOR)
        mrz = read_on_page(document, read_mrz(frame, text_boxes))
        from_mrz = mrz_fields(mrz, today) if mrz else []
    with lap("visual"):
        upright, zone = read_page(document, text_boxes, mrz)
    tight_scan = not document.edges_found and frame_is_document(frame.shape)
    # a tight scan's proportions are the document's (a warped photo's only roughly)
    aspect = frame_aspect(frame.shape) if tight_scan else None
    layout = document.edges_found or tight_scan  # the page is the document
    with lap("fields"):
        named = classify(mrz, zone.texts(), country, aspect)
    with lap("barcode"):
        named, barcode = read_barcode(named, mrz, frame, document, upright, lap.deadline)
    named, items = read_doubted(zone, named, mrz, from_mrz, country, aspect, layout, lap)
    with lap("fields"):
        size = named.spec.size if named.spec else None  # for the resolution check's dpi
        document.width_mm = format_width_mm(size, mrz.format if mrz else None)
        visual = extract_fields(items, named.spec, country, from_mrz, today, layout=layout)
        if barcode.aamva and named.spec and named.spec.side == "back" and document.edges_found:
            visual += other_side(frame, document, barcode.aamva.iin, country, today)
        fields = cross_check([*from_mrz, *barcode.fields, *visual])
        result, status = decide(
            fields,
            named=bool(named.document_name),
            mrz=mrz_status(mrz),
            mrz_expected=named.spec is not None and named.spec.mrz is not None,
            document_seen=document.edges_found
            or mrz is not None
            or bool(named.document_name or barcode.symbols),
            today=today,
        )
    reading = Reading(
        result=result,
        status=status,
        document_name=named.document_name,
        document_description=named.description,
        fields=fields,
        corners=document.corners.tolist(),
    )
    return reading, Page(frame, document, upright, items, named, layout)


def read_on_page(document: Document, found: MrzResult | None) -> MrzResult | None:
    """An MRZ that read invalid in the photo is read again on the rectified page, where a
    steep perspective no longer bends its lines apart; the better reading is kept, its
    corners in the photo's pixels."""
    if found is None or found.valid or not document.edges_found:
        return found
    flat = read_mrz(document.pixels)
    if flat is None or rank(flat) <= rank(found):
        return found
    corners = to_frame(document, flat.corners).astype(np.float32)
    baseline = corners[1] - corners[0]
    direction = baseline / (np.linalg.norm(baseline) + 1e-9)
    return replace(flat, corners=corners, direction=direction, order=[])


def read_restored(
    frame: np.ndarray,
    reading: Reading,
    page: Page,
    country: str,
    today: dt.date,
    lap: Laps,
    screen_min: float,
) -> tuple[Reading, Page]:
    """A reading that failed is tried again on the photo with its shake or defocus undone,
    or its screen grid smoothed away (a screen score of ``screen_min`` or more), when it
    shows any of these; the better of the two readings is kept. The kept page's photo and
    rectified pixels stay the original ones, which the quality and copy checks judge."""
    with lap("restore"):
        screen = screen_score(frame, page.document.corners) >= screen_min
        # a blur is searched for only when the document went unnamed (a named one's print
        # was read: a blur the estimate missed is mild), leaving time to read the photo again
        unnamed = reading.status.doc_type != OK
        restored = restore(frame, screen, legibility if unnamed else None, lap.before_a_reading())
    if restored is None:
        return reading, page
    try:
        again, sharp = read_frame(restored, country, today, lap)
    except ProcessingTimeout:
        return reading, page  # the first reading stands
    if reading_merit(again) <= reading_merit(reading):
        return reading, page
    located = sharp.document
    pixels = rectify(frame, located.corners) if located.edges_found else frame
    return again, replace(sharp, frame=frame, document=replace(located, pixels=pixels))


def misread(reading: Reading) -> bool:
    """Whether the reading may have failed for the photo's sake: the document unnamed or
    unseen, its MRZ or a field's format invalid (an expired document was read well)."""
    status = reading.status
    return status.doc_type != OK or ERROR in (status.mrz, status.text)


def reading_merit(reading: Reading) -> tuple[bool, bool, int]:
    """Named first, then a valid MRZ, then more valid than invalid fields."""
    votes = sum((f.validity == OK) - (f.validity == ERROR) for f in reading.fields)
    return reading.status.doc_type == OK, reading.status.mrz == OK, votes


def read_barcode(
    named: Classification,
    mrz: MrzResult | None,
    frame: np.ndarray,
    document: Document,
    upright: Document,
    deadline: Deadline,
) -> tuple[Classification, BarcodeReading]:
    """The page's barcodes, searched hard where the catalogue says this side carries one or
    on an unknown page without MRZ, and beside a licence front for its back; the document's
    name, from the barcode's issuer when it has one."""
    thorough = bool(named.spec.barcodes) if named.spec else mrz is None
    beside = thorough or bool(named.spec and named.spec.aamva_iin)
    whole = frame if document.edges_found and beside else None  # else the page is the frame
    barcode = read_barcodes(upright.pixels, whole, thorough=thorough, deadline=deadline)
    return (by_barcode(barcode.aamva, named) if barcode.aamva else named), barcode


@dataclass(frozen=True)
class Page:
    """What the reading found, for the optional stages."""

    frame: np.ndarray  # the whole photo
    document: Document  # as located
    upright: Document  # as read
    items: list[TextItem]
    named: Classification
    layout: bool  # the page is the document: the catalogue's boxes apply


def add_options(reading: Reading, page: Page, options: Options, settings: Settings) -> None:
    """Image quality, forgery and graphic crops, as asked; the portrait stage serves both
    the crops and their check, the copy measures both quality and forgery."""
    portraits = None
    if options.images or options.image_quality:
        portraits = find_portraits(page.upright.pixels, page.named.spec, layout=page.layout)
    if options.image_quality or options.document_forgery:
        document = page.document
        copies = measure_copies(page.frame, document.corners, document.pixels, settings.quality)
        if options.image_quality:
            reading.quality = check_quality(document, page.frame.shape, copies, settings.quality)
            reading.quality[PORTRAIT] = portraits.check if portraits else NOT_DONE
        if options.document_forgery:
            reading.forgery = detect_forgery(copies)
    if options.images:
        reading.graphics = crop_graphics(
            page.upright, page.items, page.named.spec, portraits,
            settings.output_image_max_side, layout=page.layout,
        )  # fmt: skip


def read_doubted(
    zone: VisualZone,
    named: Classification,
    mrz: MrzResult | None,
    from_mrz: list[FieldReading],
    country: str,
    aspect: float | None,
    layout: bool,
    lap: Laps,
) -> tuple[Classification, list[TextItem]]:
    """The finer recogniser reads again the lines the fast one doubted: all of them (the
    least sure first) when nothing named the document, which is then named anew; and
    those that may hold a field's value. The document's name and its text lines."""
    if not named.document_name:
        with lap("visual"):
            zone.read_again(zone.lines)
        with lap("fields"):
            named = classify(mrz, zone.texts(), country, aspect)
    with lap("visual"):
        items = zone.items()
        if zone.read_again(value_lines(items, named.spec, country, from_mrz, layout=layout)):
            items = zone.items()  # placed anew only when a text changed
        return named, items
