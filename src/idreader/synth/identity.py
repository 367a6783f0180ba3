"""Random but coherent identities: names of a culture, dates in order, numbers by pattern."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import yaml

REFERENCE_DAY = dt.date(2026, 1, 1)  # "today" for generated documents: deterministic output


@cache
def name_pools() -> dict[str, dict]:
    text = files("idreader.synth").joinpath("names.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@dataclass
class Identity:
    surname: str
    given_names: str
    sex: str  # M | F
    birth_date: dt.date
    issue_date: dt.date
    expiry_date: dt.date
    document_number: str
    personal_number: str
    place_of_birth: str
    address: str


def pick(rng: np.random.Generator, items: list):
    return items[int(rng.integers(len(items)))]


def from_pattern(
    pattern: str, rng: np.random.Generator, letters: str = string.ascii_uppercase
) -> str:
    """``A`` one of ``letters``, ``9`` a digit, ``X`` either; anything else as written."""
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(pick(rng, letters))
        elif ch == "9":
            out.append(str(int(rng.integers(10))))
        elif ch == "X":
            out.append(pick(rng, letters + string.digits))
        else:
            out.append(ch)
    return "".join(out)


def random_day(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers((end - start).days + 1)))


def make_identity(
    rng: np.random.Generator,
    culture: str,
    *,
    number_pattern: str,
    number_letters: str = string.ascii_uppercase,
    validity_years: int,
    places: list[str],
    streets: list[str],
    expired_share: float = 0.15,
) -> Identity:
    pool = name_pools()[culture]
    sex = "F" if rng.random() < 0.5 else "M"
    given = pick(rng, pool["female" if sex == "F" else "male"])
    if rng.random() < 0.3:  # a second given name
        given = f"{given} {pick(rng, pool['female' if sex == 'F' else 'male'])}".strip()
        if len(set(given.split())) < len(given.split()):
            given = given.split()[0]
    surname = pick(rng, pool["surnames"])
    if pool.get("surnames2"):
        surname = f"{surname} {pick(rng, [s for s in pool['surnames'] if s != surname])}"
    birth = random_day(rng, dt.date(1945, 1, 1), dt.date(2007, 12, 31))
    validity = dt.timedelta(days=365 * validity_years)
    if rng.random() < expired_share:  # issued long enough ago to have run out
        latest_issue = REFERENCE_DAY - validity - dt.timedelta(days=30)
        earliest_issue = latest_issue - dt.timedelta(days=365 * 5)
    else:  # still valid on REFERENCE_DAY
        latest_issue = REFERENCE_DAY - dt.timedelta(days=1)
        earliest_issue = REFERENCE_DAY - validity + dt.timedelta(days=30)
    earliest_issue = max(earliest_issue, birth + dt.timedelta(days=30))
    issue = random_day(rng, min(earliest_issue, latest_issue), latest_issue)
    expiry = _add_years(issue, validity_years) - dt.timedelta(days=1)
    return Identity(
        surname=surname,
        given_names=given,
        sex=sex,
        birth_date=birth,
        issue_date=issue,
        expiry_date=expiry,
        document_number=from_pattern(number_pattern, rng, number_letters),
        personal_number=from_pattern("99999999999", rng),
        place_of_birth=pick(rng, places),
        address=f"{int(rng.integers(1, 999))} {pick(rng, streets)}",
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
