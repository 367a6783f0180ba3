"""Generated driving licences: AAMVA barcodes of several versions and jurisdictions read back
to their truth, the numbered-field fronts, and the other templates left as they were."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import PIL
import pytest
import zxingcpp
from PIL import features

from idreader.barcode.aamva import AamvaRecord, jurisdiction_for_iin, parse_aamva
from idreader.synth import fonts
from idreader.synth.aamva import VERSIONS, Card, aamva_payload, draw_licence, encode
from idreader.synth.capture import flat_capture
from idreader.synth.generate import JPEG_QUALITY, Plan, identity_for, make_sample
from idreader.synth.identity import Identity, make_identity
from idreader.synth.numbers import personal_number
from idreader.synth.render import barcode_truth, render
from idreader.synth.templates import load_templates

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "spec"
BACK = "us_ca_dl_back_pdf417"

# A hand-made holder with a middle name, so every name element is exercised.
HOLDER = Identity(
    "NGUYEN",
    "Thi Mai",
    "F",
    dt.date(1988, 11, 9),
    dt.date(2023, 3, 1),
    dt.date(2031, 2, 28),
    "12345678",
    "0",
    "AUSTIN",
    "9 ELM ST",
)
TEXAS = Card(iin="636015", jurisdiction="TX", city="Austin", postal_code="787011234", height=70)
ONTARIO = Card(
    iin="636012",
    jurisdiction="ON",
    city="TORONTO",
    postal_code="M5V2T6",
    country="CAN",
    dl_class="G",
    hair="BLK",
    height=175,
)


def read(text: str) -> AamvaRecord:
    record = parse_aamva(text)
    assert record is not None
    return record


def assert_reads_as_truth(record: AamvaRecord, truth: dict[str, dict[str, str]]) -> None:
    for name, expected in truth.items():
        reading = record.field(name)
        assert reading is not None, name
        assert (reading.original_value, reading.value) == (
            expected["original_value"],
            expected["value"],
        ), name


def spec_field_names() -> set[str]:
    path = SPEC / "field-types.tsv"
    if not path.exists():
        pytest.skip("../shared/spec is absent")
    with path.open(encoding="utf-8") as fh:
        return {row[2] for row in csv.reader(fh, delimiter="\t") if len(row) > 2}


# ---------------------------------------------------------------- payloads


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("base", [TEXAS, ONTARIO], ids=["TX", "ON"])
def test_every_version_parses_to_the_truth(version: int, base: Card) -> None:
    card = replace(base, version=version)
    text = encode(HOLDER, card)
    record = read(text)
    truth = barcode_truth(HOLDER, card)
    assert (record.iin, record.version) == (card.iin, version)
    assert record.jurisdiction_version == (None if version == 1 else 1)
    assert record.document_type == "DL" and record.extra == {}
    assert_reads_as_truth(record, truth)
    # the header: version 01 has no jurisdiction version, so its subfile starts 2 bytes earlier
    header = f"ANSI {card.iin}{version:02d}" + ("01" if version == 1 else "0101")
    offset = 29 if version == 1 else 31
    assert text.startswith(f"@\n\x1e\r{header}DL{offset:04d}")
    assert text[offset:].startswith("DL") and text.endswith("\r")
    assert int(text[offset - 4 : offset]) == len(text) - offset


@pytest.mark.parametrize("version", VERSIONS)
def test_each_version_encodes_names_dates_and_heights_its_own_way(version: int) -> None:
    us = barcode_truth(HOLDER, replace(TEXAS, version=version))
    ca = barcode_truth(HOLDER, replace(ONTARIO, version=version))
    birth = us["Date of Birth"]["original_value"]
    assert birth == ("19881109" if version == 1 else "11091988")  # CCYYMMDD in 01 only
    assert ca["Date of Birth"]["original_value"] == "19881109"  # Canada: always CCYYMMDD
    assert us["Given Names"]["value"] == "THI MAI" == ca["Given Names"]["value"]
    assert us["Height"]["value"] == "70 in" and ca["Height"]["value"] == "175 cm"
    assert us["Address Postal Code" if version > 1 else "Mailing Address Postal Code"] == {
        "original_value": "787011234",
        "value": "78701-1234",
    }
    assert ca["Address"]["value"] == "9 ELM ST, TORONTO, ON M5V 2T6"
    if version == 1:
        assert us["Surname and Given Names"]["original_value"] == "NGUYEN,THI,MAI"
        assert us["Height"]["original_value"] == "510"  # feet and inches
        assert ca["Height"]["original_value"] == "175"  # DAV, centimetres
        assert "Document Discriminator" not in us and "Issuing State Code" not in us
    elif version == 3:
        assert us["Given Names"]["original_value"] == "THI,MAI"  # DCT
    else:
        assert us["Height"]["original_value"] == "070 in"
        assert ca["Issuing State Code"]["value"] == "CAN"


def test_default_card_is_the_old_california_back() -> None:
    """aamva_payload's defaults and barcode_truth(person) still describe the same card."""
    person = make_identity(
        np.random.default_rng(3),
        "en-US",
        number_pattern="A9999999",
        validity_years=5,
        places=["SACRAMENTO"],
        streets=["MAIN STREET"],
    )
    text = aamva_payload(
        person, iin="636014", jurisdiction="CA", city="Sacramento", postal_code="958230000"
    )
    record = read(text)
    assert (record.version, record.jurisdiction_version, record.jurisdiction.code) == (10, 1, "CA")
    assert_reads_as_truth(record, barcode_truth(person))
    assert record.extra == {}


