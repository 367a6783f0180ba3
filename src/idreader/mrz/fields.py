"""An MRZ reading as contract fields (names from field-types.tsv)."""

from __future__ import annotations

import datetime as dt

from idreader.mrz.parse import FILLER, names_of
from idreader.mrz.read import MrzResult
from idreader.pipeline.types import ERROR, NOT_DONE, OK, FieldReading

OPTIONAL_NAME = {"TD3": "Personal Number"}  # elsewhere the optional data is just that


def mrz_date(yymmdd: str, today: dt.date, *, birth: bool) -> dt.date | None:
    """Century from context: a birth date is never in the future; other dates lie within
    60 years before and 30 years after today, nearest to today."""
    try:
        candidates = [
            dt.date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
            for century in (1900, 2000)
        ]
    except ValueError:
        return None
    if birth:
        past = [d for d in candidates if d <= today]
        return max(past) if past else None
    window = [
        d
        for d in candidates
        if today.replace(year=today.year - 60) <= d <= today.replace(year=today.year + 30)
    ]
    return min(window, key=lambda d: abs((d - today).days)) if window else None


def mrz_fields(result: MrzResult, today: dt.date) -> list[FieldReading]:
    parsed = result.parsed
    raw = parsed.fields

    def status(key: str) -> int:
        if key not in parsed.checks:
            return NOT_DONE
        return OK if parsed.checks[key] else ERROR

    def text(name: str, key: str, value: str | None = None, validity: int = NOT_DONE):
        original = raw[key]
        clean = original.replace(FILLER, " ").strip() if value is None else value
        return FieldReading(name, original, clean, validity, source="mrz")

    surname, given = names_of(parsed)
    if "names" in raw:
        primary, _, secondary = raw["names"].partition("<<")
    else:
        primary, secondary = raw["surname"], raw["given_names"]
    out = [
        text("Document Class Code", "document_code"),
        text("Issuing State Code", "issuing_state"),
        text("Document Number", "document_number", validity=status("document_number")),
        FieldReading("Surname", primary.rstrip(FILLER), surname, NOT_DONE, "mrz"),
        FieldReading("Given Names", secondary.rstrip(FILLER), given, NOT_DONE, "mrz"),
        date_field("Date of Birth", raw["birth_date"], status("birth_date"), today, birth=True),
        text("Sex", "sex", value={"M": "M", "F": "F"}.get(raw["sex"], "X")),
    ]
    if "expiry_date" in raw:
        out.append(
            date_field(
                "Date of Expiry", raw["expiry_date"], status("expiry_date"), today, birth=False
            )
        )
    if "nationality" in raw:
        out.append(text("Nationality Code", "nationality"))
    for key in ("optional_data", "optional_data_2"):
        if raw.get(key, FILLER).strip(FILLER):
            name = (
                OPTIONAL_NAME.get(parsed.format, "Optional Data")
                if key == "optional_data"
                else "Optional Data"
            )
            out.append(text(name, key, validity=status(key)))
    out.append(FieldReading("MRZ Type", parsed.format, parsed.format, NOT_DONE, "mrz"))
    out.append(
        FieldReading(
            "MRZ Strings",
            "\n".join(result.lines_read),
            "\n".join(parsed.lines),
            OK if parsed.valid else ERROR,
            "mrz",
        )
    )
    return out


def date_field(name: str, yymmdd: str, check: int, today: dt.date, *, birth: bool) -> FieldReading:
    day = mrz_date(yymmdd, today, birth=birth)
    if day is None:
        return FieldReading(name, yymmdd, yymmdd, ERROR, "mrz")
    return FieldReading(name, yymmdd, day.isoformat(), check, "mrz")


def mrz_status(result: MrzResult | None) -> int:
    if result is None:
        return NOT_DONE
    return OK if result.valid else ERROR
