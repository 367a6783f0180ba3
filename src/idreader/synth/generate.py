"""Generate a synthetic set: images plus ``truth.jsonl`` (one object per image)."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from idreader.synth.capture import DEFECTS, capture, flat_capture
from idreader.synth.identity import Identity, make_identity
from idreader.synth.numbers import personal_number
from idreader.synth.render import render
from idreader.synth.templates import Template, load_templates

JPEG_QUALITY = 95


@dataclass(frozen=True)
class Plan:
    """What to generate. ``defects`` None: a random mix per image; empty: flat scans."""

    n: int
    seed: int
    kinds: tuple[str, ...] = ()
    defects: tuple[str, ...] | None = None
    bad_check_share: float = 0.0


def choose_templates(kinds: Sequence[str]) -> list[Template]:
    templates = [t for t in load_templates().values() if not kinds or t.kind in kinds]
    if not templates:
        raise ValueError(f"no template of kind {', '.join(kinds)}")
    return templates


def random_defects(rng: np.random.Generator) -> list[str]:
    chosen = ["background"] if rng.random() < 0.6 else []
    others = [d for d in DEFECTS if d != "background"]
    k = int(rng.choice([0, 1, 2, 3], p=[0.15, 0.35, 0.3, 0.2]))
    chosen += [others[i] for i in rng.choice(len(others), size=k, replace=False)]
    return chosen


def identity_for(template: Template, rng: np.random.Generator) -> Identity:
    """A holder for a document of this template: names of its culture, a number of its
    pattern, dates within its validity, a place and street of its country."""
    return make_identity(
        rng,
        template.culture,
        number_pattern=template.number,
        number_letters=template.number_letters,
        validity_years=template.validity_years,
        places=list(template.places),
        streets=list(template.streets),
    )


def make_sample(plan: Plan, index: int, out: Path) -> dict:
    rng = np.random.default_rng([plan.seed, index])
    templates = choose_templates(plan.kinds)
    template = templates[index % len(templates)]
    person = identity_for(template, rng)
    if template.personal_number:
        person.personal_number = personal_number(template.personal_number, person, rng)
    bad_check = bool(template.mrz) and rng.random() < plan.bad_check_share
    document = render(template, person, rng, bad_check=bad_check)
    defects = random_defects(rng) if plan.defects is None else list(plan.defects)
    shot = capture(document.pixels, defects, rng) if defects else flat_capture(document.pixels)
    name = f"{index:05d}_{template.id}.jpg"
    cv2.imwrite(str(out / name), shot.pixels, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    recorded = list(shot.defects) + (
        [{"name": "mrz_bad_check", "strength": 1.0}] if bad_check else []
    )
    return {
        "image": name,
        "template": template.id,
        "country": template.country,
        "document_name": document.document_name or template.document_name,
        "document_description": template.document_description,
        "fields": document.fields,
        "mrz": document.mrz,
        "corners": np.round(shot.corners, 2).tolist(),
        "boxes": document.boxes,
        "portrait": document.portrait,
        "defects": recorded,
        **({"barcode": document.barcode} if document.barcode else {}),
    }


def generate(plan: Plan, out: Path, workers: int = 1, progress=None) -> list[dict]:
    """Write ``plan.n`` images and ``truth.jsonl`` into ``out``; the same plan gives the same
    files whatever the number of workers."""
    out.mkdir(parents=True, exist_ok=True)
    choose_templates(plan.kinds)  # fail early on an unknown kind
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        rows = []
        for row in pool.map(make_sample, [plan] * plan.n, range(plan.n), [out] * plan.n):
            rows.append(row)
            if progress:
                progress()
    with (out / "truth.jsonl").open("w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows
