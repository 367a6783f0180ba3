"""A visual field's ``value`` and validity from its printed text (``original_value`` is
the printed text itself and stays with the caller)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Mapping, Sequence

from idreader.countries import is_icao_code
from idreader.fields.dates import parse_date
from idreader.fields.national_ids import compact, country_code, detect_scheme, schemes_for
from idreader.fields.national_ids import validate_national_id as _national
from idreader.fields.text import collapse, culture_country, plain
from idreader.pipeline.types import ERROR, NOT_DONE, OK

_SEX = {
    "M": "M MALE MAN MASCULINO MASC MASCULIN HOMBRE HOMME VARON H LAKILAKI LAKI LELAKI L PRIA "
    "LALAKI ERKEK E NAM MANNLICH MAENNLICH MASCHILE MASCHIO MANNELIJK",
    "F": "F FEMALE WOMAN FEMENINO FEMININO FEM FEMININ FEMININE FEMME MUJER PEREMPUAN P WANITA "
    "BABAE KADIN K NU WEIBLICH W FEMMINILE FEMMINA VROUWELIJK VROUW V",
    "X": "X < NONBINARY NB DIVERS UNSPECIFIED INDETERMINATE",
}
SEX_WORDS = {word: sex for sex, words in _SEX.items() for word in words.split()}
HM_COUNTRIES = frozenset({"MX"})  # H (hombre) / M (mujer) single letters
DATE_KINDS = {
    "Date of Birth": "birth", "Date of Issue": "issue", "First Issue Date": "issue",
    "Date of Registration": "issue", "Date of Expiry": "expiry", "Visa Valid Until": "expiry",
    "Permit Date of Expiry": "expiry", "Date of Birth of Wife": "birth",
    "Date of Birth of Husband": "birth", "Aka Date of Birth": "birth",
}  # fmt: skip
NAME_FIELDS = frozenset(
    ["Surname", "Given Names", "Surname and Given Names", "Middle Name", "Second Surname",
     "Father's Name", "Mother's Name", "First Name", "Last Name", "Family Name", "Other Name",
     "Surname at Birth", "First Surname", "Second Name", "Third Name", "Fourth Name",
     "Aka Surname", "Aka Given Names", "Parents Given Names", "Surname of Spouse"]
)  # fmt: skip
MEASURE_FIELDS = frozenset({"Height", "Weight"})
MEASURE_UNIT = re.compile(r"\s*(cm|m|kg|lbs?|ib)\.?$", re.IGNORECASE)  # 'Ib': OCR's 'lb'
LOOKALIKES = dict(zip("O0I1S5B8Z2G6QD", "0O1I5S8B2Z6G00", strict=True))
# ... and also every character that stands for it (0 for O, Q and D: a check letter Q read
# as 0): for a check that only one of them can pass
ALL_LOOKALIKES = {
    char: "".join(sorted({alike} | {c for c, a in LOOKALIKES.items() if a == char}))
    for char, alike in LOOKALIKES.items()
}
MAX_LOOKALIKE_SPOTS, MAX_LOOKALIKE_SWAPS = 12, 3
COUNTRY_CODE_FIELDS = frozenset({"Issuing State Code", "Nationality Code"})


def normalise_sex(
    text: str,
    *,
    languages: Sequence[str] = (),
    country: str | None = None,
    hm: bool | None = None,
) -> str | None:
    """``M``, ``F`` or ``X`` from a printed sex (any language above, bilingual ``F/F``).

    A lone ``M`` is male except on documents printing H (hombre) / M (mujer): pass
    ``hm=True``, the issuing ``country`` (MX), or without a country a culture of such a
    country in ``languages`` (``es-MX``). Spain and France print M/F. Lone letters also
    read: H -> M; V (Dutch vrouw), W (weiblich), K (Turkish kadin), P (perempuan) -> F;
    E (erkek), L (lelaki) -> M.
    """
    if hm is None:
        hm = (country_code(country) or culture_country(languages)) in HM_COUNTRIES
    words = dict(SEX_WORDS, M="F") if hm else SEX_WORDS
    text = plain(text)
    whole = re.sub(r"[^A-Z<]", "", text)
    if whole in words:
        return words[whole]
    parts = [re.sub(r"[^A-Z<]", "", p) for p in re.split(r"[/|,;\s]+", text)]
    found = {words.get(p) for p in parts if p}
    return found.pop() if len(found) == 1 and None not in found else None


def _number_check(
    field_name: str, scheme: str | None, pattern: str | None, country: str | None
) -> Callable[[str], bool] | None:
    """What a number must pass: the template's pattern (as printed, or without its
    separators) and its national scheme; for a Personal Number without either, any scheme
    of the country; None when nothing checks it."""
    checks: list[Callable[[str], bool]] = []
    if pattern:
        checks.append(lambda v: _pattern_ok(pattern, v) or _pattern_ok(pattern, compact(v)))
    if scheme:
        checks.append(lambda v: _national(scheme, v) == OK)
    elif not pattern and field_name == "Personal Number" and schemes_for(country):
        checks.append(lambda v: detect_scheme(v, country) is not None)
    return (lambda v: all(check(v) for check in checks)) if checks else None


def repair_lookalikes(
    value: str,
    valid: Callable[[str], bool],
    swaps: Mapping[str, str] = LOOKALIKES,
    most: int = MAX_LOOKALIKE_SWAPS,
) -> str | None:
    """The one reading of ``value`` with the fewest (at ``most``) lookalike swaps (O/0, I/1,
    S/5, B/8, Z/2, G/6; ``swaps`` maps a character to those it may stand for) that ``valid``
    accepts (its format, its check digits), or None when there is none or more than one: as
    for the MRZ, never a guess between two."""
    spots = [i for i, c in enumerate(value) if c in swaps][:MAX_LOOKALIKE_SPOTS]
    for n in range(1, most + 1):
        found = set()
        for chosen in itertools.combinations(spots, n):
            for swapped in itertools.product(*(swaps[value[i]] for i in chosen)):
                at = dict(zip(chosen, swapped, strict=True))
                if valid(candidate := "".join(at.get(i, c) for i, c in enumerate(value))):
                    found.add(candidate)
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def number_field(field_name: str) -> bool:
    """Document, personal and other numbers and keys: compacted, checked by scheme/pattern."""
    return field_name.endswith(("Number", "Key"))


def date_kind(field_name: str) -> str | None:
    """``birth``/``issue``/``expiry``/``any`` for a date field, None for other fields."""
    if field_name in DATE_KINDS:
        return DATE_KINDS[field_name]
    if re.search(r"Check|Century|Timestamp", field_name):
        return None
    if re.search(r"\bDate\b|\bValid (from|Until)\b|^Resident (from|Until)$", field_name):
        return "expiry" if re.search(r"Expir|Until", field_name) else "any"
    return None


def _pattern_ok(pattern: str, value: str) -> bool:
    """A template pattern (A letter, 9 digit, X either) or else a regular expression."""
    if re.fullmatch(r"[A9X]+", pattern):
        rx = "".join({"A": "[A-Z]", "9": "[0-9]", "X": "[A-Z0-9]"}[c] for c in pattern)
        return re.fullmatch(rx, value) is not None
    return re.fullmatch(pattern, value) is not None


def normalise_value(
    field_name: str,
    text: str,
    *,
    order: str = "DMY",
    languages: Sequence[str] = (),
    country: str | None = None,
    today: dt.date | None = None,
    scheme: str | None = None,
    pattern: str | None = None,
    hm: bool | None = None,
) -> tuple[str, int]:
    """``(value, validity)`` for a field read from the visual zone; validity 1 valid,
    0 invalid, 2 when nothing can be checked.

    Dates become YYYY-MM-DD (birth and issue dates must not lie ahead of ``today``; a
    year alone stays as printed, not checkable); sex
    M/F/X; country codes upper case and checked against ICAO codes; names collapsed and
    upper case (accents kept); numbers lose their spaces and are checked with ``scheme``
    (or the country's national schemes for Personal Number) or a template ``pattern``.
    """
    clean = collapse(text)
    kind = date_kind(field_name)
    if kind is not None:
        today = today or dt.date.today()
        day = parse_date(clean, order=order, languages=languages, kind=kind, today=today)
        if day is None:  # a year alone ("AÑO DE REGISTRO 2010 01") has no day to check
            return clean, NOT_DONE if re.fullmatch(r"\d{4}(\s*\d{1,2})?", clean) else ERROR
        future = kind in ("birth", "issue") and day > today
        return day.isoformat(), ERROR if future else OK
    if field_name in MEASURE_FIELDS:  # "178 cm", "1,72 m", "165 lb": the number as printed
        return MEASURE_UNIT.sub("", clean), NOT_DONE
    if field_name == "Sex":
        sex = normalise_sex(clean, languages=languages, country=country, hm=hm)
        return (sex, OK) if sex else (clean, ERROR)
    if field_name in NAME_FIELDS:  # "REDDY,POOJA" as printed: "REDDY, POOJA"
        value = space_after_commas(clean.upper())
        return value, ERROR if re.search(r"\d", value) else NOT_DONE
    if field_name.endswith(" Code"):
        value = re.sub(r"\s+", "", clean).upper()
        if field_name in COUNTRY_CODE_FIELDS:
            return value, OK if is_icao_code(value) else ERROR
        if field_name == "Document Class Code":
            return value, OK if re.fullmatch(r"[A-Z][A-Z0-9<]?", value) else ERROR
        return value, NOT_DONE
    if number_field(field_name):
        value = re.sub(r"\s+", "", clean).upper()
        check = _number_check(field_name, scheme, pattern, country)
        if check is None:
            return value, NOT_DONE
        if check(value):
            return value, OK
        # a scheme's check digits choose among the letters a digit may stand for
        repaired = repair_lookalikes(value, check, ALL_LOOKALIKES if scheme else LOOKALIKES)
        return (repaired, OK) if repaired else (value, ERROR)
    if re.search(r"Address|Place", field_name):  # "TIJUANA,B.C." as printed: "TIJUANA, B.C."
        return space_after_commas(clean), NOT_DONE
    return clean, NOT_DONE


def space_after_commas(text: str) -> str:
    """One space after each comma that separates words (not in "KM 1,5")."""
    return re.sub(r"(?<!\d),(?=\S)|,(?=[^\d\s])", ", ", text)
