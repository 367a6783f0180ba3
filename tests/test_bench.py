"""The bench harness: metric primitives on hand-made inputs, and ``idreader bench`` end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import card_photo
from idreader.bench import datasets
from idreader.bench import peer as peer_reader
from idreader.bench.datasets import Defect, Sample, document_kind, load_dataset
from idreader.bench.evaluate import prediction_from_answer, score_image
from idreader.bench.metrics import (
    char_accuracy,
    flag_counts,
    percentile,
    polygon_iou,
    strength_bucket,
)
from idreader.cli.main import app

MRZ = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
CARD_CORNERS = [[150, 120], [750, 120], [750, 480], [150, 480]]  # card_photo(900, 600)


# --- metric primitives -------------------------------------------------------------------------


def test_char_accuracy() -> None:
    assert char_accuracy("ABCD", "ABCD") == 1.0
    assert char_accuracy("ABCX", "ABCD") == 0.75
    assert char_accuracy("ABD", "ABCD") == 0.75  # a character missed
    assert char_accuracy(None, "ABCD") == 0.0
    assert char_accuracy("X" * 20, "ABCD") == 0.0  # floored, never negative


def test_polygon_iou_of_known_quads() -> None:
    square = [[0, 0], [10, 0], [10, 10], [0, 10]]
    assert polygon_iou(square, square) == pytest.approx(1.0)
    shifted = [[5, 0], [15, 0], [15, 10], [5, 10]]  # overlap 50, union 150
    assert polygon_iou(shifted, square) == pytest.approx(1 / 3)
    inner = [[0, 0], [5, 0], [5, 10], [0, 10]]
    assert polygon_iou(inner, square) == pytest.approx(0.5)
    assert polygon_iou([[20, 20], [30, 20], [30, 30], [20, 30]], square) == 0.0
    assert polygon_iou(None, square) == 0.0
    scrambled = [[10, 10], [0, 0], [10, 0], [0, 10]]  # same square, points out of order
    assert polygon_iou(scrambled, square) == pytest.approx(1.0)


def test_percentile() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile(range(101), 95) == 95
    assert percentile([1, 2], 95) == pytest.approx(1.95)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None


@pytest.mark.parametrize(
    ("strength", "bucket"),
    [
        (0.0, "0-0.33"),
        (0.329, "0-0.33"),
        (0.33, "0.33-0.66"),
        (0.659, "0.33-0.66"),
        (0.66, "0.66-1"),
        (1.0, "0.66-1"),
        (None, "unknown"),
    ],
)
def test_strength_bucket(strength: float | None, bucket: str) -> None:
    assert strength_bucket(strength) == bucket


def test_flag_counts_precision_recall() -> None:
    # (expected, CheckResult): 0 raised, 1 passed, 2 not done (counts as not raised)
    pairs = [(True, 0), (True, 0), (True, 1), (True, 2), (False, 0), (False, 1), (False, 2)]
    c = flag_counts(pairs)
    assert (c.tp, c.fp, c.fn, c.tn, c.not_done) == (2, 1, 2, 2, 2)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(0.5)
    assert flag_counts([(False, 1)]).precision is None


def test_document_kind_from_template() -> None:
    assert document_kind("xx_passport_td3") == "passport"
    assert document_kind("xx_id_td1") == "id_td1"
    assert document_kind("xx_temp_id_td2") == "id_td2"
    assert document_kind("xx_cni_frid") == "id_td2"
    assert document_kind("xx_dl_back_pdf417") == "driving_licence"
    assert document_kind("xx_schengen_visa_mrvb") == "visa"
    assert document_kind("xx_dni_front") == "id_card"
    assert document_kind("xx_something") == "other"
    assert document_kind("xx_passport_td3", kind="diplomatic") == "diplomatic"
    assert document_kind("xx_passport_td3", kind="visa_mrva") == "visa"  # generator kind


def test_document_kind_asks_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datasets, "generator_kind", {"fr_cni_1988": "id_frid"}.get)
    assert document_kind("fr_cni_1988") == "id_td2"  # the id alone says nothing


def test_prediction_and_score_from_wire_answer() -> None:
    answer = {
        "status_info": {"doc_type": 1, "expiry": 1, "mrz": 1, "text": 1},
        "document_type_info": {
            "document_name": "Utopia - Passport",
            "document_description": "Passport",
        },
        "card_info": {
            "field_list": [
                {
                    "field_name": "MRZ Strings",
                    "validity_status": 1,
                    "value_list": [
                        {"original_value": "x", "value": MRZ[0] + "\n" + MRZ[1][:-1] + "9"}
                    ],
                },
                {
                    "field_name": "Surname",
                    "validity_status": 1,
                    "value_list": [{"original_value": "ERIKSSON", "value": "ERIKSSON"}],
                },
            ]
        },
        "image_quality_info": {"list": [{"feature_type": 0, "result": 0, "type": 3}], "result": 0},
    }
    p = prediction_from_answer(answer, None)
    assert p.mrz == [MRZ[0], MRZ[1][:-1] + "9"]
    assert p.flags["ImageColorness"] == 0
    assert p.flags["ImageGlares"] == 2  # missing check: not done
    assert p.flags["forgery:black_white_print"] == 2  # no forgery object asked for
    sample = Sample(
        image=Path("x.png"),
        kind="passport",
        country="US",
        mrz=MRZ,
        fields={"Surname": "ERIKSSON", "Given Names": "ANNA MARIA"},
        document_name="Utopia - Passport",
        defects=(Defect("photocopy_bw", 0.5),),
    )
    s = score_image(sample, p, 0.1)
    assert s.mrz_exact is False and s.mrz_found is True
    assert s.mrz_false_valid is True  # status 1 with one wrong character
    assert s.mrz_char_accuracy == pytest.approx(1 - 1 / 89)
    assert s.fields == {"Surname": (True, True), "Given Names": (False, False)}
    assert s.document_name_ok is True and s.document_description_ok is None
    assert s.flags["ImageColorness"] == (True, 0)
    assert s.flags["forgery:black_white_print"] == (True, 2)
    assert s.flags["ImageGlares"] == (False, 2)
    failed = score_image(sample, None, None)
    assert failed.failed and failed.mrz_exact is False and failed.mrz_char_accuracy == 0.0


def test_manifest_countries_and_limit(tmp_path: Path) -> None:
    rows = [
        {"path": "a.png", "doc_kind": "passport", "country": "GBR", "mrz": MRZ, "tags": []},
        {"path": "b.png", "doc_kind": "id_td1", "country": "UTO", "mrz": None, "tags": ["low_res"]},
        {"path": "c.png", "doc_kind": "visa", "country": "ZZZ", "mrz": None, "tags": []},
        {"path": "d.png", "doc_kind": "visa", "country": None, "mrz": None, "tags": []},
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ds = load_dataset(str(manifest))
    assert [s.country for s in ds.samples] == ["GB", "US", "US", "US"]
    assert ds.samples[0].image == tmp_path / "a.png"
    assert ds.samples[1].defects == (Defect("low_resolution", None),)
    assert len(load_dataset(str(tmp_path), limit=2).samples) == 2
    with pytest.raises(ValueError):
        load_dataset(str(tmp_path / "nowhere"))


# --- end to end --------------------------------------------------------------------------------


def write_image(path: Path, img: np.ndarray) -> None:
    assert cv2.imwrite(str(path), img)


@pytest.fixture
def tiny_sets(tmp_path: Path) -> tuple[Path, Path]:
    """A 4-image synthetic set (3 drawn, 1 corrupt) and a 2-line real manifest."""
    synth = tmp_path / "synth-tiny"
    synth.mkdir()
    colour, grey = card_photo(), card_photo(colour=False)
    glare = card_photo()
    cv2.circle(glare, (450, 300), 90, (255, 255, 255), -1)
    write_image(synth / "colour.png", colour)
    write_image(synth / "grey.jpg", grey)
    write_image(synth / "glare.png", glare)
    (synth / "broken.jpg").write_bytes(b"this is not an image")
    fields = {"Surname": {"original_value": "ERIKSSON", "value": "ERIKSSON"}}

    def truth(image: str, template: str, defects: list[dict]) -> dict:
        return {
            "image": image,
            "template": template,
            "country": "GB",
            "document_name": "United Kingdom - Passport (2020)",
            "document_description": "Passport",
            "fields": fields,
            "mrz": MRZ,
            "corners": CARD_CORNERS,
            "boxes": {"mrz": [0, 500, 1000, 620]},
            "defects": defects,
        }

    rows = [
        truth("colour.png", "gb_passport_td3", []),
        truth("grey.jpg", "gb_passport_td3", [{"name": "photocopy_bw", "strength": 0.8}]),
        truth("glare.png", "de_id_td1", [{"name": "glare", "strength": 0.2}]),
        truth("broken.jpg", "de_id_td1", []),
    ]
    (synth / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    real = tmp_path / "real"
    (real / "img").mkdir(parents=True)
    write_image(real / "img" / "spec.png", colour)
    write_image(real / "img" / "photo.jpg", grey)
    manifest = [
        {"path": "img/spec.png", "doc_kind": "passport", "country": "UTO", "mrz": MRZ,
         "fields": None, "tags": ["specimen_scan"]},
        {"path": "img/photo.jpg", "doc_kind": "id_td1", "country": "GBR", "mrz": None,
         "fields": None, "tags": ["phone_photo", "specimen_scan"]},
    ]  # fmt: skip
    (real / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in manifest))
    return synth, real / "manifest.jsonl"


def run_bench(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["bench", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)


def reports(out: Path) -> tuple[str, dict]:
    (md,) = out.glob("*-tiny.md")
    (js,) = out.glob("*-tiny.json")
    return md.read_text(), json.loads(js.read_text())


def test_bench_end_to_end_without_peer(tiny_sets: tuple[Path, Path], tmp_path: Path) -> None:
    synth, manifest = tiny_sets
    out = tmp_path / "results"
    run_bench([str(synth), str(manifest), "--name", "tiny", "--out", str(out), "--no-peer"])
    md, data = reports(out)
    for heading in [
        "# idreader bench: tiny",
        "## synth-tiny (synthetic, 4 images)",
        "## real (real, 2 images)",
        "### Overall",
        "### By document kind",
        "### By defect",
        "### By defect and strength",
        "### Fields",
        "### Flags against recorded defects",
        "### Flags raised by tag",
        "### Speed",
        "### Peer comparison",
        "### Failures",
        "skipped (--no-peer)",
    ]:
        assert heading in md, heading
    assert data["machine"]["cpu_count"] >= 1 and data["machine"]["commit"]
    synth_result, real_result = data["datasets"]
    overall = synth_result["overall"]
    assert overall["images"] == 4 and overall["failures"] == 1
    assert list(synth_result["failures"].values()) == [1]
    assert "ImageDecodeError" in next(iter(synth_result["failures"]))
    # The MRZ is in the truth but not drawn, so nothing can match it.
    assert overall["mrz"]["images"] == 4 and overall["mrz"]["exact"] == 0.0
    assert "| 4 | 1 | 4 | 0.0 % |" in md
    assert overall["corners"]["images"] == 4
    assert overall["corners"]["iou_median"] > 0.8  # the clear cards on a dark background
    assert set(synth_result["by_kind"]) == {"passport", "id_td1"}
    assert synth_result["by_kind"]["passport"]["images"] == 2
    assert set(synth_result["by_defect"]) == {"photocopy_bw", "glare", "(none)"}
    assert set(synth_result["by_defect_strength"]["photocopy_bw"]) == {"0.66-1"}
    assert set(synth_result["by_defect_strength"]["glare"]) == {"0-0.33"}
    assert synth_result["fields"]["Surname"]["truth"] == 4
    colorness = synth_result["flags"]["ImageColorness"]
    assert (colorness["tp"], colorness["fp"], colorness["fn"]) == (1, 0, 0)
    assert synth_result["flags"]["forgery:black_white_print"]["recall"] == 1.0
    assert synth_result["by_defect"]["photocopy_bw"]["flag_recall"]["ImageColorness"] == 1.0
    screen = synth_result["flags"]["ScreenCapture"]  # measured on the 3 images that decode
    assert (screen["not_done"], screen["fp"]) == (1, 0)
    speed = synth_result["speed"]
    assert speed["images"] == 4 and speed["workers"] == 1
    assert speed["p50_s"] > 0 and speed["images_per_s_per_core"] > 0 and speed["peak_rss_mb"] > 10
    assert speed["cpu_mean_s"] > 0 and speed["images_per_cpu_s"] == pytest.approx(
        1 / speed["cpu_mean_s"]
    )
    assert real_result["overall"]["mrz"]["images"] == 1  # mrz: null counts only for speed/flags
    assert real_result["overall"]["document_type"]["images"] == 0
    tags = real_result["flags_by_tag"]
    assert tags["specimen_scan"]["images"] == 2
    assert tags["specimen_scan"]["raised"]["ImageColorness"] == 1  # the grey copy
    assert real_result["flags"]["ImageColorness"]["fp"] == 1  # no recorded defect: a negative
    assert real_result["peer"] == {"status": "skipped (--no-peer)"}


FAKE_PEER = """
import json, sys
paths = json.load(sys.stdin)
print(json.dumps({"peer": "passporteye", "version": "0-fake", "tesseract": "none"}))
for p in paths:
    good, wrong = "colour" in p or "spec" in p, "glare" in p
    mrz = TRUTH if good else [TRUTH[0], TRUTH[1][:-1] + "9"] if wrong else None
    print(json.dumps({"path": p, "mrz": mrz, "valid": mrz is not None, "valid_score": 100,
                      "seconds": 0.5, "cpu_seconds": 0.25, "error": None}))
