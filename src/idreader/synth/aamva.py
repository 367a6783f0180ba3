"""AAMVA DL/ID barcode payloads (versions 01, 03, 08 and 10) for generated licence backs, and
the fields a reader should find in them.

What differs between the versions encoded here:

- 01 (DL/ID-2000): no jurisdiction version in the header; every date CCYYMMDD; the whole name
  in DAA ("LAST,FIRST,MIDDLE"); class, restrictions, endorsements in DAR, DAS, DAT; the
  address is the mailing one (DAG-DAK); height in feet and inches (DAU "508") or centimetres
  (DAV "175"); no document discriminator (DCF) nor country (DCG).
- 03 (Card Design Specification 2005): the given names in DCT ("FIRST,MIDDLE"), the federal
  commercial vehicle codes (DCH), no name truncation flags.
- 08 (2013) and 10 (2020): DCS, DAC, DAD (NONE without a middle name) and truncation flags
  DDE-DDG; 10 also the compliance type and donor flag (DDA, DDK) on US cards.

From 02 on, heights are "069 in" / "175 cm" and US dates MMDDCCYY; Canadian cards write
CCYYMMDD in every version. Sex is 1 (male) or 2 (female).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from idreader.barcode.aamva import document_name, jurisdiction_for_iin
from idreader.synth.identity import Identity, from_pattern, pick

COMPLIANCE = "@\n\x1e\r"  # "@", then the element separator, record separator, segment terminator
VERSIONS = (1, 3, 8, 10)
Truth = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Card:
    """What a licence's barcode holds besides its holder's identity."""

    iin: str
    jurisdiction: str  # the address's state or province: CA, ON
    city: str
    postal_code: str  # as encoded: "958230000", "M5V 2T6"
    country: str = "USA"  # DCG: USA or CAN
    version: int = 10
    dl_class: str = "C"
    eyes: str = "BRO"
    hair: str | None = None
    height: int = 69  # inches in the USA, centimetres elsewhere
    discriminator: str | None = None  # None: issue date, number's last 4 digits and "FD"

    @property
    def metric(self) -> bool:
        return self.country != "USA"

    @property
    def ymd(self) -> bool:
        """Dates CCYYMMDD (version 01, and Canada always), else MMDDCCYY."""
        return self.version <= 1 or self.country == "CAN"


# The California back as it always was: the default of aamva_payload and barcode_truth.
DEFAULT_CARD = Card(iin="636014", jurisdiction="CA", city="SACRAMENTO", postal_code="958230000")


@dataclass(frozen=True)
class Licence:
    """A licence back's draw: its barcode, its holder (numbered the jurisdiction's way) and
    the document's name."""

    card: Card
    person: Identity
    document_name: str

    def record(self) -> dict:
        """What the truth record says of the barcode."""
        card = self.card
        return {"iin": card.iin, "jurisdiction": card.jurisdiction, "version": card.version}


# ---------------------------------------------------------------- drawing


def _weighted(rng: np.random.Generator, weights: list[float]) -> int:
    p = np.asarray(weights, dtype=float)
    return int(rng.choice(len(p), p=p / p.sum()))


def draw_licence(spec: dict, person: Identity, rng: np.random.Generator) -> Licence:
    """A jurisdiction and an AAMVA version (by the template's weights), then that
    jurisdiction's number pattern, city and postal code, class and discriminator, and
    eyes, hair and height. ``spec`` is the template's ``barcode``."""
    issuers = spec["issuers"]
    issuer = issuers[_weighted(rng, [i.get("weight", 1) for i in issuers])]
    versions = spec["versions"]
    version = int(list(versions)[_weighted(rng, list(versions.values()))])
    where = jurisdiction_for_iin(issuer["iin"])
    if where is None or where.code != issuer["code"]:
        raise ValueError(f"IIN {issuer['iin']} is not {issuer['code']}'s")
    city, postal_code = pick(rng, issuer["places"])
    low, high = spec["heights"][where.country]
    card = Card(
        iin=issuer["iin"],
        jurisdiction=where.code,
        city=city,
        postal_code=postal_code,
        country=where.country,
        version=version,
        dl_class=issuer["class"],
        eyes=pick(rng, spec["eyes"]),
        hair=pick(rng, spec["hair"]),
        height=int(rng.integers(low, high + 1)),
        discriminator=from_pattern(issuer["discriminator"], rng),
    )
    number = from_pattern(issuer["number"], rng)
    holder = dataclasses.replace(person, document_number=number)
    name = issuer.get("document_name") or document_name(where, "DL")
    return Licence(card, holder, name)


