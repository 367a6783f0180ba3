"""Public QR payload formats on national IDs, built here from made-up people."""

from __future__ import annotations

import csv
import gzip
import json
import random
import zlib
from pathlib import Path

import pytest

from idreader.barcode.qr import (
    AADHAAR_SECURE,
    AADHAAR_XML,
    PHILSYS,
    QrPayload,
    parse_aadhaar_secure,
    parse_aadhaar_xml,
    parse_philsys,
    parse_qr,
)

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "spec"

# A made-up resident: no real person's data.
PERSON = {
    "reference": "678920190305150137123",  # last 4 digits of the number, then a timestamp
    "name": "Meera Test Kumari",
    "dob": "07-05-1987",
    "gender": "F",
    "care_of": "D/O: Ravi Kumar",
    "district": "Pune",
    "landmark": "Near Water Tank",
    "house": "12-B",
    "location": "Sector 4",
    "pin": "411001",
    "post_office": "Pune",
    "state": "Maharashtra",
    "street": "Station Road",
    "sub_district": "Haveli",
    "vtc": "Pune",
}
ORDER = (
    "reference", "name", "dob", "gender", "care_of", "district", "landmark", "house",
    "location", "pin", "post_office", "state", "street", "sub_district", "vtc",
)  # fmt: skip
PHOTO = b"\xff\x4f\xff\x51" + bytes(range(256)) * 3  # a JPEG 2000 start; holds 255 bytes too
SIGNATURE = bytes(range(256))


def secure_qr(
    person: dict[str, str],
    *,
    version: bytes | None = b"V2",
    indicator: bytes = b"3",
    photo: bytes = PHOTO,
    compress=gzip.compress,
) -> str:
    """A Secure QR's decimal text: fields joined by byte 255, gzip, big-endian integer."""
    parts = [] if version is None else [version]
    parts += [indicator, *(person[key].encode("iso-8859-1") for key in ORDER)]
    if version is not None:
        parts.append(b"4321")  # last 4 digits of the mobile number
    tail = photo
    if version is None:  # the 2019 layout: email and mobile hashes after the photo
        tail += bytes(32) * 2
    data = b"\xff".join(parts) + b"\xff" + tail + SIGNATURE
    return decimal(int.from_bytes(compress(data), "big"))


def decimal(number: int) -> str:
    """``str(number)`` without Python's 4300-digit limit."""
    chunks = []
    while number >= 10**1000:
        number, low = divmod(number, 10**1000)
        chunks.append(f"{low:01000d}")
    return str(number) + "".join(reversed(chunks))


def values(payload: QrPayload | None) -> dict[str, str]:
    assert payload is not None
    assert all(f.source == "barcode" for f in payload.fields)
    names = [f.name for f in payload.fields]
    assert len(names) == len(set(names))
    return {f.name: f.value for f in payload.fields}


def originals(payload: QrPayload) -> dict[str, str]:
    return {f.name: f.original_value for f in payload.fields}


EXPECTED_AADHAAR = {
    "Reference Number": "678920190305150137123",
    "Surname and Given Names": "Meera Test Kumari",
    "Date of Birth": "1987-05-07",
    "Sex": "F",
    "Address": "D/O: Ravi Kumar, 12-B, Station Road, Near Water Tank, Sector 4, Pune, Haveli, "
    "Maharashtra, 411001",
    "Address House": "12-B",
    "Address Street": "Station Road",
    "Address Location": "Sector 4",
    "Address City": "Pune",
    "Address State": "Maharashtra",
    "Address Postal Code": "411001",
}


@pytest.mark.parametrize("version", [b"V2", b"V3", b"V4"])
def test_aadhaar_secure_versioned(version: bytes) -> None:
    payload = parse_qr(secure_qr(PERSON, version=version))
    assert payload is not None and payload.format == AADHAAR_SECURE
    assert values(payload) == EXPECTED_AADHAAR
    assert originals(payload)["Date of Birth"] == "07-05-1987"


