"""Check the restore stage's blur thresholds on generated calibration sets (never the bench's).

    idreader synth --n 40 --seed 11 --out /tmp/rcal/motion --defects motion_blur --workers 2
    idreader synth --n 40 --seed 11 --out /tmp/rcal/defocus --defects defocus --workers 2
    idreader synth --n 60 --seed 11 --out /tmp/rcal/mix --workers 2
    idreader synth --n 200 --seed 12 --out /tmp/rcal/flat --defects none --workers 2
    idreader synth --n 40 --seed 14 --out /tmp/rcal/screen-shake \
        --defects motion_blur,screen_recapture --workers 2
    idreader synth --n 40 --seed 14 --out /tmp/rcal/screen --defects screen_recapture --workers 2
    idreader synth --n 40 --seed 14 --out /tmp/rcal/lowres-shake \
        --defects motion_blur,low_resolution --workers 2
    idreader synth --n 40 --seed 14 --out /tmp/rcal/lowres-defocus \
        --defects defocus,low_resolution --workers 2
    idreader synth --n 40 --seed 15 --out /tmp/rcal/dark-defocus \
        --defects defocus,low_light,noise --workers 2
    .venv/bin/python training/calibrate_restore.py /tmp/rcal/*

For each image, the cepstrum's dips (``restore.dips_of``: as computed, then without the noise
floor when the first shows nothing) and what ``restore.judge`` makes of them; then, per true
blur (shake, defocus, none), how often each verdict was given, and the images where a blur
was found that is not there or the wrong one.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import cv2

from idreader.pipeline.restore import dips_of, judge, working_copy

TRUE_BLUR = {"motion_blur": "motion", "defocus": "defocus"}


def measure(folder: Path) -> list[dict]:
    rows = []
    for line in (folder / "truth.jsonl").read_text().splitlines():
        truth = json.loads(line)
        pixels = cv2.imread(str(folder / truth["image"]))
        blurs = [TRUE_BLUR[d["name"]] for d in truth["defects"] if d["name"] in TRUE_BLUR]
        # the reader learns of a screen from the copy check's score; here from the truth
        screen = any(d["name"] == "screen_recapture" for d in truth["defects"])
        # the reader's two looks: the cepstrum, then the cepstrum without the noise floor
        looks = [(dips, judge(dips, screen)) for dips in dips_of(working_copy(pixels))]
        dips, found = next(((d, b) for d, b in looks if b), looks[0] if looks else (None, None))
        rows.append(
            {
                "image": f"{folder.name}/{truth['image']}",
                "truth": blurs[0] if blurs else "none",
                "found": found.kind if found else "none",
                "size": round(found.size, 1) if found else None,
                "dips": None
                if dips is None
                else {
                    "near": (round(dips.near.distance, 1), round(dips.near.depth, 1)),
                    "far": (round(dips.far.distance, 1), round(dips.far.depth, 1)),
                    "far cover, echo": (round(dips.far.cover, 2), round(dips.far.echo, 2)),
                    "ring": (round(dips.ring_radius, 1), round(dips.ring_share, 2)),
                },
            }
        )
    return rows


def report(rows: list[dict]) -> None:
    for truth in ("motion", "defocus", "none"):
        verdicts = Counter(r["found"] for r in rows if r["truth"] == truth)
        total = sum(verdicts.values())
        print(f"true {truth:8s} ({total}): " + ", ".join(f"{k} {v}" for k, v in verdicts.items()))
    print("\nwrong verdicts:")
    for r in rows:
        if r["found"] != r["truth"]:
            print(f"  {r['image']}: true {r['truth']}, found {r['found']} {r['size']}, {r['dips']}")


if __name__ == "__main__":
    report([row for folder in sys.argv[1:] for row in measure(Path(folder))])
