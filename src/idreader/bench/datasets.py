"""Benchmark datasets: a synthetic folder (``truth.jsonl``) or the real set (``manifest.jsonl``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from idreader.countries import alpha3_to_alpha2, is_assigned_alpha2

FALLBACK_COUNTRY = "US"  # sent when the issuer has no ISO alpha-2 (UTO, D, unknown)
# Real-set tags that record a capture defect the flags should catch (strength unknown).
REAL_TAG_DEFECTS = {"low_res": "low_resolution", "perspective": "perspective"}


@dataclass(frozen=True)
class Defect:
    name: str
    strength: float | None  # 0..1; None when only the defect's presence is known


@dataclass(frozen=True)
class Sample:
    """One labelled image. ``None`` means the truth is unknown, so the metric skips it."""

    image: Path
    kind: str
    country: str  # alpha-2 handed to the reader
    mrz: list[str] | None = None
    fields: dict[str, str] | None = None  # field name -> expected value
    document_name: str | None = None
    document_description: str | None = None
    corners: list[list[float]] | None = None  # TL, TR, BR, BL in image pixels
    defects: tuple[Defect, ...] = ()
    tags: tuple[str, ...] = ()
    drawn_portrait: bool = False  # a cartoon face: the Portrait check should fail
    barcode: bool = False  # it carries a barcode the generator encoded (a licence back)


@dataclass
class Dataset:
    name: str
    source: str
    type: Literal["synthetic", "real"]
    samples: list[Sample] = field(default_factory=list)


# The generator's template kinds, named like the real set's doc_kind where the two overlap.
GENERATOR_KINDS = {
    "passport_td3": "passport",
    "id_td1_back": "id_td1",
    "id_frid": "id_td2",  # the French 2x36 ID card, filed as id_td2 in the real set too
    "visa_mrva": "visa",
    "visa_mrvb": "visa",
}


def generator_kind(template: str) -> str | None:
    """The kind the synthetic generator records for ``template``, when it knows the id."""
    try:
        from idreader.synth.templates import load_templates

        return load_templates()[template].kind
    except (ImportError, AttributeError, KeyError, ValueError, OSError):
        return None


def document_kind(template: str, kind: str | None = None) -> str:
    """The document kind of a synthetic image: its ``kind`` key, else the generator's kind of
    its template, else a guess from the template id (``gb_passport_td3``, ``de_id_td1_back``)."""
    kind = kind or generator_kind(template)
    if kind:
        return GENERATOR_KINDS.get(kind, kind)
    tokens = set(template.lower().split("_"))
    if tokens & {"passport", "pp"}:
        return "passport"
    if "visa" in tokens:
        return "visa"
    if tokens & {"dl", "cnh", "driving", "licence", "license"}:
        return "driving_licence"
    if tokens & {"td1", "td2", "frid"}:
        return "id_td1" if "td1" in tokens else "id_td2"
    return "id_card" if tokens & {"id", "idcard", "identity", "dni", "cni"} else "other"


def to_alpha2(alpha3: str | None) -> str:
    code = alpha3_to_alpha2(alpha3) if alpha3 else None
    return code or FALLBACK_COUNTRY


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_synthetic(folder: Path) -> Dataset:
    samples = []
    for row in read_jsonl(folder / "truth.jsonl"):
        country = (row.get("country") or "").upper()
        samples.append(
            Sample(
                image=folder / row["image"],
                kind=document_kind(row.get("template") or "", row.get("kind")),
                country=country if is_assigned_alpha2(country) else FALLBACK_COUNTRY,
                mrz=row.get("mrz") or None,
                fields={name: f["value"] for name, f in (row.get("fields") or {}).items()},
                document_name=row.get("document_name") or None,
                document_description=row.get("document_description") or None,
                corners=row.get("corners"),
                defects=tuple(
                    Defect(d["name"], float(d["strength"])) for d in row.get("defects") or []
                ),
                drawn_portrait=row.get("portrait") == "drawn",
                barcode=bool(row.get("barcode")),
            )
        )
    return Dataset(folder.name, str(folder), "synthetic", samples)


# The real set's field truth (PassportEye's MRZ keys) -> field-types.tsv names.
MANIFEST_FIELDS = {
    "number": "Document Number", "surname": "Surname", "names": "Given Names", "sex": "Sex",
    "nationality": "Nationality Code", "country": "Issuing State Code",
    "date_of_birth": "Date of Birth", "expiration_date": "Date of Expiry",
}  # fmt: skip


def manifest_fields(truth: dict | None) -> dict[str, str] | None:
    """Expected values in the contract's terms; MRZ dates (YYMMDD) as YYYY-MM-DD, births in
    the past century when the year would be ahead, expiries in this one."""
    if not truth:
        return None
    out = {}
    for key, name in MANIFEST_FIELDS.items():
        value = str(truth.get(key) or "").replace("<", " ").strip()
        if value and key.startswith(("date", "expiration")):
            yy, this_year = int(value[:2]), dt.date.today().year % 100
            century = 19 if key == "date_of_birth" and yy > this_year else 20
            value = f"{century}{value[:2]}-{value[2:4]}-{value[4:6]}"
        if value:
            out[name] = value
    return out


def load_manifest(manifest: Path) -> Dataset:
    samples = []
    for row in read_jsonl(manifest):
        tags = tuple(row.get("tags") or ())
        samples.append(
            Sample(
                image=manifest.parent / row["path"],
                kind=row.get("doc_kind") or "other",
                country=to_alpha2(row.get("country")),
                mrz=row.get("mrz") or None,
                fields=manifest_fields(row.get("fields")),
                defects=tuple(
                    Defect(REAL_TAG_DEFECTS[t], None) for t in tags if t in REAL_TAG_DEFECTS
                ),
                tags=tags,
            )
        )
    return Dataset(manifest.parent.name, str(manifest), "real", samples)


def load_dataset(source: str, limit: int | None = None) -> Dataset:
    """A folder with ``truth.jsonl``, a ``manifest.jsonl`` file, or a folder holding one."""
    path = Path(source)
    if path.is_dir() and (path / "truth.jsonl").is_file():
        dataset = load_synthetic(path)
    elif path.is_dir() and (path / "manifest.jsonl").is_file():
        dataset = load_manifest(path / "manifest.jsonl")
    elif path.is_file() and path.suffix == ".jsonl":
        dataset = load_manifest(path)
    else:
        raise ValueError(f"{source}: neither a folder with truth.jsonl nor a manifest.jsonl")
    if limit is not None:
        dataset.samples = dataset.samples[:limit]
    return dataset
