"""Metric primitives: character accuracy, polygon IoU, percentiles, strength buckets, P/R counts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

BUCKETS = ("0-0.33", "0.33-0.66", "0.66-1")


def char_accuracy(predicted: str | None, truth: str) -> float:
    """1 - Levenshtein / len(truth), floored at 0; nothing predicted scores 0."""
    if not truth:
        return 1.0 if not predicted else 0.0
    return max(0.0, 1.0 - Levenshtein.distance(predicted or "", truth) / len(truth))


def polygon_area(points: np.ndarray) -> float:
    return float(abs(cv2.contourArea(points.astype(np.float32))))


def polygon_iou(
    predicted: Sequence[Sequence[float]] | None, truth: Sequence[Sequence[float]]
) -> float:
    """Intersection over union of two quadrilaterals (convex hulls); 0 without a prediction."""
    if predicted is None:
        return 0.0
    a = cv2.convexHull(np.asarray(predicted, np.float32).reshape(-1, 2))
    b = cv2.convexHull(np.asarray(truth, np.float32).reshape(-1, 2))
    area_a, area_b = polygon_area(a), polygon_area(b)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter, _ = cv2.intersectConvexConvex(a, b)
    inter = max(0.0, float(inter))
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation, as numpy's default; None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def strength_bucket(strength: float | None) -> str:
    """Bucket of a defect strength: [0, 0.33), [0.33, 0.66), [0.66, 1]; "unknown" if None."""
    if strength is None:
        return "unknown"
    if strength < 0.33:
        return BUCKETS[0]
    return BUCKETS[1] if strength < 0.66 else BUCKETS[2]


@dataclass
class FlagCounts:
    """Confusion counts of one flag. A check that was not done counts as not raised."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    not_done: int = 0

    def add(self, expected: bool, result: int) -> None:
        """``result`` is a CheckResult: 0 raised the flag, 1 passed, 2 was not done."""
        raised = result == 0
        self.not_done += result == 2
        if expected:
            self.tp += raised
            self.fn += not raised
        else:
            self.fp += raised
            self.tn += not raised

    @property
    def precision(self) -> float | None:
        return rate(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return rate(self.tp, self.tp + self.fn)

    def as_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "not_done": self.not_done,
            "precision": self.precision,
            "recall": self.recall,
        }


def flag_counts(pairs: Iterable[tuple[bool, int]]) -> FlagCounts:
    counts = FlagCounts()
    for expected, result in pairs:
        counts.add(expected, result)
    return counts