# ---------------------------------------------------------------- encoding


def _names(person: Identity) -> tuple[str, str, str]:
    """Surname, first name, middle name ("" when none), upper case."""
    given = person.given_names.upper().split()
    return person.surname.upper(), given[0], " ".join(given[1:])


def _date(day: dt.date, card: Card) -> str:
    return f"{day:%Y%m%d}" if card.ymd else f"{day:%m%d%Y}"


def _height(card: Card) -> tuple[str, str]:
    """(element id, value): DAU in inches or centimetres; version 01 DAU feet+inches or DAV."""
    if card.version <= 1 and card.metric:
        return "DAV", f"{card.height:03d}"
    if card.version <= 1:
        return "DAU", f"{card.height // 12}{card.height % 12:02d}"
    return "DAU", f"{card.height:03d} {'cm' if card.metric else 'in'}"


def _version_1(person: Identity, card: Card) -> list[tuple[str, str]]:
    full = ",".join(filter(None, _names(person)))
    hair = [("DAZ", card.hair)] if card.hair else []
    return [
        ("DAQ", person.document_number),
        ("DAA", full),
        ("DAG", person.address.upper()),
        ("DAI", card.city.upper()),
        ("DAJ", card.jurisdiction),
        ("DAK", card.postal_code),
        ("DAR", card.dl_class),
        ("DAS", "NONE"),
        ("DAT", "NONE"),
        _height(card),
        ("DAY", card.eyes),
        *hair,
        ("DBA", _date(person.expiry_date, card)),
        ("DBB", _date(person.birth_date, card)),
        ("DBC", "1" if person.sex == "M" else "2"),
        ("DBD", _date(person.issue_date, card)),
    ]


def _names_from_2(person: Identity, card: Card) -> list[tuple[str, str]]:
    surname, first, middle = _names(person)
    if card.version <= 3:
        return [("DCS", surname), ("DCT", ",".join(filter(None, [first, middle])))]
    return [("DCS", surname), ("DAC", first), ("DAD", middle or "NONE")]


def _version_2_on(person: Identity, card: Card) -> list[tuple[str, str]]:
    discriminator = card.discriminator or (
        f"{person.issue_date:%m%d%Y}{person.document_number[-4:]}FD"
    )
    out = [
        ("DCA", card.dl_class),
        ("DCB", "NONE"),
        ("DCD", "NONE"),
        ("DBA", _date(person.expiry_date, card)),
        *_names_from_2(person, card),
        ("DBD", _date(person.issue_date, card)),
        ("DBB", _date(person.birth_date, card)),
        ("DBC", "1" if person.sex == "M" else "2"),
        ("DAY", card.eyes),
        _height(card),
        ("DAG", person.address.upper()),
        ("DAI", card.city.upper()),
        ("DAJ", card.jurisdiction),
        ("DAK", card.postal_code),
        ("DAQ", person.document_number),
        ("DCF", discriminator),
        ("DCG", card.country),
    ]
    if card.version <= 3:
        out.append(("DCH", "NONE"))  # federal commercial vehicle codes: not a CMV licence
    else:
        out += [("DDE", "N"), ("DDF", "N"), ("DDG", "N")]  # names not truncated
    if card.hair:
        out.append(("DAZ", card.hair))
    if card.version >= 10 and card.country == "USA":
        out += [("DDA", "F"), ("DDK", "1")]  # REAL ID compliant, organ donor
    return out


def aamva_elements(person: Identity, card: Card) -> list[tuple[str, str]]:
    """The DL subfile's elements, (id, value), in the standard's order."""
    return _version_1(person, card) if card.version <= 1 else _version_2_on(person, card)


