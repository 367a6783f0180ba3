"""Barcode stage: the document's PDF417 (an AAMVA driving licence or ID card) and QR code,
decoded and read into field readings. A QR code never fails a request: one that cannot be
read, or whose format is not public, is left out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from idreader.barcode.aamva import AamvaRecord, parse_aamva
from idreader.barcode.decode import Symbol, find_barcodes
from idreader.barcode.qr import QrPayload, parse_qr
from idreader.pipeline.types import Deadline, FieldReading

log = logging.getLogger(__name__)
OTHER = "Other"  # field-types.tsv: where elements without a field of their own are kept


@dataclass(frozen=True)
class BarcodeReading:
    symbols: tuple[Symbol, ...] = ()
    aamva: AamvaRecord | None = None
    qr: QrPayload | None = None

    @property
    def fields(self) -> list[FieldReading]:
        """The barcodes' fields; an AAMVA payload's elements without a field name of ours
        are kept as one ``Other`` field, each on its own line as encoded ("ZCAB1")."""
        fields = [*(self.aamva.fields if self.aamva else ()), *(self.qr.fields if self.qr else ())]
        if self.aamva and self.aamva.extra:
            text = "\n".join(f"{eid}{value}" for eid, value in self.aamva.extra.items())
            fields.append(FieldReading(OTHER, text, text, source="barcode"))
        return fields


NO_BARCODE = BarcodeReading()


def read_barcodes(
    page: np.ndarray, frame: np.ndarray | None, *, thorough: bool, deadline: Deadline
) -> BarcodeReading:
    """The barcodes of the rectified ``page``, else of the whole ``frame`` (a page cut too
    tight may have lost the symbol's start pattern; the other side of a card may lie
    beside it); ``thorough``: one is expected, so it is searched for hard."""
    symbols = find_barcodes(page, deadline=deadline, thorough=thorough)
    if not symbols and frame is not None:
        symbols = find_barcodes(frame, deadline=deadline, thorough=thorough)
    if not symbols:
        return NO_BARCODE
    aamva = next((r for s in symbols if s.format == "pdf417" if (r := parse_aamva(s.text))), None)
    return BarcodeReading(tuple(symbols), aamva, next(filter(None, map(qr_payload, symbols)), None))


def qr_payload(symbol: Symbol) -> QrPayload | None:
    """A QR code's fields when its format is public; None otherwise, or if reading fails."""
    if symbol.format != "qr":
        return None
    try:
        return parse_qr(symbol.text)
    except Exception as error:  # a QR must never fail the request; its content is not logged
        log.warning("QR payload not read: %s", type(error).__name__)
        return None
