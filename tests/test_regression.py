"""End to end: a fixed synthetic set of 40 photos through the whole reader, with floors the
current reader meets (raise them as the reader improves; make bench has the real figures)."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from idreader.api.assemble import success_answer
from idreader.api.contract import OcrSuccess, to_wire
from idreader.pipeline import Options, read
from idreader.synth.generate import Plan, generate

N = 40


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    out = tmp_path_factory.mktemp("regression")
    generate(Plan(n=N, seed=2026), out, workers=2)
    rows = [json.loads(line) for line in (out / "truth.jsonl").read_text().splitlines()]
    results = []
    for row in rows:
        reading = read(
            (out / row["image"]).read_bytes(),
            row["country"],
            Options(images=True, image_quality=True, document_forgery=True),
        )
        results.append((row, reading, to_wire(success_answer(reading, "0" * 32))))
    return results


def iou(a, b) -> float:
    a, b = np.float32(a), np.float32(b)
    inter, _ = cv2.intersectConvexConvex(a, b)
    union = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return inter / union if union > 0 else 0.0


def test_every_answer_is_a_valid_contract_answer(answers):
    for _, _, wire in answers:
        OcrSuccess.model_validate(wire)


def test_mrz_floors(answers):
    with_mrz = [
        (row, wire)
        for row, _, wire in answers
        if row["mrz"] and not any(d["name"] == "mrz_bad_check" for d in row["defects"])
    ]
    exact = false_valid = 0
    for row, wire in with_mrz:
        fields = {f["field_name"]: f for f in wire["card_info"]["field_list"]}
        read = fields.get("MRZ Strings", {}).get("value_list", [{}])[0].get("value")
        hit = read == "\n".join(row["mrz"])
        exact += hit
        false_valid += wire["status_info"]["mrz"] == 1 and not hit
    assert false_valid == 0
    assert exact / len(with_mrz) >= 0.5


def test_corner_floor(answers):
    ious = [iou(row["corners"], reading.corners) for row, reading, _ in answers]
    assert float(np.median(ious)) >= 0.7


def test_black_and_white_copies_are_flagged(answers):
    # a grey copy shown on a screen is flagged screen_capture instead (its colour is the
    # screen's moiré): a known gap, measured by make bench
    copies = [
        wire
        for row, _, wire in answers
        if {"photocopy_bw"} <= {d["name"] for d in row["defects"]}
        and "screen_recapture" not in {d["name"] for d in row["defects"]}
    ]
    flagged = [
        w for w in copies if "black_white_print" in w["document_forgery_info"].get("detail", [])
    ]
    assert copies and len(flagged) / len(copies) >= 0.8
