"""AAMVA DL/ID PDF417 payloads: header and subfile layout (tolerant of sloppy cards), element
meanings across versions 01-10, value normalisation, and the IIN list."""

from __future__ import annotations

import csv
import datetime as dt
import random
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
import yaml
import zxingcpp

from idreader.barcode.aamva import (
    AamvaRecord,
    document_description,
    document_name,
    jurisdiction_for_iin,
    parse_aamva,
)
from idreader.pipeline.types import ERROR, NOT_DONE
from idreader.synth.aamva import aamva_payload
from idreader.synth.identity import Identity, make_identity
from idreader.synth.render import barcode_truth

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "spec"
LEAD = "@\n\x1e\r"

Elements = list[tuple[str, str]]


def payload(
    iin: str,
    version: int,
    subfiles: list[tuple[str, Elements]],
    *,
    jurisdiction_version: int = 0,
    sep: str = "\n",
    shift: int = 0,
) -> str:
    """A well-formed payload (offsets moved by ``shift`` to make them wrong)."""
    bodies = [kind + sep.join(e + v for e, v in elements) + "\r" for kind, elements in subfiles]
    head = f"{LEAD}ANSI {iin}{version:02d}"
    head += f"{jurisdiction_version:02d}" if version >= 2 else ""
    head += f"{len(bodies):02d}"
    offset, designators = len(head) + 10 * len(bodies), ""
    for (kind, _), body in zip(subfiles, bodies, strict=True):
        designators += f"{kind}{offset + shift:04d}{len(body):04d}"
        offset += len(body)
    return head + designators + "".join(bodies)


def read(text: str) -> AamvaRecord:
    record = parse_aamva(text)
    assert record is not None
    return record


def values(record: AamvaRecord) -> dict[str, str]:
    return {f.name: f.value for f in record.fields}


def originals(record: AamvaRecord) -> dict[str, str]:
    return {f.name: f.original_value for f in record.fields}


V1: Elements = [
    ("DAQ", "T64235789"),
    ("DAA", "PUBLIC,JOHN,QUINCY,JR"),
    ("DAG", "PO BOX 12"),
    ("DAI", "RICHMOND"),
    ("DAJ", "VA"),
    ("DAK", "232190000"),
    ("DAL", "123 MAIN ST"),
    ("DAM", "APT 4"),
    ("DAN", "RICHMOND"),
    ("DAO", "VA"),
    ("DAP", "232201234"),
    ("DAR", "C"),
    ("DAS", "B"),
    ("DAT", "M"),
    ("DBA", "20300115"),
    ("DBB", "19700115"),
    ("DBC", "M"),
    ("DBD", "20220110"),
    ("DAU", "510"),
    ("DAV", "178"),
    ("DBH", "Y"),
    ("DBK", "123456789"),
    ("PAA", "M"),
    ("PAB", "20240101"),
]

V8: Elements = [
    ("DCA", "D"),
    ("DCB", "B"),
    ("DCD", "NONE"),
    ("DBA", "08312030"),
    ("DCS", "O'BRIEN"),
    ("DAC", "MARY"),
    ("DAD", "ANNE,LOUISE"),
    ("DBD", "08312022"),
    ("DBB", "02291992"),
    ("DBC", "2"),
    ("DAY", "blu"),
    ("DAU", "064 in"),
    ("DAG", "77 MASSACHUSETTS AVE"),
    ("DAH", "UNIT 5"),
    ("DAI", "ALBANY"),
    ("DAJ", "NY"),
    ("DAK", "122070000  "),
    ("DAQ", "123456789"),
    ("DCF", "ABC1234567"),
    ("DCG", "USA"),
    ("DDE", "N"),
    ("DDF", "N"),
    ("DDG", "T"),
    ("DAZ", "BRO"),
    ("DAW", "130"),
    ("DCE", "2"),
    ("DCL", "W"),
    ("DCI", "BUFFALO NY"),
    ("DCJ", "OP0123456789"),
    ("DCK", "ICN000123"),
    ("DDA", "F"),
    ("DDB", "10302017"),
    ("DDC", "09012026"),
    ("DDD", "1"),
    ("DDH", "02282010"),
    ("DDI", "02282011"),
    ("DDJ", "02282013"),
    ("DDK", "1"),
    ("DDL", "0"),
    ("DCM", "D"),
    ("DCP", "PASSENGER VEHICLES"),
]


