"""Derive idreader's visual-zone recogniser from the PP-OCRv6 small recogniser in the
``rapidocr`` wheel (Apache-2.0): the same network, its output layer cut down to the
characters identity documents in Latin and Greek script print (about 900 of 18,710; the
rest are CJK). The output layer is most of the cost per frame, so reading is several times
faster and reads Latin text the same way.

    make derive-visual   # = .venv-train/bin/python training/derive_visual_recogniser.py
"""

from __future__ import annotations

import argparse
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import onnx
import yaml
from onnx import numpy_helper

SOURCE = "models/PP-OCRv6_rec_small.onnx"
OUT = Path(__file__).resolve().parents[1] / "src/idreader/ocr/data/pp_ocrv6_rec_latin.onnx"
LOOKALIKES = Path(__file__).resolve().parents[1] / "src/idreader/data/ocr_lookalikes.yaml"
KEPT_RANGES = (
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # General Punctuation
    (0x2100, 0x214F),  # Letterlike Symbols (No, ...)
    (0xFF01, 0xFF5E),  # full-width ASCII, which the model often prefers for ':' '(' ')'
)


def kept(char: str, extra: set[str]) -> bool:
    return char in extra or any(a <= ord(char[0]) <= b for a, b in KEPT_RANGES)


def derive(out: Path) -> None:
    source = Path(next(iter(find_spec("rapidocr").submodule_search_locations))) / SOURCE
    model = onnx.load(str(source))
    meta = {p.key: p.value for p in model.metadata_props}
    chars = meta["character"].splitlines()
    lookalikes = yaml.safe_load(LOOKALIKES.read_text("utf-8"))
    extra = {c for similar in lookalikes.values() for c in similar}
    # output columns: 0 blank, 1..N the characters, N+1 the space
    columns = [0, *(i + 1 for i, c in enumerate(chars) if c and kept(c, extra)), len(chars) + 1]
    weights = {t.name: t for t in model.graph.initializer}
    matmul = next(n for n in reversed(model.graph.node) if n.op_type == "MatMul")
    add = next(n for n in model.graph.node if n.op_type == "Add" and matmul.output[0] in n.input)
    for name, axis in ((matmul.input[1], 1), (next(i for i in add.input if i in weights), 0)):
        array = numpy_helper.to_array(weights[name])
        sliced = np.take(array, columns, axis=axis)
        weights[name].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(sliced), name))
    kept_chars = [chars[i - 1] for i in columns[1:-1]]
    del model.metadata_props[:]
    entry = model.metadata_props.add()
    entry.key, entry.value = "character", "\n".join(kept_chars)
    clear_output_shape(model)
    onnx.checker.check_model(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out))
    print(f"kept {len(kept_chars)} of {len(chars)} characters; wrote {out} "
          f"({out.stat().st_size / 1e6:.1f} MB)")  # fmt: skip


def clear_output_shape(model: onnx.ModelProto) -> None:
    """Drop the recorded class count of the output, which no longer holds."""
    for output in model.graph.output:
        dims = output.type.tensor_type.shape.dim
        if dims:
            dims[-1].Clear()
            dims[-1].dim_param = "classes"
    del model.graph.value_info[:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    derive(parser.parse_args().out)


if __name__ == "__main__":
    main()
