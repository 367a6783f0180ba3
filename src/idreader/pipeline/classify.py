"""Name the document. Until the catalogue exists: from the MRZ's format and issuing state,
``Country - Passport`` / ``Country - Id Card`` / ``Country - Visa``."""

from __future__ import annotations

from idreader.countries import alpha3_to_alpha2, country_name
from idreader.mrz.read import MrzResult

# (MRZ format, first letter of the document code) -> (name part, document-types.tsv entry)
MRZ_KINDS = {
    ("TD3", "P"): ("Passport", "Passport"),
    ("MRVA", "V"): ("Visa", "Visa"),
    ("MRVB", "V"): ("Visa", "Visa"),
    ("FRID", "I"): ("Id Card", "Identity Card"),
}
CARD_KINDS = {
    "I": ("Id Card", "Identity Card"),
    "A": ("Id Card", "Identity Card"),
    "C": ("Id Card", "Identity Card"),
}


def name_from_mrz(mrz: MrzResult | None) -> tuple[str, str]:
    """(document_name, document_description), or empty strings when unknown."""
    if mrz is None:
        return "", ""
    code = mrz.parsed.fields.get("document_code", "<")[:1]
    kind = MRZ_KINDS.get((mrz.format, code)) or CARD_KINDS.get(code)
    alpha2 = alpha3_to_alpha2(mrz.parsed.fields.get("issuing_state", "").rstrip("<"))
    if kind is None or alpha2 is None:
        return "", ""
    return f"{country_name(alpha2)} - {kind[0]}", kind[1]
