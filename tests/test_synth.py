"""The synthetic-document generator: valid MRZs, sane truth, deterministic output."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pytest
from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from idreader.mrz.checkdigit import check_digit
from idreader.mrz.compose import compose, to_mrz_chars
from idreader.mrz.parse import parse
from idreader.synth import numbers
from idreader.synth.generate import Plan, generate, make_sample
from idreader.synth.identity import make_identity
from idreader.synth.templates import KINDS, load_templates

ORACLES = {
    "TD1": TD1CodeChecker,
    "TD2": TD2CodeChecker,
    "TD3": TD3CodeChecker,
    "MRVA": MRVACodeChecker,
    "MRVB": MRVBCodeChecker,
}


def oracle_valid(format_name: str, lines: list[str]) -> bool:
    """Check digits judged by the independent ``mrz`` package (FRID by the 7-3-1 rule)."""
    if format_name == "FRID":
        l1, l2 = lines
        return (
            check_digit(l2[:12]) == l2[12]
            and check_digit(l2[27:33]) == l2[33]
            and check_digit(l1 + l2[:35]) == l2[35]
        )
    checker = ORACLES[format_name]("\n".join(lines), check_expiry=False)
    return checker._all_hashes()


def test_icao_specimens_compose_exactly():
    td3 = compose(
        "TD3",
        {
            "document_code": "P",
            "issuing_state": "UTO",
            "surname": "Eriksson",
            "given_names": "Anna María",
            "document_number": "L898902C3",
            "nationality": "UTO",
            "birth_date": "740812",
            "sex": "F",
            "expiry_date": "120415",
            "optional_data": "ZE184226B",
        },
    )
    assert td3 == [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ]
    td1 = compose(
        "TD1",
        {
            "document_code": "I",
            "issuing_state": "UTO",
            "surname": "Eriksson",
            "given_names": "Anna María",
            "document_number": "D23145890",
            "nationality": "UTO",
            "birth_date": "740812",
            "sex": "F",
            "expiry_date": "120415",
        },
    )
    assert td1 == [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]


@pytest.mark.parametrize(
    ("text", "mrz"),
    [
        ("Müller-Lüdenscheidt", "MUELLER<LUEDENSCHEIDT"),
        ("Groß", "GROSS"),
        ("Núñez", "NUNEZ"),
        ("O'Brien", "OBRIEN"),
        ("Dela Cruz", "DELA<CRUZ"),
        ("Ærø", "AEROE"),
    ],
)
def test_transliteration(text, mrz):
    assert to_mrz_chars(text) == mrz


def test_every_template_renders_valid_truth(tmp_path):
    templates = load_templates()
    assert len(templates) >= 12
    assert len({t.country for t in templates.values()}) >= 10
    for index in range(len(templates) * 2):
        row = make_sample(Plan(n=1, seed=7, defects=()), index, tmp_path)
        template = templates[row["template"]]
        image = __import__("cv2").imread(str(tmp_path / row["image"]))
        h, w = image.shape[:2]
        for name, (x0, y0, x1, y1) in row["boxes"].items():
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, (row["template"], name)
        assert row["corners"] == [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
        if template.mrz:
            assert oracle_valid(template.mrz["format"], row["mrz"]), row["mrz"]
            assert "MRZ Strings" in row["boxes"]
            # the codes the truth takes from the MRZ are those its lines hold
            held = parse(row["mrz"], template.mrz["format"]).fields
            for field, key in (
                ("Nationality Code", "nationality"),
                ("Issuing State Code", "issuing_state"),
            ):
                assert row["fields"].get(field, {}).get("value") == (
                    held.get(key, "").strip("<") or None
                ), field
        else:
            assert row["mrz"] is None
        for name, field in row["fields"].items():
            assert field["original_value"].strip() and field["value"].strip(), name
        dates = {
            n: dt.date.fromisoformat(row["fields"][n]["value"])
            for n in ("Date of Birth", "Date of Issue", "Date of Expiry")
            if n in row["fields"]
        }
        if "Date of Birth" in dates and "Date of Issue" in dates:
            assert dates["Date of Birth"] < dates["Date of Issue"]
        if "Date of Issue" in dates and "Date of Expiry" in dates:
            assert dates["Date of Issue"] < dates["Date of Expiry"]


def test_kinds_cover_the_brief():
    kinds = {t.kind for t in load_templates().values()}
    assert (
        {
            "passport_td3",
            "id_td1_front",
            "id_td1_back",
            "id_td2",
            "visa_mrva",
            "visa_mrvb",
            "national_id",
            "dl_front",
            "dl_back_pdf417",
        }
        <= kinds
        <= set(KINDS)
    )


def test_injected_bad_check_digits_fail_the_oracle(tmp_path):
    plan = Plan(n=1, seed=3, kinds=("passport_td3",), defects=(), bad_check_share=1.0)
    for index in range(6):
        row = make_sample(plan, index, tmp_path)
        assert {"name": "mrz_bad_check", "strength": 1.0} in row["defects"]
        assert not oracle_valid("TD3", row["mrz"])


def digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_output_regardless_of_workers(tmp_path):
    plan = Plan(n=6, seed=11)
    generate(plan, tmp_path / "a", workers=1)
    generate(plan, tmp_path / "b", workers=2)
    generate(Plan(n=6, seed=12), tmp_path / "c", workers=1)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")
    rows = [json.loads(line) for line in (tmp_path / "a" / "truth.jsonl").read_text().splitlines()]
    assert len(rows) == 6
    assert all(
        set(r)
        == {
            "image",
            "template",
            "country",
            "document_name",
            "document_description",
            "fields",
            "mrz",
            "corners",
            "boxes",
            "portrait",
            "defects",
        }
        for r in rows
    )
    assert {r["portrait"] for r in rows} <= {"photo", "drawn", None}
    assert all(0 <= d["strength"] <= 1 for r in rows for d in r["defects"])


def test_expired_documents_exist_and_dates_are_ordered():
    rng = np.random.default_rng(0)
    people = [
        make_identity(
            rng, "es-MX", number_pattern="999", validity_years=10, places=["X"], streets=["Y"]
        )
        for _ in range(300)
    ]
    assert all(p.birth_date < p.issue_date < p.expiry_date for p in people)
    expired = sum(p.expiry_date < dt.date(2026, 1, 1) for p in people)
    assert 20 < expired < 90


def test_national_numbers_have_their_structure():
    rng = np.random.default_rng(5)
    person = make_identity(
        rng, "es-MX", number_pattern="999", validity_years=10, places=["X"], streets=["Y"]
    )
    curp = numbers.curp(person, rng)
    assert len(curp) == 18 and curp[4:10] == f"{person.birth_date:%y%m%d}"
    assert numbers.curp_check_digit(curp[:17]) == curp[17]
    # python-stdnum's documented valid CURP: BOXW310820HNERXN09
    assert numbers.curp_check_digit("BOXW310820HNERXN0") == "9"
    cpf = numbers.cpf(person, rng).replace(".", "").replace("-", "")
    digits = [int(c) for c in cpf]
    for n in (9, 10):
        total = sum(d * w for d, w in zip(digits[:n], range(n + 1, 1, -1), strict=True))
        assert digits[n] == (0 if total % 11 < 2 else 11 - total % 11)
    dni = numbers.dni_es(person, rng)
    assert dni[-1] == numbers.DNI_LETTERS[int(dni[:8]) % 23]
    assert numbers.verhoeff_digit("236") == "3"  # the textbook Verhoeff example
    nik = numbers.nik(person, rng)
    assert len(nik) == 16 and nik.isdigit()