# ---------------------------------------------------------------- generator round trip


@pytest.mark.parametrize("seed", range(6))
def test_generator_payload_round_trips(seed: int) -> None:
    person = make_identity(
        np.random.default_rng(seed),
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
    assert (record.iin, record.version, record.jurisdiction_version) == ("636014", 10, 1)
    assert record.jurisdiction is not None and record.jurisdiction.code == "CA"
    assert record.document_type == "DL" and list(record.subfiles) == ["DL"]
    for name, truth in barcode_truth(person).items():
        reading = record.field(name)
        assert reading is not None, name
        assert (reading.original_value, reading.value) == (truth["original_value"], truth["value"])
        assert reading.source == "barcode" and reading.validity == NOT_DONE
    got = values(record)
    given = person.given_names.upper().split()
    assert got["First Name"] == given[0]
    assert got.get("Middle Name") == (" ".join(given[1:]) or None)  # DAD NONE: no middle
    assert got["Surname and Given Names"] == f"{person.surname.upper()} {' '.join(given)}"
    assert got["DL Class"] == "C" and got["Eyes Color"] == "BRO" and got["Height"] == "69 in"
    assert got["Address Street"] == person.address.upper()
    assert (got["Address City"], got["Address Jurisdiction Code"]) == ("SACRAMENTO", "CA")
    assert got["Address Postal Code"] == "95823"
    assert got["Address"] == f"{person.address.upper()}, SACRAMENTO, CA 95823"
    assert got["Issuing State Code"] == "USA" and got["Compliance Type"] == "F"
    assert got["Donor"] == "Y" and got["Issuer Identification Number"] == "636014"
    assert got["Document Discriminator"].endswith("FD")
    assert record.extra == {}


def test_zxing_decoded_text_parses_like_the_payload() -> None:
    """zxing-cpp prints the payload's control characters as <LF>, <RS>, <CR>."""
    text = payload("636001", 8, [("DL", V8), ("ZN", [("ZNA", "1")])])
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.PDF417)
    [result] = zxingcpp.read_barcodes(np.asarray(symbol.to_image(scale=3)))
    assert "<LF>" in result.text
    assert values(read(result.text)) == values(read(text))
    assert read(result.text).extra == read(text).extra


# ---------------------------------------------------------------- versions


def test_version_1_full_name_ccyymmdd_dates_and_legacy_elements() -> None:
    record = read(payload("636000", 1, [("DL", V1)]))
    assert (record.version, record.jurisdiction_version) == (1, None)
    got, raw = values(record), originals(record)
    assert (got["Surname"], got["First Name"], got["Middle Name"]) == ("PUBLIC", "JOHN", "QUINCY")
    assert got["Name Suffix"] == "JR" and got["Given Names"] == "JOHN QUINCY"
    assert got["Surname and Given Names"] == "PUBLIC JOHN QUINCY JR"
    assert raw["Surname and Given Names"] == "PUBLIC,JOHN,QUINCY,JR"
    assert (got["Date of Birth"], raw["Date of Birth"]) == ("1970-01-15", "19700115")
    assert (got["Date of Expiry"], got["Date of Issue"]) == ("2030-01-15", "2022-01-10")
    assert (got["DL Class"], got["DL Restriction Code"], got["DL Endorsed"]) == ("C", "B", "M")
    assert (got["Permit DL Class"], got["Permit Date of Expiry"]) == ("M", "2024-01-01")
    assert got["Height"] == "70 in" and raw["Height"] == "510"  # 5 ft 10 in
    assert record.extra["DAV"] == "178"  # a second height is kept, not dropped
    assert (
        got["Sex"] == "M" and got["Donor"] == "Y" and got["Social Security Number"] == "123456789"
    )
    # 2000 standard: DAG-DAK the mailing address, DAL-DAP the residence
    assert got["Mailing Address Street"] == "PO BOX 12"
    assert got["Mailing Address Postal Code"] == "23219"
    assert (got["Address Street"], got["Address Postal Code"]) == ("123 MAIN ST", "23220-1234")
    assert got["Address"] == "123 MAIN ST, APT 4, RICHMOND, VA 23220-1234"
    assert record.extra["DAM"] == "APT 4"
    assert got["Issuing State Code"] == "USA" and got["Issuing State Name"] == "United States"


