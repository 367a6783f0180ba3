"""Visual-zone fields: labels, dates, sex, national numbers, scripts, MRZ cross-checks."""

from idreader.fields.crosscheck import cross_check, values_agree
from idreader.fields.dates import format_iso, parse_date
from idreader.fields.labels import LabelMatch, find_label, find_labels
from idreader.fields.national_ids import detect_scheme, validate_national_id
from idreader.fields.normalise import normalise_sex, normalise_value
from idreader.fields.script import lcid_for

__all__ = [
    "LabelMatch",
    "cross_check",
    "detect_scheme",
    "find_label",
    "find_labels",
    "format_iso",
    "lcid_for",
    "normalise_sex",
    "normalise_value",
    "parse_date",
    "validate_national_id",
    "values_agree",
]
