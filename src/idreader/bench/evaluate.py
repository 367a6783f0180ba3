"""Compare one API answer with its sample's truth."""

from __future__ import annotations

from dataclasses import dataclass, field

from idreader.bench.datasets import Sample
from idreader.bench.metrics import char_accuracy, polygon_iou

MRZ_FIELD = "MRZ Strings"
NOT_DONE = 2
# ImageQualityCheckType codes of the contract, by name.
QUALITY_FLAGS = {
    0: "ImageGlares",
    1: "ImageFocus",
    2: "ImageResolution",
    3: "ImageColorness",
    4: "Perspective",
    5: "Bounds",
    6: "ScreenCapture",
    7: "Portrait",
}
FORGERY_FLAGS = {
    "black_white_print": "forgery:black_white_print",
    "screen_capture": "forgery:screen_capture",
    "printed_copy": "forgery:printed_copy",
}
FLAGS = (*QUALITY_FLAGS.values(), *FORGERY_FLAGS.values())
# Recorded defect -> the flags that should catch it. Defects not listed expect no flag.
DEFECT_FLAGS: dict[str, tuple[str, ...]] = {
    "glare": ("ImageGlares",),
    "defocus": ("ImageFocus", "Portrait"),  # the portrait is no longer clear either
    "motion_blur": ("ImageFocus", "Portrait"),
    "low_resolution": ("ImageResolution",),
    "photocopy_bw": ("ImageColorness", "forgery:black_white_print"),
    "perspective": ("Perspective",),
    "partial_crop": ("Bounds",),
    "screen_recapture": ("ScreenCapture", "forgery:screen_capture"),
    "printed_copy": ("forgery:printed_copy",),
}


@dataclass
class Prediction:
    """What the reader answered, in the terms the metrics need."""

    mrz: list[str] | None = None
    mrz_status: int = NOT_DONE
    fields: dict[str, str] = field(default_factory=dict)  # name -> first value_list value
    document_name: str = ""
    document_description: str = ""
    corners: list[list[float]] | None = None
    flags: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAGS, NOT_DONE))
    barcode_read: bool = False


def prediction_from_answer(
    answer: dict, corners: list[list[float]] | None, barcode_read: bool = False
) -> Prediction:
    """Extract the prediction from a wire answer (``to_wire`` output), the located corners
    and whether a barcode was read (the wire does not say where a value came from)."""
    fields = {
        f["field_name"]: f["value_list"][0]["value"]
        for f in answer.get("card_info", {}).get("field_list", [])
        if f.get("value_list")
    }
    mrz_text = fields.get(MRZ_FIELD, "")
    lines = [line.strip() for line in mrz_text.splitlines() if line.strip()]
    flags = dict.fromkeys(FLAGS, NOT_DONE)
    for check in (answer.get("image_quality_info") or {}).get("list", []):
        if check["type"] in QUALITY_FLAGS:
            flags[QUALITY_FLAGS[check["type"]]] = check["result"]
    forgery = answer.get("document_forgery_info")
    if forgery is not None:
        reasons = set(forgery.get("detail") or ())
        for reason, flag in FORGERY_FLAGS.items():
            flags[flag] = 0 if reason in reasons else 1
    doc_type = answer.get("document_type_info", {})
    return Prediction(
        mrz=lines or None,
        mrz_status=answer.get("status_info", {}).get("mrz", NOT_DONE),
        fields=fields,
        document_name=doc_type.get("document_name", ""),
        document_description=doc_type.get("document_description", ""),
        corners=corners,
        flags=flags,
        barcode_read=barcode_read,
    )


def expected_flags(sample: Sample) -> set[str]:
    flags = {flag for d in sample.defects for flag in DEFECT_FLAGS.get(d.name, ())}
    return flags | ({"Portrait"} if sample.drawn_portrait else set())


@dataclass
class ImageScore:
    """Per-image results; ``None`` where the sample has no truth for that metric."""

    sample: Sample
    failed: bool
    seconds: float | None
    mrz_exact: bool | None = None
    mrz_char_accuracy: float | None = None
    mrz_found: bool | None = None
    mrz_false_valid: bool | None = None
    fields: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # (returned, exact)
    document_name_ok: bool | None = None
    document_description_ok: bool | None = None
    iou: float | None = None
    flags: dict[str, tuple[bool, int]] = field(default_factory=dict)  # (expected, CheckResult)
    barcode_read: bool | None = None  # None: the sample carries no barcode


def score_image(sample: Sample, prediction: Prediction | None, seconds: float | None) -> ImageScore:
    """Score one image; ``prediction`` is None when reading it failed (scored as all misses)."""
    failed = prediction is None
    p = prediction or Prediction()
    score = ImageScore(sample=sample, failed=failed, seconds=seconds)
    if sample.mrz:
        exact = p.mrz == sample.mrz
        score.mrz_exact = exact
        score.mrz_char_accuracy = char_accuracy("\n".join(p.mrz or []), "\n".join(sample.mrz))
        score.mrz_found = p.mrz is not None
        score.mrz_false_valid = p.mrz_status == 1 and not exact
    if sample.fields is not None:
        score.fields = {
            name: (name in p.fields, p.fields.get(name) == value)
            for name, value in sample.fields.items()
        }
    if sample.document_name is not None:
        score.document_name_ok = p.document_name == sample.document_name
    if sample.document_description is not None:
        score.document_description_ok = p.document_description == sample.document_description
    if sample.corners is not None:
        score.iou = polygon_iou(p.corners, sample.corners)
    if sample.barcode:
        score.barcode_read = p.barcode_read
    expected = expected_flags(sample)
    score.flags = {flag: (flag in expected, p.flags[flag]) for flag in FLAGS}
    return score
