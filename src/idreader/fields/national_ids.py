"""National numbers: structure and check digits per scheme (1 valid, 0 invalid).

What each scheme can catch: check digits (CPF, Aadhaar, ES DNI/NIE, TH, IT codice fiscale,
PE DNI's optional check character, CURP) find nearly every single wrong character; the
others only check their structure (length, embedded date, region or type code): NIK,
MyKad, PAN, CNIC, CCCD; PhilSys, NIN and Colombian cédulas are plain digit strings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from idreader.countries import alpha3_to_alpha2

CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
CURP_STATES = frozenset(
    re.findall(r"\w\w", "AS BC BS CC CH CL CM CS DF DG GR GT HG JC MC MN MS NE NL NT OC PL QR QT "
               "SL SP SR TC TL TS VZ YN ZS")
)  # fmt: skip
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
NIK_PROVINCES = frozenset(
    str(n) for n in (*range(11, 20), 21, *range(31, 37), 51, 52, 53, *range(61, 66),
                     *range(71, 77), 81, 82, *range(91, 98))
)  # fmt: skip
PAN_HOLDER_TYPES = "ABCFGHJLPT"  # 4th letter: P person, C company, H family (HUF), ...
MYKAD_PLACES = frozenset(
    [*range(1, 17), *range(21, 69), 71, 72, *range(74, 80), *range(82, 94), 98, 99]
)
CF_MONTHS = "ABCDEHLMPRST"
CF_OMOCODES = "LMNPQRSTUV"  # digits replaced by letters when two codes would clash
# values of 0-9 and A-Z at odd (1st, 3rd, ...) places
CF_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
          24, 23)  # fmt: skip


def _valid_day(year: int | None, month: int, day: int) -> bool:
    """A real date; with ``year`` None any century may make it real (29 February)."""
    for y in (year,) if year is not None else (2000, 2001):
        try:
            dt.date(y, month, day)
            return True
        except ValueError:
            pass
    return False


def _curp(v: str) -> bool:
    pattern = r"[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\d"
    if not re.fullmatch(pattern, v) or v[11:13] not in CURP_STATES:
        return False
    century = 1900 if v[16].isdigit() else 2000
    if not _valid_day(century + int(v[4:6]), int(v[6:8]), int(v[8:10])):
        return False
    total = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(v[:17]))
    return v[17] == str((10 - total % 10) % 10)


def _nik(v: str) -> bool:
    if not re.fullmatch(r"\d{16}", v) or v[:2] not in NIK_PROVINCES or "00" in (v[2:4], v[4:6]):
        return False
    day = int(v[6:8]) - (40 if int(v[6:8]) > 40 else 0)  # women: day + 40
    return _valid_day(None, int(v[8:10]), day) and v[12:] != "0000"


def _cpf(v: str) -> bool:
    if not re.fullmatch(r"\d{11}", v) or len(set(v)) == 1:
        return False
    digits = [int(c) for c in v]
    for n in (9, 10):
        total = sum(d * w for d, w in zip(digits[:n], range(n + 1, 1, -1), strict=True))
        if digits[n] != (0 if total % 11 < 2 else 11 - total % 11):
            return False
    return True


def _dni_es(v: str) -> bool:
    m = re.fullmatch(r"([XYZ]\d{7}|\d{8})([A-Z])", v)
    if not m:
        return False
    number = int(str("XYZ".find(m[1][0])) + m[1][1:] if m[1][0] in "XYZ" else m[1])
    return DNI_LETTERS[number % 23] == m[2]


def _pan(v: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}[A-Z][A-Z]\d{4}[A-Z]", v)) and v[3] in PAN_HOLDER_TYPES


def _verhoeff_ok(number: str) -> bool:
    perm = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]

    def mul(j: int, k: int) -> int:  # the dihedral group D5
        if j < 5:
            return (j + k) % 5 + (5 if k >= 5 else 0)
        return (j - k) % 5 + (0 if k >= 5 else 5)

    check = 0
    for i, d in enumerate(reversed(number)):
        k = int(d)
        for _ in range(i % 8):
            k = perm[k]
        check = mul(check, k)
    return check == 0


def _aadhaar(v: str) -> bool:
    return bool(re.fullmatch(r"[2-9]\d{11}", v)) and _verhoeff_ok(v)


def _th(v: str) -> bool:
    if not re.fullmatch(r"[1-8]\d{12}", v):
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(v[:12]))
    return int(v[12]) == (11 - total % 11) % 10


def _mykad(v: str) -> bool:
    return (
        bool(re.fullmatch(r"\d{12}", v))
        and _valid_day(None, int(v[2:4]), int(v[4:6]))
        and int(v[6:8]) in MYKAD_PLACES
    )


def _cf(v: str) -> bool:
    """Italy's codice fiscale (people): 6 letters, date with sex, place, check letter."""
    d = f"[0-9{CF_OMOCODES}]"
    if not re.fullmatch(rf"[A-Z]{{6}}{d}{{2}}[{CF_MONTHS}]{d}{{2}}[A-Z]{d}{{3}}[A-Z]", v):
        return False
    number = v.translate(str.maketrans(CF_OMOCODES, "0123456789"))
    day = int(number[9:11]) % 40
    if not _valid_day(None, CF_MONTHS.index(v[8]) + 1, day):
        return False
    value = lambda c: int(c) if c.isdigit() else ord(c) - 65  # noqa: E731
    total = sum(CF_ODD[value(c)] if i % 2 == 0 else value(c) for i, c in enumerate(v[:15]))
    return v[15] == chr(65 + total % 26)