def test_version_1_space_separated_name_and_us_dates() -> None:
    elements = [("DAQ", "1234"), ("DAA", "DOE JANE ANN MARIE"), ("DBB", "07041976")]
    got = values(read(payload("636025", 1, [("DL", elements)])))
    assert (got["Surname"], got["First Name"], got["Middle Name"]) == ("DOE", "JANE", "ANN MARIE")
    assert "Name Suffix" not in got
    assert got["Date of Birth"] == "1976-07-04"  # not CCYYMMDD: the other reading is taken


def test_version_1_without_jurisdiction_version_is_read_either_way() -> None:
    """Some version 01 cards write a jurisdiction version anyway; some later ones omit it."""
    v1 = payload("636000", 1, [("DL", V1)]).replace("ANSI 6360000101", "ANSI 636000010001")
    assert values(read(v1))["Document Number"] == "T64235789"
    v8 = payload("636001", 8, [("DL", V8)]).replace("ANSI 6360010800", "ANSI 63600108")
    record = read(v8)
    assert record.jurisdiction_version is None and values(record)["Surname"] == "O'BRIEN"


@pytest.mark.parametrize(
    ("given", "first", "middle"),
    [
        ("JOHN,PAUL", "JOHN", "PAUL"),
        ("JOHN PAUL GEORGE", "JOHN", "PAUL GEORGE"),
        ("JOHN", "JOHN", None),
    ],
)
def test_version_3_given_names(given: str, first: str, middle: str | None) -> None:
    elements = [
        ("DCA", "C"),
        ("DCS", "SMITH"),
        ("DCT", given),
        ("DCU", "III"),
        ("DBB", "12311985"),
        ("DCH", "NONE"),
        ("DAQ", "12345678"),
    ]
    record = read(payload("636015", 3, [("DL", elements)]))
    got = values(record)
    assert (got["First Name"], got.get("Middle Name")) == (first, middle)
    assert got["Given Names"] == " ".join(filter(None, [first, middle]))
    assert got["Surname and Given Names"] == f"SMITH {got['Given Names']}"
    assert got["Name Suffix"] == "III" and got["Commercial Vehicle Codes"] == "NONE"
    assert got["Date of Birth"] == "1985-12-31" and record.jurisdiction.name == "Texas"


def test_version_8_elements() -> None:
    record = read(payload("636001", 8, [("DL", V8)], jurisdiction_version=3))
    assert (record.version, record.jurisdiction_version) == (8, 3)
    got = values(record)
    assert got["Middle Name"] == "ANNE LOUISE" and got["Given Names"] == "MARY ANNE LOUISE"
    assert got["Date of Birth"] == "1992-02-29" and got["Sex"] == "F"
    assert (got["Eyes Color"], got["Hair Color"], got["Height"]) == ("BLU", "BRO", "64 in")
    assert got["Weight Pounds"] == "130 lb" and got["Race Ethnicity"] == "W"
    assert got["Address Postal Code"] == "12207"
    assert got["Address"] == "77 MASSACHUSETTS AVE, UNIT 5, ALBANY, NY 12207"
    assert got["Middle Name Truncation"] == "T" and got["Family Name Truncation"] == "N"
    assert (got["Place of Birth"], got["Audit Information"]) == ("BUFFALO NY", "OP0123456789")
    assert got["Inventory Number"] == "ICN000123" and got["Revision Date"] == "2017-10-30"
    assert got["Endorsement Expiration Date"] == "2026-09-01"
    assert got["Limited Duration Document Indicator"] == "Y"
    assert (got["DL under 18 Date"], got["DL under 21 Date"]) == ("2010-02-28", "2013-02-28")
    assert got["Donor"] == "Y" and got["Veteran"] == "N"
    assert (
        got["Jurisdiction Vehicle Class"] == "PASSENGER VEHICLES" and got["DL Endorsed"] == "NONE"
    )
    # known elements without a field of their own are kept, unknown or not
    assert record.extra == {"DAH": "UNIT 5", "DCE": "2", "DCM": "D"}


