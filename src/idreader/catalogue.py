"""The document catalogue: what each known document looks like, as data (one YAML file per
country in ``data/catalogue/``, plus ``icao.yaml`` for generic ICAO 9303 documents)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from idreader.countries import country_name, is_assigned_alpha2
from idreader.fields.national_ids import SCHEMES

MrzFormatName = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB", "FRID"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MrzSpec(_Frozen):
    format: MrzFormatName
    document_codes: tuple[str, ...]  # accepted prefixes of the MRZ document code

    def code_match(self, format_name: str, code: str) -> int:
        """Length of the longest accepted prefix of ``code`` (0: the MRZ does not fit)."""
        if format_name != self.format:
            return 0
        return max((len(c) for c in self.document_codes if code.startswith(c)), default=0)


class FieldSpec(_Frozen):
    name: str  # field-types.tsv field_name, verbatim
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 of the upright page
    labels: tuple[str, ...] = ()  # printed labels, one per language
    pattern: str | None = None  # regular expression the value matches
    scheme: str | None = None  # national number scheme (fields.national_ids) it passes
    # regular expression finding the value in a field that prints more (a number and its
    # issuer); the first match is the value, the whole print stays the original value
    part: str | None = None

    @field_validator("box")
    @classmethod
    def _box_inside(cls, box: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if box is not None and not (0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1):
            raise ValueError(f"box {box} is not a relative x0 < x1, y0 < y1 rectangle")
        return box

    @field_validator("scheme")
    @classmethod
    def _known_scheme(cls, scheme: str | None) -> str | None:
        if scheme is not None and scheme not in SCHEMES:
            raise ValueError(f"unknown national number scheme {scheme!r}")
        return scheme

    @field_validator("pattern", "part")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            re.compile(pattern)
        return pattern


class DocumentSpec(_Frozen):
    id: str
    country: str | None = None  # ISO alpha-2; None: generic, the country comes from the MRZ
    country_label: str | None = None  # overrides the country's name in document_name
    name: str  # the "Document" of "Country - Document (Year)"
    year: int | None = None
    description: str  # document_description from document-types.tsv, verbatim
    size: Literal["ID-1", "ID-2", "ID-3"] | None = None
    side: Literal["front", "back"] = "front"
    mrz: MrzSpec | None = None
    languages: tuple[str, ...] = ()
    date_order: Literal["DMY", "MDY", "YMD"] = "DMY"  # order of numeric printed dates
    keywords: tuple[str, ...] = ()  # printed header texts
    fields: tuple[FieldSpec, ...] = ()
    aamva_iin: str | None = None  # issuer number in its AAMVA PDF417 (US, Canadian licences)
    barcodes: tuple[Literal["pdf417", "qr"], ...] = ()  # the barcodes this side carries

    @model_validator(mode="after")
    def _consistent(self) -> DocumentSpec:
        if self.country is None and self.mrz is None:
            raise ValueError(f"{self.id}: a generic entry needs an MRZ")
        if self.country is not None and not is_assigned_alpha2(self.country):
            raise ValueError(f"{self.id}: unknown country {self.country}")
        return self

    @property
    def generic(self) -> bool:
        return self.country is None

    def document_name(self, alpha2: str | None = None) -> str:
        """``Country - Document (Year)``; a generic entry takes the country ``alpha2``."""
        country = self.country_label or country_name(self.country or alpha2 or "")
        return f"{country} - {self.name}" + (f" ({self.year})" if self.year else "")


def parse_catalogue(items: list[dict]) -> tuple[DocumentSpec, ...]:
    specs = tuple(DocumentSpec.model_validate(item) for item in items)
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            raise ValueError(f"duplicate catalogue id {spec.id}")
        seen.add(spec.id)
    return specs


@cache
def catalogue() -> tuple[DocumentSpec, ...]:
    """Every entry of every ``data/catalogue/*.yaml`` file, files in name order."""
    folder = files("idreader").joinpath("data/catalogue")
    items: list[dict] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            items.extend(yaml.safe_load(entry.read_text("utf-8")) or [])
    return parse_catalogue(items)