def test_truth_names_are_in_the_vocabulary() -> None:
    names = spec_field_names()
    used = {
        name
        for version in VERSIONS
        for base in (TEXAS, ONTARIO)
        for name in barcode_truth(HOLDER, replace(base, version=version))
    }
    for template_id in ("us_tx_dl_front", "de_dl_front"):
        used |= {f.name for f in load_templates()[template_id].fields}
    assert used <= names, sorted(used - names)


# ---------------------------------------------------------------- the back template


def pattern_regex(pattern: str) -> str:
    return "".join(
        {"A": "[A-Z]", "9": r"\d", "X": "[A-Z0-9]"}.get(c, re.escape(c)) for c in pattern
    )


def test_back_template_draws_jurisdictions_and_versions() -> None:
    spec = load_templates()[BACK].barcode
    issuers = {i["code"]: i for i in spec["issuers"]}
    assert {"CA", "TX", "NY", "FL", "IL", "PA", "ON", "QC"} <= set(issuers)
    assert spec["issuers"][0]["code"] == "CA"
    for code, issuer in issuers.items():
        assert jurisdiction_for_iin(issuer["iin"]).code == code
    assert set(spec["versions"]) == set(VERSIONS)
    rng = np.random.default_rng(0)
    draws = [draw_licence(spec, HOLDER, rng) for _ in range(600)]
    counts = {code: sum(d.card.jurisdiction == code for d in draws) for code in issuers}
    assert max(counts, key=counts.get) == "CA" and min(counts.values()) > 20
    assert {d.card.version for d in draws} == set(VERSIONS)
    assert sum(d.card.version == 10 for d in draws) > len(draws) / 2
    names = {d.card.jurisdiction: d.document_name for d in draws}
    assert names["CA"] == "USA - California Driving License (2018)"
    assert names["TX"] == "USA - Texas Driving License"
    assert names["ON"] == "Canada - Ontario Driving License"
    assert names["QC"] == "Canada - Quebec Driving License"
    for d in draws:
        issuer = issuers[d.card.jurisdiction]
        assert re.fullmatch(pattern_regex(issuer["number"]), d.person.document_number)
        assert d.card.country == ("CAN" if d.card.jurisdiction in ("ON", "QC") else "USA")
        assert d.person.surname == HOLDER.surname  # only the number changes
    ontario = next(d for d in draws if d.card.jurisdiction == "ON")
    assert re.fullmatch(r"[A-Z]\d{14}", ontario.person.document_number)