def test_aadhaar_secure_2019_layout() -> None:
    """No version field; the email and mobile hashes sit between photo and signature."""
    payload = parse_aadhaar_secure(secure_qr(PERSON, version=None, indicator=b"0"))
    assert values(payload) == EXPECTED_AADHAAR


def test_aadhaar_secure_zlib_stream_and_transgender() -> None:
    person = dict(PERSON, gender="T", landmark="", street="")
    payload = parse_qr(secure_qr(person, compress=zlib.compress))
    found = values(payload)
    assert found["Sex"] == "X" and originals(payload)["Sex"] == "T"
    assert "Address Street" not in found
    assert found["Address"] == (
        "D/O: Ravi Kumar, 12-B, Sector 4, Pune, Haveli, Maharashtra, 411001"
    )


def test_aadhaar_secure_longer_than_python_int_limit() -> None:
    """A real Secure QR with its photo runs to some 5000 digits; int() stops at 4300."""
    photo = random.Random(5).randbytes(2200)  # incompressible, like a JPEG 2000 photo
    text = secure_qr(PERSON, photo=photo)
    assert len(text) > 4300
    assert values(parse_qr(text))["Surname and Given Names"] == "Meera Test Kumari"


def test_aadhaar_secure_rejects_other_numbers() -> None:
    assert parse_qr("123456789012") is None  # an Aadhaar number alone
    assert parse_qr(str(int.from_bytes(gzip.compress(b"hello world"), "big"))) is None
    bad_indicator = secure_qr(PERSON, indicator=b"9")
    assert parse_qr(bad_indicator) is None
    truncated = gzip.compress(b"\xff".join([b"V2", b"3", b"6789"]))
    assert parse_qr(str(int.from_bytes(truncated, "big"))) is None
    assert parse_qr(secure_qr(PERSON)[:-40]) is None  # a damaged stream


XML = (
    '<?xml version="1.0" encoding="UTF-8"?> <PrintLetterBarcodeData uid="234567890124" '
    'name="Meera Test Kumari" gender="F" yob="1987" co="D/O: Ravi Kumar" house="12-B" '
    'street="Station Road" lm="Near Water Tank" loc="Sector 4" vtc="Pune" po="Pune" '
    'dist="Pune" subdist="Haveli" state="Maharashtra" pc="411001" dob="07/05/1987"/>'
)


def test_aadhaar_xml() -> None:
    payload = parse_qr(XML)
    assert payload is not None and payload.format == AADHAAR_XML
    expected = {k: v for k, v in EXPECTED_AADHAAR.items() if k != "Reference Number"}
    assert values(payload) == {"Personal Number": "234567890124", **expected}


def test_aadhaar_xml_year_only_and_sloppy_prolog() -> None:
    text = (
        '</?xml version="1.0" encoding="UTF-8"?><PrintLetterBarcodeData uid="234567890124" '
        'name="Meera Test Kumari" gender="FEMALE" yob="1987" pc="411001" state="Maharashtra">'
    )
    found = values(parse_aadhaar_xml(text))
    assert found["Year of Birth"] == "1987" and "Date of Birth" not in found
    assert found["Sex"] == "F" and found["Address Postal Code"] == "411001"


@pytest.mark.parametrize(
    "text",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><PrintLetterBarcodeData uid="234567890124" name="&a;"/>',
        '<?xml version="1.0"?><!ENTITY x SYSTEM "file:///etc/passwd">'
        '<PrintLetterBarcodeData name="&x;"/>',
        '<PrintLetterBarcodeData name="&undefined;"/>',
        '<PrintLetterBarcodeData name="unterminated/>',
        "<PrintLetterBarcodeData/>",
    ],
)
def test_aadhaar_xml_refused(text: str) -> None:
    assert parse_qr(text) is None


