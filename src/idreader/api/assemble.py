"""Map a pipeline ``Reading`` to the contract's success answer."""

from __future__ import annotations

import base64

from idreader.api.contract import (
    CardInfo,
    DocumentForgeryInfo,
    DocumentTypeInfo,
    GraphicField,
    GraphicValue,
    ImageInfo,
    ImageQualityInfo,
    OcrSuccess,
    QualityCheck,
    StatusInfo,
    TextField,
    TextValue,
)
from idreader.api.errors import MESSAGES, SUCCESS
from idreader.fields.normalise import NAME_FIELDS
from idreader.pipeline.types import ERROR, NOT_DONE, OK, FieldReading, Reading

SOURCE_TRUST = {"mrz": 0, "barcode": 1, "visual": 2}  # most trustworthy first


def rank(f: FieldReading, with_mrz: bool) -> int:
    """Sources by trust; but a printed name the MRZ confirms (``with_mrz``: the field has an
    MRZ reading, and the cross-check left this one valid) comes first, as it keeps the
    accents and apostrophes an MRZ cannot hold."""
    if with_mrz and f.source == "visual" and f.validity != ERROR and f.name in NAME_FIELDS:
        return -1
    return SOURCE_TRUST.get(f.source, 9)


def card_info(fields: list[FieldReading]) -> CardInfo:
    by_name: dict[str, list[FieldReading]] = {}
    for f in fields:
        by_name.setdefault(f.name, []).append(f)
    out = []
    for name, readings in by_name.items():
        with_mrz = any(r.source == "mrz" for r in readings)
        readings.sort(key=lambda f: rank(f, with_mrz))
        statuses = {f.validity for f in readings}
        validity = ERROR if ERROR in statuses else OK if OK in statuses else NOT_DONE
        out.append(
            TextField(
                field_name=name,
                lcid=readings[0].lcid,
                validity_status=validity,
                value_list=[
                    TextValue(original_value=f.original_value, value=f.value) for f in readings
                ],
            )
        )
    return CardInfo(field_list=out)


def success_answer(reading: Reading, sequence_id: str) -> OcrSuccess:
    s = reading.status
    answer = OcrSuccess(
        code=SUCCESS,
        message=MESSAGES[SUCCESS],
        sequence_id=sequence_id,
        result=reading.result,
        status_info=StatusInfo(doc_type=s.doc_type, expiry=s.expiry, mrz=s.mrz, text=s.text),
        document_type_info=DocumentTypeInfo(
            document_name=reading.document_name, document_description=reading.document_description
        ),
        card_info=card_info(reading.fields),
    )
    if reading.graphics is not None:
        answer.image_info = ImageInfo(
            field_list=[
                GraphicField(
                    field_name=name,
                    value_list=[GraphicValue(value=base64.b64encode(jpeg).decode())],
                )
                for name, jpeg in reading.graphics.items()
            ]
        )
    if reading.quality is not None:
        checks = [QualityCheck(type=t, result=r) for t, r in sorted(reading.quality.items())]
        answer.image_quality_info = ImageQualityInfo(
            checks=checks, result=0 if any(c.result == ERROR for c in checks) else 1
        )
    if reading.forgery is not None:
        answer.document_forgery_info = DocumentForgeryInfo(
            result="fail" if reading.forgery else "pass", detail=reading.forgery or None
        )
    return answer
