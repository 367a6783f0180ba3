"""ISO 3166-1 country codes (data in ``data/countries.json``)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files


@cache
def _countries() -> dict[str, dict]:
    rows = json.loads(files("idreader").joinpath("data/countries.json").read_text("utf-8"))
    return {row["alpha2"]: row for row in rows}


def is_assigned_alpha2(code: str) -> bool:
    return code in _countries()


def country_name(alpha2: str) -> str:
    return _countries()[alpha2]["name"]


def alpha3_to_alpha2(alpha3: str) -> str | None:
    return next((a2 for a2, row in _countries().items() if row["alpha3"] == alpha3), None)