""".replace("TRUTH", repr(MRZ))


def test_bench_with_a_stand_in_peer(
    tiny_sets: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake_peer.py"
    script.write_text(FAKE_PEER)
    monkeypatch.setattr(peer_reader, "find_peer", lambda: (Path(sys.executable), script))
    synth, manifest = tiny_sets
    out = tmp_path / "results"
    run_bench([str(synth), str(manifest), "--name", "tiny", "--out", str(out), "--workers", "2"])
    md, data = reports(out)
    synth_peer = data["datasets"][0]["peer"]
    assert synth_peer["answered"] == 4 and synth_peer["info"]["version"] == "0-fake"
    assert synth_peer["mrz"]["exact"] == 0.25  # only colour.png
    assert synth_peer["mrz"]["found"] == 0.5
    assert synth_peer["mrz"]["false_valid"] == 1  # glare.png: "valid" with a wrong digit
    assert synth_peer["p50_s"] == 0.5 and synth_peer["images_per_s_per_core"] == 2.0
    assert synth_peer["images_per_cpu_s"] == 4.0
    comparison = synth_peer["comparison"]
    assert comparison["exact_diff"] == pytest.approx(-0.25)
    assert comparison["speed_ratio"] > 0 and comparison["cpu_speed_ratio"] > 0
    assert data["datasets"][1]["peer"]["mrz"]["exact"] == 1.0  # spec.png, the one with truth
    assert "### Peer comparison (MRZ)" in md and "PassportEye 0-fake" in md
    assert "-25.0 pp" in md


def test_missing_peer_is_reported(
    tiny_sets: tuple[Path, Path], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(peer_reader, "find_peer", lambda: None)
    synth, _ = tiny_sets
    out = tmp_path / "results"
    run_bench([str(synth), "--name", "tiny", "--out", str(out), "--limit", "1"])
    md, data = reports(out)
    assert data["datasets"][0]["images"] == 1
    assert ".venv-bench not found" in data["options"]["peer"] and ".venv-bench not found" in md


def test_find_peer(tmp_path: Path) -> None:
    assert peer_reader.find_peer([tmp_path]) is None
    (tmp_path / ".venv-bench" / "bin").mkdir(parents=True)
    (tmp_path / ".venv-bench" / "bin" / "python").touch()
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "peer_passporteye.py").touch()
    python, script = peer_reader.find_peer([tmp_path])
    assert python.name == "python" and script.name == "peer_passporteye.py"