def test_canadian_payload_reads_ccyymmdd_dates_and_metric_values() -> None:
    elements = [
        ("DCA", "G"),
        ("DCS", "TREMBLAY"),
        ("DAC", "LOUIS"),
        ("DAD", "unavl"),
        ("DBA", "20290412"),
        ("DBB", "19880412"),
        ("DBD", "20240412"),
        ("DBC", "1"),
        ("DAU", "175 cm"),
        ("DAX", "072"),
        ("DAG", "10 KING ST W"),
        ("DAI", "TORONTO"),
        ("DAJ", "ON"),
        ("DAK", "M5V3L9"),
        ("DAQ", "T7654-32109-80412"),
        ("DCG", "CAN"),
    ]
    record = read(payload("636012", 5, [("DL", elements)]))
    got = values(record)
    assert (got["Date of Birth"], got["Date of Expiry"]) == ("1988-04-12", "2029-04-12")
    assert got["Height"] == "175 cm" and got["Weight"] == "72 kg"
    assert got["Address Postal Code"] == "M5V 3L9" and "Middle Name" not in got
    assert got["Given Names"] == "LOUIS" and got["Issuing State Name"] == "Canada"
    assert document_name(record.jurisdiction, "DL") == "Canada - Ontario Driving License"
    quebec = read(payload("604428", 9, [("DL", [("DBB", "19991231"), ("DAQ", "X")])]))
    assert quebec.jurisdiction.name == "Quebec" and values(quebec)["Date of Birth"] == "1999-12-31"


def test_id_card_subfile() -> None:
    elements = [("DAQ", "S123456789012"), ("DCS", "GARCIA"), ("DAC", "ANA"), ("DBB", "03151990")]
    record = read(payload("636010", 9, [("ID", elements)]))
    assert record.document_type == "ID" and values(record)["Surname"] == "GARCIA"
    assert document_name(record.jurisdiction, record.document_type) == "USA - Florida Id Card"
    assert document_description("ID") == "Identity Card"
    assert document_description("DL") == "Driving License"


def test_jurisdiction_subfile_elements_go_to_extra() -> None:
    zc = [("ZCA", "BRN"), ("ZCB", "CORRECTIVE LENSES"), ("ZCC", "")]
    record = read(payload("636014", 10, [("DL", V8[:12]), ("ZC", zc)]))
    assert list(record.subfiles) == ["DL", "ZC"]
    assert record.subfiles["ZC"].startswith("ZCABRN\n")
    assert record.extra == {"ZCA": "BRN", "ZCB": "CORRECTIVE LENSES"}
    assert values(record)["Surname"] == "O'BRIEN"


def test_unknown_and_repeated_elements_are_kept_in_extra() -> None:
    elements = [("DAQ", "1"), ("DZZ", "odd"), ("DCS", "ROE"), ("DCS", "ROW"), ("DAB", "RAW")]
    record = read(payload("636020", 10, [("DL", elements)]))
    assert values(record)["Surname"] == "ROE"
    assert record.extra == {"DZZ": "odd", "DCS": "ROW", "DAB": "RAW"}


# ---------------------------------------------------------------- sloppy layouts


GOOD = payload("636001", 8, [("DL", V8), ("ZN", [("ZNA", "1"), ("ZNB", "X")])])


def same_reading(text: str) -> None:
    expected = read(GOOD)
    record = read(text)
    assert values(record) == values(expected)
    assert record.extra == expected.extra


@pytest.mark.parametrize("shift", [-5, -1, 3, 12, 400, 9000])
def test_wrong_offsets(shift: int) -> None:
    same_reading(
        payload("636001", 8, [("DL", V8), ("ZN", [("ZNA", "1"), ("ZNB", "X")])], shift=shift)
    )


def test_crlf_separators() -> None:
    same_reading(
        payload("636001", 8, [("DL", V8), ("ZN", [("ZNA", "1"), ("ZNB", "X")])], sep="\r\n")
    )