PHILID = {
    "DateIssued": "2023/01/15",
    "Issuer": "PSA",
    "subject": {
        "Suffix": "JR",
        "lName": "DELA TEST",
        "fName": "JUAN  CARLO",
        "mName": "SANTOS",
        "sex": "Male",
        "BF": "[1,2]",
        "DOB": "1990/01/31",
        "POB": "CITY OF MANILA,NCR",
        "PCN": "1234-5678-9012-3456",
    },
    "alg": "EDDSA",
    "signature": "c2lnbmF0dXJl",
}
EPHILID = {
    "d": "January 15, 2023",
    "i": "PSA",
    "img": "aW1hZ2U=",
    "sb": {
        "BF": "[1,2]",
        "DOB": "January 31, 1990",
        "PCN": "1234567890123456",
        "POB": "CITY OF MANILA,NCR",
        "fn": "JUAN CARLO",
        "ln": "DELA TEST",
        "mn": "SANTOS",
        "s": "Female",
        "sf": "",
    },
}


def test_philsys_card() -> None:
    payload = parse_qr(json.dumps(PHILID))
    assert payload is not None and payload.format == PHILSYS
    assert values(payload) == {
        "Surname": "DELA TEST",
        "Given Names": "JUAN CARLO",
        "Middle Name": "SANTOS",
        "Name Suffix": "JR",
        "Place of Birth": "CITY OF MANILA,NCR",
        "Document Number": "1234567890123456",
        "Sex": "M",
        "Date of Birth": "1990-01-31",
        "Date of Issue": "2023-01-15",
        "Authority": "PSA",
    }
    assert originals(payload)["Document Number"] == "1234-5678-9012-3456"


def test_ephilid() -> None:
    found = values(parse_philsys(json.dumps(EPHILID)))
    assert found["Date of Birth"] == "1990-01-31"
    assert found["Date of Issue"] == "2023-01-15"
    assert found["Sex"] == "F" and found["Document Number"] == "1234567890123456"
    assert "Name Suffix" not in found


def test_philsys_unreadable_date_kept_as_printed() -> None:
    card = json.loads(json.dumps(PHILID))
    card["subject"]["DOB"] = "sometime"
    assert values(parse_qr(json.dumps(card)))["Date of Birth"] == "sometime"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "https://example.com/verify?id=1",
        "{}",
        "[1, 2, 3]",
        '{"subject": 5}',
        '{"subject": {"lName": "X"}}',  # no card number
        '{"sb": {"PCN": 1234}}',  # not a string
        '{"subject": {"PCN": "1"',  # cut short
        "[" * 100_000,
        '{"a": ' + "9" * 5000 + "}",
        "0",
        "9" * 7000,
        "١٢٣",  # Arabic-Indic digits
        "\x00\xff\ufffd",
        "<PrintLetterBarcodeData",
    ],
)
def test_garbage_gives_none(text: str) -> None:
    assert parse_qr(text) is None


@pytest.mark.parametrize(
    "parse", [parse_qr, parse_aadhaar_secure, parse_aadhaar_xml, parse_philsys]
)
def test_not_text_gives_none(parse) -> None:
    assert parse(None) is None
    assert parse(b"123") is None
    assert parse(12345) is None


def test_field_names_are_in_the_vocabulary() -> None:
    path = SPEC / "field-types.tsv"
    if not path.exists():
        pytest.skip("../shared/spec is absent")
    with path.open(encoding="utf-8") as fh:
        known = {row[2] for row in csv.reader(fh, delimiter="\t") if len(row) > 2}
    payloads = [
        parse_qr(secure_qr(PERSON)),
        parse_qr(XML),
        parse_qr(XML.replace(' dob="07/05/1987"', "")),
        parse_qr(json.dumps(PHILID)),
        parse_qr(json.dumps(EPHILID)),
    ]
    used = {f.name for p in payloads if p for f in p.fields}
    assert "Year of Birth" in used and "Name Suffix" in used
    assert used <= known, used - known
