"""Calibrate the copy detectors of `idreader.pipeline.copies` on synthetic folders.

    python training/calibrate_copies.py /tmp/calib-defects [more folders ...]
    python training/calibrate_copies.py --make /tmp/calib-print --force printed_copy --seed 24

Each folder is an `idreader synth` output (images + truth.jsonl). Every image is located as the
pipeline does (`locate_document`) and measured (`measure_copies`); the script prints each
score's distribution per defect, the threshold its rule picks (the lowest one whose precision on
the pooled folders is at least TARGET_PRECISION), and precision / recall at the module's
thresholds, overall and by defect strength band.

`--make` writes a folder like `idreader synth` with the random mix of defects plus the forced
ones (`printed_copy` is never drawn at random, and the CLI does not offer it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from idreader.config import QualityThresholds
from idreader.pipeline.copies import CopyScores, measure_copies
from idreader.pipeline.locate import locate_document

LIMITS = QualityThresholds()
TARGET_PRECISION = 0.97
REAL_MARGIN = 0.3  # with --real: thresholds clear the highest real colour original by this
BANDS = ((0.3, 0.6), (0.6, 1.0))
GREY_SPREADS = (0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.03, 0.06)
GREY_TINTS = (0.002, 0.004, 0.005, 0.006, 0.008, 0.01, 0.015, 0.02, 0.03, 0.05)
COPY_DEFECTS = ("screen_recapture", "photocopy_bw", "printed_copy")
# flag -> (defect that should raise it, decision on the scores)
FLAGS: dict[str, tuple[str, Callable[[CopyScores], bool]]] = {
    "screen_capture": ("screen_recapture", lambda s: s.screen_capture),
    "black_white_print": ("photocopy_bw", lambda s: s.black_white),
    "printed_copy": ("printed_copy", lambda s: s.printed_copy),
}


@dataclass
class Row:
    folder: str
    image: str
    defects: dict[str, float]
    scores: CopyScores
    ms: float


def measure_folder(folder: Path) -> list[Row]:
    rows = []
    for line in (folder / "truth.jsonl").read_text().splitlines():
        truth = json.loads(line)
        pixels = cv2.imread(str(folder / truth["image"]), cv2.IMREAD_COLOR)
        document = locate_document(pixels)
        start = time.perf_counter()
        scores = measure_copies(pixels, document.corners, document.pixels)
        ms = (time.perf_counter() - start) * 1000
        defects = {d["name"]: d["strength"] for d in truth["defects"]}
        rows.append(Row(folder.name, truth["image"], defects, scores, ms))
    return rows


def measure_real(manifest: Path) -> list[Row]:
    """The real-dev images (none is a copy as far as is known), measured like the synthetic."""
    rows = []
    for line in manifest.read_text().splitlines():
        entry = json.loads(line)
        pixels = cv2.imread(str(manifest.parent / entry["path"]), cv2.IMREAD_COLOR)
        document = locate_document(pixels)
        scores = measure_copies(pixels, document.corners, document.pixels)
        rows.append(Row("real-dev", entry["path"], {}, scores, 0.0))
    return rows


def pick_threshold(pos: np.ndarray, neg: np.ndarray) -> float:
    """Lowest threshold (score >= it flags) whose precision is at least TARGET_PRECISION."""
    for t in np.unique(np.concatenate([pos, neg])):
        tp, fp = (pos >= t).sum(), (neg >= t).sum()
        if tp and tp / (tp + fp) >= TARGET_PRECISION:
            return float(t)
    return float("inf")


def pick_grey(rows: list[Row]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The ranges of tint and spread maxima that give the best recall at TARGET_PRECISION for
    photocopy_bw. Copies shown on a screen are left out: the screen's tint and moiré colour
    them, and no colour measure can tell them."""
    rows = [r for r in rows if "screen_recapture" not in r.defects]
    pos = [r.scores for r in rows if "photocopy_bw" in r.defects]
    neg = [r.scores for r in rows if "photocopy_bw" not in r.defects]
    results = {}
    for tint in GREY_TINTS:
        for spread in GREY_SPREADS:
            tp = sum(s.spread <= spread and s.tint <= tint for s in pos)
            fp = sum(s.spread <= spread and s.tint <= tint for s in neg)
            if tp and tp / (tp + fp) >= TARGET_PRECISION:
                results[tint, spread] = tp
    if not results:
        return None
    best = max(results.values())
    tints = [t for (t, _), tp in results.items() if tp == best]
    spreads = [s for (_, s), tp in results.items() if tp == best]
    return (min(tints), max(tints)), (min(spreads), max(spreads))


def quantiles(values: Sequence[float]) -> str:
    if not values:
        return "-"
    q = np.percentile(values, [0, 5, 25, 50, 75, 95, 100])
    return " ".join(f"{v:6.3f}" for v in q)


def print_distributions(rows: list[Row]) -> None:
    print("score distributions (min p5 p25 p50 p75 p95 max)")
    for field in ("screen", "halftone", "spread", "tint"):
        print(f"  {field}")
        groups = {d: [r for r in rows if d in r.defects] for d in COPY_DEFECTS}
        groups["no copy defect"] = [r for r in rows if not set(COPY_DEFECTS) & set(r.defects)]
        for name, group in groups.items():
            values = [getattr(r.scores, field) for r in group]
            print(f"    {name:16s} n={len(values):4d}  {quantiles(values)}")