def encode(person: Identity, card: Card) -> str:
    """The whole payload: header, one DL subfile designator, the subfile."""
    body = "DL" + "\n".join(e + v for e, v in aamva_elements(person, card)) + "\r"
    header = f"{COMPLIANCE}ANSI {card.iin}{card.version:02d}"
    header += "01" if card.version >= 2 else ""  # jurisdiction version (none in 01)
    header += "01"  # number of subfiles
    return f"{header}DL{len(header) + 10:04d}{len(body):04d}{body}"


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
    """A US card's payload (the California defaults for everything else)."""
    card = dataclasses.replace(
        DEFAULT_CARD,
        iin=iin,
        jurisdiction=jurisdiction,
        city=city,
        postal_code=postal_code,
        dl_class=dl_class,
        version=version,
    )
    return encode(person, card)


# ---------------------------------------------------------------- truth


def _postal(raw: str) -> str:
    """ "12345" (a +4 of zeros dropped) or "12345-6789"; Canadian "A1A 1A1"."""
    s = raw.replace(" ", "")
    if re.fullmatch(r"\d{9}", s):
        return s[:5] if s.endswith("0000") else f"{s[:5]}-{s[5:]}"
    if re.fullmatch(r"[A-Z]\d[A-Z]\d[A-Z]\d", s):
        return f"{s[:3]} {s[3:]}"
    return s


def _address(raw: dict[str, str], card: Card) -> Truth:
    """Street, city, jurisdiction, postal code and the whole address; version 01's is the
    mailing address."""
    prefix = "Mailing " if card.version <= 1 else ""
    street, city, code, postal = raw["DAG"], raw["DAI"], raw["DAJ"], raw["DAK"]
    whole = f"{street}, {city}, {code} "
    return {
        f"{prefix}Address Street": _same(street),
        f"{prefix}Address City": _same(city),
        f"{prefix}Address Jurisdiction Code": _same(code),
        f"{prefix}Address Postal Code": _pair(postal, _postal(postal)),
        "Address": _pair(whole + postal, whole + _postal(postal)),
    }


def _pair(original: str, value: str) -> dict[str, str]:
    return {"original_value": original, "value": value}


def _same(text: str) -> dict[str, str]:
    return _pair(text, text)


def aamva_truth(person: Identity, card: Card) -> Truth:
    """The barcode's fields under field-types.tsv names: ``original_value`` as encoded,
    ``value`` as the reader reports it (ISO dates, M/F, "69 in"/"175 cm", postal codes
    "12345", "12345-6789" or "A1A 1A1")."""
    raw = dict(aamva_elements(person, card))
    surname, first, middle = _names(person)
    given = " ".join(filter(None, [first, middle]))
    height_id = _height(card)[0]
    out = {"Surname": _same(surname), "Given Names": _same(given)}
    if card.version <= 1:
        out["Surname and Given Names"] = _pair(raw["DAA"], f"{surname} {given}")
    elif card.version <= 3:
        out["Given Names"] = _pair(raw["DCT"], given)
    for name, eid, day in (
        ("Date of Birth", "DBB", person.birth_date),
        ("Date of Expiry", "DBA", person.expiry_date),
        ("Date of Issue", "DBD", person.issue_date),
    ):
        out[name] = _pair(raw[eid], day.isoformat())
    out["Document Number"] = _same(person.document_number)
    out["Sex"] = _pair(raw["DBC"], person.sex)
    out.update(_address(raw, card))
    out["DL Class"] = _same(raw["DAR" if card.version <= 1 else "DCA"])
    out["DL Restriction Code"] = _same("NONE")
    out["DL Endorsed"] = _same("NONE")
    out["Height"] = _pair(raw[height_id], f"{card.height} {'cm' if card.metric else 'in'}")
    out["Eyes Color"] = _same(card.eyes)
    if card.hair:
        out["Hair Color"] = _same(card.hair)
    if card.version >= 2:
        out["Document Discriminator"] = _same(raw["DCF"])
        out["Issuing State Code"] = _same(card.country)
    out["Issuer Identification Number"] = _same(card.iin)
    return out