def test_back_images_decode_and_parse_to_their_truth(tmp_path) -> None:
    plan = Plan(n=1, seed=3, kinds=("dl_back_pdf417",), defects=())
    seen = set()
    for index in range(10):
        row = make_sample(plan, index, tmp_path)
        image = cv2.imread(str(tmp_path / row["image"]))
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
        assert len(results) == 1, row["image"]
        record = read(results[0].text)
        assert_reads_as_truth(record, row["fields"])
        assert row["fields"]["Issuer Identification Number"]["value"] == record.iin
        seen.add((record.jurisdiction.country, record.version))
    assert {country for country, _ in seen} == {"USA", "CAN"}
    assert {version for _, version in seen} == set(VERSIONS)


def rendered_backs(n: int = 20) -> list:
    """The back template rendered for ``n`` holders (seeded), before any capture."""
    template = load_templates()[BACK]
    backs = []
    for index in range(n):
        rng = np.random.default_rng([5, index])
        person = make_identity(
            rng, "en-US", number_pattern="A9999999", validity_years=5, places=["X"], streets=["Y"]
        )
        backs.append(render(template, person, rng))
    return backs


def test_back_render_names_the_jurisdiction() -> None:
    found = {}
    for document in rendered_backs():
        barcode = document.barcode
        assert set(barcode) == {"iin", "jurisdiction", "version"}
        found[barcode["jurisdiction"]] = document.document_name
        assert document.fields["Issuer Identification Number"]["value"] == barcode["iin"]
    assert found.get("CA") == "USA - California Driving License (2018)"
    assert any(name.startswith("Canada - ") for name in found.values())


def test_only_californias_backs_print_californias_fine_print() -> None:
    ink = {}
    for document in rendered_backs():
        grey = cv2.cvtColor(document.pixels, cv2.COLOR_BGR2GRAY)
        h = grey.shape[0]
        band = grey[int(0.04 * h) : int(0.14 * h)]  # the two lines of fine print
        ink.setdefault(document.barcode["jurisdiction"] == "CA", []).append(
            float((band < 120).mean())
        )
    assert min(ink[True]) > 0.01 and max(ink[False]) < 0.001, ink


# ---------------------------------------------------------------- the fronts


def front_row(template_id: str, tmp_path) -> dict:
    ids = [t.id for t in load_templates().values() if t.kind == "dl_front"]
    plan = Plan(n=1, seed=4, kinds=("dl_front",), defects=())
    row = make_sample(plan, ids.index(template_id), tmp_path)
    assert row["template"] == template_id
    return row


def test_texas_front_prints_numbered_prefixes(tmp_path) -> None:
    template = load_templates()["us_tx_dl_front"]
    printed = {h["text"] for h in template.header}
    for label in ("4d DLN", "3 DOB", "4b EXP", "4a ISS", "1", "2", "8", "9 CLASS", "9a END"):
        assert label in printed
    assert {"12 RSTR", "15 SEX", "16 HGT", "17 WGT", "18 EYES", "5 DD"} <= printed
    row = front_row("us_tx_dl_front", tmp_path)
    fields = row["fields"]
    assert row["document_name"] == "USA - Texas Driving License"
    assert re.fullmatch(r"\d{8}", fields["Document Number"]["value"])
    assert re.fullmatch(r"\d{20}", fields["Document Discriminator"]["value"])
    for name in ("Date of Birth", "Date of Issue", "Date of Expiry"):
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", fields[name]["original_value"])
        assert dt.date.fromisoformat(fields[name]["value"])
    assert fields["Sex"]["value"] in ("M", "F") and fields["DL Class"]["value"] == "C"
    assert {"Surname", "Given Names", "Address", "Height", "Eyes Color"} <= set(row["boxes"])


