"""ISO 3166-1 country codes (data in ``data/countries.json``)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

import yaml


@cache
def _countries() -> dict[str, dict]:
    rows = json.loads(files("idreader").joinpath("data/countries.json").read_text("utf-8"))
    return {row["alpha2"]: row for row in rows}


def is_assigned_alpha2(code: str) -> bool:
    return code in _countries()


def country_name(alpha2: str) -> str:
    return _countries()[alpha2]["name"]


@cache
def _by_alpha3() -> dict[str, str]:
    return {row["alpha3"]: a2 for a2, row in _countries().items()}


@cache
def _icao_extra() -> dict[str, str]:
    text = files("idreader").joinpath("data/icao_codes.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def alpha3_to_alpha2(alpha3: str) -> str | None:
    """ISO alpha-2 for an ICAO/ISO alpha-3 code (Germany's ICAO 'D' included)."""
    return "DE" if alpha3 == "D" else _by_alpha3().get(alpha3)


def icao_code(alpha2: str) -> str:
    """The code an MRZ gives the issuing state of this ISO alpha-2 ('D' for Germany)."""
    return "D" if alpha2 == "DE" else _countries()[alpha2]["alpha3"]


def is_icao_code(code: str) -> bool:
    """A code that may stand in an MRZ's issuing-state or nationality field."""
    return code in _by_alpha3() or code in _icao_extra()
