"""Data handed from stage to stage. Plain dataclasses: the HTTP layer maps them to the wire."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

OK, ERROR, NOT_DONE = 1, 0, 2


class ProcessingTimeout(TimeoutError):
    """The request's processing budget ran out between two stages."""


@dataclass(frozen=True)
class Options:
    images: bool = False
    image_quality: bool = False
    document_forgery: bool = False


@dataclass(frozen=True)
class Deadline:
    at: float  # time.monotonic() value

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def left(self) -> float:
        return self.at - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise ProcessingTimeout


@dataclass
class Document:
    """The located document: its corners in the input image and its rectified pixels."""

    corners: np.ndarray  # 4x2 float32, TL TR BR BL, input-image pixels
    pixels: np.ndarray  # rectified BGR
    edges_found: bool  # False when the whole frame stands in for the document
    width_mm: float = 85.60  # physical width of its format (ID-1 until classified)


@dataclass
class FieldReading:
    name: str  # field-types.tsv field_name, verbatim
    original_value: str
    value: str
    validity: int = NOT_DONE
    source: str = "visual"  # mrz | visual | barcode
    lcid: int = 0


@dataclass
class Status:
    doc_type: int = ERROR
    expiry: int = NOT_DONE
    mrz: int = NOT_DONE
    text: int = NOT_DONE


@dataclass
class Reading:
    """Everything the pipeline learned about one image."""

    result: str  # success | error | not performed
    status: Status
    document_name: str = ""
    document_description: str = ""
    fields: list[FieldReading] = field(default_factory=list)
    graphics: dict[str, bytes] | None = None  # graphic field name -> JPEG
    quality: dict[int, int] | None = None  # ImageQualityCheckType -> CheckResult
    forgery: list[str] | None = None  # reasons; empty list means pass
    # Document corners (TL, TR, BR, BL) in input pixels; the frame when no edges were found.
    corners: list[list[float]] | None = None
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
