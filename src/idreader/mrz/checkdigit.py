"""ICAO 9303 check digits: weights 7, 3, 1; digits as themselves, A-Z as 10-35, < as 0."""

from __future__ import annotations

WEIGHTS = (7, 3, 1)


def char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValueError(f"not an MRZ character: {ch!r}")


def check_digit(text: str) -> str:
    return str(sum(char_value(c) * WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


def is_valid(text: str, digit: str) -> bool:
    try:
        return check_digit(text) == digit
    except ValueError:
        return False
