"""Load the bundled ONNX models once per process (never downloaded)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import onnxruntime as ort

MODEL_PACKAGE = "rapidocr"
DETECTOR = "PP-OCRv6_det_small.onnx"
RECOGNISER = "PP-OCRv6_rec_small.onnx"


@cache
def session(name: str) -> ort.InferenceSession:
    path = files(MODEL_PACKAGE).joinpath("models", name)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@cache
def recogniser_alphabet() -> list[str]:
    """Index -> character of the recogniser's CTC output; index 0 is the blank."""
    meta = session(RECOGNISER).get_modelmeta().custom_metadata_map
    return ["", *meta["character"].splitlines(), " "]


def warm_up() -> None:
    """Load the models now (a server's first request should not pay for it)."""
    session(DETECTOR)
    recogniser_alphabet()
