"""ICAO 9303 check digits: weights 7, 3, 1; digits as themselves, A-Z as 10-35, < as 0."""

from __future__ import annotations

WEIGHTS = (7, 3, 1)
VALUES = {c: v for v, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}


def check_digit(text: str) -> str:
    try:
        total = sum(VALUES[c] * WEIGHTS[i % 3] for i, c in enumerate(text))
    except KeyError as e:
        raise ValueError(f"not an MRZ character: {e.args[0]!r}") from None
    return str(total % 10)


def is_valid(text: str, digit: str) -> bool:
    try:
        return check_digit(text) == digit
    except ValueError:
        return False