def report(rows: list[Row]) -> None:
    print(f"\nprecision / recall at the module thresholds (n={len(rows)})")
    for flag, (defect, decide) in FLAGS.items():
        pos = [r for r in rows if defect in r.defects]
        neg = [r for r in rows if defect not in r.defects]
        tp, fp = sum(map(decide, (r.scores for r in pos))), sum(decide(r.scores) for r in neg)
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / len(pos) if pos else float("nan")
        bands = []
        for lo, hi in BANDS:
            band = [r for r in pos if lo <= r.defects[defect] <= hi]
            if band:
                hit = sum(decide(r.scores) for r in band)
                bands.append(f"{lo}-{hi}: {hit}/{len(band)}")
        print(
            f"  {flag:18s} P={precision:.3f} R={recall:.3f} (tp {tp}, fp {fp}, pos {len(pos)}) "
            + "  ".join(bands)
        )
        for r in sorted(neg, key=lambda r: r.image):
            if decide(r.scores):
                print(f"      false positive {r.folder}/{r.image} {_brief(r)}")


def suggest(rows: list[Row], real: list[Row]) -> None:
    """The rule's thresholds. The screen one is chosen without printed copies (they are not in
    the random mix of the bench sets; `report` shows how many of them the screen test takes),
    the halftone one without screen captures (a screen's grid outranks a print's dots). With
    real images, a threshold is raised to clear the highest of them by REAL_MARGIN."""
    print(f"\nthresholds the rule picks (precision >= {TARGET_PRECISION} on these folders)")
    for field, defect, other, current in (
        ("screen", "screen_recapture", "printed_copy", LIMITS.screen_min_score),
        ("halftone", "printed_copy", "screen_recapture", LIMITS.halftone_min_score),
    ):
        pool = [r for r in rows if other not in r.defects]
        pos = np.array([getattr(r.scores, field) for r in pool if defect in r.defects])
        neg = np.array([getattr(r.scores, field) for r in pool if defect not in r.defects])
        if not len(pos):
            continue
        pick = pick_threshold(pos, neg)
        line = f"  {field}: synthetic {pick:.3f}"
        if real:
            top = max(getattr(r.scores, field) for r in real)
            pick = max(pick, top + REAL_MARGIN)
            line += f", real max {top:.3f} -> {pick:.3f}"
        print(f"{line} (module: {current})")
    if any("photocopy_bw" in r.defects for r in rows):
        picked = pick_grey(rows)
        module = f"(settings: tint {LIMITS.grey_max_tint}, spread {LIMITS.grey_max_spread})"
        if picked is None:
            print(f"  grey: no tint and spread reach the precision {module}")
        else:
            (t0, t1), (s0, s1) = picked
            print(f"  grey: tint <= any of {t0}..{t1}, spread <= any of {s0}..{s1} {module}")


def report_real(real: list[Row]) -> None:
    print(f"\nreal images flagged (n={len(real)})")
    for r in real:
        flags = [flag for flag, (_, decide) in FLAGS.items() if decide(r.scores)]
        if flags:
            print(f"  {r.image}: {', '.join(flags)}  {_brief(r)}")


def _brief(row: Row) -> str:
    s = row.scores
    defects = ", ".join(f"{k} {v:.2f}" for k, v in row.defects.items() if k != "background")
    return (
        f"screen {s.screen:.2f} halftone {s.halftone:.2f} spread {s.spread:.4f} "
        f"tint {s.tint:.4f} [{defects}]"
    )


def make_folder(out: Path, n: int, seed: int, force: Sequence[str]) -> None:
    """A random-mix set like `idreader synth --defects random`, plus the forced defects (the
    copy defects are not combined: forced ones replace any drawn)."""
    from idreader.synth import generate

    draw = generate.random_defects

    def forced(rng: np.random.Generator) -> list[str]:
        return [d for d in draw(rng) if d not in COPY_DEFECTS] + list(force)

    generate.random_defects = forced
    try:
        out.mkdir(parents=True, exist_ok=True)
        plan = generate.Plan(n=n, seed=seed)
        rows = [generate.make_sample(plan, i, out) for i in range(n)]
    finally:
        generate.random_defects = draw
    with (out / "truth.jsonl").open("w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{n} images and truth.jsonl in {out}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--make", type=Path, help="write a calibration folder instead")
    parser.add_argument("--force", default="", help="comma-separated defects every image gets")
    parser.add_argument("--n", type=int, default=150)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--real", type=Path, help="a real-dev manifest.jsonl (no copies in it)")
    args = parser.parse_args(argv)
    if args.make:
        make_folder(args.make, args.n, args.seed, [d for d in args.force.split(",") if d])
        return 0
    if not args.folders:
        parser.error("give at least one folder")
    rows = [row for folder in args.folders for row in measure_folder(folder)]
    real = measure_real(args.real) if args.real else []
    print_distributions(rows)
    suggest(rows, real)
    report(rows)
    if real:
        report_real(real)
    ms = np.array([r.ms for r in rows])
    print(f"\nms per image (all measures): mean {ms.mean():.1f}, p95 {np.percentile(ms, 95):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
