"""AAMVA DL/ID card design standard (2020, version 10) barcode payloads."""

from __future__ import annotations

from idreader.synth.identity import Identity

COMPLIANCE = "@\n\x1e\r"


def us_date(day) -> str:
    return f"{day:%m%d%Y}"


def aamva_payload(
    person: Identity,
    *,
    iin: str,
    jurisdiction: str,
    city: str,
    postal_code: str,
    dl_class: str = "C",
    version: int = 10,
) -> str:
    given = person.given_names.upper().split()
    elements = {
        "DCA": dl_class,
        "DCB": "NONE",
        "DCD": "NONE",
        "DBA": us_date(person.expiry_date),
        "DCS": person.surname.upper(),
        "DAC": given[0],
        "DAD": " ".join(given[1:]) or "NONE",
        "DBD": us_date(person.issue_date),
        "DBB": us_date(person.birth_date),
        "DBC": "1" if person.sex == "M" else "2",
        "DAY": "BRO",
        "DAU": "069 IN",
        "DAG": person.address.upper(),
        "DAI": city.upper(),
        "DAJ": jurisdiction,
        "DAK": postal_code,
        "DAQ": person.document_number,
        "DCF": f"{person.issue_date:%m%d%Y}{person.document_number[-4:]}FD",
        "DCG": "USA",
        "DDE": "N",
        "DDF": "N",
        "DDG": "N",
        "DDA": "F",
        "DDK": "1",
    }
    subfile = "DL" + "".join(f"{k}{v}\n" for k, v in elements.items()).rstrip("\n") + "\r"
    header_len = 21 + 10
    header = f"{COMPLIANCE}ANSI {iin}{version:02d}{1:02d}{1:02d}"
    designator = f"DL{header_len:04d}{len(subfile):04d}"
    return header + designator + subfile