@pytest.mark.parametrize(
    "text",
    [
        "]L0" + GOOD,  # a scanner's symbology identifier
        "garbage\n\n" + GOOD,
        GOOD[4:],  # compliance indicator and separators missing
        "#\x1d\x1e\r" + GOOD[4:],  # replaced
        "@\n\x1c\r" + GOOD[4:],  # another record separator
        GOOD.replace("ANSI ", "AAMVA"),  # old file type
        GOOD.replace("\n", "\x1d"),  # another element separator (declared in the header)
        GOOD + "\x00\x00 trailing junk",
    ],
)
def test_tolerated_variations(text: str) -> None:
    same_reading(text)


def test_header_without_designators_still_finds_subfiles() -> None:
    for header in ("ANSI 636001080301", "ANSI 636001080", "ANSI 63600108030"):
        got = values(read(f"{LEAD}{header}DLDCSDOE\nDACJOHN\nDAQ99\r"))
        assert (got["Surname"], got["Document Number"]) == ("DOE", "99")


def test_truncated_payload_returns_what_was_read() -> None:
    cut = GOOD[: GOOD.index("DBB")]
    got = values(read(cut))
    assert got["Surname"] == "O'BRIEN" and "Date of Birth" not in got


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "https://example.org/?q=ANSI",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "ANSI 636014",
        "ANSI 6360141001",
    ],
)
def test_not_aamva(text: str) -> None:
    assert parse_aamva(text) is None


def test_mangled_payloads_never_raise() -> None:
    rng = random.Random(7)
    alphabet = "@\n\x1e\r DLIDZC0123456789ANSIDAQDCS,$"
    for _ in range(600):
        chars = list(GOOD)
        for _ in range(rng.randint(1, 12)):
            i = rng.randrange(len(chars))
            action = rng.random()
            if action < 0.4:
                chars[i] = rng.choice(alphabet)
            elif action < 0.7:
                del chars[i]
            else:
                chars.insert(i, rng.choice(alphabet))
        text = "".join(chars)[: rng.randint(0, len(chars))]
        record = parse_aamva(text)
        assert record is None or isinstance(record, AamvaRecord)


# ---------------------------------------------------------------- values


def field_of(element: str, raw: str, iin: str = "636045", version: int = 9) -> tuple[str, str, int]:
    record = read(payload(iin, version, [("DL", [("DAQ", "1"), (element, raw)])]))
    reading = next(f for f in record.fields if f.name not in ("Document Number",))
    return reading.name, reading.value, reading.validity


@pytest.mark.parametrize(
    ("element", "raw", "version", "expected"),
    [
        ("DAU", "069 IN", 9, "69 in"),
        ("DAU", "175 cm", 9, "175 cm"),
        ("DAU", "180CM", 9, "180 cm"),
        ("DAU", "5-09", 9, "69 in"),
        ("DAU", "5'09\"", 9, "69 in"),
        ("DAU", "509", 1, "69 in"),
        ("DAU", "185", 9, "185 cm"),
        ("DAV", "180", 1, "180 cm"),
        ("DAW", "185", 9, "185 lb"),
        ("DAX", "084", 9, "84 kg"),
        ("DBC", "9", 9, "X"),
        ("DBC", "F", 9, "F"),
        ("DDK", "Y", 9, "Y"),
    ],
)
def test_normalised_values(element: str, raw: str, version: int, expected: str) -> None:
    _, value, validity = field_of(element, raw, version=version)
    assert (value, validity) == (expected, NOT_DONE)


@pytest.mark.parametrize(("element", "raw"), [("DBB", "13452020"), ("DBA", "2020"), ("DBC", "7")])
def test_unreadable_dates_and_sex_are_errors(element: str, raw: str) -> None:
    _, value, validity = field_of(element, raw)
    assert (value, validity) == (raw, ERROR)


@pytest.mark.parametrize("raw", ["NONE", "unavl", "UNAVAIL"])
def test_absent_names_are_omitted(raw: str) -> None:
    elements = [("DAQ", "1"), ("DCS", "LEE"), ("DAC", raw), ("DAD", raw)]
    got = values(read(payload("636045", 9, [("DL", elements)])))
    assert not {"First Name", "Middle Name", "Given Names"} & got.keys()
    assert got["Surname and Given Names"] == "LEE"


