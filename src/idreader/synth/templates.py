"""Document templates: one YAML file each in ``synth/templates/``."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml

# Physical sizes (mm) of ICAO 9303 formats.
SIZES_MM = {"ID-1": (85.60, 53.98), "ID-2": (105.0, 74.0), "ID-3": (125.0, 88.0)}
KINDS = (
    "passport_td3",
    "id_td1_front",
    "id_td1_back",
    "id_td2",
    "visa_mrva",
    "visa_mrvb",
    "id_frid",
    "national_id",
    "dl_front",
    "dl_back_pdf417",
)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # field-types.tsv name, verbatim
    value: str  # expression, e.g. "{birth_date:DD MON/MON_fr YY}"
    at: tuple[float, float]  # label's top-left, relative to the document
    label: str | None = None
    size: float | None = None  # value text height relative to document height
    font: str | None = None


@dataclass(frozen=True)
class Template:
    id: str
    country: str
    kind: str
    document_name: str
    document_description: str
    size: str
    culture: str
    nationality: str  # ICAO alpha-3
    number: str  # A a letter, 9 a digit, X either
    validity_years: int
    fields: tuple[FieldSpec, ...]
    places: tuple[str, ...]
    streets: tuple[str, ...]
    number_letters: str = string.ascii_uppercase  # the letters a number may use
    palette: dict = field(default_factory=dict)
    fonts: dict = field(default_factory=dict)
    mrz: dict | None = None
    personal_number: str | None = None
    header: tuple[dict, ...] = ()
    bands: tuple[dict, ...] = ()
    portrait: tuple[float, ...] | None = None
    ghost_portrait: tuple[float, ...] | None = None
    signature: tuple[float, ...] | None = None
    barcode: dict | None = None
    sex_print: dict = field(default_factory=lambda: {"M": "M", "F": "F"})
    upper: bool = True
    text_size: float = 0.042
    label_size: float = 0.026
    extra: dict = field(default_factory=dict)  # constants usable in expressions

    @property
    def aspect(self) -> float:
        w, h = SIZES_MM[self.size]
        return w / h


def parse_template(spec: dict) -> Template:
    spec = dict(spec)
    spec["fields"] = tuple(FieldSpec(**{**f, "at": tuple(f["at"])}) for f in spec.get("fields", []))
    for key in ("places", "streets", "header", "bands"):
        spec[key] = tuple(spec.get(key, ()))
    for key in ("portrait", "ghost_portrait", "signature"):
        if spec.get(key) is not None:
            spec[key] = tuple(spec[key])
    if spec["kind"] not in KINDS:
        raise ValueError(f"{spec['id']}: unknown kind {spec['kind']}")
    if spec["size"] not in SIZES_MM:
        raise ValueError(f"{spec['id']}: unknown size {spec['size']}")
    return Template(**spec)


@cache
def load_templates() -> dict[str, Template]:
    folder = files("idreader.synth").joinpath("templates")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            template = parse_template(yaml.safe_load(entry.read_text("utf-8")))
            out[template.id] = template
    return out
