"""The OCR API V2.0 wire contract as typed models (names exactly as published)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CheckResult = Literal[0, 1, 2]  # 0 ERROR, 1 OK, 2 WAS_NOT_DONE


class OcrRequest(BaseModel):
    """Request body. Parsed by hand in the route so errors follow the contract's codes."""

    image: str = Field(description="Base64 JPEG or PNG, at most 2 MiB decoded")
    country: str = Field(description="ISO 3166-1 alpha-2, upper case", examples=["MX"])
    scenario: str = Field(description="Always `Ocr`", examples=["Ocr"])
    options: str | None = Field(
        default=None,
        description="Comma-separated: images, image_quality, document_forgery",
        examples=["images,image_quality,document_forgery"],
    )


class StatusInfo(BaseModel):
    doc_type: CheckResult
    expiry: CheckResult
    mrz: CheckResult
    text: CheckResult


class DocumentTypeInfo(BaseModel):
    document_name: str
    document_description: str


class TextValue(BaseModel):
    original_value: str
    value: str


class TextField(BaseModel):
    field_name: str
    lcid: int = 0
    validity_status: CheckResult
    value_list: list[TextValue]


class CardInfo(BaseModel):
    field_list: list[TextField]


class GraphicValue(BaseModel):
    value: str = Field(description="Base64 JPEG")


class GraphicField(BaseModel):
    field_name: str
    value_list: list[GraphicValue]


class ImageInfo(BaseModel):
    field_list: list[GraphicField]


class QualityCheck(BaseModel):
    feature_type: int = 0
    result: CheckResult
    type: int = Field(description="ImageQualityCheckType code 0..7")


class ImageQualityInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    checks: list[QualityCheck] = Field(alias="list")
    result: Literal[0, 1]


class DocumentForgeryInfo(BaseModel):
    result: Literal["pass", "fail"]
    detail: list[str] | None = Field(default=None, description="Only when result is fail")


class OcrError(BaseModel):
    code: int
    message: str
    sequence_id: str


class OcrSuccess(OcrError):
    result: Literal["success", "error", "not performed"]
    status_info: StatusInfo
    document_type_info: DocumentTypeInfo
    card_info: CardInfo
    image_info: ImageInfo | None = None
    image_quality_info: ImageQualityInfo | None = None
    document_forgery_info: DocumentForgeryInfo | None = None


def to_wire(model: BaseModel) -> dict:
    """Serialise with the contract's names, leaving out objects that were not asked for."""
    return model.model_dump(by_alias=True, exclude_none=True)