def _dni_pe(v: str) -> bool:
    """8 digits; the check character printed after them (digit or letter) is optional."""
    if not re.fullmatch(r"\d{8}[0-9A-K]?", v):
        return False
    if len(v) == 8:
        return True
    r = sum(int(d) * w for d, w in zip(v, (3, 2, 7, 6, 5, 4, 3, 2), strict=False)) % 11
    return v[8] in ("65432110987"[r], "KJIHGFEDCBA"[r])


# scheme -> (country, validator); per country the order is the detection order.
SCHEMES: dict[str, tuple[str, Callable[[str], bool]]] = {
    "curp": ("MX", _curp),
    "nik": ("ID", _nik),
    "cpf": ("BR", _cpf),
    "dni_es": ("ES", _dni_es),
    "aadhaar": ("IN", _aadhaar),
    "pan": ("IN", _pan),
    "philsys_psn": ("PH", lambda v: bool(re.fullmatch(r"\d{16}", v))),
    "cnic": ("PK", lambda v: bool(re.fullmatch(r"[1-7]\d{12}", v))),
    "th_id": ("TH", _th),
    "mykad": ("MY", _mykad),
    "cccd": ("VN", lambda v: bool(re.fullmatch(r"0\d{11}", v)) and 1 <= int(v[:3]) <= 96),
    "nin": ("NG", lambda v: bool(re.fullmatch(r"\d{11}", v)) and int(v) > 0),
    "cedula_co": ("CO", lambda v: bool(re.fullmatch(r"[1-9]\d{5,9}", v))),
    "dni_pe": ("PE", _dni_pe),
    "codice_fiscale": ("IT", _cf),
    "us_dl": ("US", lambda v: bool(re.fullmatch(r"[A-Z0-9]{4,20}", v))),
}
# Without a country: schemes whose check digits make a false match unlikely.
STRONG = ("curp", "codice_fiscale", "cpf", "aadhaar", "th_id", "dni_es")
# Schemes without check digits whose structure (region or type code, a date) still makes a
# chance match unlikely among numbers of the country they belong to.
STRUCTURED = ("nik", "mykad", "pan")


def compact(value: str) -> str:
    """Upper case without the separators numbers are printed with (spaces . - /)."""
    return re.sub(r"[\s.\-/]", "", value).upper()


def country_code(country: str | None) -> str | None:
    if not country:
        return None
    country = country.strip().upper()
    return country if len(country) == 2 else alpha3_to_alpha2(country)


def schemes_for(country: str | None) -> tuple[str, ...]:
    code = country_code(country)
    return tuple(name for name, (c, _) in SCHEMES.items() if c == code)


def validate_national_id(scheme: str, value: str) -> int:
    """1 when ``value`` is well formed for ``scheme`` (with its check digits), else 0."""
    if scheme not in SCHEMES:
        raise KeyError(f"unknown national number scheme {scheme!r}")
    return 1 if SCHEMES[scheme][1](compact(value)) else 0


def detect_scheme(value: str, country: str | None = None) -> str | None:
    """The country's scheme that ``value`` is valid in; without a country only the
    check-digit schemes are tried (in the order of ``STRONG``)."""
    names = schemes_for(country) if country else STRONG
    return next((n for n in names if validate_national_id(n, value)), None)


def may_identify(value: str) -> bool:
    """Whether ``value`` is valid in a scheme that can point at its country (any country)."""
    return any(validate_national_id(n, value) for n in STRONG + STRUCTURED)


def identifying_scheme(value: str, country: str, named: bool) -> str | None:
    """The scheme of ``country`` that ``value`` is valid in, when that points at the country:
    a scheme with check digits, or (when the client ``named`` the country) one of
    ``STRUCTURED``; plain digit strings never do."""
    trusted = STRONG + STRUCTURED if named else STRONG
    return next(
        (n for n in schemes_for(country) if n in trusted and validate_national_id(n, value)), None
    )
