"""The Texas and German driving-licence fronts: their catalogue entries match the synthetic
look-alikes (us_tx_dl_front.yaml, de_dl_front.yaml), and a flat scan of each is named and its
main fields read end to end."""

from __future__ import annotations

import pytest

from idreader.barcode.aamva import document_name, jurisdiction_for_iin
from idreader.catalogue import DocumentSpec, catalogue
from idreader.pipeline import read
from idreader.pipeline.extract import BOX_MARGIN
from idreader.synth.generate import Plan, choose_templates, make_sample
from idreader.synth.templates import load_templates

ENTRIES = {"us_tx_dl_front": "us_tx_dl_front", "de_dl_front": "de_dl_2013_front"}  # template: entry
MAIN_FIELDS = ("Surname", "Given Names", "Date of Birth", "Date of Expiry", "Document Number")
SAMPLES = 3  # flat scans per template; each read takes about half a second


def entry(entry_id: str) -> DocumentSpec:
    return next(s for s in catalogue() if s.id == entry_id)


def test_the_entries_name_the_templates_documents():
    texas, germany = entry("us_tx_dl_front"), entry("de_dl_2013_front")
    assert texas.document_name() == load_templates()["us_tx_dl_front"].document_name
    assert texas.document_name() == "USA - Texas Driving License"
    assert germany.document_name() == load_templates()["de_dl_front"].document_name
    assert germany.document_name() == "Germany - Driving License (2013)"
    for spec in (texas, germany):
        assert spec.description == "Driving License" and spec.size == "ID-1"
        assert spec.side == "front" and spec.mrz is None
    assert texas.date_order == "MDY" and germany.date_order == "DMY"


def test_the_texas_entry_carries_the_issuer_number_of_texas():
    iin = entry("us_tx_dl_front").aamva_iin
    texas = jurisdiction_for_iin(iin or "")
    assert iin == "636015" and texas is not None and texas.code == "TX"
    # a Texas barcode names the Texas licence, as the text does
    assert document_name(texas, "DL") == entry("us_tx_dl_front").document_name()


@pytest.mark.parametrize("template_id", list(ENTRIES))
def test_every_printed_field_has_a_box_where_the_template_prints_it(template_id: str):
    template = load_templates()[template_id]
    spec = entry(ENTRIES[template_id])
    boxes = {f.name: f.box for f in spec.fields}
    assert set(boxes) == {f.name for f in template.fields}
    for field in template.fields:
        x0, y0, x1, y1 = boxes[field.name]
        x, y = field.at
        middle = y + (field.size or template.text_size) / 2
        assert y0 <= middle <= y1, field.name
        # the box starts at the value, right of its numbered label, and past the value's start
        assert x - BOX_MARGIN <= x0 <= x + 0.02, field.name
        assert x1 > x + 0.02, field.name


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> dict[str, list[tuple[dict, object]]]:
    folder = tmp_path_factory.mktemp("licence_fronts")
    ids = [t.id for t in choose_templates(("dl_front",))]
    plan = Plan(n=1, seed=3, kinds=("dl_front",), defects=())
    found: dict[str, list[tuple[dict, object]]] = {}
    for template_id in ENTRIES:
        for k in range(SAMPLES):
            row = make_sample(plan, ids.index(template_id) + k * len(ids), folder)
            assert row["template"] == template_id
            reading = read((folder / row["image"]).read_bytes(), "US")
            found.setdefault(template_id, []).append((row, reading))
    return found


@pytest.mark.parametrize("template_id", list(ENTRIES))
def test_flat_scans_are_named_and_their_main_fields_read(readings, template_id: str):
    for row, reading in readings[template_id]:
        assert reading.document_name == row["document_name"], row["image"]
        assert reading.document_description == "Driving License"
        visual = {f.name: f.value for f in reading.fields if f.source == "visual"}
        want = {name: row["fields"][name]["value"] for name in MAIN_FIELDS}
        assert {name: visual.get(name) for name in MAIN_FIELDS} == want, row["image"]
