"""MRZ layouts, loaded from ``data/mrz_formats.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class MrzField:
    key: str
    line: int
    start: int
    end: int
    kind: str  # code | digits | alnum | name | sex
    check: int | None  # position of its check digit on the same line


@dataclass(frozen=True)
class Composite:
    at: tuple[int, int]
    over: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class MrzFormat:
    name: str
    lines: int
    length: int
    document_codes: tuple[str, ...]
    fields: tuple[MrzField, ...]
    composite: Composite | None
    size: str  # ISO/IEC 7810 size of the page that carries it: ID-1, ID-2 or ID-3
    issuers: tuple[str, ...] = ()  # the only issuing states that use it; empty: any

    def field(self, key: str) -> MrzField | None:
        return next((f for f in self.fields if f.key == key), None)


@cache
def formats() -> dict[str, MrzFormat]:
    text = files("idreader").joinpath("data/mrz_formats.yaml").read_text("utf-8")
    out = {}
    for name, spec in yaml.safe_load(text).items():
        fields = tuple(
            MrzField(f["key"], f["line"], f["span"][0], f["span"][1], f["kind"], f.get("check"))
            for f in spec["fields"]
        )
        comp = spec.get("composite")
        composite = (
            Composite(tuple(comp["at"]), tuple(tuple(seg) for seg in comp["over"]))
            if comp
            else None
        )
        out[name] = MrzFormat(
            name,
            spec["lines"],
            spec["length"],
            tuple(spec["document_codes"]),
            fields,
            composite,
            spec["size"],
            tuple(spec.get("issuers", ())),
        )
    return out


def get_format(name: str) -> MrzFormat:
    return formats()[name]
