"""The document catalogue (data) and the classifier that names documents with it."""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from conftest import SHARED
from idreader.catalogue import DocumentSpec, FieldSpec, catalogue, parse_catalogue
from idreader.mrz.parse import parse
from idreader.mrz.read import MrzResult, read_mrz
from idreader.pipeline.classify import classify, name_from_mrz, words_of
from idreader.synth.generate import Plan, choose_templates, make_sample
from idreader.synth.templates import Template, load_templates

MARKETS = {"MX", "PH", "ID", "BR", "CO", "PE", "IN", "NG", "PK", "TH", "VN", "MY"}
MARKETS |= {"GB", "US", "ES", "FR", "DE", "IT"}
TEMPLATES = list(load_templates().values())
MRZ_TEMPLATES = [t for t in TEMPLATES if t.mrz]
WRONG_HINT = {"MX": "PE", "ES": "MX", "PH": "ID", "US": "GB", "GB": "US", "FR": "DE", "DE": "FR"}
SPECIMEN_TD3 = [  # ICAO 9303 specimen; the issuing state is outside every check digit
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
CANADA_TD3 = [line.replace("UTO", "CAN") for line in SPECIMEN_TD3]


def spec_column(name: str, column: str) -> set[str]:
    path = SHARED / "spec" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    with path.open(encoding="utf-8") as f:
        return {row[column] for row in csv.DictReader(f, delimiter="\t")}


def mrz_result(lines: list[str]) -> MrzResult:
    parsed = parse(lines)
    assert parsed is not None
    return MrzResult(parsed.format, lines, parsed, np.zeros((4, 2)), np.array([1.0, 0.0]), 1.0)


def printed_texts(template: Template) -> list[str]:
    """What a reader sees besides the values: header texts and field labels."""
    headers = [h["text"] for h in template.header if "{" not in h["text"]]
    return headers + [f.label for f in template.fields if f.label]


def sample(template: Template, tmp_path: Path, seed: int = 7) -> dict:
    ids = [t.id for t in choose_templates((template.kind,))]
    plan = Plan(n=1, seed=seed, kinds=(template.kind,), defects=())
    row = make_sample(plan, ids.index(template.id), tmp_path)
    assert row["template"] == template.id
    return row


def noisy(line: str, rng: random.Random) -> str:
    """OCR-like damage: about one letter in ten replaced, accents gone, case mixed."""
    line = "".join(c for c in unicodedata.normalize("NFKD", line) if not unicodedata.combining(c))
    chars = list(line.lower() if rng.random() < 0.5 else line)
    letters = [i for i, c in enumerate(chars) if c.isalpha()]
    for i in rng.sample(letters, k=len(letters) // 10):
        chars[i] = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0158")
    return "".join(chars)


def test_catalogue_loads_with_unique_ids_and_covers_the_markets():
    specs = catalogue()
    assert len(specs) >= 30
    assert len({s.id for s in specs}) == len(specs)
    assert {s.country for s in specs} >= MARKETS
    generic = [s for s in specs if s.generic]
    assert {s.mrz.format for s in generic if s.mrz} == {"TD1", "TD2", "TD3", "MRVA", "MRVB", "FRID"}
    assert all(s.year is None and not s.keywords for s in generic)
    with pytest.raises(ValueError, match="duplicate"):
        parse_catalogue([{"id": "x", "country": "PH", "name": "A", "description": "Passport"}] * 2)
    with pytest.raises(ValueError):
        DocumentSpec.model_validate({"id": "y", "name": "B", "description": "Passport"})


def test_descriptions_and_field_names_come_from_the_spec():
    descriptions = spec_column("document-types.tsv", "document_description")
    field_names = spec_column("field-types.tsv", "field_name")
    for spec in catalogue():
        assert spec.description in descriptions, spec.id
        for f in spec.fields:
            assert f.name in field_names, (spec.id, f.name)
    for template in TEMPLATES:
        assert template.document_description in descriptions, template.id


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_every_template_has_an_entry(template: Template):
    specs = [
        s for s in catalogue() if not s.generic and s.document_name() == template.document_name
    ]
    assert specs, template.id
    assert {s.description for s in specs} == {template.document_description}
    assert template.size in {s.size for s in specs}
    formats = {s.mrz.format if s.mrz else None for s in specs}
    assert (template.mrz["format"] if template.mrz else None) in formats


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_templates_are_named_by_their_printed_text(template: Template):
    texts = printed_texts(template)
    found = classify(None, texts, template.country)
    assert found.document_name == template.document_name
    assert found.description == template.document_description and 0 < found.score <= 1
    wrong = WRONG_HINT.get(template.country, "MX")
    assert classify(None, texts, wrong).document_name == template.document_name
    assert classify(None, texts, None).document_name == template.document_name
    rng = random.Random(template.id)
    for _ in range(3):
        damaged = [noisy(line, rng) for line in texts]
        assert classify(None, damaged, wrong).document_name == template.document_name, damaged


@pytest.mark.parametrize("template", MRZ_TEMPLATES, ids=lambda t: t.id)
def test_templates_are_named_by_their_mrz(template: Template, tmp_path: Path):
    mrz = mrz_result(sample(template, tmp_path)["mrz"])
    alone = classify(mrz, [], None)
    assert alone.document_name == template.document_name  # the only such document of its state
    with_text = classify(mrz, printed_texts(template), "XX")
    assert with_text.document_name == template.document_name
    assert with_text.spec is not None and with_text.spec.mrz is not None
    assert with_text.score > alone.score


@pytest.mark.parametrize("template_id", ["ph_passport_td3", "mx_ine_back_td1", "us_visa_mrva"])
def test_rendered_documents_are_named_from_a_real_reading(template_id: str, tmp_path: Path):
    template = load_templates()[template_id]
    row = sample(template, tmp_path, seed=11)
    mrz = read_mrz(cv2.imread(str(tmp_path / row["image"])))
    assert mrz is not None and mrz.valid
    assert classify(mrz, printed_texts(template), None).document_name == row["document_name"]


def test_front_and_back_give_one_name_and_the_mrz_picks_the_side(tmp_path: Path):
    back = load_templates()["mx_ine_back_td1"]
    texts = ["INSTITUTO NACIONAL ELECTORAL", "CREDENCIAL PARA VOTAR"]
    front = classify(None, texts, "MX")
    assert front.spec is not None and front.spec.side == "front"
    with_mrz = classify(mrz_result(sample(back, tmp_path)["mrz"]), texts, "MX")
    assert with_mrz.spec is not None and with_mrz.spec.side == "back"
    assert front.document_name == with_mrz.document_name == "Mexico - Voter Id Card (2019)"


def test_unrelated_text_is_unknown():
    rng = random.Random(3)
    words = ["".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW") for _ in range(rng.randint(3, 9)))]
    for texts in (
        [],
        ["THE QUICK BROWN FOX", "JUMPS OVER THE LAZY DOG", "INVOICE 2024-001", "TOTAL 99.50"],
        [" ".join(words * 5)],
        ["Name", "Date of Birth", "Sex", "Passport"],  # common words only
    ):
        found = classify(None, texts, "PH")
        assert found.spec is None and found.document_name == "" and found.score == 0


def test_unknown_country_mrz_falls_back_to_the_generic_name():
    mrz = mrz_result(CANADA_TD3)
    assert mrz.valid
    found = classify(mrz, ["CANADA", "PASSPORT / PASSEPORT"], "CA")
    assert found.document_name == "Canada - Passport" and found.description == "Passport"
    assert found.spec is not None and found.spec.generic and found.score > 0
    assert name_from_mrz(mrz) == ("Canada - Passport", "Passport")
    assert name_from_mrz(None) == ("", "")


def test_generic_names_by_mrz_kind():
    td1 = [
        "IDD<<T220001293<<<<<<<<<<<<<<<",
        "6408125<2010315D<<<<<<<<<<<<<4",
        "MUSTERMANN<<ERIKA<<<<<<<<<<<<<",
    ]
    assert name_from_mrz(mrz_result(td1)) == ("Germany - Id Card", "Identity Card")
    # the specific entry needs its state: the same card issued by Utopia is not German
    utopia = [td1[0].replace("IDD<<", "IDUTO"), td1[1].replace("D<<<", "UTO<"), td1[2]]
    assert classify(mrz_result(utopia), [], "DE").spec is None


def test_words_are_folded_for_matching():
    assert words_of("République Française / N° 1ª") == ("REPUBLIQUE", "FRANCAISE", "N", "IA")
    assert words_of("STRAẞE Đà Nẵng") == ("STRASSE", "DA", "NANG")
    assert words_of("PERS0NALAUSWE1S") == ("PERSONALAUSWEIS",)


def test_phrases_read_without_their_spaces_and_with_slips_still_count():
    lines = ["BUNDESREPUBLIKDEUTSCHUAND", "PERSONALAUSWEIS", "SCHWARZ", "JONAS"]
    assert classify(None, lines, "DE").document_name == "Germany - Id Card (2010)"
    assert classify(None, ["NNCOMETAX DEPARTMENT", "PZDPR2375H"], "IN").document_name == (
        "India - Pan Card (2018)"
    )
    # a slip too many is no evidence
    assert classify(None, ["BXNXESXEPXBLXKXEXTXCXLXND"], "DE").document_name == ""
    # inside a longer run a phrase needs more of its letters: REPUBLICA DEL PERU is not here
    lines = ["REPUBLICA PEDERATIVA DO BRASN", "CARTEIRA NAEONAk DE NARAIWRCAO"]
    assert classify(None, lines).spec.country == "BR"


def test_a_tight_scans_proportions_favour_documents_of_its_size():
    lines = ["BUNDESREPUBLIK DEUTSCHLAND", "Name", "Vornamen", "Geburtsdatum"]
    id1, id2 = 85.60 / 53.98, 105 / 74
    assert classify(None, lines, "DE").spec.size == "ID-1"
    assert classify(None, lines, "DE", id1).spec.size == "ID-1"
    assert classify(None, lines, "DE", id2).spec.size in ("ID-2", "ID-3")


def test_a_cut_page_of_another_size_does_not_hide_a_document_its_text_names():
    # a visa (ID-3) cut to ID-1 proportions, its headline and labels read
    lines = ["VISA", "UNITED STATES OF AMERICA", "Issuing Post Name", "Control Number",
             "Surname", "Given Name", "Visa Type/Class", "Annotation"]  # fmt: skip
    assert classify(None, lines, "US", 85.60 / 53.98).document_name == "USA - Visa (2013)"


def test_an_unreadable_mrz_still_names_the_kind_of_document_and_its_issuer():
    header = ["REPUBLIKA NG PILIPINAS", "REPUBLIC OF THE PHILIPPINES"]
    # read as text, fillers lost to blur: a passport, not the national ID card
    mrz = ["P6PWL50R180B6688NEL<66666E666E646E666666666", "P8358377M6PL5909290R33101156"]
    assert classify(None, header, "PH").spec.mrz is None
    assert classify(None, [*header, *mrz], "PH").document_name == ("Philippines - ePassport (2016)")
    # the code and state alone ('IDD' read '100') name the document
    lines = ["100<<F31AM5CA66<<<<<<<<<<<<<<<", "5806218531070700<<<<<<<<<<<<<0"]
    assert classify(None, lines, "DE").document_name == "Germany - Id Card (2010)"
    # a line of another state's code, or text that only looks long, names nothing
    assert classify(None, ["P<XXQSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<"], "GB").spec is None
    assert classify(None, ["BUNDESREPUBLIKDEUTSCHLANDPERSONALAUSWEIS"], "DE").spec.mrz is None


@pytest.mark.parametrize("template_id", ["es_dni_front", "br_cnh_front", "mx_ine_front"])
def test_a_page_cut_above_its_header_is_named_by_its_labels(template_id: str):
    template = load_templates()[template_id]
    labels = [f.label for f in template.fields if f.label]
    found = classify(None, labels, None)
    assert found.document_name == template.document_name
    assert 0 < found.score < classify(None, printed_texts(template), None).score


@pytest.mark.parametrize("template_id", ["de_id_td1_front", "gb_passport_td3"])
def test_labels_that_several_documents_print_name_none_of_them(template_id: str):
    template = load_templates()[template_id]
    labels = [f.label for f in template.fields if f.label]
    assert labels  # the German passport prints the card's; many print the British ones
    assert classify(None, labels, template.country).document_name == ""


def test_a_national_number_that_points_at_its_country_names_the_document_printing_it():
    nik, pan, thai = "5171012008479784", "EVQPJ3775K", "1101700203450"
    # a NIK's and a PAN's structure (region, date; holder type) count in the client's country
    assert classify(None, [nik, "SELATAN"], "ID").document_name == "Indonesia - Id Card (2011)"
    assert classify(None, [pan, "01/1955"], "IN").document_name == "India - Pan Card (2018)"
    # ... not without it: a PhilSys number has 16 digits too
    assert classify(None, [nik], None).document_name == ""
    assert classify(None, [nik], "PH").document_name == ""
    # nor when the structure fails: no such province, a day 00
    assert classify(None, ["9971012008479784"], "ID").document_name == ""
    assert classify(None, ["5171010008479784"], "ID").document_name == ""
    # a Thai number's check digit counts anywhere, as printed; a wrong one does not
    assert classify(None, ["1 1017 00203 45 0"], None).document_name == "Thailand - Id Card"
    assert classify(None, [f"No. {thai}"], None).document_name == "Thailand - Id Card"
    assert classify(None, [thai[:-1] + "1"], "TH").document_name == ""


def test_a_number_several_documents_print_names_none_by_itself():
    cpf = "711.751.464-71"  # check digits pass; the CNH and the identity card print a CPF
    assert classify(None, [cpf], "BR").document_name == ""
    assert classify(None, [cpf, "CARTEIRA NACIONAL DE HABILITAÇÃO"], "BR").document_name == (
        "Brazil - Driving License (2017)"
    )


def test_a_number_is_evidence_only_for_the_documents_of_the_pages_size_that_print_it():
    dni, id_1, id_3 = "84673228Q", 1.586, 1.42  # the DNI card and the passport print it
    assert classify(None, ["ESPAÑA", dni], None).document_name == ""  # shared: too little
    assert classify(None, ["ESPAÑA", dni], None, id_1).document_name == "Spain - Id Card (2015)"
    assert classify(None, ["ESPAÑA", dni], None, id_3).document_name == "Spain - Passport"


def test_a_number_one_lookalike_away_counts_only_in_the_clients_country():
    misread = "846732280"  # the check letter Q read as 0
    card = "Spain - Id Card (2015)"
    assert classify(None, ["ESPAÑA", misread], "ES", 1.586).document_name == card
    assert classify(None, ["ESPAÑA", misread], None, 1.586).document_name == ""
    assert classify(None, ["ESPAÑA", misread], "MX", 1.586).document_name == ""
    assert classify(None, ["ESPAÑA", "846732281"], "ES", 1.586).document_name == ""  # I: no


def test_a_header_cut_by_the_page_edge_counts_for_the_part_read():
    cnh = "Brazil - Driving License (2017)"
    # the start or the end of "CARTEIRA NACIONAL DE HABILITAÇÃO", half of it or more
    assert classify(None, ["CARTEIRA NACIONAL D", "BRUNA PEREIRA"], None).document_name == cnh
    assert classify(None, ["NACIONAL DE HABILITAÇÃO"], None).document_name == cnh
    # too little of it, or a piece from its middle, is no evidence
    assert classify(None, ["CARTEIRA NACI"], None).document_name == ""
    assert classify(None, ["IRA NACIONAL DE HABIL"], None).document_name == ""


def test_whole_words_that_are_another_documents_phrase_are_not_a_cut_header():
    # "IDENTITY CARD" ends "TEMPORARY IDENTITY CARD", and is what the ID card prints
    texts = ["BUNDESREPUBLIK DEUTSCHLAND", "IDENTITY CARC", "ZIMMERMANN", "KÄTHE"]
    assert classify(None, texts, "DE", 1.586).document_name == "Germany - Id Card (2010)"


def test_a_field_names_only_a_known_national_number_scheme():
    assert FieldSpec(name="Personal Number", scheme="curp").scheme == "curp"
    with pytest.raises(ValidationError, match="unknown national number scheme"):
        FieldSpec(name="Personal Number", scheme="curp2")