def test_german_front_prints_eu_numbered_fields(tmp_path) -> None:
    template = load_templates()["de_dl_front"]
    printed = {h["text"] for h in template.header}
    assert {"1.", "2.", "3.", "4a.", "4b.", "4c.", "5.", "9."} <= printed
    row = front_row("de_dl_front", tmp_path)
    fields = row["fields"]
    assert row["document_name"] == "Germany - Driving License (2013)"
    birth = fields["Date of Birth"]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", birth["original_value"])
    day = dt.date.fromisoformat(birth["value"])
    assert birth["original_value"] == f"{day:%d.%m.%Y}"
    assert fields["Place of Birth"]["value"] in template.places
    assert fields["Authority"]["value"] == f"STADT {fields['Place of Birth']['value']}"
    assert fields["DL Class"]["value"] == "AM/B1/B/L"
    assert re.fullmatch(r"[A-Z]\d\d[A-Z][A-Z0-9]{5}\d\d", fields["Document Number"]["value"])
    issue = dt.date.fromisoformat(fields["Date of Issue"]["value"])
    expiry = dt.date.fromisoformat(fields["Date of Expiry"]["value"])
    assert day < issue < expiry


# ---------------------------------------------------------------- other templates unchanged

# (template, index of the image in a set of seed 1) -> digests computed with the generator
# before licence backs drew jurisdictions: of the truth (identity-derived: the same on any
# machine) and of the flat scan's JPEG, boxes and portrait kind (these depend on the fonts,
# Pillow, FreeType and OpenCV: checked only where those are as they were).
SAMPLES = {
    ("gb_passport_td3", 0): ("3bf41d3c4aec72d6", "316dbf05a2bd6ca4"),
    ("es_dni_front", 3): ("3d35287039bae60c", "8b884ff68683e0f5"),
    ("mx_ine_front", 5): ("26994e49e68bb84d", "08267936c66725ef"),
    ("us_visa_mrva", 2): ("aaa0dfdbf9e8d054", "3ac195cad8ff1a6d"),
    ("es_dni_back_td1", 4): ("65ed74a8379d79c8", "73f33f1b6dbe6235"),
    # truth without a Nationality Code since its MRZ format (FRID) holds none
    ("fr_cni_1988", 1): ("f3a48f9feba558ed", "17a7f6fdffe8d64f"),
    ("us_ca_dl_front", 7): ("9450b537fde75f0e", "473a3bf81250a60c"),
}
RENDERING = "a51cd70da975eb67"  # the environment the image digests were made in


def rendering_environment() -> str:
    families = {f: [p.name for p in fonts.family_files(f)] for f in sorted(fonts.FAMILIES)}
    parts = [np.__version__, cv2.__version__, PIL.__version__, features.version("freetype2")]
    return hashlib.sha256(json.dumps([parts, families]).encode()).hexdigest()[:16]


def sample_digests(template_id: str, index: int) -> tuple[str, str]:
    """make_sample's steps for one template: holder, render, flat scan, JPEG."""
    template = load_templates()[template_id]
    rng = np.random.default_rng([1, index])
    person = identity_for(template, rng)
    if template.personal_number:
        person.personal_number = personal_number(template.personal_number, person, rng)
    document = render(template, person, rng)
    shot = flat_capture(document.pixels)
    jpeg = cv2.imencode(".jpg", shot.pixels, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])[1]
    truth = json.dumps([template_id, document.fields, document.mrz]).encode()
    look = json.dumps([document.boxes, document.portrait, float(rng.random())]).encode()
    return (
        hashlib.sha256(truth).hexdigest()[:16],
        hashlib.sha256(jpeg.tobytes() + look).hexdigest()[:16],
    )


@pytest.mark.parametrize(("template_id", "index"), list(SAMPLES))
def test_other_templates_keep_their_truth(template_id: str, index: int) -> None:
    assert sample_digests(template_id, index)[0] == SAMPLES[template_id, index][0]


@pytest.mark.parametrize(("template_id", "index"), list(SAMPLES))
def test_other_templates_keep_their_images(template_id: str, index: int) -> None:
    if rendering_environment() != RENDERING:
        pytest.skip("fonts, Pillow, FreeType or OpenCV differ from where the digests were made")
    assert sample_digests(template_id, index) == SAMPLES[template_id, index]
