"""Typefaces for synthetic documents, from Debian font packages (see the Makefile)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

FONT_DIRS = (Path("/usr/share/fonts"),)
# Logical family -> candidate files; each sample picks one of those installed.
FAMILIES = {
    "sans": ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf"],
    "sans_bold": ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "FreeSansBold.ttf"],
    "condensed": ["DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"],
    "serif": ["DejaVuSerif.ttf", "LiberationSerif-Regular.ttf", "FreeSerif.ttf"],
    "serif_bold": ["DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf", "FreeSerifBold.ttf"],
    "mono": ["DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "FreeMono.ttf"],
    "ocrb": ["OCRB.otf"],
}
OCRB_FALLBACK = "mono"


@cache
def _installed() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in FONT_DIRS:
        if root.exists():
            for path in root.rglob("*"):
                if path.suffix.lower() in {".ttf", ".otf"}:
                    found.setdefault(path.name, path)
    return found


def family_files(family: str) -> list[Path]:
    files = [_installed()[n] for n in FAMILIES[family] if n in _installed()]
    if not files and family == "ocrb":
        return family_files(OCRB_FALLBACK)
    if not files:
        raise RuntimeError(f"no font of family {family!r}; install the Debian font packages")
    return files


def choose(family: str, rng: np.random.Generator) -> Path:
    files = family_files(family)
    return files[int(rng.integers(len(files)))]


@cache
def load(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)
