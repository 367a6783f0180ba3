"""The barcode stage in the pipeline: a licence back named by its AAMVA issuer, its fields
read from the PDF417 and checked against the other sources; QR codes never fail a read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

from idreader.barcode.aamva import parse_aamva
from idreader.barcode.decode import Symbol
from idreader.catalogue import catalogue
from idreader.fields.crosscheck import cross_check
from idreader.pipeline import read
from idreader.pipeline.barcodes import OTHER, BarcodeReading, qr_payload, read_barcodes
from idreader.pipeline.classify import UNKNOWN, by_barcode, named
from idreader.pipeline.sides import other_side
from idreader.pipeline.types import ERROR, OK, Deadline, Document, FieldReading
from idreader.synth.aamva import aamva_payload
from idreader.synth.generate import Plan, identity_for, make_sample
from idreader.synth.render import render
from idreader.synth.templates import load_templates

BACK = "us_ca_dl_back_pdf417"


def _payload(iin: str = "636015", jurisdiction: str = "TX") -> str:
    template = load_templates()[BACK]
    person = identity_for(template, np.random.default_rng(7))
    return aamva_payload(person, iin=iin, jurisdiction=jurisdiction, city="AUSTIN",
                         postal_code="787010000")  # fmt: skip


def _spec(entry_id: str):
    return next(s for s in catalogue() if s.id == entry_id)


def test_an_issuer_without_an_entry_is_named_from_the_iin() -> None:
    record = parse_aamva(_payload("636001", "NY"))
    assert not [s for s in catalogue() if s.aamva_iin == "636001"]
    got = by_barcode(record, UNKNOWN)
    assert got.document_name == "USA - New York Driving License"
    assert got.description == "Driving License"


def test_the_issuers_own_entry_wins_and_its_back_first() -> None:
    record = parse_aamva(_payload("636014", "CA"))
    assert by_barcode(record, UNKNOWN).spec.id == "us_ca_dl_2018_back"
    front = named(_spec("us_ca_dl_2018_front"), 0.9)
    assert by_barcode(record, front) is front  # both sides in one image: the text's choice
    passport = named(_spec("us_passport_2021"), 0.9)  # the text misnamed it: the barcode wins
    assert by_barcode(record, passport).spec.id == "us_ca_dl_2018_back"


def test_an_unlisted_issuer_leaves_the_texts_choice() -> None:
    record = parse_aamva(_payload("999999", "ZZ"))
    assert record is not None and record.jurisdiction is None
    front = named(_spec("us_ca_dl_2018_front"), 0.9)
    assert by_barcode(record, front) is front


def test_a_printed_value_that_disagrees_with_the_barcode_is_not_valid() -> None:
    fields = cross_check([
        FieldReading("Date of Birth", "01021990", "1990-01-02", source="barcode"),
        FieldReading("Date of Birth", "01/02/1990", "1990-01-02", OK),
        FieldReading("Surname", "SMITH", "SMITH", source="barcode"),
        FieldReading("Surname", "SMTH", "SMTH", OK),
        FieldReading("Height", "069 in", "69 in", source="barcode"),
        FieldReading("Height", "5'-09\"", "5'-09\"", OK),
    ])  # fmt: skip
    got = {(f.name, f.source): f.validity for f in fields}
    assert got[("Date of Birth", "visual")] == OK
    assert got[("Surname", "visual")] == ERROR and got[("Surname", "barcode")] == ERROR
    assert got[("Height", "visual")] == OK  # written too differently to compare


def test_the_mrz_outranks_the_barcode() -> None:
    fields = cross_check([
        FieldReading("Document Number", "X1234567", "X1234567", OK, source="mrz"),
        FieldReading("Document Number", "X1234568", "X1234568", source="barcode"),
    ])  # fmt: skip
    got = {f.source: f.validity for f in fields}
    assert got == {"mrz": OK, "barcode": ERROR}


def test_elements_without_a_field_are_kept_as_other() -> None:
    payload = _payload().replace("DCF", "ZZQunknown element\nDCF")
    record = parse_aamva(payload)
    other = [f for f in BarcodeReading(aamva=record).fields if f.name == OTHER]
    assert len(other) == 1 and "unknown element" in other[0].value


def test_a_qr_that_cannot_be_read_is_left_out(monkeypatch) -> None:
    def broken(text: str):
        raise RuntimeError("boom")

    monkeypatch.setattr("idreader.pipeline.barcodes.parse_qr", broken)
    symbol = Symbol("qr", "secret", b"secret", np.zeros((4, 2), np.float32))
    assert qr_payload(symbol) is None


def test_a_qr_of_no_public_format_gives_no_fields() -> None:
    code = zxingcpp.create_barcode("https://example.org/x", zxingcpp.BarcodeFormat.QRCode)
    page = np.full((540, 856), 255, np.uint8)
    symbol = np.asarray(code.to_image(scale=6))
    page[100 : 100 + symbol.shape[0], 500 : 500 + symbol.shape[1]] = symbol
    found = read_barcodes(page, None, thorough=False, deadline=Deadline.after(10))
    assert [s.format for s in found.symbols] == ["qr"]
    assert found.qr is None and found.fields == []


@pytest.fixture(scope="module")
def backs(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("backs")
    plan = Plan(n=4, seed=3, kinds=("dl_back_pdf417",), defects=())
    return [make_sample(plan, i, out) | {"path": out} for i in range(plan.n)]


def test_a_licence_back_is_named_and_read_from_its_barcode(backs) -> None:
    for truth in backs:
        data = Path(truth["path"], truth["image"]).read_bytes()
        reading = read(data, "US")
        assert reading.document_name == truth["document_name"]
        got = {f.name: f.value for f in reading.fields if f.source == "barcode"}
        want = {name: v["value"] for name, v in truth["fields"].items()}
        assert {k: got.get(k) for k in want} == want
        assert reading.status.doc_type == OK


def test_a_document_without_barcode_costs_no_search(backs, monkeypatch) -> None:
    calls = []
    original = read_barcodes

    def spy(page, frame, *, thorough, deadline):
        calls.append(thorough)
        return original(page, frame, thorough=thorough, deadline=deadline)

    monkeypatch.setattr("idreader.pipeline.reader.read_barcodes", spy)
    plan = Plan(n=1, seed=3, kinds=("passport_td3",), defects=())
    truth = make_sample(plan, 0, backs[0]["path"])
    read(Path(backs[0]["path"], truth["image"]).read_bytes(), "GB", deadline=None)
    front = make_sample(Plan(n=1, seed=3, kinds=("dl_front",), defects=()), 0, backs[0]["path"])
    read(Path(backs[0]["path"], front["image"]).read_bytes(), "US", deadline=None)
    assert calls == [False, False]  # a licence front carries none: only zxing's quick look


def test_expiry_of_a_licence_comes_from_its_barcode(backs) -> None:
    truth = backs[0]
    data = Path(truth["path"], truth["image"]).read_bytes()
    expiry = dt.date.fromisoformat(truth["fields"]["Date of Expiry"]["value"])
    reading = read(data, "US")
    expected = OK if expiry >= dt.date.today() else ERROR
    assert reading.status.expiry == expected


def test_both_sides_in_one_photo_are_checked_against_each_other() -> None:
    templates = load_templates()
    person = identity_for(templates["us_ca_dl_front"], np.random.default_rng(5))
    front = render(templates["us_ca_dl_front"], person, np.random.default_rng(1))
    back = next(
        b
        for k in range(2, 60)
        if (b := render(templates[BACK], person, np.random.default_rng(k))).barcode["iin"]
        == "636014"
    )
    h, w = front.pixels.shape[:2]
    photo = np.full((h + 200, 2 * w + 300, 3), 90, np.uint8)
    photo[100 : 100 + h, 100 : 100 + w] = front.pixels
    photo[100 : 100 + h, 200 + w : 200 + 2 * w] = cv2.resize(back.pixels, (w, h))
    reading = read(cv2.imencode(".jpg", photo)[1].tobytes(), "US")
    assert reading.document_name == "USA - California Driving License (2018)"
    got = {(f.name, f.source): f for f in reading.fields}
    birth = person.birth_date.isoformat()
    assert got[("Date of Birth", "barcode")].value == birth
    assert got[("Date of Birth", "visual")].value == birth  # read on the front
    assert got[("Date of Birth", "visual")].validity == OK


def test_the_other_card_must_be_a_front_of_the_same_issuer() -> None:
    templates = load_templates()
    person = identity_for(templates["us_tx_dl_front"], np.random.default_rng(5))
    card = render(templates["us_tx_dl_front"], person, np.random.default_rng(1)).pixels
    h, w = card.shape[:2]
    photo = np.full((h + 200, 2 * w + 300, 3), 90, np.uint8)
    photo[100 : 100 + h, 100 : 100 + w] = card
    x0, x1 = 200 + w, 200 + 2 * w  # where the back would be: an empty table
    first = Document(np.float32([[x0, 100], [x1, 100], [x1, 100 + h], [x0, 100 + h]]),
                     photo[100 : 100 + h, x0:x1], True)  # fmt: skip
    today = dt.date(2026, 12, 2)
    assert other_side(photo, first, "636014", "US", today) == []  # California's back
    texas = {f.name: f.value for f in other_side(photo, first, "636015", "US", today)}
    assert texas["Date of Birth"] == person.birth_date.isoformat()