def test_unknown_issuer_takes_date_order_from_its_country() -> None:
    canadian = [("DAQ", "1"), ("DCG", "CAN"), ("DBB", "01021990")]
    record = read(payload("999999", 9, [("DL", canadian)]))
    assert record.jurisdiction is None
    assert values(record)["Date of Birth"] == "1990-01-02"  # not CCYYMMDD: the other reading
    ambiguous = [("DAQ", "1"), ("DBB", "19900102"), ("DBA", "01022030")]
    got = values(read(payload("999999", 9, [("DL", ambiguous)])))
    assert (got["Date of Birth"], got["Date of Expiry"]) == ("1990-01-02", "2030-01-02")
    assert document_name(None, "DL") == "Driving License"


# ---------------------------------------------------------------- data


def jurisdictions() -> list[dict]:
    text = files("idreader").joinpath("data/aamva_jurisdictions.yaml").read_text("utf-8")
    return yaml.safe_load(text)["jurisdictions"]


# fmt: off
STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC",
]
PROVINCES = ["AB", "BC", "MB", "NB", "NL", "NS", "ON", "PE", "QC", "SK", "NT", "NU", "YT"]
# fmt: on


def test_iins_are_six_digits_and_unique() -> None:
    iins = [row["iin"] for row in jurisdictions()]
    assert all(isinstance(i, str) and len(i) == 6 and i.isdigit() for i in iins)
    assert len(iins) == len(set(iins))


def test_every_state_province_and_territory_is_listed() -> None:
    rows = jurisdictions()
    us = {r["code"] for r in rows if r["country"] == "USA"}
    canada = {r["code"] for r in rows if r["country"] == "CAN"}
    assert set(STATES) <= us and len(STATES) == 51
    assert canada == set(PROVINCES)
    assert {r["country"] for r in rows} <= {"USA", "CAN", "MEX"}


@pytest.mark.parametrize(
    ("iin", "code", "name"),
    [
        ("636014", "CA", "California"),
        ("636001", "NY", "New York"),
        ("636015", "TX", "Texas"),
        ("636010", "FL", "Florida"),
        ("636026", "AZ", "Arizona"),
        ("636012", "ON", "Ontario"),
        ("604428", "QC", "Quebec"),
        ("636028", "BC", "British Columbia"),
        ("604432", "AB", "Alberta"),
        ("636043", "DC", "District of Columbia"),
    ],
)
def test_known_iins(iin: str, code: str, name: str) -> None:
    jurisdiction = jurisdiction_for_iin(iin)
    assert jurisdiction is not None and (jurisdiction.code, jurisdiction.name) == (code, name)
    assert jurisdiction_for_iin("123456") is None


def spec_field_names() -> set[str]:
    path = SPEC / "field-types.tsv"
    if not path.exists():
        pytest.skip("../shared/spec is absent")
    with path.open(encoding="utf-8") as fh:
        return {row[2] for row in csv.reader(fh, delimiter="\t") if len(row) > 2}


def test_element_field_names_are_in_the_vocabulary() -> None:
    names = spec_field_names()
    text = files("idreader").joinpath("data/aamva_elements.yaml").read_text("utf-8")
    used = set()
    for entry in yaml.safe_load(text)["elements"].values():
        for spec in entry if isinstance(entry, list) else [entry]:
            used |= {spec[key] for key in ("name", "of") if key in spec}
    assert used and used <= names, sorted(used - names)


def test_every_field_read_is_in_the_vocabulary() -> None:
    names = spec_field_names()
    texts = [GOOD, payload("636000", 1, [("DL", V1)])]
    read_names = {f.name for text in texts for f in read(text).fields}
    assert read_names <= names, sorted(read_names - names)


def test_identity_fields_match_the_generator_fixture() -> None:
    """A hand-made identity, so a change in the random pools cannot hide a regression."""
    person = Identity(
        "NGUYEN",
        "THI MAI",
        "F",
        dt.date(2001, 11, 9),
        dt.date(2023, 3, 1),
        dt.date(2028, 3, 1),
        "B7654321",
        "0",
        "SACRAMENTO",
        "9 ELM ST",
    )
    text = aamva_payload(person, iin="636014", jurisdiction="CA", city="X", postal_code="95814")
    got = values(read(text))
    assert (got["Date of Birth"], got["Sex"], got["Middle Name"]) == ("2001-11-09", "F", "MAI")
    assert got["Address Postal Code"] == "95814"
