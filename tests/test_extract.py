"""Extract stage: fields from visual-zone text lines by layout, label and MRZ guidance."""

from __future__ import annotations

import datetime as dt

from idreader.catalogue import catalogue
from idreader.pipeline.extract import extract_fields, pattern_within, strip_separators
from idreader.pipeline.reader import frame_is_document
from idreader.pipeline.types import ERROR, OK, FieldReading
from idreader.pipeline.visual import TextItem

TODAY = dt.date(2026, 11, 25)


def spec(entry_id: str):
    return next(s for s in catalogue() if s.id == entry_id)


def item(text: str, x0: float, y0: float, x1: float, y1: float) -> TextItem:
    return TextItem(text, (x0, y0, x1, y1), 0.99)


def by_name(fields: list[FieldReading]) -> dict[str, FieldReading]:
    return {f.name: f for f in fields}


def test_layout_boxes_take_the_value_and_leave_bilingual_labels_out():
    visa = spec("fr_schengen_visa_2012")
    items = [
        item("TYPE DE VISA / TYPE OF VISA", 0.74, 0.22, 0.96, 0.25),
        item("C", 0.745, 0.26, 0.77, 0.30),
        item("NOMBRE D'ENTRÉES / NUMBER OF ENTRIES", 0.25, 0.32, 0.58, 0.35),
        item("MULT", 0.25, 0.36, 0.34, 0.40),
        item("LE /ON", 0.64, 0.42, 0.70, 0.45),
        item("26-05-2025", 0.64, 0.46, 0.82, 0.50),
    ]
    got = by_name(extract_fields(items, visa, "FR", [], TODAY))
    assert got["Visa Type"].value == "C" and got["Visa Type"].validity == OK
    assert got["Number of Entries"].value == "MULT"
    assert got["Date of Issue"].original_value == "26-05-2025"
    assert got["Date of Issue"].value == "2025-05-26"


def test_a_date_keeps_its_own_words_when_a_neighbours_run_into_its_box():
    licence = spec("us_ca_dl_2018_front")
    items = [item("EXP 04/11/2027 04", 0.41, 0.27, 0.82, 0.32)]  # "04": the next line's
    got = by_name(extract_fields(items, licence, "US", [], TODAY))
    assert got["Date of Expiry"].value == "2027-04-11"
    assert got["Date of Expiry"].original_value == "04/11/2027"


def test_a_patterned_number_sheds_a_neighbours_stray_marks():
    """The licence number is a letter and seven digits: "J2008694 J2" holds it once two
    characters are cut; "XXJ2008694YY" would need four cuts, so it stays as read, invalid."""
    licence = spec("us_ca_dl_2018_front")
    box = (0.40, 0.18, 0.80, 0.23)  # inside the catalogue's Document Number box
    read = {
        text: by_name(extract_fields([item(text, *box)], licence, "US", [], TODAY))
        for text in ("J2008694 J2", "XXJ2008694YY")
    }
    number = read["J2008694 J2"]["Document Number"]
    assert (number.value, number.original_value, number.validity) == ("J2008694", "J2008694", OK)
    assert read["XXJ2008694YY"]["Document Number"].validity == ERROR


def test_a_pattern_found_two_ways_within_a_reading_chooses_neither():
    assert pattern_within(r"^\d{6}$", "1234567") is None  # "123456" or "234567"
    assert pattern_within(r"^\d{6}$", "123456 A") == "123456"


def test_labels_find_values_on_their_line_below_or_to_the_right():
    items = [
        item("Apellidos / Surname", 0.30, 0.20, 0.50, 0.23),
        item("GARCÍA LÓPEZ", 0.30, 0.24, 0.55, 0.28),
        item("Fecha de nacimiento: 12.03.1985", 0.30, 0.40, 0.70, 0.44),
        item("Sexo", 0.30, 0.50, 0.36, 0.53),
        item("F", 0.40, 0.50, 0.42, 0.53),
        item(": 3171015010767534", 0.30, 0.60, 0.60, 0.64),
    ]
    got = by_name(extract_fields(items, None, "ES", [], TODAY))
    assert got["Surname"].value == "GARCÍA LÓPEZ" and got["Surname"].source == "visual"
    assert got["Date of Birth"].value == "1985-03-12" and got["Date of Birth"].validity == OK
    assert got["Sex"].value == "F"
    assert "Personal Number" not in got  # a value without a label names no field


