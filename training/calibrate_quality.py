"""Choose the image-quality thresholds on a generated calibration set (never the bench's).

    idreader synth --n 300 --seed 12 --out /tmp/qcal --workers 2
    .venv/bin/python training/calibrate_quality.py /tmp/qcal

For each measured check: the quantiles of its measure on images with and without the defect
it should catch, the threshold of best F1, and precision and recall at the current setting.
Copies (screen, colour print, black-and-white) are calibrated by ``calibrate_copies.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from idreader.config import QualityThresholds
from idreader.pipeline.decode import decode_image
from idreader.pipeline.locate import locate_document
from idreader.pipeline.quality import glare_share, sharpness

# check -> (measure of the rectified page, defects it should catch, flags when "below"/"above")
CHECKS: dict[str, tuple[Callable, tuple[str, ...], str, str]] = {
    "glare": (glare_share, ("glare",), "above", "glare_max_share"),
    "focus": (sharpness, ("defocus", "motion_blur"), "below", "focus_min"),
}


def measure(folder: Path) -> list[dict]:
    rows = []
    for line in (folder / "truth.jsonl").read_text().splitlines():
        truth = json.loads(line)
        image = decode_image((folder / truth["image"]).read_bytes(), 50_000_000, 100_000_000)
        page = locate_document(image.pixels).pixels
        row = {"defects": {d["name"] for d in truth["defects"]}}
        row |= {name: fn(page) for name, (fn, *_) in CHECKS.items()}
        rows.append(row)
    return rows


def flags(value: float | None, threshold: float, side: str) -> bool:
    return value is not None and (value > threshold if side == "above" else value < threshold)


def precision_recall(rows: list[dict], name: str, threshold: float) -> tuple[float, float]:
    _, defects, side, _ = CHECKS[name]
    hits = [(flags(r[name], threshold, side), bool(r["defects"] & set(defects))) for r in rows]
    tp = sum(f and d for f, d in hits)
    flagged, expected = sum(f for f, _ in hits), sum(d for _, d in hits)
    return tp / flagged if flagged else 0.0, tp / expected if expected else 0.0


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def report(rows: list[dict], limits: QualityThresholds) -> None:
    for name, (_, defects, side, setting) in CHECKS.items():
        values = sorted({r[name] for r in rows if r[name] is not None})
        for label, want in (("with", True), ("without", False)):
            group = [r[name] for r in rows if bool(r["defects"] & set(defects)) == want]
            group = [v for v in group if v is not None]
            quantiles = np.percentile(group, [5, 25, 50, 75, 95]).round(4).tolist() if group else []
            print(f"{name} {label} {'/'.join(defects)} ({len(group)}): q5..q95 {list(quantiles)}")

        best = max(values, key=lambda t, n=name: f1(*precision_recall(rows, n, t)), default=0.0)
        p, r = precision_recall(rows, name, best)
        print(f"  best F1 {f1(p, r):.3f} flags {side} {best:.4f}: precision {p:.3f} recall {r:.3f}")
        current = getattr(limits, setting)
        p, r = precision_recall(rows, name, current)
        print(f"  setting {setting} = {current}: precision {p:.3f} recall {r:.3f}")


if __name__ == "__main__":
    report(measure(Path(sys.argv[1])), QualityThresholds())
