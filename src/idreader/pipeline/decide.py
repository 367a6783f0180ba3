"""Decide stage: the contract's status_info and overall result from what was read."""

from __future__ import annotations

import datetime as dt

from idreader.pipeline.types import ERROR, NOT_DONE, OK, FieldReading, Status


def check_expiry(fields: list[FieldReading], today: dt.date) -> int:
    for f in fields:
        if f.name == "Date of Expiry" and f.validity != ERROR:
            try:
                return OK if dt.date.fromisoformat(f.value) >= today else ERROR
            except ValueError:
                continue
    return NOT_DONE


def check_text(fields: list[FieldReading]) -> int:
    if not fields:
        return NOT_DONE
    return ERROR if any(f.validity == ERROR for f in fields) else OK


def decide(
    fields: list[FieldReading],
    *,
    named: bool,
    mrz: int,
    document_seen: bool,
    today: dt.date,
    mrz_expected: bool = False,
) -> tuple[str, Status]:
    """``mrz_expected``: the named document prints an MRZ on this side, so none read fails."""
    if mrz == NOT_DONE and mrz_expected:
        mrz = ERROR
    status = Status(
        doc_type=OK if named else ERROR,
        expiry=check_expiry(fields, today),
        mrz=mrz,
        text=check_text(fields),
    )
    if not document_seen and not fields:
        return "not performed", status
    # MRZ may be NOT_DONE (the document has none); the other three must be OK.
    failed = status.doc_type != OK or status.expiry != OK or status.text != OK or mrz == ERROR
    return ("error" if failed else "success"), status