def test_mrz_values_are_found_in_print_without_labels():
    mrz = [
        FieldReading("Surname", "MARTINEZ", "MARTINEZ", 2, "mrz"),
        FieldReading("Date of Birth", "850312", "1985-03-12", OK, "mrz"),
        FieldReading("Document Number", "X1234567", "X1234567", OK, "mrz"),
    ]
    items = [
        item("MARTÍNEZ", 0.3, 0.2, 0.5, 0.25),
        item("12 MAR 1985", 0.3, 0.3, 0.5, 0.35),
        item("MARTINEZ GOMEZ", 0.3, 0.4, 0.5, 0.45),
    ]
    got = by_name(extract_fields(items, None, None, mrz, TODAY))
    assert got["Surname"].original_value == "MARTÍNEZ"
    assert got["Date of Birth"].original_value == "12 MAR 1985"
    assert "Document Number" not in got  # not printed: not invented


def test_invalid_formats_are_flagged():
    ine = spec("mx_ine_2019_front")
    items = [
        item("CURP", 0.29, 0.69, 0.35, 0.72),
        item("GOHA850312HDFNRN0", 0.29, 0.73, 0.60, 0.77),  # one character short
        item("FECHA DE NACIMIENTO", 0.29, 0.81, 0.50, 0.84),
        item("31/02/1985", 0.29, 0.85, 0.45, 0.89),  # no 31 February
    ]
    got = by_name(extract_fields(items, ine, "MX", [], TODAY))
    assert got["Personal Number"].validity == ERROR
    assert got["Date of Birth"].validity == ERROR


def test_separators_between_label_and_value_go():
    assert strip_separators(": 401 JL. PEMUDA") == "401 JL. PEMUDA"
    assert strip_separators("/ TYPE OF VISA") == "TYPE OF VISA"
    assert strip_separators("A/B") == "A/B"


def test_readings_that_cannot_be_of_their_field_are_dropped():
    ine = spec("mx_ine_2019_front")
    items = [
        item("FECHA DE NACIMIENTO", 0.29, 0.81, 0.50, 0.84),
        item("M", 0.29, 0.85, 0.31, 0.89),  # a stray letter where the date should be
        item("SEXO", 0.86, 0.18, 0.95, 0.21),
        item("1985", 0.86, 0.22, 0.95, 0.26),  # a year is no sex
    ]
    got = by_name(extract_fields(items, ine, "MX", [], TODAY))
    assert "Date of Birth" not in got and "Sex" not in got


def test_layouts_apply_only_when_the_page_is_the_document():
    ine = spec("mx_ine_2019_front")
    items = [item("PROVINSI DKI JAKARTA", 0.30, 0.20, 0.60, 0.25)]  # where INE's name stands
    assert by_name(extract_fields(items, ine, "MX", [], TODAY))["Surname"]
    assert "Surname" not in by_name(extract_fields(items, ine, "MX", [], TODAY, layout=False))


def test_a_tight_scan_has_a_documents_proportions():
    assert frame_is_document((631, 1000, 3)) and frame_is_document((705, 1000))
    assert frame_is_document((1000, 631))  # upright or not
    assert not frame_is_document((989, 1266)) and not frame_is_document((3000, 4000))


def test_a_place_and_its_date_under_one_label_are_two_fields():
    items = [
        item("Tempat/Tgl Lahir", 0.16, 0.44, 0.29, 0.47),
        item(": MALANG, 11-06-1969", 0.32, 0.44, 0.61, 0.47),
    ]
    got = by_name(extract_fields(items, None, "ID", [], TODAY))
    assert got["Place of Birth"].value == "MALANG"
    assert got["Date of Birth"].value == "1969-06-11"


def test_a_field_that_prints_more_gives_its_part_as_value():
    cnh = next(s for s in catalogue() if s.id.startswith("br_") and any(
        f.part for f in s.fields))  # fmt: skip
    field = next(f for f in cnh.fields if f.part)
    x0, y0, _, y1 = field.box
    items = [item("13100624 SSP SP", x0 + 0.01, y0 + 0.04, x0 + 0.3, y1 - 0.01)]
    got = by_name(extract_fields(items, cnh, "BR", [], TODAY))[field.name]
    assert got.value == "13100624" and got.original_value == "13100624 SSP SP"
