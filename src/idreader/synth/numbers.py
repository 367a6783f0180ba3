"""National numbers with their real structure and check digits, by scheme name.

Templates name a scheme under ``personal_number``; unknown names are read as a pattern
(``A`` letter, ``9`` digit).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np

from idreader.synth.identity import Identity, from_pattern, pick

CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# Verhoeff tables (Aadhaar)
VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def _plain(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text.upper()) if c.isascii())
    return "".join(c for c in text if c.isalpha() or c == " ")


def curp_check_digit(first17: str) -> str:
    total = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(first17))
    return str((10 - total % 10) % 10)


def curp(person: Identity, rng: np.random.Generator) -> str:
    """Mexico's CURP: 18 characters built from name, birth date, sex and state."""
    surnames = [*_plain(person.surname).split(), "X"]
    first, second = surnames[0], surnames[1]
    given = _plain(person.given_names).split()[0]
    vowel = next((c for c in first[1:] if c in "AEIOU"), "X")
    consonant = lambda s: next((c for c in s[1:] if c.isalpha() and c not in "AEIOU"), "X")  # noqa: E731
    state = pick(rng, ["DF", "JC", "NL", "PL", "VZ", "GT", "CH", "OC", "YN", "MC"])
    head = (
        f"{first[0]}{vowel}{second[0]}{given[0]}{person.birth_date:%y%m%d}"
        f"{'H' if person.sex == 'M' else 'M'}{state}"
        f"{consonant(first)}{consonant(second)}{consonant(given)}"
    )
    head += str(int(rng.integers(10))) if person.birth_date.year < 2000 else pick(rng, "ABCDE")
    return head + curp_check_digit(head)


def nik(person: Identity, rng: np.random.Generator) -> str:
    """Indonesia's NIK: region (6), birth day (+40 for women), month, year (2), sequence (4)."""
    region = pick(rng, ["317101", "327301", "337401", "357801", "517101", "127101"])
    day = person.birth_date.day + (40 if person.sex == "F" else 0)
    return f"{region}{day:02d}{person.birth_date:%m%y}{int(rng.integers(1, 9999)):04d}"


def cpf(_person: Identity, rng: np.random.Generator) -> str:
    """Brazil's CPF: 9 digits and two mod-11 check digits, printed 999.999.999-99."""
    digits = [int(d) for d in from_pattern("999999999", rng)]
    for length in (9, 10):
        total = sum(d * w for d, w in zip(digits, range(length + 1, 1, -1), strict=True))
        digits.append(0 if total % 11 < 2 else 11 - total % 11)
    s = "".join(map(str, digits))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def dni_es(_person: Identity, rng: np.random.Generator) -> str:
    number = int(from_pattern("99999999", rng))
    return f"{number:08d}{DNI_LETTERS[number % 23]}"


def pan(person: Identity, rng: np.random.Generator) -> str:
    """India's PAN: AAA + P (a person) + surname initial + 4 digits + a letter."""
    return f"{from_pattern('AAA', rng)}P{_plain(person.surname)[0]}{from_pattern('9999A', rng)}"


def verhoeff_digit(number: str) -> str:
    c = 0
    for i, d in enumerate(reversed(number)):
        c = VERHOEFF_D[c][VERHOEFF_P[(i + 1) % 8][int(d)]]
    return str(VERHOEFF_INV[c])


def aadhaar(_person: Identity, rng: np.random.Generator) -> str:
    head = str(int(rng.integers(2, 10))) + from_pattern("9" * 10, rng)
    s = head + verhoeff_digit(head)
    return f"{s[:4]} {s[4:8]} {s[8:]}"


def philsys_psn(_person: Identity, rng: np.random.Generator) -> str:
    return from_pattern("9999-9999-9999-9999", rng)


SCHEMES: dict[str, Callable[[Identity, np.random.Generator], str]] = {
    "curp": curp,
    "nik": nik,
    "cpf": cpf,
    "dni_es": dni_es,
    "pan": pan,
    "aadhaar": aadhaar,
    "philsys_psn": philsys_psn,
}


def personal_number(scheme: str, person: Identity, rng: np.random.Generator) -> str:
    if scheme in SCHEMES:
        return SCHEMES[scheme](person, rng)
    return from_pattern(scheme, rng)
